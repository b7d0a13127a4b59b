"""The working lines shared by the windowed kinds: padding, output size, output shape.

Every formula is written once over :mod:`cnncalc.formula` atoms and instantiated twice,
with letters and with this layer's numbers; the result shown is the pipeline's own
value, so a slip here can only make the working disagree with the answer — which the
tests check by evaluating the numbers line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from cnncalc.dims import Dim, as_int, ceil_div, floor_div
from cnncalc.formula import Line, Math, call, ceil, floor, letter, number, over, pair, plus, result, shape, times
from cnncalc.layers.base import Computed, LayerContext
from cnncalc.layers.common import dim_name
from cnncalc.model import Window

ONE = number(1)
TWO = number(2)
SizeMode = Literal["floor", "ceil", "transposed"]


def dims_phrase(names: Sequence[str]) -> str:
    """``H``, ``H and W``, ``D, H and W``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def axis_groups(ctx: LayerContext, window: Window, extra: tuple[int, ...] | None = None) -> list[list[int]]:
    """Axes whose numbers are all the same share their working lines."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for axis, size in enumerate(ctx.input.spatial):
        key = (
            str(size),
            window.kernel[axis],
            window.stride[axis],
            window.dilation[axis],
            tuple(str(p) for p in window.padding[axis]),
            extra[axis] if extra else 0,
        )
        groups.setdefault(key, []).append(axis)
    return list(groups.values())


def _suffix(ctx: LayerContext, groups: list[list[int]], axes: list[int]) -> str:
    """No subscript when one line covers every dim; ``_H`` (or ``_H,W``) otherwise."""
    if len(groups) == 1:
        return ""
    rank = len(ctx.input.spatial)
    return "_" + ",".join(dim_name(rank, a) for a in axes)


def _lettered(name: str, suffix: str) -> Math:
    return letter(name + suffix, name + ("_{" + suffix[1:] + "}" if suffix else ""))


def output_letters(ctx: LayerContext, groups: list[list[int]]) -> list[Math]:
    """The letter of each dim's output size, as the size lines named it (``O`` or ``O_H``)."""
    letters: list[Math] = [letter("O")] * len(ctx.input.spatial)
    for axes in groups:
        for axis in axes:
            letters[axis] = _lettered("O", _suffix(ctx, groups, [axis] if len(groups) > 1 else axes))
    return letters


def padding_lines(ctx: LayerContext, window: Window, *, cheatsheet: bool = False) -> list[Line]:
    """How each dim's ``(Ps, Pe)`` was resolved: stated, or derived from ``same``/``full``."""
    padding = ctx.spec.padding
    mode = "valid" if padding is None else padding.mode
    groups = axis_groups(ctx, window)
    rank = len(ctx.input.spatial)
    lines: list[Line] = []
    for axes in groups:
        axis = axes[0]
        where = dims_phrase([dim_name(rank, a) for a in axes])
        pads = window.padding[axis]
        if mode == "same":
            lines += same_padding_lines(
                ctx.input.spatial[axis],
                window.kernel[axis],
                window.stride[axis],
                window.dilation[axis],
                pads,
                where,
                cheatsheet=cheatsheet,
            )
            continue
        if mode == "full":
            lines.append(
                Line(
                    name=letter("Ps = Pe", "P_s = P_e"),
                    formula=letter("D(F-1)"),
                    numbers=number(window.dilation[axis] * (window.kernel[axis] - 1)),
                    result=number(pads[0]),
                    what=f"padding 'full' on {where}",
                )
            )
            continue
        label = "valid" if mode == "valid" else f"P={padding}"
        lines.append(
            Line(
                name=letter("(Ps, Pe)", "(P_s, P_e)"),
                result=pair(*map(number, pads)),
                what=f"padding {label} on {where}",
            )
        )
    return lines


def same_padding_lines(
    size: Dim, kernel: int, stride: int, dilation: int, pads: tuple[Dim, Dim], where: str, *, cheatsheet: bool = False
) -> list[Line]:
    """TensorFlow ``SAME``: the total, then its split with the odd pixel at the end.

    With ``cheatsheet`` also the course cheatsheet's ``P_start``/``P_end`` formula, which
    agrees wherever it is not negative (it can be when F < S; TensorFlow then pads 0).
    """

    def total(i: Math, s: Math, df: Math) -> Math:
        return call(
            "max", plus(times(plus(ceil(over(i, s)), ("-", ONE)), s), ("+", df), ("+", ONE), ("-", i)), number(0)
        )

    numbers = (number(size), number(stride), number(dilation * (kernel - 1)))
    total_value = pads[0] + pads[1]
    t = letter("T")
    lines = [
        Line(
            name=t,
            formula=total(letter("I"), letter("S"), letter("D(F-1)")),
            numbers=total(*numbers),
            result=number(total_value),
            what=f"padding 'same' on {where}, total",
        ),
        Line(
            name=letter("(Ps, Pe)", "(P_s, P_e)"),
            formula=pair(floor(over(t, TWO)), plus(t, ("-", floor(over(t, TWO))))),
            numbers=pair(
                floor(over(number(total_value), TWO)),
                plus(number(total_value), ("-", floor(over(number(total_value), TWO)))),
            ),
            result=pair(number(pads[0]), number(pads[1])),
            what="split, the odd pixel at the end",
        ),
    ]
    if cheatsheet:
        fe = dilation * (kernel - 1) + 1

        def inner(i: Math, s: Math, f: Math) -> Math:
            return over(plus(times(s, ceil(over(i, s))), ("-", i), ("+", f), ("-", s)), TWO)

        value = stride * ceil_div(size, stride) - size + fe - stride
        start, end = floor_div(value, 2), ceil_div(value, 2)
        letters = (letter("I"), letter("S"), letter("Fe", "F_e"))
        nums = (number(size), number(stride), number(fe))
        start_note = "negative: TensorFlow and cnncalc pad 0 there" if _negative(start) else ""
        concrete_end = as_int(end), as_int(pads[1])
        differs = None not in concrete_end and concrete_end[0] != concrete_end[1]
        end_note = f"cnncalc pads {pads[1]} at the end, as TensorFlow" if differs else ""
        for name, tex, rounding, value, note in (
            ("P_start", r"P_{\text{start}}", floor, start, start_note),
            ("P_end", r"P_{\text{end}}", ceil, end, end_note),
        ):
            lines.append(
                Line(
                    name=letter(name, tex),
                    formula=rounding(inner(*letters)),
                    numbers=rounding(inner(*nums)),
                    result=number(value),
                    what="cheatsheet",
                    note=note,
                )
            )
    return lines


def _negative(value: Dim) -> bool:
    concrete = as_int(value)
    return concrete is not None and concrete < 0


def size_formula(mode: SizeMode) -> Callable[..., Math]:
    def windowed(i: Math, ps: Math, pe: Math, df: Math, s: Math, op: Math) -> Math:
        rounding = ceil if mode == "ceil" else floor
        return plus(rounding(over(plus(i, ("+", ps), ("+", pe), ("-", df), ("-", ONE)), s)), ("+", ONE))

    def transposed(i: Math, ps: Math, pe: Math, df: Math, s: Math, op: Math) -> Math:
        return plus(times(plus(i, ("-", ONE)), s), ("-", ps), ("-", pe), ("+", df), ("+", ONE), ("+", op))

    return transposed if mode == "transposed" else windowed


def size_lines(
    ctx: LayerContext, window: Window, computed: Computed, mode: SizeMode, extra: tuple[int, ...] | None = None
) -> list[Line]:
    """``O = floor((I + Ps + Pe - D(F-1) - 1)/S) + 1 = ... = 126`` per group of equal dims."""
    groups = axis_groups(ctx, window, extra)
    names = output_letters(ctx, groups)
    formula = size_formula(mode)
    letters = [letter("I"), letter("Ps", "P_s"), letter("Pe", "P_e"), letter("D(F-1)"), letter("S"), letter("OP")]
    lines: list[Line] = []
    for axes in groups:
        axis = axes[0]
        ps, pe = window.padding[axis]
        stride = window.stride[axis]
        values = [
            number(ctx.input.spatial[axis]),
            number(ps),
            number(pe),
            number(window.dilation[axis] * (window.kernel[axis] - 1)),
            number(stride),
            number(extra[axis] if extra else 0),
        ]
        final = computed.output.spatial[axis]
        if mode == "ceil":
            span = ctx.input.spatial[axis] + ps + pe - window.span[axis]
            before = ceil_div(span, stride) + 1
            if str(before) != str(final):
                lines.append(
                    Line(name=names[axis], formula=formula(*letters), numbers=formula(*values), result=number(before))
                )
                last = plus(floor(over(plus(letters[0], ("+", letters[1]), ("-", ONE)), letters[4])), ("+", ONE))
                lines.append(
                    Line(
                        name=names[axis],
                        formula=last,
                        numbers=plus(floor(over(plus(values[0], ("+", values[1]), ("-", ONE)), values[4])), ("+", ONE)),
                        result=number(final),
                        note="windows starting inside the input; PyTorch drops one starting in the padding",
                    )
                )
                continue
        lines.append(Line(name=names[axis], formula=formula(*letters), numbers=formula(*values), result=number(final)))
    return lines


def output_shape_line(
    ctx: LayerContext, window: Window, computed: Computed, channels: Math, extra: tuple[int, ...] | None = None
) -> Line:
    """``output = OxOxK = 126x126x32``."""
    names = output_letters(ctx, axis_groups(ctx, window, extra))
    values = [number(d) for d in computed.output.as_list()]
    return Line(name=letter("output"), formula=shape([*names, channels]), result=shape(values))


def kernel_taps(window: Window) -> tuple[Math, Math]:
    """``F*F`` and its numbers ``3*3`` (one factor per spatial dim)."""
    return times(*[letter("F")] * len(window.kernel)), times(*map(number, window.kernel))


def count_line(name: str, formula: Math, numbers: Math, value: Dim, note: str = "") -> Line:
    return Line(name=letter(name), formula=formula, numbers=numbers, result=result(value), note=note)


def per_group(letters: Math, value: Math, groups: int) -> tuple[Math, Math]:
    """``C/G`` and ``3/2``, or just ``C`` and ``3`` when there are no groups to divide by."""
    if groups == 1:
        return letters, value
    return over(letters, letter("G")), over(value, number(groups))
