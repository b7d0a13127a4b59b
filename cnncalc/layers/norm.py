"""Normalisation and learned scales: ``bn``, ``layernorm``, ``groupnorm``, ``instancenorm``, ``layerscale``,
``normalization``.

Each keeps the shape and the receptive field (a norm's statistics are not part of the
field, as for ``bn``) and adds no MACs. Parameters follow the PyTorch module the kind
names: ``BatchNorm*d`` (gamma, beta trained; running mean and variance not), ``LayerNorm(C)``
over the channels at each position (ConvNeXt's ``LayerNorm2d``), ``GroupNorm(G, C)``,
``InstanceNorm*d(C, affine=)`` (no running statistics by default) and ConvNeXt's layer scale.
``normalization`` is Keras's ``Normalization(axis=-1)`` (the input scaling of
``keras.applications``' EfficientNets): a mean and a variance per channel and a scalar
``count``, none of them trained: 2C + 1 non-trainable. Its ``(x - mean) / sqrt(variance)``
per element is counted like ``bn`` at inference (the same per-channel affine map): no MACs.
"""

from __future__ import annotations

from functools import partial

from cnncalc.dims import Dim, as_int, product
from cnncalc.formula import Line, Math, letter, number, plus, result, times
from cnncalc.layers.base import Computed, LayerContext, LayerKind
from cnncalc.layers.elementwise import run_unchanged
from cnncalc.layers.saving import INPUT, NOTHING, Own, SaveContext, Saved, elements, saves_input_if_training
from cnncalc.model import Shape
from cnncalc.receptive import keep_field


def needs_spatial(ctx: LayerContext, why: str) -> None:
    if not ctx.input.spatial:
        raise ctx.fail(
            f"{ctx.spec.kind} needs spatial dims ({why}), but its input is a flat vector of {ctx.input.channels}",
            hint="it applies to feature maps like 32x32x64",
        )


def divides_channels(ctx: LayerContext, groups: int, what: str) -> int:
    """The channel count, which ``groups`` must divide (checked when it is a number)."""
    channels = ctx.input.channels
    concrete = as_int(channels)
    if concrete is not None and concrete % groups:
        raise ctx.fail(
            f"{what} G={groups} must divide the channels ({concrete})",
            key="G",
            hint=f"choose G among the divisors of {concrete}",
        )
    return concrete if concrete is not None else 0


def params_line(factor: int, computed: Computed, ctx: LayerContext, note: str) -> Line:
    """``trainable = 2*C = 2*64 = 128`` (or ``C = 64`` for one vector)."""
    channels = number(ctx.input.channels)
    formula: Math = letter("C") if factor == 1 else times(number(factor), letter("C"))
    numbers: Math | None = None if factor == 1 else times(number(factor), channels)
    if factor == 0:
        return Line(name=letter("trainable"), result=result(0), note=note)
    return Line(
        name=letter("trainable"), formula=formula, numbers=numbers, result=result(computed.trainable_params), note=note
    )


def compute_batchnorm(ctx: LayerContext) -> Computed:
    """gamma and beta are trained (each dropped by Keras' ``scale=no``/``center=no``); the running
    mean and variance are not (Keras' split)."""
    channels = ctx.input.channels
    vectors = int(ctx.spec.scale) + int(ctx.spec.center)
    return Computed(output=ctx.input, trainable_params=vectors * channels, non_trainable_params=2 * channels)


def explain_batchnorm(ctx: LayerContext, computed: Computed) -> list[Line]:
    kept = [name for name, on in (("gamma", ctx.spec.scale), ("beta", ctx.spec.center)) if on]
    channels = number(ctx.input.channels)
    return [
        params_line(len(kept), computed, ctx, (" and ".join(kept) or "no affine vectors") + " per channel"),
        Line(
            name=letter("non-trainable", r"\text{non-trainable}"),
            formula=times(number(2), letter("C")),
            numbers=times(number(2), channels),
            result=result(computed.non_trainable_params),
            note="running mean and variance per channel",
        ),
    ]


def compute_layernorm(ctx: LayerContext) -> Computed:
    return Computed(output=ctx.input, trainable_params=(1 + int(ctx.spec.bias)) * ctx.input.channels)


def explain_layernorm(ctx: LayerContext, computed: Computed) -> list[Line]:
    vectors = 1 + int(ctx.spec.bias)
    note = "weight and bias per channel" if vectors == 2 else "weight per channel (bias=no)"
    return [params_line(vectors, computed, ctx, note)]


def compute_groupnorm(ctx: LayerContext) -> Computed:
    needs_spatial(ctx, "it normalises groups of channels over positions")
    groups = ctx.spec.groups or 1
    if divides_channels(ctx, groups, "groupnorm") == groups and all(as_int(d) == 1 for d in ctx.input.spatial):
        raise ctx.fail(
            f"groupnorm G={groups} needs more than one value per group, but its input {ctx.input} has one "
            "channel per group at a single position",
            key="G",
            hint="PyTorch refuses it too: the variance of a single value is not defined",
        )
    return Computed(output=ctx.input, trainable_params=2 * ctx.input.channels)


def explain_groupnorm(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [params_line(2, computed, ctx, f"weight and bias per channel; statistics over {ctx.spec.groups} groups")]


def compute_instancenorm(ctx: LayerContext) -> Computed:
    needs_spatial(ctx, "it normalises each channel over positions")
    positions: Dim = 1
    for d in ctx.input.spatial:
        positions = positions * d
    if as_int(positions) == 1:
        raise ctx.fail(
            f"instancenorm needs more than one spatial position, but its input is {ctx.input}",
            hint="PyTorch refuses it too: the variance of a single value is not defined",
        )
    return Computed(output=ctx.input, trainable_params=2 * ctx.input.channels if ctx.spec.affine else 0)


def explain_instancenorm(ctx: LayerContext, computed: Computed) -> list[Line]:
    if ctx.spec.affine:
        return [params_line(2, computed, ctx, "weight and bias per channel (affine)")]
    return [params_line(0, computed, ctx, "no affine parameters and no running statistics (PyTorch's default)")]


def compute_layerscale(ctx: LayerContext) -> Computed:
    return Computed(output=ctx.input, trainable_params=ctx.input.channels)


def explain_layerscale(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [params_line(1, computed, ctx, "one learned factor per channel")]


def compute_normalization(ctx: LayerContext) -> Computed:
    """Keras's ``Normalization`` on the channels: ``mean`` and ``variance`` (C each) and ``count`` (one
    number), all non-trainable; no MACs (weight multiply-accumulates only, as for ``bn``)."""
    return Computed(output=ctx.input, non_trainable_params=2 * ctx.input.channels + 1)


def explain_normalization(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [
        params_line(0, computed, ctx, "Keras's Normalization learns nothing"),
        Line(
            name=letter("non-trainable", r"\text{non-trainable}"),
            formula=plus(times(number(2), letter("C")), ("+", number(1))),
            numbers=plus(times(number(2), number(ctx.input.channels)), ("+", number(1))),
            result=result(computed.non_trainable_params),
            note="mean and variance per channel, and one count",
        ),
    ]


def saves_batchnorm(ctx: SaveContext) -> Saved:
    """NativeBatchNormBackward keeps the input and the batch's mean and inverse std per channel
    (in the activations' dtype on CPU); ``center=no`` is written as ``bn(x) * gamma``, whose mul
    also keeps the normalized tensor while gamma trains."""
    channels = ctx.output.channels
    stats = (Own(0, channels), Own(0, channels))
    if ctx.spec.scale and not ctx.spec.center and ctx.trains:
        return Saved(inputs=(0,), own=(*stats, Own(elements(ctx.output))))
    return Saved(inputs=(0,), own=stats)


def saves_normalization(ctx: SaveContext) -> Saved:
    """``(x - mean) / sqrt(variance)``: the subtraction keeps nothing; the division keeps its divisor,
    ``sqrt(variance)`` computed from the buffer (C numbers, whatever the batch), when the input
    needs a gradient."""
    return Saved(own=(Own(0, ctx.output.channels),)) if ctx.grads[0] else NOTHING


def _positions(shape: Shape) -> Dim:
    return product(shape.spatial) if shape.spatial else 1


def saves_layernorm(ctx: SaveContext) -> Saved:
    """NativeLayerNormBackward keeps the input and a mean and an inverse std per position."""
    positions = _positions(ctx.output)
    return Saved(inputs=(0,), own=(Own(positions), Own(positions)))


def saves_groupnorm(ctx: SaveContext) -> Saved:
    """NativeGroupNormBackward keeps the input and a mean and an inverse std per group."""
    groups = ctx.spec.groups or 1
    return Saved(inputs=(0,), own=(Own(groups), Own(groups)))


def saves_instancenorm(ctx: SaveContext) -> Saved:
    """PyTorch runs batch norm on the input viewed as 1 x NC x ...: the input, a mean and an inverse
    std per sample and channel, and with ``affine`` the weight repeated per sample."""
    channels = ctx.output.channels
    own = (Own(channels), Own(channels), *((Own(channels),) if ctx.spec.affine else ()))
    return Saved(inputs=INPUT.inputs, own=own)


#: every norm keeps the field, runs as the identity in verify and is drawn folded into its conv
_norm = partial(LayerKind, receptive=keep_field, reference=run_unchanged, draw="fold")


KINDS = (
    _norm(
        name="bn",
        defaults=(("scale", "yes"), ("center", "yes"), ("trainable", "yes")),
        summary="batch normalization over channels: 2C trainable + 2C running statistics (Keras scale=no, center=no)",
        example="bn",
        aliases=("batchnorm", "batchnormalization"),
        keys=frozenset({"trainable", "scale", "center"}),
        compute=compute_batchnorm,
        saves=saves_batchnorm,
        explain=explain_batchnorm,
        counts_as="bn",
    ),
    _norm(
        name="layernorm",
        defaults=(("bias", "yes"), ("trainable", "yes")),
        summary="layer normalization over the channels at each position (LayerNorm(C), ConvNeXt's LayerNorm2d): 2C",
        example="layernorm",
        aliases=("layer_norm",),
        keys=frozenset({"bias", "trainable"}),
        compute=compute_layernorm,
        saves=saves_layernorm,
        explain=explain_layernorm,
    ),
    _norm(
        name="groupnorm",
        summary="group normalization (GroupNorm(G, C)): G divides C, 2C",
        example="groupnorm G=2",
        aliases=("group_norm",),
        keys=frozenset({"G", "trainable"}),
        required=frozenset({"G"}),
        compute=compute_groupnorm,
        saves=saves_groupnorm,
        explain=explain_groupnorm,
    ),
    _norm(
        name="instancenorm",
        summary="instance normalization (InstanceNorm(C)): 2C with the affine flag, else none",
        example="instancenorm affine",
        aliases=("instance_norm",),
        keys=frozenset({"trainable"}),
        flags=frozenset({"affine"}),
        compute=compute_instancenorm,
        saves=saves_instancenorm,
        explain=explain_instancenorm,
    ),
    _norm(
        name="layerscale",
        summary="a learned factor per channel (ConvNeXt's layer scale): C",
        example="layerscale",
        aliases=("layer_scale",),
        keys=frozenset({"trainable"}),
        compute=compute_layerscale,
        saves=saves_input_if_training,
        explain=explain_layerscale,
    ),
    _norm(
        name="normalization",
        summary="Keras's Normalization on the channels: mean and variance per channel and a count, "
        "all non-trainable: 2C + 1",
        example="normalization",
        compute=compute_normalization,
        saves=saves_normalization,
        explain=explain_normalization,
    ),
)
