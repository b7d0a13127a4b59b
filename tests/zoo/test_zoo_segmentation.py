"""The segmentation built-ins against their published figures (no torch needed).

torchvision's six segmentation models are described as torchvision publishes them: with the
auxiliary head (flag ``output``) where the default weights have one. U-Net is checked against the
sizes of Figure 1 of Ronneberger et al. 2015.
"""

from __future__ import annotations

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import load
from tests.zoo.test_zoo import giga

# "num_params" and "_ops" (GFLOPS = GMACs, 3 decimals) of the default weights
# (COCO_WITH_VOC_LABELS_V1), copied from torchvision/models/segmentation/fcn.py
# (FCN_ResNet50_Weights, FCN_ResNet101_Weights), deeplabv3.py (DeepLabV3_ResNet50_Weights,
# DeepLabV3_ResNet101_Weights, DeepLabV3_MobileNet_V3_Large_Weights) and lraspp.py
# (LRASPP_MobileNet_V3_Large_Weights), ``.COCO_WITH_VOC_LABELS_V1.meta``.
PUBLISHED = {
    "fcn_resnet50": (35_322_218, "152.717"),
    "fcn_resnet101": (54_314_346, "232.738"),
    "deeplabv3_resnet50": (42_004_074, "178.722"),
    "deeplabv3_resnet101": (60_996_202, "258.743"),
    "deeplabv3_mobilenet_v3_large": (11_029_328, "10.452"),
    "lraspp_mobilenet_v3_large": (3_221_538, "2.086"),
}
WITH_AUX = {name for name in PUBLISHED if not name.startswith("lraspp")}
VOC_CLASSES = 21  # 20 Pascal VOC categories and the background

# Figure 1 of the U-Net paper: the map sizes on the contracting path (before each pool) and
# after each up-convolution, and the output map.
UNET_FIGURE_1 = {
    "e1": [568, 568, 64],
    "e2": [280, 280, 128],
    "e3": [136, 136, 256],
    "e4": [64, 64, 512],
    "u4": [56, 56, 512],
    "u3": [104, 104, 256],
    "u2": [200, 200, 128],
    "u1": [392, 392, 64],
}


def report(name: str) -> Report:
    return analyze(load(f"zoo:{name}"))


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items())
def test_matches_published_figures(name: str, published: tuple[int, str]) -> None:
    params, gmacs = published
    totals = report(name).totals
    assert totals.trainable_params == params
    assert giga(int(totals.macs)) == gmacs


@pytest.mark.parametrize("name", PUBLISHED)
def test_outputs_are_full_resolution_class_maps(name: str) -> None:
    rep = report(name)
    assert rep.input_shape.as_list() == [520, 520, 3]  # SemanticSegmentation(resize_size=520)
    full = [520, 520, VOC_CLASSES]
    assert rep.totals.output_shape.as_list() == full
    expected = [full, full] if name in WITH_AUX else [full]  # result["out"] (last line), then result["aux"]
    assert [shape.as_list() for shape in rep.totals.outputs] == expected


def test_unet_maps_figure_1() -> None:
    rep = report("unet")
    assert rep.input_shape.as_list() == [572, 572, 1]
    assert rep.totals.output_shape.as_list() == [388, 388, 2]
    assert [shape.as_list() for shape in rep.totals.outputs] == [[388, 388, 2]]
    labelled = {row.label: row.output_shape.as_list() for row in rep.rows if row.label}
    assert {label: labelled[label] for label in UNET_FIGURE_1} == UNET_FIGURE_1
    crops = [row for row in rep.rows if row.kind == "crop"]
    assert [row.output_shape.as_list() for row in crops] == [UNET_FIGURE_1[u] for u in ("u4", "u3", "u2", "u1")]
