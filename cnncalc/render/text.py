"""Plain-text formatting of numbers, shapes and fields, shared by the table renderers."""

from __future__ import annotations

from fractions import Fraction

from cnncalc.dims import Dim, as_int
from cnncalc.layers.base import Shape, Window
from cnncalc.receptive import Field, FieldState

TIMES = "×"


def number(value: Dim) -> str:
    """``61,706``; symbolic values as their expression."""
    concrete = as_int(value)
    return f"{concrete:,}" if concrete is not None else str(value)


def shape(value: Shape) -> str:
    return TIMES.join(str(d) for d in value.as_list())


def per_dim(values: tuple[Dim, ...]) -> str:
    return TIMES.join(str(v) for v in values)


def padding(window: Window) -> str:
    """``s:e`` per dim, once when every dim is the same."""
    pairs = [f"{s}:{e}" for s, e in window.padding]
    return pairs[0] if len(set(pairs)) == 1 else TIMES.join(pairs)


def kernel(window: Window) -> str:
    text = per_dim(window.kernel)
    if any(d != 1 for d in window.dilation):
        text += f" d{per_dim(window.dilation)}"
    return text


def field_size(field: FieldState | None) -> str:
    if isinstance(field, Field):
        return per_dim(field.size)
    return "global" if field == "global" else "n/a"


def megabytes(count: Dim, bytes_per_element: int) -> str:
    concrete = as_int(count)
    if concrete is None:
        return f"{bytes_per_element}*({count}) / 10^6"
    return f"{float(Fraction(concrete * bytes_per_element, 10**6)):,.2f}"
