"""The real counters, run on a PyTorch module: what each prints as its total, per module and per kind.

Each tool is called the way its README shows, on one sample on the CPU (fvcore traces
with the JIT and thop, ptflops and torchinfo run forward hooks: none works on the meta
device), under ``torch.no_grad()``. Tests skip when a counter is not installed
(``pip install --no-deps .[counters]``).

Per module (``Measured.per_module``, leaf modules by their ``named_modules`` path):
``FlopCounterMode.get_flop_counts()`` (halved, as torchvision's column is); fvcore's
``FlopCountAnalysis.by_module()``; ptflops's own ``__flops__`` of each module (read before
``get_model_complexity_info`` deletes it) plus the patched ``torch.nn.functional`` calls the
module makes while it runs (ptflops adds those to its total only); thop's
``ret_layer_info`` tree; torchinfo's ``LayerInfo.macs`` of each leaf.
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
    #: the tool's count per module class name (fvcore: per operator)
    by_module: dict[str, int] = field(default_factory=dict)
    #: the tool's count of each leaf module, by its ``named_modules`` path
    per_module: dict[str, int] = field(default_factory=dict)


def _input(shape: tuple[int, ...]) -> Any:
    torch.manual_seed(0)
    return torch.randn(1, *shape)


def on_cpu(model: Any) -> Any:
    """A meta-device model materialised on the CPU (weights are irrelevant to the counts)."""
    if any(p.is_meta for p in model.parameters()) or any(b.is_meta for b in model.buffers()):
        model = model.to_empty(device="cpu")
        for module in model.modules():  # BN statistics must be finite for a clean forward
            if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.running_var is not None:
                module.running_var.fill_(1.0)
                module.running_mean.zero_()
    return model.eval()


def torchvision_flops(model: Any, shape: tuple[int, ...]) -> Measured:
    model = on_cpu(model)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(_input(shape))
    counts = counter.get_flop_counts()  # keyed "RootClass.path.to.module"
    root = type(model).__name__
    leaves = [name for name, m in model.named_modules() if name and not any(m.children())]
    return Measured(
        macs=counter.get_total_flops() // 2,
        params=sum(p.numel() for p in model.parameters()),
        per_module={name: sum(counts.get(f"{root}.{name}", {}).values()) // 2 for name in leaves},
    )


def fvcore(model: Any, shape: tuple[int, ...]) -> Measured:
    flop_count = pytest.importorskip("fvcore.nn")
    model = on_cpu(model)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("fvcore").setLevel(logging.ERROR)
        analysis = flop_count.FlopCountAnalysis(model, _input(shape))
        analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        total = int(analysis.total())
        by_op = {k: int(v) for k, v in analysis.by_operator().items()}
        by_module = analysis.by_module()
    leaves = [name for name, m in model.named_modules() if name and not any(m.children())]
    return Measured(
        macs=total,
        params=int(flop_count.parameter_count(model)[""]),
        by_module=by_op,
        per_module={name: int(by_module.get(name, 0)) for name in leaves},
    )


def ptflops(model: Any, shape: tuple[int, ...]) -> Measured:
    pt = pytest.importorskip("ptflops")
    wrapper = pytest.importorskip("ptflops.pytorch_engine").torch_function_wrapper
    model = on_cpu(model)
    leaves = {m: name for name, m in model.named_modules() if name and not any(m.children())}
    per_module: dict[str, int] = defaultdict(int)
    started: dict[str, int] = {}

    def collected() -> list[Any]:  # every patched function appends to the same list while ptflops runs
        relu = torch.nn.functional.relu
        return relu.collector if isinstance(relu, wrapper) else []

    def before(module: Any, _inputs: Any) -> None:
        started[leaves[module]] = len(collected())

    def after(module: Any, _inputs: Any, _output: Any) -> None:
        name = leaves[module]
        per_module[name] += int(sum(collected()[started.pop(name) :]))

    def own(_model: Any, _inputs: Any, _output: Any) -> None:  # the hooks' counts, before ptflops deletes them
        for module, name in leaves.items():
            per_module[name] += int(getattr(module, "__flops__", 0))

    handles = [h for m in leaves for h in (m.register_forward_pre_hook(before), m.register_forward_hook(after))]
    handles.append(model.register_forward_hook(own))
    try:
        with torch.no_grad():
            macs, params = pt.get_model_complexity_info(
                model, shape, as_strings=False, print_per_layer_stat=False, verbose=False, ost=io.StringIO()
            )
    finally:
        for handle in handles:
            handle.remove()
    assert macs is not None, "ptflops failed"
    return Measured(macs=int(macs), params=int(params), per_module=dict(per_module))


def thop(model: Any, shape: tuple[int, ...]) -> Measured:
    profile = pytest.importorskip("thop").profile
    model = on_cpu(model)
    names = {name: type(m).__name__ for name, m in model.named_modules()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        macs, params, layers = profile(model, inputs=(_input(shape),), verbose=False, ret_layer_info=True)
    by_module: dict[str, int] = defaultdict(int)
    per_module: dict[str, int] = {}

    def walk(prefix: str, tree: dict[str, Any]) -> None:
        for name, (ops, _params, children) in tree.items():
            path = f"{prefix}.{name}" if prefix else name
            if children:
                walk(path, children)
            else:
                by_module[names[path]] += int(ops)
                per_module[path] = int(ops)

    walk("", layers)
    return Measured(macs=int(macs), params=int(params), by_module=dict(by_module), per_module=per_module)


def torchinfo(model: Any, shape: tuple[int, ...]) -> Measured:
    summary = pytest.importorskip("torchinfo").summary
    model = on_cpu(model)
    names = {id(m): name for name, m in model.named_modules()}
    stats = summary(model, input_size=(1, *shape), device="cpu", verbose=0)
    by_module: dict[str, int] = defaultdict(int)
    per_module: dict[str, int] = defaultdict(int)
    for layer in stats.summary_list:
        if layer.is_leaf_layer:
            by_module[layer.class_name] += layer.macs
            per_module[names[id(layer.module)]] += int(layer.macs)
    return Measured(
        macs=int(stats.total_mult_adds),
        params=int(stats.total_params),
        by_module=dict(by_module),
        per_module=dict(per_module),
    )


TOOLS: dict[str, Callable[[Any, tuple[int, ...]], Measured]] = {
    "torchvision": torchvision_flops,
    "fvcore": fvcore,
    "ptflops": ptflops,
    "thop": thop,
    "torchinfo": torchinfo,
}
