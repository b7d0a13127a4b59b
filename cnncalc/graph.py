"""Walking an architecture's graph: ``repeat`` unrolled, labels scoped, ``from=`` followed.

Groups: a named ``block`` is a group of rows but not a scope (its labels stay visible after
it); each repetition of a ``repeat`` is a group named by its 0-based index (as PyTorch names
the children of an ``nn.Sequential``) and a scope; a ``repeat`` whose body is one named
block adds no level of its own (each repetition is that block). :class:`Groups` tells the
caller the path of the layer being run.

One walker serves every stage that runs layers in order — the shape analysis and
the reference executor of ``verify`` — so the label scoping rules live in
one place. It is iterative (an explicit stack of frames), so neither a
100,000-layer file nor deeply nested blocks can hit Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cnncalc.errors import Location, ShapeError
from cnncalc.model import Block, LayerSpec, Node, Repeat

T = TypeVar("T")

#: ``step(layer, its input, the outputs named by add/concat) -> its output``
Step = Callable[[LayerSpec, T, list[T]], T]
#: ``around(block, entering)``: called when a ``repeat`` block starts and when it is done
Around = Callable[[Repeat, bool], None]


@dataclass
class Groups:
    """The group path of the layer being run: names (``layer1``, ``0``, ``bottleneck``) and one
    serial per group instance, so two instances with the same name are still two groups."""

    names: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    serial: int = 0

    def enter(self, name: str) -> None:
        self.serial += 1
        self.names.append(name)
        self.ids.append(self.serial)

    def leave(self) -> None:
        self.names.pop()
        self.ids.pop()


@dataclass
class _Frame(Generic[T]):
    nodes: tuple[Node, ...]
    count: int
    block: Repeat | None = None
    position: int = 0
    iteration: int = 0
    scope: dict[str, T] = field(default_factory=dict)
    #: whether this frame is a level of the group path
    grouped: bool = False


def _grouped(node: Repeat) -> bool:
    """A block is a group; so is each repetition, unless the body is a single block."""
    return isinstance(node, Block) or not (len(node.body) == 1 and isinstance(node.body[0], Block))


def walk(
    body: tuple[Node, ...],
    start: T,
    step: Step[T],
    source: str,
    *,
    once: bool = False,
    around: Around | None = None,
    groups: Groups | None = None,
) -> T:
    """Run ``step`` on every executed layer in order; returns the last output.

    A layer's input is the previous layer's output, or its ``from=`` label's; a label
    is looked up from the innermost repetition outwards, and every repetition of a
    block starts with a fresh scope. ``once`` runs each ``repeat`` body a single time
    (the diagram draws a body once); ``around`` hears where each block starts and ends;
    ``groups`` is kept up to date with the group path of each layer as ``step`` runs.
    """
    current = start
    frames: list[_Frame[T]] = [_Frame(nodes=body, count=1)]
    while frames:
        frame = frames[-1]
        if frame.position == len(frame.nodes):
            frame.iteration += 1
            if frame.iteration < frame.count:
                frame.position, frame.scope = 0, {}
                if groups is not None and frame.grouped:
                    groups.leave()
                    groups.enter(str(frame.iteration))
                continue
            frames.pop()
            if groups is not None and frame.grouped:
                groups.leave()
            if around is not None and frame.block is not None and not isinstance(frame.block, Block):
                around(frame.block, False)
            continue
        node = frame.nodes[frame.position]
        if isinstance(node, Repeat):
            frame.position += 1
            grouped = groups is not None and _grouped(node)
            if isinstance(node, Block):  # a grouping, not a scope: its labels land in the enclosing one
                frames.append(_Frame(nodes=node.body, count=1, block=node, scope=frame.scope, grouped=grouped))
            else:
                frames.append(_Frame(nodes=node.body, count=1 if once else node.count, block=node, grouped=grouped))
            if groups is not None and grouped:
                groups.enter(node.name if isinstance(node, Block) else "0")
            if around is not None and not isinstance(node, Block):  # 'around' hears of repeats only
                around(node, True)
            continue
        # the layers up to the next block, in one loop (a 100,000-line file is one long run of them)
        nodes, scope = frame.nodes, frame.scope
        for position in range(frame.position, len(nodes)):
            node = nodes[position]
            if isinstance(node, Repeat):
                frame.position = position
                break
            first = _lookup(node.source, frames, node, "from", source) if node.source is not None else current
            operands = (
                [
                    _lookup(name, frames, node, f"operand{number}", source)
                    for number, name in enumerate(node.operands, start=1)
                ]
                if node.operands
                else []
            )
            current = step(node, first, operands)
            if node.label is not None:
                scope[node.label] = current
        else:
            frame.position = len(nodes)
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
