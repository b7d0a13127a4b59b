"""The receptive-field JSON names each layer's block path exactly as the summary JSON does."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def test_receptive_field_rows_carry_the_summary_block_path(run_cli: Callable[..., Any]) -> None:
    for target in ("zoo:resnet18", "examples/residual_block.arch"):
        summary = json.loads(run_cli("summary", target, "--json").stdout)["layers"]
        field = json.loads(run_cli("receptive-field", target, "--json").stdout)["layers"]
        assert [row["block"] for row in field] == [row["block"] for row in summary]
        assert any(row["block"] for row in field)  # the files do use blocks


def test_repeat_bodies_give_their_index() -> None:
    import cnncalc
    from cnncalc.render.json_report import receptive_json

    report = cnncalc.analyze(
        cnncalc.parse("input 8x8x1\nblock stem {\n  repeat 2 {\n    conv K=1 F=3 P=1\n  }\n}\n", "m")
    )
    assert [row["block"] for row in receptive_json(report)["layers"]] == [["stem", "0"], ["stem", "1"]]
