"""The JSON documents: plain dicts of ints, strings and lists.

Integers stay exact JSON integers; symbolic values are expression strings; keys
that do not apply are ``null``, never missing.
"""

from __future__ import annotations

import json
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


def layer_json(row: LayerRow) -> dict[str, Any]:
    window = row.window
    return {
        "index": row.index,
        "line": row.line,
        "label": row.label,
        "kind": row.kind,
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
        "receptive_field": row_field_json(row),
        "warnings": [describe(w) for w in row.warnings],
        # the groups the layer runs in, outermost first (block names, repetition indices)
        "block": list(row.block),
    }


def summary_json(report: Report) -> dict[str, Any]:
    with paused_gc():
        return _summary_json(report)


def _summary_json(report: Report) -> dict[str, Any]:
    totals = report.totals
    return {
        "schema": SUMMARY_SCHEMA,
        "input": shape_json(report.input_shape),
        "layers": [layer_json(row) for row in report.rows],
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
    parts = []
    for key, value in document.items():
        if key == rows_key and value:
            rows = ",\n    ".join(json.dumps(row) for row in value)
            parts.append(f'  "{rows_key}": [\n    {rows}\n  ]')
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}"
