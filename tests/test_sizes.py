"""``cnncalc sizes --range``: exact sizes, failures and the range syntax."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from cnncalc.errors import UsageError
from cnncalc.sizes import parse_range
from tests.conftest import ROOT


def _sizes(run_cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = run_cli("sizes", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_resnet50_divides_exactly_at_multiples_of_32(run_cli: Callable[..., Any]) -> None:
    # five stride-2 stages: 224 = 7*32 and 256 = 8*32 halve cleanly all the way down
    document = _sizes(run_cli, "zoo:resnet50", "--range", "200:260")
    assert document["exact"] == [224, 256]
    at_225 = next(s for s in document["sizes"] if s["size"] == 225)
    assert at_225["problems"][0] == "line 4 (conv): stride 2 does not divide H and W = 225 (gives 113, not 225/2)"
    assert at_225["output_shape"] == [1000]


def test_homework_valid_padding_needs_sizes_4k_plus_2(run_cli: Callable[..., Any]) -> None:
    # 3x3 valid conv (-2), 2x2 pool (/2), 3x3 valid conv (-2), 2x2 pool (/2): I - 2 and (I - 2)/2 - 2 even
    document = _sizes(run_cli, str(ROOT / "examples" / "homework_valid.arch"), "--range", "100:140")
    assert document["exact"] == [s for s in range(100, 141) if s % 4 == 2]
    at_128 = next(s for s in document["sizes"] if s["size"] == 128)
    assert "line 11 (maxpool): drops the last 1 row(s) of H and W" in at_128["problems"]


def test_same_padding_must_be_symmetric_and_failures_are_reported(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    path = tmp_path / "same.arch"
    path.write_text("input Nx8x1\nconv K=1 F=2 P=same\nconv K=1 F=5\n", encoding="utf-8")
    document = _sizes(run_cli, str(path), "--range", "3:6")
    first = document["sizes"][0]
    assert first["error"] is not None and "output size on H would be -1 < 1" in first["error"]
    assert first["exact"] is False and first["output_shape"] is None
    assert "line 2 (conv): 'same' padding on H and W is lopsided (0, 1)" in document["sizes"][-1]["problems"]
    table = run_cli("sizes", str(path), "--range", "3:6").stdout
    assert "fails: output size on H would be -1 < 1" in table
    assert "exact sizes: none" in table


def test_exact_only_and_period(run_cli: Callable[..., Any]) -> None:
    shown = run_cli("sizes", str(ROOT / "examples" / "vgg16_features.arch"), "--range", "32:320", "--exact-only").stdout
    assert "exact sizes: 32, 64, 96, 128, 160, 192, 224, 256, 288, 320 (every 32 from 32; 10 sizes)" in shown
    assert "│  33 │" not in shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("200", "--range '200': expected FIRST:LAST or FIRST:LAST:STEP"),
        ("256:200", "--range '256:200': need 1 <= FIRST <= LAST and STEP >= 1"),
        ("1:1000000", "--range '1:1000000': 1,000,000 sizes; cnncalc checks at most 100,000 at once"),
    ],
)
def test_range_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_range(text)
    assert caught.value.message == message


def test_range_with_step_and_flat_input(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    assert list(parse_range("200:256:8")) == [200, 208, 216, 224, 232, 240, 248, 256]
    path = tmp_path / "mlp.arch"
    path.write_text("input 784\nfc 10\n", encoding="utf-8")
    result = run_cli("sizes", str(path), "--range", "1:3")
    assert result.exit_code == 2
    assert "the input is a flat vector: there are no spatial sizes to scan" in result.stderr


def test_unet_tiles_are_the_papers(run_cli: Callable[..., Any]) -> None:
    # Ronneberger et al. 2015: the 572x572 tile gives 388x388, and a tile works when every 2x2
    # max pooling sees an even size, i.e. 572 + 16k; the skip crops then stay centred
    document = _sizes(run_cli, "zoo:unet", "--range", "540:600")
    assert document["exact"] == [540, 556, 572, 588]
    at_572 = next(s for s in document["sizes"] if s["size"] == 572)
    assert at_572["output_shape"] == [388, 388, 2]
    at_574 = next(s for s in document["sizes"] if s["size"] == 574)
    assert any("stride 2 does not divide" in problem for problem in at_574["problems"])


def test_an_off_centre_crop_is_not_exact(run_cli: Callable[..., Any]) -> None:
    # 9 rows cropped to 8: the odd row has to go at one end
    arch = "input 10x1\nx: conv K=1 F=2\nz: conv K=1 F=2\ncrop to=z from=x\n"
    result = run_cli("sizes", "-", "--range", "10:11", "--json", stdin=arch)
    document = json.loads(result.stdout)
    problems = document["sizes"][0]["problems"]
    assert problems == ["line 4 (crop): the crop to 'z' on L is off-centre (0, 1)"]


def test_sizes_refuses_a_range_past_its_budget(run_cli: Callable[..., Any]) -> None:
    result = run_cli("sizes", "zoo:resnet152", "--range", "1:100000")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: this needs 5.7e7 layer evaluations, over the limit of 200000")
    assert "--max-work" in result.stderr
    assert run_cli("sizes", "zoo:lenet5", "--range", "32:33", "--max-work", "10").exit_code == 1
    assert run_cli("sizes", "zoo:lenet5", "--range", "32:33", "--max-work", "1e3").exit_code == 0


def test_solve_and_sizes_agree_and_solve_says_what_it_searched(run_cli: Callable[..., Any]) -> None:
    """VGG-16's classifier gives 1000 for every N >= 32; the exact sizes are the multiples of
    224 (five stride-2 pools, then a 7x7 adaptive pool with equal windows): both commands say so."""
    sizes = json.loads(run_cli("sizes", "zoo:vgg16", "--range", "222:226", "--json").stdout)
    assert sizes["exact"] == [224]
    solved = run_cli("solve", "zoo:vgg16", "--input", "?", "--output", "1000", "--json", "--max-work", "20000")
    answer = json.loads(solved.stdout)["unknowns"]["N"]
    searched = answer["exact_searched"]
    assert searched["first"] == 32 and searched["last"] == 32 + 20000 // 39 - 1  # 39 layers per size
    assert answer["exact"] == [224, 448]
    text = run_cli("solve", "zoo:vgg16", "--input", "?", "--output", "1000", "--max-work", "20000").stdout
    assert "224, 448 (searched N = 32..543 only)" in text
    assert "raise --max-work" in text
