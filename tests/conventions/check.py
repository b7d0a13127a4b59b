"""Compare one counter's figures for a PyTorch module with cnncalc's ``--convention`` figures.

On any PyTorch module (torchvision's own, or one written by hand): the totals (MACs and
parameters) must be equal, and the sums per layer kind where the tool reports per module
(thop, torchinfo) or per operator (fvcore). On cnncalc's export of the architecture, whose
module names map to rows: every module's figure must equal its row's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cnncalc.analysis import Report
from cnncalc.conventions import CONVENTIONS, count
from cnncalc.conventions.forms import written_forms
from cnncalc.model import Arch
from tests.conventions.counters import TOOLS
from tests.conventions.exported import exported

#: torch module class (thop, torchinfo) or fvcore operator -> the group it is compared in
_TOOL_GROUP = {
    "Conv1d": "conv",
    "Conv2d": "conv",
    "Conv3d": "conv",
    "ConvTranspose1d": "deconv",
    "ConvTranspose2d": "deconv",
    "ConvTranspose3d": "deconv",
    "BatchNorm1d": "bn",
    "BatchNorm2d": "bn",
    "BatchNorm3d": "bn",
    "Linear": "fc",
    "AdaptiveAvgPool1d": "adaptiveavg",
    "AdaptiveAvgPool2d": "adaptiveavg",
    "AdaptiveAvgPool3d": "adaptiveavg",
    "AvgPool2d": "avgpool",
    "GroupNorm": "groupnorm",
    "InstanceNorm2d": "instancenorm",
    "LayerNorm": "layernorm",
    "LayerNorm2d": "layernorm",  # torchvision's ConvNeXt
    "PReLU": "prelu",
    "instance_norm": "instancenorm",
    "layer_norm": "layernorm",
    "Softmax": "softmax",
    "Upsample": "upsample",
    "linear": "fc",
    "addmm": "fc",
    "batch_norm": "bn",
    "adaptive_avg_pool2d": "adaptiveavg",
    "upsample_nearest2d": "upsample",
    "upsample_bilinear2d": "upsample",
    "group_norm": "groupnorm",
}
#: cnncalc kind -> group (fvcore names conv and transposed conv both "conv")
_KIND_GROUP = {"dwconv": "conv", "gap": "adaptiveavg", "adaptiveavgpool": "adaptiveavg"}


def _ours_by_group(report: Report, tool: str) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    forms = written_forms(report)
    for row in count(report, CONVENTIONS[tool]).rows:
        group = _KIND_GROUP.get(row.row.kind, row.row.kind)
        if forms.get(row.row.index) == "linear":  # a 1x1 conv written as nn.Linear (ConvNeXt)
            group = "fc"
        if tool == "fvcore" and group == "deconv":
            group = "conv"
        sums[group] += int(row.macs)
    return {k: v for k, v in sums.items() if v}


def _shape(report: Report) -> tuple[int, ...]:
    return (int(report.input_shape.channels), *(int(d) for d in report.input_shape.spatial))


def check(tool: str, model: Any, report: Report) -> None:
    """Run ``tool`` on ``model`` (input: the report's) and require cnncalc's convention figures:
    the totals, and the sums per layer kind where the tool reports per module or operator."""
    measured = TOOLS[tool](model, _shape(report))
    counted = count(report, CONVENTIONS[tool])
    theirs: dict[str, int] = {}
    for key, value in measured.by_module.items():
        if value:
            group = _TOOL_GROUP.get(key, key)
            theirs[group] = theirs.get(group, 0) + value
    if theirs:
        assert _ours_by_group(report, tool) == theirs, f"{tool}: per-kind sums differ"
    assert (counted.macs, counted.params) == (measured.macs, measured.params), f"{tool}: totals differ"


def check_per_module(tool: str, arch: Arch, report: Report) -> None:
    """Run ``tool`` on cnncalc's PyTorch export of ``arch``: every module's figure must equal its
    row's under the convention (a module per layer: no zoo forms), the rows without a module must
    count nothing, and the totals must be equal."""
    model, names = exported(arch, report)
    measured = TOOLS[tool](model, _shape(report))
    counted = count(report, CONVENTIONS[tool], forms={})
    by_index = {row.row.index: row for row in counted.rows}
    ours = {name: int(by_index[index].macs) for name, index in names.items()}
    theirs = {name: measured.per_module.get(name, 0) for name in names}
    assert theirs == ours, f"{tool}: modules differ: " + ", ".join(
        f"{name} {theirs[name]} (cnncalc {ours[name]})" for name in names if theirs[name] != ours[name]
    )
    assert not set(measured.per_module) - set(names), f"{tool}: modules cnncalc does not know"
    owned = set(names.values())
    assert [row.row.index for row in counted.rows if row.macs and row.row.index not in owned] == []
    assert (counted.macs, counted.params) == (measured.macs, measured.params), f"{tool}: totals differ"
