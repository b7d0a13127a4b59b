"""``cnncalc reference``: the course's worked examples from the command line, and its errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

EDGE = "[[3,0,1,2,7,4],[1,5,8,9,3,1],[2,7,2,5,1,3],[0,1,3,1,7,8],[4,2,1,6,2,8],[2,4,5,2,3,9]]"
VERTICAL = "[[1,0,-1],[1,0,-1],[1,0,-1]]"
SEVEN_TEXT = "2 3 7 4 6 2 9\n6 6 9 8 7 4 3\n3 4 8 3 8 9 7\n7 8 3 6 6 3 4\n4 2 1 8 3 4 6\n3 2 4 1 9 8 3\n0 1 3 9 2 1 4\n"


def test_edge_detection_with_its_working(run_cli: Callable[..., Any]) -> None:
    result = run_cli("reference", "conv", "--input", EDGE, "--filter", VERTICAL, "--explain", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["output"][0] == [-5, -4, 0, 8]
    assert document["output_shape"] == [4, 4, 1]
    # the slide's own line, read down the columns of the window
    assert (
        document["explain"][0]["text"]
        == "out[0, 0] (filter 0) = 3x1 + 1x1 + 2x1 + 0x0 + 5x0 + 7x0 + 1x-1 + 8x-1 + 2x-1 = -5"
    )


def test_the_slides_misprinted_cells_explained(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    image = tmp_path / "seven.txt"
    image.write_text(SEVEN_TEXT)
    result = run_cli(
        "reference",
        "conv",
        "--input",
        str(image),
        "--filter",
        "[[3,4,4],[1,0,2],[-1,0,3]]",
        "--stride",
        "2",
        "--explain",
        "--cell",
        "0x2",
    )
    assert result.exit_code == 0, result.stderr
    assert "out[0, 2] (filter 0) = 6x3 + 7x1 + 8x-1 + 2x4 + 4x0 + 9x0 + 9x4 + 3x2 + 7x3 = 88" in result.stdout
    full = json.loads(
        run_cli(
            "reference",
            "conv",
            "--input",
            str(image),
            "--filter",
            "[[3,4,4],[1,0,2],[-1,0,3]]",
            "--stride",
            "2",
            "--json",
        ).stdout
    )
    assert full["output"] == [[91, 100, 88], [69, 91, 117], [44, 72, 74]]


def test_average_pooling(run_cli: Callable[..., Any]) -> None:
    result = run_cli(
        "reference",
        "pool",
        "--input",
        "[[1,3,2,1],[2,9,1,1],[1,4,2,3],[5,6,1,2]]",
        "--kernel",
        "2",
        "--mode",
        "avg",
        "--json",
    )
    assert json.loads(result.stdout)["output"] == [[3.75, 1.25], [4, 2]]
    table = run_cli(
        "reference", "pool", "--input", "[[1,3,2,1],[2,9,1,1],[1,4,2,3],[5,6,1,2]]", "--kernel", "2", "--mode", "avg"
    )
    assert "3.75" in table.stdout and "15/4" not in table.stdout  # integers in: decimals out, exactly
    fractions = run_cli("reference", "pool", "--input", "1/2 3 2 1\n2 9 1 1", "--kernel", "2", "--mode", "avg")
    assert "29/8" in fractions.stdout  # a fraction written in: fractions out


def test_multichannel_text_input_and_same_padding(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    image = tmp_path / "rgb.txt"
    image.write_text("1 2\n3 4\n\n10 20\n30 40\n")  # two channels, a blank line between them
    # one 1x1 filter over both channels (channels last): weights 1 and 1/10
    result = run_cli(
        "reference", "conv", "--input", str(image), "--filter", "[[[1, 0.1]]]", "--padding", "same", "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["output"] == [[2, 4], [6, 8]]


def test_transposed_convolution(run_cli: Callable[..., Any]) -> None:
    result = run_cli(
        "reference", "deconv", "--input", "[[1,2],[3,4]]", "--filter", "[[1,1],[1,1]]", "--stride", "2", "--json"
    )
    assert json.loads(result.stdout)["output"] == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["conv", "--input", "[[1,2],[3,NaN]]", "--filter", "[[1]]"],
            1,
            "--input:1:1: error: NaN is not a number cnncalc computes with\n",
        ),
        (
            ["conv", "--input", "[[1,2],[3]]", "--filter", "[[1]]"],
            1,
            "--input:1:1: error: not a rectangular matrix: ragged nesting: every list at depth 2 must have 2 entries\n",
        ),
        (
            ["conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--stride", "0"],
            2,
            "error: --stride: the value must be at least 1, got 0\n",
        ),
        (
            ["conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1,1,1],[1,1,1],[1,1,1]]"],
            1,
            "error: the convolution window does not fit: the output would be empty (hint: add padding or use a smaller kernel)\n",
        ),
        (
            ["conv", "--input", "[[[1,2]]]", "--filter", "[[1]]"],
            1,
            "error: the filter has 1 channel(s) but the input has 2 (hint: a filter spans all input channels: give it the input's channel count (channels last))\n",
        ),
        (["pool", "--input", "[]", "--kernel", "2"], 1, "--input:1:1: error: not a rectangular matrix: empty list\n"),
        (
            ["pool", "--input", "[" * 5000 + "1" + "]" * 5000, "--kernel", "1"],
            1,
            "--input:1:1: error: the JSON is nested too deeply\n",
        ),
        (
            ["pool", "--input", "no-such-file.txt", "--kernel", "2"],
            2,
            "error: --input: cannot read 'no-such-file.txt': No such file or directory\n",
        ),
    ],
)
def test_errors(run_cli: Callable[..., Any], args: list[str], code: int, message: str) -> None:
    result = run_cli("reference", *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == message


def test_text_matrix_error_points_at_the_token(
    run_cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a short relative name: long paths are shortened in messages
    image = tmp_path / "bad.txt"
    image.write_text("1 2 3\n4 x 6\n")
    result = run_cli("reference", "pool", "--input", "bad.txt", "--kernel", "2")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "bad.txt:2:3: error: 'x' is not a number (hint: write integers, decimals like 0.5 or fractions like 1/3)\n"
    )
