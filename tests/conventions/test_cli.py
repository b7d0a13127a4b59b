"""``cnncalc compare`` and ``summary --convention``: the commands, their JSON and their errors.

The figures themselves are checked against the real counters in the other modules of this
package; here: the commands show the same figures the library computes, the default changes
nothing, and bad names are usage errors.
"""

from __future__ import annotations

import json
from typing import Any

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from cnncalc.conventions import CONVENTIONS, count

DECONV = "input 8x8x4\nconv K=8 F=3 P=1\nbn\nrelu\ndeconv K=6 F=3 S=2 P=1 OP=1 G=2\n"


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def test_compare_json_lists_every_counter_with_the_library_figures(run_cli: Any) -> None:
    document = _json(run_cli("compare", "zoo:resnet18", "--json"))
    assert document["schema"] == "cnncalc.compare/1"
    report = analyze(load("zoo:resnet18"))
    names = [c["name"] for c in document["counters"]]
    assert names == list(CONVENTIONS)
    for entry in document["counters"]:
        counted = count(report, CONVENTIONS[entry["name"]])
        assert entry["macs"] == counted.macs and entry["params"] == counted.params
        assert entry["flops"] == (None if counted.macs is None else 2 * counted.macs)
    default = document["counters"][0]
    assert default["macs_difference"] == 0 and default["differences"] == []
    ptflops = next(c for c in document["counters"] if c["name"] == "ptflops")
    assert {d["category"] for d in ptflops["differences"]} >= {"batch norm", "activations", "pooling", "bias"}
    assert sum(d["macs"] for d in ptflops["differences"]) == ptflops["macs_difference"]


def test_compare_table_says_which_tool_is_wrong_on_transposed_convs(run_cli: Any) -> None:
    result = run_cli("compare", "-", stdin=DECONV)
    assert result.exit_code == 0, result.output
    lines = {line.split(":", 1)[0]: line for line in result.output.splitlines() if ":" in line}
    assert "output positions" in lines["thop"] and "output positions" in lines["torchinfo"]
    assert "output positions" not in lines["fvcore"]


def test_default_convention_is_todays_summary(run_cli: Any) -> None:
    plain = _json(run_cli("summary", "zoo:resnet18", "--json"))
    default = _json(run_cli("summary", "zoo:resnet18", "--json", "--convention", "torchvision"))
    assert default.pop("convention")["name"] == "torchvision"
    assert default == plain


def test_summary_convention_replaces_macs_per_layer_and_in_total(run_cli: Any) -> None:
    document = _json(run_cli("summary", "-", "--json", "--convention", "thop", stdin=DECONV))
    counted = count(analyze(load("zoo:resnet18")), CONVENTIONS["thop"])  # any report: the keys
    assert counted.convention.name == document["convention"]["name"]
    layers = document["layers"]
    assert sum(layer["macs"] for layer in layers) == document["totals"]["macs"] == document["convention"]["macs"]
    assert document["convention"]["flaws"] and "output positions" in document["convention"]["flaws"][0]
    text = run_cli("summary", "-", "--convention", "keras", stdin=DECONV)
    assert text.exit_code == 0 and "Convention: parameters as Keras" in text.output


def test_unknown_convention_is_a_usage_error(run_cli: Any) -> None:
    result = run_cli("summary", "zoo:lenet5", "--convention", "flopz")
    assert result.exit_code == 2
    assert "error: --convention: unknown counter 'flopz' (hint: use one of torchvision, fvcore" in result.output


def test_compare_and_summary_name_the_layers_torchvision_writes_otherwise(run_cli: Any) -> None:
    compared = run_cli("compare", "zoo:convnext_tiny")
    assert compared.exit_code == 0, compared.output
    text = " ".join(compared.output.split())
    assert "Written as torchvision writes zoo:convnext_tiny: 5 layernorm as a module subclass (LayerNorm2d)" in text
    assert "36 conv as nn.Linear on channels-last tensors" in text
    summary = run_cli("summary", "zoo:inception_v3", "--convention", "ptflops")
    assert "94 relu as torch.nn.functional calls" in " ".join(summary.output.split())
    plain = run_cli("compare", "-", stdin=DECONV)  # a file of one's own: a module per layer
    assert plain.exit_code == 0 and "Written as" not in plain.output
