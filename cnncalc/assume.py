"""``--assume "N % 32 == 0"``: facts about the input's symbols that let floors simplify.

Each symbol's assumptions become one arithmetic progression, ``N = m*k + c`` with a fresh
positive integer ``k`` (``N % 32 == 0`` gives ``N = 32*k``; adding ``N >= 64`` gives
``N = 32*k + 32``). The pipeline runs on ``k``, where sympy can resolve
``floor(32*k/2) = 16*k``; the report is then restated in ``N`` (``N/2``). The
assumptions are read with regular expressions over a tiny grammar, never evaluated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from cnncalc.dims import Dim, normalize, symbol
from cnncalc.errors import UsageError
from cnncalc.progression import Progression as Progression  # re-exported: the readers of --assume use it
from cnncalc.progression import parameter_name as parameter_name

if TYPE_CHECKING:
    from cnncalc.analysis import Report
    from cnncalc.receptive import Field, FieldState

#: numbers in a fact have at most 1,000 ASCII digits (cnncalc.limits.MAX_DIGITS); longer ones are not read
_MODULO = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:%|\bmod\b)\s*([0-9]{1,1000})\s*==?\s*([0-9]{1,1000})\Z")
_BOUND = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(>=|>)\s*([0-9]{1,1000})\Z")
_SPLIT = re.compile(r"\s*(?:,|;|\band\b)\s*")
#: combined moduli beyond this are refused (the residue is found by trying each one)
MAX_MODULUS = 10**6
_HINT = "write e.g. --assume 'N % 32 == 0' or --assume 'N >= 64' (several joined by ',' or 'and')"


def parse_assumptions(texts: Iterable[str], symbols: Iterable[str]) -> dict[str, Progression]:
    """Read ``--assume`` clauses about the input's symbols into one progression per symbol."""
    known = set(symbols)
    residues: dict[str, list[tuple[int, int]]] = {}
    lower: dict[str, int] = {}
    for text in texts:
        for clause in (c for c in _SPLIT.split(text.strip()) if c):
            modulo, bound = _MODULO.match(clause), _BOUND.match(clause)
            match = modulo or bound
            if match is None:
                raise UsageError(f"--assume {text[:60]!r}: cannot read '{clause[:60]}'", hint=_HINT)
            name = match.group(1)
            if name not in known:
                have = ", ".join(sorted(known)) or "none (the input is numeric)"
                raise UsageError(
                    f"--assume {text[:60]!r}: '{name}' is not a symbol of the input", hint=f"its symbols: {have}"
                )
            if modulo is not None:
                modulus, remainder = int(modulo.group(2)), int(modulo.group(3))
                if modulus < 1 or remainder >= modulus:
                    raise UsageError(f"--assume {text[:60]!r}: need {name} % M == R with M >= 1 and 0 <= R < M")
                residues.setdefault(name, []).append((modulus, remainder))
            else:
                assert bound is not None
                least = int(bound.group(3)) + (1 if bound.group(2) == ">" else 0)
                lower[name] = max(lower.get(name, 1), least)
    return {
        name: _progression(name, residues.get(name, []), lower.get(name, 1)) for name in residues.keys() | lower.keys()
    }


def _progression(name: str, residues: list[tuple[int, int]], least: int) -> Progression:
    modulus = math.lcm(*(m for m, _ in residues)) if residues else 1
    if modulus > MAX_MODULUS:
        raise UsageError(f"--assume: the moduli of {name} combine to {modulus}, more than cnncalc handles")
    remainder = next((r for r in range(modulus) if all(r % m == want for m, want in residues)), None)
    if remainder is None:
        raise UsageError(f"--assume: the conditions on {name} contradict each other (no value meets them all)")
    first = least + (remainder - least) % modulus
    return Progression(modulus=modulus, offset=first - modulus)


def restater(progressions: Mapping[str, Progression]) -> Callable[[Dim], Dim]:
    """``k_N -> (N - c)/m`` on any size, cached (the same expressions recur layer after layer)."""
    import sympy

    mapping = {
        symbol(parameter_name(name)): (symbol(name) - p.offset) / sympy.Integer(p.modulus)
        for name, p in progressions.items()
    }
    cache: dict[object, Dim] = {}

    def dim(value: Dim) -> Dim:
        if isinstance(value, int):
            return value
        known = cache.get(value)
        if known is None:
            known = cache[value] = normalize(value.subs(mapping))
        return known

    return dim


#: a row's field state, or the totals' field (None before any local layer)
_State = TypeVar("_State", "FieldState", "Field | None")


def restate(report: Report, progressions: Mapping[str, Progression]) -> Report:
    """Rewrite a report computed in the ``k`` parameters back in the user's symbols.

    For showing (tables, JSON): each row's ``computed`` stays in ``k``; the working is
    made from the report itself, restated line by line (:func:`restater`)."""
    from cnncalc.analysis import Totals
    from cnncalc.model import Shape
    from cnncalc.receptive import Field

    dim = restater(progressions)

    def shape(value: Shape) -> Shape:
        return Shape(spatial=tuple(dim(d) for d in value.spatial), channels=dim(value.channels))

    def field(value: _State) -> _State:
        if isinstance(value, Field):
            return replace(value, padding=tuple(dim(p) for p in value.padding))
        return value

    rows = []
    for row in report.rows:
        window = row.window
        if window is not None:
            window = replace(window, padding=tuple((dim(a), dim(b)) for a, b in window.padding))
        rows.append(
            replace(
                row,
                input_shape=shape(row.input_shape),
                output_shape=shape(row.output_shape),
                inputs=tuple(shape(s) for s in row.inputs),
                window=window,
                trainable_params=dim(row.trainable_params),
                non_trainable_params=dim(row.non_trainable_params),
                macs=dim(row.macs),
                activations=dim(row.activations),
                receptive_field=field(row.receptive_field),
            )
        )
    totals = report.totals
    new_totals = Totals(
        trainable_params=dim(totals.trainable_params),
        non_trainable_params=dim(totals.non_trainable_params),
        macs=dim(totals.macs),
        activations=dim(totals.activations),
        output_shape=shape(totals.output_shape),
        receptive_field=field(totals.receptive_field),
        outputs=tuple(shape(s) for s in totals.outputs),
    )
    return replace(report, input_shape=shape(report.input_shape), rows=tuple(rows), totals=new_totals)
