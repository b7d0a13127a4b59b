"""Neural style transfer: the Gram (style) matrix, the style cost and the content cost.

An activation volume is ``n_H x n_W x n_C`` (channels last). ``G_kk' = sum_ij a_ijk a_ijk'``;
``J_style = ||G(S) - G(G)||_F^2 / (2 n_H n_W n_C)^2``; ``J_content = 1/2 ||a(C) - a(G)||^2``.
All exact for exact inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from operator import mul

from cnncalc.course.numbers import Exact, show, step
from cnncalc.errors import UsageError
from cnncalc.formula import Line
from cnncalc.reference.tensor import Tensor


def _tidy(value: Fraction | int) -> Exact:
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def gram(volume: Tensor) -> list[list[Exact]]:
    planes = volume.data
    return [
        [_tidy(sum(map(mul, planes[k], planes[j]))) for j in range(volume.channels)] for k in range(volume.channels)
    ]


@dataclass(frozen=True, kw_only=True, slots=True)
class StyleResult:
    shape: list[int]
    gram: list[list[Exact]]
    generated_gram: list[list[Exact]] | None
    style_cost: Exact | None
    content_cost: Exact | None
    steps: tuple[Line, ...]


def style(volume: Tensor, generated: Tensor | None = None) -> StyleResult:
    if len(volume.spatial) != 2:
        raise UsageError(f"an activation volume is n_H x n_W x n_C; this one has {len(volume.spatial)} spatial dims")
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
