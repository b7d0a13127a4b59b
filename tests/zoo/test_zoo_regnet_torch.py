"""The MnasNet and RegNet built-ins against the torchvision modules themselves.

Each model is built on the meta device and measured by ``tests/torchvision_oracle.py`` (which
skips this module when torch or torchvision is missing): output shape, trainable parameters,
BatchNorm running statistics and ``FlopCounterMode`` multiply-accumulates must equal cnncalc's,
at the crop size of the default weights. ``regnet_y_128gf`` cannot be built on the meta device:
the oracle builds it on the CPU (about 10 s and 2.6 GB of memory).
"""

from __future__ import annotations

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from tests.torchvision_oracle import build, measure, models

NAMES = [
    "mnasnet0_5",
    "mnasnet0_75",
    "mnasnet1_0",
    "mnasnet1_3",
    "regnet_x_400mf",
    "regnet_x_800mf",
    "regnet_x_1_6gf",
    "regnet_x_3_2gf",
    "regnet_x_8gf",
    "regnet_x_16gf",
    "regnet_x_32gf",
    "regnet_y_400mf",
    "regnet_y_800mf",
    "regnet_y_1_6gf",
    "regnet_y_3_2gf",
    "regnet_y_8gf",
    "regnet_y_16gf",
    "regnet_y_32gf",
    pytest.param("regnet_y_128gf", marks=pytest.mark.slow),  # built on the CPU: ~10 s, 2.6 GB
]


@pytest.mark.parametrize("name", NAMES)
def test_matches_the_torchvision_module(name: str) -> None:
    report = analyze(load(f"zoo:{name}"))
    (crop,) = models.get_model_weights(name).DEFAULT.transforms().crop_size  # one number: a square crop
    assert report.input_shape.as_list() == [crop, crop, 3]
    measured = measure(build(name), (crop, crop))
    totals = report.totals
    assert totals.output_shape.as_list() == measured.outputs[0]
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs
