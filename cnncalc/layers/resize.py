"""Changing the spatial size without weights: ``upsample``, ``pad``, ``crop``.

``upsample`` follows PyTorch's ``Upsample``/``F.interpolate`` (``O = I * factor`` or a given
size; the mode changes values, not sizes, but must suit the rank). ``pad`` adds zeros
(``ZeroPad2d``, Keras ``ZeroPadding2D``); ``crop`` removes rows (Keras ``Cropping2D``, the
U-Net skip crop). Both are described as a 1-wide, stride-1 window whose padding is positive
(pad) or negative (crop), which is what ``F.pad`` does with such padding: the receptive
field moves by ``Ps * j`` and the JSON reports the padding (negative for a crop).
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.dims import Dim, floor_div, is_positive
from cnncalc.formula import Line, Math, letter, number, plus, result, shape, times
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.common import TIMES, dim_name, explicit_padding
from cnncalc.layers.saving import saves_nothing, saves_view
from cnncalc.model import LayerSpec, Shape, Window
from cnncalc.receptive import undefined_field, window_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor

#: the rank each interpolation mode needs (nearest works on any)
_MODE_RANK = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _spatial(ctx: LayerContext, why: str) -> tuple[Dim, ...]:
    if not ctx.input.spatial:
        raise ctx.fail(
            f"{ctx.spec.kind} needs spatial dims ({why}), but its input is a flat vector of {ctx.input.channels}",
            hint="it applies to feature maps like 32x32x64",
        )
    return ctx.input.spatial


def _per_dim(ctx: LayerContext, values: tuple[int, ...], key: str) -> tuple[int, ...]:
    rank = len(ctx.input.spatial)
    if len(values) == 1:
        return values * rank
    if len(values) != rank:
        raise ctx.fail(
            f"{key}={'x'.join(map(str, values))} gives {len(values)} dims, "
            f"but the input {ctx.input} has {rank} spatial dim(s)",
            key=key,
            hint=f"give one number for all dims or exactly {rank} joined by 'x'",
        )
    return values


def compute_upsample(ctx: LayerContext) -> Computed:
    spatial = _spatial(ctx, "it resizes positions")
    spec = ctx.spec
    mode = spec.mode or "nearest"
    wanted = _MODE_RANK.get(mode)
    if wanted is not None and wanted != len(spatial):
        raise ctx.fail(
            f"mode={mode} works on {wanted}-D inputs, but {ctx.input} has {len(spatial)} spatial dim(s)",
            key="mode",
            hint="linear is 1-D, bilinear and bicubic 2-D, trilinear 3-D; nearest works on any",
        )
    if (spec.factor is None) == (spec.size is None):
        raise ctx.fail(
            "upsample needs exactly one of factor= and size=",
            hint="e.g. 'upsample factor=2 mode=bilinear' or 'upsample size=28x28'",
        )
    if spec.factor is not None:
        factors = _per_dim(ctx, spec.factor, "factor")
        sizes: tuple[Dim, ...] = tuple(d * f for d, f in zip(spatial, factors, strict=True))
    else:
        sizes = _per_dim(ctx, spec.size or (), "size")
    return Computed(output=Shape(spatial=sizes, channels=ctx.input.channels))


def explain_upsample(ctx: LayerContext, computed: Computed) -> list[Line]:
    rank = len(ctx.input.spatial)
    if ctx.spec.factor is None:
        return [
            Line(
                name=letter("output"),
                result=shape([number(d) for d in computed.output.as_list()]),
                note=f"the given size, {ctx.spec.mode or 'nearest'} interpolation, no parameters",
            )
        ]
    factors = _per_dim(ctx, ctx.spec.factor, "factor")
    lines = [
        Line(
            name=letter(dim_name(rank, axis) + "_out", dim_name(rank, axis) + "_{out}"),
            formula=times(letter("I"), letter("factor")),
            numbers=times(number(ctx.input.spatial[axis]), number(factors[axis])),
            result=result(computed.output.spatial[axis]),
        )
        for axis in range(rank)
    ]
    return [*lines, Line(name=letter("params"), result=number(0), note=f"{ctx.spec.mode or 'nearest'} interpolation")]


def run_upsample(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """Sizes are what verify measures after an upsample (the field is not defined there), so the
    nearest neighbour stands in for every mode."""
    return ops.resample_nearest(x, layer.output_spatial)


def caption_upsample(spec: LayerSpec, window: Window | None, output: Shape) -> str:
    how = f"×{spec.factor[0]}" if spec.factor and len(set(spec.factor)) == 1 else TIMES.join(map(str, output.spatial))
    return f"upsample {how} {spec.mode or 'nearest'}"


def _edge_window(edges: Sequence[tuple[Dim, Dim]]) -> Window:
    rank = len(edges)
    return Window(kernel=(1,) * rank, stride=(1,) * rank, dilation=(1,) * rank, padding=tuple(edges), span=(1,) * rank)


def compute_pad(ctx: LayerContext) -> Computed:
    spatial = _spatial(ctx, "it pads positions")
    padding = ctx.spec.padding
    if padding is None or padding.mode is not None:
        raise ctx.fail(
            f"pad takes explicit padding, not '{padding}'" if padding else "pad needs P=",
            key="P" if padding else "kind",
            hint="write e.g. 'pad P=1', 'pad P=0:1' or 'pad P=1x2'; for 'same' put P=same on the conv itself",
        )
    pairs = explicit_padding(ctx, padding)
    sizes = tuple(d + s + e for d, (s, e) in zip(spatial, pairs, strict=True))
    return Computed(output=Shape(spatial=sizes, channels=ctx.input.channels), window=_edge_window(pairs))


def compute_crop(ctx: LayerContext) -> Computed:
    spatial = _spatial(ctx, "it crops positions")
    spec = ctx.spec
    rank = len(spatial)
    if spec.target is not None:
        if spec.padding is not None:
            raise ctx.fail("crop takes P= or to=, not both", key="P", hint="to=LABEL crops to LABEL's size")
        target = ctx.inputs[1].spatial
        if len(target) != rank:
            raise ctx.fail(
                f"crop to={spec.target}: '{spec.target}' is {ctx.inputs[1]} with {len(target)} spatial dim(s), "
                f"but the input {ctx.input} has {rank}",
                key="to",
                hint="crop to a feature map of the same rank (a label on a conv or pool output, not after fc)",
            )
        edges: list[tuple[Dim, Dim]] = []
        for axis, (size, wanted) in enumerate(zip(spatial, target, strict=True)):
            excess = size - wanted
            if is_positive(excess + 1) is False:  # excess < 0
                raise ctx.fail(
                    f"crop to={spec.target}: '{spec.target}' is {_dims(target)}, larger than the input "
                    f"{_dims(spatial)} on {dim_name(rank, axis)}",
                    key="to",
                    hint="crop the larger feature map to the smaller one",
                )
            start = floor_div(excess, 2)
            edges.append((start, excess - start))
    else:
        padding = spec.padding
        if padding is None or padding.mode is not None:
            raise ctx.fail(
                f"crop takes explicit sizes, not '{padding}'" if padding else "crop needs P= or to=LABEL",
                key="P" if padding else "kind",
                hint="write e.g. 'crop P=4', 'crop P=0:1x2:2' or 'crop to=LABEL'",
            )
        edges = list(explicit_padding(ctx, padding))
    sizes = tuple(d - s - e for d, (s, e) in zip(spatial, edges, strict=True))
    for axis, size in enumerate(sizes):
        if is_positive(size) is False:
            raise ctx.fail(
                f"crop {edges[axis][0]}:{edges[axis][1]} on {dim_name(rank, axis)} removes "
                f"{edges[axis][0] + edges[axis][1]} of its {spatial[axis]} rows, leaving none",
                key="P",
                hint="the crop must leave at least one row",
            )
    return Computed(
        output=Shape(spatial=sizes, channels=ctx.input.channels),
        window=_edge_window([(-s, -e) for s, e in edges]),
    )


def _centred(ctx: LayerContext) -> str:
    if ctx.spec.target is None:
        return ""
    return f"cropped to '{ctx.spec.target}' at the centre: Ps = floor((I - O)/2)"


def _dims(dims: tuple[Dim, ...]) -> str:
    return "x".join(str(d) for d in dims)


def explain_edges(ctx: LayerContext, computed: Computed) -> list[Line]:
    """``H_out = I + Ps + Pe = 28 + 1 + 1 = 30`` (pad) or ``I - Ps - Pe`` (crop)."""
    window = computed.window
    assert window is not None
    rank = len(ctx.input.spatial)
    growing = ctx.spec.kind == "pad"
    lines = []
    for axis in range(rank):
        start, end = window.padding[axis]
        if not growing:
            start, end = -start, -end
        letters = (letter("I"), letter("Ps", "P_s"), letter("Pe", "P_e"))
        values = (number(ctx.input.spatial[axis]), number(start), number(end))
        lines.append(
            Line(
                name=letter(dim_name(rank, axis) + "_out", dim_name(rank, axis) + "_{out}"),
                formula=_sum(growing, *letters),
                numbers=_sum(growing, *values),
                result=result(computed.output.spatial[axis]),
                note=_centred(ctx) if axis == 0 else "",
            )
        )
    return [*lines, Line(name=letter("params"), result=number(0))]


def _sum(growing: bool, first: Math, *rest: Math) -> Math:
    return plus(first, *((("+" if growing else "-"), term) for term in rest))


def run_pad(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    rank = len(x.spatial)
    return ops.conv(
        ops.collapse(x), [[[1]]], (1,) * rank, stride=(1,) * rank, padding=list(layer.padding), dilation=(1,) * rank
    )


def run_crop(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    return ops.crop(x, [(-s, -e) for s, e in layer.padding])


def caption_edges(spec: LayerSpec, window: Window | None, output: Shape) -> str:
    if spec.target is not None:
        return f"crop to {spec.target}"
    return f"{spec.kind} {spec.padding}"


KINDS = (
    LayerKind(
        name="upsample",
        aliases=("interpolate", "resize", "upsampling"),
        keys=frozenset({"factor", "size", "mode"}),
        defaults=(("mode", "nearest"),),
        compute=compute_upsample,
        explain=explain_upsample,
        receptive=undefined_field,
        saves=saves_nothing,
        reference=run_upsample,
        caption=caption_upsample,
        example="upsample factor=2 mode=bilinear",
        noun="upsampling",
        summary="resize by factor= or to size= (mode= nearest, linear, bilinear, bicubic, trilinear)",
    ),
    LayerKind(
        name="pad",
        aliases=("zeropad", "zeropadding"),
        keys=frozenset({"P"}),
        required=frozenset({"P"}),
        compute=compute_pad,
        explain=explain_edges,
        receptive=window_field,
        saves=saves_nothing,
        reference=run_pad,
        caption=caption_edges,
        example="pad P=1:2",
        summary="zero padding: O = I + Ps + Pe (explicit P= only)",
    ),
    LayerKind(
        name="crop",
        aliases=("cropping",),
        keys=frozenset({"P", "to"}),
        compute=compute_crop,
        explain=explain_edges,
        receptive=window_field,
        saves=saves_view,
        reference=run_crop,
        caption=caption_edges,
        example="big: identity\nsmall: conv K=4 F=3\ncrop to=small from=big",
        summary="remove rows: O = I - Ps - Pe, or the size of to=LABEL's output, centred",
    ),
)
