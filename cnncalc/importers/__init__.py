"""Import trained models' architectures as ``.arch`` text: :func:`import_model` picks the importer.

``model.onnx`` is read by :mod:`cnncalc.importers.onnx` (optional extra ``onnx``),
``model.keras`` or a ``to_json()`` file by :mod:`cnncalc.importers.keras` (standard library only),
``torch:package.module:callable`` by :mod:`cnncalc.importers.torch_module` (extra ``torch``, through ``torch.fx``).
:mod:`cnncalc.importers.source` reads a command's FILE: an architecture, or one of these models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from cnncalc.errors import UsageError

if TYPE_CHECKING:  # every command reading FILE imports this package: the importers load only for a model
    from cnncalc.importers.layers import Imported

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
    """The ``.arch`` text of the model at ``source``, read by the importer of ``kind``.

    ``input_dims`` sets the sizes the model leaves dynamic and may change those it fixes, but never
    its channels, nor the sizes a layer's weights depend on (an ``fc`` after a flatten): see
    :func:`_same_weights`."""
    imported = _run(kind, source, input_dims, lenient)
    if input_dims is not None and kind != "torch":  # torch runs the model on the input: a misfit fails there
        _same_weights(kind, source, imported, input_dims, lenient)
    return imported


def _same_weights(kind: ModelKind, source: str, imported: Imported, input_dims: str, lenient: bool) -> None:
    """Refuse an ``--input`` under which the model's layers would hold other weights than the model's
    own input gives them (the parameter counts differ: a layer's weights depend on the changed sizes).
    A model that leaves its sizes open has nothing to compare with; an input the layers cannot take
    is left for the analysis to report."""
    from cnncalc.analysis import analyze
    from cnncalc.arch.reader import parse
    from cnncalc.errors import CnncalcError

    try:
        own = analyze(parse(_run(kind, source, None, lenient).text, source))
        given = analyze(parse(imported.text, source))
    except CnncalcError:
        return
    own_params, given_params = (r.totals.trainable_params + r.totals.non_trainable_params for r in (own, given))
    if own_params != given_params:
        sizes = "x".join(str(d) for d in own.input_shape.as_list())
        counted = f"{given_params:,}" if isinstance(given_params, int) else str(given_params)
        raise UsageError(
            f"--input {input_dims!r} gives the model {counted} parameters; its weights hold {own_params:,}",
            hint=f"a layer's weights (an fc after a flatten) fix the sizes before it: keep {sizes}",
        )


def _run(kind: ModelKind, source: str, input_dims: str | None, lenient: bool) -> Imported:
    if kind == "torch":
        from cnncalc.importers.torch_module import import_torch

        return import_torch(source[len("torch:") :], input_dims=input_dims, lenient=lenient)
    if kind == "onnx":
        from cnncalc.importers.layers import missing_extra

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


__all__ = ["ModelKind", "import_kind", "import_model", "model_kind"]
