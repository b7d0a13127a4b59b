"""Commands on one layer alone: layer, padding and solve (a layer kind, or a network's input size)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cnncalc.cli.app import app, echo_json, show
from cnncalc.cli.options import AssumeOpt, ExplainOpt, JsonOpt, MaxWorkOpt, NoColorOpt, assert_never, opt


@app.command("layer")
def layer_command(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND|STATEMENT",
            help="conv, dwconv, deconv, maxpool, avgpool, pool (= maxpool) or fc; or a statement 'conv K=6 F=5'",
        ),
    ],
    input_dims: Annotated[
        str, typer.Option("--input", "-i", metavar="DIMS", help="input shape, e.g. 32x32x3 (or 9216 for fc)")
    ],
    kernel: Annotated[Optional[str], typer.Option("--kernel", "-f", help="F: window size, e.g. 5 or 3x5")] = None,
    stride: Annotated[
        Optional[str], typer.Option("--stride", "-s", help="S (conv default 1, pooling default F)")
    ] = None,
    padding: Annotated[
        Optional[str], typer.Option("--padding", "-p", help="P: N, AxB, start:end, valid, same or full")
    ] = None,
    dilation: Annotated[Optional[str], opt("D (default 1)")] = None,
    filters: Annotated[Optional[str], typer.Option("--filters", "-k", help="K: number of filters")] = None,
    groups: Annotated[Optional[str], opt("G (G=C is depthwise)")] = None,
    multiplier: Annotated[Optional[str], opt("M: depth multiplier of dwconv")] = None,
    output_padding: Annotated[Optional[str], opt("OP of deconv")] = None,
    units: Annotated[Optional[str], opt("N: units of fc")] = None,
    bias: Annotated[Optional[str], opt("yes/no (default yes)")] = None,
    ceil: Annotated[bool, typer.Option("--ceil", help="pooling rounds up (PyTorch ceil_mode)")] = False,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """One layer alone: output shape, resolved padding, params, MACs and receptive field.

    KIND is conv, dwconv, deconv, maxpool, avgpool, pool (max pooling) or fc, with its
    numbers as options; or the whole layer as one .arch statement in quotes (any kind that
    'cnncalc kinds' lists), which gives the same numbers as the options would.

    Examples:
      cnncalc layer conv -i 32x32x3 -f 5 -k 6 --explain
      cnncalc layer "conv K=6 F=5" -i 32x32x3
      cnncalc layer maxpool -i 55x55x96 -f 3 -s 2
      cnncalc layer fc -i 9216 --units 4096
    """
    from cnncalc.one_layer import SOURCE, LayerOptions, analyze_layer, analyze_statement, is_statement
    from cnncalc.worked_solution import explain_row

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
    analyzed = analyze_statement if is_statement(kind) else analyze_layer
    row = analyzed(kind, input_dims, options).rows[0]
    lines = explain_row(row, SOURCE)
    if json_output:
        from cnncalc.render.json_report import dumps
        from cnncalc.render.one_layer import layer_document

        echo_json(dumps(layer_document(row, lines)))
        return
    from cnncalc.render.course import render_result
    from cnncalc.render.layer import layer_fields

    show(render_result(f"cnncalc layer — {row.spec.text}", layer_fields(row), lines, explain), no_color=no_color)


@app.command("padding")
def padding_command(
    input_dims: Annotated[
        str, typer.Option("--input", "-i", metavar="SIZE", help="input size, e.g. 7 or 7x9 (spatial only)")
    ],
    kernel: Annotated[str, typer.Option("--kernel", "-f", help="F, e.g. 3 or 3x5")],
    stride: Annotated[str, typer.Option("--stride", "-s", help="S (default 1)")] = "1",
    dilation: Annotated[str, opt("D (default 1)")] = "1",
    mode: Annotated[str, opt("same, full or valid")] = "same",
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Resolved (start, end) padding per dim for a mode, with the cheatsheet's P_start/P_end.

    'same' is TensorFlow/Keras SAME (the odd pixel at the end, output ceil(I/S)); the
    cheatsheet's formula agrees wherever it is not negative. 'full' pads F - 1 on each
    side; 'valid' pads nothing.

    Examples:
      cnncalc padding -i 7 -f 3 -s 2 --mode same
      cnncalc padding -i 224x224 -f 7 -s 2 --explain
    """
    from cnncalc.one_layer import padding_report

    result = padding_report(input_dims, kernel, stride, dilation, mode)
    if json_output:
        import json

        from cnncalc.render.one_layer import padding_document

        echo_json(json.dumps(padding_document(result)))
        return
    from cnncalc.render.course import render_result
    from cnncalc.render.one_layer import padding_fields

    lines = result.lines if explain else result.padding_lines
    show(render_result(f"cnncalc padding — {mode}", padding_fields(result), lines, True), no_color=no_color)


@app.command("solve")
def solve_command(
    target: Annotated[
        str, typer.Argument(metavar="KIND|FILE", help="conv, pool, maxpool, avgpool or deconv, or an architecture")
    ],
    input_size: Annotated[
        Optional[str], typer.Option("--input", "-i", help="I, or '?' (a FILE: '?' or e.g. '?x?x3')")
    ] = None,
    output_size: Annotated[
        Optional[str], typer.Option("--output", help="O, or '?' (a FILE: e.g. 7, or 7x7x512)")
    ] = None,
    kernel: Annotated[Optional[str], typer.Option("--kernel", "-f", help="F, or '?'")] = None,
    stride: Annotated[Optional[str], typer.Option("--stride", "-s", help="S, or '?' (default 1; pooling: F)")] = None,
    padding: Annotated[
        Optional[str], typer.Option("--padding", "-p", help="P on both sides, start:end, or '?' (or '?:2', '1:?')")
    ] = None,
    dilation: Annotated[Optional[str], opt("D, or '?' (default 1)")] = None,
    output_padding: Annotated[Optional[str], opt("OP of deconv, or '?' (default 0)")] = None,
    ceil: Annotated[bool, typer.Option("--ceil", help="pooling rounds up (PyTorch ceil_mode)")] = False,
    assume: AssumeOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
    max_work: MaxWorkOpt = None,
) -> None:
    """Find every integer value of the one unknown ('?'): for one layer, or the input size of a network.

    KIND is conv, deconv, maxpool, avgpool or pool (max pooling): give every number but one,
    and '?' for that one. Or FILE, an architecture (a path, '-' for stdin, zoo:NAME, or a
    .onnx/.keras model of fixed size): --input '?' (or '?x?x3') and the --output wanted give the
    input sizes that produce it.
    Quote the '?' so that the shell does not expand it.

    Examples:
      cnncalc solve conv -i 224 --output 112 -f 7 -s 2 -p '?'
      cnncalc solve conv -i '?' --output 55 -f 11 -s 4 -p 2
      cnncalc solve examples/vgg16_features.arch -i '?x?x3' --output 7x7x512
    """
    import json

    from cnncalc.limits import SOLVE, parse_work
    from cnncalc.render import solve as render
    from cnncalc.render.course import render_result
    from cnncalc.solve import ArchSolution, LayerSolution, SolveOptions, solve

    options = SolveOptions(
        input_size=input_size,
        output_size=output_size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,
        output_padding=output_padding,
        ceil=ceil,
        assume=tuple(assume or ()),
        max_work=SOLVE.default if max_work is None else parse_work(max_work),
    )
    from cnncalc.cli.options import model_warnings_shown

    with model_warnings_shown():
        solution = solve(target, options)
    match solution:
        case LayerSolution():
            if json_output:
                echo_json(json.dumps(render.layer_solution_json(solution)))
                return
            title = f"cnncalc solve — {target.lower()}, unknown {solution.unknown}"
            table = render_result(title, render.layer_solution_fields(solution), solution.lines, explain)
        case ArchSolution():
            if json_output:
                echo_json(json.dumps(render.arch_solution_json(solution)))
                return
            title = f"cnncalc solve — {solution.source} for output {output_size}"
            fields, lines = render.arch_solution_fields(solution), render.arch_solution_lines(solution)
            table = render_result(title, fields, lines, explain)
        case _:
            assert_never(solution)
    show(table, no_color=no_color)
