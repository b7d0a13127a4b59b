"""``cnncalc reference conv|pool|deconv``: option strings in, a computed tensor out.

Everything the user typed is validated here, once: per-dim values (``2`` or ``2x1``),
padding in the ``.arch`` syntax (``1``, ``0:1``, ``same``...), matrices and their
shapes. Bad option values are usage errors (exit 2); bad matrix contents and shapes
that do not fit are input errors (exit 1).

The work is estimated from the shapes before anything is computed (:func:`conv_work`,
:func:`pool_work`, :func:`deconv_work`, in "cell operations": the padded input and the
output cells times the window, the channels and the filters) and refused past
``max_work`` (default :data:`cnncalc.limits.REFERENCE`, raised with ``--max-work``), so
``--padding 100000`` on a 1 x 1 input stops at once instead of filling the memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cnncalc.arch.values import Where, read_dims, read_padding
from cnncalc.course.numbers import common_denominator, vector
from cnncalc.errors import ArchError, ShapeError, UsageError
from cnncalc.geometry import mode_padding
from cnncalc.limits import REFERENCE, check_work
from cnncalc.reference.cell_working import CellWorking, conv_cell
from cnncalc.reference.matrices import VALUE_COST, parse_matrix, read_matrix
from cnncalc.reference.ops import conv, deconv, pool
from cnncalc.reference.tensor import Number, Tensor, nested_shape


@dataclass(frozen=True, kw_only=True, slots=True)
class ReferenceResult:
    output: Tensor
    padding: tuple[tuple[int, int], ...]
    workings: tuple[CellWorking, ...] = ()
    #: the user wrote a fraction (``1/3``) in an input: values are shown as fractions, else as decimals
    fractions: bool = False


def _product(values: tuple[int, ...] | list[int]) -> int:
    total = 1
    for v in values:
        total *= v
    return total


def _windows_along(padded: int, span: int, stride: int, ceil: bool) -> int:
    """Windows along one dim (an upper bound in ceil mode), from the sizes alone."""
    if padded < span:
        return 1 if ceil and padded > 0 else 0
    return (padded - span + (stride - 1 if ceil else 0)) // stride + 1


def conv_work(
    x: Tensor,
    kernel: tuple[int, ...],
    filters: int,
    strides: tuple[int, ...],
    pads: tuple[tuple[int, int], ...],
    dilations: tuple[int, ...],
) -> int:
    """Cell operations of a cross-correlation: the padded copy of the input, then every
    output cell times the window times the input channels, per filter."""
    padded = [size + p0 + p1 for size, (p0, p1) in zip(x.spatial, pads, strict=True)]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    out = [_windows_along(p, sp, s, False) for p, sp, s in zip(padded, spans, strides, strict=True)]
    cells = _product(out) * max(filters, 1)
    return x.channels * _product(padded) + cells * (_product(kernel) * x.channels + 1 + VALUE_COST)


def pool_work(
    x: Tensor, kernel: tuple[int, ...], strides: tuple[int, ...], pads: tuple[tuple[int, int], ...], ceil: bool
) -> int:
    """Cell operations of pooling: every output cell times the window, per channel (and once for the windows)."""
    padded = [size + p0 + p1 for size, (p0, p1) in zip(x.spatial, pads, strict=True)]
    out = [_windows_along(p, k, s, ceil) for p, k, s in zip(padded, kernel, strides, strict=True)]
    return _product(out) * ((_product(kernel) + 1) * (x.channels + 1) + VALUE_COST * x.channels)


def deconv_work(
    x: Tensor,
    kernel: tuple[int, ...],
    filters: int,
    strides: tuple[int, ...],
    pads: tuple[tuple[int, int], ...],
    dilations: tuple[int, ...],
    extra: tuple[int, ...],
) -> int:
    """Cell operations of a transposed convolution: the full (uncropped) output buffer per filter,
    and every input cell scattered through the window to every filter."""
    full = [(i - 1) * s + d * (k - 1) + 1 for i, s, d, k in zip(x.spatial, strides, dilations, kernel, strict=True)]
    out = [f - p0 - p1 + op for f, (p0, p1), op in zip(full, pads, extra, strict=True)]
    buffer = [max(f, p0 + max(o, 0)) for f, (p0, _), o in zip(full, pads, out, strict=True)]
    return filters * (
        _product(buffer) + _product(x.spatial) * _product(kernel) * x.channels + VALUE_COST * _product(out)
    )


def _option(error: ArchError, option: str) -> UsageError:
    return UsageError(f"{option}: {error.message}", hint=error.hint)


def per_dim(text: str, option: str, rank: int, minimum: int) -> tuple[int, ...]:
    try:
        values = read_dims(text.strip(), Where(option, 1, 1), what="the value", minimum=minimum)
    except ArchError as error:
        raise _option(error, option) from None
    if len(values) == 1:
        return values * rank
    if len(values) != rank:
        raise UsageError(f"{option} {text} gives {len(values)} values for {rank} spatial dim(s)")
    return values


def resolve_padding(
    text: str,
    *,
    sizes: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    modes: tuple[str, ...],
) -> tuple[tuple[int, int], ...]:
    try:
        padding = read_padding(text.strip(), Where("--padding", 1, 1))
    except ArchError as error:
        raise _option(error, "--padding") from None
    rank = len(sizes)
    if padding.mode is not None:
        if padding.mode not in modes:
            raise UsageError(
                f"--padding {padding.mode} is not available here", hint=f"use {', '.join(modes)} or numbers"
            )
        return tuple(
            tuple(int(p) for p in mode_padding(padding.mode, sizes[a], kernel[a], stride[a], dilation[a]))  # type: ignore[misc]
            for a in range(rank)
        )
    pairs = padding.broadcast(rank)
    if pairs is None:
        raise UsageError(f"--padding {text} gives {len(padding.pairs)} values for {rank} spatial dim(s)")
    return pairs


def load_tensor(value: str, option: str, rank: int, max_work: int | None = None) -> Tensor:
    return load_tensor_written(value, option, rank, max_work)[0]


def load_tensor_written(value: str, option: str, rank: int, max_work: int | None = None) -> tuple[Tensor, bool]:
    """The tensor, and whether the user wrote a fraction in it (refused before parsing past ``max_work``)."""
    nested, source, fractions = read_matrix(value, option=option, max_work=max_work)
    try:
        return Tensor.from_nested(nested, rank), fractions
    except ValueError:
        depth = len(nested_shape(nested))
        raise ShapeError(
            f"{source} has {depth} levels of nesting; a {rank}-D input has {rank} (one channel)"
            f" or {rank + 1} (channels last)",
            hint="set --dims for 1-D or 3-D data",
        ) from None


def load_filters(
    value: str, rank: int, channels: int, max_work: int | None = None
) -> tuple[list[list[list[Number]]], tuple[int, ...], str, bool]:
    """Filters as ``weight[k][c][tap]`` from nests of ``rank`` (one channel, one filter),
    ``rank+1`` (channels last) or ``rank+2`` (channels, then filters last: H x W x C x K) levels."""
    nested, source, fractions = read_matrix(value, option="--filter", max_work=max_work)
    shape = nested_shape(nested)
    depth = len(shape)
    if depth not in (rank, rank + 1, rank + 2):
        raise ShapeError(f"{source} has {depth} levels of nesting; a {rank}-D filter has {rank} to {rank + 2}")
    kernel = tuple(shape[:rank])
    in_channels = shape[rank] if depth > rank else 1
    filters = shape[rank + 1] if depth == rank + 2 else 1
    if in_channels != channels:
        raise ShapeError(
            f"the filter has {in_channels} channel(s) but the input has {channels}",
            hint="a filter spans all input channels: give it the input's channel count (channels last)",
        )
    flat: list[Any] = nested
    for _ in range(rank - 1):
        flat = [x for row in flat for x in row]  # taps row-major
    weight = [[[_at(tap, c, k, depth, rank) for tap in flat] for c in range(in_channels)] for k in range(filters)]
    return weight, kernel, source, fractions


def _at(tap: Any, c: int, k: int, depth: int, rank: int) -> Number:
    if depth == rank:
        return tap  # type: ignore[no-any-return]
    if depth == rank + 1:
        return tap[c]  # type: ignore[no-any-return]
    return tap[c][k]  # type: ignore[no-any-return]


def read_bias(text: str | None, count: int) -> list[Number] | None:
    if text is None:
        return None
    values = parse_matrix(text, "--bias") if text.strip().startswith("[") else vector(text, "--bias")
    if not isinstance(values, list) or any(isinstance(v, list) for v in values):
        raise UsageError("--bias is one number or a list with one per filter")
    if len(values) == 1:
        values = values * count
    if len(values) != count:
        raise UsageError(f"--bias gives {len(values)} values for {count} filter(s)")
    return [v if not isinstance(v, Fraction) or v.denominator != 1 else int(v) for v in values]


def _integers(x: Tensor) -> tuple[Tensor, int]:
    """The tensor scaled to integers by its values' common denominator (exact, and fast: integer
    windows use the packed dot products), and that denominator."""
    scale = common_denominator(v for plane in x.data for v in plane)
    if scale == 1:
        return Tensor(x.spatial, x.channels, tuple([int(v) for v in plane] for plane in x.data)), 1
    return Tensor(x.spatial, x.channels, tuple([_times(v, scale) for v in plane] for plane in x.data)), scale


def _integer_weights(weight: list[list[list[Number]]]) -> tuple[list[list[list[Number]]], int]:
    scale = common_denominator(w for rows in weight for taps in rows for w in taps)
    return [[[_times(w, scale) for w in taps] for taps in rows] for rows in weight], scale


def _times(value: Number, scale: int) -> int:
    fraction = Fraction(value)
    return fraction.numerator * (scale // fraction.denominator)


def _unscale(raw: Tensor, scale: int, bias: list[Number] | None) -> Tensor:
    """Integer results divided back by ``scale`` (exactly), plus the bias of each output channel."""

    def back(value: Number, k: int) -> Number:
        if isinstance(value, float):  # -inf: a max-pool window of padding only
            return value
        exact = Fraction(value, scale) if isinstance(value, int) else Fraction(value) / scale
        if bias is not None:
            exact += Fraction(bias[k])
        return exact.numerator if exact.denominator == 1 else exact

    if scale == 1 and bias is None:
        return raw
    return Tensor(raw.spatial, raw.channels, tuple([back(v, k) for v in plane] for k, plane in enumerate(raw.data)))


def _check_extent(output: Tensor, what: str) -> None:
    if any(size < 1 for size in output.spatial):
        raise ShapeError(
            f"the {what} window does not fit: the output would be empty", hint="add padding or use a smaller kernel"
        )


@dataclass(frozen=True, slots=True)
class _Filtered:
    """What conv and deconv both read: the input, the filters (and their kernel), stride and dilation."""

    x: Tensor
    weight: list[list[list[Number]]]
    kernel: tuple[int, ...]
    strides: tuple[int, ...]
    dilations: tuple[int, ...]
    fractions: bool


def _filtered_layer(
    input_value: str, filter_value: str, stride: str, dilation: str, dims: int, max_work: int
) -> _Filtered:
    strides = per_dim(stride, "--stride", dims, 1)
    dilations = per_dim(dilation, "--dilation", dims, 1)
    x, input_fractions = load_tensor_written(input_value, "--input", dims, max_work)
    weight, kernel, _, filter_fractions = load_filters(filter_value, dims, x.channels, max_work)
    return _Filtered(x, weight, kernel, strides, dilations, input_fractions or filter_fractions)


def run_conv(
    input_value: str,
    filter_value: str,
    *,
    stride: str,
    padding: str,
    dilation: str,
    bias: str | None,
    dims: int,
    explain: bool,
    cell: str | None,
    order: str,
    max_work: int = REFERENCE.default,
) -> ReferenceResult:
    layer = _filtered_layer(input_value, filter_value, stride, dilation, dims, max_work)
    x, weight, kernel, strides, dilations = layer.x, layer.weight, layer.kernel, layer.strides, layer.dilations
    pads = resolve_padding(
        padding, sizes=x.spatial, kernel=kernel, stride=strides, dilation=dilations, modes=("valid", "same", "full")
    )
    biases = read_bias(bias, len(weight))
    check_work(REFERENCE.unit, conv_work(x, kernel, len(weight), strides, pads, dilations), max_work)
    x_int, x_scale = _integers(x)
    w_int, w_scale = _integer_weights(weight)
    raw = conv(x_int, w_int, kernel, stride=strides, padding=pads, dilation=dilations)
    out = _unscale(raw, x_scale * w_scale, biases)
    _check_extent(out, "convolution")
    workings: tuple[CellWorking, ...] = ()
    if explain:
        where = per_dim(cell, "--cell", dims, 0) if cell else (0,) * dims
        if any(c >= size for c, size in zip(where, out.spatial, strict=True)):
            raise UsageError(f"--cell {cell} is outside the output {'x'.join(map(str, out.spatial))}")
        workings = tuple(
            conv_cell(
                x,
                weight,
                kernel,
                cell=where,
                filter_index=k,
                stride=strides,
                padding=pads,
                dilation=dilations,
                bias=None if biases is None else biases[k],
                order=order,
            )
            for k in range(len(weight))
        )
    fractions = layer.fractions or _bias_fractions(bias)
    return ReferenceResult(output=out, padding=pads, workings=workings, fractions=fractions)


def run_pool(
    input_value: str,
    *,
    kernel: str,
    stride: str | None,
    padding: str,
    mode: str,
    ceil: bool,
    include_padding: bool,
    dims: int,
    max_work: int = REFERENCE.default,
) -> ReferenceResult:
    kernels = per_dim(kernel, "--kernel", dims, 1)
    strides = per_dim(stride, "--stride", dims, 1) if stride else kernels
    x, fractions = load_tensor_written(input_value, "--input", dims, max_work)
    ones = (1,) * dims
    pads = resolve_padding(
        padding, sizes=x.spatial, kernel=kernels, stride=strides, dilation=ones, modes=("valid", "same")
    )
    check_work(REFERENCE.unit, pool_work(x, kernels, strides, pads, ceil), max_work)
    x_int, x_scale = _integers(x)
    raw = pool(
        x_int,
        kernels,
        stride=strides,
        padding=pads,
        dilation=ones,
        mode=mode,
        ceil_mode=ceil,
        count_include_pad=include_padding,
    )
    out = _unscale(raw, x_scale, None)
    _check_extent(out, "pooling")
    return ReferenceResult(output=out, padding=pads, fractions=fractions)


def run_deconv(
    input_value: str,
    filter_value: str,
    *,
    stride: str,
    padding: str,
    output_padding: str,
    dilation: str,
    bias: str | None,
    dims: int,
    max_work: int = REFERENCE.default,
) -> ReferenceResult:
    """Filters as for conv (H x W x C x K): channel c of the input, filter k of the output."""
    layer = _filtered_layer(input_value, filter_value, stride, dilation, dims, max_work)
    x, weight, kernel, strides, dilations = layer.x, layer.weight, layer.kernel, layer.strides, layer.dilations
    extra = per_dim(output_padding, "--output-padding", dims, 0)
    pads = resolve_padding(
        padding, sizes=x.spatial, kernel=kernel, stride=strides, dilation=dilations, modes=("valid",)
    )
    if any(op >= max(s, d) for op, s, d in zip(extra, strides, dilations, strict=True)):
        raise UsageError("--output-padding must be smaller than the stride or the dilation (as PyTorch requires)")
    full = [(i - 1) * s + d * (k - 1) + 1 for i, s, d, k in zip(x.spatial, strides, dilations, kernel, strict=True)]
    if any(f - p0 - p1 + op < 1 for f, (p0, p1), op in zip(full, pads, extra, strict=True)):
        raise ShapeError("the padding removes the whole transposed-convolution output", hint="use less padding")
    check_work(REFERENCE.unit, deconv_work(x, kernel, len(weight), strides, pads, dilations, extra), max_work)
    transposed = [
        [[weight[k][c][t] for t in range(len(weight[k][c]))] for k in range(len(weight))] for c in range(x.channels)
    ]
    try:
        x_int, x_scale = _integers(x)
        t_int, t_scale = _integer_weights(transposed)
        raw = deconv(x_int, t_int, kernel, stride=strides, padding=pads, dilation=dilations, output_padding=extra)
        out = _unscale(raw, x_scale * t_scale, read_bias(bias, len(weight)))
    except ValueError:
        raise ShapeError(
            "the padding removes the whole transposed-convolution output", hint="use less padding"
        ) from None
    return ReferenceResult(output=out, padding=pads, fractions=layer.fractions or _bias_fractions(bias))


def _bias_fractions(text: str | None) -> bool:
    return text is not None and "/" in text
