"""Rendering reference results: matrices as rich tables (one per channel, per depth slice) or JSON."""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

from cnncalc.course.numbers import json_number, show_written
from cnncalc.reference.commands import ReferenceResult


def _json_nested(value: Any) -> Any:
    if isinstance(value, list):
        return [_json_nested(v) for v in value]
    return json_number(value)


def reference_json(result: ReferenceResult) -> dict[str, Any]:
    out = result.output
    nested = _json_nested(out.to_nested())
    document: dict[str, Any] = {
        "schema": "cnncalc.reference/1",
        "output": nested,
        "output_shape": out.shape,
        "padding": [list(p) for p in result.padding],
    }
    if result.workings:
        document["explain"] = [
            {
                "cell": list(w.cell),
                "filter": w.filter_index,
                "terms": [[json_number(v), json_number(k)] for v, k in w.terms],
                "bias": None if w.bias is None else json_number(w.bias),
                "value": json_number(w.total),
                "text": w.text(partial(show_written, fractions=result.fractions)),
            }
            for w in result.workings
        ]
    return document


def render_reference(result: ReferenceResult, title: str) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    out = result.output
    show = partial(show_written, fractions=result.fractions)
    parts: list[Any] = []
    rows_dim = out.spatial[-2] if len(out.spatial) >= 2 else 1
    cols = out.spatial[-1] if out.spatial else 1
    outer = out.spatial[:-2] if len(out.spatial) > 2 else ()
    plane_size = rows_dim * cols
    for c in range(out.channels):
        for slice_index, prefix in enumerate(itertools.product(*(range(s) for s in outer))):
            label = f"{title} — output {'×'.join(map(str, out.shape))}"
            if out.channels > 1:
                label += f", channel {c}"
            if outer:
                label += f", depth {', '.join(map(str, prefix))}"
            table = Table(title=label, title_justify="left", show_header=False)
            for _ in range(cols):
                table.add_column(justify="right")
            start = slice_index * plane_size
            for r in range(rows_dim):
                table.add_row(*(show(v) for v in out.data[c][start + r * cols : start + (r + 1) * cols]))
            parts.append(table)
    for working in result.workings:
        parts.append(Text(working.text(show)))
    return Group(*parts)
