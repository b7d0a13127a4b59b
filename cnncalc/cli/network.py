"""Commands on a whole network: summary, receptive-field, explain, sizes, diagram, verify.

Each reads its options, makes one library call and hands the result to one renderer.
The ``--json`` paths never import rich, and only symbolic inputs import sympy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from cnncalc.cli.app import ChecksFailed, app, console, echo_json, show, write
from cnncalc.cli.options import (
    AssumeOpt,
    FileArg,
    InputOpt,
    JsonOpt,
    MaxWorkOpt,
    NoColorOpt,
    OutputOpt,
    assert_never,
    diagram_format,
    explain_format,
    takes_file,
    theme,
)
from cnncalc.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import RenderableType

    from cnncalc.analysis import Report
    from cnncalc.assume import Progression
    from cnncalc.worked_solution import Working


TableFormat = Literal["table", "json", "csv", "markdown"]
FormatOpt = Annotated[
    Optional[str], typer.Option("--format", help="table, json, csv or markdown (--json is short for --format json)")
]


def _table_format(value: str | None, json_output: bool) -> TableFormat:
    """``--format`` read once; ``--json`` is its shortcut."""
    if value is None:
        return "json" if json_output else "table"
    match value:
        case "table" | "json" | "csv" | "markdown":
            if json_output and value != "json":
                raise UsageError(f"--json and --format {value} disagree", hint="give one of them")
            return value
    raise UsageError(f"--format: unknown format '{value}'", hint="use table, json, csv or markdown")


ColumnsOpt = Annotated[
    Optional[str],
    typer.Option("--columns", metavar="KEYS", help="the table's columns, comma-separated (e.g. layer,output,params)"),
]
WideOpt = Annotated[bool, typer.Option("--wide", help="every column, however wide the lines get")]


def _columns(value: str | None, known: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--columns`` read once: known keys, in any order (the table keeps its own order)."""
    if value is None:
        return None
    keys = tuple(key.strip() for key in value.split(",") if key.strip())
    unknown = [key for key in keys if key not in known]
    if unknown or not keys:
        raise UsageError(
            f"--columns: unknown column '{unknown[0] if unknown else value}'", hint=f"use some of {','.join(known)}"
        )
    return keys


def _show_table(renderable: RenderableType, *, no_color: bool) -> None:
    """Like :func:`show`, but never crops a line: the table fits itself to the width, or is
    as wide as ``--wide`` makes it (the terminal wraps it; no digit is lost)."""
    console(no_color=no_color).print(renderable, crop=False)


def _analyze(file: str, input_dims: str | None, assume: list[str] | None = None) -> Report:
    """The report to show: with ``--assume``, restated in the input's own symbols."""
    return _shown(*_analyze_assumed(file, input_dims, assume))


def _analyze_assumed(
    file: str, input_dims: str | None, assume: list[str] | None
) -> tuple[Report, Mapping[str, Progression]]:
    """The report in the assumptions' parameters (``k_N``), and the assumptions."""
    from cnncalc.analysis import analyze
    from cnncalc.cli.options import load

    arch = load(file, input_dims)
    if not assume:
        return analyze(arch), {}
    from cnncalc.assume import parse_assumptions

    progressions = parse_assumptions(assume, [d for d in arch.input.dims if isinstance(d, str)])
    return analyze(arch, progressions), progressions


def _shown(report: Report, progressions: Mapping[str, Progression]) -> Report:
    if not progressions:
        return report
    from cnncalc.assume import restate

    return restate(report, progressions)


def _working(report: Report, progressions: Mapping[str, Progression]) -> Working:
    """The working of a report from :func:`_analyze_assumed` (shown in the input's symbols)."""
    from cnncalc.worked_solution import explain_report

    if not progressions:
        return explain_report(report)
    from cnncalc.assume import restater

    return explain_report(report, restater(progressions))


@app.command()
@takes_file
def summary(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    dtype: Annotated[
        str, typer.Option(help="element type for activation memory: float32, float16, bfloat16, float64, int8")
    ] = "float32",
    explain: Annotated[
        bool, typer.Option("--explain", help="after the table, the working of every layer and of the totals")
    ] = False,
    assume: AssumeOpt = None,
    no_color: NoColorOpt = False,
    convention: Annotated[
        Optional[str],
        typer.Option(
            help="MACs and params as a counter reports them: torchvision (default), fvcore, ptflops, thop,"
            " torchinfo, keras (see 'cnncalc compare')"
        ),
    ] = None,
    depth: Annotated[
        Optional[int],
        typer.Option(
            "--depth", min=0, help="collapse blocks nested this deep to one row with subtotals (0: totals only)"
        ),
    ] = None,
    columns: ColumnsOpt = None,
    wide: WideOpt = False,
    batch: Annotated[int, typer.Option("--batch", min=1, help="batch size for the memory figures")] = 1,
    optimizer: Annotated[
        Optional[str], typer.Option("--optimizer", help="training memory with sgd, momentum or adam")
    ] = None,
    output_format: FormatOpt = None,
) -> None:
    """Per-layer shapes, padding, params, MACs and receptive field, then totals.

    Every number is shown in full: columns that do not fit the terminal are left out (with a
    note), or the rows are stacked; --columns picks columns, --wide shows them all.

    Examples:
      cnncalc summary examples/lenet5.arch
      cnncalc summary zoo:resnet50 --depth 1
      cnncalc summary zoo:resnet50 --input 320x320x3 --columns layer,output,params
      cnncalc summary examples/lenet5.arch --input NxNx1 --assume 'N % 4 == 0'
      cat examples/lenet5.arch | cnncalc summary - --json
    """
    from cnncalc.analysis import BYTES_PER_ELEMENT

    if dtype not in BYTES_PER_ELEMENT:
        raise UsageError(f"--dtype: unknown dtype '{dtype}'", hint=f"use one of {', '.join(BYTES_PER_ELEMENT)}")
    # one read and one analysis: FILE may be stdin, which can be read only once
    computed, progressions = _analyze_assumed(file, input_dims, assume)
    report = _shown(computed, progressions)
    note = None
    if convention is not None:  # the counter's MACs and params in place of cnncalc's
        from cnncalc.conventions import as_report, count, get
        from cnncalc.render.compare import convention_note, counted_json

        counted = count(report, get(convention))
        report = as_report(report, counted)
        note = (convention_note(counted), counted_json(counted))
    working = _working(computed, progressions) if explain else None
    if optimizer not in (None, "sgd", "momentum", "adam"):
        raise UsageError(f"--optimizer: unknown optimizer '{optimizer}'", hint="use sgd, momentum or adam")
    from cnncalc.memory import memory

    found = memory(
        report,
        batch=batch,
        dtype=dtype,
        bytes_per_element=BYTES_PER_ELEMENT[dtype],
        optimizer=optimizer,  # type: ignore[arg-type]  # checked just above
    )
    chosen = _table_format(output_format, json_output)
    if chosen in ("csv", "markdown"):
        from cnncalc.render.tabular import summary_csv, summary_markdown

        write(summary_csv(report, depth) if chosen == "csv" else summary_markdown(report, depth), None)
        return
    if chosen == "json":
        from cnncalc.render.json_report import memory_json, pieces, summary_json

        document = summary_json(report, encoded=True)  # layers pre-encoded: the 100,000-layer case
        document["memory"] = memory_json(found)
        if note is not None:
            document["convention"] = note[1]
        if working is not None:
            from cnncalc.render.worked_solution import working_json

            document["working"] = working_json(working)
        echo_json(pieces(document))
        return
    from cnncalc.render.table import SUMMARY_COLUMNS, column_keys, render_summary

    keys = _columns(columns, column_keys(SUMMARY_COLUMNS))
    table = render_summary(
        report,
        dtype=dtype,
        bytes_per_element=BYTES_PER_ELEMENT[dtype],
        depth=depth,
        columns=keys,
        wide=wide,
        memory=found,
    )
    _show_table(table, no_color=no_color)
    if note is not None:
        typer.echo(note[0])
    if working is not None:
        from cnncalc.render.worked_solution import render_text

        typer.echo("\nWorking\n\n" + render_text(working, heading=False), nl=False)


@app.command("receptive-field")
@takes_file
def receptive_field(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    assume: AssumeOpt = None,
    no_color: NoColorOpt = False,
    columns: ColumnsOpt = None,
    wide: WideOpt = False,
    output_format: FormatOpt = None,
) -> None:
    """Receptive field size, jump (effective stride) and effective padding of every layer.

    Examples:
      cnncalc receptive-field examples/lenet5.arch
      cnncalc receptive-field zoo:vgg16 --format csv
    """
    chosen = _table_format(output_format, json_output)
    report = _analyze(file, input_dims, assume)
    match chosen:
        case "json":
            from cnncalc.render.json_report import dumps, receptive_json

            echo_json(dumps(receptive_json(report)))
            return
        case "csv" | "markdown":
            from cnncalc.render.tabular import receptive_csv, receptive_markdown

            write(receptive_csv(report) if chosen == "csv" else receptive_markdown(report), None)
            return
        case "table":
            pass
        case _:
            assert_never(chosen)
    from cnncalc.render.table import RECEPTIVE_COLUMNS, column_keys, render_receptive

    keys = _columns(columns, column_keys(RECEPTIVE_COLUMNS))
    _show_table(render_receptive(report, columns=keys, wide=wide), no_color=no_color)


@app.command("explain")
@takes_file
def explain_command(
    file: FileArg,
    output_format: Annotated[str, typer.Option("--format", help="text, markdown or latex")] = "text",
    output: OutputOpt = None,
    input_dims: InputOpt = None,
    assume: AssumeOpt = None,
) -> None:
    """A complete worked solution, layer by layer with totals, ready for a homework answer.

    Every line gives the formula, the numbers put in and the result. Markdown writes its
    math between dollar signs; LaTeX is a whole article that pdflatex compiles.

    Examples:
      cnncalc explain examples/homework_valid.arch
      cnncalc explain examples/homework_valid.arch --format markdown -o answer.md
    """
    chosen = explain_format(output_format)
    working = _working(*_analyze_assumed(file, input_dims, assume))
    from cnncalc.render.worked_solution import render_latex, render_markdown, render_text

    match chosen:
        case "text":
            document = render_text(working)
        case "markdown":
            document = render_markdown(working)
        case "latex":
            document = render_latex(working)
        case _:
            assert_never(chosen)
    write(document, output)


@app.command("sizes")
@takes_file
def sizes_command(
    file: FileArg,
    size_range: Annotated[
        str, typer.Option("--range", metavar="FIRST:LAST[:STEP]", help="the sizes to try, both ends included")
    ],
    input_dims: InputOpt = None,
    exact_only: Annotated[bool, typer.Option("--exact-only", help="list only the sizes that divide exactly")] = False,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
    max_work: MaxWorkOpt = None,
) -> None:
    """For which input sizes does every layer divide exactly, and what output does each give?

    Each size replaces every symbol of the input (or, for a numeric input, every spatial dim).
    Exact: no input row dropped, no ceil-mode window hanging over, symmetric 'same' padding.

    Examples:
      cnncalc sizes zoo:resnet50 --range 200:256
      cnncalc sizes examples/vgg16_features.arch --range 200:256 --exact-only
    """
    from cnncalc.cli.options import load
    from cnncalc.limits import SIZES, parse_work
    from cnncalc.sizes import parse_range, scan_sizes

    sizes = parse_range(size_range)
    budget = SIZES.default if max_work is None else parse_work(max_work)
    checks = scan_sizes(load(file, input_dims), sizes, max_work=budget)
    from cnncalc.render.solve import sizes_json, sizes_table

    if json_output:
        import json

        echo_json(json.dumps(sizes_json(checks)))
        return
    show(sizes_table(file, checks, exact_only=exact_only), no_color=no_color)


@app.command()
@takes_file
def diagram(
    file: FileArg,
    output: OutputOpt = None,
    output_format: Annotated[
        str, typer.Option("--format", help="svg, or html (the drawing and the summary table)")
    ] = "svg",
    theme_name: Annotated[str, typer.Option("--theme", help="light or dark")] = "light",
    width: Annotated[
        Optional[int], typer.Option(min=100, help="drawing width in pixels (default: natural size)")
    ] = None,
    totals: Annotated[
        bool, typer.Option("--totals", help="add the totals line (params, MACs, receptive field)")
    ] = False,
    unroll: Annotated[
        bool, typer.Option("--unroll", help="draw every repetition instead of one with a ×N badge")
    ] = False,
    input_dims: InputOpt = None,
) -> None:
    """Draw the network: feature-map boxes for sequential nets, a block graph for branches.

    Examples:
      cnncalc diagram zoo:lenet5 -o lenet5.svg
      cnncalc diagram examples/residual_block.arch --format html --theme dark -o block.html
    """
    chosen = diagram_format(output_format)
    colours = theme(theme_name)
    from cnncalc.analysis import analyze
    from cnncalc.cli.options import load
    from cnncalc.diagram import layout
    from cnncalc.render.svg import render_html, render_svg

    arch = load(file, input_dims)
    drawn = layout(arch, analyze(arch), unroll=unroll)
    svg = render_svg(drawn, theme=colours, width=width, totals=totals, title=arch.source)
    match chosen:
        case "svg":
            document = svg
        case "html":
            document = render_html(drawn, svg, arch.source, colours)
        case _:
            assert_never(chosen)
    write(document, output)


@app.command()
@takes_file
def verify(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    no_color: NoColorOpt = False,
    max_work: MaxWorkOpt = None,
) -> None:
    """Run the network for real and check every predicted shape and receptive field (exit 3 if any disagrees).

    Examples:
      cnncalc verify examples/lenet5.arch
      cnncalc verify zoo:resnet18 --json
    """
    from cnncalc.cli.options import load
    from cnncalc.limits import VERIFY, parse_work
    from cnncalc.verify import verify as run_verify

    budget = VERIFY.default if max_work is None else parse_work(max_work)
    report = run_verify(load(file, input_dims), max_work=budget)
    if json_output:
        import json

        from cnncalc.render.verify import verify_json

        echo_json(json.dumps(verify_json(report)))
    else:
        from cnncalc.render.verify import render_verify

        show(render_verify(report), no_color=no_color)
    if not report.ok:
        raise ChecksFailed
