"""The modern vocabulary in both architecture forms, its hints, and in the network solver."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import cnncalc
from cnncalc.render.json_report import summary_json

SE_TEXT = """input 16x16x8
conv K=8 F=3 P=1
x: relu
gap
conv K=2 F=1
silu
conv K=8 F=1
hardsigmoid
mul x
leakyrelu alpha=0.1
slice channels=2:6
shuffle G=2
upsample factor=2 mode=bilinear
pad P=1:2
crop P=1
layernorm bias=no output
bn scale=no
pixelshuffle 2
"""

SE_JSON = {
    "input": [16, 16, 8],
    "layers": [
        {"kind": "conv", "K": 8, "F": 3, "P": 1},
        {"kind": "relu", "label": "x"},
        {"kind": "gap"},
        {"kind": "conv", "K": 2, "F": 1},
        {"kind": "silu"},
        {"kind": "conv", "K": 8, "F": 1},
        {"kind": "hardsigmoid"},
        {"kind": "mul", "inputs": ["x"]},
        {"kind": "leakyrelu", "alpha": 0.1},
        {"kind": "slice", "channels": "2:6"},
        {"kind": "shuffle", "G": 2},
        {"kind": "upsample", "factor": 2, "mode": "bilinear"},
        {"kind": "pad", "P": [[1, 2]]},
        {"kind": "crop", "P": 1},
        {"kind": "layernorm", "bias": False, "output": True},
        {"kind": "bn", "scale": False},
        {"kind": "pixelshuffle", "N": 2},
    ],
}


def test_text_and_json_forms_describe_the_same_network() -> None:
    from cnncalc.arch.source import parse_text

    text = summary_json(cnncalc.analyze(cnncalc.parse(SE_TEXT, "se.arch")))
    from_json = summary_json(cnncalc.analyze(parse_text(json.dumps(SE_JSON), "se.json")))
    for a, b in zip(text["layers"], from_json["layers"], strict=True):
        assert {k: v for k, v in a.items() if k != "line"} == {k: v for k, v in b.items() if k != "line"}
    assert text["totals"] == from_json["totals"]
    # hand-computed: upsample 16 -> 32, pad 1:2 -> 35, crop 1 -> 33, pixelshuffle 2 halves channels per r^2
    assert text["totals"]["output_shape"] == [66, 66, 1]
    assert text["totals"]["outputs"] == [[66, 66, 1], [33, 33, 4]]
    # conv 3x3x8x8+8 = 584, SE 8*2+2 + 2*8+8 = 42, layernorm weight only 4, bn beta only 4
    assert text["totals"]["trainable_params"] == 584 + 42 + 4 + 4
    assert text["totals"]["non_trainable_params"] == 8  # bn running mean and variance


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("bilinear", "see 'cnncalc kinds' for the list"),  # never 'linear': a different thing
        ("maxpol F=2", "did you mean 'maxpool'?"),
        ("leaky-relu", "did you mean 'leakyrelu'?"),
        ("globalaveragepool", "see 'cnncalc kinds' for the list"),
        ("hardswsh", "did you mean 'hardswish'?"),
    ],
)
def test_hints_suggest_only_typos(line: str, hint: str, run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", "-", stdin=f"input 8x8x3\n{line}\n")
    kind = line.split()[0]
    assert result.exit_code == 1
    assert result.stderr == f"<stdin>:2:1: error: unknown layer kind '{kind}' (hint: {hint})\n"


def test_pad_is_not_add(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", "-", stdin="input 8x8x3\npda P=1\n")
    assert result.stderr == "<stdin>:2:1: error: unknown layer kind 'pda' (hint: did you mean 'pad'?)\n"
    result = run_cli("summary", "-", stdin="input 8x8x3\nappend x\n")
    assert "did you mean" not in result.stderr


def test_network_solver_finds_the_unet_tile(run_cli: Callable[..., Any]) -> None:
    # the paper's 572x572 tile gives 388x388 (Ronneberger et al. 2015, figure 1)
    result = run_cli("solve", "zoo:unet", "--input", "?", "--output", "388x388x2", "--json")
    assert result.exit_code == 0, result.output
    unknown = json.loads(result.stdout)["unknowns"]["N"]
    assert unknown["exact"] == [572]  # 573..587 give 388 too, but drop rows at some pooling
    assert unknown["solutions"]["first"] == 572 and unknown["solutions"]["last"] == 587
