"""The vocabulary shared by every layer kind: the per-layer result and the registry entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from cnncalc.diagnostics import Diagnostic
from cnncalc.dims import Dim
from cnncalc.errors import Location, ShapeError
from cnncalc.formula import Line
from cnncalc.layers.saving import SaveRule
from cnncalc.model import LayerSpec, Shape, Window
from cnncalc.receptive import FieldRule
from cnncalc.reference.tensor import Tensor

Positional = Literal["none", "units", "sizes", "operands", "factor"]
#: how ``cnncalc diagram`` draws a kind: its own box or node, folded into the layer before it
#: (``+ bn, relu``), or a merge node (``symbol`` inside a circle; none: a labelled box)
Drawing = Literal["layer", "fold", "merge"]
#: which one-layer commands (``cnncalc layer``, ``cnncalc solve``) offer the kind, and as what
Family = Literal["conv", "pool", "deconv", "fc"]
#: the groups the totals of a worked solution break parameters into
CountGroup = Literal["conv", "fc", "bn", "other"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Computed:
    """What one layer's arithmetic produces; the analysis adds position and receptive field."""

    output: Shape
    window: Window | None = None
    trainable_params: Dim = 0
    non_trainable_params: Dim = 0
    macs: Dim = 0
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class LayerContext:
    """The layer being computed, its input shapes, and how to point at its text."""

    spec: LayerSpec
    inputs: tuple[Shape, ...]
    source: str

    @property
    def input(self) -> Shape:
        return self.inputs[0]

    def fail(self, message: str, *, key: str = "kind", hint: str | None = None) -> ShapeError:
        where = Location(source=self.source, line=self.spec.line, column=self.spec.column_of(key))
        return ShapeError(message, location=where, hint=hint)


@dataclass(frozen=True, kw_only=True, slots=True)
class Executed:
    """What a reference op needs of an analysed layer: its statement, window and output size."""

    spec: LayerSpec
    window: Window | None
    #: padding resolved to numbers, per dim
    padding: tuple[tuple[int, int], ...]
    output_spatial: tuple[int, ...]


Compute = Callable[[LayerContext], Computed]
#: the working behind a layer's numbers, for ``--explain`` and ``cnncalc explain``
Explain = Callable[[LayerContext, Computed], list[Line]]
#: ``cnncalc verify`` runs every layer on one channel: the input collapsed to a single plane,
#: every weight 1 and every bias 0, so that a nonzero output means "depends on that input"
#: (see :mod:`cnncalc.verify`). The op takes the layer, its input and the named operands.
Reference = Callable[[Executed, Tensor, Sequence[Tensor]], Tensor]
#: ``conv 5×5, 6``, ``maxpool 2×2/2``: what the diagram writes on the layer
Caption = Callable[[LayerSpec, "Window | None", Shape], str]


def name_caption(spec: LayerSpec, window: Window | None, output: Shape) -> str:
    return spec.kind


@dataclass(frozen=True, kw_only=True)
class LayerKind:
    """One registry entry: everything every stage needs to know about a kind of layer.

    ``reference=None`` says the kind cannot be run by ``cnncalc verify`` (its rows are
    reported as not run). ``example`` is a statement that works on ``example_input``; the
    conformance tests run it through every command.
    """

    name: str
    summary: str
    compute: Compute
    receptive: FieldRule
    reference: Reference | None
    #: what the kind's backward keeps (:mod:`cnncalc.layers.saving`): the training memory estimate
    saves: SaveRule
    example: str
    example_input: str = "8x8x4"
    aliases: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    #: what a key means when it is left out, as it would be written (``S`` of pooling is ``F``: the
    #: window); a conformance test writes each one out and requires the same numbers
    defaults: tuple[tuple[str, str], ...] = ()
    positional: Positional = "none"
    flags: frozenset[str] = frozenset()
    explain: Explain | None = None
    family: Family | None = None
    draw: Drawing = "layer"
    symbol: str | None = None
    caption: Caption = name_caption
    counts_as: CountGroup = "other"
    #: how prose names one such layer ("a transposed conv"); by default its name in quotes
    noun: str | None = None

    def called(self) -> str:
        return self.noun or f"'{self.name}'"
