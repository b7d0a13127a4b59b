"""``cnncalc solve FILE``: the input sizes a network turns into a wanted output, checked by brute force."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from cnncalc.errors import UsageError
from cnncalc.solve.layer import layer_problem
from cnncalc.solve.network import parse_target
from tests.conftest import ROOT
from tests.solve import solve_json as _solve


def _vgg() -> str:
    return str(ROOT / "examples" / "vgg16_features.arch")


def test_which_inputs_end_at_7x7_brute_force(run_cli: Callable[..., Any]) -> None:
    document = _solve(run_cli, _vgg(), "--input", "?", "--output", "7x7x512")
    answer = document["unknowns"]["N"]
    assert answer["solutions"]["first"] == 224 and answer["solutions"]["last"] == 255
    assert answer["exact"] == [224]
    assert answer["formulas"] == {"1": "floor(N/32)", "2": "floor(N/32)"}
    # independently: the numeric summary at every size from 150 to 300
    for size in range(150, 301, 3):
        out = json.loads(run_cli("summary", _vgg(), "--input", f"{size}x{size}x3", "--json").stdout)
        assert (out["totals"]["output_shape"] == [7, 7, 512]) == (224 <= size <= 255), size


def test_assumptions_narrow_the_answer_and_per_dim_unknowns(run_cli: Callable[..., Any]) -> None:
    narrowed = _solve(run_cli, _vgg(), "--input", "?", "--output", "7", "--assume", "N % 32 == 0")
    assert narrowed["unknowns"]["N"]["solutions"]["values"] == [224]
    per_dim = _solve(run_cli, _vgg(), "--input", "?x?x3", "--output", "7x14x?")
    assert per_dim["unknowns"]["H"]["solutions"]["first"] == 224
    assert per_dim["unknowns"]["W"]["solutions"]["first"] == 448
    assert per_dim["unknowns"]["W"]["solutions"]["last"] == 479


def test_an_output_that_does_not_depend_on_the_input(run_cli: Callable[..., Any]) -> None:
    # torchvision's VGG-16 ends in an adaptive pool: every input from 32 up gives 1000 classes
    document = _solve(run_cli, "zoo:vgg16", "--input", "?", "--output", "1000")
    assert document["unknowns"]["N"]["solutions"] == {
        "first": 32,
        "last": None,
        "step": 1,
        "count": None,
        "values": None,
    }
    assert json.loads(run_cli("summary", "zoo:vgg16", "--input", "32x32x3", "--json").stdout)["totals"][
        "output_shape"
    ] == [1000]
    assert run_cli("summary", "zoo:vgg16", "--input", "31x31x3").exit_code == 1
    none = _solve(run_cli, "zoo:vgg16", "--input", "?", "--output", "10")
    assert none["unknowns"]["N"]["reason"] == "output dim 1 is 1000 for every input, not 10"


def test_no_size_fits(run_cli: Callable[..., Any]) -> None:
    document = _solve(run_cli, str(ROOT / "examples" / "lenet5.arch"), "--input", "?", "--output", "10")
    assert document["unknowns"]["N"]["solutions"]["first"] == 16  # LeNet-5 accepts 16x16 and up
    text = "input NxNx1\nconv K=1 F=1 S=2\n"
    path = ROOT / "tests" / "golden" / "_stride2.arch"
    path.write_text(text, encoding="utf-8")
    try:
        gap = _solve(run_cli, str(path), "--output", "5x5x1")
        assert gap["unknowns"]["N"]["solutions"] == {"first": 9, "last": 10, "step": 1, "count": 2, "values": [9, 10]}
        high = _solve(run_cli, str(path), "--output", "5x5x2")
        assert high["unknowns"]["N"]["reason"] == "output dim 3 is 1 for every input, not 2"
    finally:
        path.unlink()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--output", "10"],
            "nothing to solve for: the input has no unknown size",
        ),
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--input", "?"],
            "--output is needed: the output the network must produce",
        ),
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--input", "?", "--output", "7x7"],
            "--output '7x7' has 2 dims, but the network's output 10 has 1",
        ),
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--input", "?", "--output", "7xq"],
            "--output '7xq': expected sizes like 7x7x512 (? for any)",
        ),
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--input", "?x?x?", "--output", "10"],
            "--input '?x?x?': the channel count cannot be unknown",
        ),
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--input", "?", "--kernel", "3", "--output", "10"],
            "--kernel applies to solving one layer",
        ),
        (
            [str(ROOT / "examples" / "lenet5.arch"), "--input", "?x?x1", "--output", "7x" + "7" * 1001],
            "error: --output: a size has more than 1,000 digits, the most cnncalc accepts\n",
        ),
    ],
)
def test_arch_usage_errors(run_cli: Callable[..., Any], args: list[str], message: str) -> None:
    result = run_cli("solve", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_flattened_output_mixing_two_unknowns_is_refused(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    path = tmp_path / "flat.arch"
    path.write_text("input 8x8x1\nconv K=2 F=3\nflatten\n", encoding="utf-8")
    result = run_cli("solve", str(path), "--input", "?x?x1", "--output", "72")
    assert result.exit_code == 2
    assert ") depends on H and W together" in result.stderr
    square = _solve(run_cli, str(path), "--input", "?", "--output", "72")  # 2*(N - 2)**2 = 72
    assert square["unknowns"]["N"]["solutions"]["values"] == [8]


def test_flat_input_has_nothing_to_solve(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    path = tmp_path / "mlp.arch"
    path.write_text("input 784\nfc 10\n", encoding="utf-8")
    result = run_cli("solve", str(path), "--input", "?", "--output", "10")
    assert result.exit_code == 2
    assert "--input '?': the architecture's input is a flat vector, with no size to solve for" in result.stderr


def test_parse_target() -> None:
    assert parse_target("7") == 7
    assert parse_target("7x?x512") == (7, None, 512)
    with pytest.raises(UsageError):
        layer_problem(
            "conv",
            input_size="1",
            output_size="1",
            kernel="1",
            stride="1",
            padding="1:",
            dilation=None,
            output_padding=None,
            ceil=False,
        )
