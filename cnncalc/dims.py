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

from cnncalc.limits import MAX_EXPRESSION_NODES, LimitError

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
    return bounded(normalize(a // b))


def bounded(value: Dim) -> Dim:
    """``value``, unless it is a symbolic expression of more than
    :data:`~cnncalc.limits.MAX_EXPRESSION_NODES` nodes: then a :class:`~cnncalc.limits.LimitError`
    (sizes that nest one floor per layer would grow without bound and take minutes)."""
    if isinstance(value, int) or getattr(value, "is_Integer", False):
        return value
    import sympy

    for nodes, _ in enumerate(sympy.preorder_traversal(value), start=1):
        if nodes > MAX_EXPRESSION_NODES:
            raise LimitError(
                f"a symbolic size grew past {MAX_EXPRESSION_NODES:,} terms, the most cnncalc handles",
                hint="the limit is fixed; give the input as numbers (--input 224x224x3) or add --assume facts",
            )
    return value


def ceil_div(a: Dim, b: Dim) -> Dim:
    """ceil(a / b), exact (never through floats)."""
    return -floor_div(-a, b)


def _bound(value: Dim, upper: bool) -> Dim | None:
    """A lower (or upper) bound of ``value`` with its outermost floors and ceilings relaxed linearly:
    ``u - 1 < floor(u) <= u`` and ``u <= ceiling(u) < u + 1``; None for anything else
    (Max, Min, products of sizes). Symbols and inner floors stay: the caller hopes they cancel."""
    import sympy

    if isinstance(value, int) or value.is_number or value.is_Symbol:
        return value
    if value.is_Add:
        parts = [_bound(term, upper) for term in value.args]
        return None if any(p is None for p in parts) else sympy.Add(*parts)
    if value.is_Mul:
        coefficient, rest = value.as_coeff_Mul()
        if rest.is_Mul or coefficient == 1:  # a product of sizes: not linear
            return None
        inner = _bound(rest, upper if coefficient > 0 else not upper)
        return None if inner is None else coefficient * inner
    if isinstance(value, (sympy.floor, sympy.ceiling)):
        # the argument is kept whole (its own floors are atoms): the same atom then cancels in
        # ceil(u) - floor(u) instead of being relaxed in opposite directions
        inner = value.args[0]
        if isinstance(value, sympy.floor):
            return inner if upper else inner - 1
        return inner + 1 if upper else inner
    return None


def _as_floor(value: Dim) -> tuple[Dim, int] | None:
    """``value`` as ``floor(u) + c`` with no floor left directly inside ``u`` (None when it is not
    one floor or ceiling plus an integer). For an integer ``p`` and a positive integer ``d``,
    ``ceiling(p/d) = floor((p + d - 1)/d)`` and ``floor((floor(y) + k)/d) = floor((y + k)/d)``."""
    import sympy

    expression = sympy.Integer(value) if isinstance(value, int) else value  # never text: no sympify
    constant, terms = expression.as_coeff_add()
    if len(terms) != 1 or not constant.is_Integer:
        return None
    term = terms[0]
    if term.is_Mul and term.args[0] == -1 and len(term.args) == 2 and isinstance(term.args[1], sympy.floor):
        term = sympy.ceiling(-term.args[1].args[0], evaluate=False)  # -floor(-x) is ceiling(x)
    if not isinstance(term, (sympy.floor, sympy.ceiling)):
        return None
    inner = term.args[0]
    if isinstance(term, sympy.ceiling):
        numerator, denominator = sympy.together(inner).as_numer_denom()
        if not (denominator.is_Integer and denominator > 0 and numerator.is_integer):
            return None
        inner = (numerator + denominator - 1) / denominator
    for _ in range(64):
        numerator, denominator = sympy.together(inner).as_numer_denom()
        k, parts = numerator.as_coeff_add()
        if not (denominator.is_Integer and denominator > 0 and k.is_Integer and len(parts) == 1):
            break
        nested = _as_floor(parts[0])
        if nested is None:
            break
        inner = (nested[0] + nested[1] + k) / denominator
    return inner, int(constant)


def _floor_sign(a: Dim, b: Dim) -> int | None:
    """The sign of ``a - b`` for ``a = floor(u) + c1`` and ``b = floor(v) + c2`` with ``u - v`` a number:
    ``floor(u) - floor(v)`` is ``floor(u - v)`` or one more."""
    import sympy

    first, second = _as_floor(a), _as_floor(b)
    if first is None or second is None:
        return None
    gap = sympy.expand(first[0] - second[0])
    if not gap.is_number:
        return None
    low = int(sympy.floor(gap)) + first[1] - second[1]
    if low >= 0:
        return 1
    if low + 1 <= 0:
        return -1
    return None


def sign_of(value: Dim) -> int | None:
    """1 when ``value >= 0`` for every value of its symbols, -1 when ``<= 0``, else None (unknown).

    sympy cannot decide ``-N - 2*floor(-N/2) + 1 >= 0`` (the total of 'same' padding); relaxing
    the floors linearly makes the symbols cancel and leaves a number, which decides it."""
    concrete = as_int(value)
    if concrete is not None:
        return 1 if concrete >= 0 else -1
    import sympy

    lower = _bound(value, upper=False)
    if lower is not None:
        lower = sympy.expand(lower)
        if lower.is_number and lower >= 0:
            return 1
    higher = _bound(value, upper=True)
    if higher is not None:
        higher = sympy.expand(higher)
        if higher.is_number and higher <= 0:
            return -1
    return None


def maximum(a: Dim, b: Dim) -> Dim:
    """max(a, b); symbolic: the larger one when the bound of their difference decides it (no Max
    nested into every later size), else sympy's Max."""
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    import sympy

    decided = _compare(a, b)
    if decided is not None:
        return normalize(a if decided > 0 else b)
    return bounded(normalize(sympy.Max(a, b)))


def minimum(a: Dim, b: Dim) -> Dim:
    """min(a, b), decided like :func:`maximum` where the bounds allow."""
    if isinstance(a, int) and isinstance(b, int):
        return min(a, b)
    import sympy

    decided = _compare(a, b)
    if decided is not None:
        return normalize(b if decided > 0 else a)
    return bounded(normalize(sympy.Min(a, b)))


def _compare(a: Dim, b: Dim) -> int | None:
    """The sign of ``a - b`` where the bounds decide it (first as is, then with floors relaxed), else None."""
    decided = sign_of(a - b)
    return decided if decided is not None else _floor_sign(a, b)


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
