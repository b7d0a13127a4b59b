"""Size and padding formulas against brute force and documented properties.

The brute-force counters below slide a window along a padded row and count the
positions, which is what the formulas claim to compute; they share no code with
``cnncalc.geometry``.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from cnncalc.geometry import (
    conv_output_size,
    mode_padding,
    pool_output_size,
    same_padding,
    transposed_output_size,
    uncovered_input,
)

sizes = st.integers(1, 60)
kernels = st.integers(1, 7)
strides = st.integers(1, 5)
dilations = st.integers(1, 3)
pads = st.integers(0, 4)


def count_windows(size: int, kernel: int, stride: int, start: int, end: int, dilation: int) -> int:
    """Windows fully inside the padded row, starting at 0, S, 2S, ..."""
    span = dilation * (kernel - 1) + 1
    padded = start + size + end
    return sum(1 for offset in range(0, padded, stride) if offset + span <= padded)


def count_ceil_windows(size: int, kernel: int, stride: int, start: int, end: int, dilation: int) -> int:
    """Ceil mode as PyTorch documents it: windows may run off the end of the padded row,
    a new one starts while the previous did not reach the end (before the first, a
    virtual one at -S), but a window that would start in the end padding is dropped."""
    span = dilation * (kernel - 1) + 1
    padded = start + size + end
    count, offset = 0, 0
    while offset - stride + span < padded and not (count and offset >= start + size):
        count += 1
        offset += stride
    return count


@given(sizes, kernels, strides, pads, pads, dilations)
def test_conv_size_counts_the_windows(size: int, kernel: int, stride: int, start: int, end: int, dilation: int) -> None:
    windows = count_windows(size, kernel, stride, start, end, dilation)
    out = conv_output_size(size, kernel, stride, (start, end), dilation)
    assert out == windows or (windows == 0 and out < 1)


@given(sizes, kernels, strides, pads, pads, dilations)
def test_ceil_pool_size_follows_pytorch_rule(
    size: int, kernel: int, stride: int, start: int, end: int, dilation: int
) -> None:
    expected = count_ceil_windows(size, kernel, stride, start, end, dilation)
    out = pool_output_size(size, kernel, stride, (start, end), dilation, ceil_mode=True)
    assert out == expected or (expected == 0 and out < 1)


@given(sizes, kernels, strides, dilations)
def test_same_gives_ceil_of_size_over_stride(size: int, kernel: int, stride: int, dilation: int) -> None:
    pad = same_padding(size, kernel, stride, dilation)
    assert conv_output_size(size, kernel, stride, pad, dilation) == -(-size // stride)
    assert pad[1] - pad[0] in (0, 1)  # the odd pixel goes at the end, as in TensorFlow


@given(sizes, kernels, strides, dilations)
def test_same_agrees_with_cheatsheet_where_that_formula_is_not_negative(
    size: int, kernel: int, stride: int, dilation: int
) -> None:
    # Cheatsheet: P_start = floor((S*ceil(I/S) - I + F - S)/2), P_end = ceil(...), for D = 1.
    if dilation != 1:
        return
    total = stride * math.ceil(size / stride) - size + kernel - stride
    if total < 0:
        return
    assert same_padding(size, kernel, stride, 1) == (total // 2, -(-total // 2))


@given(sizes, kernels, dilations)
def test_full_then_valid_restores_the_size(size: int, kernel: int, dilation: int) -> None:
    grown = conv_output_size(size, kernel, 1, mode_padding("full", size, kernel, 1, dilation), dilation)
    assert grown == size + dilation * (kernel - 1)
    assert conv_output_size(grown, kernel, 1, (0, 0), dilation) == size


@given(sizes, kernels, strides, pads, dilations)
def test_transposed_size_is_the_scatter_extent(size: int, kernel: int, stride: int, pad: int, dilation: int) -> None:
    # Input position i writes to outputs i*S + k*D for k < F; the last one is (I-1)*S + D*(F-1).
    extent = (size - 1) * stride + dilation * (kernel - 1) + 1
    for extra in range(max(stride, dilation)):
        assert transposed_output_size(size, kernel, stride, (pad, pad), dilation, extra) == extent - 2 * pad + extra


@given(sizes, kernels, strides, dilations)
def test_transposed_inverts_conv_size(size: int, kernel: int, stride: int, dilation: int) -> None:
    """A transposed conv with the same hyperparameters maps the conv's output back to a size
    that differs from the conv's input by less than the stride (what output padding picks)."""
    out = conv_output_size(size, kernel, stride, (0, 0), dilation)
    if out < 1:
        return
    back = transposed_output_size(out, kernel, stride, (0, 0), dilation, 0)
    assert 0 <= size - back < stride


@given(sizes, kernels, strides, pads, pads, dilations)
def test_uncovered_input_is_what_no_window_reaches(
    size: int, kernel: int, stride: int, start: int, end: int, dilation: int
) -> None:
    span = dilation * (kernel - 1) + 1
    windows = count_windows(size, kernel, stride, start, end, dilation)
    if windows == 0:
        return
    # padded positions 0 .. reached-1 are under some window, or in the stride gap between two
    # (skipped by design when S > Fe, like a 1x1 conv with stride 2, not lost at the end)
    reached = (windows - 1) * stride + max(span, stride)
    real_end = start + size
    assert uncovered_input(size, kernel, stride, (start, end), dilation) == max(real_end - reached, 0)


def test_course_examples() -> None:
    assert conv_output_size(7, 3, 2, (0, 0)) == 3  # 7x7 input, 3x3 filter, stride 2 -> 3x3
    assert pool_output_size(7, 2, 2, (0, 0), ceil_mode=True) == 4  # 7x7 max-pooled 2x2/2 with ceil -> 4x4
    assert pool_output_size(7, 2, 2, (0, 0)) == 3
    assert conv_output_size(6, 3, 1, (0, 0)) == 4  # 6x6 * 3x3 edge filter -> 4x4
    assert same_padding(7, 3, 2, 1) == (1, 1)
    assert same_padding(8, 3, 2, 1) == (0, 1)  # asymmetric: TensorFlow pads the end
    # odd sizes at stride 2: 7 with a 2x2 window needs 1 extra (end), 5 with 4x4 needs 3 (1, 2)
    assert same_padding(7, 2, 2, 1) == (0, 1)
    assert same_padding(5, 4, 2, 1) == (1, 2)
    assert conv_output_size(5, 4, 2, (1, 2)) == 3
    assert conv_output_size(10**18, 3, 1, (1, 1)) == 10**18  # exact at any magnitude


def test_pytorch_ceil_mode_documented_case() -> None:
    # PyTorch drops the last window when it would start in the padding:
    # MaxPool1d(2, stride=2, padding=1, ceil_mode=True) on length 5 -> 3 (not 4).
    assert pool_output_size(5, 2, 2, (1, 1), ceil_mode=True) == 3
    assert pool_output_size(6, 3, 2, (0, 0), ceil_mode=True) == 3
