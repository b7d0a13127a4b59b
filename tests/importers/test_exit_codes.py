"""``cnncalc import`` on real bad models: the model's content is exit 1, the command line exit 2.

Each case runs the CLI on a model built here (``onnx.helper``, a Keras configuration or a saved
Keras model, a PyTorch module written to a file and named as ``torch:module:callable``) and
checks the whole result: the exit code, nothing on stdout, exactly one line on stderr.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def check(result: Any, code: int, line: str) -> None:
    """``line`` is the whole stderr line, or its start when it ends with ``…``."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    if line.endswith("…"):
        assert result.stderr.startswith(line[:-1]), result.stderr
    else:
        assert result.stderr == line + "\n"


# -- ONNX --------------------------------------------------------------------------------------


def onnx_model(folder: Path, name: str, nodes: list[Any], inputs: list[Any], **graph: Any) -> str:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    output = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    model = helper.make_model(
        helper.make_graph(nodes, "g", inputs, [output], **graph), opset_imports=[helper.make_opsetid("", 17)]
    )
    path = folder / name
    onnx.save(model, str(path))
    return str(path)


def _onnx_two_inputs(folder: Path) -> list[str]:
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    z = helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 3, 8, 8])
    return [onnx_model(folder, "two.onnx", [helper.make_node("Add", ["x", "z"], ["y"])], [x, z])]


def _onnx_unsupported(folder: Path) -> list[str]:
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="act"), helper.make_node("Cos", ["r"], ["y"], name="cos")]
    return [onnx_model(folder, "cos.onnx", nodes, [x])]


def _onnx_constant_output(folder: Path) -> list[str]:
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    value = helper.make_tensor("c", TensorProto.FLOAT, [1], [1.0])
    return [onnx_model(folder, "const.onnx", [helper.make_node("Constant", [], ["y"], value=value)], [x])]


def _not_onnx(folder: Path) -> list[str]:
    pytest.importorskip("onnx")
    path = folder / "lenet5.onnx"  # an .arch file renamed: it exists, its content is not a model
    path.write_text("input 32x32x1\nconv K=6 F=5\n")
    return [str(path)]


def _onnx_dynamic(folder: Path, *given: str) -> list[str]:
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])
    return [onnx_model(folder, "dynamic.onnx", [helper.make_node("Relu", ["x"], ["y"])], [x]), *given]


ONNX_CASES: list[tuple[str, Callable[[Path], list[str]], int, str]] = [
    (
        "two inputs",
        _onnx_two_inputs,
        1,
        "error: the model has 2 inputs; cnncalc imports networks with exactly one",
    ),
    (
        "unsupported operator",
        _onnx_unsupported,
        1,
        "error: {dir}/cos.onnx: 1 operator(s) have no .arch equivalent: cos (Cos, node 2) "
        "(hint: 'cnncalc import --lenient' maps parameter-free, shape-preserving ones to identity)",
    ),
    (
        "output without input",
        _onnx_constant_output,
        1,
        "error: {dir}/const.onnx: the graph's output does not depend on its input",
    ),
    ("not an ONNX model", _not_onnx, 1, "error: '{dir}/lenet5.onnx' is not an ONNX model: …"),
    (
        "dynamic input, no --input",
        _onnx_dynamic,
        2,
        "error: {dir}/dynamic.onnx: the input's size is dynamic (hint: give it channels-last with --input, e.g. 224x224x3)",
    ),
    (
        "--input not numbers",
        lambda d: _onnx_dynamic(d, "--input", "NxNx3"),
        2,
        "error: --input 'NxNx3': numbers joined by 'x' expected",
    ),
    (
        "--input zero",
        lambda d: _onnx_dynamic(d, "--input", "0x8x3"),
        2,
        "error: --input '0x8x3': sizes must be positive",
    ),
    (
        "--input of another rank",
        lambda d: _onnx_dynamic(d, "--input", "8x3"),
        2,
        "error: --input '8x3' has 2 dims; the model's input has 3",
    ),
    (
        "missing file",
        lambda d: [str(d / "missing.onnx")],
        2,
        "error: cannot read '{dir}/missing.onnx': No such file or directory",
    ),
]


@pytest.mark.parametrize(("case", "build", "code", "line"), ONNX_CASES, ids=[c[0] for c in ONNX_CASES])
def test_onnx(
    run_cli: Any, tmp_path: Path, case: str, build: Callable[[Path], list[str]], code: int, line: str
) -> None:
    pytest.importorskip("onnx")
    check(run_cli("import", *build(tmp_path)), code, line.format(dir=tmp_path))


def test_onnx_missing_extra(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    check(
        run_cli("import", "model.onnx"),
        2,
        "error: importing this needs the 'onnx' package, which is not installed (hint: pip install 'cnncalc[onnx]')",
    )


def test_unknown_kind_of_source(run_cli: Any) -> None:
    check(
        run_cli("import", "model.h5"),
        2,
        "error: cannot tell what kind of model 'model.h5' is "
        "(hint: cnncalc imports model.onnx, model.keras (or a Keras to_json() .json) and torch:package.module:callable)",
    )


# -- Keras (the configuration is read with the standard library: no Keras needed) ---------------------


def _input_layer(name: str, shape: list[Any]) -> dict[str, Any]:
    return {"class_name": "InputLayer", "name": name, "config": {"name": name, "batch_shape": [None, *shape]},
            "inbound_nodes": []}  # fmt: skip


def _call(class_name: str, name: str, sources: list[str], **config: Any) -> dict[str, Any]:
    tensors = [{"class_name": "__keras_tensor__", "config": {"shape": [None, 8, 8, 3], "keras_history": [s, 0, 0]}}
               for s in sources]  # fmt: skip
    args = tensors if len(tensors) == 1 else [tensors]
    return {"class_name": class_name, "name": name, "config": {"name": name, **config},
            "inbound_nodes": [{"args": args, "kwargs": {}}]}  # fmt: skip


def keras_file(folder: Path, name: str, layers: list[dict[str, Any]], inputs: list[str], output: str) -> str:
    """A functional model's configuration in a ``.keras`` archive, as Keras 3 writes it."""
    config = {"class_name": "Functional", "config": {"name": "m", "layers": layers,
              "input_layers": [[i, 0, 0] for i in inputs], "output_layers": [[output, 0, 0]]}}  # fmt: skip
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
    return str(path)


def _keras_two_inputs(folder: Path) -> list[str]:
    layers = [_input_layer("a", [8, 8, 3]), _input_layer("b", [8, 8, 3]), _call("Add", "add", ["a", "b"])]
    return [keras_file(folder, "two.keras", layers, ["a", "b"], "add")]


def _keras_dangling(folder: Path) -> list[str]:
    layers = [_input_layer("in", [8, 8, 3]), _call("ReLU", "r", ["ghost"])]
    return [keras_file(folder, "dangling.keras", layers, ["in"], "r")]


def _keras_lambda(folder: Path) -> list[str]:
    layers = [_input_layer("in", [8, 8, 3]), _call("Lambda", "code", ["in"])]
    return [keras_file(folder, "lambda.keras", layers, ["in"], "code")]


def _keras_dynamic(folder: Path, *given: str) -> list[str]:
    layers = [_input_layer("in", [None, None, 3]), _call("ReLU", "r", ["in"])]
    return [keras_file(folder, "dynamic.keras", layers, ["in"], "r"), *given]


def _zip_without_config(folder: Path) -> list[str]:
    path = folder / "empty.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.weights.h5", b"")
    return [str(path)]


def _json_list(folder: Path) -> list[str]:
    path = folder / "list.json"
    path.write_text("[1, 2]")
    return [str(path)]


KERAS_CASES: list[tuple[str, Callable[[Path], list[str]], int, str]] = [
    ("two inputs", _keras_two_inputs, 1, "error: the model has 2 inputs; cnncalc imports networks with exactly one"),
    ("tensor no layer produces", _keras_dangling, 1, "error: the Keras graph reads tensors no layer produces (at r)"),
    (
        "unsupported layer",
        _keras_lambda,
        1,
        "error: {dir}/lambda.keras: 1 operator(s) have no .arch equivalent: code (Lambda, node 1: a Lambda layer runs "
        "arbitrary Python code, which cnncalc does not read) "
        "(hint: 'cnncalc import --lenient' maps parameter-free, shape-preserving ones to identity)",
    ),
    (
        "archive without a configuration",
        _zip_without_config,
        1,
        "error: '{dir}/empty.keras' is not a Keras model: \"There is no item named 'config.json' in the archive\"",
    ),
    ("JSON that is not a model", _json_list, 1, "error: '{dir}/list.json' is not a Keras model configuration"),
    (
        "dynamic input, no --input",
        _keras_dynamic,
        2,
        "error: {dir}/dynamic.keras: the input's size is not fixed (hint: give it with --input, e.g. 224x224x3)",
    ),
    (
        "--input zero",
        lambda d: _keras_dynamic(d, "--input", "0x8x3"),
        2,
        "error: --input '0x8x3': input size must be at least 1, got 0",
    ),
    (
        "--input symbolic channels",
        lambda d: _keras_dynamic(d, "--input", "8x8xC"),
        2,
        "error: --input '8x8xC': the channel count must be a number, got 'C' "
        "(hint: the last dim is the channel count; only spatial dims may be symbols)",
    ),
    (
        "--input of another rank",
        lambda d: _keras_dynamic(d, "--input", "8x3"),
        2,
        "error: --input '8x3' has 2 dims; the model's input has 3",
    ),
    (
        "missing file",
        lambda d: [str(d / "missing.keras")],
        2,
        "error: cannot read '{dir}/missing.keras': No such file or directory",
    ),
]


@pytest.mark.parametrize(("case", "build", "code", "line"), KERAS_CASES, ids=[c[0] for c in KERAS_CASES])
def test_keras(
    run_cli: Any, tmp_path: Path, case: str, build: Callable[[Path], list[str]], code: int, line: str
) -> None:
    check(run_cli("import", *build(tmp_path)), code, line.format(dir=tmp_path))


def test_keras_input_fixes_a_dynamic_size(run_cli: Any, tmp_path: Path) -> None:
    """The counterpart of the --input errors: a well-formed --input (symbols allowed, as in a .arch) imports."""
    result = run_cli("import", *_keras_dynamic(tmp_path, "--input", "NxNx3"))
    assert result.exit_code == 0, result.output
    assert "\ninput NxNx3\nrelu" in result.stdout


@pytest.mark.slow  # importing keras takes seconds
def test_keras_saved_two_input_model(run_cli: Any, tmp_path: Path) -> None:
    """A two-input model saved by Keras itself (torch backend) is refused for its content: exit 1."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    a, b = keras.Input((8, 8, 3), name="a"), keras.Input((8, 8, 3), name="b")
    model = keras.Model([a, b], keras.layers.Conv2D(4, 3)(keras.layers.Add()([a, b])))
    path = tmp_path / "two.keras"
    model.save(str(path))
    check(run_cli("import", str(path)), 1, "error: the model has 2 inputs; cnncalc imports networks with exactly one")


# -- PyTorch (a module written here, imported by the CLI from torch:module:callable) ----------------------

TORCH_MODELS = """
import torch
from torch import nn


class Roll(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return torch.roll(self.conv(x), 1, dims=2)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x, y):
        return self.conv(x) + self.conv(y)


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        return self.conv(x) if x.sum() > 0 else x


class Constant(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(3))

    def forward(self, x):
        return self.weight


class NeedsArguments(nn.Module):
    def __init__(self, channels):
        super().__init__()


def three():
    return 3
"""


@pytest.fixture
def torch_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of a module holding :data:`TORCH_MODELS`, importable for this test only."""
    pytest.importorskip("torch")
    name = f"bad_models_{tmp_path.name}"
    (tmp_path / f"{name}.py").write_text(TORCH_MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


TORCH_CASES: list[tuple[str, str, tuple[str, ...], int, str]] = [
    (
        "unsupported operator",
        "Roll",
        ("--input", "8x8x3"),
        1,
        "error: torch:{m}:Roll: 1 operator(s) have no .arch equivalent: roll (call_function torch.roll, node 3) "
        "(hint: 'cnncalc import --lenient' maps parameter-free, shape-preserving ones to identity)",
    ),
    (
        "two inputs",
        "TwoInputs",
        ("--input", "8x8x3"),
        1,
        "error: torch:{m}:TwoInputs: forward takes several inputs; cnncalc imports networks with one",
    ),
    (
        "data-dependent control flow",
        "Branches",
        ("--input", "8x8x3"),
        1,
        "error: torch:{m}:Branches: torch.fx cannot trace the model (TraceError: …",
    ),
    (
        "output not computed from the input",
        "Constant",
        ("--input", "8x8x3"),
        1,
        "error: torch:{m}:Constant: the forward pass returns no tensor computed from its input",
    ),
    ("not a module", "three", ("--input", "8x8x3"), 1, "error: torch:{m}:three is a int, not a torch.nn.Module"),
    (
        "an --input the model does not run on",
        "Roll",
        ("--input", "2x2x3"),
        2,
        "error: torch:{m}:Roll: the model does not run on a 2x2x3 input: …",
    ),
    (
        "--input with other channels than the first conv's",
        "Roll",
        ("--input", "8x8x5"),
        2,
        "error: --input '8x8x5' has 5 channels; the model's input has 3 "
        "(hint: the input's sizes may change, its channels may not)",
    ),
    (
        "no --input",
        "Roll",
        (),
        2,
        "error: importing a PyTorch model needs --input DIMS (hint: e.g. --input 224x224x3)",
    ),
    ("--input zero", "Roll", ("--input", "0x8x3"), 2, "error: --input '0x8x3': sizes must be positive"),
    ("no such callable", "Missing", ("--input", "8x8x3"), 2, "error: torch:{m}:Missing: {m} has no callable Missing"),
    (
        "a callable that needs arguments",
        "NeedsArguments",
        ("--input", "8x8x3"),
        2,
        "error: torch:{m}:NeedsArguments: calling NeedsArguments() failed: TypeError: …",
    ),
]


@pytest.mark.parametrize(("case", "attribute", "options", "code", "line"), TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_torch(
    run_cli: Any, torch_models: str, case: str, attribute: str, options: tuple[str, ...], code: int, line: str
) -> None:
    check(run_cli("import", f"torch:{torch_models}:{attribute}", *options), code, line.format(m=torch_models))


def test_torch_module_that_cannot_be_found(run_cli: Any) -> None:
    pytest.importorskip("torch")
    check(
        run_cli("import", "torch:no_such_module_here:build", "--input", "8x8x3"),
        2,
        "error: torch:no_such_module_here:build: cannot import no_such_module_here: "
        "ModuleNotFoundError: No module named 'no_such_module_here'",
    )


def test_torch_missing_extra(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    check(
        run_cli("import", "torch:anything:build", "--input", "8x8x3"),
        2,
        "error: importing this needs the 'torch' package, which is not installed (hint: pip install 'cnncalc[torch]')",
    )
