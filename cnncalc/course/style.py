"""Neural style transfer: the Gram (style) matrix, the style cost and the content cost.

An activation volume is ``n_H x n_W x n_C`` (channels last). ``G_kk' = sum_ij a_ijk a_ijk'``;
``J_style = ||G(S) - G(G)||_F^2 / (2 n_H n_W n_C)^2``; ``J_content = 1/2 ||a(C) - a(G)||^2``.
All exact for exact inputs: the values are scaled to integers by one common denominator,
multiplied and summed as integers, and divided back once per Gram entry.

The work, known from the shape before it starts, is ``C^2 x positions`` multiply-adds per
volume (times the machine words of the largest scaled value, squared, beyond 64 bits), refused
past ``max_work`` (:data:`cnncalc.limits.GRAM`, ``--max-work``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from operator import mul

from cnncalc.course.numbers import Exact, common_denominator, show, step
from cnncalc.errors import UsageError
from cnncalc.formula import Line
from cnncalc.limits import GRAM, check_work
from cnncalc.reference.tensor import Tensor


def _tidy(value: Fraction | int) -> Exact:
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def _scaled(volume: Tensor) -> tuple[list[list[int]], int]:
    """The planes as integers and the common denominator they were multiplied by."""
    denominator = common_denominator(v for plane in volume.data for v in plane)
    return [[int(v * denominator) for v in plane] for plane in volume.data], denominator


def gram_work(volume: Tensor) -> int:
    """Multiply-adds of one Gram matrix: channels squared x positions, times (64-bit words per value)^2."""
    planes, _ = _scaled(volume)
    bits = max((abs(v).bit_length() for plane in planes for v in plane), default=0)
    words = max(1, -(-bits // 64))
    positions = len(planes[0]) if planes else 0
    return volume.channels * volume.channels * positions * words * words


def gram(volume: Tensor) -> list[list[Exact]]:
    planes, denominator = _scaled(volume)
    square = denominator * denominator
    channels = volume.channels
    matrix: list[list[Exact]] = [[0] * channels for _ in range(channels)]
    for k in range(channels):
        row = planes[k]
        for j in range(k, channels):  # symmetric: each pair once
            total = sum(map(mul, row, planes[j]))
            value = total if square == 1 else _tidy(Fraction(total, square))
            matrix[k][j] = matrix[j][k] = value
    return matrix


@dataclass(frozen=True, kw_only=True, slots=True)
class StyleResult:
    shape: list[int]
    gram: list[list[Exact]]
    generated_gram: list[list[Exact]] | None
    style_cost: Exact | None
    content_cost: Exact | None
    steps: tuple[Line, ...]


def style(volume: Tensor, generated: Tensor | None = None, max_work: int = GRAM.default) -> StyleResult:
    if len(volume.spatial) != 2:
        raise UsageError(f"an activation volume is n_H x n_W x n_C; this one has {len(volume.spatial)} spatial dims")
    if generated is not None and generated.shape != volume.shape:
        raise UsageError(f"the two volumes differ: {volume.shape} and {generated.shape}")
    work = gram_work(volume) + (0 if generated is None else gram_work(generated))
    check_work(GRAM.unit, work, max_work)
    g = gram(volume)
    steps = [
        step(
            what="Gram matrix",
            formula="G_kk' = sum_ij a_ijk a_ijk'",
            numbers="",
            result=f"{volume.channels} x {volume.channels}",
        )
    ]
    if generated is None:
        return StyleResult(
            shape=volume.shape, gram=g, generated_gram=None, style_cost=None, content_cost=None, steps=tuple(steps)
        )
    if generated.shape != volume.shape:
        raise UsageError(f"the two volumes differ: {volume.shape} and {generated.shape}")
    n_h, n_w = volume.spatial
    n_c = volume.channels
    g2 = gram(generated)
    squared = sum((x - y) ** 2 for r1, r2 in zip(g, g2, strict=True) for x, y in zip(r1, r2, strict=True))
    norm = (2 * n_h * n_w * n_c) ** 2
    style_cost = _tidy(Fraction(squared, 1) / norm)
    difference = sum(
        (x - y) ** 2 for p1, p2 in zip(volume.data, generated.data, strict=True) for x, y in zip(p1, p2, strict=True)
    )
    content_cost = _tidy(Fraction(difference) / 2)
    steps += [
        step(
            what="style cost",
            formula="||G(S) - G(G)||_F^2 / (2 n_H n_W n_C)^2",
            numbers=f"{show(squared)} / (2 x {n_h} x {n_w} x {n_c})^2 = {show(squared)} / {norm}",
            result=show(style_cost),
        ),
        step(
            what="content cost",
            formula="1/2 ||a(C) - a(G)||^2",
            numbers=f"1/2 x {show(difference)}",
            result=show(content_cost),
        ),
    ]
    return StyleResult(
        shape=volume.shape,
        gram=g,
        generated_gram=g2,
        style_cost=style_cost,
        content_cost=content_cost,
        steps=tuple(steps),
    )
