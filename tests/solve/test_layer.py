"""``cnncalc solve KIND``: every answer plugged back, and brute force that nothing was missed.

The brute force runs the ordinary pipeline (``analyze_layer``, which the layer tests hold
to PyTorch) over every value in a range, independently of the solver's search; a torch
check plugs the answers into real PyTorch modules where torch is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnncalcError, UsageError
from cnncalc.one_layer import LayerOptions, analyze_layer
from cnncalc.solve.layer import LayerFamily, LayerProblem, solve_layer
from cnncalc.solve.search import Interval, monotone_solve
from tests.solve import solve_json as _solve

BRUTE_LIMIT = 120


def pipeline_output(problem: LayerProblem) -> int | None:
    """The output size from the summary pipeline itself (None: the layer is invalid)."""
    kind = {"conv": "conv", "pool": "maxpool", "deconv": "deconv"}[problem.family]
    options = LayerOptions(
        kernel=str(problem.F),
        stride=None if problem.stride_is_kernel else str(problem.S),
        padding=f"{problem.Ps}:{problem.Pe}",
        dilation=str(problem.D),
        filters="1" if kind != "maxpool" else None,
        output_padding=str(problem.OP) if kind == "deconv" else None,
        ceil=problem.ceil,
    )
    try:
        report = analyze_layer(kind, f"{problem.I}x1", options)
    except CnncalcError:
        return None
    return int(report.rows[0].output_shape.spatial[0])


@st.composite
def problems(draw: st.DrawFn) -> tuple[LayerProblem, str, int]:
    family: LayerFamily = draw(st.sampled_from(["conv", "pool", "deconv"]))
    values = {
        "I": draw(st.integers(1, 60)),
        "F": draw(st.integers(1, 7)),
        "S": draw(st.integers(1, 5)),
        "Ps": draw(st.integers(0, 4)),
        "Pe": draw(st.integers(0, 4)),
        "D": draw(st.integers(1, 3)),
        "OP": 0,
    }
    symmetric = draw(st.booleans())
    if symmetric:
        values["Pe"] = values["Ps"]
    if family == "deconv":
        values["OP"] = draw(st.integers(0, max(values["S"], values["D"]) - 1))
    problem = LayerProblem(
        family=family,
        I=values["I"],
        O=None,
        F=values["F"],
        S=values["S"],
        Ps=values["Ps"],
        Pe=values["Pe"],
        D=values["D"],
        OP=values["OP"],
        ceil=family == "pool" and draw(st.booleans()),
    )
    output = pipeline_output(problem)
    assume(output is not None)
    assert output is not None
    choices = ["I", "F", "S", "D", "Ps", "Pe"] + (["P"] if symmetric else []) + (["OP"] if family == "deconv" else [])
    unknown = draw(st.sampled_from(choices))
    true_value = values["Ps"] if unknown == "P" else values[unknown]
    posed = replace(problem, O=output)
    if unknown == "P":
        posed = replace(posed, Ps=None, Pe=None, symmetric_unknown=True)
    else:
        unknowns: dict[str, Any] = {unknown: None}
        posed = replace(posed, **unknowns)
    return posed, unknown, true_value


@settings(max_examples=300, deadline=None)
@given(problems())
def test_solutions_plug_back_and_brute_force_finds_nothing_more(case: tuple[LayerProblem, str, int]) -> None:
    posed, unknown, true_value = case
    solution = solve_layer(posed)
    assert solution.unknown == unknown
    assert solution.interval is not None and true_value in solution.interval, solution.answer()
    low = 0 if unknown in ("P", "Ps", "Pe", "OP") else 1
    high = BRUTE_LIMIT if unknown != "OP" else max(posed.S or 1, posed.D or 1) - 1
    for value in range(low, high + 1):
        works = pipeline_output(posed.with_value(value)) == posed.O
        if unknown == "OP" and value >= max(posed.S or 1, posed.D or 1):
            works = False
        assert works == (value in solution.interval), (unknown, value, solution.answer())
    if solution.interval.last is None:  # unbounded: far beyond the brute-force range still works
        for value in (10**6, 10**12):
            assert pipeline_output(posed.with_value(value)) == posed.O


def test_the_issue_example(run_cli: Callable[..., Any]) -> None:
    document = _solve(
        run_cli, "conv", "--input", "224", "--output", "112", "--kernel", "7", "--stride", "2", "--padding", "?"
    )
    assert document["unknown"] == "P"
    assert document["solutions"]["values"] == [3]
    shown = run_cli(
        "solve",
        "conv",
        "--input",
        "224",
        "--output",
        "112",
        "--kernel",
        "7",
        "--stride",
        "2",
        "--padding",
        "?",
        "--explain",
    )
    assert "P = 3" in shown.stdout
    assert "floor((224 + P + P - 6 - 1)/2) + 1 = 112" in shown.stdout
    assert "check P = 3: O = floor((224 + 3 + 3 - 6 - 1)/2) + 1 = 112  (works)" in shown.stdout
    assert "check P = 2: O = floor((224 + 2 + 2 - 6 - 1)/2) + 1 = 111  (does not give the target)" in shown.stdout


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        # inputs that a 7x7/2 P3 conv maps to 112: floor((I - 1)/2) + 1 = 112
        (
            ["conv", "--input", "?", "--output", "112", "--kernel", "7", "--stride", "2", "--padding", "3"],
            {"first": 223, "last": 224},
        ),
        # every stride past the padded input leaves one window
        (
            ["conv", "--input", "224", "--output", "1", "--kernel", "7", "--stride", "?", "--padding", "3"],
            {"first": 224, "last": None},
        ),
        # a 1-wide kernel ignores dilation: every D works
        (["conv", "--input", "9", "--output", "9", "--kernel", "1", "--dilation", "?"], {"first": 1, "last": None}),
        # DCGAN-style upsampling: 4x4/2 transposed conv doubles with P=1
        (
            ["deconv", "--input", "16", "--output", "32", "--kernel", "4", "--stride", "2", "--padding", "?"],
            {"first": 1, "last": 1},
        ),
        # output padding picks among the sizes a stride-2 transposed conv leaves ambiguous
        (
            [
                "deconv",
                "--input",
                "7",
                "--output",
                "14",
                "--kernel",
                "3",
                "--stride",
                "2",
                "--padding",
                "1",
                "--output-padding",
                "?",
            ],
            {"first": 1, "last": 1},
        ),
        # GoogLeNet's 3x3/2 ceil-mode pool on 112 gives 56
        (
            ["maxpool", "--input", "112", "--output", "?", "--kernel", "3", "--stride", "2", "--ceil"],
            {"first": 56, "last": 56},
        ),
        # asymmetric: how much end padding makes 'same' at stride 2 on 224 (TensorFlow pads 2:3 for 7x7)
        (
            ["conv", "--input", "224", "--output", "112", "--kernel", "7", "--stride", "2", "--padding", "2:?"],
            {"first": 3, "last": 4},
        ),
        # pooling without --stride uses S = F: which window halves 64?
        (["maxpool", "--input", "64", "--output", "32", "--kernel", "?"], {"first": 2, "last": 2}),
    ],
)
def test_known_answers(run_cli: Callable[..., Any], args: list[str], answer: dict[str, Any]) -> None:
    solutions = _solve(run_cli, *args)["solutions"]
    assert {"first": solutions["first"], "last": solutions["last"]} == answer


def test_no_solution_says_why(run_cli: Callable[..., Any]) -> None:
    document = _solve(run_cli, "conv", "--input", "10", "--output", "5", "--kernel", "3", "--dilation", "?")
    assert document["solutions"] is None
    assert document["reason"] == "D = 2 gives 6 and D = 3 gives 4"
    too_big = _solve(run_cli, "conv", "--input", "10", "--output", "20", "--kernel", "3", "--stride", "?")
    assert too_big["reason"] == "the largest output is at S = 1, which gives 8"
    shown = run_cli("solve", "conv", "--input", "10", "--output", "20", "--kernel", "3", "--stride", "?").stdout
    assert "S: none" in shown
    small = _solve(run_cli, "conv", "--input", "?", "--output", "1", "--kernel", "3", "--padding", "5")
    assert small["reason"] == "already I = 1 gives 9"
    op = _solve(
        run_cli, "deconv", "--input", "7", "--output", "20", "--kernel", "3", "--stride", "2", "--output-padding", "?"
    )
    assert op["reason"] == "OP stops at 1, which gives 16"  # (7 - 1)*2 + 3 + 1


def test_pool_padding_beyond_half_the_window_is_flagged(run_cli: Callable[..., Any]) -> None:
    document = _solve(
        run_cli, "maxpool", "--input", "4", "--output", "4", "--kernel", "2", "--stride", "2", "--padding", "?"
    )
    assert document["solutions"]["values"] == [2]  # floor((4 + 2P - 2)/2) + 1 = P + 2
    assert document["notes"] == ["PyTorch refuses pooling padding above half the window (1)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["conv", "--input", "224", "--output", "112", "--kernel", "7", "--stride", "2"],
            "exactly one value must be '?'",
        ),
        (["conv", "--input", "?", "--output", "?", "--kernel", "7"], "exactly one value must be '?', got I, O"),
        (["conv", "--output", "112", "--kernel", "?"], "--input is needed (a number, or '?' for the unknown)"),
        (["conv", "--input", "x", "--output", "1", "--kernel", "?"], "--input 'x': expected a whole number or '?'"),
        (["conv", "--input", "0", "--output", "1", "--kernel", "?"], "--input '0': must be at least 1"),
        (["conv", "--input", "5", "--output", "1", "--kernel", "?", "--ceil"], "--ceil applies to pooling only"),
        (
            ["conv", "--input", "5", "--output", "1", "--kernel", "?", "--output-padding", "1"],
            "--output-padding applies to deconv only",
        ),
        (
            ["conv", "--input", "5", "--output", "1", "--kernel", "?", "--assume", "N >= 3"],
            "--assume applies to solving an architecture's input",
        ),
    ],
)
def test_layer_usage_errors(run_cli: Callable[..., Any], args: list[str], message: str) -> None:
    result = run_cli("solve", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_monotone_solve_gives_up_cleanly_when_the_target_is_never_reached() -> None:
    with pytest.raises(UsageError) as caught:
        monotone_solve(lambda x: 5, 6, low=1, increasing=True)
    assert caught.value.message == (
        "the search stopped at 2^256 without reaching an output of 6: no value up to there works"
    )
    assert monotone_solve(lambda x: min(x, 5), 5, low=1, increasing=True, saturation=5) == Interval(5, None)
    assert Interval(224, 480, 32).describe("N") == "N = 224, 256, 288, 320, 352, 384, 416, 448, 480"
    assert Interval(1, 100).describe("I") == "I = 1..100 (100 values)"
