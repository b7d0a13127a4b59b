"""Which input sizes suit a network: ``cnncalc sizes FILE --range 200:256``.

A size is *exact* when every strided layer's stride divides its input size (the map
shrinks by exactly S, as ResNet's does at multiples of 32), no real input row is dropped
by a floor-mode layer, no ceil-mode window hangs past the padded input, every ``same``
padding is symmetric and every adaptive pool has equal windows. Each size runs
through the ordinary numeric pipeline, so a size that fails (a window larger than its
input, a merge of unequal sizes) is reported with the pipeline's own message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from cnncalc.analysis import LayerRow, Report, analyze
from cnncalc.arch.reader import count_layers
from cnncalc.diagnostics import ROWS_DROPPED, SAME_ASYMMETRIC
from cnncalc.dims import as_int
from cnncalc.errors import CnncalcError, UsageError
from cnncalc.layers import REGISTRY
from cnncalc.layers.common import dim_name
from cnncalc.limits import MAX_DIGITS, SIZES, check_work
from cnncalc.model import Arch, Shape
from cnncalc.receptive import window_field

#: ranges longer than this are refused (each size is a full pipeline run)
MAX_SIZES = 100_000


@dataclass(frozen=True, slots=True)
class SizeCheck:
    size: int
    input_shape: Shape | None
    output_shape: Shape | None
    problems: tuple[str, ...]
    error: str | None

    @property
    def exact(self) -> bool:
        return self.error is None and not self.problems


def parse_range(text: str) -> range:
    """``200:256`` (both ends included) or ``200:256:8``."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(
        p.strip().isdigit() and p.strip().isascii() and len(p.strip()) <= MAX_DIGITS for p in parts
    ):
        raise UsageError(f"--range {text[:60]!r}: expected FIRST:LAST or FIRST:LAST:STEP", hint="e.g. --range 200:256")
    first, last, *rest = (int(p) for p in parts)
    step = rest[0] if rest else 1
    if first < 1 or last < first or step < 1:
        raise UsageError(f"--range {text[:60]!r}: need 1 <= FIRST <= LAST and STEP >= 1")
    count = (last - first) // step + 1  # not len(range): it overflows past 2^63
    if count > MAX_SIZES:
        shown = f"{count:,}" if count < 10**30 else f"about 10^{len(str(count)) - 1}"
        raise UsageError(f"--range {text[:60]!r}: {shown} sizes; cnncalc checks at most {MAX_SIZES:,} at once")
    return range(first, last + 1, step)


def with_size(arch: Arch, size: int, symbols: frozenset[str] | None = None) -> Arch:
    """The architecture with every symbol (or, without symbols, every spatial dim) set to ``size``."""
    dims = arch.input.dims
    named = {d for d in dims[:-1] if isinstance(d, str)} if symbols is None else symbols
    new = tuple(size if d in named else d for d in dims) if named else (*[size] * (len(dims) - 1), dims[-1])
    return replace(arch, input=replace(arch.input, dims=new))


def exactness_problems(report: Report) -> list[str]:
    """Why a numeric report is not exact: dropped rows, overhanging windows, lopsided padding."""
    problems: list[str] = []
    for row in report.rows:
        problems += _row_problems(row)
    return problems


def _row_problems(row: LayerRow) -> list[str]:
    """Strides that do not divide, and what the layer itself noticed (lopsided 'same' padding,
    dropped rows), per dim; ceil-mode overhang and off-centre crops."""
    kind = REGISTRY[row.spec.kind]
    if kind.receptive is not window_field:
        return []
    where = f"line {row.line} ({row.kind})"
    window = row.window
    if window is None:
        return [f"{where}: the adaptive pooling windows differ in size"]
    rank = len(window.kernel)
    noticed: dict[str, list[str]] = {}  # dim -> the layer's own diagnostics about it, worded here
    for found in row.warnings:
        for name in found.axes:
            if found.code == SAME_ASYMMETRIC:
                message = f"'same' padding on {{dims}} is lopsided ({found.value('start')}, {found.value('end')})"
            elif found.code == ROWS_DROPPED:
                message = f"drops the last {found.value('lost')} row(s) of {{dims}}"
            else:
                continue
            noticed.setdefault(name, []).append(message)
    found_by_message: dict[str, list[str]] = {}  # one message for every dim with the same numbers
    for axis in range(rank):
        name = dim_name(rank, axis)
        size = as_int(row.input_shape.spatial[axis])
        start, end = (as_int(p) for p in window.padding[axis])
        result = as_int(row.output_shape.spatial[axis])
        if size is None or start is None or end is None or result is None:
            continue
        stride = window.stride[axis]
        messages = []
        if size % stride:
            messages.append(f"stride {stride} does not divide {{dims}} = {size} (gives {result}, not {size}/{stride})")
        messages += noticed.get(name, [])
        if start < 0 or end < 0:  # a crop removes rows on purpose; off-centre only when cropping to a size
            if row.spec.target is not None and start != end:
                messages.append(f"the crop to '{row.spec.target}' on {{dims}} is off-centre ({-start}, {-end})")
        elif row.spec.ceil:
            overhang = (result - 1) * stride + window.span[axis] - (size + start + end)
            if overhang > 0:
                messages.append(f"the last window on {{dims}} hangs {overhang} past the padded input (ceil mode)")
        for message in messages:
            found_by_message.setdefault(message, []).append(name)
    return [f"{where}: " + message.format(dims=" and ".join(names)) for message, names in found_by_message.items()]


def check_size(arch: Arch, size: int) -> SizeCheck:
    try:
        report = analyze(with_size(arch, size))
    except CnncalcError as error:
        return SizeCheck(size, None, None, (), error.message)
    return SizeCheck(size, report.input_shape, report.totals.output_shape, tuple(exactness_problems(report)), None)


def scan_sizes(arch: Arch, sizes: range, *, max_work: int = SIZES.default) -> list[SizeCheck]:
    """Every size of the range through the pipeline; refused first when sizes x layers is over ``max_work``."""
    if arch.input.is_flat:
        raise UsageError("the input is a flat vector: there are no spatial sizes to scan")
    check_work(SIZES.unit, len(sizes) * count_layers(arch.body), max_work)
    return [check_size(arch, size) for size in sizes]


def describe_exact(checks: list[SizeCheck]) -> str:
    """``224, 256 (every 32 from 224)`` — the exact sizes, and their period when they have one."""
    exact = [c.size for c in checks if c.exact]
    if not exact:
        return "none"
    listed = ", ".join(map(str, exact[:12])) + (", ..." if len(exact) > 12 else "")
    gaps = {b - a for a, b in pairwise(exact)}
    if len(exact) > 2 and len(gaps) == 1 and next(iter(gaps)) > 1:
        return f"{listed} (every {gaps.pop()} from {exact[0]}; {len(exact)} sizes)"
    return f"{listed} ({len(exact)} size{'s' if len(exact) != 1 else ''})"
