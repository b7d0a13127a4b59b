"""Import trained models' architectures as ``.arch`` text: :func:`import_model` picks the importer.

``model.onnx`` is read by :mod:`cnncalc.importers.onnx` (optional extra ``onnx``),
``model.keras`` or a ``to_json()`` file by :mod:`cnncalc.importers.keras` (standard library only),
``torch:package.module:callable`` by :mod:`cnncalc.importers.torch_module` (extra ``torch``, through ``torch.fx``).
"""

from __future__ import annotations

from cnncalc.errors import UsageError
from cnncalc.importers.layers import Imported, missing_extra


def import_model(source: str, *, input_dims: str | None = None, lenient: bool = False) -> Imported:
    """The ``.arch`` text of the model at ``source``, told apart by its suffix."""
    if source.startswith("torch:"):
        from cnncalc.importers.torch_module import import_torch

        return import_torch(source[len("torch:") :], input_dims=input_dims, lenient=lenient)
    lowered = source.lower()
    if lowered.endswith(".onnx"):
        try:
            from cnncalc.importers.onnx import import_onnx
        except ModuleNotFoundError:  # numpy comes with the onnx extra
            raise missing_extra("onnx", "onnx") from None

        return import_onnx(source, input_dims=input_dims, lenient=lenient)
    if lowered.endswith((".keras", ".json")):
        from cnncalc.importers.keras import import_keras

        return import_keras(source, input_dims=input_dims)
    raise UsageError(
        f"cannot tell what kind of model '{source}' is",
        hint="cnncalc imports model.onnx, model.keras (or a Keras to_json() .json) and torch:package.module:callable",
    )


__all__ = ["Imported", "import_model"]
