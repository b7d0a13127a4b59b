"""The zoo forms (``cnncalc/conventions/forms.py``) against torchvision's own modules: for every layer
kind a zoo model writes otherwise than as a module, the rows cnncalc still takes as modules must be
as many as the torchvision model's modules of exactly that class, the rows taken as a module
subclass as many as its modules of a strict subclass, and the 1x1 convs taken as ``nn.Linear``
as many as its ``nn.Linear`` s that are not the classifier. Built on the meta device: no weights.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from cnncalc.conventions.forms import ZOO_FORMS, written_forms
from tests.conventions.test_zoo_counters import CONFIG
from tests.torchvision_oracle import build, torch

nn = torch.nn

#: the module class a kind is written as in torchvision (conv and dwconv are both nn.Conv2d)
CLASSES: dict[str, Any] = {
    "relu": nn.ReLU,
    "layernorm": nn.LayerNorm,
    "conv": nn.Conv2d,
    "dwconv": nn.Conv2d,
    "maxpool": nn.MaxPool2d,
    "avgpool": nn.AvgPool2d,
    "gap": nn.AdaptiveAvgPool2d,
}
#: one model per pattern of ZOO_FORMS (the segmentation heads' F.interpolate is checked by the counters)
MODELS = [
    "mobilenet_v2",
    "densenet121",
    "shufflenet_v2_x0_5",
    "mnasnet0_5",
    "googlenet",
    "inception_v3",
    "convnext_tiny",
]


def test_every_pattern_has_a_model() -> None:
    covered = {p for p in ZOO_FORMS if any(fnmatch(name, p) for name in MODELS)}
    assert set(ZOO_FORMS) - covered == {"fcn_*", "deeplabv3_*", "lraspp_*"}


@pytest.mark.parametrize("name", MODELS)
def test_zoo_forms_match_torchvision_modules(name: str) -> None:
    report = analyze(load(f"zoo:{name}"))
    forms = written_forms(report)
    modules = list(build(name, **CONFIG.get(name, {})).modules())
    kinds = {w.kind for p, written in ZOO_FORMS.items() if fnmatch(name, p) for w in written}
    for kind in kinds:
        cls = CLASSES[kind]
        same = {k for k, c in CLASSES.items() if c is cls}  # conv and dwconv share nn.Conv2d
        rows = [r for r in report.rows if r.kind in same]
        as_module = sum(1 for r in rows if forms.get(r.index, "module") == "module")
        assert as_module == sum(1 for m in modules if type(m) is cls), f"{name}: {kind} modules"
        as_subclass = sum(1 for r in rows if forms.get(r.index) == "subclass")
        assert as_subclass == sum(1 for m in modules if isinstance(m, cls) and type(m) is not cls), name
        if cls is nn.Conv2d:
            as_linear = sum(1 for r in rows if forms.get(r.index) == "linear")
            fc = sum(1 for r in report.rows if r.kind == "fc")
            assert as_linear == sum(1 for m in modules if type(m) is nn.Linear) - fc, f"{name}: convs as nn.Linear"
