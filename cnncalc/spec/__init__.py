"""Reading architectures: ``model`` (the dataclasses), ``text`` (.arch), ``json_arch``, ``source``.

Kept import-free so that the registry can use the model without pulling in the
readers (which themselves use the registry).
"""
