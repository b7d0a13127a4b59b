"""EfficientNet B0-B7, EfficientNetV2 S/M/L and MobileNetV3 Large/Small against the torchvision
modules themselves, measured on the meta device (skipped without torch and torchvision)."""

from __future__ import annotations

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load

oracle = pytest.importorskip("tests.torchvision_oracle")

# Each zoo file's input is the crop size of the default weights' transforms.
CROPS = {
    "efficientnet_b0": 224,
    "efficientnet_b1": 240,
    "efficientnet_b2": 288,
    "efficientnet_b3": 300,
    "efficientnet_b4": 380,
    "efficientnet_b5": 456,
    "efficientnet_b6": 528,
    "efficientnet_b7": 600,
    "efficientnet_v2_s": 384,
    "efficientnet_v2_m": 480,
    "efficientnet_v2_l": 480,
    "mobilenet_v3_large": 224,
    "mobilenet_v3_small": 224,
}


@pytest.mark.parametrize(("name", "crop"), CROPS.items(), ids=list(CROPS))
def test_matches_the_torchvision_module(name: str, crop: int) -> None:
    totals = analyze(load(f"zoo:{name}")).totals
    measured = oracle.measure(oracle.build(name), (crop, crop))
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs
    assert [totals.output_shape.as_list()] == measured.outputs


@pytest.mark.parametrize("name", ["efficientnet_b0", "efficientnet_v2_s", "mobilenet_v3_large"])
def test_matches_the_module_at_another_size(name: str) -> None:
    # The files follow the module, not one input size: a 256x320 input gives the same counts as torch.
    totals = analyze(load(f"zoo:{name}", "256x320x3")).totals
    measured = oracle.measure(oracle.build(name), (256, 320))
    assert totals.trainable_params == measured.trainable_params
    assert totals.macs == measured.macs
    assert [totals.output_shape.as_list()] == measured.outputs


def test_default_crops_are_torchvision_s() -> None:
    for name, crop in CROPS.items():
        transforms = oracle.models.get_model_weights(name).DEFAULT.transforms
        assert transforms.keywords["crop_size"] == crop, name
