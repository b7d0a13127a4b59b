"""--format csv and markdown: exact integers equal to the JSON, one header row, and a Markdown
table that a GFM parser (markdown-it-py, which rich already depends on) renders as a table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from markdown_it import MarkdownIt


def _document(run_cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run_cli(*args, "--json").stdout)
    return document


@pytest.mark.parametrize("source", ["examples/lenet5.arch", "examples/residual_block.arch", "zoo:resnet18"])
def test_summary_csv_is_exact(run_cli: Callable[..., Any], source: str) -> None:
    result = run_cli("summary", source, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    layers = _document(run_cli, "summary", source)["layers"]
    assert len(rows) == len(layers)
    for row, layer in zip(rows, layers, strict=True):
        assert int(row["index"]) == layer["index"]
        assert row["kind"] == layer["kind"] and row["label"] == (layer["label"] or "")
        assert int(row["trainable_params"]) == layer["trainable_params"]
        assert int(row["non_trainable_params"]) == layer["non_trainable_params"]
        assert int(row["macs"]) == layer["macs"]
        assert row["output"] == "x".join(str(d) for d in layer["output_shape"])
        assert row["block"] == ".".join(layer["block"])


def test_summary_csv_at_a_depth_sums_to_the_totals(run_cli: Callable[..., Any]) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run_cli("summary", "zoo:resnet50", "--format", "csv", "--depth", "1").stdout))
    )
    totals = _document(run_cli, "summary", "zoo:resnet50")["totals"]
    assert len(rows) == 10
    assert sum(int(r["trainable_params"]) for r in rows) == totals["trainable_params"]
    assert sum(int(r["macs"]) for r in rows) == totals["macs"]


def _rendered_table(markdown: str) -> list[list[str]]:
    """The cells of the rendered table: an inline token directly after th_open/td_open is a cell."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows: list[list[str]] = []
    for position, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(tokens[position + 1].content if tokens[position + 1].type == "inline" else "")
    return rows


@pytest.mark.parametrize("command", ["summary", "receptive-field"])
def test_markdown_renders_as_a_table(run_cli: Callable[..., Any], command: str) -> None:
    result = run_cli(command, "examples/inception_module.arch", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    html = MarkdownIt("commonmark").enable("table").render(result.stdout)
    assert html.count("<table>") == 1
    rows = _rendered_table(result.stdout)
    layers = _document(run_cli, command, "examples/inception_module.arch")["layers"]
    assert len(rows) == len(layers) + 1 and len({len(r) for r in rows}) == 1
    if command == "summary":
        header = rows[0]
        for cells, layer in zip(rows[1:], layers, strict=True):
            assert cells[header.index("params")] == f"{layer['trainable_params']:,}"
            assert cells[header.index("MACs")] == f"{layer['macs']:,}"


def test_receptive_csv(run_cli: Callable[..., Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(run_cli("receptive-field", "zoo:resnet18", "--format", "csv").stdout)))
    layers = _document(run_cli, "receptive-field", "zoo:resnet18")["layers"]
    for row, layer in zip(rows, layers, strict=True):
        field = layer["receptive_field"]
        assert row["size"] == ("x".join(map(str, field["size"])) if field else row["size"])


def test_format_errors(run_cli: Callable[..., Any]) -> None:
    bad = run_cli("summary", "examples/lenet5.arch", "--format", "xml")
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.stderr
    both = run_cli("summary", "examples/lenet5.arch", "--format", "csv", "--json")
    assert both.exit_code == 2 and "--json and --format csv disagree" in both.stderr
    same = run_cli("summary", "examples/lenet5.arch", "--format", "json")
    assert json.loads(same.stdout)["schema"] == "cnncalc.summary/1"
