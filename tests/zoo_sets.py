"""Which zoo models the zoo-wide tests run by default.

Every model, except the largest members of a family whose smaller members are written with the
same layer forms (EfficientNet-B5..B7 and V2-L, RegNetY-32GF/128GF, the ResNet-101 segmentation
models, VGG-19): they cost most of the time of a whole-zoo sweep and add no form of their own.
They still run, skipped with a visible reason by default, with ``CNNCALC_FULL_ZOO=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pytest

LARGEST = frozenset(
    {
        "efficientnet_b5",
        "efficientnet_b6",
        "efficientnet_b7",
        "efficientnet_v2_l",
        "regnet_y_32gf",
        "regnet_y_128gf",
        "fcn_resnet101",
        "deeplabv3_resnet101",
        "vgg19",
        "vgg19_bn",
    }
)
FULL_ZOO = bool(os.environ.get("CNNCALC_FULL_ZOO"))
_SKIP_LARGEST = pytest.mark.skipif(
    not FULL_ZOO, reason="the largest of its family (its forms are tested on the smaller ones): CNNCALC_FULL_ZOO=1"
)


def zoo_params(names: Iterable[str], *extra: Iterable[Any]) -> list[Any]:
    """``pytest.param`` per name (times each combination of ``extra``), the largest skipped unless FULL_ZOO."""
    combos: list[tuple[Any, ...]] = [()]
    for values in extra:
        combos = [(*combo, value) for combo in combos for value in values]
    return [
        pytest.param(name, *combo, marks=[_SKIP_LARGEST] if name in LARGEST else [])
        for name in names
        for combo in combos
    ]
