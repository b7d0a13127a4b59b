"""The segmentation built-ins against the PyTorch modules themselves.

torchvision's segmentation models are built on the meta device (with the auxiliary head where the
default weights have one) and measured by ``tests/torchvision_oracle.py``, which skips this module
when torch or torchvision is missing: every output shape, trainable parameters, BatchNorm running
statistics and ``FlopCounterMode`` multiply-accumulates must equal cnncalc's. U-Net has no
torchvision model: a plain PyTorch one, written from the paper's description, plays that part.
"""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from tests.torchvision_oracle import build, measure, torch

nn = torch.nn
_Module: Any = nn.Module  # torch is untyped here: name the base class for mypy

NAMES = [
    "fcn_resnet50",
    "fcn_resnet101",
    "deeplabv3_resnet50",
    "deeplabv3_resnet101",
    "deeplabv3_mobilenet_v3_large",
    "lraspp_mobilenet_v3_large",
]


def build_segmentation(name: str) -> Any:
    """As published: with the auxiliary head, except LR-ASPP, which has none (it refuses aux_loss)."""
    config: dict[str, Any] = {"weights_backbone": None}
    if not name.startswith("lraspp"):
        config["aux_loss"] = True
    return build(name, **config)


@pytest.mark.parametrize("name", NAMES)
def test_matches_the_torchvision_module(name: str) -> None:
    report = analyze(load(f"zoo:{name}"))
    height, width, channels = report.input_shape.as_list()
    measured = measure(build_segmentation(name), (height, width), channels)
    totals = report.totals
    assert [shape.as_list() for shape in totals.outputs] == measured.outputs  # "out", then "aux"
    assert totals.output_shape.as_list() == measured.outputs[0]
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs


def double_conv(cin: int, cout: int) -> Any:
    """Two unpadded 3x3 convolutions, each followed by a ReLU."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3), nn.ReLU(), nn.Conv2d(cout, cout, 3), nn.ReLU())


def centre_crop(x: Any, size: Any) -> Any:
    top, left = (x.shape[-2] - size[0]) // 2, (x.shape[-1] - size[1]) // 2
    return x[..., top : top + size[0], left : left + size[1]]


class UNet(_Module):
    """Ronneberger et al. 2015, Figure 1: 572x572x1 in, 388x388x2 out."""

    def __init__(self, channels: int = 1, classes: int = 2) -> None:
        super().__init__()
        widths = [64, 128, 256, 512]
        self.down = nn.ModuleList(
            double_conv(cin, cout) for cin, cout in zip([channels, *widths[:-1]], widths, strict=True)
        )
        self.bottom = double_conv(512, 1024)
        self.up = nn.ModuleList(nn.ConvTranspose2d(2 * w, w, 2, stride=2) for w in reversed(widths))
        self.decode = nn.ModuleList(double_conv(2 * w, w) for w in reversed(widths))
        self.final = nn.Conv2d(64, classes, 1)

    def forward(self, x: Any) -> Any:
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.bottom(x)
        for up, block, skip in zip(self.up, self.decode, reversed(skips), strict=True):
            x = up(x)
            x = block(torch.cat([centre_crop(skip, x.shape[-2:]), x], dim=1))
        return self.final(x)


def test_unet_matches_a_plain_pytorch_unet() -> None:
    report = analyze(load("zoo:unet"))
    height, width, channels = report.input_shape.as_list()
    with torch.device("meta"):
        model = UNet(channels).eval()
    measured = measure(model, (height, width), channels)
    assert measured.outputs == [[388, 388, 2]]
    totals = report.totals
    assert totals.output_shape.as_list() == measured.outputs[0]
    assert [shape.as_list() for shape in totals.outputs] == measured.outputs
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params == 0
    assert totals.macs == measured.macs
