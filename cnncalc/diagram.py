"""Laying out a network for drawing: positions and texts only, no SVG.

Sequential networks (no ``from=``, ``add`` or ``concat``) become a row of feature-map
boxes; anything with branches becomes a top-down block graph, ``repeat`` bodies drawn
once inside a frame with a ``×N`` badge. Shape-preserving layers (activations, ``bn``,
``dropout``, ``identity``) are folded into the layer before them, as papers draw it.
Every number is rounded to 0.1 so the output is byte-for-byte deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cnncalc.analysis import LayerRow, Report, analyze
from cnncalc.diagnostics import GLOBAL_CONTEXT
from cnncalc.dims import as_int
from cnncalc.graph import walk
from cnncalc.layers import REGISTRY
from cnncalc.model import Arch, LayerSpec, Node, Repeat, Shape

TIMES = "×"
#: a merge's symbol (⊕, ⊗) is drawn as its plain operator inside a circle
_MARKS = {"⊕": "+", "⊗": "×"}


def caption(spec: LayerSpec, row: LayerRow) -> str:
    """``conv 5×5, 6``, ``maxpool 2×2/2``, ``fc 120``: what the layer is, briefly (the kind's own words)."""
    return REGISTRY[spec.kind].caption(spec, row.window, row.output_shape)


def _folds(spec: LayerSpec) -> bool:
    return REGISTRY[spec.kind].draw == "fold"


def shape_text(shape: Shape) -> str:
    return TIMES.join(str(d) for d in shape.as_list())


def _folded(kinds: list[str]) -> str:
    """``+ bn, relu`` for the layers folded into a drawn one (identity does nothing: left out)."""
    shown = [k for k in kinds if k != "identity"]
    return ("+ " + ", ".join(shown)) if shown else ""


def _round(value: float) -> float:
    return round(value, 1)


@dataclass
class Item:
    """One drawn element: a feature map (box), a vector (bar), a graph node, or a merge."""

    index: int
    kind: str  # "volume" | "vector" | "node" | "add" | "concat" | "input"
    x: float
    y: float
    width: float
    height: float
    depth: float = 0.0  # oblique depth of a 3-D box
    title: str = ""
    symbol: str = ""  # drawn inside a merge circle: + for add, × for mul
    detail: str = ""  # folded layers, "+ bn, relu"
    shape: str = ""
    #: the kernel drawn on this box's H x W side face, as fractions (of W, of H)
    kernel: tuple[float, float] | None = None
    lines: list[int] = field(default_factory=list)  # report rows this element stands for


@dataclass
class Edge:
    source: int
    target: int
    skip: bool = False  # passes other nodes in its lane: drawn around them


@dataclass
class Frame:
    x: float
    y: float
    width: float
    height: float
    count: int


@dataclass
class Layout:
    mode: str  # "boxes" | "graph"
    width: float
    height: float
    items: list[Item]
    edges: list[Edge]
    frames: list[Frame]
    report: Report


def is_sequential(body: tuple[Node, ...]) -> bool:
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, Repeat):
            stack.extend(node.body)
        elif node.source is not None or node.operands:
            return False
    return True


def _gates_aside(nodes: list[_GraphNode]) -> None:
    """Draw a squeeze-and-excitation gate (a global path merged back into a local one) in the
    lane beside the path it scales, so the feature map runs straight into the multiply."""
    for node in nodes:
        if node.row is None or GLOBAL_CONTEXT not in node.row.field_notes:
            continue
        for first in node.inputs:
            index = first
            while (row := nodes[index].row) is not None and row.receptive_field == "global" and index != 0:
                nodes[index].lane = node.lane + 1
                index = nodes[index].inputs[0]


def layout(arch: Arch, report: Report | None = None, *, unroll: bool = False) -> Layout:
    """Where everything goes; ``report`` is the analysis of ``arch`` (made here when not given)."""
    if report is None:
        report = analyze(arch)
    for row in report.rows:
        for d in [*row.output_shape.as_list(), *row.input_shape.as_list()]:
            if as_int(d) is None:
                from cnncalc.errors import UsageError

                raise UsageError("diagrams need numeric sizes", hint="give --input with numbers")
    if is_sequential(arch.body):
        return _boxes(arch, report)
    return _graph(arch, report, unroll=unroll)


# --- sequential: feature-map boxes ---------------------------------------------------------


def _scale(value: int, base: float, per_octave: float) -> float:
    return base + per_octave * math.log2(value + 1)


def _box(shape: Shape) -> tuple[float, float, float]:
    """(front width from C, height from H, oblique depth from W), log-scaled with minimums."""
    dims = [int(d) for d in shape.spatial]
    height_dim = dims[-2] if len(dims) >= 2 else dims[-1]
    width_dim = dims[-1] if len(dims) >= 2 else 1
    channels = int(shape.channels)
    return _scale(channels, 4, 5), _scale(height_dim, 10, 14), _scale(width_dim, 4, 6)


def _boxes(arch: Arch, report: Report) -> Layout:
    rows = report.rows
    specs: list[LayerSpec] = []
    walk(arch.body, None, lambda spec, first, operands: specs.append(spec), arch.source)
    groups: list[tuple[LayerSpec | None, LayerRow | None, list[str], list[int]]] = [(None, None, [], [])]
    for spec, row in zip(specs, rows, strict=True):
        if _folds(spec) and groups:
            groups[-1][2].append(spec.kind)
            groups[-1][3].append(row.index)
        else:
            groups.append((spec, row, [], [row.index]))
    items: list[Item] = []
    x = 30.0
    shapes = [report.input_shape, *(row.output_shape for row in rows)]
    tallest = max(
        [_box(s)[1] for s in shapes if s.spatial] + [_scale(int(s.channels), 10, 12) for s in shapes if not s.spatial]
    )
    baseline = 40 + tallest  # boxes hang centred on this line's top part
    for number, (group_spec, group_row, folded, lines) in enumerate(groups):
        shape = report.input_shape if group_row is None else group_row.output_shape
        title = "input" if group_spec is None or group_row is None else caption(group_spec, group_row)
        detail = _folded(folded)
        text_width = 6.6 * max(len(title), len(detail), len(shape_text(shape)))
        if shape.spatial:
            width, height, depth = _box(shape)
            kind = "input" if group_spec is None else "volume"
        else:
            width, height, depth = 12.0, _scale(int(shape.channels), 10, 12), 0.0
            kind = "vector"
        slot = max(width + depth, text_width) + 26
        left = x + (slot - width - depth) / 2
        top = baseline - height / 2 - tallest / 4
        items.append(
            Item(
                index=number,
                kind=kind,
                x=_round(left),
                y=_round(top),
                width=_round(width),
                height=_round(height),
                depth=_round(depth),
                title=title,
                detail=detail,
                shape=shape_text(shape),
                lines=lines,
            )
        )
        if (
            group_spec is not None
            and group_row is not None
            and group_row.window is not None
            and items[-2].kind in ("volume", "input")
        ):
            spatial = [int(d) for d in group_row.input_shape.spatial]
            kernel = group_row.window.kernel
            along_h = kernel[-2] / spatial[-2] if len(spatial) >= 2 else kernel[-1] / spatial[-1]
            along_w = kernel[-1] / spatial[-1] if len(spatial) >= 2 else 1.0
            items[-2].kernel = (_round(min(max(along_w, 0.12), 0.7)), _round(min(max(along_h, 0.06), 0.7)))
        x += slot
    edges = [Edge(source=i, target=i + 1) for i in range(len(items) - 1)]
    height = baseline + tallest / 2 + 70
    return Layout(
        mode="boxes",
        width=_round(x + 30),
        height=_round(height),
        items=items,
        edges=edges,
        frames=[],
        report=report,
    )


# --- branches: a top-down block graph ------------------------------------------------------

NODE_WIDTH, NODE_HEIGHT, LANE, ROW = 200.0, 48.0, 230.0, 78.0


@dataclass
class _GraphNode:
    spec: LayerSpec | None
    row: LayerRow | None
    inputs: list[int]
    lane: int
    layer: int = 0
    folded: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    blocks: tuple[int, ...] = ()


def _graph(arch: Arch, report: Report, *, unroll: bool) -> Layout:
    rows = iter(report.rows)
    first_row: dict[int, LayerRow] = {}
    every_row: dict[int, list[int]] = {}

    def record(spec: LayerSpec, first: None, operands: list[None]) -> None:
        row = next(rows)
        first_row.setdefault(id(spec), row)
        every_row.setdefault(id(spec), []).append(row.index)

    walk(arch.body, None, record, arch.source)
    nodes: list[_GraphNode] = [_GraphNode(spec=None, row=None, inputs=[], lane=0)]
    frames: list[tuple[int, int, int, tuple[int, ...]]] = []  # first node, last node, count, path
    # the statements to draw: each repeat body once (or unrolled), with its enclosing blocks
    open_blocks: list[tuple[int, tuple[int, ...]]] = []  # first node of each open block, its path
    lanes = [0]  # the rightmost lane in use

    def path() -> tuple[int, ...]:
        return open_blocks[-1][1] if open_blocks else ()

    def around(block: Repeat, entering: bool) -> None:
        if entering:
            open_blocks.append((len(nodes), (*path(), len(frames) + 1000 * len(nodes))))
            return
        start, _ = open_blocks.pop()
        if not unroll and len(nodes) > start:
            frames.append((start, len(nodes) - 1, block.count, path()))

    def draw(spec: LayerSpec, source: int, operands: list[int]) -> int:
        row = first_row[id(spec)]
        if _folds(spec) and spec.source is None and len(nodes) > 1:
            nodes[source].folded.append(spec.kind)
            nodes[source].lines.extend(every_row[id(spec)])
            return source
        inputs = [source, *operands]
        if spec.source is not None:
            lanes[0] += 1
            lane = lanes[0]
        elif operands:
            lane = lanes[0] = min(nodes[i].lane for i in inputs)
        else:
            lane = nodes[source].lane
        nodes.append(
            _GraphNode(spec=spec, row=row, inputs=inputs, lane=lane, lines=list(every_row[id(spec)]), blocks=path())
        )
        return len(nodes) - 1

    walk(arch.body, 0, draw, arch.source, once=not unroll, around=around)
    _gates_aside(nodes)
    for node in nodes[1:]:
        node.layer = 1 + max(nodes[i].layer for i in node.inputs)
    # lay out: one row per layer, lanes left to right
    items: list[Item] = []
    margin = 30.0
    for number, node in enumerate(nodes):
        x = margin + node.lane * LANE
        y = margin + node.layer * ROW
        if node.spec is None or node.row is None:
            items.append(
                Item(
                    index=0,
                    kind="input",
                    x=x,
                    y=y,
                    width=NODE_WIDTH,
                    height=NODE_HEIGHT,
                    title="input",
                    shape=shape_text(report.input_shape),
                )
            )
            items[-1].detail = _folded(node.folded)
            continue
        entry = REGISTRY[node.spec.kind]
        kind = ("add" if entry.symbol else "concat") if entry.draw == "merge" else "node"
        height = 30.0 if kind in ("add", "concat") else NODE_HEIGHT
        width = 30.0 if kind == "add" else NODE_WIDTH  # the circle itself, so edges meet it
        items.append(
            Item(
                index=number,
                kind=kind,
                x=_round(x + (NODE_WIDTH - width) / 2),
                y=_round(y + (NODE_HEIGHT - height) / 2),
                width=width,
                height=height,
                title=f"{entry.symbol} {node.spec.kind}" if entry.symbol else caption(node.spec, node.row),
                symbol=_MARKS.get(entry.symbol or "", entry.symbol or ""),
                detail=_folded(node.folded),
                shape=shape_text(node.row.output_shape),
                lines=node.lines,
            )
        )
    edges = []
    for number, node in enumerate(nodes):
        for source in node.inputs:
            same_lane = nodes[source].lane == node.lane
            between = [n for n in nodes if n.lane == node.lane and nodes[source].layer < n.layer < node.layer]
            edges.append(Edge(source=source, target=number, skip=same_lane and bool(between)))
    frame_boxes = []
    for first, last, count, _ in frames:
        members = items[first : last + 1]
        left = min(i.x for i in members) - 12
        top = min(i.y for i in members) - 12
        right = max(i.x + i.width for i in members) + 12
        bottom = max(i.y + i.height for i in members) + 12
        frame_boxes.append(
            Frame(x=_round(left), y=_round(top), width=_round(right - left), height=_round(bottom - top), count=count)
        )
    lane_count = max(n.lane for n in nodes) + 1
    layers = max(n.layer for n in nodes) + 1
    width = margin * 2 + (lane_count - 1) * LANE + NODE_WIDTH + 60
    height = margin * 2 + (layers - 1) * ROW + NODE_HEIGHT + 50
    return Layout(
        mode="graph",
        width=_round(width),
        height=_round(height),
        items=items,
        edges=edges,
        frames=frame_boxes,
        report=report,
    )
