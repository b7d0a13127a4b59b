"""Tensors for the reference implementation: plain Python numbers, no NumPy.

A tensor is its spatial dims, its channel count and one flat row-major list per
channel. Values stay exact (``int``/``Fraction``) when the inputs are, and become
floats only when an input or an operation (``sigmoid``...) is inexact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Union

Number = Union[int, Fraction, float]


def size_of(dims: tuple[int, ...]) -> int:
    total = 1
    for d in dims:
        total *= d
    return total


@dataclass(frozen=True, slots=True)
class Tensor:
    spatial: tuple[int, ...]
    channels: int
    data: tuple[list[Number], ...]  # data[c][flat spatial index]

    @property
    def shape(self) -> list[int]:
        """Channels-last, like cnncalc's shapes."""
        return [*self.spatial, self.channels]

    @classmethod
    def zeros(cls, spatial: tuple[int, ...], channels: int) -> Tensor:
        count = size_of(spatial)
        return cls(spatial, channels, tuple([0] * count for _ in range(channels)))

    @classmethod
    def from_nested(cls, values: Any, rank: int) -> Tensor:
        """Nested lists with ``rank`` spatial levels, then optionally one channel level (channels-last)."""
        shape = nested_shape(values)
        if len(shape) == rank:
            flat = flatten(values, rank)
            return cls(tuple(shape), 1, (flat,))
        if len(shape) == rank + 1:
            spatial = tuple(shape[:rank])
            channels = shape[rank]
            flat = flatten(values, rank + 1)
            return cls(spatial, channels, tuple(flat[c::channels] for c in range(channels)))
        raise ValueError(f"expected {rank} or {rank + 1} levels of nesting, got {len(shape)}")

    def to_nested(self) -> Any:
        """Nested lists, channels-last when there is more than one channel."""
        if self.channels == 1:
            return unflatten(list(self.data[0]), self.spatial)
        interleaved = [self.data[c][i] for i in range(size_of(self.spatial)) for c in range(self.channels)]
        return unflatten(interleaved, (*self.spatial, self.channels))


def nested_shape(values: Any) -> list[int]:
    """The shape of a rectangular nest of lists; raises ValueError for ragged or empty ones."""
    shape: list[int] = []
    level = values
    while isinstance(level, list):
        if not level:
            raise ValueError("empty list")
        shape.append(len(level))
        level = level[0]
    _check_rectangular(values, shape, 0)
    return shape


def _check_rectangular(values: Any, shape: list[int], depth: int) -> None:
    stack = [(values, depth)]
    while stack:
        item, level = stack.pop()
        if level == len(shape):
            if isinstance(item, list):
                raise ValueError("ragged nesting: a number was expected")
            continue
        if not isinstance(item, list) or len(item) != shape[level]:
            raise ValueError(f"ragged nesting: every list at depth {level + 1} must have {shape[level]} entries")
        stack.extend((child, level + 1) for child in item)


def flatten(values: Any, depth: int) -> list[Number]:
    flat = values
    for _ in range(depth - 1):
        flat = [x for row in flat for x in row]
    return list(flat)


def unflatten(flat: list[Number], shape: tuple[int, ...]) -> Any:
    nested: Any = flat
    for size in reversed(shape[1:]):
        nested = [nested[i : i + size] for i in range(0, len(nested), size)]
    return nested
