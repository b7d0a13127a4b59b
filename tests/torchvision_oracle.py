"""torchvision's model definitions as an outside oracle for the zoo.

torchvision's compiled ops do not load next to the local CPU torch wheel, but its pure-Python
model definitions do once a bare ``torchvision`` package is registered (its ``__init__``
would load the compiled extension). Models are measured on the ``meta`` device: shapes,
parameter counts and ``FlopCounterMode`` multiply-accumulates without allocating weights.
Tests using this module skip when torch or torchvision is not installed.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from dataclasses import dataclass
from typing import Any

import pytest

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402


def _register_bare_torchvision() -> None:
    if "torchvision" in sys.modules:
        return
    found = importlib.util.find_spec("torchvision")
    if found is None or not found.submodule_search_locations:
        pytest.skip("torchvision is not installed")
    package = types.ModuleType("torchvision")
    package.__path__ = list(found.submodule_search_locations)
    sys.modules["torchvision"] = package


_register_bare_torchvision()
models: Any = pytest.importorskip("torchvision.models")
segmentation: Any = pytest.importorskip("torchvision.models.segmentation")


@dataclass(frozen=True)
class Measured:
    outputs: list[list[int]]  # channels-last, batch dropped, the main output first
    trainable_params: int
    non_trainable_params: int  # BatchNorm running mean and variance (not num_batches_tracked)
    macs: int  # FlopCounterMode counts 2 per multiply-accumulate


def build(name: str, **config: Any) -> Any:
    """The torchvision model ``name`` in eval mode, on the meta device where it can be built there."""
    try:
        with torch.device("meta"):
            model = models.get_model(name, weights=None, **config)
    except (NotImplementedError, RuntimeError):  # some builders compute widths with real tensors
        model = models.get_model(name, weights=None, **config).to("meta")
    return model.eval()


def published(name: str) -> tuple[int, float]:
    """``num_params`` and GFLOPS (``_ops``) of the default weights' metadata."""
    meta = models.get_model_weights(name).DEFAULT.meta
    return meta["num_params"], meta["_ops"]


def _channels_last(shape: Any) -> list[int]:
    dims = list(shape)[1:]
    return [*dims[1:], dims[0]]


def measure(model: Any, spatial: tuple[int, ...], channels: int = 3) -> Measured:
    """Run ``model`` on a meta input of one sample and count what it holds and does."""
    x = torch.empty(1, channels, *spatial, device="meta")
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        y = model(x)
    if isinstance(y, dict):  # segmentation models: {"out": ..., "aux": ...}
        outputs = [_channels_last(v.shape) for v in y.values()]
    elif isinstance(y, tuple):
        outputs = [_channels_last(v.shape) for v in y]
    else:
        outputs = [_channels_last(y.shape)]
    running = sum(b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var")))
    return Measured(
        outputs=outputs,
        trainable_params=sum(p.numel() for p in model.parameters()),
        non_trainable_params=running,
        macs=counter.get_total_flops() // 2,
    )
