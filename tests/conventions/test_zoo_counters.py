"""Every counter on torchvision's own modules of the zoo models: cnncalc's ``--convention`` figures
must equal what fvcore, ptflops, thop, torchinfo (and torch's FlopCounterMode, torchvision's
published column) report, in total and per layer kind.

Fast tests run a representative set at a small input (the models end in adaptive pooling, so
any input works and cnncalc analyses the same input); the whole zoo at its own input is ``slow``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import parse_text
from cnncalc.model import Arch
from cnncalc.zoo import zoo_names, zoo_text
from tests.conventions.check import check, check_per_module
from tests.conventions.counters import TOOLS
from tests.torchvision_oracle import build, models
from tests.zoo_sets import zoo_params

#: the inference networks as the zoo describes them (see tests/zoo/*_torch.py)
CONFIG: dict[str, dict[str, Any]] = {
    "googlenet": {"aux_logits": False, "init_weights": False},
    "inception_v3": {"aux_logits": False, "init_weights": False},
    **{
        name: {"weights_backbone": None, "aux_loss": True}
        for name in (
            "fcn_resnet50",
            "fcn_resnet101",
            "deeplabv3_resnet50",
            "deeplabv3_resnet101",
            "deeplabv3_mobilenet_v3_large",
        )
    },
    "lraspp_mobilenet_v3_large": {"weights_backbone": None},
}

#: a global pool as a module (ResNet), a functional call (MobileNetV2) and a tensor method (ShuffleNetV2)
FAST = ["resnet18", "mobilenet_v2", "shufflenet_v2_x0_5"]
#: the rest of the representative set at the small input, marked slow (seconds each)
SLOWER = [
    "mobilenet_v3_small",
    "squeezenet1_1",
    "mnasnet0_5",
    "efficientnet_b0",
    "regnet_y_400mf",
    "densenet121",
    "googlenet",
]
SMALL_INPUT = "64x64x3"


def _zoo() -> list[str]:
    available = set(models.list_models())
    return [n for n in zoo_names() if n in available]


#: upsampling written with a fixed size= (the segmentation heads), scaled with the smaller input
SIZES = {"lraspp_mobilenet_v3_large": {"size=65x65": "size=8x8", "size=520x520": "size=64x64"}}


def _arch(name: str, input_dims: str | None) -> Arch:
    text = zoo_text(name)
    if input_dims is not None:  # the input line replaced, as --input does
        text = re.sub(r"^input \S+", f"input {input_dims}", text, count=1, flags=re.MULTILINE)
        for old, new in SIZES.get(name, {}).items():
            text = text.replace(old, new)
    return parse_text(text, f"zoo:{name}")


def _measure(tool: str, name: str, input_dims: str | None) -> None:
    report = analyze(_arch(name, input_dims))
    model = build(name, **CONFIG.get(name, {}))
    check(tool, model, report)


@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("name", FAST)
def test_representative_zoo_models_at_a_small_input(name: str, tool: str) -> None:
    _measure(tool, name, SMALL_INPUT)


@pytest.mark.slow
@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("name", SLOWER)
def test_slower_zoo_models_at_a_small_input(name: str, tool: str) -> None:
    _measure(tool, name, SMALL_INPUT)


def _cases() -> list[Any]:
    return zoo_params(_zoo(), TOOLS)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "tool"), _cases())
def test_whole_zoo_at_its_own_input(name: str, tool: str) -> None:
    _measure(tool, name, None)


#: cnncalc's own PyTorch export of the zoo files, module by module (one module per layer: the
#: zoo forms do not apply); the input is the smallest the file takes comfortably
EXPORTED_FAST = {"resnet18": "32x32x3"}
EXPORTED = {
    "mobilenet_v3_small": "64x64x3",
    "efficientnet_b0": "64x64x3",
    "convnext_tiny": "64x64x3",
    "inception_v3": "96x96x3",
    "googlenet": "64x64x3",
    "squeezenet1_1": "64x64x3",
    "shufflenet_v2_x0_5": "64x64x3",
    "lraspp_mobilenet_v3_large": "64x64x3",
    "unet": "188x188x1",
}


def _per_module(tool: str, name: str, input_dims: str | None) -> None:
    arch = _arch(name, input_dims)
    check_per_module(tool, arch, analyze(arch))


@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("name", list(EXPORTED_FAST))
def test_exported_zoo_module_by_module(name: str, tool: str) -> None:
    _per_module(tool, name, EXPORTED_FAST[name])


@pytest.mark.slow
@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("name", list(EXPORTED))
def test_more_exported_zoo_module_by_module(name: str, tool: str) -> None:
    _per_module(tool, name, EXPORTED[name])
