"""The ``.arch`` text format -> :class:`Arch`.

Line oriented: ``#`` starts a comment; ``{`` and ``}`` are tokens of their own, so
``repeat 2 { relu }`` fits on one line. ``block NAME { ... }`` groups lines under a name
(a grouping for the summary, not a label scope: see :class:`cnncalc.model.Block`).
No recursion: nested blocks are kept on an explicit stack, so depth and length are limited only by the checks below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from cnncalc.arch.build import Token, build_layer
from cnncalc.arch.values import IDENTIFIER, Where, read_int
from cnncalc.dims import paused_gc
from cnncalc.errors import ArchError, Location
from cnncalc.model import Arch, Block, InputSpec, LayerSpec, Node, Repeat
from cnncalc.records import replacer

_TOKEN = re.compile(r"[{}]|[^\s{}]+")
MAX_DEPTH = 100
#: more executed layers than this is refused before anything is unrolled
MAX_LAYERS = 1_000_000
#: the statement of an earlier, identical line, at this line: a repeated line is not parsed again
_at_line = replacer(LayerSpec, "line")


@dataclass
class _Block:
    line: int
    column: int
    count: int
    body: list[Node] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    #: a named ``block``: shares the labels of the enclosing scope
    name: str | None = None
    #: how many times a layer written here runs: the product of this and every enclosing count
    factor: int = 1


#: an opened block still waiting for its ``{``: line, column, repeat count, block name
_Header = tuple[int, int, int, "str | None"]


#: a line and its end, as str.splitlines() breaks them (CR LF, LF, CR, VT, FF, FS, GS, RS, NEL, LS, PS)
_LINE = re.compile(r"([^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*)(\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|\Z)")


def _lines(text: str) -> Iterator[str]:
    """``text.splitlines()`` one line at a time: a flood of lines is refused at the layer limit
    before millions of strings exist."""
    for match in _LINE.finditer(text):
        if not match.group(2) and not match.group(1) and match.start() == len(text):  # the empty match at the end
            return
        yield match.group(1)


def parse_dims(text: str, where: Where) -> InputSpec:
    """``224x224x3``, ``NxNx3``, ``100x16`` or ``784``; symbols only for spatial dims."""
    parts = text.replace("×", "x").split("x")
    if len(parts) > 4:
        raise where.error(f"'{text}' has {len(parts) - 1} spatial dims; cnncalc handles 1-D, 2-D and 3-D inputs")
    dims: list[int | str] = []
    for index, part in enumerate(parts):
        is_channels = index == len(parts) - 1
        if part and not part[0].isdigit() and IDENTIFIER.match(part) and not is_channels:
            dims.append(part)
            continue
        if part and not part[0].isdigit() and IDENTIFIER.match(part):
            raise where.error(
                f"the channel count must be a number, got '{part}'",
                hint="the last dim is the channel count; only spatial dims may be symbols",
            )
        what = "channel count" if is_channels and len(parts) > 1 else "input size"
        dims.append(read_int(part, where, what=what, minimum=1))
    return InputSpec(line=where.line, column=where.column, dims=tuple(dims))


def parse(text: str, source: str = "<string>") -> Arch:
    """Parse architecture text; raise :class:`ArchError` at the first problem."""
    return _Parser(source).run(text)


class _Parser:
    """One pass over the lines; blocks on an explicit stack, never recursion."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.input_spec: InputSpec | None = None
        self.stack: list[_Block] = [_Block(line=0, column=0, count=1)]
        self.pending: _Header | None = None  # a 'repeat N' or 'block NAME' still waiting for its '{'
        # A line identical to an earlier one (generated files, copy-pasted blocks) is the
        # same statement at the same columns: it is tokenized and validated once.
        self.parsed: dict[str, tuple[LayerSpec, int]] = {}
        #: layers executed so far, repeats unrolled (counted, never unrolled): checked at every layer
        self.executed = 0

    def run(self, text: str) -> Arch:
        if text.startswith("\ufeff"):
            text = text[1:]
        with paused_gc():
            for number, raw in enumerate(_lines(text), start=1):
                content = raw.split("#", 1)[0]
                known = self.parsed.get(content)
                if known is not None and self.pending is None:
                    self._append(_at_line(known[0], number), number, known[1])
                    continue
                tokens = [Token(m.group(), m.start() + 1) for m in _TOKEN.finditer(content)]
                if not tokens:
                    continue
                if self.pending is None and "{" not in content and "}" not in content:
                    self._segment(tokens, number, content)
                else:
                    self._braced_line(tokens, number)
            return self._finish()

    def _where(self, line: int, column: int) -> Where:
        return Where(self.source, line, column)

    def _braced_line(self, tokens: list[Token], number: int) -> None:
        segment: list[Token] = []
        for token in tokens:
            if self.pending is not None and token.text != "{":
                raise self._where(number, token.column).error(
                    f"expected '{{' after '{_opening(self.pending)}'", hint="write 'repeat N {' or 'block NAME {'"
                )
            if token.text == "{":
                if self.pending is None:
                    self.pending = _repeat_header(segment, self.source, number, self._where(number, token.column))
                    segment = []
                if len(self.stack) > MAX_DEPTH:
                    raise self._where(number, token.column).error(f"repeat blocks nest deeper than {MAX_DEPTH}")
                line, column, count, name = self.pending
                enclosing = self.stack[-1].labels
                factor = self.stack[-1].factor * count
                self.stack.append(
                    _Block(line=line, column=column, count=count, name=name, factor=factor)
                    if name is None
                    else _Block(line=line, column=column, count=count, name=name, labels=enclosing, factor=factor)
                )
                self.pending = None
            elif token.text == "}":
                if segment:
                    self._segment(segment, number)
                    segment = []
                self._close(number, token.column)
            else:
                segment.append(token)
        if segment:
            self._segment(segment, number)

    def _close(self, number: int, column: int) -> None:
        if len(self.stack) == 1:
            raise self._where(number, column).error("'}' without a matching 'repeat N {' or 'block NAME {'")
        block = self.stack.pop()
        if not block.body:
            raise self._where(block.line, block.column).error(
                "repeat block is empty" if block.name is None else f"block '{block.name}' is empty"
            )
        body = tuple(block.body)
        self.stack[-1].body.append(
            Repeat(line=block.line, column=block.column, count=block.count, body=body)
            if block.name is None
            else Block(line=block.line, column=block.column, count=1, body=body, name=block.name)
        )

    def _segment(self, segment: list[Token], number: int, whole_line: str | None = None) -> None:
        if segment[0].text in ("repeat", "block"):
            self.pending = _repeat_header(segment, self.source, number, self._where(number, segment[0].column))
        else:
            self._statement(segment, number, whole_line)

    def _finish(self) -> Arch:
        if self.pending is not None:
            raise self._where(self.pending[0], self.pending[1]).error(
                f"'{_opening(self.pending)}' has no block", hint="write 'repeat N {' or 'block NAME {'"
            )
        if len(self.stack) > 1:
            block = self.stack[-1]
            opening = f"repeat {block.count}" if block.name is None else f"block {block.name}"
            raise self._where(block.line, block.column).error(
                f"'{opening} {{' is never closed", hint="add a line with '}' after the block"
            )
        if self.input_spec is None:
            raise ArchError(
                "the architecture is empty: no input line",
                location=Location(source=self.source, line=1, column=1),
                hint="start with a line like 'input 224x224x3'",
            )
        # the layer limit was checked at every layer (_append): self.executed == count_layers(body)
        return Arch(source=self.source, input=self.input_spec, body=tuple(self.stack[0].body))

    def _statement(self, segment: list[Token], line: int, whole_line: str | None = None) -> None:
        """The input line or one layer; a layer that was a whole line is remembered by its text."""
        first = segment[0]
        block = self.stack[-1]
        if first.text.lower() == "input":
            if self.input_spec is not None or block.body or block.line:
                raise self._where(line, first.column).error(
                    "'input' must be the first line, and given once", hint="use --input to change the input size"
                )
            if len(segment) != 2:
                raise self._where(line, first.column).error(
                    "the input line is 'input DIMS'", hint="e.g. 'input 224x224x3' (H x W x C)"
                )
            self.input_spec = parse_dims(segment[1].text, self._where(line, segment[1].column))
            return
        if self.input_spec is None:
            raise self._where(line, first.column).error(
                f"the first line must be 'input DIMS', found '{first.text}'", hint="start with e.g. 'input 224x224x3'"
            )
        layer = self._layer(segment, line)
        if whole_line is not None:
            self.parsed[whole_line] = (layer, first.column)
        self._append(layer, line, first.column)

    def _append(self, layer: LayerSpec, line: int, column: int) -> None:
        block = self.stack[-1]
        self.executed += block.factor
        if self.executed > MAX_LAYERS:
            raise self._where(line, column).error(
                f"with this layer the architecture unrolls to more than {MAX_LAYERS:,} layers, "
                "the most cnncalc handles",
                hint="the limit is fixed; check the repeat counts",
            )
        if layer.label is not None:
            if layer.label in block.labels:
                raise self._where(line, column).error(
                    f"label '{layer.label}' is already defined in this scope",
                    hint="labels must be unique; pick another name",
                )
            block.labels.add(layer.label)
        block.body.append(layer)

    def _layer(self, segment: list[Token], line: int) -> LayerSpec:
        first = segment[0]
        label: Token | None = None
        rest = segment
        head, colon, tail = first.text.partition(":")
        if colon and "=" not in first.text:
            label = Token(head, first.column)
            rest = ([Token(tail, first.column + len(head) + 1)] if tail else []) + segment[1:]
            if not rest:
                raise self._where(line, first.column).error(
                    f"label '{head}:' names no layer", hint="write 'label: KIND ...'"
                )
        return build_layer(self.source, line, label, rest[0], rest[1:])


def _opening(header: _Header) -> str:
    return f"repeat {header[2]}" if header[3] is None else f"block {header[3]}"


def _repeat_header(segment: list[Token], source: str, line: int, here: Where) -> _Header:
    """``repeat N`` or ``block NAME``, before a ``{``."""
    if len(segment) == 2 and segment[0].text == "block":
        name = segment[1].text
        if not IDENTIFIER.fullmatch(name):
            raise Where(source, line, segment[1].column).error(
                f"'{name}' is not a block name", hint="a name is letters, digits and '_', e.g. 'block layer1 {'"
            )
        return line, segment[0].column, 1, name
    if len(segment) != 2 or segment[0].text != "repeat":
        raise here.error(
            "'{' must follow 'repeat N' or 'block NAME'", hint="blocks are written 'repeat 3 { ... }' or 'block stem {'"
        )
    count = read_int(segment[1].text, Where(source, line, segment[1].column), what="repeat count", minimum=1)
    return line, segment[0].column, count, None


def count_layers(body: tuple[Node, ...]) -> int:
    """How many layers run once repeats are unrolled (computed, never unrolled)."""
    total = 0
    stack: list[tuple[tuple[Node, ...], int]] = [(body, 1)]
    while stack:
        nodes, factor = stack.pop()
        for node in nodes:
            if isinstance(node, Repeat):
                stack.append((node.body, factor * node.count))
            else:
                total += factor
    return total
