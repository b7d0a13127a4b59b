"""``summary --json`` encodes its layers without building their objects (the 100,000-layer case):
the text must be exactly what encoding the objects gives, for every kind of row."""

from __future__ import annotations

import json

import pytest

import cnncalc
from cnncalc.analysis import Report
from cnncalc.render.json_report import dumps, layer_json, summary_json

TEXTS = {
    "labels, merges, warnings": (
        "input 3x32x32\nx: conv K=4 F=3 P=1\nrelu\ndead: conv K=4 F=1\ny: conv K=4 F=1 from=x\nadd x\n"
        "concat y\nslice channels=0:4\nmul x\nblock head {\n  repeat 2 {\n    conv K=4 F=3 S=2 P=same\n  }\n}\ngap\nfc 10\n"
    ),
    "symbolic": "input NxMx3\nconv K=8 F=3 S=2\nmaxpool F=2 ceil\ndeconv K=2 F=2 S=2\nfc 10\n",
    "flat": "input 784\nfc 100\nrelu\ndropout\nfc 10\nsoftmax\n",
}


def _reports() -> list[Report]:
    reports = [cnncalc.analyze(cnncalc.parse(text, "m.arch")) for text in TEXTS.values()]
    for target in ("zoo:resnet50", "zoo:efficientnet_b0", "zoo:googlenet", "zoo:deeplabv3_mobilenet_v3_large"):
        reports.append(cnncalc.analyze(cnncalc.load(target)))
    reports.append(cnncalc.analyze(cnncalc.load("zoo:resnet18", input="NxNx3")))
    return reports


@pytest.mark.parametrize("report", _reports(), ids=[*TEXTS, "resnet50", "effnet", "googlenet", "deeplab", "sym"])
def test_encoded_layers_are_the_encoded_objects(report: Report) -> None:
    assert dumps(summary_json(report, encoded=True)) == dumps(summary_json(report))
    encoded = summary_json(report, encoded=True)["layers"]
    assert [json.loads(text) for text in encoded] == [layer_json(row) for row in report.rows]


def test_converted_counts_and_restated_symbols() -> None:
    """Reports whose counts (``--convention``) or sizes (``--assume``) were replaced after the analysis."""
    from cnncalc.assume import parse_assumptions, restate
    from cnncalc.conventions import as_report, count, get

    base = cnncalc.analyze(cnncalc.load("zoo:resnet50"))
    converted = as_report(base, count(base, get("keras")))
    arch = cnncalc.load("zoo:resnet18", input="NxNx3")
    progressions = parse_assumptions(["N % 32 == 0"], ["N"])
    restated = restate(cnncalc.analyze(arch, progressions), progressions)
    for report in (converted, restated):
        assert dumps(summary_json(report, encoded=True)) == dumps(summary_json(report))
