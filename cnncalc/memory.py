"""Memory a network needs, from a report, a batch size, an element type and an optimizer.

Conventions (each checked against PyTorch in tests/test_memory.py):

- **input**: ``batch × prod(input dims) × bytes``.
- **parameters**: every trainable and non-trainable count (weights, biases, BN gamma/beta and
  running mean/variance) × bytes. This is the byte size of PyTorch's ``state_dict`` in that
  dtype, less BatchNorm's ``num_batches_tracked`` (one int64 per BN layer), which cnncalc does
  not count as a parameter. It does not depend on the batch.
- **forward activations**: ``batch × (sum of every layer's output elements) × bytes``: every
  output kept at once, as a forward pass that keeps them for backward would (the sum of the
  outputs that forward hooks see on each layer's module). An inference run that frees as it
  goes needs less.
- **gradients**: one per trainable parameter, same dtype.
- **optimizer state**: ``sgd`` none; ``momentum`` one buffer per trainable parameter
  (``momentum_buffer``); ``adam`` two (``exp_avg``, ``exp_avg_sq``). PyTorch's Adam also keeps a
  one-element ``step`` tensor per parameter tensor: not counted (a few bytes per tensor).
- **training (weights side)**: parameters + gradients + optimizer state. The activations saved
  for backward are not part of this figure (see the README: not yet computed per kind).

Sizes in bytes are exact integers; MB is 10^6 bytes and MiB 2^20.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cnncalc.analysis import Report
from cnncalc.dims import Dim, product

Optimizer = Literal["sgd", "momentum", "adam"]
#: optimizer state per trainable parameter, in parameter-sized buffers
STATE_BUFFERS: dict[str, int] = {"sgd": 0, "momentum": 1, "adam": 2}


@dataclass(frozen=True, kw_only=True, slots=True)
class Memory:
    """Byte counts under the conventions of this module."""

    batch: int
    dtype: str
    bytes_per_element: int
    optimizer: Optimizer | None
    input_bytes: Dim
    parameter_bytes: Dim
    activation_bytes: Dim
    gradient_bytes: Dim
    optimizer_bytes: Dim

    @property
    def training_bytes(self) -> Dim:
        """Parameters + gradients + optimizer state (the activations saved for backward excluded)."""
        return self.parameter_bytes + self.gradient_bytes + self.optimizer_bytes


def memory(
    report: Report, *, batch: int = 1, dtype: str = "float32", bytes_per_element: int = 4, optimizer: Optimizer | None
) -> Memory:
    """The memory figures of ``report`` at this batch size and element size."""
    shape = report.input_shape
    totals = report.totals
    trainable_bytes = totals.trainable_params * bytes_per_element
    return Memory(
        batch=batch,
        dtype=dtype,
        bytes_per_element=bytes_per_element,
        optimizer=optimizer,
        input_bytes=batch * product([*shape.spatial, shape.channels]) * bytes_per_element,
        parameter_bytes=totals.total_params * bytes_per_element,
        activation_bytes=batch * totals.activations * bytes_per_element,
        gradient_bytes=trainable_bytes if optimizer else 0,
        optimizer_bytes=STATE_BUFFERS[optimizer] * trainable_bytes if optimizer else 0,
    )
