"""Convolutions: ``conv``, ``dwconv`` and ``deconv`` (PyTorch ``Conv*d``/``ConvTranspose*d``).

Counting convention (DESIGN.md §4, fvcore/torchvision): one multiply-accumulate of a
weight is one MAC, biases are not counted; parameters are what PyTorch's
``model.parameters()`` holds.
"""

from __future__ import annotations

from cnncalc.dims import product
from cnncalc.geometry import conv_output_size, transposed_output_size
from cnncalc.layers.base import Computed, LayerContext, LayerKind, Shape, Window
from cnncalc.layers.common import (
    SizeRule,
    channels_of,
    coverage_warnings,
    output_sizes,
    per_dim,
    resolve_window,
    spatial_input,
)
from cnncalc.spec.model import PaddingMode

_CONV_FORMULA = "floor((I + Ps + Pe - Fe)/S) + 1 = floor(({I} + {Ps} + {Pe} - {Fe})/{S}) + 1"
_DECONV_FORMULA = "(I - 1)*S - Ps - Pe + Fe + OP = ({I} - 1)*{S} - {Ps} - {Pe} + {Fe} + {OP}"
_ALL_MODES: frozenset[PaddingMode] = frozenset({"valid", "same", "full"})


def _floor_rule(window: Window) -> SizeRule:
    return lambda axis, size: conv_output_size(
        size, window.kernel[axis], window.stride[axis], window.padding[axis], window.dilation[axis]
    )


def _check_groups(ctx: LayerContext, channels: int, filters: int, groups: int) -> None:
    if channels % groups or filters % groups:
        raise ctx.fail(
            f"groups G={groups} must divide both the input channels ({channels}) and K ({filters})",
            key="G",
            hint="G=C with K a multiple of C is a depthwise conv",
        )


def compute_conv(ctx: LayerContext) -> Computed:
    spatial_input(ctx)
    channels = channels_of(ctx)
    filters = ctx.spec.filters or 0
    groups = ctx.spec.groups or 1
    _check_groups(ctx, channels, filters, groups)
    window, warnings = resolve_window(ctx, default_stride=(1,), modes=_ALL_MODES)
    sizes = output_sizes(ctx, window, _floor_rule(window), _CONV_FORMULA)
    taps = product(list(window.kernel)) * (channels // groups)
    return Computed(
        output=Shape(spatial=sizes, channels=filters),
        window=window,
        trainable_params=(taps + int(ctx.spec.bias)) * filters,
        macs=product(list(sizes)) * filters * taps,
        warnings=warnings + coverage_warnings(ctx, window),
    )


def compute_dwconv(ctx: LayerContext) -> Computed:
    spatial_input(ctx)
    channels = channels_of(ctx)
    out_channels = channels * (ctx.spec.multiplier or 1)
    window, warnings = resolve_window(ctx, default_stride=(1,), modes=_ALL_MODES)
    sizes = output_sizes(ctx, window, _floor_rule(window), _CONV_FORMULA)
    taps = product(list(window.kernel))
    return Computed(
        output=Shape(spatial=sizes, channels=out_channels),
        window=window,
        trainable_params=(taps + int(ctx.spec.bias)) * out_channels,
        macs=product(list(sizes)) * out_channels * taps,
        warnings=warnings + coverage_warnings(ctx, window),
    )


def compute_deconv(ctx: LayerContext) -> Computed:
    shape = spatial_input(ctx)
    channels = channels_of(ctx)
    filters = ctx.spec.filters or 0
    groups = ctx.spec.groups or 1
    _check_groups(ctx, channels, filters, groups)
    window, warnings = resolve_window(ctx, default_stride=(1,), modes=frozenset({"valid"}))
    extra = per_dim(ctx, ctx.spec.output_padding, "OP", (0,))
    for axis, op in enumerate(extra):
        if op >= max(window.stride[axis], window.dilation[axis]):
            raise ctx.fail(
                f"output padding OP={op} must be smaller than the stride ({window.stride[axis]}) "
                f"or the dilation ({window.dilation[axis]})",
                key="OP",
                hint="PyTorch refuses larger output padding; it only picks among sizes the stride makes ambiguous",
            )
    sizes = output_sizes(
        ctx,
        window,
        lambda axis, size: transposed_output_size(
            size, window.kernel[axis], window.stride[axis], window.padding[axis], window.dilation[axis], extra[axis]
        ),
        _DECONV_FORMULA,
        extra,
    )
    taps = product(list(window.kernel))
    return Computed(
        output=Shape(spatial=sizes, channels=filters),
        window=window,
        trainable_params=taps * channels * (filters // groups) + filters * int(ctx.spec.bias),
        macs=product(list(shape.spatial)) * channels * taps * (filters // groups),
        warnings=warnings,
    )


_WINDOW_KEYS = frozenset({"F", "S", "P", "D", "bias", "trainable"})

KINDS = (
    LayerKind(
        name="conv",
        aliases=("conv1d", "conv2d", "conv3d"),
        keys=_WINDOW_KEYS | {"K", "G"},
        required=frozenset({"K", "F"}),
        compute=compute_conv,
        receptive="window",
        summary="convolution: K filters of F x ... x C/G",
    ),
    LayerKind(
        name="dwconv",
        aliases=("depthwise",),
        keys=_WINDOW_KEYS | {"M"},
        required=frozenset({"F"}),
        compute=compute_dwconv,
        receptive="window",
        summary="depthwise convolution: groups = C, C*M output channels",
    ),
    LayerKind(
        name="deconv",
        aliases=("convtranspose", "convt"),
        keys=_WINDOW_KEYS | {"K", "G", "OP"},
        required=frozenset({"K", "F"}),
        compute=compute_deconv,
        receptive="undefined",
        summary="transposed convolution (PyTorch ConvTranspose)",
    ),
)
