"""Output sizes and padding, one spatial dim at a time.

Pure functions on :data:`~cnncalc.dims.Dim` (int or sympy), written with ``//`` so
one formula serves both. Conventions (PyTorch sizes, TensorFlow SAME):

* conv / floor pooling: ``O = floor((I + Ps + Pe - Fe) / S) + 1`` with
  ``Fe = D*(F-1) + 1`` (PyTorch ``Conv*d``/``*Pool*d``);
* ceil pooling: ``O = ceil(...) + 1``, less any window that would start in the end
  padding (PyTorch's ``pooling_output_shape`` decrement, generalised);
* transposed conv: ``O = (I-1)*S - Ps - Pe + Fe + OP`` (PyTorch ``ConvTranspose*d``);
* ``same`` is TensorFlow/Keras ``SAME``: total ``T = max((ceil(I/S)-1)*S + Fe - I, 0)``,
  the odd pixel at the end; ``full`` pads ``Fe - 1`` on both sides.
"""

from __future__ import annotations

from cnncalc.dims import Dim, ceil_div, floor_div, maximum, minimum
from cnncalc.model import PaddingMode


def effective_kernel(kernel: int, dilation: int) -> int:
    """Span of a dilated window: ``D*(F-1) + 1``."""
    return dilation * (kernel - 1) + 1


def same_padding(size: Dim, kernel: int, stride: int, dilation: int) -> tuple[Dim, Dim]:
    """TensorFlow ``SAME``: the smallest total padding giving ``ceil(I/S)``, extra at the end."""
    total = maximum((ceil_div(size, stride) - 1) * stride + effective_kernel(kernel, dilation) - size, 0)
    start = floor_div(total, 2)
    return start, total - start


def mode_padding(mode: PaddingMode, size: Dim, kernel: int, stride: int, dilation: int) -> tuple[Dim, Dim]:
    """Resolve a padding mode to ``(start, end)`` for one dim."""
    if mode == "same":
        return same_padding(size, kernel, stride, dilation)
    if mode == "full":
        side = effective_kernel(kernel, dilation) - 1
        return side, side
    return 0, 0


def conv_output_size(size: Dim, kernel: int, stride: int, pad: tuple[Dim, Dim], dilation: int = 1) -> Dim:
    """``floor((I + Ps + Pe - Fe) / S) + 1``."""
    return floor_div(size + pad[0] + pad[1] - effective_kernel(kernel, dilation), stride) + 1


def pool_output_size(
    size: Dim, kernel: int, stride: int, pad: tuple[Dim, Dim], dilation: int = 1, *, ceil_mode: bool = False
) -> Dim:
    """Pooling size; with ``ceil_mode`` PyTorch drops a last window that starts in the end padding."""
    if not ceil_mode:
        return conv_output_size(size, kernel, stride, pad, dilation)
    window = effective_kernel(kernel, dilation)
    span = size + pad[0] + pad[1] - window
    windows = ceil_div(span, stride) + 1
    # Windows start at 0, S, 2S, ... while the previous one has not reached the end;
    # any that would start in the end padding is dropped (PyTorch's "O -= 1"). With
    # X = I + Ps, ceil((X + Pe - Fe)/S) = floor((X + Pe - Fe + S - 1)/S) <= floor((X - 1)/S)
    # for every X exactly when Pe + S <= Fe: then no window can start in the padding,
    # and symbolic sizes need no Min (which would double the expression at every pool).
    if isinstance(pad[1], int) and pad[1] + stride <= window:
        return windows
    return minimum(windows, floor_div(size + pad[0] - 1, stride) + 1)


def output_padding_fits(output_padding: int, stride: int, dilation: int) -> bool:
    """PyTorch's rule: ``OP < max(S, D)`` (it only picks among sizes the stride leaves open)."""
    return output_padding < max(stride, dilation)


def transposed_output_size(
    size: Dim, kernel: int, stride: int, pad: tuple[Dim, Dim], dilation: int = 1, output_padding: int = 0
) -> Dim:
    """``(I - 1)*S - Ps - Pe + Fe + OP``."""
    return (size - 1) * stride - pad[0] - pad[1] + effective_kernel(kernel, dilation) + output_padding


def uncovered_input(size: int, kernel: int, stride: int, pad: tuple[int, int], dilation: int = 1) -> int:
    """How many real input rows at the end lie past the last floor-mode window's reach (0: none).

    Window ``i`` starts at ``i*S`` and answers for ``max(Fe, S)`` padded positions: its
    own span, or, when the stride is larger than the window (a 1x1 conv with stride 2),
    its whole stride period — the rows between windows are skipped by design, not lost.
    What lies past the last window's reach is lost; the end padding absorbs ``Pe`` of it.
    """
    window = effective_kernel(kernel, dilation)
    padded = size + pad[0] + pad[1]
    last_start = (padded - window) // stride * stride
    beyond = padded - (last_start + max(window, stride))
    return max(beyond - pad[1], 0)
