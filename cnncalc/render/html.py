"""The notebook face of a report: :class:`Summary` shows as the rich table in a terminal and as
an HTML table in Jupyter (``_repr_html_``), and becomes a pandas DataFrame on request.

The HTML is built from the JSON report, so it shows the same numbers under the
same names; every value is escaped. Nothing here prints.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cnncalc.analysis import LayerRow, Report, Totals

if TYPE_CHECKING:
    from rich.console import RenderableType

COLUMNS = ("#", "layer", "output shape", "trainable", "non-trainable", "MACs", "receptive field")


def _shape(values: list[Any] | None) -> str:
    return "×".join(str(v) for v in values) if values else ""


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _field(field: dict[str, Any] | None) -> str:
    return "global" if field is None else _shape(field["size"])


def render_html(report: Report) -> str:
    """A self-contained ``<table>``: one row per executed layer, then the totals."""
    from cnncalc.render.json_report import summary_json

    data = summary_json(report)
    cells = []
    for layer in data["layers"]:
        name = f"{layer['label']}: {layer['kind']}" if layer["label"] else layer["kind"]
        values = (
            layer["index"],
            name,
            _shape(layer["output_shape"]),
            _number(layer["trainable_params"]),
            _number(layer["non_trainable_params"]),
            _number(layer["macs"]),
            _field(layer["receptive_field"]),
        )
        cells.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in values) + "</tr>")
    totals = data["totals"]
    total = (
        "",
        "total",
        _shape(totals["output_shape"]),
        _number(totals["trainable_params"]),
        _number(totals["non_trainable_params"]),
        _number(totals["macs"]),
        _field(totals["receptive_field"]),
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    foot = "".join(f"<th>{html.escape(str(v))}</th>" for v in total)
    caption = html.escape(f"{report.source}: input {_shape(data['input'])}")
    return (
        f'<table class="cnncalc-summary"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(cells)}</tbody><tfoot><tr>{foot}</tr></tfoot></table>"
    )


@dataclass(frozen=True)
class Summary:
    """What ``cnncalc.summary(...)`` returns: the analysed :class:`~cnncalc.analysis.Report`,
    displayed as a table wherever it is shown."""

    report: Report

    @property
    def totals(self) -> Totals:
        return self.report.totals

    @property
    def rows(self) -> tuple[LayerRow, ...]:
        return self.report.rows

    def __rich__(self) -> RenderableType:
        from cnncalc.render.table import render_summary

        return render_summary(self.report)

    def _repr_html_(self) -> str:
        return render_html(self.report)

    def __str__(self) -> str:
        from rich.console import Console

        console = Console(width=160, no_color=True, highlight=False, record=True, file=io.StringIO())
        console.print(self.__rich__())
        return console.export_text()

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document."""
        from cnncalc.render.json_report import summary_json

        return summary_json(self.report)

    def to_pandas(self) -> Any:
        """One row per executed layer, the JSON keys as columns (needs pandas)."""
        try:
            import pandas  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            from cnncalc.errors import UsageError

            raise UsageError("to_pandas() needs pandas, which is not installed", hint="pip install pandas") from None
        return pandas.DataFrame(self.to_json()["layers"])
