"""Fixtures of the schema tests: the input files the course commands read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Input files of the course commands."""
    written = {
        "boxes_csv": (
            "boxes.csv",
            "x1,y1,x2,y2,score,class\n0,0,2,2,0.9,cat\n1,0,3,2,0.8,cat\n5,5,6,6,0.5,dog\n"
            "5,5,6,7,0.75,dog\n0,0,2,2,0.6,dog\n",
        ),
        "boxes_json": (
            "boxes.json",
            json.dumps(
                [
                    {"box": [0, 0, 10, 10], "score": 0.95, "class": 1},
                    {"box": [1, 1, 11, 11], "score": 0.9, "class": 1},
                    {"box": [1, 1, 11, 11], "score": 0.9},
                    {"box": [20, 20, 30, 30], "score": 0.3, "class": 2},
                ]
            ),
        ),
        "boxes_cxcywh": ("boxes_c.csv", "cx,cy,w,h,score\n1,1,2,2,0.9\n1.5,1,2,2,0.7\n"),
        "volume": ("style.json", json.dumps([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])),
        "generated": ("generated.json", json.dumps([[[0, 1], [1, 0.5]], [[2, 0], [1, 1]]])),
        "volume_text": ("style.txt", "1 2\n3 4\n\n5 6\n7 8\n"),
    }
    out = {}
    for key, (name, text) in written.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out[key] = str(path)
    return out
