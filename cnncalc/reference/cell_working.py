"""Showing the working of one output cell: the products and their sum, as course notes do."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cnncalc.formatting import show_fraction as show
from cnncalc.formula import Line, Math
from cnncalc.reference.tensor import Number, Tensor


@dataclass(frozen=True, kw_only=True, slots=True)
class CellWorking:
    cell: tuple[int, ...]
    filter_index: int
    terms: tuple[tuple[Number, Number], ...]  # (input value, weight); padding reads as 0
    bias: Number | None
    total: Number

    def line(self, show: Callable[[Number], str] = show) -> Line:
        """``out[0, 1] (filter 0) = 1x2 + 0x1 + ... = 5``: the same working line as everywhere else
        (``show`` writes each number: the renderer shows decimals as decimals)."""
        products = " + ".join(f"{show(v)}x{show(w)}" for v, w in self.terms)
        bias = f" + {show(self.bias)}" if self.bias is not None else ""
        where = f"out[{', '.join(map(str, self.cell))}] (filter {self.filter_index})"
        total = show(self.total)
        return Line(name=Math(where, where), numbers=Math(products + bias, products + bias), result=Math(total, total))

    def text(self, show: Callable[[Number], str] = show) -> str:
        return self.line(show).text()


def conv_cell(
    x: Tensor,
    weight: Sequence[Sequence[Sequence[Number]]],
    kernel: Sequence[int],
    *,
    cell: Sequence[int],
    filter_index: int,
    stride: Sequence[int],
    padding: Sequence[tuple[int, int]],
    dilation: Sequence[int],
    bias: Number | None = None,
    order: str = "columns",
) -> CellWorking:
    """The terms of one output cell of a (single-group) cross-correlation.

    ``order="columns"`` walks each window down its columns (the first spatial dim
    fastest), the order of the course slides; ``"rows"`` walks row by row.
    """
    rank = len(kernel)
    taps = list(itertools.product(*(range(k) for k in kernel)))  # row-major, as the weights are stored
    visit = sorted(range(len(taps)), key=lambda t: tuple(reversed(taps[t]))) if order == "columns" else range(len(taps))
    in_strides = [1] * rank
    for axis in range(rank - 2, -1, -1):
        in_strides[axis] = in_strides[axis + 1] * x.spatial[axis + 1]
    terms: list[tuple[Number, Number]] = []
    for c in range(x.channels):
        for t in visit:
            position = [cell[a] * stride[a] - padding[a][0] + taps[t][a] * dilation[a] for a in range(rank)]
            inside = all(0 <= p < size for p, size in zip(position, x.spatial, strict=True))
            value = x.data[c][sum(p * s for p, s in zip(position, in_strides, strict=True))] if inside else 0
            terms.append((value, weight[filter_index][c][t]))
    total: Number = sum(v * w for v, w in terms) + (bias if bias is not None else 0)
    return CellWorking(cell=tuple(cell), filter_index=filter_index, terms=tuple(terms), bias=bias, total=total)
