"""Every import/export error, triggered for real: one line, the right words, the right exit code."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import cnncalc
from cnncalc.arch.reader import parse
from cnncalc.errors import ModelError, UsageError
from cnncalc.export.keras import export_keras
from cnncalc.export.pytorch import export_pytorch
from cnncalc.importers.keras import import_keras


def keras_file(tmp_path: Path, layers: list[dict[str, Any]], shape: list[Any] | None = None) -> Path:
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, *(shape or [8, 8, 3])]}}, *layers
    ]}}  # fmt: skip
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input NxNx3\nconv K=2 F=3", "cannot export a network whose input size is symbolic"),
    ],
)
def test_pytorch_export_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        export_pytorch(parse(text, "t.arch"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input 8x8x4\ndeconv K=4 F=2 S=2 G=2", "line 2: Keras's transposed convolutions have no groups"),
        ("input 8x8x4\nmaxpool F=2 D=2", "line 2: Keras's pooling layers have no dilation"),
        ("input 4x8x8x4\ndwconv F=3", "line 2: Keras has no 3-D depthwise convolution"),
        ("input 5x5x4\nupsample size=7x7", "line 2: Keras upsamples only by whole factors"),
        ("input 8x8x4\nadaptiveavgpool 3", "line 2: Keras has no adaptive pooling; the output must divide the input"),
        ("input 8x8x4\npixelshuffle 2\npixelunshuffle 2\nshuffle G=2\nrelu", None),
    ],
)
def test_keras_export_errors(text: str, message: str | None) -> None:
    if message is None:
        export_keras(parse(text, "t.arch"))
        return
    with pytest.raises(UsageError, match=message):
        export_keras(parse(text, "t.arch"))


def test_keras_export_unknown_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    import cnncalc.export.keras as module

    arch = parse("input 8x8x4\nrelu", "t.arch")
    monkeypatch.delitem(module.ACTIVATIONS, "relu")
    with pytest.raises(UsageError, match="line 2: no Keras layer for 'relu'"):
        module.export_keras(arch)


def test_keras_import_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ModelError, match="' is not a Keras model configuration"):
        import_keras(str(bad))
    bad.write_text("{not json")
    with pytest.raises(ModelError, match="' is not a Keras model:"):
        import_keras(str(bad))
    dynamic = keras_file(tmp_path, [{"class_name": "ReLU", "config": {"name": "r"}}], [None, None, 3])
    with pytest.raises(UsageError, match=": the input's size is not fixed"):
        import_keras(str(dynamic))


def test_onnx_errors(tmp_path: Path, run_cli: Any) -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from cnncalc.importers.onnx import import_onnx

    def save(nodes: list[Any], inputs: list[Any], name: str) -> str:
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        graph = helper.make_graph(nodes, "g", inputs, [y])
        path = tmp_path / name
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
        return str(path)

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    dynamic = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])
    other = helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 3, 8, 8])
    relu = [helper.make_node("Relu", ["x"], ["y"])]
    with pytest.raises(ModelError, match="the model has 2 inputs; cnncalc imports networks with exactly one"):
        import_onnx(save([helper.make_node("Add", ["x", "z"], ["y"])], [x, other], "two.onnx"))
    with pytest.raises(UsageError, match=": the input's size is dynamic"):
        import_onnx(save(relu, [dynamic], "dynamic.onnx"))
    assert "input 16x16x3" in import_onnx(save(relu, [dynamic], "d.onnx"), input_dims="16x16x3").text
    with pytest.raises(UsageError, match="--input '16x3' has 2 dims; the model's input has 3"):
        import_onnx(save(relu, [dynamic], "d2.onnx"), input_dims="16x3")
    with pytest.raises(UsageError, match="--input 'axb': numbers joined by 'x' expected"):
        import_onnx(save(relu, [dynamic], "d3.onnx"), input_dims="axb")
    constant = helper.make_node("Constant", [], ["y"], value=helper.make_tensor("c", TensorProto.FLOAT, [1], [1.0]))
    with pytest.raises(ModelError, match=": the graph's output does not depend on its input"):
        import_onnx(save([constant], [x], "const.onnx"))
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\xff\x00not a protobuf")
    with pytest.raises(ModelError, match="' is not an ONNX model:"):
        import_onnx(str(junk))
    with pytest.raises(ModelError, match=r"Relu|Conv|operator"):
        import_onnx(save([helper.make_node("Conv", ["x", "x"], ["y"])], [x], "conv.onnx"))


def test_missing_extra_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.importers import import_model

    # without the extra: onnx missing (and, on a bare machine, numpy too, which the reader imports)
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(UsageError, match="importing this needs the 'onnx' package, which is not installed"):
        import_model("m.onnx")


def test_unknown_source_kind() -> None:
    from cnncalc.importers import import_model

    with pytest.raises(UsageError, match=r"cannot tell what kind of model 'm\.h5'"):
        import_model("m.h5")


@pytest.mark.parametrize(
    ("spec", "dims", "message", "kind"),
    [
        ("torch.nn", "8x8x3", ": expected torch:package.module:callable", UsageError),
        ("no_such_package_x:f", "8x8x3", ": cannot import no_such_package_x", UsageError),
        ("torch.nn:nothing_here", "8x8x3", "torch.nn has no callable nothing_here", UsageError),
        ("tests.importers.tiny_models:tiny", "8xax3", "--input '8xax3': numbers joined by 'x' expected", UsageError),
        ("tests.importers.tiny_models:tiny", "0x8x3", "--input '0x8x3': sizes must be positive", UsageError),
        ("tests.importers.tiny_models:tiny", None, "importing a PyTorch model needs --input DIMS", UsageError),
        ("tests.importers.tiny_models:not_a_module", "8x8x3", "is a int, not a torch.nn.Module", ModelError),
        ("tests.importers.tiny_models:tiny", "8x8", "tiny: the model does not run on a 8x8 input:", UsageError),
        ("tests.importers.fx_models:Conv1d3d", "8x8x3", r"calling Conv1d3d\(\) failed: TypeError: ", UsageError),
    ],
)
def test_torch_import_errors(spec: str, dims: str | None, message: str, kind: type[Exception]) -> None:
    pytest.importorskip("torch")
    from cnncalc.importers.torch_module import import_torch

    with pytest.raises(kind, match=message) as raised:
        import_torch(spec, input_dims=dims)
    assert type(raised.value) is kind


def test_api_errors() -> None:
    with pytest.raises(UsageError, match=re.escape("input_size (3,): expected (batch, channels, ...)")):
        cnncalc.from_torch(object(), (3,))
    with pytest.raises(
        UsageError, match=re.escape("a PyTorch module needs input_size=(1, 3, 224, 224) or input='224x224x3'")
    ):
        cnncalc.summary(object())


def test_to_pandas_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError, match=re.escape("to_pandas() needs pandas, which is not installed")):
        cnncalc.summary("zoo:lenet5").to_pandas()
