"""The JSON documents: plain dicts of ints, strings and lists.

Integers stay exact JSON integers; symbolic values are expression strings; keys
that do not apply are ``null``, never missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cnncalc.analysis import LayerRow, Report
from cnncalc.diagnostics import GLOBAL_CONTEXT
from cnncalc.dims import Dim, paused_gc, to_json
from cnncalc.memory import Memory
from cnncalc.model import Shape
from cnncalc.receptive import Field, FieldState
from cnncalc.render.diagnostics import describe

SUMMARY_SCHEMA = "cnncalc.summary/1"
RECEPTIVE_SCHEMA = "cnncalc.receptive_field/1"


def _ints(values: tuple[Dim, ...] | list[Dim]) -> list[int | str]:
    # plain ints are by far the common case; only symbolic values need converting
    if all(type(v) is int for v in values):
        return list(values)
    return [to_json(v) for v in values]


def shape_json(shape: Shape) -> list[int | str]:
    return _ints([*shape.spatial, shape.channels])


def field_json(field: FieldState | None) -> dict[str, list[int | str]] | None:
    if not isinstance(field, Field):
        return None
    return {"size": _ints(field.size), "jump": _ints(field.jump), "effective_padding": _ints(field.padding)}


def row_field_json(row: LayerRow) -> dict[str, Any] | None:
    """A layer's field, and whether it also sees the whole input through a global path
    (squeeze-and-excitation: the field is that of its local paths)."""
    field = field_json(row.receptive_field)
    if field is None:
        return None
    return {**field, "global_context": GLOBAL_CONTEXT in row.field_notes}


def _middle_json(row: LayerRow) -> dict[str, Any]:
    """The part of a layer's object that depends on its shapes, window and counts only."""
    window = row.window
    return {
        "input_shape": shape_json(row.input_shape),
        "output_shape": shape_json(row.output_shape),
        "kernel": _ints(window.kernel) if window else None,
        "stride": _ints(window.stride) if window else None,
        "dilation": _ints(window.dilation) if window else None,
        "padding": [_ints(pair) for pair in window.padding] if window else None,
        "trainable_params": to_json(row.trainable_params),
        "non_trainable_params": to_json(row.non_trainable_params),
        "macs": to_json(row.macs),
        "flops": to_json(row.flops),
        "activations": to_json(row.activations),
    }


def layer_json(row: LayerRow) -> dict[str, Any]:
    """One layer's JSON object (``summary --json`` writes one per executed layer)."""
    return {
        "index": row.index,
        "line": row.line,
        "label": row.label,
        "kind": row.kind,
        **_middle_json(row),
        "receptive_field": row_field_json(row),
        "warnings": [describe(w) for w in row.warnings],
        # the groups the layer runs in, outermost first (block names, repetition indices)
        "block": list(row.block),
    }


class EncodedLayers(list[str]):
    """A document's layers already encoded: each exactly ``json.dumps(layer_json(row))``.
    :func:`dumps` writes them as they are; only for writing (``summary_json(report, encoded=True)``)."""

    __slots__ = ()


_string = json.encoder.encode_basestring_ascii  # json.dumps's own (ensure_ascii) string encoder


class _Encoder:
    """Encodes the layers of one document without building their objects. A network repeats
    itself (the same statement on the same input gives the same shapes, window and counts; a ReLU
    keeps its input's field), so each part is encoded once, keyed by the identity of the objects
    it comes from (the report holds them for the whole call) and, for the counts, their values."""

    def __init__(self) -> None:
        self.middles: dict[tuple[object, ...], str] = {}
        self.fields: dict[tuple[int, bool], str] = {}
        self.blocks: dict[int, str] = {}
        self.kinds: dict[str, str] = {}

    def field(self, row: LayerRow) -> str:
        state = row.receptive_field
        if not isinstance(state, Field):
            return "null"
        for value in state.padding:  # sizes and jumps are ints; a padding may be symbolic
            if type(value) is not int:
                return json.dumps(row_field_json(row))
        context = "true" if GLOBAL_CONTEXT in row.field_notes else "false"
        # a list of ints prints as json.dumps writes it: [1, 2]
        return (
            f'{{"size": {list(state.size)}, "jump": {list(state.jump)}, '
            f'"effective_padding": {list(state.padding)}, "global_context": {context}}}'
        )

    def layer(self, row: LayerRow) -> str:
        key = (
            id(row.input_shape),
            id(row.output_shape),
            id(row.window),
            row.trainable_params,
            row.non_trainable_params,
            row.macs,
            row.activations,
        )
        middle = self.middles.get(key)
        if middle is None:
            middle = self.middles[key] = json.dumps(_middle_json(row))[1:-1]
        field_key = (id(row.receptive_field), GLOBAL_CONTEXT in row.field_notes if row.field_notes else False)
        field = self.fields.get(field_key)
        if field is None:
            field = self.fields[field_key] = self.field(row)
        block = self.blocks.get(id(row.block))
        if block is None:
            block = self.blocks[id(row.block)] = json.dumps(list(row.block))
        kind = self.kinds.get(row.kind)
        if kind is None:
            kind = self.kinds[row.kind] = _string(row.kind)
        label = "null" if row.label is None else _string(row.label)
        warnings = json.dumps([describe(w) for w in row.warnings]) if row.warnings else "[]"
        return (
            f'{{"index": {row.index}, "line": {row.line}, "label": {label}, "kind": {kind}, {middle}, '
            f'"receptive_field": {field}, "warnings": {warnings}, "block": {block}}}'
        )


def summary_json(report: Report, *, encoded: bool = False) -> dict[str, Any]:
    """The summary document. With ``encoded`` its layers are :class:`EncodedLayers`, for
    :func:`dumps` only (the CLI's ``--json``: a 100,000-layer file never builds 100,000 objects)."""
    with paused_gc():
        return _summary_json(report, encoded)


def _summary_json(report: Report, encoded: bool) -> dict[str, Any]:
    totals = report.totals
    if encoded:
        encoder = _Encoder()
        layers: list[Any] = EncodedLayers(encoder.layer(row) for row in report.rows)
    else:
        layers = [layer_json(row) for row in report.rows]
    return {
        "schema": SUMMARY_SCHEMA,
        "input": shape_json(report.input_shape),
        "layers": layers,
        "totals": {
            "trainable_params": to_json(totals.trainable_params),
            "non_trainable_params": to_json(totals.non_trainable_params),
            "total_params": to_json(totals.total_params),
            "macs": to_json(totals.macs),
            "flops": to_json(totals.flops),
            "output_shape": shape_json(totals.output_shape),
            "outputs": [shape_json(shape) for shape in totals.outputs],
            "receptive_field": field_json(totals.receptive_field),
        },
    }


def memory_json(found: Memory) -> dict[str, Any]:
    """The memory figures in bytes (exact integers; conventions in :mod:`cnncalc.memory`)."""
    return {
        "batch": found.batch,
        "dtype": found.dtype,
        "bytes_per_element": found.bytes_per_element,
        "input_bytes": to_json(found.input_bytes),
        "parameter_bytes": to_json(found.parameter_bytes),
        "forward_activation_bytes": to_json(found.activation_bytes),
        "optimizer": found.optimizer,
        "gradient_bytes": to_json(found.gradient_bytes),
        "optimizer_state_bytes": to_json(found.optimizer_bytes),
        "training_bytes_without_saved_activations": to_json(found.weights_bytes) if found.optimizer else None,
        "saved_activation_bytes": to_json(found.saved_activation_bytes) if found.optimizer else None,
        "training_bytes": to_json(found.training_bytes) if found.optimizer else None,
    }


def receptive_json(report: Report) -> dict[str, Any]:
    return {
        "schema": RECEPTIVE_SCHEMA,
        "input": shape_json(report.input_shape),
        "layers": [
            {
                "index": row.index,
                "line": row.line,
                "label": row.label,
                "kind": row.kind,
                "output_shape": shape_json(row.output_shape),
                "receptive_field": row_field_json(row),
                "warnings": [describe(w) for w in row.warnings],
                # as in the summary: the groups the layer runs in, outermost first
                "block": list(row.block),
            }
            for row in report.rows
        ],
        "totals": {"receptive_field": field_json(report.totals.receptive_field)},
    }


def dumps_models(document: dict[str, Any]) -> str:
    """Like :func:`dumps`, one model per line."""
    return dumps(document, rows_key="models")


def dumps(document: dict[str, Any], rows_key: str = "layers") -> str:
    """Top-level keys one per line and each layer on one line of its own.

    Readable in a diff and fast: ``indent=`` would switch json to its pure-Python
    encoder, many times slower on a 100,000-layer report.
    """
    return "".join(pieces(document, rows_key))


def pieces(document: dict[str, Any], rows_key: str = "layers") -> Iterator[str]:
    """The text of :func:`dumps` in pieces, to be written without first being joined (a
    100,000-layer summary is 45 MB of text: every copy of it costs)."""
    separator = "{\n"
    for key, value in document.items():
        yield separator
        separator = ",\n"
        if key == rows_key and value:
            yield f'  "{rows_key}": [\n    '
            rows = iter(value if type(value) is EncodedLayers else map(json.dumps, value))
            yield next(rows)
            for row in rows:
                yield ",\n    "
                yield row
            yield "\n  ]"
        else:
            yield f"  {json.dumps(key)}: {json.dumps(value)}"
    yield "\n}" if document else "{\n\n}"
