"""EfficientNet B0-B7, EfficientNetV2 S/M/L and MobileNetV3 Large/Small against torchvision's
published figures (no torch needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import load
from tests.zoo.test_zoo import giga

# torchvision/models/efficientnet.py and mobilenetv3.py, the default weights' metadata
# (`<Weights>.IMAGENET1K_V1.meta`; efficientnet_b1 and mobilenet_v3_large default to IMAGENET1K_V2,
# whose figures are the same): "num_params", "_ops" (GFLOPS = GMACs) and the transforms' crop_size.
PUBLISHED = {
    "efficientnet_b0": (5_288_548, "0.386", 224),
    "efficientnet_b1": (7_794_184, "0.687", 240),
    "efficientnet_b2": (9_109_994, "1.088", 288),
    "efficientnet_b3": (12_233_232, "1.827", 300),
    "efficientnet_b4": (19_341_616, "4.394", 380),
    "efficientnet_b5": (30_389_784, "10.266", 456),
    "efficientnet_b6": (43_040_704, "19.068", 528),
    "efficientnet_b7": (66_347_960, "37.746", 600),
    "efficientnet_v2_s": (21_458_488, "8.366", 384),
    "efficientnet_v2_m": (54_139_356, "24.582", 480),
    "efficientnet_v2_l": (118_515_272, "56.08", 480),  # published with 2 decimals
    "mobilenet_v3_large": (5_483_032, "0.217", 224),
    "mobilenet_v3_small": (2_542_856, "0.057", 224),
}


def report(name: str) -> Report:
    return analyze(load(f"zoo:{name}"))


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items(), ids=list(PUBLISHED))
def test_matches_torchvision_published_figures(name: str, published: tuple[int, str, int]) -> None:
    params, gmacs, crop = published
    result = report(name)
    assert result.input_shape.as_list() == [crop, crop, 3]
    assert result.totals.trainable_params == params
    assert giga(int(result.totals.macs), len(gmacs.split(".")[1])) == gmacs
    assert result.totals.output_shape.as_list() == [1000]


def test_rounded_agrees_with_giga() -> None:
    assert giga(56_079_699_008, 2) == "56.08"
    assert giga(56_075_000_000, 2) == "56.08"
    assert giga(56_074_999_999, 2) == "56.07"
    assert giga(385_814_752, 3) == giga(385_814_752) == "0.386"


@pytest.mark.parametrize("name", ["efficientnet_b0", "efficientnet_v2_s", "mobilenet_v3_small"])
def test_cli_summary_and_receptive_field_run(name: str, run_cli: Callable[..., Any]) -> None:
    for args in (("summary", f"zoo:{name}", "--json"), ("receptive-field", f"zoo:{name}")):
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
