"""Reading matrices for ``cnncalc reference``: JSON nested lists or plain text.

Plain text: one row per line, values separated by spaces or commas, a blank line
between channels (so two blocks of rows are a two-channel image, channels-last).
Numbers are exact: integers, decimals (``0.25`` is 1/4) and fractions (``1/3``);
NaN and infinities are refused. A value may be a path, ``-`` (stdin) or inline JSON.
"""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from typing import Any

from cnncalc.arch.source import decode
from cnncalc.errors import ArchError, Location, UsageError
from cnncalc.reference.tensor import nested_shape

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?\Z")
_SEPARATORS = re.compile(r"[,\s]+")


def read_matrix(value: str, *, option: str) -> tuple[Any, str]:
    """The nested lists behind an option's value, and the name to use in messages."""
    if value.lstrip().startswith("[") or "\n" in value:  # inline JSON or inline text rows
        return parse_matrix(value, option), option
    if value == "-":
        return parse_matrix(sys.stdin.read(), "<stdin>"), "<stdin>"
    try:
        with open(value, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise UsageError(f"{option}: cannot read '{value}': {error.strerror}") from None
    return parse_matrix(decode(data, value), value), value


def parse_matrix(text: str, source: str) -> Any:
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise ArchError("the matrix is empty", location=Location(source=source, line=1, column=1))
    matrix = _parse_json(stripped, source) if stripped.startswith("[") else _parse_text(text, source)
    try:
        nested_shape(matrix)
    except ValueError as error:
        raise ArchError(
            f"not a rectangular matrix: {error}", location=Location(source=source, line=1, column=1)
        ) from None
    return matrix


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number cnncalc computes with")


def load_exact_json(text: str, source: str) -> Any:
    """JSON with decimals read as exact fractions; NaN and Infinity refused."""
    try:
        return json.loads(text, parse_float=Fraction, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ArchError(
            f"invalid JSON: {error.msg}", location=Location(source=source, line=error.lineno, column=error.colno)
        ) from None
    except ValueError as error:
        raise ArchError(str(error), location=Location(source=source, line=1, column=1)) from None


def _parse_json(text: str, source: str) -> Any:
    value = load_exact_json(text, source)
    _check_numbers(value, source)
    return value


def _check_numbers(value: Any, source: str) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or not isinstance(item, (int, Fraction)):
            raise ArchError(
                f"{json.dumps(item)[:30]} is not a number", location=Location(source=source, line=1, column=1)
            )


def _parse_text(text: str, source: str) -> Any:
    channels: list[list[list[Fraction | int]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0]
        if not content.strip():
            if channels[-1]:
                channels.append([])
            continue
        row: list[Fraction | int] = []
        for match in re.finditer(r"[^,\s]+", content):
            token = match.group()
            if not _NUMBER.match(token):
                raise ArchError(
                    f"'{token}' is not a number",
                    location=Location(source=source, line=number, column=match.start() + 1),
                    hint="write integers, decimals like 0.5 or fractions like 1/3",
                )
            row.append(_exact(token))
        channels[-1].append(row)
    if not channels[-1]:
        channels.pop()
    if len(channels) == 1:
        return channels[0]
    heights = {len(c) for c in channels}
    widths = {len(r) for c in channels for r in c}
    if len(heights) != 1 or len(widths) != 1:
        raise ArchError(
            "every channel must have the same rows and columns", location=Location(source=source, line=1, column=1)
        )
    return [[[c[i][j] for c in channels] for j in range(len(channels[0][0]))] for i in range(len(channels[0]))]


def _exact(token: str) -> Fraction | int:
    value = Fraction(token)
    return int(value) if value.denominator == 1 else value
