"""A small NumPy-free reference implementation that checks cnncalc's numbers by computing."""

from cnncalc.reference.ops import activation, adaptive_pool, conv, deconv, dense, global_pool, pool
from cnncalc.reference.tensor import Number, Tensor

__all__ = ["Number", "Tensor", "activation", "adaptive_pool", "conv", "deconv", "dense", "global_pool", "pool"]
