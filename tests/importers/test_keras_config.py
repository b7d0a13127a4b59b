"""The Keras importer reads the archive with zipfile and json only: no Keras needed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from cnncalc.analysis import analyze
from cnncalc.arch.reader import parse
from cnncalc.importers.keras import import_keras


def test_reads_without_keras(tmp_path: Path) -> None:
    """The archive is read with zipfile and json only: a hand-made config imports the same way."""
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "tiny",
            "layers": [
                {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 28, 28, 1]}},
                {
                    "class_name": "Conv2D",
                    "config": {"name": "c", "filters": 4, "kernel_size": [3, 3], "activation": "relu"},
                },
                {"class_name": "Flatten", "config": {"name": "f"}},
                {"class_name": "Dense", "config": {"name": "d", "units": 10}},
            ],
        },
    }
    path = tmp_path / "tiny.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
    totals = analyze(parse(import_keras(str(path)).text, "t.arch")).totals
    assert totals.trainable_params == (9 + 1) * 4 + (26 * 26 * 4 + 1) * 10


def test_cli_imports_keras(run_cli: Any, tmp_path: Path) -> None:
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, None, None, 3]}},
        {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3], "padding": "same"}},
    ]}}  # fmt: skip
    path = tmp_path / "dynamic.json"
    path.write_text(json.dumps(config))
    result = run_cli("import", str(path))
    assert result.exit_code == 2 and "--input" in result.stderr
    result = run_cli("import", str(path), "--input", "8x8x3")
    assert result.exit_code == 0, result.output
    assert "conv K=4 F=3 P=same" in result.stdout
