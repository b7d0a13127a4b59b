"""One layer with one unknown: ``cnncalc solve conv --input 224 --output 112 --kernel 7 --stride 2 --padding ?``.

One spatial dim at a time. Each variable's direction (and where it stops mattering) is
worked out here; :mod:`cnncalc.solve.search` finds the interval, and every answer (and its
neighbours) is plugged back into the size formula for the working.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from cnncalc.dims import as_int
from cnncalc.errors import UsageError
from cnncalc.formula import Line, Math, letter, number, plus, times
from cnncalc.geometry import effective_kernel, output_padding_fits, pool_output_size, transposed_output_size
from cnncalc.layers import REGISTRY
from cnncalc.layers.worked_lines import ONE, SizeMode, size_formula
from cnncalc.limits import MAX_DIGITS
from cnncalc.solve.search import Interval, ceiling_for, first_at_least, monotone_solve

LayerFamily = Literal["conv", "pool", "deconv"]
VARIABLES = ("I", "O", "F", "S", "P", "Ps", "Pe", "D", "OP")


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
                hint="e.g. cnncalc solve conv --input 224 --output 112 --kernel 7 --stride 2 --padding '?'",
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
    known = [v for v in (problem.I, problem.F, problem.S, problem.Ps, problem.Pe, problem.D, problem.OP) if v]
    interval = monotone_solve(
        lambda v: problem.with_value(v).output(),
        target,
        low=low,
        increasing=increasing,
        high=high,
        saturation=saturation,
        ceiling=ceiling_for(target, known),
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

    known = [v for v in (problem.I, problem.F, problem.S, problem.Ps, problem.Pe, problem.D, problem.OP) if v]
    crossing = first_at_least(h, target if increasing else -target, low, limit, ceiling=ceiling_for(target, known))
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
            raise UsageError(f"{option} is needed (a number, or '?' for the unknown)")
        return default
    value = text.strip()
    if value == "?":
        return None
    if not value.isdigit() or not value.isascii():
        raise UsageError(
            f"{option} {text[:40]!r}: expected a whole number or '?'", hint="one dim at a time, e.g. --kernel 3"
        )
    if len(value) > MAX_DIGITS:
        raise UsageError(f"{option}: {len(value):,} digits; cnncalc accepts at most {MAX_DIGITS:,}")
    number_ = int(value)
    if number_ < minimum:
        raise UsageError(f"{option} {text[:60]!r}: must be at least {minimum}")
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
