"""Shape-preserving kinds: activations, ``bn``, ``dropout``, ``identity``."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.formula import Line, letter, number, result, shape, times
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.receptive import keep_field
from cnncalc.reference.tensor import Tensor


def compute_same_shape(ctx: LayerContext) -> Computed:
    return Computed(output=ctx.input)


def compute_batchnorm(ctx: LayerContext) -> Computed:
    """gamma and beta are trained; the running mean and variance are not (Keras' split)."""
    channels = ctx.input.channels
    return Computed(output=ctx.input, trainable_params=2 * channels, non_trainable_params=2 * channels)


def explain_same_shape(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [
        Line(
            name=letter("output"),
            result=shape([number(d) for d in computed.output.as_list()]),
            note="same shape as its input, no parameters",
        )
    ]


def explain_batchnorm(ctx: LayerContext, computed: Computed) -> list[Line]:
    channels = number(ctx.input.channels)
    return [
        Line(
            name=letter("trainable"),
            formula=times(number(2), letter("C")),
            numbers=times(number(2), channels),
            result=result(computed.trainable_params),
            note="gamma and beta per channel",
        ),
        Line(
            name=letter("non-trainable", r"\text{non-trainable}"),
            formula=times(number(2), letter("C")),
            numbers=times(number(2), channels),
            result=result(computed.non_trainable_params),
            note="running mean and variance per channel",
        ),
    ]


def run_unchanged(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """Element-wise kinds keep which inputs each output depends on (verify's one-channel run)."""
    return x


def same_shape_kind(
    name: str, summary: str, *, keys: frozenset[str] = frozenset(), example: str | None = None
) -> LayerKind:
    """Factory for every kind that leaves the shape, the params and the receptive field alone."""
    return LayerKind(
        name=name,
        keys=keys,
        compute=compute_same_shape,
        explain=explain_same_shape,
        receptive=keep_field,
        reference=run_unchanged,
        draw="fold",
        example=example or name,
        summary=summary,
    )


_ACTIVATIONS = ("relu", "relu6", "leakyrelu", "elu", "gelu", "sigmoid", "tanh", "swish", "softmax")

KINDS = (
    LayerKind(
        name="bn",
        aliases=("batchnorm",),
        keys=frozenset({"trainable"}),
        compute=compute_batchnorm,
        explain=explain_batchnorm,
        receptive=keep_field,
        reference=run_unchanged,
        draw="fold",
        counts_as="bn",
        example="bn",
        summary="batch normalization over channels: 2C trainable + 2C running statistics",
    ),
    *(same_shape_kind(name, f"{name} activation") for name in _ACTIVATIONS),
    same_shape_kind("dropout", "dropout (no effect on sizes)", keys=frozenset({"rate"}), example="dropout rate=0.5"),
    same_shape_kind("identity", "identity: a place to hang a label"),
)
