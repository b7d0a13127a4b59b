"""Losses with batch means: cross-entropy (binary, multi-class, multi-label), MSE, triplet.

Natural logarithms, as in the course notes and PyTorch. A multi-label target may hold
``None`` (written ``?``) for an unknown label, which is left out of the sum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from cnncalc.course.numbers import Exact, Real, number, rows, show, step
from cnncalc.errors import UsageError
from cnncalc.formula import Line


@dataclass(frozen=True, kw_only=True, slots=True)
class LossResult:
    name: str
    per_example: tuple[Real, ...]
    mean: Real
    steps: tuple[Line, ...]


def _probability(p: Exact, what: str) -> float:
    if not 0 < p < 1 and p != 1:
        raise UsageError(
            f"{what} {show(p)} is not a probability in (0, 1]", hint="cross-entropy needs predictions in (0, 1]"
        )
    return float(p)


def _mean(values: Sequence[Real]) -> Real:
    if all(isinstance(v, (int, Fraction)) for v in values):
        total = sum(values)
        mean = Fraction(total) / len(values)
        return mean.numerator if mean.denominator == 1 else mean
    return math.fsum(float(v) for v in values) / len(values)


def _mean_step(per: Sequence[Real]) -> Line:
    return step(
        what="batch mean",
        formula="(1/m) sum_i loss_i",
        numbers=f"({' + '.join(show(v) for v in per)}) / {len(per)}",
        result=show(_mean(per)),
    )


def binary_cross_entropy(targets: list[Exact], predictions: list[Exact]) -> LossResult:
    """``-y ln p - (1 - y) ln(1 - p)`` per example."""
    if len(targets) != len(predictions):
        raise UsageError(f"{len(targets)} targets but {len(predictions)} predictions")
    steps, per = [], []
    for y, p in zip(targets, predictions, strict=True):
        if y not in (0, 1):
            raise UsageError(f"a binary target is 0 or 1, got {show(y)}")
        q = _probability(p if y == 1 else 1 - p, "prediction" if y == 1 else "1 - prediction")
        loss = -math.log(q)
        per.append(loss)
        steps.append(
            step(
                what=f"y={show(y)}, p={show(p)}",
                formula="-y ln p - (1 - y) ln(1 - p)",
                numbers=f"-ln {show(q)}",
                result=show(loss),
            )
        )
    steps.append(_mean_step(per))
    return LossResult(name="binary cross-entropy", per_example=tuple(per), mean=_mean(per), steps=tuple(steps))


def categorical_cross_entropy(targets: list[list[Exact]], predictions: list[list[Exact]]) -> LossResult:
    """``-sum_k y_k ln p_k``; a target row of one integer is a class index (0-based)."""
    if len(targets) != len(predictions):
        raise UsageError(f"{len(targets)} target rows but {len(predictions)} prediction rows")
    steps, per = [], []
    for target, p in zip(targets, predictions, strict=True):
        if len(target) == 1 and len(p) > 1:
            index = target[0]
            if not isinstance(index, int) or not 0 <= index < len(p):
                raise UsageError(f"class index {show(index)} is not in 0..{len(p) - 1}")
            target = [1 if k == index else 0 for k in range(len(p))]
        if len(target) != len(p):
            raise UsageError(f"a target of {len(target)} classes for {len(p)} predictions")
        if any(t not in (0, 1) for t in target) or sum(target) != 1:
            raise UsageError(
                "a multi-class target is one-hot (exactly one 1) or a class index",
                hint="for independent labels use --multi-label",
            )
        if abs(Fraction(sum(p)) - 1) > Fraction(1, 10**6):
            raise UsageError(
                f"the predictions {', '.join(map(show, p))} do not sum to 1",
                hint="give probabilities (a softmax output)",
            )
        k = target.index(1)
        q = _probability(p[k], "prediction")
        loss = -math.log(q)
        per.append(loss)
        steps.append(
            step(what=f"class {k}", formula="-sum_k y_k ln p_k", numbers=f"-ln {show(p[k])}", result=show(loss))
        )
    steps.append(_mean_step(per))
    return LossResult(name="categorical cross-entropy", per_example=tuple(per), mean=_mean(per), steps=tuple(steps))


def multilabel_cross_entropy(targets: list[list[Exact | None]], predictions: list[list[Exact]]) -> LossResult:
    """``sum_k [-y_k ln p_k - (1 - y_k) ln(1 - p_k)]`` over the known labels."""
    if len(targets) != len(predictions):
        raise UsageError(f"{len(targets)} target rows but {len(predictions)} prediction rows")
    steps, per = [], []
    for target, p in zip(targets, predictions, strict=True):
        if len(target) != len(p):
            raise UsageError(f"a target of {len(target)} labels for {len(p)} predictions")
        terms, shown = [], []
        for y, pk in zip(target, p, strict=True):
            if y is None:
                continue
            if y not in (0, 1):
                raise UsageError(f"a label is 0, 1 or ?, got {show(y)}")
            q = _probability(pk if y == 1 else 1 - pk, "prediction" if y == 1 else "1 - prediction")
            terms.append(-math.log(q))
            shown.append(f"-ln {show(q)}")
        loss = math.fsum(terms)
        per.append(loss)
        steps.append(
            step(
                what="labels " + ",".join("?" if y is None else show(y) for y in target),
                formula="sum_k [-y_k ln p_k - (1 - y_k) ln(1 - p_k)]",
                numbers=" ".join(f"{'+ ' if i else ''}{t}" for i, t in enumerate(shown)) or "0",
                result=show(loss),
            )
        )
    steps.append(_mean_step(per))
    return LossResult(name="multi-label cross-entropy", per_example=tuple(per), mean=_mean(per), steps=tuple(steps))


def mse(targets: list[list[Exact]], predictions: list[list[Exact]], half: bool = False) -> LossResult:
    """Mean over every element (PyTorch ``MSELoss``); ``half`` gives the course's ``1/2 (s - s^)^2``."""
    if [len(t) for t in targets] != [len(p) for p in predictions]:
        raise UsageError("targets and predictions must have the same shape")
    factor = Fraction(1, 2) if half else 1
    per: list[Real] = []
    steps = []
    for t, p in zip(targets, predictions, strict=True):
        squares = [(a - b) ** 2 for a, b in zip(t, p, strict=True)]
        exact = factor * Fraction(sum(squares)) / len(squares)
        value: Real = exact.numerator if exact.denominator == 1 else exact
        per.append(value)
        steps.append(
            step(
                what="example",
                formula=("1/2 " if half else "") + "mean (y - y^)^2",
                numbers=("1/2 x " if half else "") + f"({' + '.join(show(s) for s in squares)}) / {len(squares)}",
                result=show(value),
            )
        )
    steps.append(_mean_step(per))
    return LossResult(name="mean squared error", per_example=tuple(per), mean=_mean(per), steps=tuple(steps))


def triplet(
    anchor: list[list[Exact]], positive: list[list[Exact]], negative: list[list[Exact]], margin: Exact
) -> LossResult:
    """``max(||f(A) - f(P)||^2 - ||f(A) - f(N)||^2 + alpha, 0)`` (squared distances, FaceNet)."""
    if not (len(anchor) == len(positive) == len(negative)):
        raise UsageError("anchor, positive and negative need the same number of rows")
    per: list[Real] = []
    steps = []
    for a, p, n in zip(anchor, positive, negative, strict=True):
        if not (len(a) == len(p) == len(n)):
            raise UsageError("embeddings must have the same length")
        d_ap = sum((x - y) ** 2 for x, y in zip(a, p, strict=True))
        d_an = sum((x - y) ** 2 for x, y in zip(a, n, strict=True))
        value = max(d_ap - d_an + margin, 0)
        per.append(value)
        steps.append(
            step(
                what="triplet",
                formula="max(||A - P||^2 - ||A - N||^2 + alpha, 0)",
                numbers=f"max({show(d_ap)} - {show(d_an)} + {show(margin)}, 0)",
                result=show(value),
            )
        )
    steps.append(_mean_step(per))
    return LossResult(name="triplet loss", per_example=tuple(per), mean=_mean(per), steps=tuple(steps))


def labels(text: str, what: str) -> list[list[Exact | None]]:
    """Multi-label targets: rows as for :func:`~cnncalc.course.numbers.rows`, ``?`` an unknown label."""
    cells = [
        [None if v.strip() == "?" else v for v in row.replace(",", " ").split()]
        for row in text.split(";")
        if row.strip()
    ]
    return [[None if v is None else number(v, what) for v in row] for row in cells]


def cross_entropy(target: str, pred: str, *, multi_label: bool) -> LossResult:
    """``cnncalc loss cross-entropy``: multi-label with the flag; otherwise binary when every
    example has one prediction, else multi-class (one-hot or class-index targets)."""
    predictions = rows(pred, "--pred")
    if multi_label:
        return multilabel_cross_entropy(labels(target, "--target"), predictions)
    targets = rows(target, "--target")
    if all(len(p) == 1 for p in predictions):
        return binary_cross_entropy([t for row in targets for t in row], [p[0] for p in predictions])
    return categorical_cross_entropy(targets, predictions)
