"""The ``normalization`` kind against the frameworks themselves: Keras 3's ``Normalization(axis=-1)``
built (torch backend) for its weights, and the PyTorch module ``cnncalc export --to pytorch`` writes,
run by torch, for its output shape, its buffers and its numbers (equal to Keras's on the same input
once both hold the same mean and variance). Importing Keras takes seconds: those tests are slow."""

from __future__ import annotations

import os

import pytest

import cnncalc
from cnncalc.export.pytorch import export_pytorch
from cnncalc.memory import memory
from tests.export.torch_run import load_module, model_class

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras
torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")

#: flat vector, 1-D, 2-D and 3-D inputs, channels-last as the .arch writes them
SHAPES = [(784,), (100, 16), (8, 8, 3), (4, 6, 6, 5), (7, 7, 1280)]


def report_arch(shape: tuple[int, ...]) -> cnncalc.Arch:
    return cnncalc.parse(f"input {'x'.join(map(str, shape))}\nnormalization\n", "n.arch")


def _summary(shape: tuple[int, ...]) -> cnncalc.Report:
    return cnncalc.analyze(report_arch(shape))


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_weights_equal_keras_normalization(shape: tuple[int, ...]) -> None:
    keras = pytest.importorskip("keras")
    layer = keras.layers.Normalization(axis=-1)
    out = layer(keras.Input(shape))
    row = _summary(shape).rows[0]
    assert row.trainable_params == sum(int(np.prod(w.shape)) for w in layer.trainable_weights) == 0
    assert row.non_trainable_params == sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    assert row.non_trainable_params == layer.count_params()
    assert sorted(w.name for w in layer.non_trainable_weights) == ["count", "mean", "variance"]
    assert row.output_shape.as_list() == list(out.shape[1:])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_exported_module_buffers_and_shape(shape: tuple[int, ...]) -> None:
    report = _summary(shape)
    module = load_module(export_pytorch(report_arch(shape)))
    model = model_class(module)().eval()
    channels = shape[-1]
    buffers = {name.rsplit(".", 1)[-1]: b for name, b in model.named_buffers()}
    assert {k: tuple(b.shape) for k, b in buffers.items()} == {"mean": (channels,), "var": (channels,), "count": ()}
    assert not list(model.parameters())
    assert sum(b.numel() for b in buffers.values()) == report.totals.non_trainable_params
    with torch.no_grad():
        y = model(torch.randn(2, *module.INPUT_SIZE))
    shape_out = list(y.shape[1:])
    channels_last = [*shape_out[1:], shape_out[0]] if len(shape_out) > 1 else shape_out
    assert channels_last == report.totals.output_shape.as_list()


@pytest.mark.slow
def test_exported_module_computes_what_keras_computes() -> None:
    """Keras's layer adapted to data; its mean and variance copied into the exported buffers: the
    same input gives the same output (channels-last in Keras, NCHW in torch)."""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    layer = keras.layers.Normalization(axis=-1)
    layer.adapt(rng.normal(3.0, 2.0, size=(16, 6, 6, 4)).astype("float32"))
    x = rng.normal(size=(2, 6, 6, 4)).astype("float32")
    theirs = keras.ops.convert_to_numpy(layer(x))
    module = load_module(export_pytorch(report_arch((6, 6, 4))))
    model = model_class(module)().eval()
    norm = next(m for m in model.modules() if type(m).__name__ == "KerasNormalization")
    norm.mean.copy_(torch.as_tensor(keras.ops.convert_to_numpy(layer.mean)).reshape(-1))
    norm.var.copy_(torch.as_tensor(keras.ops.convert_to_numpy(layer.variance)).reshape(-1))
    with torch.no_grad():
        ours = model(torch.from_numpy(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()
    assert np.allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
def test_parameter_bytes_are_the_exported_state_dict(dtype: str) -> None:
    """The count is a buffer in the module's dtype: the state_dict's bytes are cnncalc's parameter bytes."""
    arch = report_arch((8, 8, 5))
    size = {"float32": 4, "float16": 2, "float64": 8}[dtype]
    found = memory(cnncalc.analyze(arch), batch=1, dtype=dtype, bytes_per_element=size, optimizer=None)
    model = model_class(load_module(export_pytorch(arch)))().to(getattr(torch, dtype))
    state = model.state_dict()
    assert sorted(state) == ["normalization1.count", "normalization1.mean", "normalization1.var"]
    assert found.parameter_bytes == sum(t.numel() * t.element_size() for t in state.values())
