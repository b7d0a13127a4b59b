"""What every importer produces: a list of ``.arch`` statements wired by index, and its errors.

An importer reads a framework's graph in topological order and emits one :class:`Layer`
per ``.arch`` line; :mod:`cnncalc.importers.arch_writer` then decides labels, ``from=``,
operands and ``repeat`` blocks. An operator with no ``.arch`` equivalent is collected as an
:class:`Unsupported` and all of them are reported together — never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnncalc.errors import ModelError, UsageError

#: the producer index of the network input
INPUT = -1


@dataclass(frozen=True, kw_only=True, slots=True)
class Layer:
    """One ``.arch`` line: the statement without label/``from=``/operands, and what feeds it.

    ``inputs[0]`` is the main input, the rest are the operands of ``add``/``concat``/``mul``
    (producer indices into the layer list, :data:`INPUT` for the network input)."""

    statement: str
    inputs: tuple[int, ...]
    name: str
    output: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Unsupported:
    """A node with no ``.arch`` equivalent: its name, op and position in the graph (1-based)."""

    name: str
    op: str
    position: int
    why: str = ""

    def __str__(self) -> str:
        why = f": {self.why}" if self.why else ""
        return f"{self.name or '(unnamed)'} ({self.op}, node {self.position}{why})"


@dataclass(frozen=True, kw_only=True, slots=True)
class Imported:
    """An import's result: the ``.arch`` text and what ``--lenient`` let through."""

    text: str
    warnings: tuple[str, ...] = ()


def unsupported_error(nodes: Sequence[Unsupported], source: str) -> ModelError:
    listed = "; ".join(str(node) for node in nodes)
    return ModelError(
        f"{source}: {len(nodes)} operator(s) have no .arch equivalent: {listed}",
        hint="'cnncalc import --lenient' maps parameter-free, shape-preserving ones to identity",
    )


def channels_error(input_dims: str, given: int | str, fixed: int) -> UsageError:
    """``--input`` contradicting the channels the model fixes: its parameters would be counted wrong."""
    return UsageError(
        f"--input {input_dims!r} has {given} channel{'' if given == 1 else 's'}; the model's input has {fixed}",
        hint="the input's sizes may change, its channels may not",
    )


def missing_extra(package: str, extra: str) -> UsageError:
    return UsageError(
        f"importing this needs the '{package}' package, which is not installed",
        hint=f"pip install 'cnncalc[{extra}]'",
    )
