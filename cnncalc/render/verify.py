"""Rendering ``cnncalc verify``: layer / predicted / measured / receptive field / OK."""

from __future__ import annotations

from typing import Any

from cnncalc.verify import VerifyReport

VERIFY_SCHEMA = "cnncalc.verify/1"
NOTE = (
    "channels collapsed to one per layer (shapes and receptive fields do not depend on them); "
    "receptive fields measured with impulses at input positions {positions}"
)


def _dims(values: tuple[int, ...] | None, run: bool = True) -> str:
    if values is None:
        return "failed" if run else "not run"
    return "×".join(map(str, values)) if values else "flat"


def verify_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "schema": VERIFY_SCHEMA,
        "ok": report.ok,
        "impulses": [list(p) for p in report.impulses],
        "layers": [
            {
                "index": row.index,
                "line": row.line,
                "label": row.label,
                "kind": row.kind,
                "predicted_spatial": list(row.predicted),
                "measured_spatial": None if row.measured is None else list(row.measured),
                "receptive_field": row.field,
                "receptive_field_check": row.field_check,
                "ok": row.ok,
            }
            for row in report.rows
        ],
    }


def render_verify(report: VerifyReport) -> Any:
    from rich.console import Group
    from rich.text import Text

    from cnncalc.render.table import new_table

    table = new_table(f"cnncalc verify — {report.source}", ">#|layer|predicted|measured|receptive field|check|OK")
    for row in report.rows:
        table.add_row(
            str(row.index),
            f"{row.label}: {row.kind}" if row.label else row.kind,
            _dims(row.predicted),
            _dims(row.measured, row.run),
            row.field,
            row.field_check,
            ("yes" if row.ok else "NO") if row.run else "—",
            style=None if row.ok else "bold red",
        )
    positions = ", ".join("(" + ", ".join(map(str, p)) + ")" for p in report.impulses)
    failed = sum(not row.ok for row in report.rows)
    skipped = [row for row in report.rows if not row.run]
    ran = len(report.rows) - len(skipped)
    verdict = f"all {ran} layers run agree" if report.ok else f"{failed} of {ran} layers run DISAGREE"
    if not skipped:
        verdict = verdict.replace(" run ", " ")
    else:
        kinds = ", ".join(sorted({row.kind for row in skipped}))
        verdict += f"; {len(skipped)} not run ({kinds}: no reference op, sizes after them are not measured exactly)"
    note = Text(NOTE.format(positions=positions))
    return Group(table, note, Text(verdict, style="green" if report.ok else "bold red"))
