"""Tidy an importer's layer list before it is written: fold what the exporter spelled out in several nodes.

- A zero ``pad`` whose only user is a ``conv``/``dwconv`` without padding becomes that layer's
  ``P=`` (torch exports ``same`` padding at stride > 1 as ``Pad`` then ``Conv``).
- A ``crop`` whose only user is another ``crop`` is merged with it (torch exports a crop of two
  dims as one ``Slice`` per dim).
- Layers no output depends on are dropped (a pattern read as one layer, as ``swish`` from
  ``x * sigmoid(x)`` or ``mish`` from ``x * tanh(softplus(x))``, leaves the layers it was read
  from unused unless something else reads them).

Used by the ONNX and the ``torch.fx`` importers.

Each rule changes no size or count: the folded network computes the same tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cnncalc.importers.layers import INPUT, Layer


def parse_padding(statement: str, rank: int) -> list[tuple[int, int]] | None:
    """The ``(start, end)`` pairs of a statement's ``P=`` (as :func:`statements.padding` writes it)."""
    found = [word[2:] for word in statement.split() if word.startswith("P=")]
    if not found:
        return [(0, 0)] * rank
    parts = found[0].split("x")
    try:
        pairs = [(int(p.split(":")[0]), int(p.split(":")[1])) if ":" in p else (int(p), int(p)) for p in parts]
    except ValueError:  # a mode (same, full): left alone
        return None
    return pairs * rank if len(pairs) == 1 else pairs


def _users(layers: Sequence[Layer]) -> dict[int, list[int]]:
    users: dict[int, list[int]] = {j: [] for j in range(len(layers))}
    for j, layer in enumerate(layers):
        for producer in layer.inputs:
            if producer != INPUT:
                users[producer].append(j)
    return users


def _without_padding(statement: str) -> str:
    return " ".join(word for word in statement.split() if not word.startswith("P="))


def tidy(layers: Sequence[Layer], outputs: Sequence[int], rank: int) -> tuple[list[Layer], list[int]]:
    """The folded layers and the new indices of ``outputs`` (``rank``: the number of spatial dims)."""
    from cnncalc.importers.statements import padding, statement

    result = list(layers)
    kept = set(outputs)
    users = _users(result)
    for j, layer in enumerate(result):
        if len(layer.inputs) != 1 or layer.inputs[0] == INPUT:
            continue
        p = layer.inputs[0]
        before = result[p]
        if users[p] != [j] or p in kept or len(before.inputs) != 1:
            continue
        word, other = layer.statement.split()[0], before.statement.split()[0]
        mine, theirs = parse_padding(layer.statement, rank), parse_padding(before.statement, rank)
        if mine is None or theirs is None:
            continue
        if other == "pad" and word in ("conv", "dwconv") and all(m == (0, 0) for m in mine):
            folded = statement(_without_padding(layer.statement), padding(theirs))
        elif other == "crop" == word and "to=" not in layer.statement + before.statement:
            summed = [(a + c, b + d) for (a, b), (c, d) in zip(mine, theirs, strict=False)]
            folded = statement("crop", padding(summed))
        else:
            continue
        result[j] = replace(layer, statement=folded, inputs=before.inputs)
        users = _users(result)
    return _reachable(result, list(outputs))


def _reachable(layers: list[Layer], outputs: list[int]) -> tuple[list[Layer], list[int]]:
    needed: set[int] = set()
    stack = [o for o in outputs if o != INPUT]
    while stack:
        j = stack.pop()
        if j in needed:
            continue
        needed.add(j)
        stack.extend(p for p in layers[j].inputs if p != INPUT)
    order = sorted(needed)
    moved = {old: new for new, old in enumerate(order)}
    moved[INPUT] = INPUT
    kept = [replace(layers[j], inputs=tuple(moved[p] for p in layers[j].inputs)) for j in order]
    return kept, [moved[o] for o in outputs]
