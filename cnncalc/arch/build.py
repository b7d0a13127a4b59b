"""Turn one statement's tokens into a :class:`LayerSpec` — shared by the text and JSON readers."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from cnncalc.arch.values import (
    IDENTIFIER,
    KEY_SPELLINGS,
    KEYS,
    UNIVERSAL_FLAGS,
    UNIVERSAL_KEYS,
    Where,
    read_dims,
    read_int,
    read_label,
)
from cnncalc.layers import lookup, suggest
from cnncalc.layers.base import LayerKind
from cnncalc.model import LayerSpec

_KEY_ORDER = tuple(key.name for key in KEYS if key.name not in UNIVERSAL_KEYS)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a statement; ``synthetic`` ones (built from JSON) point at their object as a whole."""

    text: str
    column: int
    synthetic: bool = False


def _allowed_keys(kind: LayerKind) -> list[str]:
    return [k for k in _KEY_ORDER if k in kind.keys] + list(UNIVERSAL_KEYS)


def build_layer(source: str, line: int, label: Token | None, kind_token: Token, args: list[Token]) -> LayerSpec:
    """Validate names and values of one layer statement; every error points at its token."""

    def where(token: Token, offset: int = 0) -> Where:
        return Where(source, line, token.column + (0 if token.synthetic else offset))

    kind = lookup(kind_token.text)
    if kind is None:
        close = suggest(kind_token.text)
        hint = f"did you mean '{close}'?" if close else "see 'cnncalc kinds' for the list"
        raise where(kind_token).error(f"unknown layer kind '{kind_token.text}'", hint=hint)

    fields: dict[str, Any] = {}
    columns: dict[str, int] = {"kind": kind_token.column}
    operands: list[str] = []
    allowed = _allowed_keys(kind)
    for token in args:
        key_text, equals, value = token.text.partition("=")
        if equals:
            key = KEY_SPELLINGS.get(key_text)
            if key is None:
                spellings = [k for k in KEY_SPELLINGS if KEY_SPELLINGS[k].name in allowed]
                matches = [k for k in spellings if k.lower() == key_text.lower()] or difflib.get_close_matches(
                    key_text, spellings, n=1, cutoff=0.5
                )
                hint = f"did you mean '{matches[0]}'?" if matches else f"{kind.name} takes {', '.join(allowed)}"
                raise where(token).error(f"unknown key '{key_text}' for {kind.name}", hint=hint)
            if key.name not in allowed:
                raise where(token).error(
                    f"{kind.name} does not take {key.name}" + (f" ({key.alias})" if key.alias else ""),
                    hint=f"{kind.name} takes {', '.join(allowed)}",
                )
            if key.name in columns:
                raise where(token).error(f"{key.name} is given twice")
            if not value:
                raise where(token).error(f"{key.name}= has no value")
            fields[key.field] = key.read(value, where(token, len(key_text) + 1))
            columns[key.name] = token.column
        elif token.text in kind.flags or token.text in UNIVERSAL_FLAGS:
            if token.text in columns:
                raise where(token).error(f"{token.text} is given twice")
            fields[token.text] = True
            columns[token.text] = token.column
        elif kind.positional == "units" and "units" not in fields:
            fields["units"] = read_int(token.text, where(token), what=f"the unit count of {kind.name}", minimum=1)
            columns["N"] = token.column
        elif kind.positional == "sizes" and "units_per_dim" not in fields:
            fields["units_per_dim"] = read_dims(
                token.text, where(token), what=f"the output size of {kind.name}", minimum=1
            )
            columns["N"] = token.column
        elif kind.positional == "factor" and "factor" not in fields:
            fields["factor"] = (read_int(token.text, where(token), what=f"the factor of {kind.name}", minimum=1),)
            columns["N"] = token.column
        elif kind.positional == "operands" and IDENTIFIER.match(token.text):
            operands.append(token.text)
            columns.setdefault("operands", token.column)
            columns[f"operand{len(operands)}"] = token.column
        else:
            raise where(token).error(f"unexpected '{token.text}' after {kind_token.text}", hint=_usage(kind))

    for name in sorted(kind.required):
        if KEY_SPELLINGS[name].field not in fields:
            alias = KEY_SPELLINGS[name].alias
            raise where(kind_token).error(
                f"{kind.name} needs {name}" + (f" ({alias})" if alias else ""), hint=_usage(kind)
            )
    if kind.positional == "sizes" and "units_per_dim" not in fields:
        raise where(kind_token).error(f"{kind.name} needs its output size", hint=_usage(kind))
    if kind.positional == "units" and "units" not in fields:
        raise where(kind_token).error(f"{kind.name} needs its number of units", hint=_usage(kind))
    if kind.positional == "factor" and "factor" not in fields:
        raise where(kind_token).error(f"{kind.name} needs its factor", hint=_usage(kind))
    if "target" in fields:  # crop to=LABEL: the label's output is an input of the layer
        operands.append(fields["target"])
        columns["operand1"] = columns["to"]
    if kind.positional == "operands" and not operands:
        raise where(kind_token).error(f"{kind.name} needs the labels of the outputs to join", hint=_usage(kind))

    return LayerSpec(
        line=line,
        column=kind_token.column,
        kind=kind.name,
        written_kind=kind_token.text,
        label=None if label is None else read_label(label.text, where(label)),
        operands=tuple(operands),
        columns=columns,
        text=" ".join([*([f"{label.text}:"] if label else []), kind_token.text, *(t.text for t in args)]),
        **fields,
    )


def _usage(kind: LayerKind) -> str:
    if kind.positional == "units":
        return f"write e.g. '{kind.name} 128'"
    if kind.positional == "operands":
        return f"write e.g. '{kind.name} shortcut' after 'shortcut: ...' was defined"
    if kind.positional == "sizes":
        return f"write e.g. '{kind.name} 7' (or '7x7')"
    if kind.positional == "factor" or kind.required:
        return f"write e.g. '{kind.example.splitlines()[-1]}'"
    return f"{kind.name} takes " + ", ".join(f"{k}=..." for k in _allowed_keys(kind))
