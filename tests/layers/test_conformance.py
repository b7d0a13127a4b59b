"""Every registry entry through every command (DESIGN: "a conformance test runs every command on every entry").

Parametrized over ``cnncalc.layers.REGISTRY``, so a newly added kind is covered without
touching this file: its ``example`` (on ``example_input``) must go through ``summary``
(table and JSON), ``receptive-field``, ``explain`` in each format, ``verify`` and
``diagram`` with exit code 0, and each output must name the kind. Kinds with a one-layer
``family`` also go through ``cnncalc layer``, with options read off the example statement.
The CLI is used only through the ``run_cli`` fixture.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cnncalc.arch.values import KEY_SPELLINGS
from cnncalc.layers import REGISTRY, LayerKind

KINDS = [pytest.param(kind, id=name) for name, kind in REGISTRY.items()]


def _write(tmp_path: Path, kind: LayerKind) -> str:
    path = tmp_path / f"{kind.name}.arch"
    path.write_text(f"input {kind.example_input}\n{kind.example}\n", encoding="utf-8")
    return str(path)


def _ok(result: Any, command: str) -> str:
    assert result.exit_code == 0, f"{command}: exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output
    return str(result.stdout)


@pytest.mark.parametrize("kind", KINDS)
def test_summary_table_and_json(tmp_path: Path, run_cli: Callable[..., Any], kind: LayerKind) -> None:
    path = _write(tmp_path, kind)
    assert kind.name in _ok(run_cli("summary", path), "summary")
    report = json.loads(_ok(run_cli("summary", "--json", path), "summary --json"))
    assert report["schema"] == "cnncalc.summary/1"
    assert any(layer["kind"] == kind.name for layer in report["layers"])


@pytest.mark.parametrize("kind", KINDS)
def test_receptive_field(tmp_path: Path, run_cli: Callable[..., Any], kind: LayerKind) -> None:
    path = _write(tmp_path, kind)
    assert kind.name in _ok(run_cli("receptive-field", path), "receptive-field")
    report = json.loads(_ok(run_cli("receptive-field", "--json", path), "receptive-field --json"))
    assert kind.name in json.dumps(report)


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
@pytest.mark.parametrize("kind", KINDS)
def test_explain(tmp_path: Path, run_cli: Callable[..., Any], kind: LayerKind, fmt: str) -> None:
    path = _write(tmp_path, kind)
    assert kind.name in _ok(run_cli("explain", path, "--format", fmt), f"explain --format {fmt}")


@pytest.mark.parametrize("kind", KINDS)
def test_verify(tmp_path: Path, run_cli: Callable[..., Any], kind: LayerKind) -> None:
    path = _write(tmp_path, kind)
    assert kind.name in _ok(run_cli("verify", path), "verify")


@pytest.mark.parametrize("kind", KINDS)
def test_diagram(tmp_path: Path, run_cli: Callable[..., Any], kind: LayerKind) -> None:
    path = _write(tmp_path, kind)
    svg = _ok(run_cli("diagram", path), "diagram")
    assert svg.lstrip().startswith("<svg") or "<svg" in svg
    assert kind.name in svg


def _layer_options(kind: LayerKind) -> list[str]:
    """``cnncalc layer`` options for the example's own statement: each key by its long name
    (``K=32`` -> ``--filters 32``), the positional count as ``--units``, flags as switches."""
    words = kind.example.splitlines()[-1].split()
    assert words[0] == kind.name, "the example's last line is the kind's own statement"
    options: list[str] = []
    for word in words[1:]:
        key, equals, value = word.partition("=")
        if not equals:
            options += ["--units", word] if word.isdigit() else [f"--{word}"]
            continue
        spelled = KEY_SPELLINGS[key]
        options += [f"--{(spelled.alias or spelled.name).replace('_', '-')}", value]
    return options


FAMILIES = [pytest.param(kind, id=name) for name, kind in REGISTRY.items() if kind.family is not None]


@pytest.mark.parametrize("kind", FAMILIES)
def test_one_layer_command(tmp_path: Path, run_cli: Callable[..., Any], kind: LayerKind) -> None:
    """``cnncalc layer`` gives the numbers ``summary`` gives for the same statement."""
    options = ["--input", kind.example_input, *_layer_options(kind)]
    assert kind.name in _ok(run_cli("layer", kind.name, *options), "layer")
    assert kind.name in _ok(run_cli("layer", kind.name, *options, "--explain"), "layer --explain")
    alone = json.loads(_ok(run_cli("layer", kind.name, *options, "--json"), "layer --json"))["layer"]
    assert alone["kind"] == kind.name
    summary = json.loads(_ok(run_cli("summary", "--json", _write(tmp_path, kind)), "summary --json"))
    row = summary["layers"][-1]
    same = ("output_shape", "padding", "trainable_params", "non_trainable_params", "macs", "receptive_field")
    assert {key: alone[key] for key in same} == {key: row[key] for key in same}


def test_every_family_is_offered() -> None:
    """The one-layer commands cover each family the registry names (conv, pool, deconv, fc)."""
    assert {kind.family for kind in REGISTRY.values()} >= {"conv", "pool", "deconv", "fc"}


def test_verify_reports_a_kind_without_reference_as_not_run(
    tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``reference=None``: the kind cannot be run, so verify says so for its row and still succeeds."""
    kind = REGISTRY["relu6"]
    monkeypatch.setitem(REGISTRY, "relu6", dataclasses.replace(kind, reference=None))
    path = tmp_path / "net.arch"
    path.write_text("input 8x8x4\nconv K=4 F=3\nrelu6\nconv K=2 F=3\n", encoding="utf-8")
    table = _ok(run_cli("verify", str(path)), "verify")
    row = next(line for line in table.splitlines() if "relu6" in line)
    assert "not run" in row
    assert "1 not run (relu6: no reference op" in table
    report = json.loads(_ok(run_cli("verify", "--json", str(path)), "verify --json"))
    assert report["ok"] is True
    by_kind = {layer["kind"]: layer for layer in report["layers"]}
    assert by_kind["relu6"]["receptive_field_check"] == "not run"
    assert by_kind["relu6"]["measured_spatial"] is None
    assert [layer["kind"] for layer in report["layers"]] == ["conv", "relu6", "conv"]


def test_kinds_lists_every_entry(run_cli: Callable[..., Any]) -> None:
    listed = json.dumps(json.loads(_ok(run_cli("kinds", "--json"), "kinds --json")))
    table = _ok(run_cli("kinds"), "kinds")
    for name in REGISTRY:
        assert f'"{name}"' in listed, name
        assert f"│ {name} " in table, name
