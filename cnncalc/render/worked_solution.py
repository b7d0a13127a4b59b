"""A worked solution as plain text, Markdown (with ``$...$`` math) or a LaTeX ``article``."""

from __future__ import annotations

from cnncalc.analysis import LayerRow
from cnncalc.formula import Line, tex_text
from cnncalc.render.diagnostics import describe
from cnncalc.worked_solution import Working

FORMATS = ("text", "markdown", "latex")


def _title(row: LayerRow) -> str:
    return f"Layer {row.index} (line {row.line}): {row.spec.text or row.kind}"


def render_text(working: Working, *, heading: bool = True) -> str:
    """Plain text; without ``heading`` (under a summary table) it starts at the first layer."""
    report = working.report
    out = [f"Worked solution: {report.source}", f"input: {working.input.text}", ""] if heading else []
    for layer in working.layers:
        before, after = layer.before, layer.after
        out.append(f"{_title(layer.row)}    {before.text} -> {after.text}")
        out += [f"  {line.text()}" for line in layer.lines]
        out += [f"  warning: {describe(w)}" for w in layer.row.warnings]
        out.append("")
    out.append("Totals")
    out += [f"  {line.text()}" for line in working.totals]
    return "\n".join(out) + "\n"


def _md_line(line: Line) -> str:
    what = f"{line.what}: " if line.what else ""
    note = f" ({line.note})" if line.note else ""
    return f"- {what}${line.tex()}${note}"


def render_markdown(working: Working) -> str:
    report = working.report
    out = [f"# Worked solution: `{report.source}`", "", f"Input: ${working.input.tex}$", ""]
    for layer in working.layers:
        row = layer.row
        before, after = layer.before, layer.after
        out.append(f"## Layer {row.index}: `{row.spec.text or row.kind}` (line {row.line})")
        out.append("")
        out.append(f"${before.tex} \\rightarrow {after.tex}$")
        out.append("")
        out += [_md_line(line) for line in layer.lines]
        out += [f"- warning: {describe(w)}" for w in row.warnings]
        out.append("")
    out.append("## Totals")
    out.append("")
    out += [_md_line(line) for line in working.totals]
    return "\n".join(out) + "\n"


def _tex_item(line: Line) -> str:
    what = f"{tex_text(line.what)}: " if line.what else ""
    note = f" ({tex_text(line.note)})" if line.note else ""
    return rf"  \item {what}${line.tex()}${note}"


def render_latex(working: Working) -> str:
    """A standalone document: ``pdflatex`` compiles it with only ``amsmath``."""
    report = working.report
    out = [
        r"\documentclass{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\begin{document}",
        rf"\section*{{Worked solution: \texttt{{{tex_text(report.source)}}}}}",
        rf"Input: ${working.input.tex}$",
        "",
    ]
    for layer in working.layers:
        row = layer.row
        before, after = layer.before, layer.after
        out.append(
            rf"\subsection*{{Layer {row.index}: \texttt{{{tex_text(row.spec.text or row.kind)}}} (line {row.line})}}"
        )
        out.append(rf"${before.tex} \rightarrow {after.tex}$")
        out.append(r"\begin{itemize}")
        out += [_tex_item(line) for line in layer.lines]
        out += [rf"  \item warning: {tex_text(describe(w))}" for w in row.warnings]
        out.append(r"\end{itemize}")
    out.append(r"\subsection*{Totals}")
    out.append(r"\begin{itemize}")
    out += [_tex_item(line) for line in working.totals]
    out.append(r"\end{itemize}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def line_json(line: Line) -> dict[str, str | None]:
    """A working line for JSON: its parts as text, and the whole as text and LaTeX."""
    return {
        "what": line.what or None,
        "name": line.name.text,
        "formula": line.formula.text if line.formula else None,
        "numbers": line.numbers.text if line.numbers else None,
        "result": line.result.text,
        "note": line.note or None,
        "text": line.text(),
        "latex": line.tex(),
    }


def working_json(working: Working) -> dict[str, object]:
    return {
        "layers": [
            {"index": layer.row.index, "line": layer.row.line, "lines": [line_json(x) for x in layer.lines]}
            for layer in working.layers
        ],
        "totals": [line_json(x) for x in working.totals],
    }


def render(working: Working, output_format: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "latex": render_latex}[output_format](working)
