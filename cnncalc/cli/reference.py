"""``cnncalc reference``: conv, pool and deconv computed for real, exactly, by the pure-Python reference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cnncalc.cli.app import app, echo_json, show
from cnncalc.cli.options import JsonOpt, NoColorOpt, cell_order, pool_mode

if TYPE_CHECKING:
    from cnncalc.reference.commands import ReferenceResult

reference_app = typer.Typer(help="Compute layers for real with the pure-Python reference implementation.")
app.add_typer(reference_app, name="reference")

MatrixOpt = Annotated[
    str,
    typer.Option(
        "--input", help="a matrix: JSON nested lists, plain text rows (blank line between channels), a path, or '-'"
    ),
]
DimsOpt = Annotated[int, typer.Option("--dims", min=1, max=3, help="spatial dims of the input (1, 2 or 3)")]
MaxWorkOpt = Annotated[
    Optional[str],
    typer.Option(
        "--max-work", metavar="N", help="refuse past N cell operations (default 1e7; cells x window x channels)"
    ),
]


def _budget(text: str | None) -> int:
    from cnncalc.limits import REFERENCE, parse_work

    return REFERENCE.default if text is None else parse_work(text)


def _show_reference(result: ReferenceResult, title: str, json_output: bool, no_color: bool) -> None:
    if json_output:
        from cnncalc.render.course import dumps
        from cnncalc.render.reference import reference_json

        echo_json(dumps(reference_json(result)))
        return
    from cnncalc.render.reference import render_reference

    show(render_reference(result, title), no_color=no_color)


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
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Cross-correlate a matrix with a filter, exactly, and optionally show the working.

    Example: cnncalc reference conv --input '[[3,0,1],[1,5,8],[2,7,2]]' --filter '[[1,0,-1],[1,0,-1],[1,0,-1]]'
    """
    chosen_order = cell_order(order)
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
        order=chosen_order,
        max_work=_budget(max_work),
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
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Max or average pooling, exactly (averages stay fractions).

    Example: cnncalc reference pool --input '[[1,3,2,1],[2,9,1,1],[1,4,2,3],[5,6,1,2]]' --kernel 2 --mode avg
    """
    chosen_mode = pool_mode(mode)
    from cnncalc.reference.commands import run_pool

    result = run_pool(
        input_matrix,
        kernel=kernel,
        stride=stride,
        padding=padding,
        mode=chosen_mode,
        ceil=ceil,
        include_padding=not exclude_padding,
        dims=dims,
        max_work=_budget(max_work),
    )
    _show_reference(result, f"{chosen_mode} pool", json_output, no_color)


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
    max_work: MaxWorkOpt = None,
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
        max_work=_budget(max_work),
    )
    _show_reference(result, "deconv", json_output, no_color)
