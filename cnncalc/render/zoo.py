"""The ``cnncalc zoo`` catalogue: one row per built-in model, as a rich table or JSON."""

from __future__ import annotations

from typing import Any

from cnncalc.analysis import Report
from cnncalc.render.json_report import field_json, shape_json
from cnncalc.zoo import ZooModel

ZOO_SCHEMA = "cnncalc.zoo/1"
Entry = tuple[ZooModel, Report]


def zoo_json(entries: list[Entry]) -> dict[str, Any]:
    return {
        "schema": ZOO_SCHEMA,
        "models": [
            {
                "name": model.name,
                "family": model.family,
                "description": model.description,
                "source": model.source,
                "input": shape_json(report.input_shape),
                "trainable_params": report.totals.trainable_params,
                "non_trainable_params": report.totals.non_trainable_params,
                "macs": report.totals.macs,
                "flops": report.totals.flops,
                "receptive_field": field_json(report.totals.receptive_field),
            }
            for model, report in entries
        ],
    }


def zoo_markdown(entries: list[Entry]) -> str:
    """A GitHub-flavoured Markdown table of the catalogue."""
    from cnncalc.render import formatting as fmt

    lines = [
        "| family | model | input | params | MACs | conv MACs | RF (size, jump) | description |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for model, report in entries:
        field = report.totals.receptive_field
        conv_macs = sum(int(row.macs) for row in report.rows if row.kind != "fc")
        rf = f"{fmt.per_dim(field.size)}, {fmt.per_dim(field.jump)}" if field else "n/a"
        lines.append(
            f"| {model.family} | `{model.name}` | {fmt.shape(report.input_shape)}"
            f" | {fmt.number(report.totals.trainable_params)} | {fmt.si(report.totals.macs)}"
            f" | {fmt.si(conv_macs)} | {rf} | {model.description} |"
        )
    return "\n".join(lines)


def render_zoo(entries: list[Entry]) -> Any:
    from rich.text import Text

    from cnncalc.render import formatting as fmt
    from cnncalc.render.table import new_table

    table = new_table(
        "cnncalc zoo — use as zoo:NAME; 'cnncalc zoo show NAME' prints the file",
        "name|input|>params|>MACs|RF|description|source",
    )
    family = None
    for model, report in entries:
        if model.family != family:
            if family is not None:
                table.add_section()
            family = model.family
            table.add_row(Text(family, style="bold"))
        field = report.totals.receptive_field
        table.add_row(
            model.name,
            fmt.shape(report.input_shape),
            fmt.number(report.totals.trainable_params),
            fmt.si(report.totals.macs),
            fmt.per_dim(field.size) if field else "n/a",
            model.description,
            model.source,
        )
    return table
