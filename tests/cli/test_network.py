"""The network commands (summary, receptive-field): golden outputs, stdin, JSON architectures, overrides, large files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"


def _example(name: str) -> str:
    return str(EXAMPLES / name)


@pytest.mark.parametrize("name", ["lenet5", "inception_module", "residual_block", "homework_same"])
def test_summary_table_golden(run_cli: Callable[..., Any], golden: Callable[[str, str], None], name: str) -> None:
    result = run_cli("summary", f"examples/{name}.arch")
    assert result.exit_code == 0, result.stderr
    golden(f"summary_{name}.txt", result.stdout)
    # The per-row params add up to the total printed under the table.
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("──")) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("Input:"))
    header = lines[start - 2]
    params_end = header.index("params") + len("params")
    frozen_end = header.index("non-train.") + len("non-train.")
    row_sum = sum(
        int(line[:params_end].split()[-1].replace(",", "")) + int(line[:frozen_end].split()[-1].replace(",", ""))
        for line in lines[start:end]
    )
    total_line = next(line for line in result.stdout.splitlines() if line.startswith("Params:"))
    assert total_line.startswith(f"Params: {row_sum:,} ")


@pytest.mark.parametrize("name", ["lenet5", "inception_module", "residual_block"])
def test_summary_json_golden(run_cli: Callable[..., Any], golden: Callable[[str, str], None], name: str) -> None:
    result = run_cli("summary", f"examples/{name}.arch", "--json")
    assert result.exit_code == 0, result.stderr
    golden(f"summary_{name}.json", result.stdout)
    document = json.loads(result.stdout)
    assert document["schema"] == "cnncalc.summary/1"
    assert sum(layer["trainable_params"] for layer in document["layers"]) == document["totals"]["trainable_params"]


def test_json_has_every_key_of_the_contract(run_cli: Callable[..., Any]) -> None:
    document = json.loads(run_cli("summary", _example("lenet5.arch"), "--json").stdout)
    assert set(document) == {"schema", "input", "layers", "totals", "memory"}
    expected = {
        "index", "line", "label", "kind", "input_shape", "output_shape", "kernel", "stride", "dilation", "padding",
        "trainable_params", "non_trainable_params", "macs", "flops", "activations", "receptive_field", "warnings",
        "block",
    }  # fmt: skip
    for layer in document["layers"]:
        assert set(layer) == expected
    assert set(document["totals"]) == {
        "trainable_params", "non_trainable_params", "total_params", "macs", "flops", "output_shape", "outputs",
        "receptive_field",
    }  # fmt: skip
    assert document["totals"]["outputs"] == [document["totals"]["output_shape"]]
    conv = document["layers"][0]["receptive_field"]
    assert set(conv) == {"size", "jump", "effective_padding", "global_context"} and conv["global_context"] is False
    fc = document["layers"][4]
    assert fc["kernel"] is None and fc["padding"] is None and fc["receptive_field"] is None


def test_receptive_field_golden(run_cli: Callable[..., Any], golden: Callable[[str, str], None]) -> None:
    table = run_cli("receptive-field", "examples/inception_module.arch")
    assert table.exit_code == 0
    golden("receptive_inception_module.txt", table.stdout)
    document = json.loads(run_cli("receptive-field", "examples/inception_module.arch", "--json").stdout)
    assert document["schema"] == "cnncalc.receptive_field/1"
    assert document["totals"]["receptive_field"] == {"size": [13, 13], "jump": [2, 2], "effective_padding": [5, 5]}


def test_stdin_and_json_architecture_give_the_same_numbers(run_cli: Callable[..., Any]) -> None:
    text = (EXAMPLES / "lenet5.arch").read_text()
    from_stdin = json.loads(run_cli("summary", "-", "--json", stdin=text).stdout)
    as_json = json.dumps(
        {
            "input": [32, 32, 1],
            "layers": [
                {"kind": "conv", "filters": 6, "kernel": 5},
                {"kind": "avgpool", "F": 2},
                {"kind": "conv", "K": 16, "F": [5, 5]},
                {"kind": "avgpool", "F": 2},
                {"kind": "fc", "N": 120},
                {"kind": "relu"},
                {"kind": "fc", "units": 84},
                {"kind": "relu"},
                {"kind": "fc", "N": 10},
                {"kind": "softmax"},
            ],
        }
    )
    from_json = json.loads(run_cli("summary", "-", "--json", stdin=as_json).stdout)

    def strip(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in layer.items() if k != "line"} for layer in doc["layers"]]

    assert strip(from_stdin) == strip(from_json)
    assert from_stdin["totals"] == from_json["totals"]


def test_json_architecture_with_blocks_labels_and_padding_pairs(run_cli: Callable[..., Any]) -> None:
    document = [
        {"kind": "input", "shape": "8x8x4"},
        {"kind": "repeat", "count": 2, "layers": [
            {"kind": "identity", "label": "x"},
            {"kind": "conv", "K": 4, "F": 2, "P": [[0, 1], [1, 0]], "bias": False},
            {"kind": "add", "inputs": ["x"]},
        ]},
        {"kind": "maxpool", "F": 3, "S": 2, "ceil": True},
    ]  # fmt: skip
    result = run_cli("summary", "-", "--json", stdin=json.dumps(document, indent=1))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["layers"][1]["padding"] == [[0, 1], [1, 0]]
    assert out["totals"]["output_shape"] == [4, 4, 4]
    assert out["totals"]["trainable_params"] == 2 * 4 * 4 * 4


def test_input_override(run_cli: Callable[..., Any]) -> None:
    document = json.loads(run_cli("summary", _example("homework_same.arch"), "--input", "64x64x3", "--json").stdout)
    assert document["input"] == [64, 64, 3]
    assert document["layers"][4]["output_shape"] == [32, 32, 32]


def test_no_color_means_no_escape_codes(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", _example("lenet5.arch"), "--no-color")
    assert "\x1b[" not in result.stdout


def test_warnings_are_shown_under_the_table(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "w.arch"
    path.write_text("input 8x8x1\nconv K=1 F=3 S=2 P=same\n")
    result = run_cli("summary", str(path))
    assert "warning: line 2 (#1 conv): 'same' padding on H is asymmetric (0, 1)" in result.stdout


def test_huge_sizes_exact_in_json_readable_in_the_table(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "huge.arch"
    path.write_text("input 1000000000000000000x3\nconv K=2 F=3 P=same\nfc 7\n")
    document = json.loads(run_cli("summary", str(path), "--json").stdout)
    assert document["layers"][0]["output_shape"] == [10**18, 2]
    assert document["totals"]["macs"] == 10**18 * 2 * 3 * 3 + 2 * 10**18 * 7
    table = run_cli("summary", str(path)).stdout
    assert "1000000000000000000×2" in table  # shapes stay exact
    assert " 18,000,000,000,000,000,000 " in table  # every digit of a 20-digit cell
    assert "MACs: 32,000,000,000,000,000,000 (≈ 32.000 E)" in table  # totals: exact, then readable
    receptive = json.loads(run_cli("receptive-field", str(path), "--json").stdout)
    assert receptive["layers"][0]["output_shape"] == [10**18, 2]


def test_a_repeat_of_50000_and_a_100000_line_file(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    block = tmp_path / "block.arch"
    block.write_text("input 32x32x8\nrepeat 50000 {\n  x: conv K=8 F=3 P=1\n  relu\n  add x\n}\n")
    document = json.loads(run_cli("summary", str(block), "--json").stdout)
    assert len(document["layers"]) == 150_000
    assert document["totals"]["trainable_params"] == 50_000 * (9 * 8 + 1) * 8
    lines = tmp_path / "long.arch"
    lines.write_text("input 16x16x4\n" + "relu\n" * 100_000)
    assert json.loads(run_cli("summary", str(lines), "--json").stdout)["totals"]["output_shape"] == [16, 16, 4]
