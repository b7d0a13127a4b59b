"""The ``summary`` and ``receptive-field`` tables; they build renderables, never print.

Every number and shape is shown in full (:mod:`cnncalc.render.columns` lays the rows out and
drops columns by priority, or stacks the rows, rather than cut a digit). ``new_table`` is the
plain rich table the smaller commands share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cnncalc.analysis import LayerRow, Report
from cnncalc.dims import Dim, as_int
from cnncalc.formatting import byte_size
from cnncalc.memory import Memory
from cnncalc.model import Shape, Window
from cnncalc.receptive import Field
from cnncalc.render import formatting as fmt
from cnncalc.render.columns import Column, FixedTable
from cnncalc.render.diagnostics import describe
from cnncalc.render.groups import Entry, entries


def _warnings(report: Report) -> list[Text]:
    lines = []
    for row, message in report.warnings():
        lines.append(Text(f"warning: line {row.line} (#{row.index} {row.kind}): {describe(message)}", style="yellow"))
    return lines


def new_table(title: str, columns: str) -> Table:
    """A table whose columns are named in one string; ``>`` before a name right-aligns it."""
    table = Table(title=title, title_justify="left")
    for name in columns.split("|"):
        right = name.startswith(">")
        table.add_column(name.removeprefix(">"), justify="right" if right else "left")
    return table


def _layer_name(label: str | None, kind: str) -> str:
    return f"{label}: {kind}" if label else kind


#: the summary's columns: key (for ``--columns``), heading, right-aligned, core (never dropped)
SUMMARY_COLUMNS = (
    Column(key="index", title="#", right=True, core=True),
    Column(key="layer", title="layer", core=True),
    Column(key="input", title="input"),
    Column(key="output", title="output", core=True),
    Column(key="kernel", title="kernel"),
    Column(key="stride", title="stride"),
    Column(key="padding", title="padding"),
    Column(key="params", title="params", right=True, core=True),
    Column(key="non-trainable", title="non-train.", right=True),
    Column(key="params%", title="% params", right=True),
    Column(key="macs", title="MACs", right=True, core=True),
    Column(key="macs%", title="% MACs", right=True),
    Column(key="rf", title="RF"),
)
#: which columns stay longest when the width is short (the rest are dropped from the end)
SUMMARY_PRIORITY = (
    "index", "layer", "output", "params", "macs", "rf", "kernel", "stride", "padding", "params%", "macs%",
    "input", "non-trainable",
)  # fmt: skip
RECEPTIVE_COLUMNS = (
    Column(key="index", title="#", right=True, core=True),
    Column(key="layer", title="layer", core=True),
    Column(key="output", title="output", core=True),
    Column(key="size", title="size", core=True),
    Column(key="jump", title="jump"),
    Column(key="padding", title="eff. padding"),
)
RECEPTIVE_PRIORITY = ("index", "layer", "output", "size", "jump", "padding")


def column_keys(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(column.key for column in columns)


def _select(columns: tuple[Column, ...], keys: Sequence[str] | None) -> tuple[tuple[Column, ...], list[int]]:
    """The columns named by ``--columns`` (in table order, all kept), or every column."""
    if keys is None:
        return columns, list(range(len(columns)))
    wanted = set(keys)
    positions = [i for i, column in enumerate(columns) if column.key in wanted]
    return tuple(replace(columns[i], core=True) for i in positions), positions


def _count(value: Dim) -> str:
    """Every digit, with separators; symbolic counts as their expression."""
    return f"{value:,}" if type(value) is int else fmt.number(value) if as_int(value) is None else f"{as_int(value):,}"


def _share(part: Dim, total: Dim) -> str:
    """``12.3%`` (rounded half up, exactly); empty when either is symbolic or the total is 0."""
    if type(part) is not int or type(total) is not int or total == 0:
        return ""
    if part == 0:
        return "0.0%"
    tenths = (2000 * part + total) // (2 * total)  # 1000 * part / total, rounded half up
    return f"{tenths // 10:,}.{tenths % 10}%"


class _Cached:
    """Shapes and windows repeat from row to row (one layer's output is the next one's input)."""

    def __init__(self) -> None:
        self.shapes: dict[Shape, str] = {}
        self.windows: dict[Window, tuple[str, str, str]] = {}

    def shape(self, value: Shape) -> str:
        known = self.shapes.get(value)
        if known is None:
            known = self.shapes[value] = fmt.shape(value)
        return known

    def window(self, value: Window | None) -> tuple[str, str, str]:
        if value is None:
            return ("", "", "")
        known = self.windows.get(value)
        if known is None:
            known = self.windows[value] = (fmt.kernel(value), fmt.per_dim(value.stride), fmt.padding(value))
        return known


def _name(item: LayerRow | Entry) -> str:
    """A layer's ``label: kind``; a group's path; a layer shown among groups, its group's path first."""
    if isinstance(item, LayerRow):
        return _layer_name(item.label, item.kind)
    if item.group:
        return ".".join(item.group)
    name = _layer_name(item.label, item.kind)
    return ".".join(item.within) + "/" + name if item.within else name


def _index(item: LayerRow | Entry) -> str:
    """A layer's number; a group's range of layer numbers (``18-28``)."""
    if isinstance(item, LayerRow):
        return str(item.index)
    return str(item.first) if item.first == item.last else f"{item.first}-{item.last}"


def render_summary(
    report: Report,
    *,
    dtype: str = "float32",
    bytes_per_element: int = 4,
    depth: int | None = None,
    columns: Sequence[str] | None = None,
    wide: bool = False,
    memory: Memory | None = None,
) -> RenderableType:
    """The summary table and its totals (with ``memory``, the memory figures too).

    ``depth`` collapses blocks (0: totals only), ``columns`` picks columns by key
    (``SUMMARY_COLUMNS``), ``wide`` keeps every column at any width; otherwise columns are
    dropped by priority to fit, with a note, or the rows are stacked."""
    totals = report.totals
    total_params = totals.total_params
    chosen, positions = _select(SUMMARY_COLUMNS, columns)
    cache = _Cached()
    # every layer (no --depth) is shown straight from the report's rows: no copies
    shown: Sequence[LayerRow | Entry] = report.rows if depth is None else entries(report.rows, depth)
    cells: list[tuple[str, ...]] = []
    for entry in shown:
        kernel, stride, padding = cache.window(entry.window)
        row = (
            _index(entry),
            _name(entry),
            cache.shape(entry.input_shape),
            cache.shape(entry.output_shape),
            kernel,
            stride,
            padding,
            _count(entry.trainable_params),
            _count(entry.non_trainable_params),
            _share(entry.trainable_params + entry.non_trainable_params, total_params),
            _count(entry.macs),
            _share(entry.macs, totals.macs),
            fmt.field_size(entry.receptive_field, entry.field_notes),
        )
        cells.append(row if columns is None else tuple(row[i] for i in positions))
    table = FixedTable(
        title=f"cnncalc summary — {report.source}",
        columns=chosen,
        priority=SUMMARY_PRIORITY,
        cells=cells,
        marked=frozenset(i for i, entry in enumerate(shown) if isinstance(entry, Entry) and entry.group),
        wide=wide,
    )
    field = totals.receptive_field
    field_text = (
        f"{fmt.per_dim(field.size)} (jump {fmt.per_dim(field.jump)}, effective padding {fmt.per_dim(field.padding)})"
        if field
        else "n/a"
    )
    summary = Text(
        "\n".join(
            [
                f"Input: {fmt.shape(report.input_shape)}    {_outputs(totals.outputs)}    Layers: {len(report.rows)}",
                f"Params: {fmt.exact(totals.total_params)} total = {fmt.exact(totals.trainable_params)} trainable"
                f" + {fmt.exact(totals.non_trainable_params)} non-trainable",
                f"MACs: {fmt.exact(totals.macs)}    FLOPs (2 x MACs): {fmt.exact(totals.flops)}",
                f"Activations: {fmt.exact(totals.activations)} elements = "
                f"{fmt.megabytes(totals.activations, bytes_per_element)} MB at {dtype}",
                f"Receptive field: {field_text}",
                *(_memory_lines(memory) if memory is not None else []),
            ]
        )
    )
    parts: list[RenderableType] = [table] if shown else [Text(f"cnncalc summary — {report.source}")]
    return Group(*parts, summary, *_warnings(report))


def _memory_lines(found: Memory) -> list[str]:
    """Input, parameters, forward activations and, with an optimizer, a training step (cnncalc.memory)."""
    lines = [
        f"Memory at batch {found.batch}, {found.dtype}: input {byte_size(found.input_bytes)}",
        f"  parameters {byte_size(found.parameter_bytes)}",
        f"  forward activations (every output kept) {byte_size(found.activation_bytes)}",
    ]
    if found.optimizer is not None:
        lines += [
            f"  activations saved for backward {byte_size(found.saved_activation_bytes)}",
            f"  training with {found.optimizer} (parameters + gradients + optimizer state + saved activations) "
            f"{byte_size(found.training_bytes)}",
        ]
    return lines


def _outputs(outputs: tuple[Shape, ...]) -> str:
    """``Output: 10``, or ``Outputs: 520×520×21 (last line), 520×520×21`` with auxiliary heads."""
    if len(outputs) == 1:
        return f"Output: {fmt.shape(outputs[0])}"
    return f"Outputs: {fmt.shape(outputs[0])} (last line), " + ", ".join(fmt.shape(s) for s in outputs[1:])


def render_receptive(report: Report, *, columns: Sequence[str] | None = None, wide: bool = False) -> RenderableType:
    """The receptive field of every layer, laid out like the summary (no cut digits)."""
    chosen, positions = _select(RECEPTIVE_COLUMNS, columns)
    cache = _Cached()
    cells: list[tuple[str, ...]] = []
    for row in report.rows:
        field = row.receptive_field
        concrete = field if isinstance(field, Field) else None
        cell = (
            str(row.index),
            _layer_name(row.label, row.kind),
            cache.shape(row.output_shape),
            fmt.field_size(field, row.field_notes),
            fmt.per_dim(concrete.jump) if concrete else "",
            fmt.per_dim(concrete.padding) if concrete else "",
        )
        cells.append(cell if columns is None else tuple(cell[i] for i in positions))
    table = FixedTable(
        title=f"cnncalc receptive field — {report.source}",
        columns=chosen,
        priority=RECEPTIVE_PRIORITY,
        cells=cells,
        wide=wide,
    )
    final = report.totals.receptive_field
    closing = Text(
        f"Receptive field of the backbone: {fmt.per_dim(final.size)} (jump {fmt.per_dim(final.jump)},"
        f" effective padding {fmt.per_dim(final.padding)})"
        if final
        else "Receptive field of the backbone: n/a"
    )
    return Group(table, closing, *_warnings(report))
