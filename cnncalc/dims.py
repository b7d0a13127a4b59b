"""Sizes that are either exact integers or sympy expressions.

Every size formula in cnncalc is written once with these helpers so that it serves
both a numeric input (plain ``int``, exact at any magnitude) and a symbolic one
(``input NxNx3``). sympy is imported only when a symbol is actually created, so
the numeric path never loads it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import sympy

Dim = Union[int, "sympy.Expr"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around allocation-heavy, cycle-free work.

    Parsing and analysing a 100,000-layer file allocate millions of small acyclic
    objects; the collector's repeated passes over them cost about a third of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def as_int(value: Dim) -> int | None:
    """The value as a Python int when it is concrete, else None."""
    if isinstance(value, int):
        return value
    if getattr(value, "is_Integer", False):
        return int(value)
    return None


def symbol(name: str) -> Dim:
    """A positive integer symbol; only called with names the parser validated."""
    import sympy

    return sympy.Symbol(name, integer=True, positive=True)


def normalize(value: Dim) -> Dim:
    """Collapse a sympy value that turned out to be an integer back to ``int``.

    No ``simplify``: sympy already canonicalises these sums and floors as it builds
    them, and simplifying every intermediate size made symbolic ResNet-50 5x slower."""
    concrete = as_int(value)
    return concrete if concrete is not None else value


def floor_div(a: Dim, b: Dim) -> Dim:
    """floor(a / b); ``//`` is floor division for ints and sympy alike.

    ``floor((floor(x) + k)/b) = floor((x + k)/b)`` for an integer k and a positive integer b,
    so a chain of strided layers stays one floor (``floor((N - 1)/4) + 1``) instead of
    nesting one per layer; sympy does not apply this identity by itself."""
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    if isinstance(b, int) and b > 0:
        import sympy

        constant, terms = a.as_coeff_add()  # type: ignore[union-attr]
        if len(terms) == 1 and isinstance(terms[0], sympy.floor) and getattr(constant, "is_Integer", False):
            return normalize(sympy.floor((terms[0].args[0] + constant) / b))
    return normalize(a // b)


def ceil_div(a: Dim, b: Dim) -> Dim:
    """ceil(a / b), exact (never through floats)."""
    return -floor_div(-a, b)


def maximum(a: Dim, b: Dim) -> Dim:
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    import sympy

    return normalize(sympy.Max(a, b))


def minimum(a: Dim, b: Dim) -> Dim:
    if isinstance(a, int) and isinstance(b, int):
        return min(a, b)
    import sympy

    return normalize(sympy.Min(a, b))


def product(values: tuple[Dim, ...] | list[Dim]) -> Dim:
    result: Dim = 1
    for value in values:
        result = result * value
    return result


#: symbol values at which two expressions sympy cannot prove equal are compared exactly
SAMPLES = (1, 2, 3, 7, 16, 31, 32, 33, 64, 97, 128, 224, 225, 256, 299, 320, 512, 1000, 1023, 4096)


def equal(a: Dim, b: Dim) -> tuple[bool, int | None]:
    """Whether two sizes are equal for every value of their symbols.

    Returns ``(True, None)`` when proven (identical, or the difference expands to 0),
    ``(False, n)`` with a symbol value ``n`` where they differ, and ``(True, 0)`` when they
    agree at every sampled value but sympy cannot prove it (callers warn).
    """
    if isinstance(a, int) and isinstance(b, int):
        return a == b, None
    difference = a - b
    if getattr(difference, "is_number", False) or isinstance(difference, int):
        return difference == 0, None
    import sympy

    if sympy.expand(difference) == 0:
        return True, None
    symbols = sorted(difference.free_symbols, key=str)
    for n in SAMPLES:
        if difference.subs({s: n for s in symbols}) != 0:
            return False, n
    return True, 0


def is_positive(value: Dim) -> bool | None:
    """True/False when decidable (``>= 1`` for integers), None when unknown."""
    concrete = as_int(value)
    if concrete is not None:
        return concrete >= 1
    answer = getattr(value - 1, "is_nonnegative", None)
    return None if answer is None else bool(answer)


def text(value: Dim) -> str:
    """A size as people write it: ``floor((N - 1)/2) + 1`` rather than sympy's canonical
    ``floor(N/2 - 1/2) + 1``, and ``ceiling(x)`` for ``-floor(-x)``. Only the printing
    changes; the value is the same expression."""
    concrete = as_int(value)
    if concrete is not None:
        return str(concrete)
    import sympy

    tidy = value.replace(  # type: ignore[union-attr]
        lambda e: e.is_Mul and len(e.args) == 2 and e.args[0] == -1 and isinstance(e.args[1], sympy.floor),
        lambda e: sympy.ceiling(-e.args[1].args[0], evaluate=False),
    )
    tidy = tidy.replace(
        lambda e: isinstance(e, (sympy.floor, sympy.ceiling)),
        lambda e: type(e)(sympy.together(e.args[0]), evaluate=False),
    )
    return str(tidy)


def to_json(value: Dim) -> int | str:
    """Integers stay JSON integers; symbolic values become their expression text."""
    concrete = as_int(value)
    if concrete is not None:
        return concrete
    return text(value)
