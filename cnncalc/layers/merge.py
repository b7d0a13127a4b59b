"""Joins of several paths: ``add`` (element-wise sum) and ``concat`` (along channels)."""

from __future__ import annotations

from cnncalc.layers.base import Computed, LayerContext, LayerKind, Shape


def compute_add(ctx: LayerContext) -> Computed:
    first = ctx.input
    for name, shape in zip(ctx.spec.operands, ctx.inputs[1:], strict=True):
        if shape != first:
            raise ctx.fail(
                f"add needs equal shapes, but the current output is {first} and '{name}' is {shape}",
                hint="match them with a 1x1 conv (and a stride) on the shortcut",
            )
    return Computed(output=first)


def compute_concat(ctx: LayerContext) -> Computed:
    first = ctx.input
    for name, shape in zip(ctx.spec.operands, ctx.inputs[1:], strict=True):
        if shape.spatial != first.spatial:
            spatial = "x".join(map(str, first.spatial)) or "flat"
            other = "x".join(map(str, shape.spatial)) or "flat"
            raise ctx.fail(
                "concat joins on channels, so spatial dims must be equal, "
                f"but the current output is {spatial} and '{name}' is {other}",
                hint="pool or pad the larger path so both have the same spatial size",
            )
    channels = first.channels
    for shape in ctx.inputs[1:]:
        channels = channels + shape.channels
    return Computed(output=Shape(spatial=first.spatial, channels=channels))


KINDS = (
    LayerKind(
        name="add",
        positional="operands",
        compute=compute_add,
        receptive="merge",
        summary="element-wise sum of the current output and the named ones",
    ),
    LayerKind(
        name="concat",
        positional="operands",
        compute=compute_concat,
        receptive="merge",
        summary="the current output and the named ones joined on channels",
    ),
)
