"""The working behind a report: per layer, its kind's lines plus the receptive field; then totals.

``explain_report(report) -> Working`` collects; :mod:`cnncalc.render.worked_solution` formats
(text, Markdown, LaTeX). The numbers on the right of every line are the pipeline's own
results; the working only shows how they arise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cnncalc.analysis import LayerRow, Report
from cnncalc.dims import Dim
from cnncalc.formula import Line, Math, add, letter, number, plus, restating, result, shape, times
from cnncalc.layers import REGISTRY
from cnncalc.layers.base import LayerContext
from cnncalc.layers.common import dim_name
from cnncalc.layers.worked_lines import dims_phrase
from cnncalc.model import Shape
from cnncalc.receptive import Field, global_field, window_field

#: longer sums are written as "sum over N layers" rather than term by term
MAX_TERMS = 12


@dataclass(frozen=True, slots=True)
class LayerWorking:
    row: LayerRow
    lines: tuple[Line, ...]
    before: Math  # the input shape, as shown
    after: Math


@dataclass(frozen=True, slots=True)
class Working:
    report: Report
    layers: tuple[LayerWorking, ...]
    totals: tuple[Line, ...]
    input: Math


def shape_of(value: Shape) -> Math:
    return shape([number(d) for d in value.as_list()])


def explain_report(report: Report, restate: Callable[[Dim], Dim] | None = None) -> Working:
    """The working of every layer; ``restate`` rewrites the sizes shown (``--assume``)."""
    with restating(restate):
        layers = tuple(
            LayerWorking(
                row, tuple(explain_row(row, report.source)), shape_of(row.input_shape), shape_of(row.output_shape)
            )
            for row in report.rows
        )
        return Working(
            report=report, layers=layers, totals=tuple(total_lines(report)), input=shape_of(report.input_shape)
        )


def explain_row(row: LayerRow, source: str) -> list[Line]:
    """The kind's own lines, then frozen params and the field."""
    kind = REGISTRY[row.spec.kind]
    ctx = LayerContext(row.spec, row.inputs, source)
    computed = row.computed
    if kind.explain is not None:
        lines = kind.explain(ctx, computed)
    else:
        lines = [Line(name=letter("output"), result=shape([number(d) for d in row.output_shape.as_list()]))]
    if not row.spec.trainable and row.non_trainable_params != computed.non_trainable_params:
        lines.append(
            Line(
                name=letter("non-trainable", r"\text{non-trainable}"),
                result=result(row.non_trainable_params),
                note="trainable=no: all of this layer's params are frozen",
            )
        )
    return lines + field_lines(row)


def field_lines(row: LayerRow) -> list[Line]:
    """``r = r_in + D(F-1)*j_in``, ``j = j_in*S``, ``P_eff = P_eff_in + Ps*j_in``.

    The input's field is recovered from the output's by inverting the recurrence, so
    no state has to travel with the rows."""
    rule = REGISTRY[row.spec.kind].receptive
    field = row.receptive_field
    if rule is global_field:
        return [Line(name=letter("receptive field", r"\text{receptive field}"), result=letter("global"))]
    if rule is not window_field or row.window is None or not isinstance(field, Field):
        return []
    window = row.window
    rank = len(window.kernel)
    groups: dict[tuple[object, ...], list[int]] = {}
    before: list[tuple[Dim, int, Dim]] = []
    for axis in range(rank):
        jump_in = field.jump[axis] // window.stride[axis]
        size_in = field.size[axis] - (window.span[axis] - 1) * jump_in
        padding_in = field.padding[axis] - window.padding[axis][0] * jump_in
        before.append((size_in, jump_in, padding_in))
        key = (
            str(size_in),
            jump_in,
            str(padding_in),
            window.span[axis],
            window.stride[axis],
            str(window.padding[axis][0]),
        )
        groups.setdefault(key, []).append(axis)
    lines: list[Line] = []
    for axes in groups.values():
        axis = axes[0]
        size_in, jump_in, padding_in = before[axis]
        where = dims_phrase([dim_name(rank, a) for a in axes]) if len(groups) > 1 else ""
        start = window.padding[axis][0]
        lines.append(
            Line(
                name=letter("r"),
                formula=plus(letter("r_in", "r_{in}"), ("+", times(letter("D(F-1)"), letter("j_in", "j_{in}")))),
                numbers=plus(number(size_in), ("+", times(number(window.span[axis] - 1), number(jump_in)))),
                result=number(field.size[axis]),
                what=f"receptive field on {where}" if where else "receptive field",
            )
        )
        lines.append(
            Line(
                name=letter("j"),
                formula=times(letter("j_in", "j_{in}"), letter("S")),
                numbers=times(number(jump_in), number(window.stride[axis])),
                result=number(field.jump[axis]),
                what="jump" + (f" on {where}" if where else ""),
            )
        )
        if str(start) != "0" or str(padding_in) != "0":
            lines.append(
                Line(
                    name=letter("P_eff", r"P_{\text{eff}}"),
                    formula=plus(
                        letter("P_eff_in", r"P_{\text{eff},in}"),
                        ("+", times(letter("Ps", "P_s"), letter("j_in", "j_{in}"))),
                    ),
                    numbers=plus(number(padding_in), ("+", times(number(start), number(jump_in)))),
                    result=number(field.padding[axis]),
                    what="effective padding" + (f" on {where}" if where else ""),
                )
            )
    return lines


def _sum(name: Math, values: list[Dim], total: Dim, what: str = "", note: str = "") -> Line:
    """``name = a + b + c = total``; past MAX_TERMS the terms are not written out."""
    if len(values) > MAX_TERMS:
        return Line(
            name=name,
            formula=letter(f"sum over {len(values)} layers", rf"\text{{sum over {len(values)} layers}}"),
            result=result(total),
            what=what,
            note=note,
        )
    if len(values) <= 1:
        return Line(name=name, result=result(total), what=what, note=note)
    return Line(name=name, numbers=add(*(result(v) for v in values)), result=result(total), what=what, note=note)


def total_lines(report: Report) -> list[Line]:
    """Params by family (conv, fc, bn) as homework asks, then the totals, MACs and FLOPs."""
    totals = report.totals
    lines: list[Line] = []
    families: dict[str, list[Dim]] = {}
    for row in report.rows:
        params = row.trainable_params + row.non_trainable_params
        if str(params) != "0":
            families.setdefault(REGISTRY[row.spec.kind].counts_as, []).append(params)
    subtotals: list[Dim] = []
    if len(families) > 1:
        for family, values in families.items():
            subtotal: Dim = 0
            for value in values:
                subtotal += value
            subtotals.append(subtotal)
            lines.append(
                _sum(letter(f"params ({family} layers)", rf"\text{{params ({family} layers)}}"), values, subtotal)
            )
    else:
        subtotals = next(iter(families.values()), [])
    lines.append(_sum(letter("total params", r"\text{total params}"), subtotals, totals.total_params))
    if str(totals.non_trainable_params) != "0":
        lines.append(
            Line(
                name=letter("trainable params", r"\text{trainable params}"),
                numbers=plus(result(totals.total_params), ("-", result(totals.non_trainable_params))),
                result=result(totals.trainable_params),
                note="non-trainable: running statistics (bn, normalization) and frozen layers",
            )
        )
    macs = [row.macs for row in report.rows if str(row.macs) != "0"]
    lines.append(_sum(letter("MACs"), macs, totals.macs))
    lines.append(
        Line(
            name=letter("FLOPs"),
            formula=times(number(2), letter("MACs")),
            numbers=times(number(2), result(totals.macs)),
            result=result(totals.flops),
        )
    )
    lines.append(Line(name=letter("output"), result=shape([number(d) for d in totals.output_shape.as_list()])))
    field = totals.receptive_field
    if field is not None:
        lines.append(
            Line(
                name=letter("receptive field", r"\text{receptive field}"),
                result=shape([number(r) for r in field.size]),
                note="of the last layer before the first global one",
            )
        )
    return lines
