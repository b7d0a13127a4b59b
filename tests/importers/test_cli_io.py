"""The import and export commands: files written, errors as one line with the right exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.reader import parse
from cnncalc.arch.source import load


def test_export_writes_a_module(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "lenet.py"
    result = run_cli("export", "zoo:lenet5", "--to", "pytorch", "-o", str(out))
    assert result.exit_code == 0, result.output
    source = out.read_text()
    assert "class Lenet5(nn.Module):" in source
    assert "INPUT_SIZE = (1, 32, 32)" in source


def test_export_unknown_target(run_cli: Any) -> None:
    result = run_cli("export", "zoo:lenet5", "--to", "caffe")
    assert result.exit_code == 2
    assert "--to 'caffe': unknown target" in result.stderr


def test_export_symbolic_input(run_cli: Any) -> None:
    result = run_cli("export", "-", stdin="input NxNx3\nconv K=4 F=3\n")
    assert result.exit_code == 2
    assert "symbolic" in result.stderr and "--input" in result.stderr


def test_import_unknown_kind(run_cli: Any) -> None:
    result = run_cli("import", "model.h5")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot tell what kind of model")


def test_import_needs_the_onnx_extra(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    result = run_cli("import", "model.onnx")
    assert result.exit_code == 2
    assert "pip install 'cnncalc[onnx]'" in result.stderr


def test_import_torch_needs_input(run_cli: Any) -> None:
    result = run_cli("import", "torch:tests.importers.tiny_models:tiny")
    assert result.exit_code == 2
    assert "--input" in result.stderr


def test_import_torch_not_a_module(run_cli: Any) -> None:
    pytest.importorskip("torch")
    result = run_cli("import", "torch:tests.importers.tiny_models:not_a_module", "--input", "8x8x3")
    assert result.exit_code == 1  # the callable ran; what it returned is not a model: exit 1
    assert "not a torch.nn.Module" in result.stderr


def test_import_torch_factory_that_fails(run_cli: Any) -> None:
    pytest.importorskip("torch")
    result = run_cli("import", "torch:tests.importers.fx_models:Conv1d3d", "--input", "8x8x3")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "error: torch:tests.importers.fx_models:Conv1d3d: calling Conv1d3d() failed: TypeError: "
    )
    assert result.stderr.count("\n") == 1


def test_import_torch_cli(run_cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "tiny.arch"
    result = run_cli("import", "torch:tests.importers.tiny_models:tiny", "--input", "32x32x3", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert analyze(load(str(out))).totals.output_shape.as_list() == [10]


def test_import_onnx_cli_and_unsupported(run_cli: Any, tmp_path: Path) -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="act"),
        helper.make_node("Cos", ["r"], ["c"], name="weird1"),
        helper.make_node("Sin", ["c"], ["y"], name="weird2"),
    ]
    model = helper.make_model(helper.make_graph(nodes, "g", [x], [y]), opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    result = run_cli("import", str(path))
    assert result.exit_code == 1
    assert "2 operator(s) have no .arch equivalent: weird1 (Cos, node 2); weird2 (Sin, node 3)" in result.stderr
    result = run_cli("import", str(path), "--lenient")
    assert result.exit_code == 0, result.output
    assert "warning: weird1 (Cos, node 2) imported as identity" in result.stderr
    arch = parse(result.stdout, "lenient.arch")
    assert [layer.kind for layer in arch.body] == ["relu", "identity", "identity"]  # type: ignore[union-attr]
