"""Diagnostics as data: what a layer or the field rule noticed, as a code, the dims it concerns
and the numbers behind it. Nothing here words them: :mod:`cnncalc.render.diagnostics` does, and
features (``verify``, ``sizes``) read the codes and numbers instead of matching prose.
"""

from __future__ import annotations

from dataclasses import dataclass

#: 'same' padding whose odd pixel goes at the end (start, end)
SAME_ASYMMETRIC = "padding.same-asymmetric"
#: a stride that leaves the last input positions uncovered (stride, span, lost)
ROWS_DROPPED = "window.rows-dropped"
#: pooling padding larger than half the window, which PyTorch refuses (padding, half)
POOL_PADDING_OVER_HALF = "pool.padding-over-half"
#: a pooling window larger than its input (window, size)
POOL_WINDOW_OVER_INPUT = "pool.window-over-input"
#: two symbolic dims that agree at every size tried but sympy cannot prove equal (name, first, second)
UNPROVEN_EQUAL = "merge.unproven-equal"
#: adaptive pooling whose windows differ: no field from here on
NO_UNIFORM_WINDOW = "field.no-window"
#: no receptive field after this kind (noun: "a transposed conv", "upsampling")
UNDEFINED_AFTER = "field.undefined"
#: merged paths whose jumps or centres differ
NOT_ALIGNED = "field.not-aligned"
#: a merged path came through a global layer (squeeze-and-excitation): not a warning, a note
GLOBAL_CONTEXT = "field.global-context"

#: a layer whose output no later layer reads and that is not an output (kind, label)
DEAD_OUTPUT = "graph.dead-output"
#: add/mul/concat naming the layer just before, which is already its first input (kind, name)
SELF_OPERAND = "graph.self-operand"
#: --input has another rank than the file's input line (given, written, suggestion)
INPUT_RANK = "input.rank-changed"
#: an input whose first dim looks like a channel count (given, suggestion)
INPUT_CHANNELS_FIRST = "input.channels-first"

Value = object


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    #: the dims it concerns ("H", "W"), empty when it is about the layer as a whole
    axes: tuple[str, ...] = ()
    #: the numbers behind it, by name
    values: tuple[tuple[str, Value], ...] = ()

    def value(self, name: str) -> Value:
        return dict(self.values)[name]


def diagnostic(code: str, axes: tuple[str, ...] = (), **values: Value) -> Diagnostic:
    return Diagnostic(code=code, axes=axes, values=tuple(values.items()))
