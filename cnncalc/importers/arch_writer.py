"""Write imported layers as a readable ``.arch``: labels only where referenced, ``repeat`` where layers repeat.

Conventions:

- A layer fed by the line before it needs nothing; any other reference (``from=``, the
  operands of ``add``/``concat``/``mul``) gets the producer a label ``x1, x2, ...`` in order.
  A reference to the network input puts ``in: identity`` first.
- Consecutive runs of identical lines (same statements, same references relative to the run)
  become ``repeat N { ... }`` when every label defined inside is used only inside its own
  repetition and every reference out of the run points before it (labels are local to a
  repetition). The longest covering run wins, scanning from the top; no nesting.
- Each line ends with ``# `` and the source layer's name (a repeated line names the first and
  the last repetition's layers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cnncalc.importers.layers import INPUT, Layer

MAX_BODY = 80
COMMENT_COLUMN = 40


def write_arch(
    input_dims: Sequence[int | str], layers: Sequence[Layer], header: Sequence[str] = (), *, repeats: bool = True
) -> str:
    """The ``.arch`` text of ``layers`` on an input of ``input_dims`` (channels last).

    Skips are held by ``identity`` lines only when that makes the file shorter (more repeats).
    ``repeats=False`` writes one line per layer, each naming one source layer (for tests)."""
    ordered = [_sequential_first(layer, j) for j, layer in enumerate(layers)]
    plain = _write(input_dims, ordered, header, hold=False, repeats=repeats)
    if not repeats:
        return plain
    held = _write(input_dims, ordered, header, hold=True)
    return held if held.count("\n") < plain.count("\n") else plain


def _write(
    input_dims: Sequence[int | str], layers: list[Layer], header: Sequence[str], *, hold: bool, repeats: bool = True
) -> str:
    if any(_refers(layers, j, INPUT) for j in range(len(layers))):
        layers = [Layer(statement="identity", inputs=(INPUT,), name="network input")] + [
            replace(layer, inputs=tuple(i + 1 if i != INPUT else 0 for i in layer.inputs)) for layer in layers
        ]
    if hold:
        layers = _hold_skips(layers)
    users = _users(layers)
    labels: dict[int, str] = {}
    for j in sorted(i for i, refs in users.items() if refs):
        labels[j] = "in" if layers[j].name == "network input" and j == 0 else f"x{len(labels) + 1}"
    lines = [f"# {line}" for line in header]
    lines.append(f"input {'x'.join(str(d) for d in input_dims)}")
    i = 0
    while i < len(layers):
        length, count = _best_run(layers, users, i) if repeats else (1, 1)
        if count < 2:
            lines.append(_line(layers, labels, i, [layers[i].name], ""))
            i += 1
            continue
        lines.append(f"repeat {count} {{")
        for offset in range(length):
            names = [layers[i + k * length + offset].name for k in range(count)]
            lines.append(_line(layers, labels, i + offset, names, "  "))
        lines.append("}")
        i += length * count
    return "\n".join(lines) + "\n"


def _sequential_first(layer: Layer, j: int) -> Layer:
    """``add``/``mul`` commute: put the line before first, so it needs no ``from=``."""
    word = layer.statement.split(" ")[0]
    if word in ("add", "mul") and layer.inputs[0] != j - 1 and j - 1 in layer.inputs[1:]:
        rest = [p for p in layer.inputs if p != j - 1]
        return replace(layer, inputs=(j - 1, *rest))
    return layer


def _hold_skips(layers: list[Layer]) -> list[Layer]:
    """A tensor that flows on to the next line and is also used later (a residual's input) is
    held by an ``identity`` line, as the zoo writes ``x: identity``: the label then sits inside
    the block that uses it, so repeated blocks stay closed and can become ``repeat``."""
    users = _users(layers)
    held = {
        p
        for p, refs in users.items()
        if refs and p + 1 < len(layers) and layers[p + 1].inputs[:1] == (p,) and any(r > p + 1 for r in refs)
    }
    if not held:
        return layers
    moved: dict[int, int] = {}
    result: list[Layer] = []
    for j, layer in enumerate(layers):
        inputs = tuple(moved.get(p, p) for p in layer.inputs)
        result.append(replace(layer, inputs=inputs))
        moved[j] = len(result) - 1
        if j in held:
            result.append(Layer(statement="identity", inputs=(len(result) - 1,), name=layer.name))
            moved[j] = len(result) - 1
    return result


def _refers(layers: Sequence[Layer], j: int, producer: int) -> bool:
    """Does layer ``j`` need a label on ``producer`` (anything but its main input from the line before)?"""
    inputs = layers[j].inputs
    return (inputs[0] == producer and producer != j - 1) or producer in inputs[1:]


def _users(layers: Sequence[Layer]) -> dict[int, list[int]]:
    users: dict[int, list[int]] = {j: [] for j in range(len(layers))}
    for j, layer in enumerate(layers):
        for position, producer in enumerate(layer.inputs):
            if producer != INPUT and (position > 0 or producer != j - 1) and j not in users[producer]:
                users[producer].append(j)
    return users


def _line(layers: Sequence[Layer], labels: dict[int, str], j: int, names: Sequence[str], indent: str) -> str:
    layer = layers[j]
    words = []
    if j in labels:
        words.append(f"{labels[j]}:")
    words.append(layer.statement)
    words.extend(labels[p] for p in layer.inputs[1:])
    if layer.inputs and layer.inputs[0] != j - 1 and layer.inputs[0] != INPUT:
        words.append(f"from={labels[layer.inputs[0]]}")
    if layer.output:
        words.append("output")
    text = indent + " ".join(words)
    shown = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]}"
    return f"{text:<{COMMENT_COLUMN}} # {shown}" if shown else text


def _same(layers: Sequence[Layer], start: int, a: int, b: int, delta: int) -> bool:
    """Is line ``b`` (= ``a + delta``) the same as line ``a`` within runs starting at ``start``?"""
    la, lb = layers[a], layers[b]
    if la.statement != lb.statement or la.output != lb.output or len(la.inputs) != len(lb.inputs):
        return False
    for position, (pa, pb) in enumerate(zip(la.inputs, lb.inputs, strict=False)):
        if position == 0 and pa == a - 1 and pb == b - 1:
            continue
        if pb - b == pa - a and pa >= start:
            continue
        if pa == pb and pa < start:
            continue
        return False
    return True


def _best_run(layers: Sequence[Layer], users: dict[int, list[int]], start: int) -> tuple[int, int]:
    best = (1, 1)
    n = len(layers)
    for length in range(1, min(MAX_BODY, (n - start) // 2) + 1):
        count = 1
        while start + (count + 1) * length <= n and all(
            _same(layers, start, start + offset, start + count * length + offset, length) for offset in range(length)
        ):
            count += 1
        if count < 2 or (length == 1 and count < 3):
            continue
        count = _closed(layers, users, start, length, count)
        if count >= 2 and length * count > best[0] * best[1]:
            best = (length, count)
    return best


def _closed(layers: Sequence[Layer], users: dict[int, list[int]], start: int, length: int, count: int) -> int:
    """How many repetitions keep every label local: a label's users stay in its own repetition."""
    for k in range(count):
        first, last = start + k * length, start + (k + 1) * length
        for j in range(first, last):
            if any(not first <= user < last for user in users[j]):
                return k
        for j in range(first, last):
            for position, producer in enumerate(layers[j].inputs):
                if position == 0 and producer == j - 1:
                    continue
                if not (first <= producer < last or producer < start):
                    return k
    return count
