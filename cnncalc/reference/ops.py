"""Pure-Python layers: cross-correlation, transposed convolution, pooling, dense, activations.

Independent of cnncalc's size formulas on purpose: every op finds its output extent
by enumerating windows (or scattering taps), so comparing its shapes with the
formulas is a real check. Conventions follow PyTorch: ``Conv*d`` cross-correlation,
``ConvTranspose*d`` weights ``(C, K/G, *kernel)``, pooling padded with -inf (max) or
zeros (average, counted in the divisor unless ``count_include_pad=False``), ceil mode
dropping windows that would start in the end padding.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from operator import mul
from typing import Any

from cnncalc.reference.tensor import Number, Tensor, size_of

Pads = Sequence[tuple[int, int]]


def _strides(dims: Sequence[int]) -> list[int]:
    """Row-major element strides of an array of the given dims."""
    strides = [1] * len(dims)
    for axis in range(len(dims) - 2, -1, -1):
        strides[axis] = strides[axis + 1] * dims[axis + 1]
    return strides


def _padded(plane: list[Number], spatial: Sequence[int], pads: Pads, fill: Number) -> tuple[list[Number], list[int]]:
    """A copy of one channel surrounded by padding; returns it and its dims (copied a row at a time)."""
    dims = [size + start + end for size, (start, end) in zip(spatial, pads, strict=True)]
    if all(start == 0 and end == 0 for start, end in pads):
        return list(plane), dims
    out: list[Number] = [fill] * size_of(tuple(dims))
    out_strides = _strides(dims)
    in_strides = _strides(spatial)
    row = spatial[-1]
    for index in itertools.product(*(range(size) for size in spatial[:-1])):
        source = sum(i * s for i, s in zip(index, in_strides, strict=False))
        target = sum((i + pad[0]) * s for i, pad, s in zip(index, pads, out_strides, strict=False)) + pads[-1][0]
        out[target : target + row] = plane[source : source + row]
    return out, dims


def window_starts(padded: int, span: int, stride: int, start_pad: int, size: int, ceil_mode: bool) -> list[int]:
    """Start offsets (in padded coordinates) of the windows along one dim.

    Floor mode: every window that fits in the padded row. Ceil mode (PyTorch): keep
    adding windows while the previous one had not reached the end (before the first,
    a virtual one at -S), but never one that would start in the end padding.
    """
    starts: list[int] = []
    offset = 0
    while True:
        if ceil_mode:
            if offset - stride + span >= padded or (starts and offset >= start_pad + size):
                break
        elif offset + span > padded:
            break
        starts.append(offset)
        offset += stride
    return starts


def conv(
    x: Tensor,
    weight: Sequence[Sequence[Sequence[Number]]],
    kernel: Sequence[int],
    *,
    stride: Sequence[int],
    padding: Pads,
    dilation: Sequence[int],
    groups: int = 1,
    bias: Sequence[Number] | None = None,
) -> Tensor:
    """Cross-correlation. ``weight[k][c][tap]``: filter k, its input channel c (of its group),
    taps in row-major order over ``kernel``."""
    filters = len(weight)
    per_group_in = x.channels // groups
    per_group_out = filters // groups
    padded = [_padded(plane, x.spatial, padding, 0) for plane in x.data]
    dims = padded[0][1] if padded else []
    plane_size = size_of(tuple(dims))
    strides = _strides(dims)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    starts = [
        window_starts(dims[a], spans[a], stride[a], padding[a][0], x.spatial[a], ceil_mode=False)
        for a in range(len(dims))
    ]
    out_spatial = tuple(len(s) for s in starts)
    taps = [
        sum(k * d * s for k, d, s in zip(tap, dilation, strides, strict=True))
        for tap in itertools.product(*(range(k) for k in kernel))
    ]
    bases = [sum(o * s for o, s in zip(origin, strides, strict=True)) for origin in itertools.product(*starts)]
    out: list[list[Number]] = []
    for group in range(groups):
        channels = range(group * per_group_in, (group + 1) * per_group_in)
        buffer = [value for c in channels for value in padded[c][0]]
        offsets = [c_local * plane_size + tap for c_local in range(per_group_in) for tap in taps]
        group_weights = [
            [w for c_local in range(per_group_in) for w in weight[k][c_local]]
            for k in range(group * per_group_out, (group + 1) * per_group_out)
        ]
        integral = all(type(v) is int for v in buffer) and all(type(w) is int for row in group_weights for w in row)
        dot = _windows_packed if integral and len(group_weights) > 1 else _windows
        out.extend(dot(buffer, offsets, bases, group_weights))
    if bias is not None:
        out = [[v + b for v in plane] for plane, b in zip(out, bias, strict=True)]
    return Tensor(out_spatial, filters, tuple(out))


def _windows(
    buffer: list[Number], offsets: list[int], bases: list[int], weights: list[list[Number]]
) -> list[list[Number]]:
    """One dot product per (window, filter); the window is gathered once for all filters."""
    planes: list[list[Number]] = [[] for _ in weights]
    for base in bases:
        window = [buffer[base + o] for o in offsets]
        for plane, w in zip(planes, weights, strict=True):
            plane.append(sum(map(mul, window, w)))
    return planes


def _windows_packed(
    buffer: list[Number], offsets: list[int], bases: list[int], weights: list[list[Number]]
) -> list[list[Number]]:
    """The same for integers, all filters at once: tap i's weights are packed into one
    integer with filter k in bits ``[k*L, (k+1)*L)``, so one multiply-accumulate per tap
    serves every filter (Python integers are exact at any size). The lane width L holds
    the largest possible sum, ``max|x| * max_k sum|w_k|``, with a sign bit to spare, so
    no lane can spill into the next; lanes are then read back as signed numbers."""
    count = len(weights)
    largest_input = max((abs(int(v)) for v in buffer), default=0)
    largest = largest_input * max(sum(abs(int(w)) for w in row) for row in weights)
    lane = largest.bit_length() + 2
    packed = [sum(int(weights[k][i]) << (lane * k) for k in range(count)) for i in range(len(offsets))]
    mask, half, full = (1 << lane) - 1, 1 << (lane - 1), 1 << lane
    planes: list[list[Number]] = [[] for _ in range(count)]
    for base in bases:
        total = sum(map(mul, [buffer[base + o] for o in offsets], packed))
        for plane in planes:
            value = total & mask
            if value >= half:
                value -= full
            plane.append(value)
            total = (total - value) >> lane
    return planes


def deconv(
    x: Tensor,
    weight: Sequence[Sequence[Sequence[Number]]],
    kernel: Sequence[int],
    *,
    stride: Sequence[int],
    padding: Pads,
    dilation: Sequence[int],
    output_padding: Sequence[int],
    groups: int = 1,
    bias: Sequence[Number] | None = None,
) -> Tensor:
    """Transposed convolution by scattering: input position i, tap t adds ``x[i]*w[t]``
    at ``i*S + t*D``; the full result is cropped by the padding, and ``output_padding``
    extends the end. ``weight[c][k_local][tap]`` as PyTorch's ``(C, K/G, *kernel)``."""
    per_group_in = x.channels // groups
    per_group_out = len(weight[0])
    filters = per_group_out * groups
    full = [(i - 1) * s + d * (k - 1) + 1 for i, s, d, k in zip(x.spatial, stride, dilation, kernel, strict=True)]
    out_spatial = tuple(f - p0 - p1 + op for f, (p0, p1), op in zip(full, padding, output_padding, strict=True))
    if any(size < 1 for size in out_spatial):
        raise ValueError(f"transposed convolution output {out_spatial} is empty")
    buffer_dims = [max(f, p0 + o) for f, (p0, _), o in zip(full, padding, out_spatial, strict=True)]
    strides = _strides(buffer_dims)
    in_strides = _strides(x.spatial)
    taps = [
        sum(k * d * s for k, d, s in zip(tap, dilation, strides, strict=True))
        for tap in itertools.product(*(range(k) for k in kernel))
    ]
    positions: list[tuple[int, int]] = []  # (flat input index, where its taps start in the buffer)
    for index in itertools.product(*(range(size) for size in x.spatial)):
        flat = sum(i * s for i, s in zip(index, in_strides, strict=True))
        start = sum(i * st * s for i, st, s in zip(index, stride, strides, strict=True))
        positions.append((flat, start))
    buffers: list[list[Number]] = [[0] * size_of(tuple(buffer_dims)) for _ in range(filters)]
    for c in range(x.channels):
        group = c // per_group_in
        plane = x.data[c]
        for k_local in range(per_group_out):
            target = buffers[group * per_group_out + k_local]
            w = weight[c][k_local]
            for source, base in positions:
                value = plane[source]
                if value == 0:
                    continue
                for tap, wt in zip(taps, w, strict=True):
                    target[base + tap] += value * wt
    out: list[list[Number]] = []
    for k, buffer in enumerate(buffers):
        plane = [
            buffer[sum((o + pad[0]) * s for o, pad, s in zip(index, padding, strides, strict=True))]
            for index in itertools.product(*(range(size) for size in out_spatial))
        ]
        if bias is not None:
            plane = [v + bias[k] for v in plane]
        out.append(plane)
    return Tensor(out_spatial, filters, tuple(out))


def pool(
    x: Tensor,
    kernel: Sequence[int],
    *,
    stride: Sequence[int],
    padding: Pads,
    dilation: Sequence[int],
    mode: str,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Max or average pooling, channel by channel, PyTorch's rules."""
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    padded_dims = [size + p0 + p1 for size, (p0, p1) in zip(x.spatial, padding, strict=True)]
    starts = [
        window_starts(padded_dims[a], spans[a], stride[a], padding[a][0], x.spatial[a], ceil_mode)
        for a in range(len(x.spatial))
    ]
    out_spatial = tuple(len(s) for s in starts)
    in_strides = _strides(x.spatial)
    # per axis and window start: the real input offsets it covers (times the axis stride) and its
    # padded and real tap counts; a window is then one combination across the axes
    per_axis: list[list[tuple[list[int], int, int]]] = []
    for axis, axis_starts in enumerate(starts):
        p0 = padding[axis][0]
        entries = []
        for first in axis_starts:
            taps = [first + t * dilation[axis] for t in range(kernel[axis])]
            inside_padded = [t for t in taps if t < padded_dims[axis]]
            real = [(t - p0) * in_strides[axis] for t in inside_padded if p0 <= t < p0 + x.spatial[axis]]
            entries.append((real, len(inside_padded), len(real)))
        per_axis.append(entries)
    windows = []  # per output position: (flat indices of real input inside, divisor)
    for combination in itertools.product(*per_axis):
        flat = [0]
        padded_count = real_count = 1
        for real, padded_taps, real_taps in combination:
            flat = [f + r for f in flat for r in real]
            padded_count *= padded_taps
            real_count *= real_taps
        windows.append((flat, padded_count if count_include_pad else real_count))
    out: list[list[Number]] = []
    for plane in x.data:
        values: list[Number]
        if mode == "max":
            values = [max([plane[i] for i in flat], default=-math.inf) for flat, _ in windows]
        else:
            values = [_divide(sum([plane[i] for i in flat]), divisor) for flat, divisor in windows]
        out.append(values)
    return Tensor(out_spatial, x.channels, tuple(out))


def adaptive_pool(x: Tensor, sizes: Sequence[int], mode: str) -> Tensor:
    """PyTorch's adaptive pooling: window i spans ``[floor(i*I/O), ceil((i+1)*I/O))``."""
    ranges = [
        [range((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]
        for size, out in zip(x.spatial, sizes, strict=True)
    ]
    in_strides = _strides(x.spatial)
    windows = [
        [sum(i * s for i, s in zip(index, in_strides, strict=True)) for index in itertools.product(*spans)]
        for spans in itertools.product(*ranges)
    ]
    out: list[list[Number]] = []
    for plane in x.data:
        if mode == "max":
            out.append([max(plane[i] for i in flat) for flat in windows])
        else:
            out.append([_divide(sum(plane[i] for i in flat), len(flat)) for flat in windows])
    return Tensor(tuple(sizes), x.channels, tuple(out))


def global_pool(x: Tensor, mode: str) -> Tensor:
    return adaptive_pool(x, [1] * len(x.spatial), mode)


def flatten(x: Tensor) -> Tensor:
    """Channels-last order, like cnncalc's shapes (and Keras)."""
    count = size_of(x.spatial)
    values = [x.data[c][i] for i in range(count) for c in range(x.channels)]
    return Tensor((), len(values), tuple([v] for v in values))


def dense(x: Tensor, weight: Sequence[Sequence[Number]], bias: Sequence[Number] | None = None) -> Tensor:
    """``weight[unit][feature]`` on the flattened input."""
    features = [plane[0] for plane in flatten(x).data]
    out = [sum(map(mul, features, row)) for row in weight]
    if bias is not None:
        out = [v + b for v, b in zip(out, bias, strict=True)]
    return Tensor((), len(out), tuple([v] for v in out))


def add(tensors: Sequence[Tensor]) -> Tensor:
    first = tensors[0]
    data = tuple(
        [sum(values) for values in zip(*(t.data[c] for t in tensors), strict=True)] for c in range(first.channels)
    )
    return Tensor(first.spatial, first.channels, data)


def collapse(x: Tensor) -> Tensor:
    """All channels summed into one plane (``cnncalc verify`` runs every layer on one channel)."""
    if x.channels == 1:
        return x
    return Tensor(x.spatial, 1, ([sum(column) for column in zip(*x.data, strict=True)],))


def concat(tensors: Sequence[Tensor]) -> Tensor:
    data = tuple(plane for t in tensors for plane in t.data)
    return Tensor(tensors[0].spatial, len(data), data)


def _divide(total: Number, divisor: int) -> Number:
    if isinstance(total, float):
        return total / divisor
    quotient = Fraction(total, divisor)
    return int(quotient) if quotient.denominator == 1 else quotient


def _gelu(v: float) -> float:
    return 0.5 * v * (1 + math.erf(v / math.sqrt(2)))


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


#: element-wise activations; exact where the function allows (relu, leaky relu with alpha 1/100)
ACTIVATIONS: dict[str, Callable[[Any], Number]] = {
    "relu": lambda v: v if v > 0 else 0,
    "relu6": lambda v: min(max(v, 0), 6),
    "leakyrelu": lambda v: v if v > 0 else v * Fraction(1, 100),
    "elu": lambda v: v if v > 0 else math.expm1(v),
    "gelu": lambda v: _gelu(float(v)),
    "sigmoid": lambda v: _sigmoid(float(v)),
    "tanh": lambda v: math.tanh(v),
    "swish": lambda v: float(v) * _sigmoid(float(v)),
}


def activation(x: Tensor, name: str) -> Tensor:
    """An element-wise activation; ``softmax`` runs over the channels of each position
    (the features of a flat vector), shifted by the maximum so large inputs cannot overflow."""
    if name != "softmax":
        function = ACTIVATIONS[name]
        return Tensor(x.spatial, x.channels, tuple([function(v) for v in plane] for plane in x.data))
    count = size_of(x.spatial)
    out: list[list[Number]] = [[0.0] * count for _ in range(x.channels)]
    for i in range(count):
        column = [float(x.data[c][i]) for c in range(x.channels)]
        top = max(column)
        exps = [math.exp(v - top) for v in column]
        total = sum(exps)
        for c in range(x.channels):
            out[c][i] = exps[c] / total
    return Tensor(x.spatial, x.channels, tuple(out))


def _positions(spatial: Sequence[int]) -> Iterator[tuple[int, ...]]:
    return itertools.product(*(range(d) for d in spatial))


def _flat_index(position: Sequence[int], spatial: Sequence[int]) -> int:
    index = 0
    for p, d in zip(position, spatial, strict=True):
        index = index * d + p
    return index


def resample_nearest(x: Tensor, sizes: Sequence[int]) -> Tensor:
    """PyTorch's ``nearest`` interpolation: output ``o`` reads input ``floor(o * I / O)`` per dim."""
    out_spatial = tuple(sizes)
    sources = [
        _flat_index([o * i // n for o, i, n in zip(position, x.spatial, out_spatial, strict=True)], x.spatial)
        for position in _positions(out_spatial)
    ]
    return Tensor(out_spatial, x.channels, tuple([plane[s] for s in sources] for plane in x.data))


def crop(x: Tensor, edges: Sequence[tuple[int, int]]) -> Tensor:
    """Drop ``(start, end)`` rows per dim (what ``F.pad`` does with negative padding)."""
    out_spatial = tuple(d - s - e for d, (s, e) in zip(x.spatial, edges, strict=True))
    if any(d < 1 for d in out_spatial):
        raise ValueError("the crop removes the whole input")
    sources = [
        _flat_index([p + s for p, (s, _) in zip(position, edges, strict=True)], x.spatial)
        for position in _positions(out_spatial)
    ]
    return Tensor(out_spatial, x.channels, tuple([plane[s] for s in sources] for plane in x.data))


def broadcast_sum(tensors: Sequence[Tensor], spatial: Sequence[int]) -> Tensor:
    """One channel: the sum of every tensor, each broadcast to ``spatial`` (NumPy's rules on the
    channels-last shapes; a flat tensor is one value per channel, summed to one)."""
    out_spatial = tuple(spatial)
    total: list[Number] = [0] * size_of(out_spatial)
    for t in tensors:
        plane = collapse(t).data[0]
        rank = len(t.spatial)
        dims = (1,) * (len(out_spatial) - rank) + t.spatial
        for index, position in enumerate(_positions(out_spatial)):
            source = [p if d != 1 else 0 for p, d in zip(position, dims, strict=True)][len(out_spatial) - rank :]
            total[index] += plane[_flat_index(source, t.spatial)] if rank else plane[0]
    return Tensor(out_spatial, 1, (total,))
