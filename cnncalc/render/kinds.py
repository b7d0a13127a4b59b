"""``cnncalc kinds``: every registry entry with its keys, aliases and example, as a table or JSON.

Everything is read from the entries themselves (:class:`~cnncalc.layers.base.LayerKind`)
and the format's key table (:data:`~cnncalc.arch.values.KEYS`), so a kind added to the
registry is listed without touching this module. Keys are shown in the order of the key
table, then any other key alphabetically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cnncalc.arch.values import KEY_SPELLINGS, KEYS

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cnncalc.layers.base import LayerKind

SCHEMA = "cnncalc.kinds/1"


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyInfo:
    """One key a kind takes: as written (``F``), its other spelling (``kernel``), and whether required."""

    name: str
    alias: str | None
    required: bool
    default: str | None  # what it means when left out, as written


@dataclass(frozen=True, kw_only=True, slots=True)
class KindInfo:
    """One registry entry as ``cnncalc kinds`` shows it."""

    name: str
    aliases: tuple[str, ...]
    summary: str
    keys: tuple[KeyInfo, ...]
    flags: tuple[str, ...]
    positional: str | None
    example: str  # the kind's own statement: the last line of the entry's example
    example_lines: tuple[str, ...]  # the whole example (earlier lines set up labels it uses)
    example_input: str


_KEY_ORDER = {key.name: index for index, key in enumerate(KEYS)}


def _key(name: str, required: bool, default: str | None) -> KeyInfo:
    definition = KEY_SPELLINGS.get(name)
    spellings = [] if definition is None else [s for s in (definition.name, definition.alias) if s and s != name]
    return KeyInfo(name=name, alias=spellings[0] if spellings else None, required=required, default=default)


def describe_kind(kind: LayerKind) -> KindInfo:
    keys = sorted(kind.keys | kind.required, key=lambda k: (_KEY_ORDER.get(k, len(_KEY_ORDER)), k))
    lines = tuple(line.strip() for line in kind.example.strip().splitlines() if line.strip())
    return KindInfo(
        name=kind.name,
        aliases=tuple(kind.aliases),
        summary=kind.summary,
        keys=tuple(_key(k, k in kind.required, dict(kind.defaults).get(k)) for k in keys),
        flags=tuple(sorted(kind.flags)),
        positional=None if kind.positional == "none" else kind.positional,
        example=lines[-1] if lines else "",
        example_lines=lines,
        example_input=kind.example_input,
    )


def describe_kinds(kinds: Iterable[LayerKind]) -> list[KindInfo]:
    """Every kind, in registry order."""
    return [describe_kind(kind) for kind in kinds]


def kinds_json(kinds: Iterable[KindInfo]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "kinds": [
            {
                "name": kind.name,
                "aliases": list(kind.aliases),
                "summary": kind.summary,
                "keys": [
                    {"name": k.name, "alias": k.alias, "required": k.required, "default": k.default} for k in kind.keys
                ],
                "flags": list(kind.flags),
                "positional": kind.positional,
                "example": kind.example,
                "example_lines": list(kind.example_lines),
                "example_input": kind.example_input,
            }
            for kind in kinds
        ],
    }


def _keys_text(kind: KindInfo) -> str:
    """``<units> K/filters* F/kernel* S/stride bias [ceil]``: ``*`` marks a required key."""
    words = [f"<{kind.positional}>"] if kind.positional else []
    for key in kind.keys:
        written = key.name + (f"/{key.alias}" if key.alias else "") + ("*" if key.required else "")
        words.append(written + (f"={key.default}" if key.default is not None else ""))
    words += [f"[{flag}]" for flag in kind.flags]
    return " ".join(words) or "—"


def render_kinds(kinds: Iterable[KindInfo]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from cnncalc.render.table import new_table

    table = new_table("cnncalc kinds — every layer kind", "kind|also|keys|example|what it is")
    for kind in kinds:
        cells = (kind.name, ", ".join(kind.aliases), _keys_text(kind), kind.example, kind.summary)
        table.add_row(*(Text(cell) for cell in cells))  # Text: '[ceil]' is not markup
    legend = (
        "keys: K/filters is K or its long name filters; * required; =value the default;"
        " [flag] a bare word; <units> a positional value"
    )
    return Group(table, Text(legend))
