"""The layer registry: every kind cnncalc knows, one declarative entry each.

Adding a kind means adding one :class:`~cnncalc.layers.base.LayerKind` to a family
module's ``KINDS`` (or a new module listed here) and its tests; the parser, the
analysis and the renderers read everything they need from the entry.
"""

from __future__ import annotations

import difflib

from cnncalc.layers import conv, dense, elementwise, merge, pool
from cnncalc.layers.base import Computed, LayerContext, LayerKind
from cnncalc.model import Shape, Window

REGISTRY: dict[str, LayerKind] = {
    kind.name: kind for family in (conv, pool, dense, elementwise, merge) for kind in family.KINDS
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
    """The closest known kind, for a "did you mean" hint."""
    close = difflib.get_close_matches(spelling.lower(), list(SPELLINGS), n=1, cutoff=0.6)
    return close[0] if close else None


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
