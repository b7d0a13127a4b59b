"""PyTorch as an outside oracle: build the real module for a layer and measure it.

Used only when torch is installed (the tests skip otherwise); cnncalc itself never
imports torch. FLOPs come from ``torch.utils.flop_counter.FlopCounterMode``, which
counts 2 per weight multiply-accumulate and no bias — so MACs = flops / 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn import functional as functional  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

torch.set_num_threads(1)

__all__ = [
    "AVGPOOL",
    "BATCHNORM",
    "CONV",
    "DECONV",
    "MAXPOOL",
    "FlopCounterMode",
    "Measured",
    "functional",
    "measure",
    "nn",
    "torch",
]


@dataclass
class Measured:
    shape: list[int]  # channels-last like cnncalc
    params: int
    flops: int


def _channels_last(shape: Any) -> list[int]:
    dims = list(shape)[1:]  # drop the batch
    return [*dims[1:], dims[0]]


def measure(module: nn.Module, spatial: list[int], channels: int, pad: list[tuple[int, int]] | None = None) -> Measured:
    """Run ``module`` on a zero input (channels-first inside torch); ``pad`` is applied first, per dim."""
    x = torch.zeros(1, channels, *spatial)
    if pad is not None:
        flat: list[int] = []
        for start, end in reversed(pad):  # F.pad wants the last dim first
            flat += [start, end]
        x = functional.pad(x, flat)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        y = module(x)
    return Measured(
        shape=_channels_last(y.shape),
        params=sum(p.numel() for p in module.parameters()),
        flops=counter.get_total_flops(),
    )


CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
DECONV = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
MAXPOOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
AVGPOOL = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}
BATCHNORM = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}
