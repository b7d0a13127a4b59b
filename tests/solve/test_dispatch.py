"""``cnncalc.solve.solve``: a layer kind goes to the one-layer solver, anything else is an architecture."""

from __future__ import annotations

import pytest

from cnncalc.errors import UsageError
from cnncalc.solve import ArchSolution, LayerSolution, SolveOptions, is_layer_kind, solve
from tests.conftest import ROOT

LENET = str(ROOT / "examples" / "lenet5.arch")


def test_kinds_and_their_aliases_are_layers_and_the_rest_files() -> None:
    assert is_layer_kind("conv") and is_layer_kind("Conv2D") and is_layer_kind("pool") and is_layer_kind("deconv")
    assert not is_layer_kind("fc") and not is_layer_kind(LENET) and not is_layer_kind("zoo:vgg16")


def test_one_layer() -> None:
    options = SolveOptions(input_size="224", output_size="112", kernel="7", stride="2", padding="?")
    solution = solve("conv", options)
    assert isinstance(solution, LayerSolution)
    assert solution.unknown == "P" and solution.answer() == "P = 3"


def test_a_network() -> None:
    vgg = str(ROOT / "examples" / "vgg16_features.arch")
    solution = solve(vgg, SolveOptions(input_size="?", output_size="7x7x512"))
    assert isinstance(solution, ArchSolution)
    assert [answer.answer() for answer in solution.answers] == ["N = 224..255 (32 values)"]


@pytest.mark.parametrize(
    ("target", "options", "message"),
    [
        ("conv", SolveOptions(output_size="1", kernel="?", assume=("N > 1",)), "--assume applies to solving"),
        (LENET, SolveOptions(input_size="?", output_size="5", kernel="3"), "--kernel applies to solving one layer"),
        (LENET, SolveOptions(input_size="?"), "--output is needed"),
    ],
)
def test_options_are_checked_for_the_target(target: str, options: SolveOptions, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        solve(target, options)
