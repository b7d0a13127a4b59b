"""Solving for an unknown: ``--padding ?`` gives ``P = 3``; ``--input ?`` every size that works.

Every output size cnncalc computes is monotone in each of its inputs once the others
are fixed: non-decreasing in I, P, Ps, Pe and OP; non-increasing in F, S and D for conv
and pooling, non-decreasing in F, S and D (and decreasing in P) for a transposed conv.
An invalid value (output below 1) is scored 0, which keeps that monotonicity (it only
happens at the small end of an increasing variable or the large end of a decreasing one).
(One exception, handled where it arises: in ceil mode a window longer than the padded
input gives one output once the stride passes the overhang, so there the output rises
with S.) So the values giving a wanted output form one interval, found exactly by exponential
and binary search with the pipeline's own size functions — no floats, no guessing, and
no limit on the magnitudes. A variable that stops mattering beyond some point (a stride
past the padded input, the dilation of a 1-wide kernel) has a known saturation point,
after which an answer is reported as unbounded ("S >= 10").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from cnncalc.assume import Progression
from cnncalc.dims import Dim, as_int
from cnncalc.errors import CnncalcError, UsageError
from cnncalc.formula import Line, Math, letter, number, plus, times
from cnncalc.geometry import effective_kernel, output_padding_fits, pool_output_size, transposed_output_size
from cnncalc.layers import REGISTRY
from cnncalc.layers.common import dim_name
from cnncalc.layers.working import ONE, SizeMode, size_formula
from cnncalc.model import Arch, Shape

#: a search that has not bracketed its answer by this magnitude gives up with an error
MAX_MAGNITUDE = 2**256
#: solutions listed one by one up to this many; longer intervals are shown as a range
MAX_LISTED = 20

LayerFamily = Literal["conv", "pool", "deconv"]
VARIABLES = ("I", "O", "F", "S", "P", "Ps", "Pe", "D", "OP")


@dataclass(frozen=True, slots=True)
class Interval:
    """Every integer from ``first`` to ``last`` (``None``: no upper end)."""

    first: int
    last: int | None
    step: int = 1  # every step-th integer (sizes under an --assume progression)

    def __contains__(self, value: int) -> bool:
        in_range = value >= self.first and (self.last is None or value <= self.last)
        return in_range and (value - self.first) % self.step == 0

    def count(self) -> int | None:
        return None if self.last is None else (self.last - self.first) // self.step + 1

    def values(self, limit: int) -> list[int]:
        count = self.count()
        return [self.first + i * self.step for i in range(limit if count is None else min(count, limit))]

    def describe(self, name: str) -> str:
        every = f" every {self.step}" if self.step > 1 else ""
        if self.last is None:
            return f"{name} >= {self.first}{every} (no upper end)"
        count = self.count() or 0
        if count <= MAX_LISTED:
            return f"{name} = " + ", ".join(str(v) for v in self.values(count))
        return f"{name} = {self.first}..{self.last}{every} ({count:,} values)"


def monotone_solve(
    score: Callable[[int], int],
    target: int,
    *,
    low: int,
    increasing: bool,
    high: int | None = None,
    saturation: int | None = None,
) -> Interval | None:
    """All ``x >= low`` (and ``<= high``) with ``score(x) == target``, for a monotone ``score``.

    ``saturation``: from there on ``score`` is constant, so a match there is unbounded.
    """

    def h(x: int) -> int:
        return score(x) if increasing else -score(x)

    goal = target if increasing else -target
    limit = high if high is not None else saturation
    first = _first_at_least(h, goal, low, limit)
    if first is None or h(first) != goal:
        return None
    after = _first_at_least(h, goal + 1, first, limit)
    if after is not None:
        return Interval(first, after - 1)
    if high is not None:
        return Interval(first, high)
    return Interval(first, None)  # saturated at the goal: constant from here on


def _first_at_least(h: Callable[[int], int], goal: int, low: int, limit: int | None) -> int | None:
    """The least ``x`` in ``[low, limit]`` with ``h(x) >= goal`` (``h`` non-decreasing), or None."""
    if h(low) >= goal:
        return low
    below, step = low, 1
    while True:
        probe = below + step
        if limit is not None and probe >= limit:
            probe = limit
        if probe > MAX_MAGNITUDE:
            raise UsageError(
                "no solution below 2^256: the output does not reach the target",
                hint="check the known values; the output may be bounded",
            )
        if h(probe) >= goal:
            break
        if limit is not None and probe == limit:
            return None
        below, step = probe, step * 2
    above = probe
    while above - below > 1:
        middle = (below + above) // 2
        if h(middle) >= goal:
            above = middle
        else:
            below = middle
    return above


# --- one layer -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class LayerProblem:
    """One spatial dim of one layer; exactly one of the values is None (the unknown)."""

    family: LayerFamily
    I: int | None  # noqa: E741 - the course's letter
    O: int | None  # noqa: E741
    F: int | None
    S: int | None
    Ps: int | None
    Pe: int | None
    D: int | None = 1
    OP: int | None = 0
    ceil: bool = False
    symmetric_unknown: bool = False  # the unknown is P, on both sides
    stride_is_kernel: bool = False  # pooling without a stride: S = F, as in an .arch file

    @property
    def unknown(self) -> str:
        if self.symmetric_unknown:
            return "P"
        missing = [name for name in VARIABLES if name != "P" and getattr(self, name) is None]
        if self.stride_is_kernel and "S" in missing:
            missing.remove("S")
        if len(missing) != 1:
            raise UsageError(
                "exactly one value must be '?'" + (f", got {', '.join(missing)}" if missing else ""),
                hint="e.g. cnncalc solve conv --input 224 --output 112 --kernel 7 --stride 2 --padding ?",
            )
        return missing[0]

    def with_value(self, value: int) -> LayerProblem:
        name = self.unknown
        if name == "P":
            return replace(self, Ps=value, Pe=value, symmetric_unknown=False)
        return replace(self, **{name: value})  # type: ignore[arg-type]  # name is one of the int fields

    def stride(self) -> int:
        value = self.F if self.stride_is_kernel else self.S
        assert value is not None
        return value

    def output(self) -> int:
        """The output size, 0 when the layer is not valid (the solver's convention)."""
        assert None not in (self.I, self.F, self.Ps, self.Pe, self.D, self.OP)
        size, kernel, dilation = self.I or 0, self.F or 0, self.D or 0
        pads = (self.Ps or 0, self.Pe or 0)
        stride = self.stride()
        if self.family == "deconv":
            if not output_padding_fits(self.OP or 0, stride, dilation):
                return 0
            out = transposed_output_size(size, kernel, stride, pads, dilation, self.OP or 0)
        else:
            out = as_int(pool_output_size(size, kernel, stride, pads, dilation, ceil_mode=self.ceil)) or 0
        return int(out) if out >= 1 else 0


@dataclass(frozen=True, slots=True)
class LayerSolution:
    problem: LayerProblem
    unknown: str
    interval: Interval | None
    reason: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()

    def answer(self) -> str:
        if self.interval is None:
            return f"{self.unknown}: none — {self.reason}"
        return self.interval.describe(self.unknown)


def _direction(problem: LayerProblem, name: str) -> tuple[bool, int, int | None, int | None]:
    """``(increasing, low, high, saturation)`` of the output in the unknown ``name``."""
    deconv = problem.family == "deconv"
    low = 0 if name in ("P", "Ps", "Pe", "OP") else 1
    high = None
    if name == "I":
        return True, low, None, None
    if name == "Pe" and problem.family == "pool" and problem.ceil:
        # ceil mode drops windows starting in the end padding: past the point where the
        # count reaches floor((I + Ps - 1)/S) + 1, more end padding changes nothing
        stride = problem.stride()
        cap = ((problem.I or 0) + (problem.Ps or 0) - 1) // stride + 1
        window = effective_kernel(problem.F or 1, problem.D or 1)
        return True, low, None, max(0, (cap - 1) * stride - (problem.I or 0) - (problem.Ps or 0) + window) + 1
    if name in ("P", "Ps", "Pe"):
        return not deconv, low, None, None
    if name == "OP":
        stride, dilation = problem.stride(), problem.D or 1
        return True, 0, max(stride, dilation) - 1, None
    # a transposed conv is only valid while OP < max(S, D): constant only past that point
    settled = (problem.OP or 0) + 1
    if name == "S":
        if deconv:
            return True, low, None, (settled if problem.I == 1 else None)
        padded = (problem.I or 0) + (problem.Ps or 0) + (problem.Pe or 0)
        span = padded - effective_kernel(problem.F or 1, problem.D or 1)
        if problem.ceil and span < 0:
            # a window longer than the padded input: ceil(span/S) + 1 is 0 up to S = -span, then 1
            return True, low, None, -span + 1
        return False, low, high, padded + 1
    if name == "D":
        return deconv, low, None, ((settled if deconv else 1) if problem.F == 1 else None)
    return deconv, low, None, None  # F


def solve_layer(problem: LayerProblem) -> LayerSolution:
    """Every integer value of the unknown that gives the stated sizes."""
    name = problem.unknown
    if name == "O":
        value = problem.output()
        reason = "" if value else "the window does not fit the padded input"
        interval = Interval(value, value) if value else None
        return LayerSolution(problem, name, interval, reason, tuple(_check_lines(problem, interval, name)))
    target = problem.O
    assert target is not None
    increasing, low, high, saturation = _direction(problem, name)
    interval = monotone_solve(
        lambda v: problem.with_value(v).output(),
        target,
        low=low,
        increasing=increasing,
        high=high,
        saturation=saturation,
    )
    limit = high if high is not None else saturation
    reason = "" if interval is not None else _why_none(problem, name, low, limit, increasing, target)
    notes: list[str] = []
    if interval is not None and problem.family == "pool" and name in ("P", "Ps", "Pe"):
        half = effective_kernel(problem.F or 1, problem.D or 1) // 2
        if interval.last is None or interval.last > half:
            notes.append(f"PyTorch refuses pooling padding above half the window ({half})")
    return LayerSolution(problem, name, interval, reason, tuple(_check_lines(problem, interval, name)), tuple(notes))


def _why_none(problem: LayerProblem, name: str, low: int, limit: int | None, increasing: bool, target: int) -> str:
    """Why no value works: the range starts past the target, ends short of it, or jumps over it."""

    def out(v: int) -> int:
        return problem.with_value(v).output()

    def shown(v: int) -> str:
        value = out(v)
        return str(value) if value else "no valid output"

    first = out(low)
    if increasing and first > target:
        return f"already {name} = {low} gives {first}"
    if not increasing and first < target:
        return f"the largest output is at {name} = {low}, which gives {shown(low)}"

    def h(x: int) -> int:
        return out(x) if increasing else -out(x)

    crossing = _first_at_least(h, target if increasing else -target, low, limit)
    if crossing is None:
        assert limit is not None
        return f"{name} stops at {limit}, which gives {shown(limit)}"
    return f"{name} = {crossing - 1} gives {shown(crossing - 1)} and {name} = {crossing} gives {shown(crossing)}"


def _equation(problem: LayerProblem, name: str) -> tuple[Math, Math]:
    """The size formula with letters, and with the known numbers and the unknown's letter."""
    family: SizeMode = "transposed" if problem.family == "deconv" else ("ceil" if problem.ceil else "floor")
    formula = size_formula(family)
    letters = [letter("I"), letter("Ps", "P_s"), letter("Pe", "P_e"), letter("D(F-1)"), letter("S"), letter("OP")]

    def known(value: int | None, symbol: str) -> Math:
        return letter(symbol) if value is None else number(value)

    ps = letter("P") if name == "P" else known(problem.Ps, "Ps")
    pe = letter("P") if name == "P" else known(problem.Pe, "Pe")
    if problem.D is not None and problem.F is not None:
        spread = number(problem.D * (problem.F - 1))
    elif problem.F is None:
        spread = times(number(problem.D or 1), plus(letter("F"), ("-", ONE)))
    else:
        spread = times(letter("D"), number(problem.F - 1))
    stride = known(problem.F, "F") if problem.stride_is_kernel else known(problem.S, "S")
    values = [known(problem.I, "I"), ps, pe, spread, stride, known(problem.OP, "OP")]
    if problem.family != "deconv":
        values[5] = number(0)
        return formula(*letters[:5], letters[5]), formula(*values)
    return formula(*letters), formula(*values)


def _check_lines(problem: LayerProblem, interval: Interval | None, name: str) -> list[Line]:
    """The equation, then each answer (and its neighbours) plugged back in."""
    formula, equation = _equation(problem, name)
    if name == "O":
        out = problem.output()
        return [
            Line(name=letter("O"), formula=formula, numbers=equation, result=number(out) if out else letter("none"))
        ]
    lines = [Line(name=letter("O"), formula=formula, numbers=equation, result=number(problem.O or 0), what="solve")]
    candidates: list[int] = []
    if interval is not None:
        shown = interval.values(3)
        if interval.last is not None and interval.last not in shown:
            shown.append(interval.last)
        candidates = [interval.first - 1, *shown] + ([interval.last + 1] if interval.last is not None else [])
    low = 0 if name in ("P", "Ps", "Pe", "OP") else 1
    for value in candidates:
        if value < low:
            continue
        plugged = problem.with_value(value)
        _, numbers = _equation(plugged, "")
        out = plugged.output()
        works = interval is not None and value in interval
        lines.append(
            Line(
                name=letter("O"),
                numbers=numbers,
                result=number(out) if out else letter("none"),
                what=f"check {name} = {value}",
                note="works" if works else "does not give the target",
            )
        )
    return lines


#: every spelling of a kind ``cnncalc solve KIND`` takes (windowed kinds), and ``pool``
LAYER_FAMILIES: dict[str, LayerFamily] = {
    spelling.lower(): kind.family
    for kind in REGISTRY.values()
    if kind.family in ("conv", "pool", "deconv")
    for spelling in (kind.name, *kind.aliases)
} | {"pool": "pool"}


def _read(option: str, text: str | None, *, minimum: int, default: int | None) -> int | None:
    """``?`` is the unknown (None); otherwise a whole number of at least ``minimum``."""
    if text is None:
        if default is None:
            raise UsageError(f"{option} is needed (a number, or ? for the unknown)")
        return default
    value = text.strip()
    if value == "?":
        return None
    if not value.isdigit() or not value.isascii():
        raise UsageError(f"{option} {text!r}: expected a whole number or ?", hint="one dim at a time, e.g. --kernel 3")
    number_ = int(value)
    if number_ < minimum:
        raise UsageError(f"{option} {text!r}: must be at least {minimum}")
    return number_


def layer_problem(
    kind: str,
    *,
    input_size: str | None,
    output_size: str | None,
    kernel: str | None,
    stride: str | None,
    padding: str | None,
    dilation: str | None,
    output_padding: str | None,
    ceil: bool,
) -> LayerProblem:
    """Read the options of ``cnncalc solve KIND``; exactly one of them is ``?``."""
    family = LAYER_FAMILIES[kind.lower()]
    if ceil and family != "pool":
        raise UsageError("--ceil applies to pooling only")
    if output_padding is not None and family != "deconv":
        raise UsageError("--output-padding applies to deconv only")
    pad_text = (padding or "0").strip()
    symmetric = pad_text == "?"
    if symmetric:
        starts, ends = None, None
    elif ":" in pad_text:
        start_text, _, end_text = pad_text.partition(":")
        starts = _read("--padding (start)", start_text, minimum=0, default=0)
        ends = _read("--padding (end)", end_text, minimum=0, default=0)
    else:
        starts = ends = _read("--padding", pad_text, minimum=0, default=0)
    problem = LayerProblem(
        family=family,
        I=_read("--input", input_size, minimum=1, default=None),
        O=_read("--output", output_size, minimum=1, default=None),
        F=_read("--kernel", kernel, minimum=1, default=None),
        S=_read("--stride", stride, minimum=1, default=1),
        Ps=starts,
        Pe=ends,
        D=_read("--dilation", dilation, minimum=1, default=1),
        OP=_read("--output-padding", output_padding, minimum=0, default=0),
        ceil=ceil,
        symmetric_unknown=symmetric,
        stride_is_kernel=family == "pool" and stride is None,
    )
    problem.unknown  # noqa: B018 - validates that exactly one value is unknown
    return problem


# --- a whole architecture -----------------------------------------------------------------------


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
    if len(parts) == 1 and parts[0].isdigit():
        return int(parts[0])
    values: list[int | None] = []
    for part in parts:
        if part == "?":
            values.append(None)
        elif part.isdigit() and part.isascii() and int(part) >= 1:
            values.append(int(part))
        else:
            raise UsageError(
                f"--output {text!r}: expected sizes like 7x7x512 (? for any)",
                hint="or one number for every spatial dim",
            )
    return tuple(values)


def with_unknown_input(arch: Arch, text: str) -> Arch:
    """``--input ?`` (every spatial dim the same unknown N, channels from the file) or
    ``?x?x3`` (one unknown per dim, named H and W, or L, or D, H and W)."""
    from cnncalc.single import read_input

    if text.strip() == "?":
        rank = len(arch.input.dims) - 1
        if rank == 0:
            raise UsageError("--input ?: the architecture's input is a flat vector, with no size to solve for")
        dims: tuple[int | str, ...] = ("N",) * rank + (arch.input.dims[-1],)
        return replace(arch, input=replace(arch.input, dims=dims))
    parts = text.strip().split("x")
    if parts[-1] == "?":
        raise UsageError(f"--input {text!r}: the channel count cannot be unknown", hint="write e.g. ?x?x3")
    rank = len(parts) - 1
    named = "x".join(dim_name(rank, i) if part == "?" else part for i, part in enumerate(parts[:-1]))
    spec = read_input(f"{named}x{parts[-1]}" if rank else parts[-1])
    return replace(arch, input=replace(arch.input, dims=spec.dims))


def solve_arch(arch: Arch, target_text: str, assumed: Mapping[str, Progression]) -> ArchSolution:
    """Every value of each input symbol for which the network's output is the target."""
    from cnncalc.analysis import analyze
    from cnncalc.assume import parameter_name, restater

    names = [d for d in arch.input.dims[:-1] if isinstance(d, str)]
    if not names:
        raise UsageError(
            "nothing to solve for: the input has no unknown size",
            hint="write --input ?x?x3 (or ? for a square input), or give the file an input like NxNx3",
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
            f"--output {target_text!r} has {len(target)} dims, but the network's output "
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
                hint="give all but one of them as numbers, or use one symbol for a square input (--input ?)",
            )
        per_symbol[depends[0]].append(axis)
    answers = []
    for name, axes in per_symbol.items():
        formulas = tuple((axis, restate(dims[axis])) for axis in axes)
        if impossible is not None:
            answers.append(SymbolAnswer(name, None, None, impossible, formulas))
            continue
        answers.append(_solve_symbol(arch, name, axes, target, progressions, formulas))
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
        first = _first_at_least(lambda k: 0 if run(k) is None else 1, 1, 1, None)
        assert first is not None
        interval = Interval(first, None)
    for axis in axes:
        want = target[axis]
        assert want is not None and interval is not None
        part = monotone_solve(dim_at(axis), want, low=1, increasing=True)
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
    values = interval.values(MAX_VERIFIED)
    holes = [k for k in values if not _matches(run(k), target, axes)]
    exact: list[int] = []
    if len(progressions) == 1:  # with one symbol, report_at(k) is the network at exactly that size
        for k in values[: MAX_LISTED * 4]:
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
    return SymbolAnswer(name, mapped, listed, "", formulas, tuple(exact), tuple(lines))


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
    crossing = _first_at_least(score, want, 1, None)
    assert crossing is not None and crossing > 1
    below, above = crossing - 1, crossing
    return (
        f"{name} = {progression.value(below)} gives {score(below) or 'no valid output'} and "
        f"{name} = {progression.value(above)} gives {score(above)} on output dim {axis + 1}"
    )
