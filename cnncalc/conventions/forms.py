"""How a layer is written in the PyTorch network a counter runs on, as data.

Hook-based counters (ptflops, thop, torchinfo) see ``nn.Module`` s; ptflops also sees the
``torch.nn.functional`` calls it patches; fvcore sees the traced ``aten`` operators
whichever way they were written. So the same network counts differently when its global
average pool is ``nn.AdaptiveAvgPool2d`` (a module), ``F.adaptive_avg_pool2d`` (functional)
or ``x.mean([2, 3])`` (a tensor method). cnncalc assumes one module per layer, except for
the zoo models whose torchvision source writes a layer otherwise: those are listed here,
from torchvision 0.29's ``models/*.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatch
from typing import Literal

from cnncalc.analysis import Report

Form = Literal["module", "functional", "method"]
#: (kind, which rows: "all" or "last", form)
Written = tuple[tuple[str, Literal["all", "last"], Form], ...]

ZOO_FORMS: Mapping[str, Written] = {
    # mobilenetv2.py MobileNetV2._forward_impl: nn.functional.adaptive_avg_pool2d(x, (1, 1))
    "mobilenet_v2": (("gap", "last", "functional"),),
    # densenet.py DenseNet.forward: F.relu(features), F.adaptive_avg_pool2d(out, (1, 1))
    "densenet*": (("relu", "last", "functional"), ("gap", "last", "functional")),
    # shufflenetv2.py ShuffleNetV2._forward_impl and mnasnet.py MNASNet.forward: x.mean([2, 3])
    "shufflenet_v2_*": (("gap", "last", "method"),),
    "mnasnet*": (("gap", "last", "method"),),
    # googlenet.py BasicConv2d.forward: F.relu(x)
    "googlenet": (("relu", "all", "functional"),),
    # segmentation/fcn.py, deeplabv3.py, lraspp.py: F.interpolate(..., mode="bilinear")
    **{p: (("upsample", "all", "functional"),) for p in ("fcn_*", "deeplabv3_*", "lraspp_*")},
}


def zoo_name(source: str) -> str | None:
    return source.removeprefix("zoo:") if source.startswith("zoo:") else None


def written_forms(report: Report) -> dict[int, Form]:
    """Row index -> form, for the rows not written as a module (empty outside the zoo)."""
    name = zoo_name(report.source)
    if name is None:
        return {}
    forms: dict[int, Form] = {}
    for pattern, written in ZOO_FORMS.items():
        if not fnmatch(name, pattern):
            continue
        for kind, which, form in written:
            rows = [row.index for row in report.rows if row.kind == kind]
            for index in rows if which == "all" else rows[-1:]:
                forms[index] = form
    return forms
