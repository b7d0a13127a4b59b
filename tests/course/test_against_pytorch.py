"""Activations (values and autograd derivatives) and losses against PyTorch (skipped without torch)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.course.functions import activate
from cnncalc.course.losses import binary_cross_entropy, categorical_cross_entropy, mse
from tests.oracle import functional, torch

TORCH = {
    "relu": lambda x, a, b: functional.relu(x),
    "relu6": lambda x, a, b: functional.relu6(x),
    "leakyrelu": lambda x, a, b: functional.leaky_relu(x, a),
    "elu": lambda x, a, b: functional.elu(x, a),
    "sigmoid": lambda x, a, b: torch.sigmoid(x),
    "tanh": lambda x, a, b: torch.tanh(x),
    "swish": lambda x, a, b: x * torch.sigmoid(b * x),
    "gelu": lambda x, a, b: functional.gelu(x),
    "softplus": lambda x, a, b: functional.softplus(x, beta=b),
}


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(TORCH)),
    st.lists(st.fractions(-8, 8, max_denominator=4) | st.sampled_from([0, 6]), min_size=1, max_size=6),
)
def test_activation_values_and_derivatives(name: str, values: list[int | Fraction]) -> None:
    result = activate(name, values)
    alpha, beta = float(result.alpha), float(result.beta)
    x = torch.tensor([float(v) for v in values], dtype=torch.float64, requires_grad=True)
    y = TORCH[name](x, alpha, beta)
    y.sum().backward()
    assert [float(v) for v in result.values] == pytest.approx(y.tolist(), abs=1e-9)
    assert [float(v) for v in result.derivatives] == pytest.approx(x.grad.tolist(), abs=1e-9)


probabilities = st.fractions(Fraction(1, 100), Fraction(99, 100), max_denominator=100)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1]), probabilities), min_size=1, max_size=5))
def test_binary_cross_entropy(pairs: list[tuple[int, Fraction]]) -> None:
    ours = binary_cross_entropy([y for y, _ in pairs], [p for _, p in pairs]).mean
    theirs = functional.binary_cross_entropy(
        torch.tensor([float(p) for _, p in pairs], dtype=torch.float64),
        torch.tensor([float(y) for y, _ in pairs], dtype=torch.float64),
    )
    assert float(ours) == pytest.approx(theirs.item())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.lists(st.integers(1, 9), min_size=3, max_size=3), st.integers(0, 2)), min_size=1, max_size=4)
)
def test_categorical_cross_entropy(rows: list[tuple[list[int], int]]) -> None:
    predictions: list[list[int | Fraction]] = [[Fraction(v, sum(weights)) for v in weights] for weights, _ in rows]
    ours = categorical_cross_entropy([[index] for _, index in rows], predictions).mean
    log_p = torch.tensor([[float(p) for p in row] for row in predictions], dtype=torch.float64).log()
    theirs = functional.nll_loss(log_p, torch.tensor([index for _, index in rows]))
    assert float(ours) == pytest.approx(theirs.item())


@given(st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)), min_size=1, max_size=6))
def test_mse(pairs: list[tuple[int, int]]) -> None:
    ours = mse([[a for a, _ in pairs]], [[b for _, b in pairs]]).mean
    theirs = functional.mse_loss(torch.tensor([float(b) for _, b in pairs]), torch.tensor([float(a) for a, _ in pairs]))
    assert float(ours) == pytest.approx(theirs.item())
