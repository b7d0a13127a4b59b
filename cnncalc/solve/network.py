"""A whole network with an unknown input size: ``cnncalc solve zoo:vgg16 --input ? --output 7x7x512``.

The network is analysed once with the input's symbols; each output dim that must match
depends on one symbol, and the numeric pipeline at each candidate value is the score the
monotone search of :mod:`cnncalc.solve.search` walks. Every value found is then plugged
back through the whole numeric pipeline (a merge sympy could not prove may still fail).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from cnncalc.arch.reader import count_layers
from cnncalc.assume import Progression
from cnncalc.dims import Dim, as_int
from cnncalc.errors import CnncalcError, UsageError
from cnncalc.formula import Line, letter
from cnncalc.layers.common import dim_name
from cnncalc.limits import MAX_DIGITS, SOLVE
from cnncalc.model import Arch, Shape
from cnncalc.solve.search import MAX_MAGNITUDE, Interval, first_at_least, monotone_solve


@dataclass(frozen=True, slots=True)
class SymbolAnswer:
    """The values of one input symbol that give the wanted output."""

    name: str
    interval: Interval | None
    values: tuple[int, ...] | None  # when verification found holes: the values that work
    reason: str
    formulas: tuple[tuple[int, Dim], ...]  # (output dim, its expression in the symbol)
    exact: tuple[int, ...] = ()
    lines: tuple[Line, ...] = ()
    #: the values plugged back one by one (and scanned for exact sizes): first and last, in the user's values
    checked: tuple[int, int] | None = None

    def answer(self) -> str:
        if self.values is not None:
            return f"{self.name} = " + (", ".join(map(str, self.values)) or "none")
        if self.interval is None:
            return f"{self.name}: none — {self.reason}"
        return self.interval.describe(self.name)


@dataclass(frozen=True, slots=True)
class ArchSolution:
    source: str
    target: tuple[int | None, ...]
    output: Shape  # symbolic, in the user's symbols
    answers: tuple[SymbolAnswer, ...]
    notes: tuple[str, ...]


#: values of a solution plugged back through the numeric pipeline one by one, at most
MAX_VERIFIED = 4096
#: other symbols sit at this parameter value while one is solved (large: always valid)
_FAR = 2**20


def parse_target(text: str) -> tuple[int | None, ...] | int:
    """``7x7x512`` (``?`` for any), or one number ``7`` for every spatial dim (returned as int)."""
    parts = text.strip().split("x")
    if any(len(part) > MAX_DIGITS for part in parts):
        raise UsageError(f"--output: a size has more than {MAX_DIGITS:,} digits, the most cnncalc accepts")
    if len(parts) == 1 and parts[0].isdigit() and parts[0].isascii():
        return int(parts[0])
    values: list[int | None] = []
    for part in parts:
        if part == "?":
            values.append(None)
        elif part.isdigit() and part.isascii() and int(part) >= 1:
            values.append(int(part))
        else:
            raise UsageError(
                f"--output {text[:60]!r}: expected sizes like 7x7x512 (? for any)",
                hint="or one number for every spatial dim",
            )
    return tuple(values)


def with_unknown_input(arch: Arch, text: str) -> Arch:
    """``--input ?`` (every spatial dim the same unknown N, channels from the file) or
    ``?x?x3`` (one unknown per dim, named H and W, or L, or D, H and W)."""
    from cnncalc.one_layer import read_input

    if text.strip() == "?":
        rank = len(arch.input.dims) - 1
        if rank == 0:
            raise UsageError("--input '?': the architecture's input is a flat vector, with no size to solve for")
        dims: tuple[int | str, ...] = ("N",) * rank + (arch.input.dims[-1],)
        return replace(arch, input=replace(arch.input, dims=dims))
    parts = text.strip().split("x")
    if parts[-1] == "?":
        raise UsageError(f"--input {text[:60]!r}: the channel count cannot be unknown", hint="write e.g. '?x?x3'")
    rank = len(parts) - 1
    named = "x".join(dim_name(rank, i) if part == "?" else part for i, part in enumerate(parts[:-1]))
    spec = read_input(f"{named}x{parts[-1]}" if rank else parts[-1])
    return replace(arch, input=replace(arch.input, dims=spec.dims))


def solve_arch(
    arch: Arch, target_text: str, assumed: Mapping[str, Progression], *, max_work: int = SOLVE.default
) -> ArchSolution:
    """Every value of each input symbol for which the network's output is the target."""
    from cnncalc.analysis import analyze
    from cnncalc.assume import parameter_name, restater

    names = [d for d in arch.input.dims[:-1] if isinstance(d, str)]
    if not names:
        raise UsageError(
            "nothing to solve for: the input has no unknown size",
            hint="write --input '?x?x3' (or '?' for a square input), or give the file an input like NxNx3",
        )
    progressions = {name: assumed.get(name, Progression(1, 0)) for name in dict.fromkeys(names)}
    symbolic = analyze(arch, progressions)
    restate = restater(progressions)
    output = symbolic.totals.output_shape
    dims = output.as_list()
    wanted = parse_target(target_text)
    if isinstance(wanted, int):
        # one number: every spatial dim (any channels), or the whole of a flat output
        target: tuple[int | None, ...] = (wanted,) * len(output.spatial) + (None,) if output.spatial else (wanted,)
    else:
        target = wanted
    if len(target) != len(dims):
        raise UsageError(
            f"--output {target_text[:60]!r} has {len(target)} dims, but the network's output "
            f"{'x'.join(_text(restate(d)) for d in dims)} has {len(dims)}"
        )
    per_symbol: dict[str, list[int]] = {name: [] for name in progressions}
    notes: list[str] = []
    parameters = {parameter_name(name): name for name in progressions}
    impossible: str | None = None
    for axis, (value, want) in enumerate(zip(dims, target, strict=True)):
        if want is None:
            continue
        depends = sorted({parameters[str(s)] for s in getattr(value, "free_symbols", ()) if str(s) in parameters})
        if not depends:
            if as_int(value) != want:
                impossible = f"output dim {axis + 1} is {_text(restate(value))} for every input, not {want}"
            continue
        if len(depends) > 1:
            raise UsageError(
                f"output dim {axis + 1} ({_text(restate(value))}) depends on {' and '.join(depends)} together",
                hint="give all but one of them as numbers, or use one symbol for a square input (--input '?')",
            )
        per_symbol[depends[0]].append(axis)
    answers = []
    for name, axes in per_symbol.items():
        formulas = tuple((axis, restate(dims[axis])) for axis in axes)
        if impossible is not None:
            answers.append(SymbolAnswer(name, None, None, impossible, formulas))
            continue
        answers.append(_solve_symbol(arch, name, axes, target, progressions, formulas, max_work))
    for answer in answers:
        if not answer.formulas and answer.interval is not None:
            notes.append(f"the output does not depend on {answer.name}: every size the network accepts works")
    shown = Shape(spatial=tuple(restate(d) for d in output.spatial), channels=restate(output.channels))
    return ArchSolution(arch.source, target, shown, tuple(answers), tuple(notes))


def _text(value: Dim) -> str:
    from cnncalc.dims import text

    return text(value)


def _solve_symbol(
    arch: Arch,
    name: str,
    axes: list[int],
    target: tuple[int | None, ...],
    progressions: Mapping[str, Progression],
    formulas: tuple[tuple[int, Dim], ...],
    max_work: int,
) -> SymbolAnswer:
    from cnncalc.analysis import Report, analyze
    from cnncalc.sizes import exactness_problems

    progression = progressions[name]
    cache: dict[int, Report | None] = {}

    def report_at(k: int) -> Report | None:
        """The numeric report with this symbol at ``k`` (the others far out), None if invalid."""
        if k not in cache:
            values = {n: p.value(k if n == name else _FAR) for n, p in progressions.items()}
            dims = tuple(values[d] if isinstance(d, str) else d for d in arch.input.dims)
            try:
                cache[k] = analyze(replace(arch, input=replace(arch.input, dims=dims)))
            except CnncalcError:
                cache[k] = None
        return cache[k]

    def run(k: int) -> Shape | None:
        report = report_at(k)
        return None if report is None else report.totals.output_shape

    def dim_at(axis: int) -> Callable[[int], int]:
        def score(k: int) -> int:
            shape = run(k)
            return 0 if shape is None else int(as_int(shape.as_list()[axis]) or 0)

        return score

    interval: Interval | None = Interval(1, None)
    reason = ""
    if not axes:  # unconstrained: every value the network accepts
        first = first_at_least(lambda k: 0 if run(k) is None else 1, 1, 1, None)
        assert first is not None
        interval = Interval(first, None)
    for axis in axes:
        want = target[axis]
        assert want is not None and interval is not None
        part = monotone_solve(dim_at(axis), want, low=1, increasing=True, ceiling=_ceiling(want))
        if part is None:
            interval, reason = None, _why_none_arch(dim_at(axis), want, name, progression, axis)
            break
        interval = _intersect(interval, part)
        if interval is None:
            reason = "the dims need different sizes"
            break
    lines: list[Line] = []
    if interval is None:
        return SymbolAnswer(name, None, None, reason, formulas)
    # plug every value back through the whole numeric pipeline (the monotone search only
    # looked at the constrained dims; a merge that sympy could not prove may still fail)
    # as many values as the budget allows (each is one run of every layer), at least one
    values = interval.values(max(1, min(MAX_VERIFIED, max_work // max(1, count_layers(arch.body)))))
    holes = [k for k in values if not _matches(run(k), target, axes)]
    exact: list[int] = []
    if len(progressions) == 1:  # with one symbol, report_at(k) is the network at exactly that size
        for k in values:
            report = report_at(k)
            if k not in holes and report is not None and not exactness_problems(report):
                exact.append(progression.value(k))
    for k in [
        interval.first - 1,
        interval.first,
        *([interval.last, interval.last + 1] if interval.last is not None else []),
    ]:
        if k < 1:
            continue
        shape = run(k)
        lines.append(
            Line(
                name=letter("output"),
                result=letter("no valid output" if shape is None else str(shape)),
                what=f"check {name} = {progression.value(k)}",
                note="works" if k in interval and k not in holes else "does not give the target",
            )
        )
    mapped = Interval(
        progression.value(interval.first),
        None if interval.last is None else progression.value(interval.last),
        progression.modulus,
    )
    listed = None
    if holes:
        listed = tuple(progression.value(k) for k in values if k not in holes)
    checked = (progression.value(values[0]), progression.value(values[-1]))
    return SymbolAnswer(name, mapped, listed, "", formulas, tuple(exact), tuple(lines), checked)


def _ceiling(want: int) -> int:
    """Where the search for an input size giving ``want`` stops: ``2^256 (want + 2)``, past the input
    of any network whose strides multiply to less than 2^256."""
    return MAX_MAGNITUDE * (want + 2)


def _intersect(a: Interval, b: Interval) -> Interval | None:
    """Both intervals at once (step 1: they count parameter values)."""
    first = max(a.first, b.first)
    ends = [x for x in (a.last, b.last) if x is not None]
    last = min(ends) if ends else None
    return None if last is not None and first > last else Interval(first, last)


def _matches(shape: Shape | None, target: tuple[int | None, ...], axes: list[int]) -> bool:
    if shape is None:
        return False
    dims = shape.as_list()
    return all(as_int(dims[a]) == target[a] for a in axes)


def _why_none_arch(score: Callable[[int], int], want: int, name: str, progression: Progression, axis: int) -> str:
    first = score(1)
    if first > want:
        return f"already the smallest {name} = {progression.value(1)} gives {first} on output dim {axis + 1}"
    crossing = first_at_least(score, want, 1, None, ceiling=_ceiling(want))
    assert crossing is not None and crossing > 1
    below, above = crossing - 1, crossing
    return (
        f"{name} = {progression.value(below)} gives {score(below) or 'no valid output'} and "
        f"{name} = {progression.value(above)} gives {score(above)} on output dim {axis + 1}"
    )
