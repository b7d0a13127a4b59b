"""Run exported PyTorch source for real: exec it as a module, build it on the meta device, measure.

The measurements come from torch itself: output shapes, ``requires_grad`` parameter counts,
BatchNorm running statistics and ``FlopCounterMode`` (2 FLOPs per multiply-accumulate).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

import pytest

from cnncalc.export.torch_layers import HELPER_CLASSES

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402


@dataclass(frozen=True)
class Measured:
    outputs: list[list[int]]  # channels-last, batch dropped, the main output first
    trainable_params: int
    non_trainable_params: int  # BN running mean and variance, other modules' buffers, frozen parameters (Keras's split)
    macs: int


def load_module(source: str, name: str = "cnncalc_exported") -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def model_class(module: types.ModuleType) -> Any:
    classes = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, torch.nn.Module)]
    return next(c for c in classes if c.__module__ == module.__name__ and c.__name__ not in HELPER_CLASSES)


def channels_last(tensor: Any) -> list[int]:
    shape = list(tensor.shape[1:])
    return [*shape[1:], shape[0]] if len(shape) > 1 else shape


def measure_model(model: Any, input_size: tuple[int, ...], device: str = "meta") -> Measured:
    model.eval()
    x = torch.empty(1, *input_size, device=device)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        result = model(x)
    results = list(result) if isinstance(result, tuple) else [result]
    stats = sum(
        m.running_mean.numel() + m.running_var.numel()
        for m in model.modules()
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.running_mean is not None
    )
    # other modules' buffers are non-trainable state too (the export's KerasNormalization: mean, var, count)
    stats += sum(
        b.numel()
        for m in model.modules()
        if not isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
        for b in m.buffers(recurse=False)
    )
    return Measured(
        outputs=[channels_last(r) for r in results],
        trainable_params=sum(p.numel() for p in model.parameters() if p.requires_grad),
        non_trainable_params=stats + sum(p.numel() for p in model.parameters() if not p.requires_grad),
        macs=counter.get_total_flops() // 2,
    )


def measure_source(source: str, device: str = "meta") -> Measured:
    module = load_module(source)
    with torch.device(device):
        model = model_class(module)()
    return measure_model(model, module.INPUT_SIZE, device)
