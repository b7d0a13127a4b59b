"""cnncalc: the arithmetic of convolutional networks, exact and explained.

The library is a pipeline of pure stages a notebook can use directly::

    import cnncalc
    arch = cnncalc.parse(open("lenet5.arch").read(), "lenet5.arch")
    report = cnncalc.analyze(arch)
    report.totals.trainable_params   # 61706

or, in one step, from a file, ``.arch`` text, ``zoo:NAME``, an ONNX model or a PyTorch module::

    cnncalc.summary("zoo:resnet50")            # the table (HTML in Jupyter)
    cnncalc.summary(model, input_size=(1, 3, 224, 224)).totals.macs
    cnncalc.summary("model.onnx").to_pandas()

Everything past ``parse``/``analyze`` is imported on first use, so ``import cnncalc`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cnncalc.analysis import LayerRow, Report, Totals, analyze
from cnncalc.arch.reader import parse
from cnncalc.errors import ArchError, CnncalcError, ModelError, ShapeError, UsageError
from cnncalc.model import Arch

if TYPE_CHECKING:
    from cnncalc.render.html import Summary

__version__ = "0.1.0"


def _is_text(source: str) -> bool:
    """``.arch``/JSON text rather than a path: several lines, or a statement or bracket first."""
    stripped = source.lstrip("\ufeff \t\r\n")
    return "\n" in source.strip() or stripped.startswith(("input ", "#", "[", "{"))


def load(source: str, input: str | None = None) -> Arch:
    """An :class:`Arch` from a path, ``.arch`` (or JSON) text, ``zoo:NAME``, or a model: a ``.onnx`` or
    ``.keras`` file, a Keras ``to_json()`` file, ``torch:package.module:callable`` (as ``cnncalc import``).

    ``input`` (channels-last, ``224x224x3``) replaces the input line, like ``--input``; a model's
    importer takes it as ``cnncalc import --input`` does (its sizes may change, its channels may not)."""
    if not _is_text(source):
        from cnncalc.importers.source import load as load_file

        return load_file(source, input)
    from cnncalc.arch.source import parse_text

    arch = parse_text(source, "<text>")
    if input is None:
        return arch
    from dataclasses import replace

    from cnncalc.arch.reader import parse_dims
    from cnncalc.arch.values import Where

    return replace(arch, input=replace(arch.input, dims=parse_dims(input, Where("input", 1, 1)).dims))


def from_torch(module: Any, input_size: tuple[int, ...] | str, *, lenient: bool = False) -> Arch:
    """The :class:`Arch` of a ``torch.nn.Module``. ``input_size`` is PyTorch's shape with the batch,
    ``(1, 3, 224, 224)`` (as torchinfo takes it), or cnncalc's channels-last ``"224x224x3"``.
    Needs the ``torch`` extra (the module is traced by ``torch.fx``); ``lenient`` maps unknown
    parameter-free, shape-preserving operations to ``identity`` (as ``cnncalc import --lenient``)."""
    from cnncalc.importers.torch_module import import_torch_module, parse_dims

    if isinstance(input_size, str):
        size = parse_dims(input_size)
    else:
        if len(input_size) < 2:
            raise UsageError(f"input_size {input_size!r}: expected (batch, channels, ...)")
        size = tuple(int(d) for d in input_size[1:])
    name = type(module).__name__
    return parse(import_torch_module(module, size, name, lenient=lenient).text, name)


def summary(
    source: str | Arch | Report | Any, input: str | None = None, *, input_size: tuple[int, ...] | None = None
) -> Summary:
    """The report of anything :func:`load` or :func:`from_torch` takes (or an Arch or Report).

    It shows as the rich table in a terminal, as an HTML table in Jupyter; ``.totals`` and
    ``.rows`` hold the numbers, ``.to_pandas()`` a DataFrame, ``.to_json()`` the ``--json`` document."""
    from cnncalc.render.html import Summary

    if isinstance(source, Report):
        return Summary(source)
    if isinstance(source, Arch):
        return Summary(analyze(source))
    if isinstance(source, str):
        return Summary(analyze(load(source, input)))
    if input_size is None and input is None:
        raise UsageError("a PyTorch module needs input_size=(1, 3, 224, 224) or input='224x224x3'")
    return Summary(analyze(from_torch(source, input_size if input_size is not None else str(input))))


__all__ = [
    "Arch",
    "ArchError",
    "CnncalcError",
    "LayerRow",
    "ModelError",
    "Report",
    "ShapeError",
    "Totals",
    "UsageError",
    "__version__",
    "analyze",
    "from_torch",
    "load",
    "parse",
    "summary",
]
