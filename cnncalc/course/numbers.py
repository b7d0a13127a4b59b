"""Exact numbers from the command line, and the working lines every result carries.

``0.7`` is read as 7/10, so a result is exact wherever its formula is rational
(IoU, Gram matrices, style costs); logarithms and exponentials give floats.
"""

from __future__ import annotations

import re
from fractions import Fraction

from cnncalc.errors import UsageError
from cnncalc.formatting import Exact as Exact
from cnncalc.formatting import Real as Real
from cnncalc.formatting import json_number as json_number
from cnncalc.formatting import show as show
from cnncalc.formula import Line, Math

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?\Z")


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
