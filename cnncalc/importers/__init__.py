"""Import trained models' architectures as ``.arch`` text: :func:`import_model` picks the importer.

``model.onnx`` is read by :mod:`cnncalc.importers.onnx` (optional extra ``onnx``),
``model.keras`` or a ``to_json()`` file by :mod:`cnncalc.importers.keras` (standard library only),
``torch:package.module:callable`` by :mod:`cnncalc.importers.torch_module` (extra ``torch``, through ``torch.fx``).
:mod:`cnncalc.importers.source` reads a command's FILE: an architecture, or one of these models.
"""

from __future__ import annotations

from typing import Literal

from cnncalc.errors import UsageError
from cnncalc.importers.layers import Imported, missing_extra

ModelKind = Literal["onnx", "keras", "torch"]


def model_kind(source: str) -> ModelKind | None:
    """Which importer reads ``source``, told apart by its prefix or suffix (``.json`` is Keras's ``to_json()``)."""
    if source.startswith("torch:"):
        return "torch"
    lowered = source.lower()
    if lowered.endswith(".onnx"):
        return "onnx"
    if lowered.endswith((".keras", ".json")):
        return "keras"
    return None


def import_kind(kind: ModelKind, source: str, *, input_dims: str | None = None, lenient: bool = False) -> Imported:
    """The ``.arch`` text of the model at ``source``, read by the importer of ``kind``."""
    if kind == "torch":
        from cnncalc.importers.torch_module import import_torch

        return import_torch(source[len("torch:") :], input_dims=input_dims, lenient=lenient)
    if kind == "onnx":
        try:
            from cnncalc.importers.onnx import import_onnx
        except ModuleNotFoundError:  # numpy comes with the onnx extra
            raise missing_extra("onnx", "onnx") from None

        return import_onnx(source, input_dims=input_dims, lenient=lenient)
    from cnncalc.importers.keras import import_keras

    return import_keras(source, input_dims=input_dims)


def import_model(source: str, *, input_dims: str | None = None, lenient: bool = False) -> Imported:
    """The ``.arch`` text of the model at ``source``, told apart by its suffix."""
    kind = model_kind(source)
    if kind is None:
        raise UsageError(
            f"cannot tell what kind of model '{source}' is",
            hint="cnncalc imports model.onnx, model.keras (or a Keras to_json() .json)"
            " and torch:package.module:callable",
        )
    return import_kind(kind, source, input_dims=input_dims, lenient=lenient)


__all__ = ["Imported", "ModelKind", "import_kind", "import_model", "model_kind"]
