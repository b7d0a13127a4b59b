"""Flat layers: ``fc`` (Keras ``Dense``, PyTorch ``Linear``) and ``flatten``."""

from __future__ import annotations

from cnncalc.dims import product
from cnncalc.layers.base import Computed, LayerContext, LayerKind, Shape


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


KINDS = (
    LayerKind(
        name="fc",
        aliases=("dense", "linear"),
        keys=frozenset({"bias", "trainable"}),
        positional="units",
        compute=compute_fc,
        receptive="global",
        summary="fully connected: N units, input flattened first",
    ),
    LayerKind(
        name="flatten",
        compute=compute_flatten,
        receptive="global",
        summary="flatten to one vector",
    ),
)
