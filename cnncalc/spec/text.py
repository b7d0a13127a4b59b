"""The ``.arch`` text format (DESIGN.md §1) -> :class:`Arch`.

Line oriented: ``#`` starts a comment; ``{`` and ``}`` are tokens of their own, so
``repeat 2 { relu }`` fits on one line. No recursion: nested blocks are kept on an
explicit stack, so depth and length are limited only by the checks below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cnncalc.errors import ArchError, Location
from cnncalc.spec.build import Token, build_layer
from cnncalc.spec.model import Arch, InputSpec, Node, Repeat
from cnncalc.spec.values import IDENTIFIER, Where, read_int

_TOKEN = re.compile(r"[{}]|[^\s{}]+")
MAX_DEPTH = 100
#: more executed layers than this is refused before anything is unrolled
MAX_LAYERS = 1_000_000


@dataclass
class _Block:
    line: int
    column: int
    count: int
    body: list[Node] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)


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
    if text.startswith("\ufeff"):
        text = text[1:]
    input_spec: InputSpec | None = None
    stack: list[_Block] = [_Block(line=0, column=0, count=1)]
    pending: tuple[int, int, int] | None = None  # a 'repeat N' still waiting for its '{'
    executed = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.split("#", 1)[0]
        segment: list[Token] = []
        for match in _TOKEN.finditer(content):
            token = Token(match.group(), match.start() + 1)
            here = Where(source, number, token.column)
            if pending is not None and token.text != "{":
                raise here.error(f"expected '{{' after 'repeat {pending[2]}'", hint="write 'repeat N {'")
            if token.text == "{":
                if pending is None:
                    pending = _repeat_header(segment, source, number, here)
                    segment = []
                if len(stack) > MAX_DEPTH:
                    raise here.error(f"repeat blocks nest deeper than {MAX_DEPTH}")
                stack.append(_Block(line=pending[0], column=pending[1], count=pending[2]))
                pending = None
            elif token.text == "}":
                input_spec = _statement(segment, source, number, stack[-1], input_spec)
                segment = []
                if len(stack) == 1:
                    raise here.error("'}' without a matching 'repeat N {'")
                block = stack.pop()
                if not block.body:
                    raise Where(source, block.line, block.column).error("repeat block is empty")
                stack[-1].body.append(
                    Repeat(line=block.line, column=block.column, count=block.count, body=tuple(block.body))
                )
            else:
                segment.append(token)
        if segment and segment[0].text == "repeat":
            pending = _repeat_header(segment, source, number, Where(source, number, segment[0].column))
        else:
            input_spec = _statement(segment, source, number, stack[-1], input_spec)
    if pending is not None:
        raise Where(source, pending[0], pending[1]).error(
            f"'repeat {pending[2]}' has no block", hint="write 'repeat N {'"
        )
    if len(stack) > 1:
        block = stack[-1]
        raise Where(source, block.line, block.column).error(
            f"'repeat {block.count} {{' is never closed", hint="add a line with '}' after the block"
        )
    if input_spec is None:
        raise ArchError(
            "the architecture is empty: no input line",
            location=Location(source=source, line=1, column=1),
            hint="start with a line like 'input 224x224x3'",
        )
    body = tuple(stack[0].body)
    executed = count_layers(body)
    if executed > MAX_LAYERS:
        raise Where(source, input_spec.line, 1).error(
            f"this architecture unrolls to {executed:,} layers; cnncalc handles at most {MAX_LAYERS:,}",
            hint="check the repeat counts",
        )
    return Arch(source=source, input=input_spec, body=body)


def _repeat_header(segment: list[Token], source: str, line: int, here: Where) -> tuple[int, int, int]:
    if len(segment) != 2 or segment[0].text != "repeat":
        raise here.error("'{' must follow 'repeat N'", hint="blocks are written 'repeat 3 { ... }'")
    count = read_int(segment[1].text, Where(source, line, segment[1].column), what="repeat count", minimum=1)
    return line, segment[0].column, count


def _statement(
    segment: list[Token], source: str, line: int, block: _Block, input_spec: InputSpec | None
) -> InputSpec | None:
    """Handle one statement (the input line or a layer); returns the input spec seen so far."""
    if not segment:
        return input_spec
    first = segment[0]
    if first.text.lower() == "input":
        if input_spec is not None or len(block.body) or block.line:
            raise Where(source, line, first.column).error(
                "'input' must be the first line, and given once", hint="use --input to change the input size"
            )
        if len(segment) != 2:
            raise Where(source, line, first.column).error(
                "the input line is 'input DIMS'", hint="e.g. 'input 224x224x3' (H x W x C)"
            )
        return parse_dims(segment[1].text, Where(source, line, segment[1].column))
    if input_spec is None:
        raise Where(source, line, first.column).error(
            f"the first line must be 'input DIMS', found '{first.text}'", hint="start with e.g. 'input 224x224x3'"
        )
    label: Token | None = None
    rest = segment
    head, colon, tail = first.text.partition(":")
    if colon and "=" not in first.text:
        label = Token(head, first.column)
        rest = ([Token(tail, first.column + len(head) + 1)] if tail else []) + segment[1:]
        if not rest:
            raise Where(source, line, first.column).error(
                f"label '{head}:' names no layer", hint="write 'label: KIND ...'"
            )
    layer = build_layer(source, line, label, rest[0], rest[1:])
    if layer.label is not None:
        if layer.label in block.labels:
            raise Where(source, line, first.column).error(
                f"label '{layer.label}' is already defined in this scope",
                hint="labels must be unique; pick another name",
            )
        block.labels.add(layer.label)
    block.body.append(layer)
    return input_spec


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
