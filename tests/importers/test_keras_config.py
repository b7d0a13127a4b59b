"""The Keras importer reads the archive with zipfile and json only: no Keras needed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.reader import parse
from cnncalc.errors import ArchError
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


def _conv(name: str, source: str, node: int = 0, filters: int = 4) -> dict[str, Any]:
    tensor = {
        "class_name": "__keras_tensor__",
        "config": {"shape": [None, 8, 8, 4], "keras_history": [source, node, 0]},
    }
    return {"class_name": "Conv2D", "config": {"name": name, "filters": filters, "kernel_size": [1, 1]},
            "name": name, "inbound_nodes": [{"args": [tensor], "kwargs": {}}]}  # fmt: skip


def _save(tmp_path: Path, config: dict[str, Any]) -> str:
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
    return str(path)


def test_a_nested_sequential_is_inlined_with_its_name(tmp_path: Path) -> None:
    inner = {"class_name": "Sequential", "config": {"name": "inner", "layers": [
        {"class_name": "Conv2D", "config": {"name": "a", "filters": 4, "kernel_size": [3, 3], "padding": "same"}},
        {"class_name": "ReLU", "config": {"name": "r"}},
    ]}}  # fmt: skip
    config = {"class_name": "Sequential", "config": {"name": "outer", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 3]}}, inner, inner,
    ]}}  # fmt: skip
    # the same nested model listed twice in a Sequential is two separate models in Keras's config (own weights)
    text = import_keras(_save(tmp_path, config)).text
    assert "# inner/a … inner/a" in text and "# inner/r … inner/r" in text  # one repeat 2 { ... }
    assert analyze(parse(text, "n.arch")).totals.trainable_params == (27 + 1) * 4 + (36 + 1) * 4


def test_a_layer_with_weights_called_twice_is_refused(tmp_path: Path) -> None:
    shared = _conv("shared", "in")
    shared["inbound_nodes"].append(_conv("x", "shared")["inbound_nodes"][0])
    config = {"class_name": "Functional", "config": {"name": "f", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 4]}, "name": "in",
         "inbound_nodes": []}, shared,
    ], "input_layers": ["in", 0, 0], "output_layers": ["shared", 1, 0]}}  # fmt: skip
    with pytest.raises(
        ArchError,
        match=r"shared \(Conv2D, node 1: called at 2 places with shared weights; a \.arch line owns its parameters, so shared weights cannot be written without counting them once per call\)",
    ):
        import_keras(_save(tmp_path, config))


def test_calls_are_taken_in_dependency_order(tmp_path: Path) -> None:
    """A layer listed before the one it reads (Keras lists layers, not calls) still reads its output."""
    config = {"class_name": "Functional", "config": {"name": "f", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 4]}, "name": "in",
         "inbound_nodes": []}, _conv("second", "first", filters=2), _conv("first", "in"),
    ], "input_layers": [["in", 0, 0]], "output_layers": [["second", 0, 0]]}}  # fmt: skip
    text = import_keras(_save(tmp_path, config)).text
    assert text.index("# first") < text.index("# second")
    assert analyze(parse(text, "n.arch")).totals.output_shape.as_list() == [8, 8, 2]


def test_a_call_reading_a_tensor_no_layer_produces_is_refused(run_cli: Any, tmp_path: Path) -> None:
    config = {"class_name": "Functional", "config": {"name": "f", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 4]}, "name": "in",
         "inbound_nodes": []}, _conv("c", "ghost"),
    ], "input_layers": [["in", 0, 0]], "output_layers": [["c", 0, 0]]}}  # fmt: skip
    result = run_cli("import", _save(tmp_path, config))
    assert result.exit_code == 1  # the model's content, not the command line
    assert result.stdout == ""
    assert result.stderr == "error: the Keras graph reads tensors no layer produces (at c)\n"


def test_a_reshape_after_global_pooling_keeps_the_pooled_tensor(tmp_path: Path) -> None:
    config = {"class_name": "Sequential", "config": {"name": "se", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 4]}},
        {"class_name": "GlobalAveragePooling2D", "config": {"name": "g"}},
        {"class_name": "Reshape", "config": {"name": "r", "target_shape": [1, 1, 4]},
         "build_config": {"input_shape": [None, 4]}},
        {"class_name": "Dense", "config": {"name": "d", "units": 2}},
    ]}}  # fmt: skip
    text = import_keras(_save(tmp_path, config)).text
    assert "conv K=2 F=1" in text  # Dense on 1 x 1 x C acts per position
    assert analyze(parse(text, "se.arch")).totals.output_shape.as_list() == [1, 1, 2]
    del config["config"]["layers"][2]["build_config"]  # type: ignore[index]
    with pytest.raises(ArchError, match="the input's shape is not recorded"):
        import_keras(_save(tmp_path, config))  # no shape anywhere: refused, not guessed
