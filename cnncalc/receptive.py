"""Receptive fields (Araujo et al., Distill 2019).

Per spatial dim, relative to the network input: ``size`` r, ``jump`` j (effective
stride) and ``padding`` P_eff, so that output unit ``u`` sees input indices
``[u*j - P_eff, u*j - P_eff + r - 1]``. Starting from r=1, j=1, P_eff=0, a window
with effective kernel Fe, stride S and start padding Ps does::

    r += (Fe - 1) * j;   P_eff += Ps * j;   j *= S
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Union

from cnncalc.diagnostics import (
    GLOBAL_CONTEXT,
    NO_UNIFORM_WINDOW,
    NOT_ALIGNED,
    UNDEFINED_AFTER,
    Diagnostic,
    diagnostic,
)
from cnncalc.dims import Dim, equal
from cnncalc.model import Window
from cnncalc.records import constructor


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """The receptive field of one layer's output, per spatial dim."""

    size: tuple[int, ...]
    jump: tuple[int, ...]
    padding: tuple[Dim, ...]


#: ``global``: the layer sees the whole input (fc, gap, flatten and after);
#: ``undefined``: no recurrence applies (after a transposed conv).
FieldState = Union[Field, Literal["global", "undefined"]]

#: ``Field(size, jump, padding)``, faster (see :mod:`cnncalc.records`): one per windowed layer
_new_field = constructor(Field)


@dataclass(frozen=True, slots=True)
class FieldStep:
    """A layer's field and what a reader should know about it (codes worded by the renderers)."""

    field: FieldState
    notes: tuple[Diagnostic, ...] = ()


#: ``rule(window, fields) -> FieldStep``: the layer's window (or None) and the fields of its
#: inputs, the current path first; each registry entry names the rule that moves its field
FieldRule = Callable[[Union[Window, None], Sequence[FieldState]], FieldStep]


def input_field(rank: int) -> FieldState:
    """The input sees itself; a flat vector has no spatial dims to speak of."""
    if rank == 0:
        return "global"
    return Field(size=(1,) * rank, jump=(1,) * rank, padding=(0,) * rank)


def apply_window(field: FieldState, window: Window) -> FieldState:
    """One windowed layer (conv, dwconv, pooling)."""
    if not isinstance(field, Field):
        return field
    jumps = field.jump
    # list comprehensions and the fast constructor: a 100,000-layer file runs this for every windowed layer
    return _new_field(
        size=tuple([r + (span - 1) * j for r, span, j in zip(field.size, window.span, jumps, strict=True)]),
        jump=tuple([j * s for j, s in zip(jumps, window.stride, strict=True)]),
        padding=tuple([p + pad[0] * j for p, pad, j in zip(field.padding, window.padding, jumps, strict=True)]),
    )


def _centre_twice(field: Field, axis: int) -> Dim:
    """Twice the offset of the field's centre from ``u*j``: ``r - 1 - 2*P_eff`` (integral)."""
    return field.size[axis] - 1 - 2 * field.padding[axis]


def merge_fields(fields: Sequence[FieldState]) -> tuple[FieldState, bool]:
    """The field after ``add``/``concat``, and whether the paths were aligned.

    Per dim the largest path wins; paths are aligned when their jumps and centres
    agree (google-research/receptive_field's rule).
    """
    if "global" in fields:
        return "global", True
    concrete = [f for f in fields if isinstance(f, Field)]
    if len(concrete) != len(fields):
        return "undefined", True
    rank = len(concrete[0].size)
    aligned = True
    size, jump, padding = [], [], []
    for axis in range(rank):
        widest = max(concrete, key=lambda f: f.size[axis])
        size.append(widest.size[axis])
        jump.append(widest.jump[axis])
        padding.append(widest.padding[axis])
        for other in concrete:
            same_centre, _ = equal(_centre_twice(other, axis), _centre_twice(widest, axis))
            if other.jump[axis] != widest.jump[axis] or not same_centre:
                aligned = False
    return Field(size=tuple(size), jump=tuple(jump), padding=tuple(padding)), aligned


def keep_field(window: Window | None, fields: Sequence[FieldState]) -> FieldStep:
    """Activations, norms, dropout, channel slices and shuffles: the field is unchanged."""
    return FieldStep(fields[0])


def window_field(window: Window | None, fields: Sequence[FieldState]) -> FieldStep:
    """Convs and pools (and pad/crop, a 1-wide window with positive/negative padding)."""
    if window is not None:
        return FieldStep(apply_window(fields[0], window))
    if isinstance(fields[0], Field):  # adaptive pooling whose windows are not all alike
        return FieldStep("undefined", (diagnostic(NO_UNIFORM_WINDOW),))
    return FieldStep(fields[0])


def global_field(window: Window | None, fields: Sequence[FieldState]) -> FieldStep:
    """fc, flatten, global pooling: every output sees the whole input."""
    return FieldStep("global")


def undefined_field(window: Window | None, fields: Sequence[FieldState]) -> FieldStep:
    """Transposed convs, upsampling, pixel shuffles: no recurrence describes what follows."""
    if isinstance(fields[0], Field):
        return FieldStep("undefined", (diagnostic(UNDEFINED_AFTER),))
    return FieldStep(fields[0])


def merge_field(window: Window | None, fields: Sequence[FieldState]) -> FieldStep:
    """add, mul, concat: local paths merge (largest, with the alignment check); a path that
    came through a global layer (squeeze-and-excitation) adds context, not a field."""
    local = [f for f in fields if f != "global"]
    if not local:
        return FieldStep("global")
    merged, aligned = merge_fields(local)
    notes = [] if aligned else [diagnostic(NOT_ALIGNED)]
    if len(local) < len(fields) and merged != "undefined":
        notes.append(diagnostic(GLOBAL_CONTEXT))
    return FieldStep(merged, tuple(notes))
