"""Plain-text formatting of numbers, shapes and fields, shared by the table renderers."""

from __future__ import annotations

from cnncalc.diagnostics import GLOBAL_CONTEXT
from cnncalc.dims import Dim, as_int, text
from cnncalc.model import Shape, Window
from cnncalc.receptive import Field, FieldState

TIMES = "×"


#: table cells are exact below this (15 characters with separators), suffixed above
EXACT_BELOW = 10**12


def number(value: Dim) -> str:
    """``61,706`` exactly; beyond 10^12 a suffixed form (``54.000 E``); symbolic values as their expression."""
    concrete = as_int(value)
    if concrete is None:
        return text(value)
    return f"{concrete:,}" if abs(concrete) < EXACT_BELOW else si(concrete)


def exact(value: Dim) -> str:
    """The exact value with separators, and its suffixed form when that helps reading (totals)."""
    concrete = as_int(value)
    if concrete is None:
        return text(value)
    return f"{concrete:,}" + (f" (≈ {si(concrete)})" if abs(concrete) >= 10**6 else "")


def decimal(numerator: int, denominator: int, places: int) -> str:
    """``numerator / denominator`` rounded half up to ``places`` decimals, exactly (no floats)."""
    scaled, remainder = divmod(abs(numerator) * 10**places, denominator)
    if 2 * remainder >= denominator:
        scaled += 1
    sign = "-" if numerator < 0 and scaled else ""
    whole, fraction = divmod(scaled, 10**places)
    return f"{sign}{whole:,}" + (f".{fraction:0{places}d}" if places else "")


def si(value: Dim) -> str:
    """``4.089 G``, ``416.520 K``: three decimals with a K/M/G/T suffix; exact below 1,000."""
    concrete = as_int(value)
    if concrete is None:
        return str(value)
    if abs(concrete) >= 10**21:
        digits = str(abs(concrete))
        return f"{'-' if concrete < 0 else ''}{digits[0]}.{digits[1:4]}e{len(digits) - 1}"
    for power, suffix in ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "K")):
        if abs(concrete) >= 10**power:
            return f"{decimal(concrete, 10**power, 3)} {suffix}"
    return str(concrete)


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
