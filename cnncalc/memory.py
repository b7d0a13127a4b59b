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
- **saved activations**: the tensors autograd keeps for backward during a training step, as
  PyTorch on CPU keeps them for the code ``cnncalc export --to pytorch`` writes, model in
  training mode, input without a gradient. Each kind's rule (``LayerKind.saves``,
  :mod:`cnncalc.layers.saving`) names the tensors; every tensor is counted once however many
  layers keep it (a ReLU's output kept by the ReLU and by the conv after it; a ``flatten``
  view and the tensor it views are one storage, counted whole), which is what deduplicating
  the saved tensors by storage gives in PyTorch. Layers before the first trainable one keep
  nothing (nothing there needs a gradient). Not counted: parameters and BN's running statistics
  that autograd also keeps (counted as parameters) and the network input (counted as input).
  Max pooling's indices are int64 (8 bytes) whatever ``--dtype``; everything else is in the
  activations' dtype.
- **training**: parameters + gradients + optimizer state + saved activations.

Sizes in bytes are exact integers; MB is 10^6 bytes and MiB 2^20.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cnncalc.analysis import Report
from cnncalc.dims import Dim, product
from cnncalc.layers import REGISTRY
from cnncalc.layers.saving import SaveContext

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
    #: the activations saved for backward (0 without an optimizer: no training step)
    saved_activation_bytes: Dim = 0

    @property
    def weights_bytes(self) -> Dim:
        """Parameters + gradients + optimizer state: the training figure without saved activations."""
        return self.parameter_bytes + self.gradient_bytes + self.optimizer_bytes

    @property
    def training_bytes(self) -> Dim:
        """Parameters + gradients + optimizer state + the activations saved for backward."""
        return self.weights_bytes + self.saved_activation_bytes


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
        saved_activation_bytes=saved_activation_bytes(report, batch, bytes_per_element) if optimizer else 0,
    )


def saved_activation_bytes(report: Report, batch: int, bytes_per_element: int) -> Dim:
    """Bytes of the tensors a training step keeps for backward (see the module's conventions).

    Walks the rows in order: a layer's output needs a gradient when one of its inputs does or it
    has trainable parameters; a layer where neither holds is not recorded by autograd and keeps
    nothing. Tensors named by several layers are collected in a set of storages (row indices; a
    view's storage is its input's), so each is counted once."""
    rows = report.rows
    storage = [0] * (len(rows) + 1)  # by row index: the row whose output owns the storage (0: the input)
    grad = [False] * (len(rows) + 1)
    kept: set[int] = set()
    own: Dim = 0
    for row in rows:
        sources = row.sources or (row.index - 1,)
        grads = tuple(grad[source] for source in sources)
        trains = row.trainable_params != 0
        context = SaveContext(
            spec=row.spec, inputs=row.inputs, output=row.output_shape, window=row.window, grads=grads, trains=trains
        )
        saved = REGISTRY[row.kind].saves(context)
        storage[row.index] = storage[sources[0]] if saved.view else row.index
        if not (trains or any(grads)):
            continue
        grad[row.index] = True
        kept.update(storage[sources[position]] for position in saved.inputs)
        if saved.output:
            kept.add(storage[row.index])
        for tensor in saved.own:
            own += (tensor.per_sample * batch + tensor.fixed) * (tensor.size or bytes_per_element)
    kept.discard(0)
    activations: Dim = 0
    for index in sorted(kept):
        activations += rows[index - 1].activations
    return batch * activations * bytes_per_element + own
