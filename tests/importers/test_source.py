"""FILE may be a model: every command reads ``model.onnx``, ``model.keras``, a Keras ``to_json()`` file
and ``torch:package.module:callable`` as ``cnncalc import`` would, then analyses it.

Each model's ``summary --json`` is compared with ``cnncalc import MODEL -o m.arch`` followed by
``summary m.arch --json`` (the whole document), and its totals with numbers from outside cnncalc:
the ONNX initializers' sizes, Keras's own weight counts (Keras 3.15.1's, for
examples/keras_small_cnn.json), torch's ``numel()``, and torchvision's
published parameter count. Errors are one stderr line with the exit code docs/models.md lists.
"""

from __future__ import annotations

import json
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

import cnncalc
from cnncalc.errors import UsageError
from tests.conftest import ROOT

#: Keras 3.15.1's model.to_json() of a stem, a depthwise-separable residual block and a softmax head
KERAS_JSON = ROOT / "examples" / "keras_small_cnn.json"
#: what Keras 3.15.1 counted for it (trainable_weights, non_trainable_weights)
SMALL_CNN_KERAS = (1066, 32)


def check_error(result: Any, code: int, line: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr == line + "\n"


def summary(run_cli: Any, *args: str) -> dict[str, Any]:
    result = run_cli("summary", *args, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def imported_summary(run_cli: Any, folder: Path, model: str, *options: str) -> dict[str, Any]:
    """``cnncalc import MODEL -o m.arch`` then ``cnncalc summary m.arch --json``."""
    out = folder / "imported.arch"
    result = run_cli("import", model, *options, "-o", str(out))
    assert result.exit_code == 0, result.output
    return summary(run_cli, str(out))


def same_as_imported(run_cli: Any, folder: Path, model: str, *options: str) -> dict[str, Any]:
    document = summary(run_cli, model, *options)
    assert document == imported_summary(run_cli, folder, model, *options)
    return document


# -- ONNX ------------------------------------------------------------------------------------------


def onnx_cnn(folder: Path, name: str = "cnn.onnx", shape: tuple[Any, ...] = (1, 3, 16, 16)) -> str:
    """Conv (3 -> 8, 3x3, pads 1) + BatchNormalization + Relu + MaxPool + GlobalAveragePool + Flatten +
    Gemm (10), written with onnx.helper."""
    onnx = pytest.importorskip("onnx")
    np = pytest.importorskip("numpy")
    from onnx import TensorProto, helper, numpy_helper

    def weight(name: str, *dims: int) -> Any:
        return numpy_helper.from_array(np.zeros(dims, dtype=np.float32), name)

    initializers = [
        weight("w", 8, 3, 3, 3), weight("b", 8),
        weight("scale", 8), weight("shift", 8), weight("mean", 8), weight("var", 8),
        weight("fc_w", 10, 8), weight("fc_b", 10),
    ]  # fmt: skip
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["n"], name="bn"),
        helper.make_node("Relu", ["n"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
        helper.make_node("GlobalAveragePool", ["p"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], transB=1, name="fc"),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "cnn", [x], [y], initializer=initializers)
    path = folder / name
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return str(path)


def onnx_weights(path: str) -> tuple[int, int]:
    """(every initializer's size, the BatchNormalization statistics' sizes), read with onnx."""
    import onnx

    model = onnx.load(path)
    sizes = {t.name: int(onnx.numpy_helper.to_array(t).size) for t in model.graph.initializer}
    statistics = {name for node in model.graph.node if node.op_type == "BatchNormalization" for name in node.input[3:]}
    return sum(sizes.values()), sum(sizes[name] for name in statistics)


def test_onnx_summary_is_the_import_analysed(run_cli: Any, tmp_path: Path) -> None:
    model = onnx_cnn(tmp_path)
    totals = same_as_imported(run_cli, tmp_path, model)["totals"]
    assert (totals["total_params"], totals["non_trainable_params"]) == onnx_weights(model)
    assert totals["output_shape"] == [10]


def test_onnx_dynamic_sizes_come_from_input(run_cli: Any, tmp_path: Path) -> None:
    model = onnx_cnn(tmp_path, "dynamic.onnx", ("N", 3, "H", "W"))
    document = same_as_imported(run_cli, tmp_path, model, "--input", "24x20x3")
    assert document["input"] == [24, 20, 3]
    assert document["totals"]["total_params"] == onnx_weights(model)[0]


def test_onnx_fixed_sizes_may_change(run_cli: Any, tmp_path: Path) -> None:
    """--input changes the sizes a model fixes (a fully convolutional net's counts stay its weights)."""
    model = onnx_cnn(tmp_path)
    document = same_as_imported(run_cli, tmp_path, model, "--input", "32x32x3")
    assert document["layers"][0]["output_shape"] == [32, 32, 8]
    assert document["totals"]["total_params"] == onnx_weights(model)[0]


@pytest.mark.parametrize("command", ["receptive-field", "diagram", "verify", "explain", "sizes"])
def test_other_commands_read_a_model(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """Every FILE command reads the model; its output is the imported .arch's but for the name."""
    onnx_cnn(tmp_path)
    monkeypatch.chdir(tmp_path)  # short names, as long as each other: the tables line up alike
    model, out = "cnn.onnx", "cnn.arch"
    assert run_cli("import", model, "-o", out).exit_code == 0
    options = ("--range", "14:18") if command == "sizes" else ()
    if command == "verify":
        pytest.importorskip("torch")
    from_model = run_cli(command, model, *options)
    from_arch = run_cli(command, out, *options)
    assert from_model.exit_code == from_arch.exit_code == 0, from_model.output
    assert from_model.stdout.replace(model, "FILE") == from_arch.stdout.replace(out, "FILE")


def test_onnx_without_the_extra(run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    check_error(
        run_cli("summary", str(tmp_path / "m.onnx")),
        2,
        "error: importing this needs the 'onnx' package, which is not installed (hint: pip install 'cnncalc[onnx]')",
    )


def test_onnx_errors(run_cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    check_error(run_cli("summary", str(empty)), 1, f"error: '{empty}' is not an ONNX model: the file is empty")
    text = tmp_path / "text.onnx"
    text.write_text("input 8x8x3\nconv K=4 F=3\n")
    result = run_cli("receptive-field", str(text))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: '{text}' is not an ONNX model: ")
    model = onnx_cnn(tmp_path)
    check_error(
        run_cli("summary", model, "--input", "16x16x5"),
        2,
        "error: --input '16x16x5' has 5 channels; the model's input has 3 "
        "(hint: the input's sizes may change, its channels may not)",
    )
    check_error(
        run_cli("diagram", model, "--input", "16x3"), 2, "error: --input '16x3' has 2 dims; the model's input has 3"
    )
    dynamic = onnx_cnn(tmp_path, "dynamic.onnx", ("N", "C", "H", "W"))
    check_error(
        run_cli("summary", dynamic, "--input", "16x16x4"),  # the channels are dynamic; the conv's weights fix them
        2,
        "error: --input '16x16x4' has 4 channels; the model's input has 3 "
        "(hint: the input's sizes may change, its channels may not)",
    )
    check_error(
        run_cli("summary", dynamic),
        2,
        f"error: {dynamic}: the input's size is dynamic (hint: give it channels-last with --input, e.g. 224x224x3)",
    )
    check_error(
        run_cli("summary", str(tmp_path / "missing.onnx")),
        2,
        f"error: cannot read '{tmp_path}/missing.onnx': No such file or directory",
    )


@pytest.mark.slow  # torch.onnx.export of SqueezeNet takes ~5 s
def test_onnx_known_network(run_cli: Any, tmp_path: Path) -> None:
    from tests.torchvision_oracle import models, published, torch

    model = models.get_model("squeezenet1_0", weights=None).eval()
    path = tmp_path / "squeezenet.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(1, 3, 224, 224),), str(path), dynamo=False, do_constant_folding=False)
    totals = same_as_imported(run_cli, tmp_path, str(path))["totals"]
    assert totals["total_params"] == published("squeezenet1_0")[0] == 1_248_424


# -- Keras -----------------------------------------------------------------------------------------


def keras_archive(folder: Path, config: str) -> str:
    """A .keras archive holding ``config`` as its config.json (all the importer reads of it)."""
    path = folder / "small_cnn.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", config)
    return str(path)


@pytest.mark.parametrize("form", ["to_json", "archive"])
def test_keras_summary_is_the_import_analysed(run_cli: Any, tmp_path: Path, form: str) -> None:
    source = KERAS_JSON
    model = str(source) if form == "to_json" else keras_archive(tmp_path, source.read_text())
    totals = same_as_imported(run_cli, tmp_path, model)["totals"]
    assert (totals["trainable_params"], totals["non_trainable_params"]) == SMALL_CNN_KERAS
    assert totals["output_shape"] == [10]


def test_cnncalc_json_is_still_an_architecture(run_cli: Any) -> None:
    """A .json file without a top-level class_name is cnncalc's JSON form, as before."""
    from_json, from_text = summary(run_cli, "examples/lenet5.json"), summary(run_cli, "examples/lenet5.arch")
    assert from_json["totals"] == from_text["totals"]
    assert [row["kind"] for row in from_json["layers"]] == [row["kind"] for row in from_text["layers"]]


def test_keras_errors(run_cli: Any, tmp_path: Path) -> None:
    check_error(
        run_cli("summary", "examples/errors/two_inputs.json"),
        1,
        "error: the model has 2 inputs; cnncalc imports networks with exactly one",
    )
    bad = tmp_path / "bad.keras"
    bad.write_text("not a zip")
    result = run_cli("summary", str(bad))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: '{bad}' is not a Keras model: ")
    assert result.stderr.count("\n") == 1
    check_error(
        run_cli("summary", str(KERAS_JSON), "--input", "32x32x1"),
        2,
        "error: --input '32x32x1' has 1 channel; the model's input has 3 "
        "(hint: the input's sizes may change, its channels may not)",
    )
    larger = summary(run_cli, str(KERAS_JSON), "--input", "64x64x3")  # sizes may change
    assert larger["input"] == [64, 64, 3]
    assert (larger["totals"]["trainable_params"], larger["totals"]["non_trainable_params"]) == SMALL_CNN_KERAS


# -- PyTorch ---------------------------------------------------------------------------------------

TINY = "torch:tests.importers.tiny_models:tiny"


def test_torch_summary_is_the_import_analysed(run_cli: Any, tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from tests.importers.tiny_models import Tiny

    model = Tiny()
    trainable = sum(p.numel() for p in model.parameters())
    statistics = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    totals = same_as_imported(run_cli, tmp_path, TINY, "--input", "32x32x3")["totals"]
    assert (totals["trainable_params"], totals["non_trainable_params"]) == (trainable, statistics)
    assert torch is not None


def test_torch_known_network(run_cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from tests.torchvision_oracle import published

    source = "torch:tests.importers.source_models:squeezenet"
    totals = same_as_imported(run_cli, tmp_path, source, "--input", "224x224x3")["totals"]
    assert totals["total_params"] == published("squeezenet1_0")[0] == 1_248_424


def test_torch_warnings_and_errors(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    result = run_cli("summary", "torch:tests.importers.source_models:unused", "--input", "8x8x3")
    assert result.exit_code == 0, result.output
    assert result.stderr == "warning: parameters the forward pass does not use are not counted: spare (10)\n"
    check_error(
        run_cli("summary", TINY),
        2,
        "error: importing a PyTorch model needs --input DIMS (hint: e.g. --input 224x224x3)",
    )
    check_error(
        run_cli("receptive-field", TINY, "--input", "8x8x5"),
        2,
        "error: --input '8x8x5' has 5 channels; the model's input has 3 "
        "(hint: the input's sizes may change, its channels may not)",
    )
    monkeypatch.setitem(sys.modules, "torch", None)
    check_error(
        run_cli("summary", TINY, "--input", "8x8x3"),
        2,
        "error: importing this needs the 'torch' package, which is not installed (hint: pip install 'cnncalc[torch]')",
    )


# -- the library -----------------------------------------------------------------------------------


def test_cnncalc_load_takes_the_same_files(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from cnncalc.importers.source import ModelWarning

    keras = cnncalc.analyze(cnncalc.load(str(KERAS_JSON))).totals
    assert (keras.trainable_params, keras.non_trainable_params) == SMALL_CNN_KERAS
    with pytest.warns(ModelWarning, match="spare"):
        cnncalc.load("torch:tests.importers.source_models:unused", "8x8x3")
    with pytest.raises(UsageError, match="has 5 channels; the model's input has 3"):
        cnncalc.load(TINY, "8x8x5")


# -- --input may not change the sizes a layer's weights fix ----------------------------------------


def test_onnx_input_that_contradicts_an_fc(run_cli: Any, tmp_path: Path) -> None:
    """Conv (3 -> 8, 3x3, pads 1), Flatten, Gemm whose weight takes 16x16x8 features: the model's
    weights fix its 16x16 input, and --input 20x20x3 would count another fc."""
    onnx = pytest.importorskip("onnx")
    np = pytest.importorskip("numpy")
    from onnx import TensorProto, helper, numpy_helper

    initializers = [
        numpy_helper.from_array(np.zeros(dims, dtype=np.float32), name)
        for name, dims in (("w", (8, 3, 3, 3)), ("b", (8,)), ("fc_w", (10, 8 * 16 * 16)), ("fc_b", (10,)))
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Flatten", ["c"], ["f"]),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], transB=1),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    path = tmp_path / "flat.onnx"
    graph = helper.make_graph(nodes, "flat", [x], [y], initializer=initializers)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    weights = sum(int(np.prod(t.dims)) for t in initializers)
    assert summary(run_cli, str(path), "--input", "16x16x3")["totals"]["total_params"] == weights
    given = weights + 10 * 8 * (20 * 20 - 16 * 16)
    line = (
        f"error: --input '20x20x3' gives the model {given:,} "
        f"parameters; its weights hold {weights:,} "
        "(hint: a layer's weights (an fc after a flatten) fix the sizes before it: keep 16x16x3)"
    )
    check_error(run_cli("summary", str(path), "--input", "20x20x3"), 2, line)
    check_error(run_cli("import", str(path), "--input", "20x20x3"), 2, line)


def test_keras_input_that_contradicts_a_dense(run_cli: Any, tmp_path: Path) -> None:
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 28, 28, 1]}},
        {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3]}},
        {"class_name": "Flatten", "config": {"name": "f"}},
        {"class_name": "Dense", "config": {"name": "d", "units": 10}},
    ]}}  # fmt: skip
    path = tmp_path / "flat.json"
    path.write_text(json.dumps(config))
    result = run_cli("summary", str(path), "--input", "32x32x1")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: --input '32x32x1' gives the model ")
    assert result.stderr.endswith(" fix the sizes before it: keep 28x28x1)\n")
