"""``cnncalc compare`` and ``summary --convention``: counters side by side, as rich renderables or JSON.

Renderers never print. MACs are each tool's own number (what it calls a FLOP, a MAC or a
mult-add); FLOPs are twice that. Differences are against the default convention (torchvision's
published column, cnncalc's own MACs).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from cnncalc.analysis import Report
from cnncalc.conventions import DEFAULT, Counted
from cnncalc.conventions.compare import Comparison
from cnncalc.dims import Dim, as_int, to_json
from cnncalc.render import formatting as fmt
from cnncalc.render.table import new_table

COMPARE_SCHEMA = "cnncalc.compare/1"


def signed(value: Dim) -> str:
    concrete = as_int(value)
    if concrete is None:
        return fmt.number(value)
    return ("+" if concrete > 0 else "") + fmt.number(concrete) if concrete else "0"


def explain(comparison: Comparison) -> str:
    """``batch norm: +22,227,968; bias: +1,000``, then what the tool gets wrong."""
    counted = comparison.counted
    if counted.macs is None:
        return "no compute figure (parameters only, with BN's moving mean and variance)"
    parts = [f"{category}: {signed(delta)}" for category, delta in comparison.differences]
    text = "counts " + "; ".join(parts) if parts else "same MACs as " + DEFAULT
    if counted.convention.name == DEFAULT:
        text = "the default: conv, transposed conv and fc weights"
    return "; ".join([text, *(f"wrong: {flaw}" for flaw in comparison.flaws)])


def render_compare(report: Report, comparisons: list[Comparison]) -> RenderableType:
    table = new_table(
        f"cnncalc compare — {report.source}",
        "counter|version|calls it|>MACs|>FLOPs (2 x MACs)|>vs default|>params|>vs default",
    )
    for comparison in comparisons:
        counted = comparison.counted
        convention = counted.convention
        macs = counted.macs
        table.add_row(
            convention.name,
            convention.version,
            convention.reported_as,
            fmt.number(macs) if macs is not None else "—",
            fmt.number(2 * macs) if macs is not None else "—",
            signed(comparison.macs_difference) if comparison.macs_difference is not None else "—",
            fmt.number(counted.params),
            signed(comparison.params_difference),
        )
    lines = [f"{c.counted.convention.name}: {explain(c)}" for c in comparisons]
    written = comparisons[0].counted.written() if comparisons else None
    if written is not None:
        lines.append(written)
    lines.append("Each rule and its place in the tool's source: docs/conventions.md")
    lines.append("Per layer: cnncalc summary FILE --convention NAME")
    return Group(table, Text("\n".join(lines)))


def counted_json(counted: Counted) -> dict[str, Any]:
    convention = counted.convention
    return {
        "name": convention.name,
        "tool": convention.tool,
        "version": convention.version,
        "reported_as": convention.reported_as,
        "macs": to_json(counted.macs) if counted.macs is not None else None,
        "flops": to_json(2 * counted.macs) if counted.macs is not None else None,
        "params": to_json(counted.params),
        "flaws": counted.flaws(),
    }


def compare_json(report: Report, comparisons: list[Comparison]) -> dict[str, Any]:
    from cnncalc.render.json_report import shape_json

    return {
        "schema": COMPARE_SCHEMA,
        "source": report.source,
        "input": shape_json(report.input_shape),
        "default": DEFAULT,
        "counters": [
            {
                **counted_json(c.counted),
                "macs_difference": to_json(c.macs_difference) if c.macs_difference is not None else None,
                "params_difference": to_json(c.params_difference),
                "differences": [{"category": k, "macs": to_json(v)} for k, v in c.differences],
                "explanation": explain(c),
            }
            for c in comparisons
        ],
    }


def convention_note(counted: Counted) -> str:
    """The line under ``summary --convention``: whose figures these are, what the tool gets wrong and,
    for a zoo model, which layers torchvision writes otherwise than as a module."""
    convention = counted.convention
    what = "parameters" if counted.macs is None else "MACs and parameters"
    line = f"Convention: {what} as {convention.tool} {convention.version} reports them ({convention.reported_as})."
    if counted.macs is None:
        line += " MACs are cnncalc's own."
    written = counted.written()
    return " ".join(
        [line, *(f"Wrong in the tool: {flaw}." for flaw in counted.flaws()), *([f"{written}."] * bool(written))]
    )
