"""The words for every diagnostic code (one place: tables, JSON warnings, the working)."""

from __future__ import annotations

from cnncalc.diagnostics import (
    DEAD_OUTPUT,
    INPUT_CHANNELS_FIRST,
    INPUT_RANK,
    NO_UNIFORM_WINDOW,
    NOT_ALIGNED,
    POOL_PADDING_OVER_HALF,
    POOL_WINDOW_OVER_INPUT,
    ROWS_DROPPED,
    SAME_ASYMMETRIC,
    SELF_OPERAND,
    UNDEFINED_AFTER,
    UNPROVEN_EQUAL,
    Diagnostic,
)
from cnncalc.dims import text

_WORDING = {
    SAME_ASYMMETRIC: "'same' padding on {axes} is asymmetric ({start}, {end}): "
    "the extra goes at the end, as in TensorFlow",
    ROWS_DROPPED: "stride {stride} does not divide I + Ps + Pe - Fe = {span} on {axes}: "
    "the last {lost} input position(s) there are never covered",
    POOL_PADDING_OVER_HALF: "padding {padding} on {axes} is more than half the window ({half}): "
    "PyTorch refuses this pooling",
    POOL_WINDOW_OVER_INPUT: "the window ({window}) is larger than the input ({size}) on {axes}:"
    " PyTorch's AvgPool3d refuses this, its other pools accept it",
    UNPROVEN_EQUAL: "'{name}' matches at every size tried, but sympy cannot prove {first} = {second}",
    NO_UNIFORM_WINDOW: "no single window describes this pooling (the sizes do not divide, or are symbolic), "
    "so no receptive field is reported from here on",
    UNDEFINED_AFTER: "the receptive field is not defined after {noun}: none is reported from here on",
    NOT_ALIGNED: "the merged paths' receptive fields are not aligned (different jumps or centres)",
    DEAD_OUTPUT: "nothing uses this {kind}'s output (a dead branch): its params and MACs still count; "
    "label it and name it in a later 'add'/'concat' or 'from=', or flag it 'output'",
    SELF_OPERAND: "'{kind} {name}' names the layer just before, which is already this layer's input: "
    "it combines that output with itself (did you mean another label?)",
    INPUT_RANK: "--input {given} has another rank than the file's input {written}: did you mean {suggestion}?",
    INPUT_CHANNELS_FIRST: "the input {given} looks channels-first; cnncalc reads H x W x C (channels last): "
    "did you mean {suggestion}?",
}


def describe(found: Diagnostic) -> str:
    """The sentence for a diagnostic, with its dims and numbers."""
    values = {name: _shown(value) for name, value in found.values}
    return _WORDING[found.code].format(axes=" and ".join(found.axes), **values)


def _shown(value: object) -> str:
    if isinstance(value, str):
        return value
    return text(value)
