"""The pipeline's middle stage: walk an :class:`Arch` and compute every layer.

``analyze(arch) -> Report``: one :class:`LayerRow` per executed layer (``repeat``
unrolled, each repetition with its own label scope), then the totals. The walk is
iterative, so a 100,000-layer file or deeply nested blocks never hit Python's
recursion limit. Nothing here prints or formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from cnncalc.diagnostics import (
    DEAD_OUTPUT,
    GLOBAL_CONTEXT,
    INPUT_CHANNELS_FIRST,
    INPUT_RANK,
    SELF_OPERAND,
    UNDEFINED_AFTER,
    Diagnostic,
    diagnostic,
)
from cnncalc.dims import Dim, paused_gc, product, symbol
from cnncalc.errors import CnncalcError
from cnncalc.graph import Groups, walk
from cnncalc.layers import REGISTRY
from cnncalc.layers.base import Computed, LayerContext
from cnncalc.model import Arch, InputSpec, LayerSpec, Shape, Window
from cnncalc.progression import Progression, parameter_name
from cnncalc.receptive import Field, FieldState, input_field
from cnncalc.records import constructor

BYTES_PER_ELEMENT = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}


@dataclass(frozen=True, kw_only=True, slots=True)
class LayerRow:
    """Everything cnncalc knows about one executed layer."""

    index: int
    line: int
    column: int
    label: str | None
    kind: str
    input_shape: Shape
    output_shape: Shape
    window: Window | None
    trainable_params: Dim
    non_trainable_params: Dim
    macs: Dim
    activations: Dim
    receptive_field: FieldState
    #: the codes of what the receptive field rule noted (``cnncalc.diagnostics``), global context too
    field_notes: tuple[str, ...]
    #: what a reader should be warned of, as data (worded by ``cnncalc.render.diagnostics``)
    warnings: tuple[Diagnostic, ...]
    #: the statement, every input shape (the first is ``input_shape``) and the kind's own
    #: result before ``trainable=no`` moved its params: what the working explains
    spec: LayerSpec
    inputs: tuple[Shape, ...]
    computed: Computed
    #: the groups the layer runs in, outermost first: block names and repetition indices
    #: (``("layer1", "0")``); empty at the top level
    block: tuple[str, ...] = ()
    #: one serial per group instance on ``block``'s path (two repetitions of a block differ)
    block_ids: tuple[int, ...] = ()
    #: the rows whose outputs are this layer's inputs, in ``inputs`` order (0: the network input)
    sources: tuple[int, ...] = ()

    @property
    def flops(self) -> Dim:
        return 2 * self.macs


@dataclass(frozen=True, kw_only=True, slots=True)
class Totals:
    trainable_params: Dim
    non_trainable_params: Dim
    macs: Dim
    activations: Dim
    output_shape: Shape
    receptive_field: Field | None
    #: every network output: the last line's, then the layers flagged ``output`` in file order
    outputs: tuple[Shape, ...]

    @property
    def total_params(self) -> Dim:
        return self.trainable_params + self.non_trainable_params

    @property
    def flops(self) -> Dim:
        return 2 * self.macs


@dataclass(frozen=True, kw_only=True, slots=True)
class Report:
    source: str
    input_shape: Shape
    rows: tuple[LayerRow, ...]
    totals: Totals

    def warnings(self) -> list[tuple[LayerRow, Diagnostic]]:
        return [(row, message) for row in self.rows for message in row.warnings]


def input_shape(spec: InputSpec, assumed: Mapping[str, Progression] | None = None) -> Shape:
    """The input as a :class:`Shape`; symbol names become sympy symbols here, lazily.

    A symbol with an assumption (``N % 32 == 0``) becomes its progression ``32*k_N``."""
    dims: list[Dim] = []
    for d in spec.dims:
        if isinstance(d, int):
            dims.append(d)
        elif assumed and d in assumed:
            progression = assumed[d]
            dims.append(progression.modulus * symbol(parameter_name(d)) + progression.offset)
        else:
            dims.append(symbol(d))
    return Shape(spatial=tuple(dims[:-1]), channels=dims[-1])


#: a layer's output as the walk carries it: shape, field, and the index of the row that made it (0: the input)
_Output = tuple[Shape, FieldState, int]
#: a layer's arithmetic depends only on its statement and its input shapes: keyed by the shapes'
#: values, and first by their identity (every shape stays alive in the rows until the walk ends,
#: so no id is reused), which hits without hashing shapes once a network repeats itself
_Memo = dict[tuple[object, ...], tuple[Computed, Dim]]


def analyze(arch: Arch, assumed: Mapping[str, Progression] | None = None) -> Report:
    """Compute shapes, padding, params, MACs and receptive fields of every layer.

    With ``assumed`` progressions the sizes are in their ``k`` parameters; see
    :func:`cnncalc.assume.restate` to show them in the input's symbols. When ``--input`` changed
    the input's rank and a layer then fails, the error's hint says so (did you mean 6x6x1?)."""
    with paused_gc():
        try:
            return _analyze(arch, assumed)
        except CnncalcError as error:
            found = sorted(_input_warnings(arch.input), key=lambda w: w.code != INPUT_RANK)
            if found:  # the rank change first: it explains the most
                why = (
                    "--input changed the input's rank"
                    if found[0].code == INPUT_RANK
                    else "the input looks channels-first"
                )
                error.hint = f"{why}: did you mean {found[0].value('suggestion')}?"
            raise


def _analyze(arch: Arch, assumed: Mapping[str, Progression] | None) -> Report:
    start = input_shape(arch.input, assumed)
    rows: list[LayerRow] = []
    memo: _Memo = {}
    groups = Groups()
    path: list[tuple[tuple[str, ...], tuple[int, ...]]] = [((), ())]

    def step(spec: LayerSpec, first: _Output, operands: list[_Output]) -> _Output:
        if len(path[0][1]) != len(groups.ids) or (groups.ids and path[0][1][-1] != groups.ids[-1]):
            path[0] = (tuple(groups.names), tuple(groups.ids))  # one tuple per group, shared by its rows
        row, output = _run_layer(spec, len(rows) + 1, first, operands, arch.source, memo, path[0])
        used[first[2]] = True
        for position, operand in enumerate(operands):
            used[operand[2]] = True
            if operand[2] == first[2] and operand[2] and spec.source is None and spec.kind in _MERGES:
                selfish.append((row.index, spec.operands[position]))
        used.append(False)
        rows.append(row)
        return output

    used = [True]  # by row index; the input (0) counts as used
    selfish: list[tuple[int, str]] = []
    final = walk(arch.body, (start, input_field(len(start.spatial)), 0), step, arch.source, groups=groups)
    _flag(rows, used, selfish, arch)
    return Report(source=arch.source, input_shape=start, rows=tuple(rows), totals=_totals(rows, final[0]))


#: the kinds that combine their input with named outputs
_MERGES = frozenset({"add", "mul", "concat"})


def _flag(rows: list[LayerRow], used: list[bool], selfish: list[tuple[int, str]], arch: Arch) -> None:
    """Warnings about the graph as a whole, added to the rows they concern (in place):
    dead outputs, merges that name their own input, and an input that looks mistaken."""
    extra: dict[int, list[Diagnostic]] = {}
    last = len(rows)
    for row in rows:
        if not used[row.index] and row.index != last and not row.spec.output:
            extra.setdefault(row.index, []).append(diagnostic(DEAD_OUTPUT, kind=row.kind, label=row.label or ""))
    for index, name in selfish:
        extra.setdefault(index, []).append(diagnostic(SELF_OPERAND, kind=rows[index - 1].kind, name=name))
    if rows:
        extra.setdefault(1, [])[:0] = _input_warnings(arch.input)
    for index, found in extra.items():
        if found:
            rows[index - 1] = replace(rows[index - 1], warnings=rows[index - 1].warnings + tuple(found))


def _input_warnings(spec: InputSpec) -> list[Diagnostic]:
    """``--input 6x6`` on a 2-D file (did you mean 6x6x1?); ``3x224x224`` (did you mean 224x224x3?)."""
    dims = spec.dims
    given = "x".join(str(d) for d in dims)
    found: list[Diagnostic] = []
    if spec.written is not None and len(spec.written) != len(dims):
        written = "x".join(str(d) for d in spec.written)
        if len(dims) == len(spec.written) - 1:
            suggestion = f"{given}x{spec.written[-1]}"
        else:
            suggestion = "x".join([*(str(d) for d in dims[: len(spec.written) - 1]), str(spec.written[-1])])
        found.append(diagnostic(INPUT_RANK, given=given, written=written, suggestion=suggestion))
    first, channels = dims[0], dims[-1]
    if (
        len(dims) >= 3
        and isinstance(first, int)
        and first in (1, 3, 4)
        and isinstance(channels, int)
        and channels > 4
        and all(d == channels or not isinstance(d, int) or d > 4 for d in dims[1:])
    ):
        suggestion = "x".join(str(d) for d in (*dims[1:], first))
        found.append(diagnostic(INPUT_CHANNELS_FIRST, given=given, suggestion=suggestion))
    return found


def _totals(rows: list[LayerRow], output: Shape) -> Totals:
    """Sums, and the backbone's field: the last one in file order that is a field at all
    (for a classifier, the last layer's before its head)."""
    trainable: Dim = 0
    non_trainable: Dim = 0
    macs: Dim = 0
    activations: Dim = 0
    for row in rows:
        trainable += row.trainable_params
        non_trainable += row.non_trainable_params
        macs += row.macs
        activations += row.activations
    last_local: FieldState | None = None
    for row in rows:  # the last field, in file order, that is neither global nor undefined
        if isinstance(row.receptive_field, Field):
            last_local = row.receptive_field
    return Totals(
        trainable_params=trainable,
        non_trainable_params=non_trainable,
        macs=macs,
        activations=activations,
        output_shape=output,
        receptive_field=last_local if isinstance(last_local, Field) else None,
        outputs=(output, *(row.output_shape for row in rows if row.spec.output)),
    )


def _named(note: Diagnostic, noun: str) -> Diagnostic:
    """The field rule does not know which kind it serves: the note about it gets the kind's noun."""
    if note.code == UNDEFINED_AFTER:
        return Diagnostic(code=note.code, axes=note.axes, values=(("noun", noun),))
    return note


#: ``LayerRow(**fields)`` without the frozen constructor's per-field cost: one row per layer
_new_row = constructor(LayerRow)


def _run_layer(
    spec: LayerSpec,
    index: int,
    first: _Output,
    operands: list[_Output],
    source: str,
    memo: _Memo,
    block: tuple[tuple[str, ...], tuple[int, ...]] = ((), ()),
) -> tuple[LayerRow, _Output]:
    kind = REGISTRY[spec.kind]
    if operands:
        inputs = (first[0], *(shape for shape, _, _ in operands))
        key: tuple[object, ...] = (spec.text or spec, *map(id, inputs))
        fields = [first[1], *(f for _, f, _ in operands)]
        sources = (first[2], *(index for _, _, index in operands))
    else:
        inputs = (first[0],)
        key = (spec.text or spec, id(first[0]))  # text is cheaper to hash; hand-built specs have none
        fields = [first[1]]
        sources = (first[2],)
    known = memo.get(key)
    if known is None:
        by_value = (spec.text or spec, inputs)
        known = memo.get(by_value)
        if known is None:
            result = kind.compute(LayerContext(spec, inputs, source))
            known = memo[by_value] = (result, product([*result.output.spatial, result.output.channels]))
        memo[key] = known
    computed, activations = known
    step = kind.receptive(computed.window, fields)
    field = step.field
    warnings = computed.warnings
    if step.notes:
        warnings += tuple(_named(note, kind.called()) for note in step.notes if note.code != GLOBAL_CONTEXT)
    params, frozen = computed.trainable_params, computed.non_trainable_params
    if not spec.trainable:
        params, frozen = 0, params + frozen
    output = computed.output
    row = _new_row(
        index=index,
        line=spec.line,
        column=spec.column,
        label=spec.label,
        kind=spec.kind,
        input_shape=first[0],
        output_shape=output,
        window=computed.window,
        trainable_params=params,
        non_trainable_params=frozen,
        macs=computed.macs,
        activations=activations,
        receptive_field=field,
        field_notes=tuple(note.code for note in step.notes) if step.notes else (),
        warnings=warnings,
        spec=spec,
        inputs=inputs,
        computed=computed,
        block=block[0],
        block_ids=block[1],
        sources=sources,
    )
    return row, (output, field, index)
