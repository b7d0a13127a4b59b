"""``cnncalc reference conv|pool|deconv``: option strings in, a computed tensor out.

Everything the user typed is validated here, once: per-dim values (``2`` or ``2x1``),
padding in the ``.arch`` syntax (``1``, ``0:1``, ``same``...), matrices and their
shapes. Bad option values are usage errors (exit 2); bad matrix contents and shapes
that do not fit are input errors (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cnncalc.arch.values import Where, read_dims, read_padding
from cnncalc.errors import ArchError, ShapeError, UsageError
from cnncalc.geometry import mode_padding
from cnncalc.reference.cell_working import CellWorking, conv_cell
from cnncalc.reference.matrices import parse_matrix, read_matrix
from cnncalc.reference.ops import conv, deconv, pool
from cnncalc.reference.tensor import Number, Tensor, nested_shape


@dataclass(frozen=True, kw_only=True, slots=True)
class ReferenceResult:
    output: Tensor
    padding: tuple[tuple[int, int], ...]
    workings: tuple[CellWorking, ...] = ()


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


def load_tensor(value: str, option: str, rank: int) -> Tensor:
    nested, source = read_matrix(value, option=option)
    try:
        return Tensor.from_nested(nested, rank)
    except ValueError:
        depth = len(nested_shape(nested))
        raise ShapeError(
            f"{source} has {depth} levels of nesting; a {rank}-D input has {rank} (one channel)"
            f" or {rank + 1} (channels last)",
            hint="set --dims for 1-D or 3-D data",
        ) from None


def load_filters(value: str, rank: int, channels: int) -> tuple[list[list[list[Number]]], tuple[int, ...], str]:
    """Filters as ``weight[k][c][tap]`` from nests of ``rank`` (one channel, one filter),
    ``rank+1`` (channels last) or ``rank+2`` (channels, then filters last: H x W x C x K) levels."""
    nested, source = read_matrix(value, option="--filter")
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
    return weight, kernel, source


def _at(tap: Any, c: int, k: int, depth: int, rank: int) -> Number:
    if depth == rank:
        return tap  # type: ignore[no-any-return]
    if depth == rank + 1:
        return tap[c]  # type: ignore[no-any-return]
    return tap[c][k]  # type: ignore[no-any-return]


def read_bias(text: str | None, count: int) -> list[Number] | None:
    if text is None:
        return None
    values = parse_matrix(text if text.strip().startswith("[") else f"[{text}]", "--bias")
    if not isinstance(values, list) or any(isinstance(v, list) for v in values):
        raise UsageError("--bias is one number or a list with one per filter")
    if len(values) == 1:
        values = values * count
    if len(values) != count:
        raise UsageError(f"--bias gives {len(values)} values for {count} filter(s)")
    return [v if not isinstance(v, Fraction) or v.denominator != 1 else int(v) for v in values]


def _check_extent(output: Tensor, what: str) -> None:
    if any(size < 1 for size in output.spatial):
        raise ShapeError(
            f"the {what} window does not fit: the output would be empty", hint="add padding or use a smaller kernel"
        )


def _filtered_layer(
    input_value: str, filter_value: str, stride: str, dilation: str, dims: int
) -> tuple[Tensor, list[list[list[Number]]], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """What conv and deconv both read: the input, the filters (and their kernel), stride and dilation."""
    x = load_tensor(input_value, "--input", dims)
    weight, kernel, _ = load_filters(filter_value, dims, x.channels)
    return x, weight, kernel, per_dim(stride, "--stride", dims, 1), per_dim(dilation, "--dilation", dims, 1)


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
) -> ReferenceResult:
    x, weight, kernel, strides, dilations = _filtered_layer(input_value, filter_value, stride, dilation, dims)
    pads = resolve_padding(
        padding, sizes=x.spatial, kernel=kernel, stride=strides, dilation=dilations, modes=("valid", "same", "full")
    )
    biases = read_bias(bias, len(weight))
    out = conv(x, weight, kernel, stride=strides, padding=pads, dilation=dilations, bias=biases)
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
    return ReferenceResult(output=out, padding=pads, workings=workings)


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
) -> ReferenceResult:
    x = load_tensor(input_value, "--input", dims)
    kernels = per_dim(kernel, "--kernel", dims, 1)
    strides = per_dim(stride, "--stride", dims, 1) if stride else kernels
    ones = (1,) * dims
    pads = resolve_padding(
        padding, sizes=x.spatial, kernel=kernels, stride=strides, dilation=ones, modes=("valid", "same")
    )
    out = pool(
        x,
        kernels,
        stride=strides,
        padding=pads,
        dilation=ones,
        mode=mode,
        ceil_mode=ceil,
        count_include_pad=include_padding,
    )
    _check_extent(out, "pooling")
    return ReferenceResult(output=out, padding=pads)


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
) -> ReferenceResult:
    """Filters as for conv (H x W x C x K): channel c of the input, filter k of the output."""
    x, weight, kernel, strides, dilations = _filtered_layer(input_value, filter_value, stride, dilation, dims)
    extra = per_dim(output_padding, "--output-padding", dims, 0)
    pads = resolve_padding(
        padding, sizes=x.spatial, kernel=kernel, stride=strides, dilation=dilations, modes=("valid",)
    )
    if any(op >= max(s, d) for op, s, d in zip(extra, strides, dilations, strict=True)):
        raise UsageError("--output-padding must be smaller than the stride or the dilation (as PyTorch requires)")
    transposed = [
        [[weight[k][c][t] for t in range(len(weight[k][c]))] for k in range(len(weight))] for c in range(x.channels)
    ]
    try:
        out = deconv(
            x,
            transposed,
            kernel,
            stride=strides,
            padding=pads,
            dilation=dilations,
            output_padding=extra,
            bias=read_bias(bias, len(weight)),
        )
    except ValueError:
        raise ShapeError(
            "the padding removes the whole transposed-convolution output", hint="use less padding"
        ) from None
    return ReferenceResult(output=out, padding=pads)
