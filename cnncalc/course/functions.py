"""Softmax and activation functions with their derivatives (PyTorch's definitions).

Derivatives at a kink follow PyTorch's autograd: ReLU'(0) = 0, LeakyReLU'(0) = alpha,
ReLU6'(0) = ReLU6'(6) = 0. Exact where the function is rational (ReLU, leaky ReLU),
floats otherwise.

Exact inputs are converted to floats only where a float is computed, and checked after
that conversion: a beta that becomes 0 in floating point is refused; a product ``beta*x``
beyond the float range is taken at its limit (sigmoid 0 or 1); a value the float range
cannot hold is ``inf`` (``softplus 0 --beta 1e-320`` is ln 2 / 1e-320, as PyTorch computes
it). The digits of every exact input count against the ``softmax`` work budget.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from cnncalc.course.numbers import Exact, Real, digits, show, step
from cnncalc.errors import UsageError
from cnncalc.formula import Line
from cnncalc.limits import SOFTMAX, check_work


@dataclass(frozen=True, kw_only=True, slots=True)
class SoftmaxResult:
    inputs: tuple[Exact, ...]
    shift: Exact
    exponentials: tuple[float, ...]
    total: float
    probabilities: tuple[float, ...]
    steps: tuple[Line, ...]


def exact_work(values: list[Exact]) -> int:
    """The ``softmax`` work figure: digits of the exact values, twice (read, then shifted or multiplied)."""
    return 2 * sum(digits(v) for v in values)


def softmax(values: list[Exact], max_work: int = SOFTMAX.default) -> SoftmaxResult:
    """``p_i = e^(z_i - m) / sum_j e^(z_j - m)`` with ``m = max z``: the same probabilities as
    without the shift, but no exponential can overflow (1000 and 1001 work)."""
    if not values:
        raise UsageError("softmax needs at least one value")
    check_work(SOFTMAX.unit, exact_work(values), max_work)
    shift = max(values)
    # differences are exact; below -745 the exponential is 0 in floating point anyway
    exps = tuple(0.0 if v - shift < -745 else math.exp(float(v - shift)) for v in values)
    total = math.fsum(exps)
    probabilities = tuple(e / total for e in exps)
    steps = (
        step(what="shift", formula="m = max z", numbers="", result=show(shift)),
        step(
            what="exponentials",
            formula="e^(z_i - m)",
            numbers=", ".join(f"e^({show(v - shift)})" for v in values),
            result=", ".join(show(e) for e in exps),
        ),
        step(what="sum", formula="sum_j e^(z_j - m)", numbers=" + ".join(show(e) for e in exps), result=show(total)),
        step(
            what="probabilities",
            formula="p_i = e^(z_i - m) / sum",
            numbers=", ".join(f"{show(e)} / {show(total)}" for e in exps),
            result=", ".join(show(p, 4) for p in probabilities),
        ),
    )
    return SoftmaxResult(
        inputs=tuple(values), shift=shift, exponentials=exps, total=total, probabilities=probabilities, steps=steps
    )


def _sigmoid(x: float) -> float:
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def to_float(value: Real) -> float:
    """A float for an exact value, +-inf beyond the float range (never OverflowError)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _softplus(x: Exact, beta: Exact) -> float:
    """``ln(1 + e^(beta x)) / beta``, stable for large ``|beta x|``: ``x + ln(1 + e^-(beta x)) / beta`` above 0."""
    z = to_float(beta * x)
    b = float(beta)
    if z > 0:
        return to_float(x) + math.log1p(math.exp(-z)) / b
    return math.log1p(math.exp(z)) / b


def _swish_grad(x: Exact, beta: Exact) -> float:
    z = to_float(beta * x)
    s = _sigmoid(z)
    return s if math.isinf(z) else s + z * s * (1 - s)


@dataclass(frozen=True, slots=True)
class Activation:
    formula: str
    derivative_formula: str
    value: Callable[[Exact, Exact, Exact], Real]
    derivative: Callable[[Exact, Exact, Exact], Real]
    default_alpha: Exact = 0
    default_beta: Exact = 1


def _gelu(x: float) -> float:
    return 0.5 * x * (1 + math.erf(x / math.sqrt(2)))


def _gelu_grad(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2))) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _swish_grad_xab(x: Exact, a: Exact, b: Exact) -> float:
    return _swish_grad(x, b)


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("max(0, x)", "1 if x > 0 else 0", lambda x, a, b: max(x, 0), lambda x, a, b: 1 if x > 0 else 0),
    "relu6": Activation(
        "min(max(0, x), 6)",
        "1 if 0 < x < 6 else 0",
        lambda x, a, b: min(max(x, 0), 6),
        lambda x, a, b: 1 if 0 < x < 6 else 0,
    ),
    "leakyrelu": Activation(
        "x if x > 0 else alpha*x",
        "1 if x > 0 else alpha",
        lambda x, a, b: x if x > 0 else a * x,
        lambda x, a, b: 1 if x > 0 else a,
        default_alpha=Fraction(1, 100),
    ),
    "elu": Activation(
        "x if x > 0 else alpha*(e^x - 1)",
        "1 if x > 0 else alpha*e^x",
        lambda x, a, b: x if x > 0 else float(a) * math.expm1(float(x)),
        lambda x, a, b: 1 if x > 0 else float(a) * math.exp(float(x)),
        default_alpha=1,
    ),
    "sigmoid": Activation(
        "1 / (1 + e^-x)",
        "s(x)(1 - s(x))",
        lambda x, a, b: _sigmoid(float(x)),
        lambda x, a, b: _sigmoid(float(x)) * (1 - _sigmoid(float(x))),
    ),
    "tanh": Activation("tanh(x)", "1 - tanh(x)^2", lambda x, a, b: math.tanh(x), lambda x, a, b: 1 - math.tanh(x) ** 2),
    "swish": Activation(
        "x * s(beta*x)",
        "s(beta*x) + beta*x*s(beta*x)(1 - s(beta*x))",
        lambda x, a, b: to_float(x) * _sigmoid(to_float(b * x)),
        _swish_grad_xab,
    ),
    "gelu": Activation(
        "x * Phi(x) = x/2 (1 + erf(x/sqrt 2))",
        "Phi(x) + x*phi(x)",
        lambda x, a, b: _gelu(float(x)),
        lambda x, a, b: _gelu_grad(float(x)),
    ),
    "softplus": Activation(
        "log(1 + e^(beta*x)) / beta",
        "s(beta*x)",
        lambda x, a, b: _softplus(x, b),
        lambda x, a, b: _sigmoid(to_float(b * x)),
    ),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class ActivationResult:
    name: str
    alpha: Exact
    beta: Exact
    inputs: tuple[Exact, ...]
    values: tuple[Real, ...]
    derivatives: tuple[Real, ...]
    steps: tuple[Line, ...]


#: beyond this, floating-point functions (sigmoid, tanh, gelu...) have no finite inputs to work with
FLOAT_LIMIT = 10**300


def activate(
    name: str,
    inputs: list[Exact],
    alpha: Exact | None = None,
    beta: Exact | None = None,
    max_work: int = SOFTMAX.default,
) -> ActivationResult:
    function = ACTIVATIONS.get(name.lower())
    if function is None:
        from cnncalc.course.numbers import quote

        raise UsageError(f"unknown activation {quote(name)}", hint=f"use one of {', '.join(ACTIVATIONS)}")
    a = function.default_alpha if alpha is None else alpha
    b = function.default_beta if beta is None else beta
    check_work(SOFTMAX.unit, exact_work([*inputs, a, b]), max_work)
    if name.lower() == "softplus" and b == 0:
        raise UsageError("softplus needs beta != 0")
    if name.lower() in ("softplus", "swish") and b != 0 and float(b) == 0:
        raise UsageError(
            f"--beta {show(b)} is 0 once converted to floating point, where softplus and swish compute",
            hint="use a beta of at least 5e-324 in magnitude",
        )
    exact_only = name.lower() in ("relu", "relu6", "leakyrelu")
    for value in (*inputs, a, b):
        if not exact_only and abs(Fraction(value)) > FLOAT_LIMIT:
            raise UsageError(
                f"{show(value)} is too large for {name.lower()}, which computes in floating point",
                hint="inputs, alpha and beta up to 1e300 in magnitude",
            )
    values = tuple(function.value(x, a, b) for x in inputs)
    derivatives = tuple(function.derivative(x, a, b) for x in inputs)
    parameters = f" (alpha = {show(a)}, beta = {show(b)})"
    steps = tuple(
        step(
            what=f"{name}({show(x)})", formula=function.formula, numbers="", result=f"{show(v)};  derivative {show(d)}"
        )
        for x, v, d in zip(inputs, values, derivatives, strict=True)
    )
    return ActivationResult(
        name=f"{name.lower()}{parameters if name.lower() in ('leakyrelu', 'elu', 'swish', 'softplus') else ''}",
        alpha=a,
        beta=b,
        inputs=tuple(inputs),
        values=values,
        derivatives=derivatives,
        steps=steps,
    )
