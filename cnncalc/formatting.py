"""Every number cnncalc shows, in one place: exact integers with separators, suffixed
forms for huge values, exact decimals, course results (fractions as decimals), and JSON numbers.

Sizes may be symbolic (sympy expressions): they are shown as people write them
(:func:`cnncalc.dims.text`). Nothing here rounds through a float unless the value
already is one.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Union

from cnncalc.dims import Dim, as_int, text

Exact = Union[int, Fraction]
Real = Union[int, Fraction, float]


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


def byte_size(value: Dim) -> str:
    """``246,824 B (0.25 MB, 0.24 MiB)``: exact bytes, then MB (10^6) and MiB (2^20) to 2 decimals."""
    concrete = as_int(value)
    if concrete is None:
        return f"{text(value)} B"
    return f"{concrete:,} B ({decimal(concrete, 10**6, 2)} MB, {decimal(concrete, 2**20, 2)} MiB)"


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


def show_fraction(value: Real) -> str:
    """``3``, ``33/100``: an exact value as the fraction it is (the reference cells)."""
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
