"""JSON architectures: the same layers as the text form, as objects.

Accepted documents::

    {"input": "224x224x3", "layers": [{"kind": "conv", "K": 64, "F": 7, "S": 2, "P": 3}, ...]}
    [{"kind": "input", "shape": [32, 32, 1]}, {"kind": "conv", "filters": 6, "kernel": 5}, ...]

Values may be numbers, strings in the text syntax (``"3x5"``, ``"same"``, ``"0:1"``), or
lists (one entry per dim; ``[[0, 1], [1, 0]]`` for per-dim ``start:end`` padding).
``fc`` takes ``"N"`` (or ``"units"``), ``add``/``concat`` take ``"inputs"``, blocks are
``{"kind": "repeat", "count": 3, "layers": [...]}`` and ``{"kind": "block", "name": "layer1",
"layers": [...]}`` (a named group, not a label scope, as in the text form). Every object is converted to the
same tokens the text reader builds, so both forms share one validation path and
errors point at the object's line and column.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from typing import Any

from cnncalc.arch.build import Token, build_layer
from cnncalc.arch.reader import MAX_DEPTH, MAX_LAYERS, count_layers, parse_dims
from cnncalc.arch.values import IDENTIFIER, UNIVERSAL_FLAGS, Where, read_int
from cnncalc.errors import ArchError, Location
from cnncalc.layers import REGISTRY, lookup
from cnncalc.model import Arch, Block, InputSpec, Node, Repeat


class _Located(dict[str, Any]):
    offset: int = 0


def _decode(text: str, source: str) -> Any:
    decoder = json.JSONDecoder(object_pairs_hook=_pairs)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        value.offset = s_and_end[1] - 1
        return value, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    # the C scanner would skip parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as error:
        raise ArchError(
            f"invalid JSON: {error.msg}", location=Location(source=source, line=error.lineno, column=error.colno)
        ) from None
    except RecursionError:
        raise ArchError("JSON nests too deeply", location=Location(source=source, line=1, column=1)) from None


def _pairs(pairs: list[tuple[str, Any]]) -> _Located:
    result = _Located()
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key '{key}' is given twice")
        result[key] = value
    return result


def _positional_size(kind: str) -> bool:
    """``"size"`` is the output size of adaptive pooling, but a key of ``upsample``."""
    entry = lookup(kind)
    return entry is None or entry.positional == "sizes"


def _is_flag(key: str) -> bool:
    """A flag of some kind (``"ceil": true``); whether this kind takes it is checked as for text."""
    return key in UNIVERSAL_FLAGS or any(key in kind.flags for kind in REGISTRY.values())


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def where(self, obj: Any) -> Where:
        offset = obj.offset if isinstance(obj, _Located) else 0
        line = bisect.bisect_right(self.line_starts, offset)
        return Where(self.source, line, offset - self.line_starts[line - 1] + 1)

    def value_text(self, key: str, value: Any, where: Where) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, str):
            return value
        if isinstance(value, list) and value:
            parts = []
            for item in value:
                if isinstance(item, list) and len(item) == 2:
                    parts.append(f"{self.value_text(key, item[0], where)}:{self.value_text(key, item[1], where)}")
                elif isinstance(item, (int, str)) and not isinstance(item, bool):
                    parts.append(str(item))
                else:
                    raise where.error(f"bad value for '{key}': {json.dumps(item)}")
            return "x".join(parts)
        raise where.error(
            f"bad value for '{key}': {json.dumps(value)}", hint="use a number, a string or a list of numbers"
        )

    def layers(self, items: Any, where: Where, depth: int, labels: set[str] | None = None) -> tuple[Node, ...]:
        """The nodes of a list; ``labels`` are those of the enclosing scope (a named block shares them)."""
        if not isinstance(items, list):
            raise where.error("'layers' must be a list of layer objects")
        if depth > MAX_DEPTH:
            raise where.error(f"repeat blocks nest deeper than {MAX_DEPTH}")
        nodes: list[Node] = []
        labels = set() if labels is None else labels
        for item in items:
            here = self.where(item) if isinstance(item, _Located) else where
            if not isinstance(item, dict):
                raise here.error(f"a layer must be an object, got {json.dumps(item)[:40]}")
            kind = item.get("kind")
            if not isinstance(kind, str):
                raise here.error('a layer object needs a "kind" string', hint='e.g. {"kind": "conv", "K": 32, "F": 3}')
            if kind == "repeat":
                unknown = set(item) - {"kind", "count", "layers"}
                if unknown:
                    raise here.error(f"repeat takes count and layers, not {sorted(unknown)[0]}")
                count = read_int(
                    self.value_text("count", item.get("count"), here), here, what="repeat count", minimum=1
                )
                body = self.layers(item.get("layers"), here, depth + 1)
                if not body:
                    raise here.error("repeat block is empty")
                nodes.append(Repeat(line=here.line, column=here.column, count=count, body=body))
                continue
            if kind == "block":
                unknown = set(item) - {"kind", "name", "layers"}
                if unknown:
                    raise here.error(f"block takes name and layers, not {sorted(unknown)[0]}")
                name = item.get("name")
                if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
                    raise here.error(
                        f"a block needs a name of letters, digits and '_', got {json.dumps(name)}",
                        hint='e.g. {"kind": "block", "name": "layer1", "layers": [...]}',
                    )
                body = self.layers(item.get("layers"), here, depth + 1, labels)
                if not body:
                    raise here.error(f"block '{name}' is empty")
                nodes.append(Block(line=here.line, column=here.column, count=1, body=body, name=name))
                continue
            if kind == "input":
                raise here.error("'input' must be the first entry, and given once")
            args: list[Token] = []
            label = None
            for key, value in item.items():
                if key == "kind":
                    continue
                if key == "label":
                    label = Token(self.value_text(key, value, here), here.column, synthetic=True)
                elif key in ("N", "units") or (key == "size" and _positional_size(kind)):
                    args.append(Token(self.value_text(key, value, here), here.column, synthetic=True))
                elif key == "inputs":
                    names = value if isinstance(value, list) else [value]
                    args.extend(Token(self.value_text(key, name, here), here.column, synthetic=True) for name in names)
                elif _is_flag(key):
                    if value is True:
                        args.append(Token(key, here.column, synthetic=True))
                    elif value is not False:
                        raise here.error(f"{key} must be true or false")
                else:
                    args.append(Token(f"{key}={self.value_text(key, value, here)}", here.column, synthetic=True))
            layer = build_layer(self.source, here.line, label, Token(kind, here.column, synthetic=True), args)
            if layer.label is not None:
                if layer.label in labels:
                    raise here.error(f"label '{layer.label}' is already defined in this scope")
                labels.add(layer.label)
            nodes.append(layer)
        return tuple(nodes)


def parse_json(text: str, source: str) -> Arch:
    try:
        document = _decode(text, source)
    except ValueError as error:  # a duplicate key from _pairs
        raise ArchError(f"invalid JSON: {error}", location=Location(source=source, line=1, column=1)) from None
    reader = _Reader(text, source)
    top = reader.where(document)
    if isinstance(document, dict):
        unknown = set(document) - {"input", "layers"}
        if unknown or "input" not in document:
            raise top.error(
                'a JSON architecture object has keys "input" and "layers"',
                hint='e.g. {"input": "32x32x1", "layers": [...]}',
            )
        input_value, layers, input_where = document["input"], document.get("layers", []), top
    elif (
        isinstance(document, list) and document and isinstance(document[0], dict) and document[0].get("kind") == "input"
    ):
        first = document[0]
        input_where = reader.where(first)
        input_value = first.get("shape", first.get("dims"))
        layers = document[1:]
    else:
        raise top.error(
            'a JSON architecture is a list starting with {"kind": "input", "shape": ...} '
            'or an object with "input" and "layers"'
        )
    dims = parse_dims(reader.value_text("input", input_value, input_where), input_where)
    body = reader.layers(layers, top, 0)
    if count_layers(body) > MAX_LAYERS:
        raise top.error(f"this architecture unrolls to more than {MAX_LAYERS:,} layers", hint="check the repeat counts")
    return Arch(source=source, input=InputSpec(line=dims.line, column=dims.column, dims=dims.dims), body=body)
