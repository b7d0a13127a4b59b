"""The monotone search every solver uses: all integers ``x`` with ``score(x) == target``.

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

from collections.abc import Callable
from dataclasses import dataclass

from cnncalc.errors import UsageError

#: the least magnitude a search reaches before it gives up (callers pass a larger ceiling that
#: provably lies past every solution of their problem; see :func:`ceiling_for`)
MAX_MAGNITUDE = 2**256
#: solutions listed one by one up to this many; longer intervals are shown as a range
MAX_LISTED = 20


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
    ceiling: int = MAX_MAGNITUDE,
) -> Interval | None:
    """All ``x >= low`` (and ``<= high``) with ``score(x) == target``, for a monotone ``score``.

    ``saturation``: from there on ``score`` is constant, so a match there is unbounded.
    """

    def h(x: int) -> int:
        return score(x) if increasing else -score(x)

    goal = target if increasing else -target
    limit = high if high is not None else saturation
    first = first_at_least(h, goal, low, limit, ceiling=ceiling)
    if first is None or h(first) != goal:
        return None
    after = first_at_least(h, goal + 1, first, limit, ceiling=ceiling)
    if after is not None:
        return Interval(first, after - 1)
    if high is not None:
        return Interval(first, high)
    return Interval(first, None)  # saturated at the goal: constant from here on


def ceiling_for(target: int, known: list[int]) -> int:
    """A magnitude past every solution of one layer's size equation: the output grows by at least
    one every ``S`` (or ``D``, or ``I - 1``) steps of an increasing unknown, so the unknown needs at
    most about ``(target + P + D*F) * S``; ``2^64 (target + 2) (2 + sum of the known values)^2`` is
    far beyond that, and never below :data:`MAX_MAGNITUDE`."""
    return max(MAX_MAGNITUDE, 2**64 * (target + 2) * (2 + sum(known)) ** 2)


def first_at_least(
    h: Callable[[int], int], goal: int, low: int, limit: int | None, *, ceiling: int = MAX_MAGNITUDE
) -> int | None:
    """The least ``x`` in ``[low, limit]`` with ``h(x) >= goal`` (``h`` non-decreasing), or None.

    The exponential search doubles its step; past ``ceiling`` it stops and says so (the
    callers' ceilings lie beyond every solution, so this means the output is bounded)."""
    if h(low) >= goal:
        return low
    below, step = low, 1
    while True:
        probe = below + step
        if limit is not None and probe >= limit:
            probe = limit
        if probe > ceiling:
            raise UsageError(
                f"the search stopped at 2^{ceiling.bit_length() - 1} without reaching an output of {abs(goal)}: "
                "no value up to there works",
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
