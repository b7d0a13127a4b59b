"""The ``cnncalc`` command: options in, one library call, one renderer, out.

User errors (:class:`~cnncalc.errors.CnncalcError`) become one line on stderr and
exit code 1 (bad input) or 2 (bad usage) in exactly one place, :class:`_Group`.
The ``--json`` paths never import rich, and only symbolic inputs import sympy.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from cnncalc import __version__
from cnncalc.errors import CnncalcError, UsageError

#: exit code for a bug in cnncalc itself (never for bad input, which is 1 or 2)
INTERNAL_ERROR = 70


def _is_cli_exception(error: BaseException) -> bool:
    """Exit, Abort and usage errors belong to typer/click (whichever version): let them through."""
    return any(cls.__module__.split(".")[0] in ("typer", "click") for cls in type(error).__mro__)


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CnncalcError as error:
            typer.echo(error.render(), err=True)
            raise typer.Exit(error.exit_code) from None
        except RecursionError:
            typer.echo("error: the input nests too deeply to process", err=True)
            raise typer.Exit(1) from None
        except Exception as error:  # a bug: say so plainly instead of a traceback
            if _is_cli_exception(error) or os.environ.get("CNNCALC_DEBUG"):
                raise
            typer.echo(
                f"internal error: {type(error).__name__}: {error} — this is a bug in cnncalc; "
                "please report it with the input (CNNCALC_DEBUG=1 shows the traceback)",
                err=True,
            )
            raise typer.Exit(INTERNAL_ERROR) from None


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="cnncalc: the arithmetic of convolutional networks — sizes, padding, params, MACs, receptive fields.",
)

FileArg = Annotated[
    str, typer.Argument(metavar="FILE", help="an .arch or JSON architecture; '-' reads stdin", show_default=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON (DESIGN.md §6) instead of a table")]
InputOpt = Annotated[
    Optional[str], typer.Option("--input", metavar="DIMS", help="override the input line, e.g. 320x320x3")
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="plain output (NO_COLOR is respected too)")]
AssumeOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--assume",
        metavar="FACT",
        help="facts about the input's symbols that simplify floors: 'N % 32 == 0', 'N >= 64' (repeatable)",
    ),
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="show the formula, the numbers and the result, step by step")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cnncalc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """cnncalc: the arithmetic of convolutional networks."""


def _print(renderable: Any, *, no_color: bool) -> None:
    from rich.console import Console

    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
    Console(no_color=no_color or None, width=width, highlight=False).print(renderable)


def _analyze(file: str, input_dims: str | None, assume: list[str] | None = None) -> Any:
    """The report to show: with ``--assume``, restated in the input's own symbols."""
    return _shown(*_analyze_assumed(file, input_dims, assume))


def _analyze_assumed(file: str, input_dims: str | None, assume: list[str] | None) -> tuple[Any, Any]:
    """The report in the assumptions' parameters (``k_N``), and the assumptions."""
    from cnncalc.analysis import analyze
    from cnncalc.arch.source import load

    arch = load(file, input_dims)
    if not assume:
        return analyze(arch), {}
    from cnncalc.assume import parse_assumptions

    progressions = parse_assumptions(assume, [d for d in arch.input.dims if isinstance(d, str)])
    return analyze(arch, progressions), progressions


def _shown(report: Any, progressions: Any) -> Any:
    if not progressions:
        return report
    from cnncalc.assume import restate

    return restate(report, progressions)


def _working(report: Any, progressions: Any) -> Any:
    """The working of a report from :func:`_analyze_assumed` (shown in the input's symbols)."""
    from cnncalc.explain import explain_report

    if not progressions:
        return explain_report(report)
    from cnncalc.assume import restater

    return explain_report(report, restater(progressions))


@app.command()
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
) -> None:
    """Per-layer shapes, padding, params, MACs and receptive field, then totals.

    Example: cnncalc summary examples/lenet5.arch --json
    """
    from cnncalc.analysis import BYTES_PER_ELEMENT

    if dtype not in BYTES_PER_ELEMENT:
        raise UsageError(f"--dtype: unknown dtype '{dtype}'", hint=f"use one of {', '.join(BYTES_PER_ELEMENT)}")
    # one read and one analysis: FILE may be stdin, which can be read only once
    computed, progressions = _analyze_assumed(file, input_dims, assume)
    report = _shown(computed, progressions)
    working = _working(computed, progressions) if explain else None
    if json_output:
        from cnncalc.render.json_report import dumps, summary_json

        document = summary_json(report)
        if working is not None:
            from cnncalc.render.explain import working_json

            document["working"] = working_json(working)
        typer.echo(dumps(document))
        return
    from cnncalc.render.table import render_summary

    _print(render_summary(report, dtype=dtype, bytes_per_element=BYTES_PER_ELEMENT[dtype]), no_color=no_color)
    if working is not None:
        from cnncalc.render.explain import render_text

        typer.echo("\nWorking\n\n" + render_text(working, heading=False), nl=False)


@app.command("receptive-field")
def receptive_field(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    assume: AssumeOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Receptive field size, jump (effective stride) and effective padding of every layer.

    Example: cnncalc receptive-field examples/lenet5.arch
    """
    report = _analyze(file, input_dims, assume)
    if json_output:
        from cnncalc.render.json_report import dumps, receptive_json

        typer.echo(dumps(receptive_json(report)))
        return
    from cnncalc.render.table import render_receptive

    _print(render_receptive(report), no_color=no_color)


@app.command("explain")
def explain_command(
    file: FileArg,
    output_format: Annotated[str, typer.Option("--format", help="text, markdown or latex")] = "text",
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="write here instead of stdout")] = None,
    input_dims: InputOpt = None,
    assume: AssumeOpt = None,
) -> None:
    """A complete worked solution, layer by layer with totals, ready for a write-up.

    Every line gives the formula, the numbers put in and the result. Markdown uses $...$
    math; LaTeX is a whole article that pdflatex compiles.

    Example: cnncalc explain examples/homework_valid.arch --format markdown
    """
    from cnncalc.render.explain import FORMATS, render

    if output_format not in FORMATS:
        raise UsageError(f"--format: unknown format '{output_format}'", hint=f"use one of {', '.join(FORMATS)}")
    document = render(_working(*_analyze_assumed(file, input_dims, assume)), output_format)
    _write(document, output)


def _write(document: str, output: str | None) -> None:
    if output is None:
        typer.echo(document, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(document)
    except OSError as error:
        raise UsageError(f"cannot write '{output}': {error.strerror}") from None


def _opt(help_text: str, flag: str | None = None) -> Any:
    return typer.Option(flag, help=help_text) if flag else typer.Option(help=help_text)


@app.command("layer")
def layer_command(
    kind: Annotated[str, typer.Argument(help="conv, dwconv, deconv, maxpool, avgpool (pool = maxpool) or fc")],
    input_dims: Annotated[
        str, typer.Option("--input", metavar="DIMS", help="input shape, e.g. 32x32x3 (or 9216 for fc)")
    ],
    kernel: Annotated[Optional[str], _opt("F: window size, e.g. 5 or 3x5")] = None,
    stride: Annotated[Optional[str], _opt("S (conv default 1, pooling default F)")] = None,
    padding: Annotated[Optional[str], _opt("P: N, AxB, start:end, valid, same or full")] = None,
    dilation: Annotated[Optional[str], _opt("D (default 1)")] = None,
    filters: Annotated[Optional[str], _opt("K: number of filters")] = None,
    groups: Annotated[Optional[str], _opt("G (G=C is depthwise)")] = None,
    multiplier: Annotated[Optional[str], _opt("M: depth multiplier of dwconv")] = None,
    output_padding: Annotated[Optional[str], _opt("OP of deconv")] = None,
    units: Annotated[Optional[str], _opt("N: units of fc")] = None,
    bias: Annotated[Optional[str], _opt("yes/no (default yes)")] = None,
    ceil: Annotated[bool, typer.Option("--ceil", help="pooling rounds up (PyTorch ceil_mode)")] = False,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """One layer alone: output shape, resolved padding, params, MACs and receptive field.

    Example: cnncalc layer conv --input 32x32x3 --kernel 5 --filters 6 --explain
    """
    from cnncalc.explain import explain_row
    from cnncalc.one_layer import SOURCE, LayerOptions, analyze_layer

    options = LayerOptions(
        kernel=kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,
        filters=filters,
        groups=groups,
        multiplier=multiplier,
        output_padding=output_padding,
        units=units,
        bias=bias,
        ceil=ceil,
    )
    report = analyze_layer(kind, input_dims, options)
    row = report.rows[0]
    lines = explain_row(row, SOURCE)
    if json_output:
        from cnncalc.render.explain import line_json
        from cnncalc.render.json_report import dumps, layer_json

        document = {"schema": "cnncalc.layer/1", "layer": layer_json(row), "working": [line_json(x) for x in lines]}
        typer.echo(dumps(document))
        return
    from cnncalc.render.course import render_result
    from cnncalc.render.layer import layer_fields

    _print(render_result(f"cnncalc layer — {row.spec.text}", layer_fields(row), lines, explain), no_color=no_color)


@app.command("padding")
def padding_command(
    input_dims: Annotated[
        str, typer.Option("--input", metavar="SIZE", help="input size, e.g. 7 or 7x9 (spatial only)")
    ],
    kernel: Annotated[str, _opt("F, e.g. 3 or 3x5")],
    stride: Annotated[str, _opt("S (default 1)")] = "1",
    dilation: Annotated[str, _opt("D (default 1)")] = "1",
    mode: Annotated[str, _opt("same, full or valid")] = "same",
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Resolved (start, end) padding per dim for a mode, with the cheatsheet's P_start/P_end.

    'same' is TensorFlow/Keras SAME (the odd pixel at the end, output ceil(I/S)); the
    cheatsheet's formula agrees wherever it is not negative.

    Example: cnncalc padding --input 7 --kernel 3 --stride 2 --mode same
    """
    from cnncalc.one_layer import padding_report

    result = padding_report(input_dims, kernel, stride, dilation, mode)
    if json_output:
        import json

        from cnncalc.render.one_layer import padding_document

        typer.echo(json.dumps(padding_document(result)))
        return
    from cnncalc.render.course import render_result
    from cnncalc.render.one_layer import padding_fields

    lines = result.lines if explain else result.padding_lines
    _print(render_result(f"cnncalc padding — {mode}", padding_fields(result), lines, True), no_color=no_color)


@app.command("solve")
def solve_command(
    target: Annotated[
        str, typer.Argument(metavar="KIND|FILE", help="conv, pool, maxpool, avgpool or deconv — or an architecture")
    ],
    input_size: Annotated[Optional[str], typer.Option("--input", help="I, or ? (a file: ? or ?x?x3)")] = None,
    output_size: Annotated[Optional[str], typer.Option("--output", help="O, or ? (a file: e.g. 7 or 7x7x512)")] = None,
    kernel: Annotated[Optional[str], _opt("F, or ?")] = None,
    stride: Annotated[Optional[str], _opt("S, or ? (default 1; pooling: F)")] = None,
    padding: Annotated[Optional[str], _opt("P on both sides, start:end, or ? (or ?:2, 1:?)")] = None,
    dilation: Annotated[Optional[str], _opt("D, or ? (default 1)")] = None,
    output_padding: Annotated[Optional[str], _opt("OP of deconv, or ? (default 0)")] = None,
    ceil: Annotated[bool, typer.Option("--ceil", help="pooling rounds up (PyTorch ceil_mode)")] = False,
    assume: AssumeOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Find every integer value of the one unknown ('?'): for one layer, or the input size of a network.

    Examples: cnncalc solve conv --input 224 --output 112 --kernel 7 --stride 2 --padding ?
              cnncalc solve zoo:vgg16 --input ? --output 7x7x512
    """
    from cnncalc.solve import LAYER_FAMILIES

    if target.lower() in LAYER_FAMILIES:
        if assume:
            raise UsageError("--assume applies to solving an architecture's input", hint="one layer has no symbols")
        from cnncalc.solve import layer_problem, solve_layer

        problem = layer_problem(
            target,
            input_size=input_size,
            output_size=output_size,
            kernel=kernel,
            stride=stride,
            padding=padding,
            dilation=dilation,
            output_padding=output_padding,
            ceil=ceil,
        )
        solution = solve_layer(problem)
        from cnncalc.render.solve import layer_solution_fields, layer_solution_json

        if json_output:
            import json

            typer.echo(json.dumps(layer_solution_json(solution)))
            return
        from cnncalc.render.course import render_result

        title = f"cnncalc solve — {target.lower()}, unknown {solution.unknown}"
        _print(render_result(title, layer_solution_fields(solution), solution.lines, explain), no_color=no_color)
        return
    for flag, value in (("--kernel", kernel), ("--stride", stride), ("--padding", padding), ("--dilation", dilation)):
        if value is not None:
            raise UsageError(f"{flag} applies to solving one layer", hint=f"'{target}' is read as an architecture file")
    if output_size is None:
        raise UsageError("--output is needed: the output the network must produce", hint="e.g. --output 7x7x512")
    from cnncalc.arch.source import load

    arch = load(target)
    if input_size is not None:
        from cnncalc.solve import with_unknown_input

        arch = with_unknown_input(arch, input_size)
    from cnncalc.assume import parse_assumptions
    from cnncalc.solve import solve_arch

    progressions = parse_assumptions(assume or [], [d for d in arch.input.dims if isinstance(d, str)])
    result = solve_arch(arch, output_size, progressions)
    from cnncalc.render.solve import arch_solution_fields, arch_solution_json, arch_solution_lines

    if json_output:
        import json

        typer.echo(json.dumps(arch_solution_json(result)))
        return
    from cnncalc.render.course import render_result

    title = f"cnncalc solve — {result.source} for output {output_size}"
    _print(render_result(title, arch_solution_fields(result), arch_solution_lines(result), explain), no_color=no_color)


@app.command("sizes")
def sizes_command(
    file: FileArg,
    size_range: Annotated[
        str, typer.Option("--range", metavar="FIRST:LAST[:STEP]", help="the sizes to try, both ends included")
    ],
    input_dims: InputOpt = None,
    exact_only: Annotated[bool, typer.Option("--exact-only", help="list only the sizes that divide exactly")] = False,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """For which input sizes does every layer divide exactly, and what output does each give?

    Each size replaces every symbol of the input (or, for a numeric input, every spatial dim).
    Exact: no input row dropped, no ceil-mode window hanging over, symmetric 'same' padding.

    Example: cnncalc sizes zoo:resnet50 --range 200:256
    """
    from cnncalc.arch.source import load
    from cnncalc.sizes import parse_range, scan_sizes

    sizes = parse_range(size_range)
    checks = scan_sizes(load(file, input_dims), sizes)
    from cnncalc.render.solve import sizes_json, sizes_table

    if json_output:
        import json

        typer.echo(json.dumps(sizes_json(checks)))
        return
    _print(sizes_table(file, checks, exact_only=exact_only), no_color=no_color)


zoo_app = typer.Typer(help="The built-in architectures (torchvision definitions, exact to its published counts).")
app.add_typer(zoo_app, name="zoo")


@zoo_app.callback(invoke_without_command=True)
def zoo(
    ctx: typer.Context,
    json_output: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="print a Markdown table (as in the README)")] = False,
    no_color: NoColorOpt = False,
) -> None:
    """List the built-in models with params, MACs and receptive field.

    Example: cnncalc zoo   (then: cnncalc summary zoo:resnet50)
    """
    if ctx.invoked_subcommand is not None:
        return
    from cnncalc.zoo import zoo_model, zoo_names

    entries = [(zoo_model(name), _analyze(f"zoo:{name}", None)) for name in zoo_names()]
    if json_output:
        from cnncalc.render.json_report import dumps_models
        from cnncalc.render.zoo import zoo_json

        typer.echo(dumps_models(zoo_json(entries)))
        return
    if markdown:
        from cnncalc.render.zoo import zoo_markdown

        typer.echo(zoo_markdown(entries))
        return
    from cnncalc.render.zoo import render_zoo

    _print(render_zoo(entries), no_color=no_color)


@zoo_app.command("show")
def zoo_show(name: Annotated[str, typer.Argument(help="a model name from 'cnncalc zoo'")]) -> None:
    """Print a built-in model's .arch text, to copy and edit.

    Example: cnncalc zoo show resnet50 > my_resnet.arch
    """
    from cnncalc.zoo import zoo_text

    typer.echo(zoo_text(name.removeprefix("zoo:")), nl=False)


@app.command()
def diagram(
    file: FileArg,
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="write here instead of stdout")] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="svg, or html (the drawing and the summary table)")
    ] = "svg",
    theme: Annotated[str, typer.Option(help="light or dark")] = "light",
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

    Example: cnncalc diagram zoo:lenet5 -o lenet5.svg
    """
    if output_format not in ("svg", "html"):
        raise UsageError(f"--format: unknown format '{output_format}'", hint="use svg or html")
    if theme not in ("light", "dark"):
        raise UsageError(f"--theme: unknown theme '{theme}'", hint="use light or dark")
    from cnncalc.analysis import analyze
    from cnncalc.arch.source import load
    from cnncalc.diagram import layout
    from cnncalc.render.svg import render_html, render_svg

    arch = load(file, input_dims)
    drawn = layout(arch, analyze(arch), unroll=unroll)
    svg = render_svg(drawn, theme=theme, width=width, totals=totals, title=arch.source)
    document = render_html(drawn, svg, arch.source, theme) if output_format == "html" else svg
    if output is None:
        typer.echo(document, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(document)
    except OSError as error:
        raise UsageError(f"cannot write '{output}': {error.strerror}") from None


#: exit code when verify finds a prediction the reference computation contradicts
VERIFY_FAILED = 3


@app.command()
def verify(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Run the network for real and check every predicted shape and receptive field (exit 3 if any disagrees).

    Example: cnncalc verify zoo:vgg16
    """
    from cnncalc.arch.source import load
    from cnncalc.verify import verify as run_verify

    report = run_verify(load(file, input_dims))
    if json_output:
        import json

        from cnncalc.render.verify import verify_json

        typer.echo(json.dumps(verify_json(report)))
    else:
        from cnncalc.render.verify import render_verify

        _print(render_verify(report), no_color=no_color)
    if not report.ok:
        raise typer.Exit(VERIFY_FAILED)


reference_app = typer.Typer(help="Compute layers for real with the pure-Python reference implementation.")
app.add_typer(reference_app, name="reference")

MatrixOpt = Annotated[
    str,
    typer.Option(
        "--input", help="a matrix: JSON nested lists, plain text rows (blank line between channels), a path, or '-'"
    ),
]
DimsOpt = Annotated[int, typer.Option("--dims", min=1, max=3, help="spatial dims of the input (1, 2 or 3)")]


def _show_reference(result: Any, title: str, json_output: bool, no_color: bool) -> None:
    if json_output:
        import json

        from cnncalc.render.reference import reference_json

        typer.echo(json.dumps(reference_json(result)))
        return
    from cnncalc.render.reference import render_reference

    _print(render_reference(result, title), no_color=no_color)


@reference_app.command("conv")
def reference_conv(
    input_matrix: MatrixOpt,
    filter_matrix: Annotated[
        str,
        typer.Option("--filter", help="F x F (one channel), F x F x C (channels last) or F x F x C x K (K filters)"),
    ],
    stride: Annotated[str, typer.Option(help="stride, e.g. 2 or 2x1")] = "1",
    padding: Annotated[str, typer.Option(help="as in .arch: 1, 1x2, 0:1, valid, same, full")] = "0",
    dilation: Annotated[str, typer.Option(help="dilation, e.g. 2")] = "1",
    bias: Annotated[Optional[str], typer.Option(help="one number, or one per filter: 1,2,3")] = None,
    dims: DimsOpt = 2,
    explain: Annotated[
        bool, typer.Option("--explain", help="show the products and the sum for one output cell")
    ] = False,
    cell: Annotated[
        Optional[str], typer.Option(help="the cell to explain, e.g. 0x2 (row 0, column 2); default the first")
    ] = None,
    order: Annotated[
        str, typer.Option(help="explain down 'columns' (as course slides do) or along 'rows'")
    ] = "columns",
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Cross-correlate a matrix with a filter, exactly, and optionally show the working.

    Example: cnncalc reference conv --input '[[3,0,1],[1,5,8],[2,7,2]]' --filter '[[1,0,-1],[1,0,-1],[1,0,-1]]'
    """
    if order not in ("columns", "rows"):
        raise UsageError(f"--order: unknown order '{order}'", hint="use 'columns' or 'rows'")
    from cnncalc.reference.commands import run_conv

    result = run_conv(
        input_matrix,
        filter_matrix,
        stride=stride,
        padding=padding,
        dilation=dilation,
        bias=bias,
        dims=dims,
        explain=explain,
        cell=cell,
        order=order,
    )
    _show_reference(result, "conv", json_output, no_color)


@reference_app.command("pool")
def reference_pool(
    input_matrix: MatrixOpt,
    kernel: Annotated[str, typer.Option(help="window, e.g. 2 or 3x2")],
    stride: Annotated[Optional[str], typer.Option(help="stride (default: the window)")] = None,
    padding: Annotated[str, typer.Option(help="as in .arch: 1, 0:1, valid, same")] = "0",
    mode: Annotated[str, typer.Option(help="max or avg")] = "max",
    ceil: Annotated[bool, typer.Option("--ceil", help="ceil mode (PyTorch's rule)")] = False,
    exclude_padding: Annotated[
        bool, typer.Option("--exclude-padding", help="average over real values only (PyTorch count_include_pad=False)")
    ] = False,
    dims: DimsOpt = 2,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Max or average pooling, exactly (averages stay fractions).

    Example: cnncalc reference pool --input '[[1,3,2,1],[2,9,1,1],[1,4,2,3],[5,6,1,2]]' --kernel 2 --mode avg
    """
    if mode not in ("max", "avg"):
        raise UsageError(f"--mode: unknown mode '{mode}'", hint="use 'max' or 'avg'")
    from cnncalc.reference.commands import run_pool

    result = run_pool(
        input_matrix,
        kernel=kernel,
        stride=stride,
        padding=padding,
        mode=mode,
        ceil=ceil,
        include_padding=not exclude_padding,
        dims=dims,
    )
    _show_reference(result, f"{mode} pool", json_output, no_color)


@reference_app.command("deconv")
def reference_deconv(
    input_matrix: MatrixOpt,
    filter_matrix: Annotated[str, typer.Option("--filter", help="F x F, F x F x C or F x F x C x K, as for conv")],
    stride: Annotated[str, typer.Option(help="stride, e.g. 2")] = "1",
    padding: Annotated[str, typer.Option(help="padding removed from each side, e.g. 1")] = "0",
    output_padding: Annotated[str, typer.Option(help="extra size at the end (< stride)")] = "0",
    dilation: Annotated[str, typer.Option(help="dilation, e.g. 2")] = "1",
    bias: Annotated[Optional[str], typer.Option(help="one number, or one per filter")] = None,
    dims: DimsOpt = 2,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Transposed convolution (PyTorch ConvTranspose), exactly.

    Example: cnncalc reference deconv --input '[[1,2],[3,4]]' --filter '[[1,1],[1,1]]' --stride 2
    """
    from cnncalc.reference.commands import run_deconv

    result = run_deconv(
        input_matrix,
        filter_matrix,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        bias=bias,
        dims=dims,
    )
    _show_reference(result, "deconv", json_output, no_color)


# --- the rest of the course arithmetic -----------------------------------------------------

#: let negative numbers ("-1", "-1,2,3,4") through as arguments instead of unknown options
NUMERIC = {"ignore_unknown_options": True}
FormatOpt = Annotated[str, typer.Option("--format", help="xyxy (corners x1,y1,x2,y2) or cxcywh (centre and size)")]


def _emit(
    document: dict[str, Any], title: str, fields: list[tuple[str, str]], steps: Any, options: tuple[bool, bool, bool]
) -> None:
    json_output, explain, no_color = options
    if json_output:
        import json

        from cnncalc.render.course import steps_json

        typer.echo(json.dumps({**document, "steps": steps_json(steps)}))
        return
    from cnncalc.render.course import render_result

    _print(render_result(title, fields, steps, explain), no_color=no_color)


def _box_format(value: str) -> str:
    if value not in ("xyxy", "cxcywh"):
        raise UsageError(f"--format: unknown box format '{value}'", hint="use xyxy or cxcywh")
    return value


@app.command(context_settings=NUMERIC)
def iou(
    box_a: Annotated[str, typer.Argument(metavar="BOX_A", help="x1,y1,x2,y2 (or cx,cy,w,h with --format cxcywh)")],
    box_b: Annotated[str, typer.Argument(metavar="BOX_B", help="the other box, same format")],
    box_format: FormatOpt = "xyxy",
    threshold: Annotated[str, typer.Option(help="IoU that counts as a good match")] = "0.5",
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Intersection over union of two boxes, and whether it passes the threshold.

    Example: cnncalc iou 0,0,2,2 1,0,3,2 --explain
    """
    from cnncalc.course.boxes import iou as compute_iou
    from cnncalc.course.boxes import parse_box
    from cnncalc.course.numbers import json_number, number, show

    box_format = _box_format(box_format)
    result = compute_iou(
        parse_box(box_a, box_format, "BOX_A"), parse_box(box_b, box_format, "BOX_B"), number(threshold, "--threshold")
    )
    document = {
        "box_a": [json_number(v) for v in (result.a.x1, result.a.y1, result.a.x2, result.a.y2)],
        "box_b": [json_number(v) for v in (result.b.x1, result.b.y1, result.b.x2, result.b.y2)],
        "intersection": json_number(result.intersection),
        "union": json_number(result.union),
        "iou": json_number(result.value),
        "threshold": json_number(result.threshold),
        "passes": result.passes,
    }
    fields = [
        ("boxes", f"A {result.a.text()}, B {result.b.text()}"),
        ("intersection", show(result.intersection)),
        ("union", show(result.union)),
        ("IoU", show(result.value)),
        (f"IoU >= {show(result.threshold)}", "yes" if result.passes else "no"),
    ]
    _emit(document, "IoU", fields, result.steps, (json_output, explain, no_color))


@app.command()
def nms(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="boxes with scores: JSON or CSV (x1,y1,x2,y2,score[,class]); '-' reads stdin"
        ),
    ],
    score_threshold: Annotated[str, typer.Option(help="drop boxes scoring below this first")] = "0.6",
    iou_threshold: Annotated[str, typer.Option(help="discard boxes with at least this IoU with a picked one")] = "0.5",
    per_class: Annotated[bool, typer.Option("--per-class", help="suppress only within the same class")] = False,
    box_format: FormatOpt = "xyxy",
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Non-max suppression, step by step: which box was picked, which were discarded and why.

    Example: cnncalc nms boxes.csv --score-threshold 0.6 --iou-threshold 0.5
    """
    from cnncalc.arch.source import read_source
    from cnncalc.course.boxes import nms as run_nms
    from cnncalc.course.boxes import read_detections
    from cnncalc.course.numbers import json_number, number, show

    box_format = _box_format(box_format)
    text, source = read_source(file) if file == "-" or not file.startswith("zoo:") else (file, file)
    result = run_nms(
        read_detections(text, source, box_format),
        score_threshold=number(score_threshold, "--score-threshold"),
        iou_threshold=number(iou_threshold, "--iou-threshold"),
        per_class=per_class,
    )

    def name(d: Any) -> str:
        return f"#{d.index}" + (f" ({d.label})" if d.label is not None else "")

    lines = []
    for event in result.events:
        d = event.detection
        if event.action == "below threshold":
            lines.append(f"{name(d)} score {show(d.score)} < {show(result.score_threshold)}: dropped first")
        elif event.action == "picked":
            lines.append(f"pick {name(d)} {d.box.text()} score {show(d.score)}")
        else:
            lines.append(
                f"  discard {name(d)} score {show(d.score)}: IoU with {name(event.by)} = {show(event.overlap or 0)}"
                f" >= {show(result.iou_threshold)}"
            )
    if json_output:
        import json

        typer.echo(
            json.dumps(
                {
                    "kept": [
                        {
                            "index": d.index,
                            "box": [json_number(v) for v in (d.box.x1, d.box.y1, d.box.x2, d.box.y2)],
                            "score": json_number(d.score),
                            "class": d.label,
                        }
                        for d in result.kept
                    ],
                    "events": [
                        {
                            "action": e.action,
                            "index": e.detection.index,
                            "by": None if e.by is None else e.by.index,
                            "iou": None if e.overlap is None else json_number(e.overlap),
                        }
                        for e in result.events
                    ],
                    "score_threshold": json_number(result.score_threshold),
                    "iou_threshold": json_number(result.iou_threshold),
                    "per_class": result.per_class,
                }
            )
        )
        return
    from rich.console import Group
    from rich.text import Text

    kept = ", ".join(name(d) for d in result.kept) or "none"
    _print(
        Group(Text("Non-max suppression:"), *(Text("  " + line) for line in lines), Text(f"kept: {kept}")),
        no_color=no_color,
    )


@app.command()
def yolo(
    anchors: Annotated[int, typer.Option(min=1, help="anchor boxes per cell (k)")],
    classes: Annotated[int, typer.Option(min=0, help="number of classes (p)")],
    grid: Annotated[Optional[int], typer.Option(min=1, help="grid size G")] = None,
    input_size: Annotated[
        Optional[int], typer.Option("--input", min=1, help="input size, to derive or check G")
    ] = None,
    stride: Annotated[Optional[int], typer.Option(min=1, help="the backbone's total stride, e.g. 32")] = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The YOLO output volume G x G x k x (5 + p) and its size.

    Example: cnncalc yolo --grid 19 --anchors 5 --classes 80
    """
    from cnncalc.course.boxes import yolo_volume

    result = yolo_volume(grid=grid, anchors=anchors, classes=classes, input_size=input_size, stride=stride)
    document = {
        "grid": result.grid,
        "anchors": anchors,
        "classes": classes,
        "output_shape": result.shape,
        "elements": result.elements,
    }
    fields = [("output volume", " x ".join(map(str, result.shape))), ("values", f"{result.elements:,}")]
    _emit(document, "YOLO output", fields, result.steps, (json_output, explain, no_color))


@app.command(context_settings=NUMERIC)
def softmax(
    values: Annotated[list[str], typer.Argument(metavar="VALUES...", help="scores, e.g. 1 -1 2 (or 1,-1,2)")],
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Softmax probabilities, with the exponentials and their sum (stable for large inputs).

    Example: cnncalc softmax 1 -1 2 --explain
    """
    from cnncalc.course.functions import softmax as compute
    from cnncalc.course.numbers import json_number, show, vector

    scores = [v for text in values for v in vector(text, "VALUES")]
    result = compute(scores)
    document = {
        "inputs": [json_number(v) for v in result.inputs],
        "exponentials": list(result.exponentials),
        "sum": result.total,
        "probabilities": list(result.probabilities),
    }
    fields = [(f"p({show(z)})", show(p, 4)) for z, p in zip(result.inputs, result.probabilities, strict=True)]
    _emit(document, "softmax", fields, result.steps, (json_output, explain, no_color))


@app.command(context_settings=NUMERIC)
def activation(
    name: Annotated[str, typer.Argument(help="relu, relu6, leakyrelu, elu, sigmoid, tanh, swish, gelu, softplus")],
    values: Annotated[list[str], typer.Argument(metavar="VALUES...", help="inputs, e.g. -2 0 3")],
    alpha: Annotated[Optional[str], typer.Option(help="leaky slope / ELU alpha (defaults 0.01 / 1)")] = None,
    beta: Annotated[Optional[str], typer.Option(help="swish / softplus beta (default 1)")] = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """An activation function and its derivative at each value (PyTorch's definitions).

    Example: cnncalc activation sigmoid 0 1 2 3
    """
    from cnncalc.course.functions import activate
    from cnncalc.course.numbers import json_number, number, show, vector

    inputs = [v for text in values for v in vector(text, "VALUES")]
    result = activate(
        name,
        inputs,
        None if alpha is None else number(alpha, "--alpha"),
        None if beta is None else number(beta, "--beta"),
    )
    document = {
        "activation": name.lower(),
        "alpha": json_number(result.alpha),
        "beta": json_number(result.beta),
        "inputs": [json_number(v) for v in result.inputs],
        "values": [json_number(v) for v in result.values],
        "derivatives": [json_number(v) for v in result.derivatives],
    }
    fields = [
        (f"x = {show(x)}", f"{show(v)}   (derivative {show(d)})")
        for x, v, d in zip(result.inputs, result.values, result.derivatives, strict=True)
    ]
    _emit(document, result.name, fields, result.steps, (json_output, explain, no_color))


loss_app = typer.Typer(help="Loss functions with batch means: cross-entropy, mse, triplet.")
app.add_typer(loss_app, name="loss")
RowsHelp = "values, rows of a batch separated by ';' (e.g. 0,1,0;1,0,0)"


def _loss(result: Any, options: tuple[bool, bool, bool]) -> None:
    from cnncalc.course.numbers import json_number, show

    document = {
        "loss": result.name,
        "per_example": [json_number(v) for v in result.per_example],
        "mean": json_number(result.mean),
    }
    fields = [(f"example {i}", show(v)) for i, v in enumerate(result.per_example)] + [("batch mean", show(result.mean))]
    _emit(document, result.name, fields, result.steps, options)


@loss_app.command("cross-entropy", context_settings=NUMERIC)
def loss_cross_entropy(
    target: Annotated[
        str, typer.Option(help=RowsHelp + "; one-hot, a class index, or 0/1 (binary); '?' unknown with --multi-label")
    ],
    pred: Annotated[str, typer.Option(help="predicted probabilities, same layout")],
    multi_label: Annotated[
        bool, typer.Option("--multi-label", help="independent labels (a sigmoid per label)")
    ] = False,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Cross-entropy: binary (one probability per example), multi-class, or multi-label.

    Example: cnncalc loss cross-entropy --target 1 --pred 0.7
    """
    from cnncalc.course import losses
    from cnncalc.course.numbers import rows

    predictions = rows(pred, "--pred")
    if multi_label:
        labels = [
            [None if v.strip() == "?" else v for v in row.replace(",", " ").split()]
            for row in target.split(";")
            if row.strip()
        ]
        from cnncalc.course.numbers import number

        targets = [[None if v is None else number(v, "--target") for v in row] for row in labels]
        result = losses.multilabel_cross_entropy(targets, predictions)
    else:
        targets_exact = rows(target, "--target")
        if all(len(p) == 1 for p in predictions):
            result = losses.binary_cross_entropy([t for row in targets_exact for t in row], [p[0] for p in predictions])
        else:
            result = losses.categorical_cross_entropy(targets_exact, predictions)
    _loss(result, (json_output, explain, no_color))


@loss_app.command("mse", context_settings=NUMERIC)
def loss_mse(
    target: Annotated[str, typer.Option(help=RowsHelp)],
    pred: Annotated[str, typer.Option(help="predictions, same layout")],
    half: Annotated[bool, typer.Option("--half", help="the course's 1/2 (y - y^)^2")] = False,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Mean squared error (PyTorch MSELoss: mean over elements), exact.

    Example: cnncalc loss mse --target 1,2,3 --pred 1,2,5
    """
    from cnncalc.course import losses
    from cnncalc.course.numbers import rows

    _loss(losses.mse(rows(target, "--target"), rows(pred, "--pred"), half=half), (json_output, explain, no_color))


@loss_app.command("triplet", context_settings=NUMERIC)
def loss_triplet(
    anchor: Annotated[str, typer.Option(help="f(A), " + RowsHelp)],
    positive: Annotated[str, typer.Option(help="f(P), same layout")],
    negative: Annotated[str, typer.Option(help="f(N), same layout")],
    margin: Annotated[str, typer.Option(help="alpha")] = "0.2",
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Triplet loss max(||f(A)-f(P)||^2 - ||f(A)-f(N)||^2 + alpha, 0), exact.

    Example: cnncalc loss triplet --anchor 0,0 --positive 1,0 --negative 0,2 --margin 0.2
    """
    from cnncalc.course import losses
    from cnncalc.course.numbers import number, rows

    result = losses.triplet(
        rows(anchor, "--anchor"), rows(positive, "--positive"), rows(negative, "--negative"), number(margin, "--margin")
    )
    _loss(result, (json_output, explain, no_color))


@app.command()
def gram(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="an activation volume n_H x n_W x n_C: JSON (channels last) or text")
    ],
    generated: Annotated[
        Optional[str], typer.Option(help="a second volume (the generated image's): adds the style and content costs")
    ] = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The Gram (style) matrix of an activation volume; with --generated, the style and content costs.

    Example: cnncalc gram style.json --generated generated.json --explain
    """
    from cnncalc.course.numbers import json_number, show
    from cnncalc.course.style import style
    from cnncalc.reference.commands import load_tensor

    result = style(
        load_tensor(file, "FILE", 2), None if generated is None else load_tensor(generated, "--generated", 2)
    )
    document: dict[str, Any] = {
        "shape": result.shape,
        "gram": [[json_number(v) for v in row] for row in result.gram],
        "generated_gram": None
        if result.generated_gram is None
        else [[json_number(v) for v in row] for row in result.generated_gram],
        "style_cost": None if result.style_cost is None else json_number(result.style_cost),
        "content_cost": None if result.content_cost is None else json_number(result.content_cost),
    }
    fields = [("Gram matrix", "\n".join("  ".join(show(v) for v in row) for row in result.gram))]
    if result.generated_gram is not None:
        fields.append(("generated Gram", "\n".join("  ".join(show(v) for v in row) for row in result.generated_gram)))
        fields += [("style cost", show(result.style_cost)), ("content cost", show(result.content_cost))]  # type: ignore[arg-type]
    _emit(document, "style (Gram) matrix", fields, result.steps, (json_output, explain, no_color))


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.replace("_", "-"))


def lean_app(args: list[str]) -> typer.Typer:
    """The app with only the command being invoked (and the main callback).

    typer inspects every command's signature each time the program starts, whichever one
    runs: with ~25 commands that is most of cnncalc's start-up. The command the user named
    is the only one needed; help, completion and unknown names get the whole app.
    """
    name = args[0] if args else ""
    commands = [info for info in app.registered_commands if _command_name(info) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if not commands and not groups:
        return app
    lean = typer.Typer(
        cls=_Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help=app.info.help
    )
    lean.registered_callback = app.registered_callback
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


def main() -> None:
    """Console-script entry point."""
    lean_app(sys.argv[1:])(prog_name="cnncalc")
