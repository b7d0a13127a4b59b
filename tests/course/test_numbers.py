"""Course number parsing against Python's ``decimal`` module, and a "hostile numbers" strategy:
every token is either read exactly, as ``decimal.Decimal`` reads it, or refused with a
:class:`NumberError` — quickly, never another exception, never a billion-digit expansion."""

from __future__ import annotations

import decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.course.numbers import NumberError, json_number, parse_exact, scientific, show, show_written
from cnncalc.limits import MAX_DIGITS, MAX_EXPONENT

digit_runs = st.integers(0, 3).flatmap(
    lambda kind: [
        st.text("0123456789", min_size=1, max_size=6),
        st.text("0123456789", min_size=990, max_size=1010),  # around the digit limit
        st.just("0" * 2000),
        st.text("0123456789", min_size=4000, max_size=5000),  # past Python's 4,300-digit str limit
    ][kind]
)
exponents = st.one_of(
    st.integers(-1100, 1100).map(str),
    st.sampled_from(["999999999", "-999999999", "+0", "00001000", "0" * 50 + "7", "1" * 30]),
)
#: written numbers (valid or just past a limit)
numbers = st.builds(
    lambda sign, whole, part, exp, den: f"{sign}{whole}{part}{exp}{den}",
    st.sampled_from(["", "-", "+"]),
    digit_runs,
    st.one_of(st.just(""), digit_runs.map(lambda d: "." + d)),
    st.one_of(st.just(""), exponents.map(lambda e: "e" + e)),
    st.one_of(st.just(""), st.sampled_from(["/0", "/000", "/7", "/10", "/" + "9" * 1200])),
)
#: hostile text: unicode digits, superscripts, fullwidth digits, controls, names of constants, junk
hostile_text = st.one_of(
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=5),
    st.sampled_from(["²", "٣", "１２", "1e", "e5", ".", "-", "1/", "/3", "1..2", "nan", "inf", "-Infinity", "0x10"]),
    st.sampled_from(["1_000", "1 2", "\x1b[2J", "1e5e5", "1/2/3", "1.5/0", "1e-400", "١٠", "𝟏"]),
    st.text(max_size=12),
)
hostile_numbers = st.one_of(numbers, hostile_text)


def _decimal_truth(token: str) -> Fraction | None:
    """What the token is, by the ``decimal`` module (None: not a plain number)."""
    body, _, den = token.partition("/")
    if not body.isascii() or not den.isascii():
        return None
    context = decimal.Context(prec=10_000, Emax=10**9, Emin=-(10**9))
    try:
        value = context.create_decimal(body)
    except decimal.InvalidOperation:
        return None
    if not value.is_finite() or "_" in body or " " in body or not body:
        return None
    if den:
        if not den.isdigit() or int(den) == 0:
            return None
        return Fraction(value) / int(den)
    return Fraction(value)


def _read_exactly_or_refused(token: str) -> None:
    try:
        value = parse_exact(token)
    except NumberError as error:
        assert error.message and error.hint and len(error.message) < 200
        return
    truth = _decimal_truth(token.strip())
    assert truth is not None, token
    assert Fraction(value) == truth
    assert isinstance(value, int) == (truth.denominator == 1)


@settings(max_examples=60, deadline=500)
@given(hostile_numbers)
def test_read_exactly_or_refused(token: str) -> None:
    _read_exactly_or_refused(token)


@pytest.mark.slow
@settings(max_examples=400, deadline=500)
@given(hostile_numbers)
def test_read_exactly_or_refused_many(token: str) -> None:
    _read_exactly_or_refused(token)


@settings(max_examples=60, deadline=500)
@given(numbers)
def test_limits_are_the_documented_ones(token: str) -> None:
    body, _, den = token.partition("/")
    mantissa, _, exponent = body.partition("e")
    written_digits = sum(c.isdigit() for c in mantissa)
    too_long = written_digits > MAX_DIGITS or len(den) > MAX_DIGITS
    too_far = bool(exponent) and abs(int(exponent)) > MAX_EXPONENT
    zero_denominator = bool(den) and int(den) == 0
    if too_long or too_far or zero_denominator:
        with pytest.raises(NumberError):
            parse_exact(token)
    else:
        parse_exact(token)


@settings(max_examples=60, deadline=500)
@given(numbers)
def test_every_read_number_can_be_shown_and_dumped(token: str) -> None:
    """Showing and JSON never hit Python's 4,300-digit limit, never return floats JSON cannot hold."""
    try:
        value = parse_exact(token)
    except NumberError:
        return
    assert show(value) and show_written(value, fractions=False) and show_written(value, fractions=True)
    dumped = json_number(value)
    assert not isinstance(dumped, float) or (dumped == dumped and abs(dumped) != float("inf"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (10**400, "≈1.000e400"),
        (-(10**400) * 3 // 2, "≈-1.500e400"),
        (Fraction(1, 10**400), "≈1.000e-400"),
        (Fraction(99995, 10**405), "≈1.000e-400"),  # rounding carries into a new digit
    ],
)
def test_scientific_is_exact(value: Fraction | int, text: str) -> None:
    assert scientific(value) == text


def test_decimals_stay_decimals() -> None:
    assert show_written(Fraction(33, 100), fractions=False) == "0.33"
    assert show_written(Fraction(15, 4), fractions=False) == "3.75"
    assert show_written(Fraction(1, 3), fractions=False) == "≈0.333333"
    assert show_written(Fraction(1, 3), fractions=True) == "1/3"
    assert show(Fraction(1, 3)) == "1/3 ≈ 0.333333"


@settings(max_examples=60, deadline=1000)
@given(st.lists(st.lists(hostile_numbers, min_size=1, max_size=3), min_size=1, max_size=3), st.booleans())
def test_hostile_numbers_in_matrices_and_boxes(cells: list[list[str]], as_json: bool) -> None:
    """A matrix (text or JSON) or a boxes CSV of hostile tokens: parsed exactly, or one cnncalc error."""
    from cnncalc.course.boxes import read_detections
    from cnncalc.errors import CnncalcError
    from cnncalc.reference.matrices import parse_matrix

    if as_json:
        text = "[" + ", ".join("[" + ", ".join(row) + "]" for row in cells) + "]"
    else:
        text = "\n".join(" ".join(row) for row in cells)
    try:
        parse_matrix(text, "m")
    except CnncalcError as error:
        assert error.render().count("\n") == 0
    rows = [",".join([*[*row, "0", "0", "1", "1"][:4], "0.9"]) for row in cells]
    boxes = "x1,y1,x2,y2,score\n" + "\n".join(rows)
    try:
        read_detections(boxes, "boxes.csv", "xyxy")
    except CnncalcError as error:
        assert error.render().count("\n") == 0
