"""Memory figures against PyTorch run on CPU: state_dict bytes, the outputs forward hooks see,
gradients, the optimizer's own state after one step, and the activations autograd saves for
backward (``saved_tensors_hooks``, storages counted once: tests/layers/saved_run.py) for whole
zoo models, exported by cnncalc and as torchvision writes them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import cnncalc
from cnncalc.formatting import byte_size
from cnncalc.memory import memory
from tests.layers.saved_run import cnncalc_saved_bytes, exported_saved_bytes, saved_bytes

torch = pytest.importorskip("torch")
nn = torch.nn

TEXT = "input 12x12x3\nconv K=8 F=3 P=1\nbn\nrelu\nmaxpool F=2\nconv K=4 F=3 bias=no\nbn\nrelu\nfc 10\n"
DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16}
SIZES = {"float32": 4, "float64": 8, "float16": 2}


def _model() -> Any:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 4, 3, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 10),
    )  # fmt: skip


def _bytes(tensors: Any) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("batch", [1, 5])
def test_input_parameters_and_forward_activations(dtype: str, batch: int) -> None:
    report = cnncalc.analyze(cnncalc.parse(TEXT, "m.arch"))
    found = memory(report, batch=batch, dtype=dtype, bytes_per_element=SIZES[dtype], optimizer=None)
    model = _model().to(DTYPES[dtype]).eval()
    state = model.state_dict()
    assert found.parameter_bytes == _bytes(v for k, v in state.items() if not k.endswith("num_batches_tracked"))
    outputs: list[Any] = []
    for module in model:
        if not isinstance(module, nn.Flatten):  # cnncalc's fc flattens by itself: no layer of its own
            module.register_forward_hook(lambda _m, _i, out: outputs.append(out))
    x = torch.zeros(batch, 3, 12, 12, dtype=DTYPES[dtype])
    with torch.no_grad():
        model(x)
    assert found.input_bytes == x.numel() * x.element_size()
    assert found.activation_bytes == _bytes(outputs)


@pytest.mark.parametrize(("optimizer", "build"), [
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("adam", lambda p: torch.optim.Adam(p)),
])  # fmt: skip
def test_training_gradients_and_optimizer_state(optimizer: str, build: Callable[[Any], Any]) -> None:
    report = cnncalc.analyze(cnncalc.parse(TEXT, "m.arch"))
    found = memory(report, batch=2, dtype="float32", bytes_per_element=4, optimizer=optimizer)  # type: ignore[arg-type]
    model = _model()
    step = build(model.parameters())
    model(torch.randn(2, 3, 12, 12)).sum().backward()
    step.step()
    assert found.gradient_bytes == _bytes(p.grad for p in model.parameters())
    state = [t for s in step.state.values() for name, t in s.items() if name != "step" and torch.is_tensor(t)]
    assert found.optimizer_bytes == _bytes(state)
    saved = saved_bytes(_model(), torch.randn(2, 3, 12, 12))
    assert found.saved_activation_bytes == saved
    assert found.training_bytes == found.parameter_bytes + found.gradient_bytes + found.optimizer_bytes + saved


#: zoo models small enough to run on CPU at a small input in well under a second each
ZOO_FAST = ["resnet18", "mobilenet_v3_small", "efficientnet_b0", "squeezenet1_0", "convnext_tiny", "regnet_y_400mf"]
ZOO_SLOW = ["resnet50", "densenet121", "googlenet", "inception_v3", "mobilenet_v2", "shufflenet_v2_x0_5", "vgg11_bn"]


def _zoo(name: str, size: int) -> Any:
    return cnncalc.load(f"zoo:{name}", input=f"{size}x{size}x3")


@pytest.mark.parametrize("name", ZOO_FAST)
def test_zoo_saved_activations_equal_the_exported_model(name: str) -> None:
    arch = _zoo(name, 32)
    assert cnncalc_saved_bytes(arch) == exported_saved_bytes(arch)


@pytest.mark.slow
@pytest.mark.parametrize("name", ZOO_SLOW)
def test_zoo_saved_activations_equal_the_exported_model_larger(name: str) -> None:
    arch = _zoo(name, 80 if name == "inception_v3" else 64)
    assert cnncalc_saved_bytes(arch) == exported_saved_bytes(arch)


def _torchvision(name: str) -> Any:
    from tests.torchvision_oracle import models

    torch.manual_seed(0)
    return getattr(models, name)()


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2"])
def test_torchvision_in_place_activations_save_the_same(name: str) -> None:
    """torchvision's ReLU(inplace=True) after BN (ReLU6 in MobileNetV2) overwrites the BN output,
    which BN's backward does not need (it keeps its input), and keeps the result in its place:
    the same bytes as the out-of-place ReLU cnncalc exports."""
    assert cnncalc_saved_bytes(_zoo(name, 32)) == saved_bytes(_torchvision(name), torch.randn(2, 3, 32, 32))


def test_torchvision_convnext_stochastic_depth() -> None:
    """torchvision trains ConvNeXt-T with stochastic depth (rate rising from 0 to 0.1 over 18
    blocks): 17 blocks keep one random factor per sample. The zoo file's ``droppath`` lines carry
    no rate (the identity; no size depends on it), so cnncalc counts exactly those 17 x N less."""
    batch = 2
    expected = saved_bytes(_torchvision("convnext_tiny"), torch.randn(batch, 3, 32, 32))
    assert cnncalc_saved_bytes(_zoo("convnext_tiny", 32), batch) == expected - 17 * batch * 4


def test_byte_sizes_in_mb_and_mib() -> None:
    assert byte_size(1_048_576) == "1,048,576 B (1.05 MB, 1.00 MiB)"
    assert byte_size(246_824) == "246,824 B (0.25 MB, 0.24 MiB)"


def test_cli_memory(run_cli: Callable[..., Any]) -> None:
    table = run_cli("summary", "examples/lenet5.arch", "--batch", "8", "--optimizer", "adam").stdout
    assert "Memory at batch 8, float32: input 32,768 B (0.03 MB, 0.03 MiB)" in table
    assert "parameters 246,824 B" in table and "training with adam" in table
    lenet = cnncalc.load("examples/lenet5.arch")
    assert f"activations saved for backward {exported_saved_bytes(lenet, batch=8):,} B" in table
    document = json.loads(run_cli("summary", "examples/lenet5.arch", "--json", "--dtype", "float16").stdout)
    assert document["memory"]["parameter_bytes"] == 61_706 * 2
    assert document["memory"]["saved_activation_bytes"] is None  # no optimizer, no training step
    trained = json.loads(run_cli("summary", "examples/lenet5.arch", "--json", "--optimizer", "sgd").stdout)["memory"]
    assert (
        trained["training_bytes"]
        == trained["training_bytes_without_saved_activations"] + trained["saved_activation_bytes"]
    )
    bad = run_cli("summary", "examples/lenet5.arch", "--optimizer", "rmsprop")
    assert bad.exit_code == 2 and "--optimizer: unknown optimizer 'rmsprop'" in bad.stderr
