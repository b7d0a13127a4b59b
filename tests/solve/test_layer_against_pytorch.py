"""Solutions plugged into real PyTorch modules (skipped when torch is not installed)."""

from __future__ import annotations

from hypothesis import given, settings

from cnncalc.solve.layer import LayerProblem, solve_layer
from tests.oracle import nn, torch
from tests.solve.test_layer import problems


def torch_output(problem: LayerProblem) -> int | None:
    """Output length of the real 1-d module, or None when PyTorch refuses the layer."""
    assert problem.I and problem.F and problem.D is not None and problem.Ps is not None and problem.Pe is not None
    stride = problem.stride()
    x = torch.nn.functional.pad(torch.zeros(1, 1, problem.I), [problem.Ps, problem.Pe])
    try:
        if problem.family == "conv":
            module: nn.Module = nn.Conv1d(1, 1, problem.F, stride=stride, dilation=problem.D)
        elif problem.family == "deconv":
            # explicit asymmetric padding: run with none and crop, as cnncalc's formula does
            module = nn.ConvTranspose1d(
                1, 1, problem.F, stride=stride, dilation=problem.D, output_padding=problem.OP or 0
            )
            with torch.no_grad():
                full = module(torch.zeros(1, 1, problem.I)).shape[-1]
            out = full - problem.Ps - problem.Pe
            return out if out >= 1 else None
        else:
            # ceil-mode windows that start in the end padding are PyTorch's own rule only with
            # its symmetric padding; model the explicit padding as PyTorch pads: P on both sides
            if problem.Ps != problem.Pe or problem.Ps > (problem.D * (problem.F - 1) + 1) // 2:
                return None
            module = nn.MaxPool1d(
                problem.F, stride=stride, padding=problem.Ps, dilation=problem.D, ceil_mode=problem.ceil
            )
            x = torch.zeros(1, 1, problem.I)
        with torch.no_grad():
            return int(module(x).shape[-1])
    except RuntimeError:
        return None


@settings(max_examples=150, deadline=None)
@given(problems())
def test_every_returned_value_gives_the_target_in_pytorch(case: tuple[LayerProblem, str, int]) -> None:
    posed, _, _ = case
    solution = solve_layer(posed)
    assert solution.interval is not None
    for value in solution.interval.values(6):
        plugged = posed.with_value(value)
        measured = torch_output(plugged)
        if measured is not None:  # PyTorch refuses some layers cnncalc accepts with a warning
            assert measured == posed.O, (plugged, measured)
