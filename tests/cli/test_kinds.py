"""``cnncalc kinds``: every registry entry listed, read from the entries themselves."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from cnncalc.arch.values import KEY_SPELLINGS, KEYS
from cnncalc.layers import REGISTRY


def _kinds(run_cli: Callable[..., Any]) -> dict[str, Any]:
    result = run_cli("kinds", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_the_json_lists_every_registry_entry_in_order(run_cli: Callable[..., Any]) -> None:
    document = _kinds(run_cli)
    assert document["schema"] == "cnncalc.kinds/1"
    assert [kind["name"] for kind in document["kinds"]] == list(REGISTRY)
    for entry, kind in zip(REGISTRY.values(), document["kinds"], strict=True):
        assert kind["aliases"] == list(entry.aliases)
        assert kind["summary"] == entry.summary
        assert {key["name"] for key in kind["keys"]} == set(entry.keys | entry.required)
        assert {key["name"] for key in kind["keys"] if key["required"]} == set(entry.required)
        assert kind["flags"] == sorted(entry.flags)
        assert kind["positional"] == (None if entry.positional == "none" else entry.positional)
        assert kind["example"] == entry.example.strip().splitlines()[-1].strip()
        assert kind["example_lines"][-1] == kind["example"]
        assert kind["example_input"] == entry.example_input


def test_keys_carry_their_long_names(run_cli: Callable[..., Any]) -> None:
    for kind in _kinds(run_cli)["kinds"]:
        for key in kind["keys"]:
            definition = KEY_SPELLINGS.get(key["name"])
            spellings = {definition.name, definition.alias} - {None, key["name"]} if definition else set()
            assert key["alias"] == (spellings.pop() if spellings else None), (kind["name"], key)
    conv = next(kind for kind in _kinds(run_cli)["kinds"] if kind["name"] == "conv")
    assert {"name": "K", "alias": "filters", "required": True, "default": None} in conv["keys"]
    assert {"name": "F", "alias": "kernel", "required": True, "default": None} in conv["keys"]
    assert {"name": "S", "alias": "stride", "required": False, "default": "1"} in conv["keys"]


def test_every_listed_example_parses_and_analyses(run_cli: Callable[..., Any]) -> None:
    for kind in _kinds(run_cli)["kinds"]:
        text = f"input {kind['example_input']}\n" + "\n".join(kind["example_lines"]) + "\n"
        result = run_cli("summary", "-", "--json", stdin=text)
        assert result.exit_code == 0, (kind["name"], result.stderr)
        assert json.loads(result.stdout)["layers"][-1]["kind"] == kind["name"]


def test_the_table_has_a_row_per_kind(run_cli: Callable[..., Any]) -> None:
    result = run_cli("kinds")
    assert result.exit_code == 0, result.output
    first_cells = {line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│")}
    assert set(REGISTRY) <= first_cells
    assert "K/filters*" in result.stdout and "[ceil]" in result.stdout and "<units>" in result.stdout


def test_a_new_registry_entry_appears_without_touching_the_command(
    run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command reads the entries generically: a kind added to the registry is listed as it is."""
    new = dataclasses.replace(
        REGISTRY["conv"],
        name="zzconv",
        aliases=("zz",),
        keys=frozenset({"K", "F", "OP", "brandnew"}),
        required=frozenset({"K"}),
        flags=frozenset({"ceil"}),
        example="x: relu\nzzconv K=2 F=3",
    )
    monkeypatch.setitem(REGISTRY, "zzconv", new)
    listed = _kinds(run_cli)["kinds"][-1]
    assert listed["name"] == "zzconv" and listed["aliases"] == ["zz"]
    in_key_table_order = [key.name for key in KEYS if key.name in {"K", "F", "OP"}]
    assert [key["name"] for key in listed["keys"]] == [*in_key_table_order, "brandnew"]
    assert {"name": "OP", "alias": "output_padding", "required": False, "default": None} in listed["keys"]
    assert {"name": "K", "alias": "filters", "required": True, "default": None} in listed["keys"]
    assert {"name": "brandnew", "alias": None, "required": False, "default": None} in listed["keys"]
    assert listed["flags"] == ["ceil"]
    assert listed["example"] == "zzconv K=2 F=3" and listed["example_lines"] == ["x: relu", "zzconv K=2 F=3"]
    assert "zzconv" in run_cli("kinds").stdout


def test_the_json_path_does_not_import_rich() -> None:
    code = (
        "import sys; from cnncalc.cli import main\nsys.argv = ['cnncalc', 'kinds', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules, 'sympy' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["schema"] == "cnncalc.kinds/1"
    assert done.stderr.split() == ["False", "False"]
