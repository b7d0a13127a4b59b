"""Typed values of the format, shared by the text and JSON readers.

Each reader takes the value's text and where it starts, and raises an
:class:`~cnncalc.errors.ArchError` pointing at it; nothing is ever evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cnncalc.errors import ArchError, Location
from cnncalc.model import Padding

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INTEGER = re.compile(r"[0-9]+\Z")
_DECIMAL = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")
_MAX_DIGITS = 1000  # far beyond any real size, well inside Python's int/str limit
_TRUE = {"yes", "true", "1"}
_FALSE = {"no", "false", "0"}
_MODES = {"valid", "same", "full"}


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value's text starts, to point errors at it."""

    source: str
    line: int
    column: int

    def error(self, message: str, hint: str | None = None) -> ArchError:
        return ArchError(message, location=Location(source=self.source, line=self.line, column=self.column), hint=hint)


def read_int(text: str, where: Where, *, what: str, minimum: int) -> int:
    if not _INTEGER.match(text):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise where.error(f"{what} must be a whole number, got '{shown}'", hint=_number_hint(text))
    if len(text) > _MAX_DIGITS:
        raise where.error(f"{what} has {len(text)} digits; cnncalc accepts at most {_MAX_DIGITS}")
    value = int(text)
    if value < minimum:
        raise where.error(f"{what} must be at least {minimum}, got {value}")
    return value


def _number_hint(text: str) -> str | None:
    if "**" in text or ("e" in text.lower() and any(c.isdigit() for c in text)):
        return "write the number out in digits"
    if text.startswith("-"):
        return "negative values are not allowed"
    return None


_DIMS = re.compile(r"[0-9]+(x[0-9]+)*\Z")


def read_dims(text: str, where: Where, *, what: str, minimum: int) -> tuple[int, ...]:
    """``3`` (all dims) or ``3x5`` (one per dim)."""
    if not _DIMS.match(text):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise where.error(
            f"{what} must be a whole number or one per dim joined by 'x' (like 3 or 3x5), got '{shown}'",
            hint=_number_hint(text),
        )
    return tuple(read_int(part, where, what=what, minimum=minimum) for part in text.split("x"))


def read_padding(text: str, where: Where) -> Padding:
    """``valid``/``same``/``full``, ``2``, ``1x2``, ``0:1`` or ``0:1x1:0``."""
    if text.lower() in _MODES:
        return Padding(mode=text.lower())  # type: ignore[arg-type]
    pairs: list[tuple[int, int]] = []
    for part in text.split("x"):
        start, colon, end = part.partition(":")
        hint = "padding is N, AxB, start:end, s1:e1xs2:e2, valid, same or full"
        if not _INTEGER.match(start) or (colon and not _INTEGER.match(end)):
            raise where.error(f"bad padding '{text}'", hint=hint)
        first = read_int(start, where, what="padding", minimum=0)
        pairs.append((first, read_int(end, where, what="padding", minimum=0) if colon else first))
    return Padding(pairs=tuple(pairs))


def read_bool(text: str, where: Where, *, what: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise where.error(f"{what} must be yes or no, got '{text}'", hint="use yes/no, true/false or 1/0")


def read_label(text: str, where: Where) -> str:
    if not IDENTIFIER.match(text):
        raise where.error(
            f"'{text}' is not a valid label", hint="labels are letters, digits and '_', not starting with a digit"
        )
    return text


def read_rate(text: str, where: Where) -> Fraction:
    if len(text) > _MAX_DECIMAL or not _DECIMAL.match(text):
        raise where.error(f"rate must be a decimal number like 0.5, got '{text}'")
    rate = Fraction(text)
    if rate >= 1:
        raise where.error(f"rate must be below 1, got {text}", hint="dropout rate is the fraction dropped, e.g. 0.5")
    return rate


_SIGNED_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")
_MAX_DECIMAL = 40  # characters: a slope or a rate, never a size
UPSAMPLE_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear")


def read_slope(text: str, where: Where) -> Fraction:
    """``alpha=0.1`` (a decimal, negative allowed as in PyTorch's ``negative_slope``)."""
    if len(text) > _MAX_DECIMAL or not _SIGNED_DECIMAL.match(text):
        raise where.error(f"alpha must be a decimal number like 0.1, got '{text[:40]}'")
    return Fraction(text)


def read_channel_range(text: str, where: Where) -> tuple[int, int]:
    """``channels=A:B``: the half-open range [A, B) of channels, as Python slices write it."""
    start, colon, end = text.partition(":")
    if not colon or not _INTEGER.match(start) or not _INTEGER.match(end):
        raise where.error(f"channels must be A:B (a half-open range like 0:58), got '{text[:40]}'")
    first = read_int(start, where, what="the first channel", minimum=0)
    last = read_int(end, where, what="the end of the channel range", minimum=0)
    if last <= first:
        raise where.error(f"the channel range {first}:{last} is empty", hint="A:B takes channels A to B-1; B > A")
    return first, last


def read_mode(text: str, where: Where) -> str:
    lowered = text.lower()
    if lowered not in UPSAMPLE_MODES:
        raise where.error(f"unknown upsampling mode '{text[:40]}'", hint="use " + ", ".join(UPSAMPLE_MODES))
    return lowered


@dataclass(frozen=True, slots=True)
class KeyDef:
    """A key of the format: its canonical letter, long alias, the LayerSpec field and its reader."""

    name: str
    alias: str | None
    field: str
    read: Callable[[str, Where], Any]


#: in the order hints list them
KEYS: tuple[KeyDef, ...] = (
    KeyDef("K", "filters", "filters", lambda t, w: read_int(t, w, what="filter count K", minimum=1)),
    KeyDef("F", "kernel", "kernel", lambda t, w: read_dims(t, w, what="kernel size F", minimum=1)),
    KeyDef("S", "stride", "stride", lambda t, w: read_dims(t, w, what="stride S", minimum=1)),
    KeyDef("P", "padding", "padding", read_padding),
    KeyDef("D", "dilation", "dilation", lambda t, w: read_dims(t, w, what="dilation D", minimum=1)),
    KeyDef("G", "groups", "groups", lambda t, w: read_int(t, w, what="groups G", minimum=1)),
    KeyDef("M", "multiplier", "multiplier", lambda t, w: read_int(t, w, what="depth multiplier M", minimum=1)),
    KeyDef("OP", "output_padding", "output_padding", lambda t, w: read_dims(t, w, what="output padding OP", minimum=0)),
    KeyDef("bias", None, "bias", lambda t, w: read_bool(t, w, what="bias")),
    KeyDef("trainable", None, "trainable", lambda t, w: read_bool(t, w, what="trainable")),
    KeyDef("rate", None, "rate", read_rate),
    KeyDef("alpha", "negative_slope", "alpha", read_slope),
    KeyDef("channels", None, "channels", read_channel_range),
    KeyDef("factor", "scale_factor", "factor", lambda t, w: read_dims(t, w, what="the upsampling factor", minimum=1)),
    KeyDef("size", None, "size", lambda t, w: read_dims(t, w, what="the output size", minimum=1)),
    KeyDef("mode", None, "mode", read_mode),
    KeyDef("to", None, "target", read_label),
    KeyDef("scale", None, "scale", lambda t, w: read_bool(t, w, what="scale")),
    KeyDef("center", None, "center", lambda t, w: read_bool(t, w, what="center")),
    KeyDef("from", None, "source", read_label),
)

#: keys every kind takes, and flags every kind takes
UNIVERSAL_KEYS = ("from",)
UNIVERSAL_FLAGS = ("output",)

#: every accepted key spelling (case-sensitive) -> its definition
KEY_SPELLINGS: dict[str, KeyDef] = {
    spelling: key for key in KEYS for spelling in (key.name, key.alias) if spelling is not None
}
