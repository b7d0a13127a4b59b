"""Flat layers: ``fc`` (Keras ``Dense``, PyTorch ``Linear``) and ``flatten``."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.dims import product
from cnncalc.formula import Line, Math, add, letter, number, result, times
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.common import dim_name
from cnncalc.layers.saving import saves_input_if_training, saves_view
from cnncalc.model import LayerSpec, Shape, Window
from cnncalc.receptive import global_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor, size_of


def compute_fc(ctx: LayerContext) -> Computed:
    features_in = product([*ctx.input.spatial, ctx.input.channels])
    units = ctx.spec.units or 0
    return Computed(
        output=Shape(spatial=(), channels=units),
        trainable_params=(features_in + int(ctx.spec.bias)) * units,
        macs=features_in * units,
    )


def compute_flatten(ctx: LayerContext) -> Computed:
    return Computed(output=Shape(spatial=(), channels=product([*ctx.input.spatial, ctx.input.channels])))


def _flattened(ctx: LayerContext, name: Math) -> tuple[list[Line], Math]:
    """``N_in = H*W*C = 62*62*32 = 123,008``; a flat input is its own count."""
    shape = ctx.input
    if not shape.spatial:
        return [], number(shape.channels)
    rank = len(shape.spatial)
    letters = [letter(dim_name(rank, axis)) for axis in range(rank)] + [letter("C")]
    total = product(shape.as_list())
    line = Line(name=name, formula=times(*letters), numbers=times(*map(number, shape.as_list())), result=result(total))
    return [line], number(total)


def explain_fc(ctx: LayerContext, computed: Computed) -> list[Line]:
    """``params = (N_in + 1)*N_out``, ``MACs = N_in*N_out``."""
    n_in, n_out = letter("N_in", "N_{in}"), letter("N_out", "N_{out}")
    lines, features = _flattened(ctx, n_in)
    units = number(ctx.spec.units or 0)
    if ctx.spec.bias:
        params = times(add(n_in, number(1)), n_out), times(add(features, number(1)), units)
    else:
        params = times(n_in, n_out), times(features, units)
    return [
        *lines,
        Line(name=letter("params"), formula=params[0], numbers=params[1], result=result(computed.trainable_params)),
        Line(
            name=letter("MACs"),
            formula=times(n_in, n_out),
            numbers=times(features, units),
            result=result(computed.macs),
        ),
    ]


def explain_flatten(ctx: LayerContext, computed: Computed) -> list[Line]:
    lines, _ = _flattened(ctx, letter("N"))
    return lines or [Line(name=letter("N"), result=result(computed.output.channels), note="already flat")]


def run_fc(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    return ops.dense(x, [[1] * size_of((*x.spatial, x.channels))])


def run_flatten(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    return ops.collapse(ops.flatten(x))


def caption_fc(spec: LayerSpec, window: Window | None, output: Shape) -> str:
    return f"fc {spec.units}"


KINDS = (
    LayerKind(
        name="fc",
        defaults=(("bias", "yes"), ("trainable", "yes")),
        aliases=("dense", "linear"),
        keys=frozenset({"bias", "trainable"}),
        positional="units",
        compute=compute_fc,
        explain=explain_fc,
        receptive=global_field,
        reference=run_fc,
        saves=saves_input_if_training,
        family="fc",
        caption=caption_fc,
        counts_as="fc",
        example="fc 10",
        summary="fully connected: N units, input flattened first",
    ),
    LayerKind(
        name="flatten",
        compute=compute_flatten,
        explain=explain_flatten,
        receptive=global_field,
        reference=run_flatten,
        saves=saves_view,
        example="flatten",
        summary="flatten to one vector",
    ),
)
