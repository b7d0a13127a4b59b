"""Losses with batch means: cross-entropy (binary, multi-class, multi-label), MSE, triplet.

Natural logarithms, as in the course notes and PyTorch. A multi-label target may hold
``None`` (written ``?``) for an unknown label, which is left out of the sum.

Every loss gives the loss of each example, their sum (the course's triplet cost
``J = sum_i L(A(i), P(i), N(i))``) and their batch mean (the course's ``J = 1/m sum_i L``,
PyTorch's default ``reduction="mean"``). A probability is checked as the exact number
written, and its logarithm is taken exactly when the float would lose it: ``1e-400``
gives ``-ln 1e-400 = 921.03...``, not ``log(0)``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from cnncalc.course.numbers import Exact, Real, digits, number, rows, show, step
from cnncalc.errors import UsageError
from cnncalc.formula import Line
from cnncalc.limits import SOFTMAX, check_work


@dataclass(frozen=True, kw_only=True, slots=True)
class LossResult:
    name: str
    per_example: tuple[Real, ...]
    mean: Real
    steps: tuple[Line, ...]
    #: the sum over the batch (the course's triplet cost J)
    total: Real = 0
    #: show ``J = sum`` next to the mean (the triplet loss, as the course defines its cost)
    cost_is_sum: bool = False


def _probability(p: Exact, what: str) -> Exact:
    if not 0 < p <= 1:
        raise UsageError(
            f"{what} {show(p)} is not a probability in (0, 1]", hint="cross-entropy needs predictions in (0, 1]"
        )
    return p


def neg_log(q: Exact) -> float:
    """``-ln q`` for an exact ``0 < q <= 1``: through the float when it holds ``q`` as a normal
    number, else from the exact numerator and denominator (``math.log`` takes any integer)."""
    f = float(q)
    if f >= sys.float_info.min:
        return 0.0 - math.log(f)  # 0.0 - 0.0 is 0.0: -ln 1 is shown as 0, not -0
    exact = Fraction(q)
    return math.log(exact.denominator) - math.log(exact.numerator)


def _sum(values: Sequence[Real]) -> Real:
    if all(isinstance(v, (int, Fraction)) for v in values):
        total = Fraction(sum(values))
        return total.numerator if total.denominator == 1 else total
    return math.fsum(float(v) for v in values)


def _result(name: str, per: Sequence[Real], steps: list[Line], cost_is_sum: bool = False) -> LossResult:
    if cost_is_sum:
        steps.append(
            step(
                what="cost J",
                formula="sum_i L(A(i), P(i), N(i))",
                numbers=" + ".join(show(v) for v in per),
                result=show(_sum(per)),
            )
        )
    steps.append(_mean_step(per))
    return LossResult(
        name=name,
        per_example=tuple(per),
        mean=_mean(per),
        steps=tuple(steps),
        total=_sum(per),
        cost_is_sum=cost_is_sum,
    )


def _check_budget(*batches: Sequence[Sequence[Exact | None]], max_work: int) -> None:
    amount = 2 * sum(digits(v) for batch in batches for row in batch for v in row if v is not None)
    check_work(SOFTMAX.unit, amount, max_work)


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


def binary_cross_entropy(targets: list[Exact], predictions: list[Exact], max_work: int = SOFTMAX.default) -> LossResult:
    """``-y ln p - (1 - y) ln(1 - p)`` per example."""
    _check_budget([targets], [predictions], max_work=max_work)
    if len(targets) != len(predictions):
        raise UsageError(f"{len(targets)} targets but {len(predictions)} predictions")
    steps, per = [], []
    for y, p in zip(targets, predictions, strict=True):
        if y not in (0, 1):
            raise UsageError(f"a binary target is 0 or 1, got {show(y)}")
        q = _probability(p if y == 1 else 1 - p, "prediction" if y == 1 else "1 - prediction")
        loss = neg_log(q)
        per.append(loss)
        steps.append(
            step(
                what=f"y={show(y)}, p={show(p)}",
                formula="-y ln p - (1 - y) ln(1 - p)",
                numbers=f"-ln {show(q)}",
                result=show(loss),
            )
        )
    return _result("binary cross-entropy", per, steps)


def categorical_cross_entropy(
    targets: list[list[Exact]], predictions: list[list[Exact]], max_work: int = SOFTMAX.default
) -> LossResult:
    """``-sum_k y_k ln p_k``; a target row of one integer is a class index (0-based)."""
    _check_budget(targets, predictions, max_work=max_work)
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
        loss = neg_log(q)
        per.append(loss)
        steps.append(
            step(what=f"class {k}", formula="-sum_k y_k ln p_k", numbers=f"-ln {show(p[k])}", result=show(loss))
        )
    return _result("categorical cross-entropy", per, steps)


def multilabel_cross_entropy(
    targets: list[list[Exact | None]], predictions: list[list[Exact]], max_work: int = SOFTMAX.default
) -> LossResult:
    """``sum_k [-y_k ln p_k - (1 - y_k) ln(1 - p_k)]`` over the known labels."""
    _check_budget(targets, predictions, max_work=max_work)
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
            terms.append(neg_log(q))
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
    return _result("multi-label cross-entropy", per, steps)


def mse(
    targets: list[list[Exact]], predictions: list[list[Exact]], half: bool = False, max_work: int = SOFTMAX.default
) -> LossResult:
    """Mean over every element (PyTorch ``MSELoss``); ``half`` gives the course's ``1/2 (s - s^)^2``."""
    _check_budget(targets, predictions, max_work=max_work)
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
    return _result("mean squared error", per, steps)


def triplet(
    anchor: list[list[Exact]],
    positive: list[list[Exact]],
    negative: list[list[Exact]],
    margin: Exact,
    max_work: int = SOFTMAX.default,
) -> LossResult:
    """``max(||f(A) - f(P)||^2 - ||f(A) - f(N)||^2 + alpha, 0)`` (squared distances, FaceNet);
    the cost is the course's ``J = sum`` of the losses, shown next to the batch mean."""
    _check_budget(anchor, positive, negative, [[margin]], max_work=max_work)
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
    return _result("triplet loss", per, steps, cost_is_sum=True)


def labels(text: str, what: str) -> list[list[Exact | None]]:
    """Multi-label targets: rows as for :func:`~cnncalc.course.numbers.rows`, ``?`` an unknown label."""
    cells = [
        [None if v.strip() == "?" else v for v in row.replace(",", " ").split()]
        for row in text.split(";")
        if row.strip()
    ]
    return [[None if v is None else number(v, what) for v in row] for row in cells]


def cross_entropy(target: str, pred: str, *, multi_label: bool, max_work: int = SOFTMAX.default) -> LossResult:
    """``cnncalc loss cross-entropy``: multi-label with the flag; otherwise binary when every
    example has one prediction, else multi-class (one-hot or class-index targets)."""
    predictions = rows(pred, "--pred")
    if multi_label:
        return multilabel_cross_entropy(labels(target, "--target"), predictions, max_work=max_work)
    targets = rows(target, "--target")
    if all(len(p) == 1 for p in predictions):
        return binary_cross_entropy([t for row in targets for t in row], [p[0] for p in predictions], max_work=max_work)
    return categorical_cross_entropy(targets, predictions, max_work=max_work)
