"""Solving for an unknown: ``--padding ?`` gives ``P = 3``; ``--input ?`` every size that works.

:mod:`~cnncalc.solve.search` holds the monotone search both solvers share,
:mod:`~cnncalc.solve.layer` one layer with one unknown, :mod:`~cnncalc.solve.network` the
input size of a whole network. :func:`solve` reads ``cnncalc solve``'s options and picks
between them: a layer kind (``conv``, ``pool``, ...) or else an architecture file.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnncalc.errors import UsageError
from cnncalc.limits import SOLVE
from cnncalc.solve.layer import LAYER_FAMILIES, LayerProblem, LayerSolution, layer_problem, solve_layer
from cnncalc.solve.network import ArchSolution, SymbolAnswer, parse_target, solve_arch, with_unknown_input
from cnncalc.solve.search import MAX_LISTED, Interval, monotone_solve


@dataclass(frozen=True, kw_only=True)
class SolveOptions:
    """``cnncalc solve``'s options as typed; None means not given, ``?`` marks the unknown."""

    input_size: str | None = None
    output_size: str | None = None
    kernel: str | None = None
    stride: str | None = None
    padding: str | None = None
    dilation: str | None = None
    output_padding: str | None = None
    ceil: bool = False
    assume: tuple[str, ...] = ()
    #: the budget of the network solver's exact-size scan (layer evaluations; see :mod:`cnncalc.limits`)
    max_work: int = SOLVE.default


def is_layer_kind(target: str) -> bool:
    """Whether ``cnncalc solve TARGET`` names a layer kind (otherwise it is an architecture)."""
    return target.lower() in LAYER_FAMILIES


def solve(target: str, options: SolveOptions) -> LayerSolution | ArchSolution:
    """Validate the options for the target and solve: one layer, or a network's input size."""
    if is_layer_kind(target):
        return _solve_layer(target, options)
    return _solve_network(target, options)


def _solve_layer(kind: str, options: SolveOptions) -> LayerSolution:
    if options.assume:
        raise UsageError("--assume applies to solving an architecture's input", hint="one layer has no symbols")
    problem = layer_problem(
        kind,
        input_size=options.input_size,
        output_size=options.output_size,
        kernel=options.kernel,
        stride=options.stride,
        padding=options.padding,
        dilation=options.dilation,
        output_padding=options.output_padding,
        ceil=options.ceil,
    )
    return solve_layer(problem)


def _solve_network(file: str, options: SolveOptions) -> ArchSolution:
    one_layer_only = (
        ("--kernel", options.kernel),
        ("--stride", options.stride),
        ("--padding", options.padding),
        ("--dilation", options.dilation),
    )
    for flag, value in one_layer_only:
        if value is not None:
            raise UsageError(f"{flag} applies to solving one layer", hint=f"'{file}' is read as an architecture file")
    if options.output_size is None:
        raise UsageError("--output is needed: the output the network must produce", hint="e.g. --output 7x7x512")
    from cnncalc.assume import parse_assumptions
    from cnncalc.importers.source import load

    arch = load(file)
    if options.input_size is not None:
        arch = with_unknown_input(arch, options.input_size)
    progressions = parse_assumptions(list(options.assume), [d for d in arch.input.dims if isinstance(d, str)])
    return solve_arch(arch, options.output_size, progressions, max_work=options.max_work)


__all__ = [
    "LAYER_FAMILIES",
    "MAX_LISTED",
    "ArchSolution",
    "Interval",
    "LayerProblem",
    "LayerSolution",
    "SolveOptions",
    "SymbolAnswer",
    "is_layer_kind",
    "layer_problem",
    "monotone_solve",
    "parse_target",
    "solve",
    "solve_arch",
    "solve_layer",
    "with_unknown_input",
]
