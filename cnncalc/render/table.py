"""Rich tables for ``summary`` and ``receptive-field``; they build renderables, never print."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cnncalc.analysis import Report
from cnncalc.model import Shape
from cnncalc.receptive import Field
from cnncalc.render import formatting as fmt
from cnncalc.render.diagnostics import describe


def _warnings(report: Report) -> list[Text]:
    lines = []
    for row, message in report.warnings():
        lines.append(
            Text(f"warning: line {row.line} (#{row.index} {row.kind}): {describe(message)}", style="yellow")
        )
    return lines


def new_table(title: str, columns: str) -> Table:
    """A table whose columns are named in one string; ``>`` before a name right-aligns it."""
    table = Table(title=title, title_justify="left")
    for name in columns.split("|"):
        right = name.startswith(">")
        table.add_column(name.removeprefix(">"), justify="right" if right else "left")
    return table


def _layer_name(label: str | None, kind: str) -> str:
    return f"{label}: {kind}" if label else kind


def render_summary(report: Report, *, dtype: str = "float32", bytes_per_element: int = 4) -> RenderableType:
    table = new_table(
        f"cnncalc summary — {report.source}",
        ">#|layer|input|output|kernel|stride|padding|>params|>non-train.|>MACs|RF",
    )
    for row in report.rows:
        window = row.window
        table.add_row(
            str(row.index),
            _layer_name(row.label, row.kind),
            fmt.shape(row.input_shape),
            fmt.shape(row.output_shape),
            fmt.kernel(window) if window else "",
            fmt.per_dim(window.stride) if window else "",
            fmt.padding(window) if window else "",
            fmt.number(row.trainable_params),
            fmt.number(row.non_trainable_params),
            fmt.number(row.macs),
            fmt.field_size(row.receptive_field, row.field_notes),
        )
    totals = report.totals
    field = totals.receptive_field
    field_text = (
        f"{fmt.per_dim(field.size)} (jump {fmt.per_dim(field.jump)}, effective padding {fmt.per_dim(field.padding)})"
        if field
        else "n/a"
    )
    summary = Text(
        "\n".join(
            [
                f"Input: {fmt.shape(report.input_shape)}    {_outputs(totals.outputs)}    Layers: {len(report.rows)}",
                f"Params: {fmt.exact(totals.total_params)} total = {fmt.exact(totals.trainable_params)} trainable"
                f" + {fmt.exact(totals.non_trainable_params)} non-trainable",
                f"MACs: {fmt.exact(totals.macs)}    FLOPs (2 x MACs): {fmt.exact(totals.flops)}",
                f"Activations: {fmt.exact(totals.activations)} elements = "
                f"{fmt.megabytes(totals.activations, bytes_per_element)} MB at {dtype}",
                f"Receptive field: {field_text}",
            ]
        )
    )
    return Group(table, summary, *_warnings(report))


def _outputs(outputs: tuple[Shape, ...]) -> str:
    """``Output: 10``, or ``Outputs: 520×520×21 (last line), 520×520×21`` with auxiliary heads."""
    if len(outputs) == 1:
        return f"Output: {fmt.shape(outputs[0])}"
    return f"Outputs: {fmt.shape(outputs[0])} (last line), " + ", ".join(fmt.shape(s) for s in outputs[1:])


def render_receptive(report: Report) -> RenderableType:
    table = new_table(f"cnncalc receptive field — {report.source}", ">#|layer|output|size|jump|eff. padding")
    for row in report.rows:
        field = row.receptive_field
        concrete = field if isinstance(field, Field) else None
        table.add_row(
            str(row.index),
            _layer_name(row.label, row.kind),
            fmt.shape(row.output_shape),
            fmt.field_size(field, row.field_notes),
            fmt.per_dim(concrete.jump) if concrete else "",
            fmt.per_dim(concrete.padding) if concrete else "",
        )
    final = report.totals.receptive_field
    closing = Text(
        f"Receptive field of the backbone: {fmt.per_dim(final.size)} (jump {fmt.per_dim(final.jump)},"
        f" effective padding {fmt.per_dim(final.padding)})"
        if final
        else "Receptive field of the backbone: n/a"
    )
    return Group(table, closing, *_warnings(report))
