"""``--format csv`` and ``--format markdown`` for ``summary`` and ``receptive-field``: what people paste.

CSV: one header row, one row per shown entry (every layer, or the groups of ``--depth``),
exact integers without separators, shapes and per-dim values as ``224x224x3``, padding as
``start:end`` per dim; an empty cell where a value does not apply. Markdown: a GitHub table
(numbers right-aligned, with separators) and the totals as a list below it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from cnncalc.analysis import LayerRow, Report
from cnncalc.dims import Dim, text
from cnncalc.formatting import exact
from cnncalc.model import Shape, Window
from cnncalc.receptive import Field, FieldState
from cnncalc.render import formatting as fmt
from cnncalc.render.groups import entries, single

SUMMARY_HEADER = (
    "index", "last_index", "block", "label", "kind", "input", "output", "kernel", "stride", "dilation", "padding",
    "trainable_params", "non_trainable_params", "macs", "receptive_field",
)  # fmt: skip
RECEPTIVE_HEADER = ("index", "label", "kind", "block", "output", "size", "jump", "effective_padding")


def _dims(values: Sequence[Dim]) -> str:
    return "x".join(text(v) for v in values)


def _shape(shape: Shape) -> str:
    return _dims(shape.as_list())


def _window(window: Window | None) -> tuple[str, str, str, str]:
    if window is None:
        return ("", "", "", "")
    padding = "x".join(f"{text(s)}:{text(e)}" for s, e in window.padding)
    return (_dims(window.kernel), _dims(window.stride), _dims(window.dilation), padding)


def _field(field: FieldState) -> str:
    if isinstance(field, Field):
        return _dims(field.size)
    return "global" if field == "global" else ""


def _summary_records(report: Report, depth: int | None) -> list[tuple[str, ...]]:
    shown = [single(row, within=True) for row in report.rows] if depth is None else entries(report.rows, depth)
    records: list[tuple[str, ...]] = []
    for entry in shown:
        block = ".".join(entry.group or entry.within)
        records.append(
            (
                str(entry.first),
                str(entry.last),
                block,
                entry.label or "",
                entry.kind,
                _shape(entry.input_shape),
                _shape(entry.output_shape),
                *_window(entry.window),
                text(entry.trainable_params),
                text(entry.non_trainable_params),
                text(entry.macs),
                _field(entry.receptive_field),
            )
        )
    return records


def _csv(header: Sequence[str], records: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue()


def summary_csv(report: Report, depth: int | None = None) -> str:
    """Every layer (or every group at ``depth``), exact integers."""
    return _csv(SUMMARY_HEADER, _summary_records(report, depth))


def _markdown(header: Sequence[str], right: set[str], records: Sequence[Sequence[str]]) -> str:
    def cell(value: str) -> str:
        return value.replace("|", "\\|") if value else " "

    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if name in right else "---" for name in header) + "|",
    ]
    lines.extend("| " + " | ".join(cell(value) for value in record) + " |" for record in records)
    return "\n".join(lines) + "\n"


def summary_markdown(report: Report, depth: int | None = None) -> str:
    """A GitHub table of the layers (or groups), then the totals as a list."""
    records: list[tuple[str, ...]] = []
    for record in _summary_records(report, depth):
        index = record[0] if record[0] == record[1] else f"{record[0]}-{record[1]}"
        name = record[2] if record[4] == "block" else (f"{record[3]}: {record[4]}" if record[3] else record[4])
        counts = [exact(int(value)) if value.lstrip("-").isdigit() else value for value in record[11:14]]
        records.append(
            (index, name.replace("|", "\\|"), *record[5:8], record[10], *(c.split(" (")[0] for c in counts), record[14])
        )
    header = ("#", "layer", "input", "output", "kernel", "padding", "params", "non-trainable", "MACs", "RF")
    totals = report.totals
    lines = [
        f"**cnncalc summary — {report.source}**",
        "",
        _markdown(header, {"#", "params", "non-trainable", "MACs"}, records),
        f"- Input: {_shape(report.input_shape)}; output: {_shape(totals.output_shape)}; layers: {len(report.rows)}",
        f"- Params: {exact(totals.total_params)} total = {exact(totals.trainable_params)} trainable"
        f" + {exact(totals.non_trainable_params)} non-trainable",
        f"- MACs: {exact(totals.macs)}; FLOPs (2 x MACs): {exact(totals.flops)}",
        "- Receptive field: "
        + (
            f"{fmt.per_dim(totals.receptive_field.size)} (jump {fmt.per_dim(totals.receptive_field.jump)})"
            if totals.receptive_field
            else "n/a"
        ),
    ]
    return "\n".join(lines) + "\n"


def _receptive_records(rows: Sequence[LayerRow]) -> list[tuple[str, ...]]:
    records: list[tuple[str, ...]] = []
    for row in rows:
        field = row.receptive_field
        concrete = field if isinstance(field, Field) else None
        records.append(
            (
                str(row.index),
                row.label or "",
                row.kind,
                ".".join(row.block),
                _shape(row.output_shape),
                _field(field),
                _dims(concrete.jump) if concrete else "",
                _dims(concrete.padding) if concrete else "",
            )
        )
    return records


def receptive_csv(report: Report) -> str:
    return _csv(RECEPTIVE_HEADER, _receptive_records(report.rows))


def receptive_markdown(report: Report) -> str:
    records = [
        (r[0], f"{r[1]}: {r[2]}" if r[1] else r[2], r[4], r[5], r[6], r[7]) for r in _receptive_records(report.rows)
    ]
    header = ("#", "layer", "output", "size", "jump", "effective padding")
    final = report.totals.receptive_field
    closing = f"{fmt.per_dim(final.size)} (jump {fmt.per_dim(final.jump)})" if final else "n/a"
    return (
        f"**cnncalc receptive field — {report.source}**\n\n"
        + _markdown(header, {"#"}, records)
        + f"\n- Receptive field of the backbone: {closing}\n"
    )
