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
from cnncalc.errors import CnncalcError

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


def _analyze(file: str, input_dims: str | None) -> Any:
    from cnncalc.analysis import analyze
    from cnncalc.spec.source import load

    return analyze(load(file, input_dims))


@app.command()
def summary(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    dtype: Annotated[
        str, typer.Option(help="element type for activation memory: float32, float16, bfloat16, float64, int8")
    ] = "float32",
    no_color: NoColorOpt = False,
) -> None:
    """Per-layer shapes, padding, params, MACs and receptive field, then totals.

    Example: cnncalc summary examples/lenet5.arch --json
    """
    from cnncalc.analysis import BYTES_PER_ELEMENT

    if dtype not in BYTES_PER_ELEMENT:
        raise typer.BadParameter(
            f"unknown dtype {dtype!r}; use one of {', '.join(BYTES_PER_ELEMENT)}", param_hint="--dtype"
        )
    report = _analyze(file, input_dims)
    if json_output:
        from cnncalc.render.json_report import dumps, summary_json

        typer.echo(dumps(summary_json(report)))
        return
    from cnncalc.render.table import render_summary

    _print(render_summary(report, dtype=dtype, bytes_per_element=BYTES_PER_ELEMENT[dtype]), no_color=no_color)


@app.command("receptive-field")
def receptive_field(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Receptive field size, jump (effective stride) and effective padding of every layer.

    Example: cnncalc receptive-field examples/lenet5.arch
    """
    report = _analyze(file, input_dims)
    if json_output:
        from cnncalc.render.json_report import dumps, receptive_json

        typer.echo(dumps(receptive_json(report)))
        return
    from cnncalc.render.table import render_receptive

    _print(render_receptive(report), no_color=no_color)


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


#: exit code when verify finds a prediction the reference computation contradicts
VERIFY_FAILED = 3


@app.command()
def verify(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Run the network with the reference implementation and check every predicted shape and
    receptive field; exits 3 if any disagrees.

    Example: cnncalc verify zoo:vgg16
    """
    from cnncalc.spec.source import load
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
        raise typer.BadParameter("use 'columns' or 'rows'", param_hint="--order")
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
        raise typer.BadParameter("use 'max' or 'avg'", param_hint="--mode")
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="cnncalc")
