"""Joins of several paths: ``add`` (element-wise sum) and ``concat`` (along channels)."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.diagnostics import UNPROVEN_EQUAL, Diagnostic, diagnostic
from cnncalc.dims import Dim, as_int, equal, product, text
from cnncalc.formula import Line, add, letter, number, result, tex_text
from cnncalc.formula import shape as shape_math
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.saving import Own, SaveContext, Saved, saves_nothing
from cnncalc.model import Shape
from cnncalc.receptive import merge_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor


def _compare(name: str, first: tuple[Dim, ...], other: tuple[Dim, ...]) -> tuple[str | None, list[Diagnostic]]:
    """``(None, warnings)`` when the dims agree, ``(reason, [])`` when they do not."""
    if len(first) != len(other):
        return "", []
    warnings: list[Diagnostic] = []
    for a, b in zip(first, other, strict=True):
        same, witness = equal(a, b)
        if not same:
            return (f"they differ when the symbols are {witness}" if witness else ""), []
        if witness == 0:
            warnings.append(diagnostic(UNPROVEN_EQUAL, name=name, first=a, second=b))
    return None, warnings


def _dims(dims: tuple[Dim, ...]) -> str:
    return "x".join(text(d) for d in dims) or "flat"


def compute_add(ctx: LayerContext) -> Computed:
    first = ctx.input
    warnings: list[Diagnostic] = []
    for name, shape in zip(ctx.spec.operands, ctx.inputs[1:], strict=True):
        reason, found = _compare(name, tuple(first.as_list()), tuple(shape.as_list()))
        if reason is not None:
            raise ctx.fail(
                f"add needs equal shapes, but the current output is {first} and '{name}' is {shape}"
                + (f" ({reason})" if reason else ""),
                hint="match them with a 1x1 conv (and a stride) on the shortcut",
            )
        warnings += found
    return Computed(output=first, warnings=tuple(warnings))


def compute_concat(ctx: LayerContext) -> Computed:
    first = ctx.input
    warnings: list[Diagnostic] = []
    for name, shape in zip(ctx.spec.operands, ctx.inputs[1:], strict=True):
        reason, found = _compare(name, first.spatial, shape.spatial)
        if reason is not None:
            raise ctx.fail(
                "concat joins on channels, so spatial dims must be equal, "
                f"but the current output is {_dims(first.spatial)} and '{name}' is {_dims(shape.spatial)}"
                + (f" ({reason})" if reason else ""),
                hint="pool or pad the larger path so both have the same spatial size",
            )
        warnings += found
    channels = first.channels
    for shape in ctx.inputs[1:]:
        channels = channels + shape.channels
    return Computed(output=Shape(spatial=first.spatial, channels=channels), warnings=tuple(warnings))


def compute_mul(ctx: LayerContext) -> Computed:
    """NumPy broadcasting on the channels-last shapes: aligned at the channel end, a missing
    leading dim counts as 1, each dim equal or 1 (squeeze-and-excitation: H x W x C by 1 x 1 x C)."""
    result = ctx.input.as_list()
    warnings: list[Diagnostic] = []
    for name, operand in zip(ctx.spec.operands, ctx.inputs[1:], strict=True):
        other = operand.as_list()
        width = max(len(result), len(other))
        left = [1] * (width - len(result)) + result
        right = [1] * (width - len(other)) + other
        joined: list[Dim] = []
        for a, b in zip(left, right, strict=True):
            if as_int(a) == 1:
                joined.append(b)
                continue
            if as_int(b) == 1:
                joined.append(a)
                continue
            reason, found = _compare(name, (a,), (b,))
            if reason is not None:
                raise ctx.fail(
                    f"mul needs shapes that broadcast, but the current output is {_shape(result)} and '{name}' is "
                    f"{operand}: {text(a)} and {text(b)} are neither equal nor 1" + (f" ({reason})" if reason else ""),
                    hint="squeeze-and-excitation multiplies H x W x C by 1 x 1 x C (after gap) or by C (after fc)",
                )
            warnings += found
            joined.append(a)
        result = joined
    return Computed(output=Shape(spatial=tuple(result[:-1]), channels=result[-1]), warnings=tuple(warnings))


def _shape(dims: list[Dim]) -> str:
    return "x".join(text(d) for d in dims)


def explain_add(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [
        Line(
            name=letter("output"),
            result=shape_math([number(d) for d in computed.output.as_list()]),
            note=f"element-wise sum of {len(ctx.inputs)} equal shapes, no parameters",
        )
    ]


def explain_concat(ctx: LayerContext, computed: Computed) -> list[Line]:
    names = ["current", *ctx.spec.operands]
    return [
        Line(
            name=letter("C"),
            formula=add(*(letter(f"C_{n}", rf"C_{{\text{{{tex_text(n)}}}}}") for n in names)),
            numbers=add(*(number(s.channels) for s in ctx.inputs)),
            result=result(computed.output.channels),
            note="channels of the joined outputs",
        ),
        Line(name=letter("output"), result=shape_math([number(d) for d in computed.output.as_list()])),
    ]


def run_sum(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """On one channel, a join depends on what any of its paths depends on: sum them."""
    return ops.add([ops.collapse(t) for t in (x, *operands)])


def explain_mul(ctx: LayerContext, computed: Computed) -> list[Line]:
    operands = " by ".join(_shape(shape.as_list()) for shape in ctx.inputs)
    return [
        Line(
            name=letter("output"),
            result=shape_math([number(d) for d in computed.output.as_list()]),
            note=f"element-wise product of {operands} (dims of 1 broadcast), no parameters",
        )
    ]


def run_broadcast(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """On one channel, a product depends on what either factor depends on: a broadcast sum."""
    return ops.broadcast_sum([x, *operands], layer.output_spatial)


def _broadcast(first: list[Dim], second: list[Dim]) -> list[Dim]:
    """Dims aligned at the channel end, as the ``.arch`` broadcasts (a size-1 dim stretches)."""
    width = max(len(first), len(second))
    a, b = [1] * (width - len(first)) + first, [1] * (width - len(second)) + second
    return [y if x == 1 else x for x, y in zip(a, b, strict=True)]


def saves_mul(ctx: SaveContext) -> Saved:
    """``a * b * c`` runs left to right; each MulBackward keeps one factor for the other's gradient:
    the left one when the right one needs a gradient, and the right one when the left one does.
    From the third operand on, the left factor is the product so far, a tensor of this layer's own."""
    kept: list[int] = []
    own: list[Own] = []
    dims: list[Dim] = ctx.inputs[0].as_list()
    grad = ctx.grads[0]
    for position in range(1, len(ctx.inputs)):
        if ctx.grads[position]:
            if position == 1:
                kept.append(0)
            else:
                own.append(Own(product(dims)))
        if grad:
            kept.append(position)
        dims = _broadcast(dims, ctx.inputs[position].as_list())
        grad = grad or ctx.grads[position]
    return Saved(inputs=tuple(kept), own=tuple(own))


KINDS = (
    LayerKind(
        name="add",
        positional="operands",
        compute=compute_add,
        explain=explain_add,
        receptive=merge_field,
        saves=saves_nothing,
        reference=run_sum,
        draw="merge",
        symbol="⊕",
        example="x: conv K=4 F=3 P=1\nrelu\nadd x",
        summary="element-wise sum of the current output and the named ones",
    ),
    LayerKind(
        name="concat",
        aliases=("concatenate",),
        positional="operands",
        compute=compute_concat,
        explain=explain_concat,
        receptive=merge_field,
        saves=saves_nothing,
        reference=run_sum,
        draw="merge",
        example="x: conv K=4 F=3 P=1\nconv K=2 F=1\nconcat x",
        summary="the current output and the named ones joined on channels",
    ),
    LayerKind(
        name="mul",
        aliases=("multiply",),
        positional="operands",
        compute=compute_mul,
        explain=explain_mul,
        receptive=merge_field,
        saves=saves_mul,
        reference=run_broadcast,
        draw="merge",
        symbol="⊗",
        example="x: relu\ngap\nconv K=2 F=1\nrelu\nconv K=4 F=1\nsigmoid\nmul x",
        summary="element-wise product of the current output and the named ones, broadcasting dims of 1",
    ),
)
