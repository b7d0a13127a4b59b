"""Channel rearrangements: ``slice``, ``shuffle`` (ShuffleNet), ``pixelshuffle``, ``pixelunshuffle``.

None has parameters or MACs. ``slice`` and ``shuffle`` keep every position (and so the
receptive field); the pixel shuffles move channels into positions and back, after which
the field recurrences do not apply.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.dims import Dim, as_int, floor_div
from cnncalc.formula import Line, letter, number, over, result, shape, times
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.elementwise import run_unchanged
from cnncalc.layers.norm import divides_channels
from cnncalc.layers.saving import saves_nothing, saves_view
from cnncalc.model import Shape
from cnncalc.receptive import keep_field, undefined_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor


def compute_slice(ctx: LayerContext) -> Computed:
    """``x.narrow(1, A, B-A)``; out of range is an error where PyTorch's slicing would clamp."""
    first, end = ctx.spec.channels or (0, 0)
    channels = as_int(ctx.input.channels)
    if channels is not None and end > channels:
        raise ctx.fail(
            f"channels={first}:{end} reaches past the input's {channels} channels",
            key="channels",
            hint=f"the range must lie within 0:{channels}",
        )
    return Computed(output=Shape(spatial=ctx.input.spatial, channels=end - first))


def explain_slice(ctx: LayerContext, computed: Computed) -> list[Line]:
    first, end = ctx.spec.channels or (0, 0)
    return [
        Line(
            name=letter("C"),
            formula=letter("B - A"),
            numbers=letter(f"{end} - {first}"),
            result=result(computed.output.channels),
            note=f"channels {first} to {end - 1} of {ctx.input.channels}",
        )
    ]


def compute_shuffle(ctx: LayerContext) -> Computed:
    divides_channels(ctx, ctx.spec.groups or 1, "shuffle")
    return Computed(output=ctx.input)


def explain_shuffle(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [
        Line(
            name=letter("output"),
            result=shape([number(d) for d in computed.output.as_list()]),
            note=f"channels reordered across {ctx.spec.groups} groups, no parameters",
        )
    ]


def _two_dimensional(ctx: LayerContext) -> tuple[Dim, Dim]:
    torch_name = "PixelShuffle" if ctx.spec.kind == "pixelshuffle" else "PixelUnshuffle"
    if not ctx.input.spatial:
        raise ctx.fail(
            f"{ctx.spec.kind} needs spatial dims (it moves channels into positions), "
            f"but its input is a flat vector of {ctx.input.channels}",
            hint=f"PyTorch's {torch_name} rearranges H x W x C feature maps",
        )
    if len(ctx.input.spatial) != 2:
        raise ctx.fail(
            f"{ctx.spec.kind} works on 2-D feature maps, but its input {ctx.input} has "
            f"{len(ctx.input.spatial)} spatial dim(s)",
            hint=f"PyTorch's {torch_name} rearranges H x W x C",
        )
    height, width = ctx.input.spatial
    return height, width


def compute_pixelshuffle(ctx: LayerContext) -> Computed:
    """``PixelShuffle(r)``: H x W x C r² -> Hr x Wr x C."""
    height, width = _two_dimensional(ctx)
    r = (ctx.spec.factor or (1,))[0]
    channels = as_int(ctx.input.channels)
    if channels is None or channels % (r * r):
        raise ctx.fail(
            f"pixelshuffle {r} needs channels divisible by r² = {r * r}, but the input has {ctx.input.channels}",
            key="N",
            hint=f"make the conv before it output a multiple of {r * r} channels",
        )
    return Computed(output=Shape(spatial=(height * r, width * r), channels=channels // (r * r)))


def compute_pixelunshuffle(ctx: LayerContext) -> Computed:
    """``PixelUnshuffle(r)``: H x W x C -> H/r x W/r x C r² (r must divide H and W)."""
    height, width = _two_dimensional(ctx)
    r = (ctx.spec.factor or (1,))[0]
    for name, size in (("H", height), ("W", width)):
        concrete = as_int(size)
        if concrete is not None and concrete % r:
            raise ctx.fail(
                f"pixelunshuffle {r} needs {name} divisible by {r}, but {name} = {concrete}",
                key="N",
                hint="pad or crop the feature map to a multiple of the factor first",
            )
    return Computed(
        output=Shape(spatial=(floor_div(height, r), floor_div(width, r)), channels=ctx.input.channels * r * r)
    )


def explain_pixelshuffle(ctx: LayerContext, computed: Computed) -> list[Line]:
    r = number((ctx.spec.factor or (1,))[0])
    height, width, channels = (number(d) for d in ctx.input.as_list())
    if ctx.spec.kind == "pixelshuffle":
        numbers = shape([times(height, r), times(width, r), over(channels, times(r, r))])
        note = "r x r channels become an r x r block of positions"
    else:
        numbers = shape([over(height, r), over(width, r), times(channels, r, r)])
        note = "each r x r block of positions becomes r x r channels"
    return [
        Line(
            name=letter("output"),
            numbers=numbers,
            result=shape([number(d) for d in computed.output.as_list()]),
            note=note,
        ),
        Line(name=letter("params"), result=number(0)),
    ]


def run_pixelshuffle(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """On one channel, each output position depends on the input position it came from."""
    return ops.resample_nearest(ops.collapse(x), layer.output_spatial)


def run_pixelunshuffle(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """On one channel, each output position depends on its r x r block: a sum over the block."""
    r = (layer.spec.factor or (1,))[0]
    return ops.conv(
        ops.collapse(x), [[[1] * (r * r)]], (r, r), stride=(r, r), padding=[(0, 0), (0, 0)], dilation=(1, 1)
    )


KINDS = (
    LayerKind(
        name="slice",
        aliases=("narrow",),
        keys=frozenset({"channels"}),
        required=frozenset({"channels"}),
        compute=compute_slice,
        explain=explain_slice,
        receptive=keep_field,
        saves=saves_view,
        reference=run_unchanged,
        example="slice channels=1:3",
        summary="channels A to B-1 of the input (channels=A:B, half-open; x.narrow, x.chunk)",
    ),
    LayerKind(
        name="shuffle",
        aliases=("channelshuffle", "channel_shuffle"),
        keys=frozenset({"G"}),
        required=frozenset({"G"}),
        compute=compute_shuffle,
        explain=explain_shuffle,
        receptive=keep_field,
        saves=saves_nothing,
        reference=run_unchanged,
        example="shuffle G=2",
        summary="channel shuffle across G groups (ShuffleNet): same shape",
    ),
    LayerKind(
        name="pixelshuffle",
        aliases=("depthtospace",),
        positional="factor",
        compute=compute_pixelshuffle,
        explain=explain_pixelshuffle,
        receptive=undefined_field,
        saves=saves_nothing,
        reference=run_pixelshuffle,
        example="pixelshuffle 2",
        noun="a pixel shuffle",
        summary="PixelShuffle(r): H x W x C·r² -> H·r x W·r x C (2-D)",
    ),
    LayerKind(
        name="pixelunshuffle",
        aliases=("spacetodepth",),
        positional="factor",
        compute=compute_pixelunshuffle,
        explain=explain_pixelshuffle,
        receptive=undefined_field,
        saves=saves_nothing,
        reference=run_pixelunshuffle,
        example="pixelunshuffle 2",
        noun="a pixel unshuffle",
        summary="PixelUnshuffle(r): H x W x C -> H/r x W/r x C·r² (2-D, r divides H and W)",
    ),
)
