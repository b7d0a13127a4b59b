"""The ShuffleNet V2 and ConvNeXt built-ins against torchvision's published figures (no torch needed)."""

from __future__ import annotations

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import load
from tests.zoo.test_zoo import gmacs_as_published

# "num_params" and "_ops" (GFLOPS = GMACs) of the default weights, copied from
# torchvision/models/shufflenetv2.py, ShuffleNet_V2_X0_5_Weights ... ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1.meta,
# and torchvision/models/convnext.py, ConvNeXt_{Tiny,Small,Base,Large}_Weights.IMAGENET1K_V1.meta.
# shufflenet_v2_x0_5 publishes "_ops": 0.04 with two decimals only.
PUBLISHED = {
    "shufflenet_v2_x0_5": (1_366_792, "0.04"),
    "shufflenet_v2_x1_0": (2_278_604, "0.145"),
    "shufflenet_v2_x1_5": (3_503_624, "0.296"),
    "shufflenet_v2_x2_0": (7_393_996, "0.583"),
    "convnext_tiny": (28_589_128, "4.456"),
    "convnext_small": (50_223_688, "8.684"),
    "convnext_base": (88_591_464, "15.355"),
    "convnext_large": (197_767_336, "34.361"),
}


def report(name: str) -> Report:
    return analyze(load(f"zoo:{name}"))


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items())
def test_matches_published_figures(name: str, published: tuple[int, str]) -> None:
    params, gmacs = published
    totals = report(name).totals
    assert totals.trainable_params == params
    assert gmacs_as_published(int(totals.macs), gmacs) == gmacs
    assert totals.output_shape.as_list() == [1000]


@pytest.mark.parametrize("name", PUBLISHED)
def test_input_is_the_default_crop(name: str) -> None:
    assert report(name).input_shape.as_list() == [224, 224, 3]


def test_two_decimal_rounding() -> None:
    assert gmacs_as_published(40_476_448, "0.04") == "0.04"
    assert gmacs_as_published(45_000_000, "0.04") == "0.05"
    assert gmacs_as_published(144_907_992, "0.145") == "0.145"
