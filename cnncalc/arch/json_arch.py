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

import json
import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from cnncalc.arch import reader as text_reader
from cnncalc.arch.build import Token, build_layer
from cnncalc.arch.reader import MAX_DEPTH, parse_dims
from cnncalc.arch.values import IDENTIFIER, UNIVERSAL_FLAGS, Where, read_int
from cnncalc.dims import paused_gc
from cnncalc.errors import ArchError, Location
from cnncalc.layers import REGISTRY, lookup
from cnncalc.model import Arch, Block, InputSpec, LayerSpec, Node, Repeat

_WS = re.compile(r"[ \t\n\r]*")
_STRING = r'"(?:[^"\\\n]|\\.)*"'
#: an object with no object inside (lists of values nest two deep at most): a layer, read in one go
_FLAT = re.compile(
    r"\{(?:[^{}\[\]\"]|" + _STRING + r"|\[(?:[^{}\[\]\"]|" + _STRING + r"|\[(?:[^{}\[\]\"]|" + _STRING + r")*\])*\])*\}"
)
_CONTAINERS = ("repeat", "block")
#: the columns of a layer object met again elsewhere (never mutated; see LayerSpec.column_of)
_AT_THE_OBJECT: dict[str, int] = {}
_MEMO_FIELDS = tuple(f.name for f in fields(LayerSpec) if f.name not in ("line", "column", "columns"))
#: every flag of some kind (``"ceil": true``); whether this kind takes it is checked as for text
_FLAGS = frozenset(UNIVERSAL_FLAGS).union(*(kind.flags for kind in REGISTRY.values()))


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key '{key}' is given twice")
        result[key] = value
    return result


#: the C scanner (no position per object is needed: objects are located by the walk below)
_SCAN = json.JSONDecoder(object_pairs_hook=_pairs).scan_once  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Walked:
    """A repeat's or block's body, read while its object was: ``factor`` is the repeat count it was
    counted with, ``shared`` whether its labels went to the enclosing scope, ``executed`` the layers it added."""

    body: tuple[Node, ...]
    factor: int
    shared: bool
    labels: frozenset[str]
    executed: int


_Walk = Callable[[dict[str, Any], int], tuple[_Walked, int]]


def _positional_size(kind: str) -> bool:
    """``"size"`` is the output size of adaptive pooling, but a key of ``upsample``."""
    entry = lookup(kind)
    return entry is None or entry.positional == "sizes"


class _Reader:
    """One walk over the document, never building it whole.

    Layers are read as they come, each layer object at most once per distinct text (a repeated
    object is the same layer at another place), counting executed layers (each layer counts the
    product of its enclosing repeat counts) and refusing at the layer that passes the limit, as
    the text form does. Values inside a layer go through the C decoder, whose recursion limit
    turns deep nesting into one error; repeats and blocks nest at most ``MAX_DEPTH`` deep.
    """

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.executed = 0
        #: the text form's limit on executed layers, met at the layer that passes it
        self.limit = text_reader.MAX_LAYERS
        #: a layer object's text -> its layer's fields (all but its place) and columns
        self.memo: dict[str, tuple[dict[str, Any], dict[str, int]]] = {}
        # line bookkeeping for offsets met in increasing order: the line and the offset its line starts at
        self._mark = 0
        self._line = 1
        self._line_start = 0

    # --- positions and JSON errors

    def where_at(self, offset: int) -> Where:
        text = self.text
        if offset >= self._mark:
            newlines = text.count("\n", self._mark, offset)
            if newlines:
                self._line += newlines
                self._line_start = text.rfind("\n", self._mark, offset) + 1
            self._mark = offset
            return Where(self.source, self._line, offset - self._line_start + 1)
        line = text.count("\n", 0, offset) + 1
        return Where(self.source, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)

    def invalid(self, message: str, offset: int) -> ArchError:
        here = self.where_at(min(offset, len(self.text)))
        return ArchError(
            f"invalid JSON: {message}", location=Location(source=self.source, line=here.line, column=here.column)
        )

    def ws(self, offset: int) -> int:
        return _WS.match(self.text, offset).end()  # type: ignore[union-attr]

    def value(self, offset: int) -> tuple[Any, int]:
        """One JSON value at ``offset`` (after whitespace), decoded by the C scanner."""
        try:
            return _SCAN(self.text, offset)  # type: ignore[no-any-return]
        except StopIteration as stop:
            raise self.invalid("Expecting value", stop.value) from None
        except json.JSONDecodeError as error:
            raise self.invalid(error.msg, error.pos) from None
        except RecursionError:
            here = self.where_at(offset)
            raise ArchError(
                "JSON nests too deeply", location=Location(source=self.source, line=here.line, column=here.column)
            ) from None
        except ValueError as error:  # a duplicate key, from _pairs
            raise self.invalid(str(error), offset) from None

    def expect(self, offset: int, char: str, message: str) -> int:
        offset = self.ws(offset)
        if self.text[offset : offset + 1] != char:
            raise self.invalid(message, offset)
        return offset + 1

    # --- the document

    def members(self, offset: int, walk: _Walk | None) -> tuple[dict[str, Any], int]:
        """The members of the object at ``offset``; a list under ``"layers"`` is read by ``walk``
        (given the members before it) as it comes, never decoded whole."""
        text = self.text
        result: dict[str, Any] = {}
        offset = self.ws(offset + 1)
        if text[offset : offset + 1] == "}":
            return result, offset + 1
        while True:
            if text[offset : offset + 1] != '"':
                raise self.invalid("Expecting property name enclosed in double quotes", offset)
            try:
                key, offset = json.decoder.scanstring(text, offset + 1)  # type: ignore[attr-defined]
            except json.JSONDecodeError as error:
                raise self.invalid(error.msg, error.pos) from None
            offset = self.ws(self.expect(offset, ":", "Expecting ':' delimiter"))
            if key in result:
                raise self.invalid(f"key '{key}' is given twice", offset)
            if key == "layers" and walk is not None and text[offset : offset + 1] == "[":
                result[key], offset = walk(result, offset)
            else:
                result[key], offset = self.value(offset)
            offset = self.ws(offset)
            char = text[offset : offset + 1]
            if char == "}":
                return result, offset + 1
            if char != ",":
                raise self.invalid("Expecting ',' delimiter", offset)
            offset = self.ws(offset + 1)

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

    def layers(
        self, offset: int, where: Where, factor: int, depth: int, labels: set[str]
    ) -> tuple[tuple[Node, ...], int]:
        """The list at ``offset`` (a ``[``), layer by layer; ``labels`` is its scope (a named block shares
        the enclosing one), ``factor`` the product of the enclosing repeat counts."""
        if depth > MAX_DEPTH:
            raise where.error(f"repeat blocks nest deeper than {MAX_DEPTH}")
        text = self.text
        nodes: list[Node] = []
        offset = self.ws(offset + 1)
        if text[offset : offset + 1] == "]":
            return (), offset + 1
        while True:
            offset = self.element(offset, where, factor, depth, labels, nodes)
            offset = self.ws(offset)
            char = text[offset : offset + 1]
            if char == "]":
                return tuple(nodes), offset + 1
            if char != ",":
                raise self.invalid("Expecting ',' delimiter", offset)
            offset = self.ws(offset + 1)

    def element(self, offset: int, where: Where, factor: int, depth: int, labels: set[str], nodes: list[Node]) -> int:
        """One entry of a ``layers`` list, appended to ``nodes``; returns the offset after it."""
        text = self.text
        if text[offset : offset + 1] != "{":
            entry, _ = self.value(offset)
            raise where.error(f"a layer must be an object, got {json.dumps(entry)[:40]}")
        here = self.where_at(offset)
        flat = _FLAT.match(text, offset)
        if flat is not None:
            known = self.memo.get(flat.group())
            if known is not None:  # the same object as before: the same layer, at another place
                fields, columns = known
                if next(iter(columns.values())) != here.column:
                    # every member of a JSON object points at the object: column_of() falls back to it
                    columns = _AT_THE_OBJECT
                layer = LayerSpec(line=here.line, column=here.column, columns=columns, **fields)
                self.append(layer, here, factor, labels, nodes)
                return flat.end()
        item: dict[str, Any] | None = None
        if flat is not None:  # no object inside: decoded in one call, unless it is a (broken) repeat or block
            item, end = self.value(offset)
            if item.get("kind") in _CONTAINERS:
                item = None
        if item is None:
            item, end = self.members(offset, self.walker(here, factor, depth, labels))
        kind = item.get("kind")
        if not isinstance(kind, str):
            raise here.error('a layer object needs a "kind" string', hint='e.g. {"kind": "conv", "K": 32, "F": 3}')
        if kind in _CONTAINERS:
            nodes.append(self.container(item, kind, here, factor, labels))
            return end
        if kind == "input":
            raise here.error("'input' must be the first entry, and given once")
        layer = self.layer(item, kind, here)
        if flat is not None and flat.end() == end and layer.label is None:  # a label is written once per scope
            self.memo[flat.group()] = ({name: getattr(layer, name) for name in _MEMO_FIELDS}, layer.columns)
        self.append(layer, here, factor, labels, nodes)
        return end

    def append(self, layer: LayerSpec, here: Where, factor: int, labels: set[str], nodes: list[Node]) -> None:
        """Count the layer (refused at the one past the limit, as in the text form) and check its label."""
        self.executed += factor
        if self.executed > self.limit:
            raise here.error(
                f"with this layer the architecture unrolls to more than {self.limit:,} layers, "
                "the most cnncalc handles",
                hint="the limit is fixed; check the repeat counts",
            )
        if layer.label is not None:
            if layer.label in labels:
                raise here.error(f"label '{layer.label}' is already defined in this scope")
            labels.add(layer.label)
        nodes.append(layer)

    def walker(self, here: Where, factor: int, depth: int, labels: set[str]) -> _Walk:
        """How a ``"layers"`` list met inside the object at ``here`` is read: with its repeat count and
        scope when they came before it, else counted once in a scope of its own and settled in :meth:`container`."""

        def walk(members: dict[str, Any], offset: int) -> tuple[_Walked, int]:
            kind = members.get("kind")
            count = 1
            if kind == "repeat" and "count" in members:
                count = self.count(members, here)
            shared = kind == "block"
            scope = labels if shared else set()
            before = self.executed
            body, end = self.layers(offset, here, factor * count, depth + 1, scope)
            return _Walked(body, count, shared, frozenset(scope), self.executed - before), end

        return walk

    def count(self, members: dict[str, Any], here: Where) -> int:
        return read_int(self.value_text("count", members.get("count"), here), here, what="repeat count", minimum=1)

    def container(self, item: dict[str, Any], kind: str, here: Where, factor: int, labels: set[str]) -> Node:
        """A repeat or a block, its body already read (:meth:`walker`)."""
        walked = item.get("layers")
        if kind == "repeat":
            unknown = set(item) - {"kind", "count", "layers"}
            if unknown:
                raise here.error(f"repeat takes count and layers, not {sorted(unknown)[0]}")
            count = self.count(item, here)
            if not isinstance(walked, _Walked):
                raise here.error("'layers' must be a list of layer objects")
            if walked.factor != count:  # the count came after the layers: they were counted once
                self.executed += walked.executed * (count - 1)
                if self.executed > self.limit:
                    raise here.error(
                        f"with this repeat the architecture unrolls to more than {self.limit:,} layers, "
                        "the most cnncalc handles",
                        hint="the limit is fixed; check the repeat counts",
                    )
            if not walked.body:
                raise here.error("repeat block is empty")
            return Repeat(line=here.line, column=here.column, count=count, body=walked.body)
        unknown = set(item) - {"kind", "name", "layers"}
        if unknown:
            raise here.error(f"block takes name and layers, not {sorted(unknown)[0]}")
        name = item.get("name")
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            raise here.error(
                f"a block needs a name of letters, digits and '_', got {json.dumps(name)}",
                hint='e.g. {"kind": "block", "name": "layer1", "layers": [...]}',
            )
        if not isinstance(walked, _Walked):
            raise here.error("'layers' must be a list of layer objects")
        if not walked.shared:  # the kind came after the layers: their labels join the enclosing scope now
            for label in sorted(walked.labels):
                if label in labels:
                    raise here.error(f"label '{label}' is already defined in this scope")
                labels.add(label)
        if not walked.body:
            raise here.error(f"block '{name}' is empty")
        return Block(line=here.line, column=here.column, count=1, body=walked.body, name=name)

    def layer(self, item: dict[str, Any], kind: str, here: Where) -> LayerSpec:
        args: list[Token] = []
        label = None
        for key, value in item.items():
            if key == "kind":
                continue
            if isinstance(value, _Walked):
                raise here.error(f"bad value for '{key}': a list of layers", hint="only repeat and block take layers")
            if key == "label":
                label = Token(self.value_text(key, value, here), here.column, synthetic=True)
            elif key in ("N", "units") or (key == "size" and _positional_size(kind)):
                args.append(Token(self.value_text(key, value, here), here.column, synthetic=True))
            elif key == "inputs":
                names = value if isinstance(value, list) else [value]
                args.extend(Token(self.value_text(key, name, here), here.column, synthetic=True) for name in names)
            elif key in _FLAGS:
                if value is True:
                    args.append(Token(key, here.column, synthetic=True))
                elif value is not False:
                    raise here.error(f"{key} must be true or false")
            else:
                args.append(Token(f"{key}={self.value_text(key, value, here)}", here.column, synthetic=True))
        return build_layer(self.source, here.line, label, Token(kind, here.column, synthetic=True), args)

    def document(self) -> Arch:
        text = self.text
        offset = self.ws(0)
        top = self.where_at(offset)
        input_value: Any = None
        input_where = top
        body: tuple[Node, ...] = ()
        if text[offset : offset + 1] == "{":

            def walk(members: dict[str, Any], start: int) -> tuple[_Walked, int]:
                nodes, end = self.layers(start, top, 1, 0, set())
                return _Walked(nodes, 1, False, frozenset(), 0), end

            document, end = self.members(offset, walk)
            unknown = set(document) - {"input", "layers"}
            if unknown or "input" not in document:
                raise top.error(
                    'a JSON architecture object has keys "input" and "layers"',
                    hint='e.g. {"input": "32x32x1", "layers": [...]}',
                )
            input_value = document["input"]
            walked = document.get("layers", _Walked((), 1, False, frozenset(), 0))
            if not isinstance(walked, _Walked):
                raise top.error("'layers' must be a list of layer objects")
            body = walked.body
        else:
            end, first = offset, None
            if text[offset : offset + 1] == "[":
                after = self.ws(offset + 1)
                if text[after : after + 1] == "{":
                    first, end = self.value(after)
            if not (isinstance(first, dict) and first.get("kind") == "input"):
                if first is None:
                    self.value(offset)  # invalid JSON is reported as such
                raise top.error(
                    'a JSON architecture is a list starting with {"kind": "input", "shape": ...} '
                    'or an object with "input" and "layers"'
                )
            input_where = self.where_at(after)
            input_value = first.get("shape", first.get("dims"))
            end = self.ws(end)
            if text[end : end + 1] == ",":
                if text[self.ws(end + 1) : self.ws(end + 1) + 1] == "]":
                    raise self.invalid("Expecting value", self.ws(end + 1))
                # the rest of the list is the layers: walked as a "layers" list from the comma
                body, end = self.layers(end, top, 1, 0, set())
            else:
                end = self.expect(end, "]", "Expecting ',' delimiter")
        end = self.ws(end)
        if end != len(text):
            raise self.invalid("Extra data", end)
        dims = parse_dims(self.value_text("input", input_value, input_where), input_where)
        return Arch(source=self.source, input=InputSpec(line=dims.line, column=dims.column, dims=dims.dims), body=body)


def parse_json(text: str, source: str) -> Arch:
    """A JSON architecture, walked once: at most ``reader.MAX_LAYERS`` layers, refused at the layer past it."""
    reader = _Reader(text, source)
    with paused_gc():
        try:
            return reader.document()
        except RecursionError:  # repeats stop at MAX_DEPTH first; this only guards a lowered recursion limit
            raise ArchError("JSON nests too deeply", location=Location(source=source, line=1, column=1)) from None
