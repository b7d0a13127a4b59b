"""What a layer's backward pass keeps: the per-kind rule behind the training memory estimate.

Each :class:`~cnncalc.layers.base.LayerKind` has a ``saves`` rule. Given the layer (its
statement, input and output shapes, window) and which of its inputs carry a gradient, the rule
says which tensors autograd keeps for backward, as PyTorch on CPU does for the code
``cnncalc export --to pytorch`` writes (measured with ``torch.autograd.graph.saved_tensors_hooks``
in tests/layers/test_saved.py):

- ``inputs``: positions of the layer's inputs that are kept (0 the main input, 1... the named
  operands). Such a tensor is shared: a ReLU keeping its output and the conv after it keeping its
  input keep *one* tensor, and :mod:`cnncalc.memory` counts every tensor once.
- ``output``: the layer's own output is kept (ReLU, sigmoid, tanh, softmax).
- ``own``: tensors only this layer keeps (BatchNorm's per-channel mean and inverse std, max
  pooling's int64 indices, dropout's mask, a padded copy of the input), each as elements per
  sample plus elements independent of the batch, and an element size (0: the activations' dtype).
- ``view``: the output is a view of the main input (``flatten``, ``identity``, ``slice``,
  ``crop``): no storage of its own; a tensor kept through it keeps the input's whole storage.

Parameters (weights, biases, BN's running statistics) that autograd also keeps are not listed:
they are counted once, as parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cnncalc.dims import Dim, product
from cnncalc.model import LayerSpec, Shape, Window

#: bytes per element of PyTorch's index tensors (max pooling's ``indices``)
INT64 = 8


@dataclass(frozen=True, slots=True)
class Own:
    """A tensor only this layer keeps: ``per_sample × batch + fixed`` elements of ``size`` bytes
    (0: the activations' dtype)."""

    per_sample: Dim
    fixed: Dim = 0
    size: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class Saved:
    """The tensors one layer's backward keeps (see the module's docstring)."""

    inputs: tuple[int, ...] = ()
    output: bool = False
    own: tuple[Own, ...] = ()
    view: bool = False


NOTHING = Saved()
INPUT = Saved(inputs=(0,))
OUTPUT = Saved(output=True)
VIEW = Saved(view=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class SaveContext:
    """One analysed layer, as a saving rule sees it."""

    spec: LayerSpec
    inputs: tuple[Shape, ...]
    output: Shape
    window: Window | None
    #: per input: does a gradient flow back into it (it depends on a trainable parameter)?
    grads: tuple[bool, ...]
    #: the layer has parameters that train (``trainable=no`` and parameter-free kinds: False)
    trains: bool


SaveRule = Callable[[SaveContext], Saved]


def elements(shape: Shape) -> Dim:
    """Elements of one sample of a tensor of this shape."""
    return product([*shape.spatial, shape.channels])


def saves_nothing(ctx: SaveContext) -> Saved:
    """Shape-only backward (add, concat, pad, upsample, pixel shuffle, mean): nothing kept."""
    return NOTHING


def saves_input(ctx: SaveContext) -> Saved:
    """Backward reads the input (GELU, SiLU, ELU, leaky ReLU, hardtanh, PReLU...)."""
    return INPUT


def saves_output(ctx: SaveContext) -> Saved:
    """Backward reads the output (ReLU, sigmoid, tanh, softmax)."""
    return OUTPUT


def saves_view(ctx: SaveContext) -> Saved:
    """The output is a view of the input (flatten, identity, slice, crop): nothing kept, no storage."""
    return VIEW


def saves_input_if_training(ctx: SaveContext) -> Saved:
    """Backward reads the input only for the weight's gradient (``fc``'s addmm, layer scale's mul):
    a frozen layer keeps only its weight, which is a parameter."""
    return INPUT if ctx.trains else NOTHING


def padded_input(ctx: SaveContext, native: bool) -> Saved:
    """The input, or, when PyTorch's layer cannot take the padding (``native`` False: asymmetric,
    or over half a pooling window), the copy ``F.pad`` makes of it: that copy is what is kept."""
    if native:
        return INPUT
    assert ctx.window is not None
    shape = ctx.inputs[0]
    sizes = [size + start + end for size, (start, end) in zip(shape.spatial, ctx.window.padding, strict=False)]
    return Saved(own=(Own(product([*sizes, shape.channels])),))
