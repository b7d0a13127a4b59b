"""The MnasNet and RegNet built-ins against torchvision's published figures (no torch needed)."""

from __future__ import annotations

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import load
from tests.zoo.test_zoo import gmacs_as_published

# "num_params" and "_ops" (GFLOPS = GMACs) of the default weights, copied from
# torchvision/models/mnasnet.py, MNASNet{0_5,0_75,1_0,1_3}_Weights.IMAGENET1K_V1.meta, and
# torchvision/models/regnet.py, RegNet_{X,Y}_*_Weights.IMAGENET1K_V2.meta (the default; V1 publishes
# the same figures), except RegNet_Y_128GF_Weights.IMAGENET1K_SWAG_E2E_V1.meta (its default, at 384x384).
# regnet_x_800mf publishes "_ops": 0.8, regnet_y_32gf 32.28 and regnet_y_128gf 374.57: fewer decimals.
PUBLISHED = {
    "mnasnet0_5": (2_218_512, "0.104"),
    "mnasnet0_75": (3_170_208, "0.215"),
    "mnasnet1_0": (4_383_312, "0.314"),
    "mnasnet1_3": (6_282_256, "0.526"),
    "regnet_x_400mf": (5_495_976, "0.414"),
    "regnet_x_800mf": (7_259_656, "0.8"),
    "regnet_x_1_6gf": (9_190_136, "1.603"),
    "regnet_x_3_2gf": (15_296_552, "3.177"),
    "regnet_x_8gf": (39_572_648, "7.995"),
    "regnet_x_16gf": (54_278_536, "15.941"),
    "regnet_x_32gf": (107_811_560, "31.736"),
    "regnet_y_400mf": (4_344_144, "0.402"),
    "regnet_y_800mf": (6_432_512, "0.834"),
    "regnet_y_1_6gf": (11_202_430, "1.612"),
    "regnet_y_3_2gf": (19_436_338, "3.176"),
    "regnet_y_8gf": (39_381_472, "8.473"),
    "regnet_y_16gf": (83_590_140, "15.912"),
    "regnet_y_32gf": (145_046_770, "32.28"),
    "regnet_y_128gf": (644_812_894, "374.57"),
}

# crop_size of the default weights' transforms (same files): 224, but 384 for the SWAG end-to-end weights
CROP = {name: 224 for name in PUBLISHED} | {"regnet_y_128gf": 384}


def report(name: str) -> Report:
    return analyze(load(f"zoo:{name}"))


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items())
def test_matches_published_figures(name: str, published: tuple[int, str]) -> None:
    params, gmacs = published
    totals = report(name).totals
    assert totals.trainable_params == params
    assert gmacs_as_published(int(totals.macs), gmacs) == gmacs
    assert totals.output_shape.as_list() == [1000]


@pytest.mark.parametrize(("name", "crop"), CROP.items())
def test_input_is_the_default_crop(name: str, crop: int) -> None:
    assert report(name).input_shape.as_list() == [crop, crop, 3]


def test_rounding_to_fewer_decimals() -> None:
    assert gmacs_as_published(800_499_999, "0.8") == "0.8"
    assert gmacs_as_published(850_000_000, "0.8") == "0.9"
    assert gmacs_as_published(374_565_000_000, "374.57") == "374.57"
    assert gmacs_as_published(413_652_000, "0.414") == "0.414"
