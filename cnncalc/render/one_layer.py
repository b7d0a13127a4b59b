"""The JSON of ``cnncalc layer`` and ``cnncalc padding``, and the padding command's result table.

(The result table of ``cnncalc layer`` is :func:`cnncalc.render.layer.layer_fields`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnncalc.analysis import LayerRow
from cnncalc.dims import Dim, to_json
from cnncalc.formula import Line
from cnncalc.layers.common import dim_name
from cnncalc.one_layer import PaddingResult
from cnncalc.render.json_report import layer_json
from cnncalc.render.worked_solution import line_json

LAYER_SCHEMA = "cnncalc.layer/1"
PADDING_SCHEMA = "cnncalc.padding/1"


def layer_document(row: LayerRow, lines: Sequence[Line]) -> dict[str, Any]:
    """``cnncalc layer --json``: the layer as ``summary`` writes it, and its working."""
    return {"schema": LAYER_SCHEMA, "layer": layer_json(row), "working": [line_json(x) for x in lines]}


def padding_fields(result: PaddingResult) -> list[tuple[str, str]]:
    """Per dim: the input size, the resolved ``(start, end)`` padding and the output size."""
    row = result.row
    window = row.window
    assert window is not None
    rank = len(window.kernel)
    out = []
    for axis, (start, end) in enumerate(window.padding):
        size, output = row.input_shape.spatial[axis], row.output_shape.spatial[axis]
        out.append((dim_name(rank, axis), f"I = {size}: (Ps, Pe) = ({start}, {end}), O = {output}"))
    return out


def padding_document(result: PaddingResult) -> dict[str, Any]:
    """``cnncalc padding --json``: sizes per dim, the resolved pairs, and the working."""
    row = result.row
    window = row.window
    assert window is not None

    def ints(values: Sequence[Dim]) -> list[int | str]:
        return [to_json(v) for v in values]

    return {
        "schema": PADDING_SCHEMA,
        "mode": result.mode,
        "input": ints(row.input_shape.spatial),
        "kernel": list(window.kernel),
        "stride": list(window.stride),
        "dilation": list(window.dilation),
        "padding": [ints(list(pair)) for pair in window.padding],
        "output": ints(row.output_shape.spatial),
        "working": [line_json(x) for x in result.lines],
    }
