"""Compare one counter's figures for a PyTorch module with cnncalc's ``--convention`` figures.

Totals (MACs and parameters) must be equal; where the tool reports per module (thop and
torchinfo per layer, fvcore per operator) the sums per layer kind must be equal too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cnncalc.analysis import Report
from cnncalc.conventions import CONVENTIONS, count
from tests.conventions.counters import TOOLS

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
    for row in count(report, CONVENTIONS[tool]).rows:
        group = _KIND_GROUP.get(row.row.kind, row.row.kind)
        if tool == "fvcore" and group == "deconv":
            group = "conv"
        sums[group] += int(row.macs)
    return {k: v for k, v in sums.items() if v}


def check(tool: str, model: Any, report: Report, *, per_layer: bool = False) -> None:
    """Run ``tool`` on ``model`` (input: the report's) and require cnncalc's convention figures.

    With ``per_layer`` (modules defined in the order they run, one per counted layer) the
    non-zero figures of thop and torchinfo must also equal cnncalc's layer by layer."""
    spatial = report.input_shape.spatial
    shape = (int(report.input_shape.channels), *(int(d) for d in spatial))
    measured = TOOLS[tool](model, shape)
    counted = count(report, CONVENTIONS[tool])
    theirs: dict[str, int] = {}
    for key, value in measured.by_module.items():
        if value:
            group = _TOOL_GROUP.get(key, key)
            theirs[group] = theirs.get(group, 0) + value
    if theirs:
        assert _ours_by_group(report, tool) == theirs, f"{tool}: per-kind sums differ"
    assert (counted.macs, counted.params) == (measured.macs, measured.params), f"{tool}: totals differ"
    if per_layer and tool in ("thop", "torchinfo"):
        assert [int(row.macs) for row in counted.rows if row.macs] == measured.per_layer, f"{tool}: layers differ"
