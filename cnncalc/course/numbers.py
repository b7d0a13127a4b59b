"""Exact numbers from the command line, and the working lines every result carries.

``0.7`` is read as 7/10, so a result is exact wherever its formula is rational
(IoU, Gram matrices, style costs); logarithms and exponentials give floats.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Union

from cnncalc.errors import UsageError

Exact = Union[int, Fraction]
Real = Union[int, Fraction, float]

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?\Z")


@dataclass(frozen=True, kw_only=True, slots=True)
class Step:
    """One line of working: what is computed, the formula, the numbers put in, the result."""

    what: str
    formula: str
    numbers: str
    result: str

    def text(self) -> str:
        parts = [self.formula]
        if self.numbers and self.numbers != self.formula:
            parts.append(self.numbers)
        parts.append(self.result)
        return f"{self.what}: " + " = ".join(parts)


def number(text: str, what: str) -> Exact:
    """One exact number; NaN, infinities and anything else are a usage error."""
    token = text.strip()
    if not _NUMBER.match(token):
        raise UsageError(
            f"{what}: '{text}' is not a number", hint="write integers, decimals like 0.5 or fractions like 1/3"
        )
    value = Fraction(token)
    return int(value) if value.denominator == 1 else value


def vector(text: str, what: str) -> list[Exact]:
    """``0.3,0.6,0.1`` (commas or spaces)."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts:
        raise UsageError(f"{what} is empty")
    return [number(p, what) for p in parts]


def vectors(texts: list[str], what: str) -> list[Exact]:
    """Several arguments, each a vector (``1 -1 2`` or ``1,-1,2``), as one list."""
    return [value for text in texts for value in vector(text, what)]


def rows(text: str, what: str) -> list[list[Exact]]:
    """A batch: rows separated by ``;`` (``0,1,0;1,0,0``)."""
    batch = [vector(row, what) for row in text.split(";") if row.strip()]
    if not batch:
        raise UsageError(f"{what} is empty")
    return batch


def show(value: Real, digits: int = 6) -> str:
    """Exact integers as they are, fractions as decimals (and p/q when that is short), floats rounded."""
    if isinstance(value, Fraction) and value.denominator != 1:
        if abs(value) > 10**30:
            return _integer(round(value))
        decimal = _decimal(value, digits)
        fraction = f"{value.numerator}/{value.denominator}"
        return decimal if len(fraction) > 12 or _terminates(value) else f"{fraction} ≈ {decimal}"
    if isinstance(value, Fraction):
        value = value.numerator
    if isinstance(value, int):
        return _integer(value)
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return str(value)
        return f"{value:.{digits}g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.{digits}e}"
    return str(value)


def _integer(value: int) -> str:
    """Exact up to 30 digits; beyond, a readable ``≈1.000e400`` (nobody reads 400 digits)."""
    digits = str(abs(value))
    if len(digits) <= 30:
        return str(value)
    return f"≈{'-' if value < 0 else ''}{digits[0]}.{digits[1:4]}e{len(digits) - 1}"


def _terminates(value: Fraction) -> bool:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _decimal(value: Fraction, digits: int) -> str:
    """A terminating fraction written out in full; others rounded to ``digits`` significant digits."""
    if not _terminates(value):
        return f"{float(value):.{digits}g}"
    whole, remainder = divmod(abs(value.numerator), value.denominator)
    fraction = ""
    while remainder:
        digit, remainder = divmod(remainder * 10, value.denominator)
        fraction += str(digit)
    return ("-" if value < 0 else "") + str(whole) + (f".{fraction}" if fraction else "")


def json_number(value: Real) -> int | float | str:
    """JSON has no fractions: integers stay exact, other values become floats, and a
    fraction too large for a float is written exactly as the string ``"p/q"``."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        try:
            return float(value)
        except OverflowError:
            return f"{value.numerator}/{value.denominator}"
    return value
