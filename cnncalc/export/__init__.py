"""Export an architecture as framework source code: :func:`~cnncalc.export.pytorch.export_pytorch`.

Exporters take the analysed architecture (every layer's input shape, resolved padding and
operands are known) and write plain, readable source that imports only the framework.
"""
