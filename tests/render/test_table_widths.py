"""No digit is ever cut: at every width, through the Python renderable, a pipe and a TTY, every
number and shape the summary shows equals the JSON's, or its column is named in the note."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from typing import Any

import pytest
import typer.main
from click.testing import CliRunner
from rich.console import Console

import cnncalc
from cnncalc.arch.source import load
from cnncalc.cli import app
from cnncalc.render.json_report import summary_json
from cnncalc.render.table import render_receptive, render_summary
from tests.conftest import ROOT

WIDTHS = (60, 80, 100, 120, 160)
SOURCES = ("examples/lenet5.arch", "examples/inception_module.arch", "zoo:resnet50", "zoo:densenet121")
COMMAND = typer.main.get_command(app)


def _shape(values: list[Any]) -> str:
    return "×".join(str(v) for v in values)


def _expected(layer: dict[str, Any]) -> dict[str, str]:
    """What each column must show for a JSON layer (written from the JSON, not by cnncalc's formatter)."""
    field = layer["receptive_field"]
    return {
        "#": str(layer["index"]),
        "input": _shape(layer["input_shape"]),
        "output": _shape(layer["output_shape"]),
        "params": f"{layer['trainable_params']:,}",
        "non-train.": f"{layer['non_trainable_params']:,}",
        "MACs": f"{layer['macs']:,}",
        "kernel": "×".join(str(k) for k in layer["kernel"]) if layer["kernel"] else "",
        "stride": "×".join(str(k) for k in layer["stride"]) if layer["stride"] else "",
        "RF": _shape(field["size"]) if field else "global",
    }


def _table(text: str) -> tuple[list[str], list[dict[str, str]], str]:
    """The header titles, the rows as {title: cell} (cut by the rule line's spans), the note."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    spans = []
    position = 0
    for part in lines[rule].split("  "):
        spans.append((position, position + len(part)))
        position += len(part) + 2
    header = lines[rule - 1]
    titles = [header[start:end].strip() for start, end in spans]
    rows = []
    note = ""
    for number, line in enumerate(lines[rule + 1 :], start=rule + 1):
        if line.startswith(("note:", "Input:")):
            if line.startswith("note:"):  # the note wraps at the width; join it back
                end = next(i for i in range(number, len(lines)) if lines[i].startswith("Input:"))
                note = " ".join(part.strip() for part in lines[number:end])
            break
        rows.append({title: line[start:end].strip() for title, (start, end) in zip(titles, spans, strict=True)})
    return titles, rows, note


def _check(text: str, document: dict[str, Any], width: int) -> None:
    titles, rows, note = _table(text)
    assert all(len(line) <= width for line in text.splitlines()), "a line is wider than the terminal"
    assert "…" not in text
    for must in ("#", "layer", "output", "params", "MACs"):
        assert must in titles
    if len(titles) < 13:
        assert note.startswith("note: left out to fit") and "--columns" in note
    assert len(rows) == len(document["layers"])
    for row, layer in zip(rows, document["layers"], strict=True):
        expected = _expected(layer)
        for title, cell in row.items():
            if title in expected:
                assert cell == expected[title], (title, layer["index"])
        assert row["layer"].endswith(layer["kind"])


@pytest.mark.parametrize("source", SOURCES)
def test_every_shown_number_equals_the_json_at_every_width(source: str) -> None:
    report = cnncalc.analyze(load(str(ROOT / source) if source.startswith("examples") else source, None))
    document = summary_json(report)
    for width in WIDTHS:
        buffer = io.StringIO()
        Console(file=buffer, width=width, no_color=True).print(render_summary(report))
        _check(buffer.getvalue(), document, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cli_through_a_pipe_at_every_width(width: int) -> None:
    runner = CliRunner()
    for source in ("examples/lenet5.arch", "zoo:resnet50"):
        path = str(ROOT / source) if source.startswith("examples") else source
        table = runner.invoke(COMMAND, ["summary", path], env={"COLUMNS": str(width), "NO_COLOR": "1"})
        document = json.loads(runner.invoke(COMMAND, ["summary", path, "--json"]).stdout)
        assert table.exit_code == 0, table.stderr
        _check(table.stdout, document, width)


def test_the_cli_in_a_terminal_of_80_columns() -> None:
    """A real TTY (a pseudo-terminal sized 80x50): rich reads the width from the terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 80, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    env["NO_COLOR"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "cnncalc", "summary", str(ROOT / "examples/lenet5.arch")],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    text = re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode().replace("\r\n", "\n"))  # bold stays under NO_COLOR
    document = summary_json(cnncalc.analyze(load(str(ROOT / "examples/lenet5.arch"), None)))
    _check(text, document, 80)
    assert "117,600" in text and "240,000" in text and "2,416" in text


def test_narrower_than_the_core_columns_stacks_the_rows_whole() -> None:
    report = cnncalc.analyze(load("zoo:resnet50", None))
    buffer = io.StringIO()
    Console(file=buffer, width=40, no_color=True).print(render_summary(report))
    text = buffer.getvalue()
    assert all(len(line) <= 40 for line in text.splitlines())
    for row in report.rows:
        assert f"params {row.trainable_params:,}" in text
        assert f"MACs {row.macs:,}" in text
    assert "MACs 118,013,952" in text


def test_columns_and_wide() -> None:
    report = cnncalc.analyze(load(str(ROOT / "examples/lenet5.arch"), None))
    buffer = io.StringIO()
    Console(file=buffer, width=60, no_color=True).print(render_summary(report, columns=["layer", "macs"]))
    titles, rows, note = _table(buffer.getvalue())
    assert titles == ["layer", "MACs"] and not note and rows[0] == {"layer": "conv", "MACs": "117,600"}
    wide = CliRunner().invoke(
        COMMAND, ["summary", str(ROOT / "examples/lenet5.arch"), "--wide"], env={"COLUMNS": "60", "NO_COLOR": "1"}
    )
    titles, rows, note = _table(wide.stdout)
    assert len(titles) == 13 and not note  # every column, lines longer than 60 and never cropped
    assert rows[2]["non-train."] == "0" and rows[2]["input"] == "14×14×6"
    bad = CliRunner().invoke(COMMAND, ["summary", str(ROOT / "examples/lenet5.arch"), "--columns", "layer,flops"])
    assert bad.exit_code == 2 and "--columns: unknown column 'flops'" in bad.stderr


def test_the_receptive_field_table_never_cuts_either() -> None:
    report = cnncalc.analyze(load("zoo:resnet50", None))
    for width in WIDTHS:
        buffer = io.StringIO()
        Console(file=buffer, width=width, no_color=True).print(render_receptive(report))
        text = buffer.getvalue()
        assert "…" not in text and "427×427" in text
        assert all(len(line) <= width for line in text.splitlines())


def test_huge_and_symbolic_cells_are_whole() -> None:
    report = cnncalc.analyze(cnncalc.parse("input NxNx3\nconv K=7 F=3 S=2\nfc 10\n", "sym.arch"))
    for width in WIDTHS:
        buffer = io.StringIO()
        Console(file=buffer, width=width, no_color=True).print(render_summary(report))
        text = buffer.getvalue()
        assert "…" not in text and "floor((N - 3)/2) + 1" in text.replace("\n", "")
