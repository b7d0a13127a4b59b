"""Convolutions: ``conv``, ``dwconv`` and ``deconv`` (PyTorch ``Conv*d``/``ConvTranspose*d``).

Counting convention (torchvision's GFLOPS, fvcore): one multiply-accumulate of a
weight is one MAC, biases are not counted; parameters are what PyTorch's
``model.parameters()`` holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.dims import product
from cnncalc.formula import Line, Math, add, letter, number, times
from cnncalc.geometry import conv_output_size, output_padding_fits, transposed_output_size
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.common import (
    SizeRule,
    caption_window,
    channels_of,
    coverage_warnings,
    dim_name,
    output_sizes,
    per_dim,
    resolve_window,
    run_conv,
    spatial_input,
)
from cnncalc.layers.saving import SaveContext, Saved, padded_input, saves_input
from cnncalc.layers.worked_lines import (
    axis_groups,
    count_line,
    kernel_taps,
    output_letters,
    output_shape_line,
    padding_lines,
    per_group,
    size_lines,
)
from cnncalc.model import PaddingMode, Shape, Window
from cnncalc.receptive import undefined_field, window_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor, size_of

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
        if not output_padding_fits(op, window.stride[axis], window.dilation[axis]):
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


def _explain_windowed(
    ctx: LayerContext, computed: Computed, weights: tuple[Math, Math], outputs: tuple[Math, Math]
) -> list[Line]:
    """``params = (weights + 1)*outputs`` and ``MACs = O*O*outputs*weights`` — conv and dwconv alike."""
    window = computed.window
    assert window is not None  # every conv has one
    (w, w_numbers), (k, k_numbers) = weights, outputs
    if ctx.spec.bias:
        params = times(add(w, number(1)), k), times(add(w_numbers, number(1)), k_numbers)
    else:
        params = times(w, k), times(w_numbers, k_numbers)
    positions = output_letters(ctx, axis_groups(ctx, window))
    sizes = [number(d) for d in computed.output.spatial]
    return [
        *padding_lines(ctx, window),
        *size_lines(ctx, window, computed, "floor"),
        output_shape_line(ctx, window, computed, k),
        count_line("params", *params, computed.trainable_params),
        count_line("MACs", times(*positions, k, w), times(*sizes, k_numbers, w_numbers), computed.macs),
    ]


def explain_conv(ctx: LayerContext, computed: Computed) -> list[Line]:
    """``params = (F*F*C + 1)*K``, ``MACs = O*O*K*F*F*C`` (``C/G`` with groups)."""
    assert computed.window is not None
    taps, tap_numbers = kernel_taps(computed.window)
    channels, channel_numbers = per_group(letter("C"), number(ctx.input.channels), ctx.spec.groups or 1)
    weights = times(taps, channels), times(tap_numbers, channel_numbers)
    return _explain_windowed(ctx, computed, weights, (letter("K"), number(ctx.spec.filters or 0)))


def explain_dwconv(ctx: LayerContext, computed: Computed) -> list[Line]:
    """``params = (F*F + 1)*C*M``, ``MACs = O*O*C*M*F*F`` (each channel its own M filters)."""
    assert computed.window is not None
    multiplier = ctx.spec.multiplier or 1
    outputs = letter("C"), number(ctx.input.channels)
    if multiplier != 1:
        outputs = times(outputs[0], letter("M")), times(outputs[1], number(multiplier))
    return _explain_windowed(ctx, computed, kernel_taps(computed.window), outputs)


def explain_deconv(ctx: LayerContext, computed: Computed) -> list[Line]:
    """``params = F*F*C*K/G + K``; ``MACs = I*I*C*F*F*K/G`` (input positions)."""
    window = computed.window
    assert window is not None
    groups = ctx.spec.groups or 1
    filters = ctx.spec.filters or 0
    extra = per_dim(ctx, ctx.spec.output_padding, "OP", (0,))
    taps, tap_numbers = kernel_taps(window)
    per_filter, per_filter_numbers = per_group(letter("K"), number(filters), groups)
    c, c_number = letter("C"), number(ctx.input.channels)
    weights, weight_numbers = times(taps, c, per_filter), times(tap_numbers, c_number, per_filter_numbers)
    if ctx.spec.bias:
        params = add(weights, letter("K")), add(weight_numbers, number(filters))
    else:
        params = weights, weight_numbers
    rank = len(window.kernel)
    if len(axis_groups(ctx, window, extra)) == 1:
        inputs = [letter("I")] * rank
    else:
        inputs = [letter(f"I_{dim_name(rank, a)}", f"I_{{{dim_name(rank, a)}}}") for a in range(rank)]
    sizes = [number(d) for d in ctx.input.spatial]
    return [
        *padding_lines(ctx, window),
        *size_lines(ctx, window, computed, "transposed", extra),
        output_shape_line(ctx, window, computed, letter("K"), extra),
        count_line("params", *params, computed.trainable_params),
        count_line(
            "MACs",
            times(*inputs, c, taps, per_filter),
            times(*sizes, c_number, tap_numbers, per_filter_numbers),
            computed.macs,
            note="one per input position and weight",
        ),
    ]


_WINDOW_KEYS = frozenset({"F", "S", "P", "D", "bias", "trainable"})


def run_deconv(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    window = layer.window
    assert window is not None
    extra = layer.spec.output_padding or (0,)
    return ops.deconv(
        x,
        [[[1] * size_of(window.kernel)]] * x.channels,
        window.kernel,
        stride=window.stride,
        padding=list(layer.padding),
        dilation=window.dilation,
        output_padding=extra * len(window.kernel) if len(extra) == 1 else extra,
    )


def saves_conv(ctx: SaveContext) -> Saved:
    """ConvolutionBackward keeps the input (and the weight, a parameter), frozen or not; asymmetric
    padding is applied by ``F.pad`` first, so the padded copy is what is kept."""
    window = ctx.window
    return padded_input(ctx, native=window is None or all(start == end for start, end in window.padding))


KINDS = (
    LayerKind(
        name="conv",
        defaults=(("S", "1"), ("P", "0"), ("D", "1"), ("G", "1"), ("bias", "yes"), ("trainable", "yes")),
        aliases=("conv1d", "conv2d", "conv3d"),
        keys=_WINDOW_KEYS | {"K", "G"},
        required=frozenset({"K", "F"}),
        compute=compute_conv,
        explain=explain_conv,
        receptive=window_field,
        reference=run_conv,
        saves=saves_conv,
        family="conv",
        caption=caption_window,
        counts_as="conv",
        example="conv K=32 F=3 S=1 P=same",
        summary="convolution: K filters of F x ... x C/G",
    ),
    LayerKind(
        name="dwconv",
        defaults=(("S", "1"), ("P", "0"), ("D", "1"), ("M", "1"), ("bias", "yes"), ("trainable", "yes")),
        aliases=("depthwise",),
        keys=_WINDOW_KEYS | {"M"},
        required=frozenset({"F"}),
        compute=compute_dwconv,
        explain=explain_dwconv,
        receptive=window_field,
        reference=run_conv,
        saves=saves_conv,
        family="conv",
        caption=caption_window,
        counts_as="conv",
        example="dwconv F=3 S=2 P=same",
        summary="depthwise convolution: groups = C, C*M output channels",
    ),
    LayerKind(
        name="deconv",
        defaults=(("S", "1"), ("P", "0"), ("OP", "0"), ("D", "1"), ("G", "1"), ("bias", "yes"), ("trainable", "yes")),
        aliases=("convtranspose", "convt"),
        keys=_WINDOW_KEYS | {"K", "G", "OP"},
        required=frozenset({"K", "F"}),
        compute=compute_deconv,
        explain=explain_deconv,
        receptive=undefined_field,
        reference=run_deconv,
        saves=saves_input,
        family="deconv",
        caption=caption_window,
        counts_as="conv",
        example="deconv K=4 F=4 S=2 P=1",
        noun="a transposed conv",
        summary="transposed convolution (PyTorch ConvTranspose)",
    ),
)
