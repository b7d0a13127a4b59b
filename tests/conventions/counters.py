"""The real counters, run on a PyTorch module: what each prints as its total (and per kind where it can).

Each tool is called the way its README shows, on one sample on the CPU (fvcore traces
with the JIT and thop, ptflops and torchinfo run forward hooks: none works on the meta
device), under ``torch.no_grad()``. Tests skip when a counter is not installed
(``pip install --no-deps .[counters]``).
"""

from __future__ import annotations

import io
import logging
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.torchvision_oracle import torch  # skips without torch; registers the bare torchvision package

FlopCounterMode = pytest.importorskip("torch.utils.flop_counter").FlopCounterMode

nn = torch.nn


@dataclass(frozen=True)
class Measured:
    macs: int
    params: int
    #: the tool's count per module class name (where the tool reports per module)
    by_module: dict[str, int] = field(default_factory=dict)
    #: the tool's non-zero count of each leaf module, in the order the tool lists them (thop, torchinfo)
    per_layer: list[int] = field(default_factory=list)


def _input(shape: tuple[int, ...]) -> Any:
    torch.manual_seed(0)
    return torch.randn(1, *shape)


def _cpu(model: Any) -> Any:
    """A meta-device model materialised on the CPU (weights are irrelevant to the counts)."""
    if any(p.is_meta for p in model.parameters()) or any(b.is_meta for b in model.buffers()):
        model = model.to_empty(device="cpu")
        for module in model.modules():  # BN statistics must be finite for a clean forward
            if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.running_var is not None:
                module.running_var.fill_(1.0)
                module.running_mean.zero_()
    return model.eval()


def torchvision_flops(model: Any, shape: tuple[int, ...]) -> Measured:
    model = _cpu(model)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(_input(shape))
    return Measured(macs=counter.get_total_flops() // 2, params=sum(p.numel() for p in model.parameters()))


def fvcore(model: Any, shape: tuple[int, ...]) -> Measured:
    flop_count = pytest.importorskip("fvcore.nn")
    model = _cpu(model)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("fvcore").setLevel(logging.ERROR)
        analysis = flop_count.FlopCountAnalysis(model, _input(shape))
        analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        total = int(analysis.total())
        by_op = {k: int(v) for k, v in analysis.by_operator().items()}
    return Measured(macs=total, params=int(flop_count.parameter_count(model)[""]), by_module=by_op)


def ptflops(model: Any, shape: tuple[int, ...]) -> Measured:
    pt = pytest.importorskip("ptflops")
    model = _cpu(model)
    with torch.no_grad():
        macs, params = pt.get_model_complexity_info(
            model, shape, as_strings=False, print_per_layer_stat=False, verbose=False, ost=io.StringIO()
        )
    assert macs is not None, "ptflops failed"
    return Measured(macs=int(macs), params=int(params))


def thop(model: Any, shape: tuple[int, ...]) -> Measured:
    profile = pytest.importorskip("thop").profile
    model = _cpu(model)
    names = {name: type(m).__name__ for name, m in model.named_modules()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        macs, params, layers = profile(model, inputs=(_input(shape),), verbose=False, ret_layer_info=True)
    by_module: dict[str, int] = defaultdict(int)
    per_layer: list[int] = []

    def walk(prefix: str, tree: dict[str, Any]) -> None:
        for name, (ops, _params, children) in tree.items():
            path = f"{prefix}.{name}" if prefix else name
            if children:
                walk(path, children)
            else:
                by_module[names[path]] += int(ops)
                per_layer.append(int(ops))

    walk("", layers)
    return Measured(
        macs=int(macs), params=int(params), by_module=dict(by_module), per_layer=[v for v in per_layer if v]
    )


def torchinfo(model: Any, shape: tuple[int, ...]) -> Measured:
    summary = pytest.importorskip("torchinfo").summary
    model = _cpu(model)
    stats = summary(model, input_size=(1, *shape), device="cpu", verbose=0)
    by_module: dict[str, int] = defaultdict(int)
    per_layer: list[int] = []
    for layer in stats.summary_list:
        if layer.is_leaf_layer:
            by_module[layer.class_name] += layer.macs
            per_layer.append(int(layer.macs))
    return Measured(
        macs=int(stats.total_mult_adds),
        params=int(stats.total_params),
        by_module=dict(by_module),
        per_layer=[v for v in per_layer if v],
    )


TOOLS: dict[str, Callable[[Any, tuple[int, ...]], Measured]] = {
    "torchvision": torchvision_flops,
    "fvcore": fvcore,
    "ptflops": ptflops,
    "thop": thop,
    "torchinfo": torchinfo,
}
