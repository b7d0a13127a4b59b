"""The rows a summary shows at a depth: layers, or blocks collapsed to one row with subtotals.

As torchinfo's ``depth``: at depth ``N`` a layer nested in ``N`` or more groups is folded into
its enclosing group at level ``N``, which shows the sum of its params and MACs, the output
shape and receptive field of its last layer, and the input of its first; a layer nested less
deeply is shown itself. Depth 0 folds everything into the totals (no rows). No depth: every
layer. Groups are told apart by instance, so two repetitions of a block are two rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnncalc.analysis import LayerRow
from cnncalc.dims import Dim
from cnncalc.model import Shape, Window
from cnncalc.receptive import FieldState


@dataclass(frozen=True, kw_only=True, slots=True)
class Entry:
    """One shown row: a layer (``group`` empty) or a collapsed group."""

    first: int
    last: int
    #: the group's path (``("layer1", "0")``), empty for a single layer
    group: tuple[str, ...]
    label: str | None
    kind: str
    input_shape: Shape
    output_shape: Shape
    window: Window | None
    trainable_params: Dim
    non_trainable_params: Dim
    macs: Dim
    receptive_field: FieldState
    field_notes: tuple[str, ...]
    #: for a layer shown inside a group at some depth, that group's path
    within: tuple[str, ...] = ()

    @property
    def layers(self) -> int:
        return self.last - self.first + 1


def single(row: LayerRow, within: bool = False) -> Entry:
    """A layer as a row; ``within`` keeps its group path for display (with ``--depth``)."""
    return Entry(
        within=row.block if within else (),
        first=row.index,
        last=row.index,
        group=(),
        label=row.label,
        kind=row.kind,
        input_shape=row.input_shape,
        output_shape=row.output_shape,
        window=row.window,
        trainable_params=row.trainable_params,
        non_trainable_params=row.non_trainable_params,
        macs=row.macs,
        receptive_field=row.receptive_field,
        field_notes=row.field_notes,
    )


def _folded(rows: Sequence[LayerRow], depth: int) -> Entry:
    first, last = rows[0], rows[-1]
    trainable: Dim = 0
    frozen: Dim = 0
    macs: Dim = 0
    for row in rows:
        trainable += row.trainable_params
        frozen += row.non_trainable_params
        macs += row.macs
    return Entry(
        first=first.index,
        last=last.index,
        group=first.block[:depth],
        label=None,
        kind="block",
        input_shape=first.input_shape,
        output_shape=last.output_shape,
        window=None,
        trainable_params=trainable,
        non_trainable_params=frozen,
        macs=macs,
        receptive_field=last.receptive_field,
        field_notes=last.field_notes,
    )


def entries(rows: Sequence[LayerRow], depth: int | None) -> list[Entry]:
    """The rows to show at ``depth`` (None: every layer)."""
    if depth is None:
        return [single(row) for row in rows]
    if depth <= 0:
        return []
    shown: list[Entry] = []
    run: list[LayerRow] = []
    key: tuple[int, ...] = ()
    for row in rows:
        if len(row.block_ids) >= depth:
            here = row.block_ids[:depth]
            if run and here == key:
                run.append(row)
                continue
            if run:
                shown.append(_folded(run, depth))
            run, key = [row], here
            continue
        if run:
            shown.append(_folded(run, depth))
            run = []
        shown.append(single(row, within=True))
    if run:
        shown.append(_folded(run, depth))
    return shown
