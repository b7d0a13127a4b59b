"""The ShuffleNet V2 and ConvNeXt built-ins against the torchvision modules themselves.

Each model is built on the meta device and measured by ``tests/torchvision_oracle.py`` (which
skips this module when torch or torchvision is missing): output shape, trainable parameters,
BatchNorm running statistics and ``FlopCounterMode`` multiply-accumulates must equal cnncalc's.
"""

from __future__ import annotations

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from tests.torchvision_oracle import build, measure

NAMES = [
    "shufflenet_v2_x0_5",
    "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0",
    "convnext_tiny",
    "convnext_small",
    "convnext_base",
    "convnext_large",
]


@pytest.mark.parametrize("name", NAMES)
def test_matches_the_torchvision_module(name: str) -> None:
    report = analyze(load(f"zoo:{name}"))
    height, width, channels = report.input_shape.as_list()
    measured = measure(build(name), (height, width), channels)
    totals = report.totals
    assert totals.output_shape.as_list() == measured.outputs[0]
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs
