"""Exact numbers from the command line and from files, and the working lines every result carries.

``0.7`` is read as 7/10, so a result is exact wherever its formula is rational (IoU, Gram
matrices, style costs); logarithms and exponentials give floats.

Every number is read strictly and within fixed limits, before any arithmetic:

- ASCII only: ``[+-]digits[.digits][e[+-]digits][/digits]`` (``²`` or Arabic-Indic digits
  are refused with a message naming the character);
- at most :data:`~cnncalc.limits.MAX_DIGITS` digits before the exponent and in a denominator,
  an exponent of magnitude at most :data:`~cnncalc.limits.MAX_EXPONENT` (``1e999999999`` is
  refused, never expanded);
- no zero denominator (``3/0``); NaN and infinities are not numbers.

Shown values (:func:`show`) and JSON values (:func:`json_number`) never go through
``str(int)`` for huge integers, so Python's 4,300-digit conversion limit cannot be hit.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from fractions import Fraction

from cnncalc import formatting
from cnncalc.errors import UsageError
from cnncalc.formatting import Exact as Exact
from cnncalc.formatting import Real as Real
from cnncalc.formula import Line, Math
from cnncalc.limits import MAX_DIGITS, MAX_EXPONENT, LimitError

_NUMBER = re.compile(
    r"(?P<sign>[-+]?)(?P<whole>[0-9]*)(?:\.(?P<part>[0-9]*))?(?:[eE](?P<exp>[-+]?[0-9]+))?(?:/(?P<den>[0-9]+))?",
    re.ASCII,
)
_SMALL_INT = re.compile(r"[-+]?[0-9]{1,18}\Z", re.ASCII)
#: a token longer than this cannot be within the digit limits (digits, point, exponent, denominator)
_LONGEST = 2 * MAX_DIGITS + 16
HINT = "write integers, decimals like 0.5 or fractions like 1/3"


class NumberError(Exception):
    """A token that is not an exact number within the limits (callers turn it into their error type)."""

    def __init__(self, message: str, hint: str, *, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.limit = limit


def quote(text: str, width: int = 40) -> str:
    """A user's token for a message: printable ASCII escapes, cut to ``width`` characters."""
    shown = text if len(text) <= width else text[:width] + "..."
    return "'" + printable(shown) + "'"


def printable(text: str) -> str:
    """``text`` safe for a terminal: every character Python does not call printable is escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def parse_exact(text: str) -> Exact:
    """One exact number, or :class:`NumberError` saying why not (see the module docstring)."""
    token = text.strip()
    if _SMALL_INT.match(token):  # the common case, fast: an integer of at most 18 digits
        return int(token)
    if len(token) > _LONGEST:
        raise NumberError(
            f"{quote(token)} is {len(token):,} characters long, more than any number cnncalc reads",
            f"exact numbers have at most {MAX_DIGITS} digits and an exponent within +-{MAX_EXPONENT}",
            limit=True,
        )
    if not token.isascii():
        odd = next(c for c in token if not c.isascii())
        raise NumberError(
            f"{quote(token)} is not a number: {quote(odd)} (U+{ord(odd):04X}) is not an ASCII digit",
            "write the digits 0-9, e.g. 2 instead of a superscript",
        )
    match = _NUMBER.fullmatch(token)
    if match is None or not (match["whole"] or match["part"]):
        raise NumberError(f"{quote(token)} is not a number", HINT)
    whole, part, exp, den = match["whole"], match["part"] or "", match["exp"], match["den"]
    digits = len(whole) + len(part)
    if digits > MAX_DIGITS or (den is not None and len(den) > MAX_DIGITS):
        raise NumberError(
            f"{quote(token)} has more than {MAX_DIGITS} digits",
            f"cnncalc reads exact numbers of at most {MAX_DIGITS} digits; round it",
            limit=True,
        )
    exponent = 0
    if exp is not None:
        magnitude = exp.lstrip("+-").lstrip("0")
        if len(magnitude) > len(str(MAX_EXPONENT)) or int(magnitude or "0") > MAX_EXPONENT:
            raise NumberError(
                f"the exponent of {quote(token)} is beyond +-{MAX_EXPONENT}",
                f"cnncalc reads exponents from e-{MAX_EXPONENT} to e{MAX_EXPONENT}",
                limit=True,
            )
        exponent = int(exp)
    denominator = 1
    if den is not None:
        denominator = int(den)
        if denominator == 0:
            raise NumberError(f"{quote(token)} divides by zero", "a fraction p/q needs q > 0")
    numerator = int((whole + part) or "0")
    if match["sign"] == "-":
        numerator = -numerator
    scale = exponent - len(part)
    if scale >= 0:
        value = Fraction(numerator * 10**scale, denominator)
    else:
        value = Fraction(numerator, denominator * 10**-scale)
    return value.numerator if value.denominator == 1 else value


def is_fraction(text: str) -> bool:
    """Whether the user wrote this number as a fraction ``p/q`` (shown as fractions then)."""
    return "/" in text


def number(text: str, what: str) -> Exact:
    """One exact number from the command line: a usage error (exit 2), or a limit error (exit 1)."""
    try:
        return parse_exact(text)
    except NumberError as error:
        if error.limit:
            raise LimitError(f"{what}: {error.message}", hint=error.hint) from None
        raise UsageError(f"{what}: {error.message}", hint=error.hint) from None


def step(*, what: str, formula: str, numbers: str, result: str) -> Line:
    """One line of working as course notes write it: ``what: formula = numbers = result``.

    The course commands build their working from plain text; it is the same :class:`Line`
    that ``explain`` and the layer working use, so every renderer shows them alike."""
    return Line(
        name=Math(formula, formula),
        numbers=Math(numbers, numbers) if numbers else None,
        result=Math(result, result),
        what=what,
    )


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


#: the common denominator exact values are scaled by (to compute with integers) stays below this many bits
MAX_DENOMINATOR_BITS = 16384


def common_denominator(values: Iterable[Real]) -> int:
    """The least common denominator of exact values (decimals share powers of 10), refused past
    :data:`MAX_DENOMINATOR_BITS` bits (about 4,900 digits): many unrelated fractions like 1/p."""
    denominator = 1
    for v in values:
        q = v.denominator if isinstance(v, Fraction) else 1
        if q != 1 and denominator % q:
            denominator = denominator * q // math.gcd(denominator, q)
            if denominator.bit_length() > MAX_DENOMINATOR_BITS:
                raise LimitError(
                    "the values' common denominator has more than 4,900 digits",
                    hint="write decimals or fractions with fewer distinct denominators",
                )
    return denominator


def digits(value: Real) -> int:
    """Decimal digits of an exact value (numerator and denominator), from its bit length: no str()."""
    if isinstance(value, float):
        return 17
    fraction = Fraction(value)
    return 1 + (fraction.numerator.bit_length() + fraction.denominator.bit_length()) * 30103 // 100000


# --- showing ---------------------------------------------------------------------------------

#: integers up to this many digits are shown in full; beyond, as ``≈1.234e400``
_FULL_DIGITS = 30
#: a terminating decimal is written out in full up to this many digits after the point
_FULL_DECIMALS = 20


def _decimal_exponent(value: Fraction) -> int:
    """``floor(log10 |value|)`` exactly, for a non-zero value of any size."""
    a = abs(value)
    guess = math.floor((a.numerator.bit_length() - a.denominator.bit_length()) * 0.30102999566398)
    while Fraction(10) ** guess > a:
        guess -= 1
    while Fraction(10) ** (guess + 1) <= a:
        guess += 1
    return guess


def scientific(value: Fraction | int, significant: int = 4) -> str:
    """``≈1.235e400``: rounded to ``significant`` digits exactly, for values no float can hold."""
    fraction = Fraction(value)
    if fraction == 0:
        return "0"
    exponent = _decimal_exponent(fraction)
    mantissa = round(abs(fraction) / Fraction(10) ** (exponent - significant + 1))
    if mantissa >= 10**significant:  # rounding carried into a new digit
        mantissa //= 10
        exponent += 1
    text = str(mantissa)
    sign = "-" if fraction < 0 else ""
    return f"≈{sign}{text[0]}.{text[1:]}e{exponent}"


def _decimal_places(denominator: int) -> int | None:
    """Digits after the point of a terminating fraction with this denominator, None if it repeats."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def show(value: Real, digits: int = 6) -> str:
    """Exact integers as they are, fractions as decimals (and ``p/q ≈ d`` when that is short),
    floats rounded; huge or tiny exact values in scientific form, computed exactly."""
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        if value.bit_length() <= 96:  # at most 29 digits
            return str(value)
        return scientific(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if math.isnan(value):
            return "nan"
        return formatting.show(value, digits)
    places = _decimal_places(value.denominator)
    if (
        abs(value) > 10**_FULL_DIGITS
        or (places is not None and places > _FULL_DECIMALS)
        or abs(value) < Fraction(1, 10**_FULL_DECIMALS)
    ):
        if places is None and value.denominator < 10**6 and abs(value.numerator) < 10**6:
            return f"{value.numerator}/{value.denominator} ≈ {scientific(value, digits)}"
        return scientific(value, digits)
    return formatting.show(value, digits)


def show_written(value: Real, fractions: bool) -> str:
    """A value in a matrix: as a fraction ``p/q`` when the user wrote fractions, else as a decimal
    (exact when it terminates, ``≈0.333333`` when it repeats)."""
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return show(value)
    if isinstance(value, int):
        return show(value)
    if fractions and value.denominator < 10**12 and abs(value.numerator) < 10**12:
        return f"{value.numerator}/{value.denominator}"
    places = _decimal_places(value.denominator)
    if places is not None and places <= _FULL_DECIMALS and abs(value) <= 10**_FULL_DIGITS:
        return formatting.show(value)
    if Fraction(1, 10**4) <= abs(value) <= 10**_FULL_DIGITS:
        return "≈" + f"{float(value):.6g}"
    return scientific(value, 6)


def json_float(value: float) -> float | str | None:
    """A float as strict JSON holds it: infinities as the strings ``"inf"``/``"-inf"``, NaN as ``null``."""
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def json_number(value: Real) -> int | float | str | None:
    """JSON has no fractions: integers stay exact, other values become floats; a fraction no float
    can hold is the string ``"p/q"``, infinities are ``"inf"``/``"-inf"`` and NaN is ``null``."""
    if isinstance(value, float):
        return json_float(value)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        try:
            converted = float(value)
        except OverflowError:
            converted = 0.0
        if converted != 0:
            return converted
        with unlimited_digits():
            return f"{value.numerator}/{value.denominator}"
    return value


@contextmanager
def unlimited_digits() -> Iterator[None]:
    """Lift Python's 4,300-digit ``int``/``str`` conversion limit while writing exact results: their
    size is already bounded by the number limits and the work budget, and JSON keeps them exact."""
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)
