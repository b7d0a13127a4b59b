"""``graph.walk`` against a plain recursive interpreter of the same program, written here.

Hypothesis writes random programs of layers, ``repeat N { }`` and ``block NAME { }`` with
labels, ``from=`` and merge operands; the interpreter below unrolls them by recursion with the
format's scoping rules stated directly (a repetition is a fresh scope inside the enclosing one,
a block is no scope at all; a name is looked up innermost first), and names each layer's groups
(a block by its name, a repetition by its index unless its body is one block). The walk, which
is iterative and runs a block's layers in one inner loop, must see the same inputs in the same
order, or fail on the same unknown label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.arch.reader import parse
from cnncalc.errors import ShapeError
from cnncalc.graph import Groups, walk
from cnncalc.model import LayerSpec

LABELS = ("a", "b", "c")


@dataclass(frozen=True)
class Layer:
    label: str | None
    source: str | None  # from=
    operand: str | None  # add NAME


@dataclass(frozen=True)
class Group:
    name: str | None  # a block's name, or None for a repeat
    count: int
    body: tuple[Program, ...]


Program = Union[Layer, Group]

_names = st.sampled_from(LABELS)
_layers = st.builds(Layer, label=st.none() | _names, source=st.none() | _names, operand=st.none() | _names)


def _groups(children: st.SearchStrategy[Program]) -> st.SearchStrategy[Program]:
    body = st.lists(children, min_size=1, max_size=4).map(tuple)
    repeats = st.builds(Group, name=st.none(), count=st.integers(1, 3), body=body)
    blocks = st.builds(Group, name=st.sampled_from(("stem", "unit")), count=st.just(1), body=body)
    return repeats | blocks


_programs = st.lists(st.recursive(_layers, _groups, max_leaves=12), min_size=1, max_size=6).map(tuple)


def _unique_labels(body: tuple[Program, ...], taken: set[str]) -> tuple[Program, ...]:
    """Drop the labels the parser would refuse: a label defined twice in one scope (a block's
    labels land in the enclosing scope; a repeat body is a scope of its own)."""
    kept: list[Program] = []
    for node in body:
        if isinstance(node, Layer):
            if node.label is not None and node.label in taken:
                node = Layer(label=None, source=node.source, operand=node.operand)
            elif node.label is not None:
                taken.add(node.label)
            kept.append(node)
        else:
            inner = taken if node.name is not None else set()
            kept.append(Group(name=node.name, count=node.count, body=_unique_labels(node.body, inner)))
    return tuple(kept)


def _text(body: tuple[Program, ...], lines: list[str], depth: int = 0) -> None:
    pad = "  " * depth
    for node in body:
        if isinstance(node, Layer):
            head = f"{node.label}: " if node.label else ""
            kind = f"add {node.operand}" if node.operand else "relu"
            tail = f" from={node.source}" if node.source else ""
            lines.append(f"{pad}{head}{kind}{tail}")
        else:
            lines.append(f"{pad}{'repeat ' + str(node.count) if node.name is None else 'block ' + node.name} {{")
            _text(node.body, lines, depth + 1)
            lines.append(f"{pad}}}")


class _Unknown(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


#: what each executed layer saw: its line, the line that made its input, its operand's, its groups
Seen = tuple[int, int, Union[int, None], tuple[str, ...]]


def _interpret(body: tuple[Program, ...]) -> list[Seen]:
    """Unroll by recursion: ``scopes`` is the chain of label scopes, innermost last."""
    seen: list[Seen] = []
    lines = iter(range(2, 10**6))  # line 1 is the input line
    numbered: dict[int, int] = {}  # id(node) -> its line (a node's line is fixed by the text)

    def number(nodes: tuple[Program, ...]) -> None:
        for node in nodes:
            numbered[id(node)] = next(lines)
            if isinstance(node, Group):
                number(node.body)
                next(lines)  # its closing brace

    def look(name: str, scopes: list[dict[str, int]], line: int) -> int:
        for scope in reversed(scopes):
            if name in scope:
                return scope[name]
        raise _Unknown(line)

    current = 0

    def run(nodes: tuple[Program, ...], scopes: list[dict[str, int]], path: tuple[str, ...]) -> None:
        nonlocal current
        for node in nodes:
            line = numbered[id(node)]
            if isinstance(node, Layer):
                first = look(node.source, scopes, line) if node.source else current
                operand = look(node.operand, scopes, line) if node.operand else None
                seen.append((line, first, operand, path))
                current = line
                if node.label:
                    scopes[-1][node.label] = line
            elif node.name is not None:  # a block: a group, not a scope
                run(node.body, scopes, (*path, node.name))
            else:
                single_block = len(node.body) == 1 and isinstance(node.body[0], Group) and node.body[0].name
                for index in range(node.count):
                    run(node.body, [*scopes, {}], path if single_block else (*path, str(index)))

    number(body)
    run(body, [{}], ())
    return seen


@settings(max_examples=300, deadline=None)
@given(_programs)
def test_walk_equals_a_recursive_interpreter(program: tuple[Program, ...]) -> None:
    program = _unique_labels(program, set())
    lines = ["input 8x8x3"]
    _text(program, lines)
    arch = parse("\n".join(lines) + "\n", "p.arch")
    try:
        expected: list[Seen] | int = _interpret(program)
    except _Unknown as unknown:
        expected = unknown.line

    groups = Groups()
    seen: list[Seen] = []

    def step(spec: LayerSpec, first: int, operands: list[int]) -> int:
        seen.append((spec.line, first, operands[0] if operands else None, tuple(groups.names)))
        return spec.line

    try:
        walk(arch.body, 0, step, "p.arch", groups=groups)
    except ShapeError as error:
        assert error.location is not None
        assert expected == error.location.line, "\n".join(lines)
        return
    assert seen == expected, "\n".join(lines)
