"""The classic built-ins against the torchvision modules themselves: the second-round files (VGG-11/13
and the batch-norm VGGs, ResNeXt, Wide ResNet, DenseNet-161/169/201, SqueezeNet 1.1, Inception v3)
and, for free coverage, the first-round classics already in the zoo.

Each model is built on the meta device and measured by ``tests/torchvision_oracle.py`` (which
skips this module when torch or torchvision is missing): output shape, trainable parameters,
BatchNorm running statistics and ``FlopCounterMode`` multiply-accumulates must equal cnncalc's.
"""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from tests.torchvision_oracle import build, measure
from tests.zoo.test_zoo_classic import INCEPTION_V3_INFERENCE_PARAMS, INCEPTION_V3_NUM_PARAMS

SECOND_ROUND = [
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16_bn",
    "vgg19_bn",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "resnext101_64x4d",
    "wide_resnet50_2",
    "wide_resnet101_2",
    "densenet161",
    "densenet169",
    "densenet201",
    "squeezenet1_1",
    "inception_v3",
]
FIRST_ROUND = [
    "alexnet",
    "vgg16",
    "vgg19",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "googlenet",
    "squeezenet1_0",
    "densenet121",
    "mobilenet_v2",
]

# The zoo describes the inference networks: torchvision's GoogLeNet and Inception v3 without their
# auxiliary classifiers, which run only in training (init_weights=False spares the slow
# truncated-normal initialisation, which the meta device would not run anyway).
CONFIG: dict[str, dict[str, Any]] = {
    "googlenet": {"aux_logits": False, "init_weights": False},
    "inception_v3": {"aux_logits": False, "init_weights": False},
}


@pytest.mark.parametrize("name", SECOND_ROUND + FIRST_ROUND)
def test_matches_the_torchvision_module(name: str) -> None:
    report = analyze(load(f"zoo:{name}"))
    height, width, channels = report.input_shape.as_list()
    measured = measure(build(name, **CONFIG.get(name, {})), (height, width), channels)
    totals = report.totals
    assert totals.output_shape.as_list() == measured.outputs[0]
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs


def test_inception_v3_published_params_are_the_inference_network_plus_the_aux_head() -> None:
    with_aux = build("inception_v3", aux_logits=True, init_weights=False)
    aux_head = sum(p.numel() for p in with_aux.AuxLogits.parameters())
    assert sum(p.numel() for p in with_aux.parameters()) == INCEPTION_V3_NUM_PARAMS
    assert INCEPTION_V3_NUM_PARAMS - aux_head == INCEPTION_V3_INFERENCE_PARAMS
    assert analyze(load("zoo:inception_v3")).totals.trainable_params == INCEPTION_V3_INFERENCE_PARAMS
