"""The vocabulary shared by every layer kind: shapes, the per-layer result, the registry entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cnncalc.dims import Dim, text
from cnncalc.errors import Location, ShapeError
from cnncalc.formula import Line
from cnncalc.model import LayerSpec, Shape, Window

#: How a kind moves the receptive field (DESIGN.md §5):
#: ``window`` applies its (kernel, stride, padding); ``keep`` leaves it as it is;
#: ``global`` sees the whole input; ``undefined`` (transposed conv) has no recurrence;
#: ``merge`` combines several paths.
ReceptiveRule = Literal["window", "keep", "global", "undefined", "merge"]
Positional = Literal["none", "units", "sizes", "operands"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Computed:
    """What one layer's arithmetic produces; the analysis adds position and receptive field."""

    output: Shape
    window: Window | None = None
    trainable_params: Dim = 0
    non_trainable_params: Dim = 0
    macs: Dim = 0
    warnings: tuple[str, ...] = ()


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


Compute = Callable[[LayerContext], Computed]
#: the working behind a layer's numbers, for ``--explain`` and ``cnncalc explain``
Explain = Callable[[LayerContext, Computed], list[Line]]


@dataclass(frozen=True, kw_only=True)
class LayerKind:
    """One registry entry: the kind's names, the keys it takes, and its arithmetic."""

    name: str
    compute: Compute
    receptive: ReceptiveRule
    summary: str
    aliases: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    positional: Positional = "none"
    flags: frozenset[str] = frozenset()
    explain: Explain | None = None
