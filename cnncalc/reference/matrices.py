"""Reading matrices for ``cnncalc reference``: JSON nested lists or plain text.

Plain text: one row per line, values separated by spaces or commas, a blank line
between channels (so two blocks of rows are a two-channel image, channels-last).
Numbers are exact: integers, decimals (``0.25`` is 1/4) and fractions (``1/3``), read by
:func:`cnncalc.course.numbers.parse_exact` within its digit and exponent limits; NaN and
infinities are refused. A value may be a path, ``-`` (stdin) or inline JSON; at most
:data:`~cnncalc.limits.MAX_SOURCE_BYTES` bytes are read from a file or stdin.
"""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from typing import Any, BinaryIO

from cnncalc.arch.source import decode
from cnncalc.course.numbers import NumberError, is_fraction, parse_exact, quote
from cnncalc.errors import ArchError, Location, UsageError
from cnncalc.limits import MAX_SOURCE_BYTES, REFERENCE, LimitError, check_work, format_amount
from cnncalc.reference.tensor import nested_shape


def read_bounded(handle: BinaryIO, source: str) -> bytes:
    """At most :data:`MAX_SOURCE_BYTES` bytes (``/dev/zero`` is refused, not read to the end)."""
    data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise LimitError(
            f"{source} is larger than {format_amount(MAX_SOURCE_BYTES)} bytes, the most cnncalc reads",
            hint="give a smaller matrix",
        )
    return data


def read_text(value: str, option: str) -> tuple[str, str]:
    """The text behind an option's value (inline text, a path or ``-``) and the name for messages."""
    if value.lstrip().startswith("[") or "\n" in value:  # inline JSON or inline text rows
        return value, option
    if value == "-":
        return decode(read_bounded(sys.stdin.buffer, "<stdin>"), "<stdin>"), "<stdin>"
    try:
        with open(value, "rb") as handle:
            data = read_bounded(handle, value)
    except OSError as error:
        raise UsageError(f"{option}: cannot read {quote(value)}: {error.strerror}") from None
    return decode(data, value), value


#: reading (and later writing) one value costs about as much as this many cell operations (measured)
VALUE_COST = 10


def value_count(text: str) -> int:
    """An upper bound of the values in a matrix's text, counted from its separators (no parsing)."""
    if text.lstrip().startswith("["):
        return text.count(",") + 1
    return text.count(",") + text.count(" ") + text.count("\t") + text.count("\n") + 1


def read_matrix(value: str, *, option: str, max_work: int | None = None) -> tuple[Any, str, bool]:
    """The nested lists behind an option's value, the name to use in messages, and whether
    the user wrote a fraction ``p/q`` in it (results are then shown as fractions). Refused
    before parsing when its values (:data:`VALUE_COST` each) are past ``max_work``
    (default: the ``reference`` budget)."""
    text, source = read_text(value, option)
    check_work(REFERENCE.unit, VALUE_COST * value_count(text), REFERENCE.default if max_work is None else max_work)
    return parse_matrix(text, source), source, _wrote_fraction(text)


def _wrote_fraction(text: str) -> bool:
    return not text.lstrip().startswith("[") and any(is_fraction(t) for t in re.findall(r"[^,\s]+", text))


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
    """JSON with numbers read exactly within the limits of :func:`parse_exact`; NaN and Infinity
    refused; nesting deeper than Python can parse is an error, not a crash."""
    try:
        return json.loads(text, parse_float=parse_exact, parse_int=parse_exact, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ArchError(
            f"invalid JSON: {error.msg}", location=Location(source=source, line=error.lineno, column=error.colno)
        ) from None
    except NumberError as error:
        kind = LimitError if error.limit else ArchError
        raise kind(error.message, location=Location(source=source, line=1, column=1), hint=error.hint) from None
    except RecursionError:
        raise ArchError("the JSON is nested too deeply", location=Location(source=source, line=1, column=1)) from None
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
            try:
                row.append(parse_exact(match.group()))
            except NumberError as error:
                kind = LimitError if error.limit else ArchError
                raise kind(
                    error.message,
                    location=Location(source=source, line=number, column=match.start() + 1),
                    hint=error.hint,
                ) from None
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
