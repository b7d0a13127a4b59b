"""Named blocks: the text and JSON forms, a grouping that is not a label scope, the block path of
every layer, ``--depth`` subtotals (checked against torchvision's own modules), and their errors."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from rich.console import Console

import cnncalc
from cnncalc.arch.json_arch import parse_json
from cnncalc.arch.source import load
from cnncalc.errors import ArchError
from cnncalc.render.table import render_summary

TEXT = """input 8x8x3
block stem {
  conv K=4 F=3 P=1
  relu
}
block stage1 {
  x: identity
  repeat 2 {
    block unit {
      y: conv K=4 F=3 P=1
      add y
    }
  }
  add x
}
add x              # a block is not a scope: x is still visible
repeat 2 { relu }
fc 10
"""


def test_every_layer_knows_its_block_path() -> None:
    report = cnncalc.analyze(cnncalc.parse(TEXT, "b.arch"))
    assert [row.block for row in report.rows] == [
        ("stem",), ("stem",), ("stage1",),
        ("stage1", "unit"), ("stage1", "unit"), ("stage1", "unit"), ("stage1", "unit"),
        ("stage1",), (), ("0",), ("1",), (),
    ]  # fmt: skip
    # two repetitions of one block are two groups
    assert report.rows[3].block_ids != report.rows[5].block_ids
    assert report.rows[3].block_ids == report.rows[4].block_ids


def test_json_form_reads_the_same() -> None:
    document = {
        "input": "8x8x3",
        "layers": [
            {"kind": "block", "name": "stem", "layers": [{"kind": "conv", "K": 4, "F": 3, "P": 1}, {"kind": "relu"}]},
            {"kind": "block", "name": "stage1", "layers": [
                {"kind": "identity", "label": "x"},
                {"kind": "repeat", "count": 2, "layers": [{"kind": "block", "name": "unit", "layers": [
                    {"kind": "conv", "label": "y", "K": 4, "F": 3, "P": 1}, {"kind": "add", "inputs": ["y"]}]}]},
                {"kind": "add", "inputs": ["x"]},
            ]},
            {"kind": "add", "inputs": ["x"]},
            {"kind": "repeat", "count": 2, "layers": [{"kind": "relu"}]},
            {"kind": "fc", "N": 10},
        ],
    }  # fmt: skip
    from_json = cnncalc.analyze(parse_json(json.dumps(document), "b.json"))
    from_text = cnncalc.analyze(cnncalc.parse(TEXT, "b.arch"))
    assert [r.block for r in from_json.rows] == [r.block for r in from_text.rows]
    assert from_json.totals == from_text.totals


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input 4x4x1\nblock a {\n}\n", "block 'a' is empty"),
        ("input 4x4x1\nblock a {\nrelu\n", "'block a {' is never closed"),
        ("input 4x4x1\nblock 1a {\nrelu\n}\n", "'1a' is not a block name"),
        ("input 4x4x1\nblock a\nrelu\n", "expected '{' after 'block a'"),
        ("input 4x4x1\nx: relu\nblock a {\nx: relu\n}\n", "label 'x' is already defined in this scope"),
    ],
)
def test_block_errors(text: str, message: str) -> None:
    with pytest.raises(ArchError, match=message):
        cnncalc.parse(text, "bad.arch")


def test_json_block_errors() -> None:
    with pytest.raises(ArchError) as error:
        parse_json('{"input": "4x4x1", "layers": [{"kind": "block", "name": 3, "layers": []}]}', "b.json")
    assert "a block needs a name of letters, digits and '_', got" in error.value.message
    with pytest.raises(ArchError) as error:
        parse_json('{"input": "4x4x1", "layers": [{"kind": "block", "count": 2, "layers": []}]}', "b.json")
    assert "block takes name and layers, not" in error.value.message
    with pytest.raises(ArchError, match="a block needs a"):
        parse_json('{"input": "4x4x1", "layers": [{"kind": "block", "layers": [{"kind": "relu"}]}]}', "b.json")


def _text(report: cnncalc.Report, **options: Any) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, no_color=True).print(render_summary(report, **options))
    return buffer.getvalue()


def test_depth_collapses_blocks_with_subtotals() -> None:
    report = cnncalc.analyze(cnncalc.parse(TEXT, "b.arch"))
    one = _text(report, depth=1)
    # stem: conv 3x3 3->4 with bias = 112 params, 8*8*4*27 = 6,912 MACs (by hand)
    assert any(line.split()[:2] == ["1-2", "stem"] and "112" in line and "6,912" in line for line in one.splitlines())
    # stage1: two convs 3x3 4->4 with bias = 2 * 148 params, 2 * 8*8*4*36 MACs
    assert any(
        line.split()[:2] == ["3-8", "stage1"] and "296" in line and "18,432" in line for line in one.splitlines()
    )
    two = _text(report, depth=2)
    assert sum(line.split()[1] == "stage1.unit" for line in two.splitlines() if len(line.split()) > 1) == 2
    assert "stage1/x: identity" in two
    zero = _text(report, depth=0)
    assert "──" not in zero and "Params: 2,978 total" in zero


def test_json_gains_the_block_path(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    path = tmp_path / "b.arch"
    path.write_text(TEXT)
    document = json.loads(run_cli("summary", str(path), "--json").stdout)
    assert len(document["layers"]) == 12  # one entry per executed layer, at any depth
    assert document["layers"][3]["block"] == ["stage1", "unit"]
    assert document["layers"][-1]["block"] == []
    depth = run_cli("summary", str(path), "--depth", "1")
    assert depth.exit_code == 0 and "stage1" in depth.stdout


def test_resnet50_depth_1_fits_one_screen(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", "zoo:resnet50", "--depth", "1")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) <= 25
    names = [line.split()[1] for line in result.stdout.splitlines()[3:13]]
    assert names == ["conv", "bn", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "gap", "fc"]


@pytest.mark.slow  # imports torch and torchvision
@pytest.mark.parametrize(
    ("zoo", "torchvision", "stages"),
    [
        ("resnet50", "resnet50", ("layer1", "layer2", "layer3", "layer4")),
        ("resnet18", "resnet18", ("layer1", "layer2", "layer3", "layer4")),
        ("densenet121", "densenet121", ("denseblock1", "transition1", "denseblock4")),
        ("efficientnet_b0", "efficientnet_b0", ("stage1", "stage4", "stage7")),
    ],
)
def test_block_subtotals_equal_torchvision_modules(zoo: str, torchvision: str, stages: tuple[str, ...]) -> None:
    """A block's params are those of the torchvision module of the same name."""
    from tests.torchvision_oracle import build

    model = build(torchvision)
    modules = dict(model.named_modules())
    report = cnncalc.analyze(load(f"zoo:{zoo}", None))
    for stage in stages:
        module_name = {
            "denseblock": f"features.{stage}",
            "transition": f"features.{stage}",
            "stage": f"features.{stage.removeprefix('stage')}",
        }.get(stage.rstrip("0123456789"), stage)
        module = modules[module_name]
        trainable = sum(p.numel() for p in module.parameters())
        buffers = sum(b.numel() for name, b in module.named_buffers() if not name.endswith("num_batches_tracked"))
        rows = [row for row in report.rows if row.block[:1] == (stage,)]
        assert sum(row.trainable_params for row in rows) == trainable, stage
        assert sum(row.non_trainable_params for row in rows) == buffers, stage
