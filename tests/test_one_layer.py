"""``cnncalc layer`` and ``cnncalc padding``: published numbers, TensorFlow's SAME, and the errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.arith import evaluate, value_of


def test_resnet_stem_matches_the_published_numbers(run_cli: Callable[..., Any]) -> None:
    # torchvision resnet conv1: 9,408 weights; DESIGN.md §6 example: 118,013,952 MACs
    args = ["layer", "conv", "--input", "224x224x3", "--kernel", "7", "--stride", "2", "--padding", "3"]
    document = json.loads(run_cli(*args, "--filters", "64", "--bias", "no", "--json").stdout)
    layer = document["layer"]
    assert document["schema"] == "cnncalc.layer/1"
    assert layer["output_shape"] == [112, 112, 64]
    assert layer["trainable_params"] == 9408
    assert layer["macs"] == 118_013_952
    assert layer["receptive_field"] == {
        "size": [7, 7],
        "jump": [2, 2],
        "effective_padding": [3, 3],
        "global_context": False,
    }
    for line in document["working"]:
        if line["numbers"] and line["result"].replace(",", "").isdigit():
            assert evaluate(line["numbers"]) == value_of(line["result"]), line["text"]


def test_layer_table_and_explain(run_cli: Callable[..., Any]) -> None:
    # LeNet's C1 on colour input: (5*5*3 + 1)*6 = 456
    result = run_cli("layer", "conv", "--input", "32x32x3", "--kernel", "5", "--filters", "6", "--explain")
    assert result.exit_code == 0, result.output
    assert "28×28×6" in result.stdout and "456" in result.stdout
    assert "params = (F*F*C + 1)*K = (5*5*3 + 1)*6 = 456" in result.stdout
    quiet = run_cli("layer", "conv", "--input", "32x32x3", "--kernel", "5", "--filters", "6").stdout
    assert "Working" not in quiet


@pytest.mark.parametrize(
    ("args", "output", "params"),
    [
        (["fc", "--input", "9216", "--units", "4096"], [4096], 37_752_832),  # AlexNet fc6
        (["dwconv", "--input", "112x112x32", "--kernel", "3", "--padding", "1", "--bias", "no"], [112, 112, 32], 288),
        (
            ["deconv", "--input", "7x7x8", "--kernel", "4", "--stride", "2", "--padding", "1", "--filters", "4"],
            [14, 14, 4],
            516,
        ),
        (["pool", "--input", "112x112x64", "--kernel", "3", "--stride", "2", "--padding", "1"], [56, 56, 64], 0),
        (["avgpool", "--input", "7x7x3", "--kernel", "2", "--ceil"], [4, 4, 3], 0),
        (
            ["conv", "--input", "56x56x64", "--kernel", "3", "--padding", "same", "--filters", "64", "--groups", "32"],
            [56, 56, 64],
            1216,
        ),
    ],
)
def test_layer_kinds(run_cli: Callable[..., Any], args: list[str], output: list[int], params: int) -> None:
    layer = json.loads(run_cli("layer", *args, "--json").stdout)["layer"]
    assert layer["output_shape"] == output
    assert layer["trainable_params"] == params


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["norm", "--input", "3x3x1"], "unknown layer kind 'norm'"),
        (
            ["bn", "--input", "3x3x1"],
            "'cnncalc layer' computes conv, dwconv, deconv, maxpool, avgpool, pool, fc; "
            "'bn' is a kind of the .arch format (hint: run it in a file: "
            "printf 'input 8x8x3\\nbn\\n' | cnncalc summary -)",
        ),
        (["maxpool", "--input", "8x8x1", "--kernel", "2", "--groups", "2"], "--groups does not apply to maxpool"),
        (["conv", "--input", "8x8x1", "--kernel", "2", "--filters", "2", "--ceil"], "--ceil does not apply to conv"),
        (["fc", "--input", "10"], "fc needs --units"),
        (
            ["conv", "--input", "8x8x1", "--kernel", "2", "--filters", "1", "--units", "3"],
            "--units does not apply to conv",
        ),
        (["conv", "--input", "8x8x1", "--kernel", "3"], "conv needs --filters"),
        (
            ["conv", "--input", "8x8x1", "--kernel", "x", "--filters", "1"],
            "--kernel 'x': kernel size F must be a whole number",
        ),
        (
            ["conv", "--input", "8x8xC", "--kernel", "3", "--filters", "1"],
            "--input '8x8xC': the channel count must be a number",
        ),
        (["fc", "--input", "10", "--units", "0"], "--units '0': the unit count must be at least 1"),
    ],
)
def test_layer_usage_errors(run_cli: Callable[..., Any], args: list[str], message: str) -> None:
    result = run_cli("layer", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_layer_shape_error_has_no_made_up_location(run_cli: Callable[..., Any]) -> None:
    result = run_cli("layer", "conv", "--input", "3x3x3", "--kernel", "5", "--filters", "3")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: output size on H would be -1 < 1")


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "expected", "output"),
    [
        # TensorFlow's documented SAME: out = ceil(in/stride), pad = max((out-1)*stride + k - in, 0)
        ("7", "3", "2", [[1, 1]], [4]),
        ("8", "3", "2", [[0, 1]], [4]),
        ("224x224", "7", "2", [[2, 3], [2, 3]], [112, 112]),
        ("8", "1", "3", [[0, 0]], [3]),
        ("5x6", "3x4", "1", [[1, 1], [1, 2]], [5, 6]),
    ],
)
def test_same_padding_matches_tensorflow(
    run_cli: Callable[..., Any], size: str, kernel: str, stride: str, expected: list[list[int]], output: list[int]
) -> None:
    args = ["padding", "--input", size, "--kernel", kernel, "--stride", stride, "--mode", "same", "--json"]
    document = json.loads(run_cli(*args).stdout)
    assert document["padding"] == expected
    assert document["output"] == output


def test_padding_shows_the_cheatsheet_formula_and_where_it_goes_negative(run_cli: Callable[..., Any]) -> None:
    shown = run_cli("padding", "--input", "7", "--kernel", "3", "--stride", "2").stdout
    assert "P_start = floor((S*ceil(I/S) - I + Fe - S)/2) = floor((2*ceil(7/2) - 7 + 3 - 2)/2) = 1" in shown
    assert "P_end = ceil((S*ceil(I/S) - I + Fe - S)/2)" in shown
    negative = run_cli("padding", "--input", "8", "--kernel", "1", "--stride", "3").stdout
    assert "= -1  (negative: TensorFlow and cnncalc pad 0 there)" in negative
    full = run_cli("padding", "--input", "5", "--kernel", "3", "--dilation", "2", "--mode", "full", "--explain").stdout
    assert "Ps = Pe = D(F-1) = 4" in full and "O = floor((I + Ps + Pe - D(F-1) - 1)/S) + 1" in full


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "7", "--kernel", "3", "--mode", "half"], "--mode: unknown padding mode 'half'"),
        (["--input", "7x", "--kernel", "3"], "--input '7x': an empty size"),
        (["--input", "0", "--kernel", "3"], "--input '0': input size must be at least 1"),
    ],
)
def test_padding_usage_errors(run_cli: Callable[..., Any], args: list[str], message: str) -> None:
    result = run_cli("padding", *args)
    assert result.exit_code == 2
    assert message in result.stderr
