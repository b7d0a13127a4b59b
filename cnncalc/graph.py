"""Walking an architecture's graph: ``repeat`` unrolled, labels scoped, ``from=`` followed.

One walker serves every stage that runs layers in order — the shape analysis and
the reference executor of ``verify`` — so the scoping rules of DESIGN.md §1 live in
one place. It is iterative (an explicit stack of frames), so neither a
100,000-layer file nor deeply nested blocks can hit Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cnncalc.errors import Location, ShapeError
from cnncalc.model import LayerSpec, Node, Repeat

T = TypeVar("T")

#: ``step(layer, its input, the outputs named by add/concat) -> its output``
Step = Callable[[LayerSpec, T, list[T]], T]
#: ``around(block, entering)``: called when a ``repeat`` block starts and when it is done
Around = Callable[[Repeat, bool], None]


@dataclass
class _Frame(Generic[T]):
    nodes: tuple[Node, ...]
    count: int
    block: Repeat | None = None
    position: int = 0
    iteration: int = 0
    scope: dict[str, T] = field(default_factory=dict)


def walk(
    body: tuple[Node, ...],
    start: T,
    step: Step[T],
    source: str,
    *,
    once: bool = False,
    around: Around | None = None,
) -> T:
    """Run ``step`` on every executed layer in order; returns the last output.

    A layer's input is the previous layer's output, or its ``from=`` label's; a label
    is looked up from the innermost repetition outwards, and every repetition of a
    block starts with a fresh scope. ``once`` runs each ``repeat`` body a single time
    (the diagram draws a body once); ``around`` hears where each block starts and ends.
    """
    current = start
    frames: list[_Frame[T]] = [_Frame(nodes=body, count=1)]
    while frames:
        frame = frames[-1]
        if frame.position == len(frame.nodes):
            frame.iteration += 1
            if frame.iteration < frame.count:
                frame.position, frame.scope = 0, {}
                continue
            frames.pop()
            if around is not None and frame.block is not None:
                around(frame.block, False)
            continue
        node = frame.nodes[frame.position]
        frame.position += 1
        if isinstance(node, Repeat):
            frames.append(_Frame(nodes=node.body, count=1 if once else node.count, block=node))
            if around is not None:
                around(node, True)
            continue
        first = _lookup(node.source, frames, node, "from", source) if node.source is not None else current
        operands = [
            _lookup(name, frames, node, f"operand{position}", source)
            for position, name in enumerate(node.operands, start=1)
        ]
        current = step(node, first, operands)
        if node.label is not None:
            frame.scope[node.label] = current
    return current


def _lookup(name: str, frames: list[_Frame[T]], spec: LayerSpec, key: str, source: str) -> T:
    for frame in reversed(frames):
        if name in frame.scope:
            return frame.scope[name]
    raise ShapeError(
        f"unknown label '{name}'",
        location=Location(source=source, line=spec.line, column=spec.column_of(key)),
        hint="a label must be defined on an earlier line, in this block or an enclosing one",
    )
