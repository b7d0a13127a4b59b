"""Plain-text formatting of shapes, windows and fields for the tables; numbers come from
:mod:`cnncalc.formatting` (re-exported here for the renderers)."""

from __future__ import annotations

from cnncalc.diagnostics import GLOBAL_CONTEXT
from cnncalc.dims import Dim, as_int, text
from cnncalc.formatting import EXACT_BELOW, decimal, exact, number, si
from cnncalc.model import Shape, Window
from cnncalc.receptive import Field, FieldState

TIMES = "×"


def _joined(values: list[Dim]) -> str:
    """``224×224×3``; spaced out (``N/2 × N/2 × 64``) once a size is an expression."""
    shown = [text(v) for v in values]
    return (TIMES if all(as_int(v) is not None for v in values) else f" {TIMES} ").join(shown)


def shape(value: Shape) -> str:
    return _joined(value.as_list())


def per_dim(values: tuple[Dim, ...]) -> str:
    return _joined(list(values))


def padding(window: Window) -> str:
    """``s:e`` per dim, once when every dim is the same."""
    pairs = [f"{text(s)}:{text(e)}" for s, e in window.padding]
    return pairs[0] if len(set(pairs)) == 1 else TIMES.join(pairs)


def kernel(window: Window) -> str:
    text = per_dim(window.kernel)
    if any(d != 1 for d in window.dilation):
        text += f" d{per_dim(window.dilation)}"
    return text


def field_size(field: FieldState | None, notes: tuple[str, ...] = ()) -> str:
    """``7×7``, ``global``, ``n/a``; ``7×7 + global`` where a global path (squeeze-and-excitation)
    joined the local field."""
    if isinstance(field, Field):
        return per_dim(field.size) + (" + global" if GLOBAL_CONTEXT in notes else "")
    return "global" if field == "global" else "n/a"


def megabytes(count: Dim, bytes_per_element: int) -> str:
    concrete = as_int(count)
    if concrete is None:
        return f"{bytes_per_element}*({count}) / 10^6"
    return decimal(concrete * bytes_per_element, 10**6, 2)


__all__ = [
    "EXACT_BELOW",
    "TIMES",
    "decimal",
    "exact",
    "field_size",
    "kernel",
    "megabytes",
    "number",
    "padding",
    "per_dim",
    "shape",
    "si",
]
