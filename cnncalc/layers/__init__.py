"""The layer registry: every kind cnncalc knows, one declarative entry each.

Adding a kind means adding one :class:`~cnncalc.layers.base.LayerKind` to a family
module's ``KINDS`` (or a new module listed here) and its tests; the parser, the
analysis and the renderers read everything they need from the entry.
"""

from __future__ import annotations

import difflib

from cnncalc.layers import channels, conv, dense, elementwise, merge, norm, pool, resize
from cnncalc.layers.base import Computed, LayerContext, LayerKind
from cnncalc.model import Shape, Window

REGISTRY: dict[str, LayerKind] = {
    kind.name: kind
    for family in (conv, pool, dense, norm, elementwise, channels, resize, merge)
    for kind in family.KINDS
}

#: every accepted spelling (lower case) -> canonical name
SPELLINGS: dict[str, str] = {
    spelling: kind.name for kind in REGISTRY.values() for spelling in (kind.name, *(a.lower() for a in kind.aliases))
}


def lookup(spelling: str) -> LayerKind | None:
    """The kind for a spelling (case-insensitive: ``Conv2D`` is ``conv``), or None."""
    name = SPELLINGS.get(spelling.lower())
    return None if name is None else REGISTRY[name]


def suggest(spelling: str) -> str | None:
    """A kind the spelling is a typo of, for a "did you mean" hint: one letter added, dropped,
    changed or two swapped (``maxpol``, ``batchnrom``, ``leaky-relu``). Words that merely look alike
    do different things (``bilinear`` is not ``linear``, ``pad`` is not ``add``): no hint for them."""
    wanted = spelling.lower()
    close = [known for known in SPELLINGS if len(known) > 2 and _one_edit_apart(wanted, known)]
    if not close:
        return None
    return max(close, key=lambda known: (difflib.SequenceMatcher(None, wanted, known).ratio(), known))


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one (insertion, deletion, substitution, swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        first, second = diffs[0], diffs[-1]
        return len(diffs) == 2 and second == first + 1 and a[first] == b[second] and a[second] == b[first]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


__all__ = [
    "REGISTRY",
    "SPELLINGS",
    "Computed",
    "LayerContext",
    "LayerKind",
    "Shape",
    "Window",
    "lookup",
    "suggest",
]
