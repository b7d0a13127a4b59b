"""How a layer is written in the PyTorch network a counter runs on, as data.

Hook-based counters (ptflops, thop, torchinfo) see ``nn.Module`` s, matched on their exact
class (ptflops, thop); ptflops also sees the ``torch.nn.functional`` calls it patches; fvcore
sees the traced ``aten`` operators whichever way they were written. So the same network
counts differently when its global average pool is ``nn.AdaptiveAvgPool2d`` (a module),
``F.adaptive_avg_pool2d`` (functional) or ``x.mean([2, 3])`` (a tensor method). The forms:

- ``module``: the layer's own ``nn`` module (what cnncalc's PyTorch export writes);
- ``functional``: a ``torch.nn.functional`` call inside a larger module's ``forward``;
- ``method``: a tensor method (``x.mean([2, 3])``);
- ``subclass``: a subclass of the module whose own ``forward`` calls the functional op
  (torchvision's ``LayerNorm2d(nn.LayerNorm)``, permuting around ``F.layer_norm``);
- ``linear``: a 1x1 conv written as ``nn.Linear`` on a channels-last tensor (ConvNeXt's
  ``CNBlock``, between ``Permute`` modules).

How each counter counts each form is in the conventions (``kind/form`` rules and
``Convention.like_module``). cnncalc assumes one module per layer, except for the zoo
models whose torchvision source writes a layer otherwise: those are listed here, from
torchvision 0.29's ``models/*.py``. A report analysed from anything but ``zoo:NAME`` is
taken as written the way cnncalc's export writes it: a module per layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Literal

from cnncalc.analysis import LayerRow, Report
from cnncalc.conventions.table import FORMS, Form

__all__ = ["FORMS", "FORM_TEXT", "ZOO_FORMS", "Form", "Written", "describe", "written_forms", "zoo_name"]


@dataclass(frozen=True, slots=True)
class Written:
    """Rows of ``kind`` written as ``form``.

    ``rows`` picks every such row, the last one, or the ones at the file's top level (outside
    ``repeat`` and named blocks); ``kernel`` keeps only rows whose
    kernel is that size in every dim; ``skip`` leaves the first rows picked as modules."""

    kind: str
    form: Form
    rows: Literal["all", "last", "top_level"] = "all"
    kernel: int | None = None
    skip: int = 0

    def picks(self, row: LayerRow) -> bool:
        if row.kind != self.kind:
            return False
        if self.rows == "top_level" and row.block:
            return False
        kernel = row.spec.kernel
        return self.kernel is None or (kernel is not None and all(k == self.kernel for k in kernel))


ZOO_FORMS: Mapping[str, tuple[Written, ...]] = {
    # mobilenetv2.py MobileNetV2._forward_impl: nn.functional.adaptive_avg_pool2d(x, (1, 1))
    "mobilenet_v2": (Written("gap", "functional", "last"),),
    # densenet.py DenseNet.forward: F.relu(features), F.adaptive_avg_pool2d(out, (1, 1))
    "densenet*": (Written("relu", "functional", "last"), Written("gap", "functional", "last")),
    # shufflenetv2.py ShuffleNetV2._forward_impl and mnasnet.py MNASNet.forward: x.mean([2, 3])
    "shufflenet_v2_*": (Written("gap", "method", "last"),),
    "mnasnet*": (Written("gap", "method", "last"),),
    # googlenet.py BasicConv2d.forward: F.relu(x)
    "googlenet": (Written("relu", "functional"),),
    # inception.py BasicConv2d.forward: F.relu(x); InceptionA/C/E branch_pool: F.avg_pool2d;
    # InceptionB/D: F.max_pool2d; only the stem's maxpool1/maxpool2 are nn.MaxPool2d
    "inception_v3": (
        Written("relu", "functional"),
        Written("avgpool", "functional"),
        Written("maxpool", "functional", skip=2),
    ),
    # convnext.py: the stem's, the downsampling layers' and the classifier's norm is LayerNorm2d
    # (an nn.LayerNorm subclass permuting around F.layer_norm); CNBlock's 1x1 convs are nn.Linear
    # on the permuted (channels-last) tensor; the block's own norm is a plain nn.LayerNorm
    "convnext_*": (Written("layernorm", "subclass", "top_level"), Written("conv", "linear", kernel=1)),
    # segmentation/fcn.py, deeplabv3.py, lraspp.py: F.interpolate(..., mode="bilinear")
    **{p: (Written("upsample", "functional"),) for p in ("fcn_*", "deeplabv3_*", "lraspp_*")},
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
        for entry in written:
            rows = [row.index for row in report.rows if entry.picks(row)][entry.skip :]
            for index in rows if entry.rows != "last" else rows[-1:]:
                forms[index] = entry.form
    return forms


#: how each form reads in ``compare`` and under ``summary --convention``
FORM_TEXT: Mapping[Form, str] = {
    "module": "modules",
    "functional": "torch.nn.functional calls",
    "method": "tensor methods",
    "subclass": "a module subclass (LayerNorm2d)",
    "linear": "nn.Linear on channels-last tensors",
}


def describe(source: str, kinds: Mapping[int, str], forms: Mapping[int, Form]) -> str | None:
    """``Written as torchvision writes zoo:NAME: 9 relu as torch.nn.functional calls, ...``

    ``kinds`` maps row index -> kind; ``None`` when every layer is a module."""
    counts: dict[tuple[str, Form], int] = {}
    for index, form in forms.items():
        if form != "module":
            counts[kinds[index], form] = counts.get((kinds[index], form), 0) + 1
    if not counts:
        return None
    parts = [f"{n} {kind} as {FORM_TEXT[form]}" for (kind, form), n in counts.items()]
    return f"Written as torchvision writes {source}: {', '.join(parts)}; every other layer as a module"
