"""Warnings a user needs: dead branches, merges that name their own input, an --input of another
rank, a channels-first input. Each is data (a code) worded in one place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cnncalc
from cnncalc.arch.source import load
from cnncalc.diagnostics import DEAD_OUTPUT, INPUT_CHANNELS_FIRST, INPUT_RANK, SELF_OPERAND
from tests.conftest import ROOT


def _codes(text: str) -> dict[int, list[str]]:
    report = cnncalc.analyze(cnncalc.parse(text, "w.arch"))
    return {row.index: [w.code for w in row.warnings] for row in report.rows if row.warnings}


def test_a_dead_branch_is_flagged_and_still_counted() -> None:
    text = "input 8x8x3\nx: conv K=4 F=3 P=1\nconv K=4 F=1\nconv K=4 F=3 P=1 from=x\n"
    assert _codes(text) == {2: [DEAD_OUTPUT]}
    report = cnncalc.analyze(cnncalc.parse(text, "w.arch"))
    assert report.totals.trainable_params == 112 + 20 + 148  # its params still count (by hand)


def test_used_outputs_are_not_flagged() -> None:
    inception = (ROOT / "examples/inception_module.arch").read_text()
    assert not any(DEAD_OUTPUT in codes for codes in _codes(inception).values())
    # a labelled branch used by name, and a layer flagged 'output' (an auxiliary head)
    assert _codes("input 8x8x3\nx: relu\nconv K=3 F=1 from=x\nadd x\n") == {}
    assert _codes("input 8x8x3\nx: relu\nfc 2 output\nrelu from=x\n") == {}


def test_add_naming_the_layer_just_before() -> None:
    assert _codes("input 8x8x3\ny: relu\nadd y\n") == {2: [SELF_OPERAND]}
    assert _codes("input 8x8x3\ny: relu\nconcat y\n") == {2: [SELF_OPERAND]}
    assert _codes("input 8x8x3\ny: relu\nrelu\nadd y\n") == {}


def test_input_of_another_rank(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "two_d.arch"
    path.write_text("input 16x16x3\nrelu\ngap\n")
    report = cnncalc.analyze(load(str(path), "6x6"))
    (warning,) = report.rows[0].warnings
    assert warning.code == INPUT_RANK and warning.value("suggestion") == "6x6x3"
    assert "did you mean 6x6x3?" in run_cli("summary", str(path), "--input", "6x6").stdout
    failing = run_cli("summary", "examples/lenet5.arch", "--input", "6x6")
    assert failing.exit_code == 1 and "did you mean 6x6x1?" in failing.stderr


def test_channels_first_input(run_cli: Callable[..., Any]) -> None:
    assert _codes("input 3x224x224\nrelu\n") == {1: [INPUT_CHANNELS_FIRST]}
    assert _codes("input 224x224x3\nrelu\n") == {}
    assert _codes("input 1x28x28\nrelu\n") == {1: [INPUT_CHANNELS_FIRST]}
    failing = run_cli("summary", "zoo:resnet18", "--input", "3x224x224")
    assert "did you mean 224x224x3?" in failing.stdout + failing.stderr
