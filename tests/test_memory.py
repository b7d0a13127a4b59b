"""Memory figures against PyTorch run on CPU: state_dict bytes, the outputs forward hooks see,
gradients and the optimizer's own state after one step."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import cnncalc
from cnncalc.formatting import byte_size
from cnncalc.memory import memory

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
    assert found.training_bytes == found.parameter_bytes + found.gradient_bytes + found.optimizer_bytes


def test_byte_sizes_in_mb_and_mib() -> None:
    assert byte_size(1_048_576) == "1,048,576 B (1.05 MB, 1.00 MiB)"
    assert byte_size(246_824) == "246,824 B (0.25 MB, 0.24 MiB)"


def test_cli_memory(run_cli: Callable[..., Any]) -> None:
    table = run_cli("summary", "examples/lenet5.arch", "--batch", "8", "--optimizer", "adam").stdout
    assert "Memory at batch 8, float32: input 32,768 B (0.03 MB, 0.03 MiB)" in table
    assert "parameters 246,824 B" in table and "training with adam" in table
    document = json.loads(run_cli("summary", "examples/lenet5.arch", "--json", "--dtype", "float16").stdout)
    assert document["memory"]["parameter_bytes"] == 61_706 * 2
    bad = run_cli("summary", "examples/lenet5.arch", "--optimizer", "rmsprop")
    assert bad.exit_code == 2 and "--optimizer: unknown optimizer 'rmsprop'" in bad.stderr
