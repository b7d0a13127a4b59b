"""``cnncalc verify``: run the network with the reference implementation and compare.

Shapes and receptive fields do not depend on channel counts, so every tensor is
collapsed to one channel (a conv sums all its input channels into one output; add
and concat sum their operands) — big networks stay affordable and nothing spatial
changes. Every layer's measured spatial shape must equal the predicted one.

Receptive fields are measured with impulses: the input is zero except for a 1 at
one position, every weight is 1 and every bias 0, so a nonzero output means "depends
on that position" (no cancellation). For an impulse at ``p`` the units predicted to
see it are those with ``u*j - P <= p <= u*j - P + r - 1``. The measured set must lie
within the predicted one; it must equal it (for units whose field lies inside the
input) wherever the theory promises a field without holes: no dilation, no stride
larger than its window, no uncovered input rows, and merges whose paths are aligned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnncalc.analysis import LayerRow, analyze
from cnncalc.diagnostics import GLOBAL_CONTEXT, NOT_ALIGNED
from cnncalc.dims import Dim, as_int
from cnncalc.errors import ShapeError
from cnncalc.graph import walk
from cnncalc.layers import REGISTRY
from cnncalc.layers.base import Executed
from cnncalc.limits import VERIFY, check_work
from cnncalc.model import Arch, LayerSpec, Shape
from cnncalc.receptive import Field, keep_field, merge_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor, size_of

#: the field check of a layer whose kind has no reference op
NOT_RUN = "not run"


@dataclass(frozen=True, kw_only=True, slots=True)
class VerifyRow:
    index: int
    line: int
    label: str | None
    kind: str
    predicted: tuple[int, ...]  # spatial dims; () for a flat output
    measured: tuple[int, ...] | None
    field: str  # the predicted field, as text
    field_check: str  # "exact", "within", "global", "n/a", "not run", or a mismatch description
    ok: bool

    @property
    def run(self) -> bool:
        """False for a kind the reference implementation has no op for (reported, not failed)."""
        return self.field_check != NOT_RUN


@dataclass(frozen=True, kw_only=True, slots=True)
class VerifyReport:
    source: str
    rows: tuple[VerifyRow, ...]
    impulses: tuple[tuple[int, ...], ...]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)


@dataclass(frozen=True, slots=True)
class _Value:
    tensor: Tensor
    exact: bool  # the measured support may be compared for equality with the field
    trusted: bool  # the field prediction is meaningful here (no unaligned merge upstream)
    field: Field | None


def _collapse(t: Tensor) -> Tensor:
    if t.channels == 1:
        return t
    return Tensor(t.spatial, 1, ([sum(column) for column in zip(*t.data, strict=True)],))


def _numeric(values: tuple[Dim, ...], what: str) -> tuple[int, ...]:
    out = []
    for v in values:
        concrete = as_int(v)
        if concrete is None:
            raise ShapeError(f"verify needs numeric sizes, but the {what} is {v}", hint="give --input with numbers")
        out.append(concrete)
    return tuple(out)


def _run(spec: LayerSpec, row: LayerRow, x: Tensor, operands: list[Tensor]) -> Tensor | None:
    """One layer with one channel of all-ones weights; None for a kind with no reference op."""
    run = REGISTRY[spec.kind].reference
    if run is None:
        return None
    window = row.window
    padding = tuple((pair[0], pair[1]) for pair in (_numeric(p, "padding") for p in window.padding)) if window else ()
    layer = Executed(
        spec=spec, window=window, padding=padding, output_spatial=_numeric(row.output_shape.spatial, "output")
    )
    return run(layer, x, operands)


def _beyond_half_window(row: LayerRow) -> bool:
    """A max pooling with padding over half its window: PyTorch's MaxPool refuses it, and cnncalc
    (like its PyTorch export) runs it as ``F.pad(x, value=-inf)`` then the pooling, so a window of
    pure padding gives -inf."""
    window = row.window
    if window is None or row.kind != "maxpool":
        return False
    return any(
        2 * (as_int(side) or 0) > span for pair, span in zip(window.padding, window.span, strict=False) for side in pair
    )


def _keeps_exact(row: LayerRow, ceil: bool) -> bool:
    """A windowed layer leaves the field without holes or unreachable rows."""
    window = row.window
    if window is None:
        return REGISTRY[row.kind].receptive is keep_field
    sizes = _numeric(row.input_shape.spatial, "input")
    for axis, size in enumerate(sizes):
        kernel, stride = window.kernel[axis], window.stride[axis]
        if window.dilation[axis] != 1 or stride > kernel:
            return False
        start, end = _numeric(window.padding[axis], "padding")
        if start < 0 or end < 0:  # a crop (negative padding, 1-wide window) drops edges, makes no holes
            continue
        starts = ops.window_starts(start + size + end, kernel, stride, start, size, ceil_mode=ceil)
        if not starts or starts[-1] + kernel < start + size:  # the last input rows are never read
            return False
    return True


def _field_text(field: object) -> str:
    if isinstance(field, Field):
        return "×".join(map(str, field.size)) + f" /{'×'.join(map(str, field.jump))}"
    return "global" if field == "global" else "n/a"


def _cells(shape: Shape) -> int:
    """Cells of one channel (a flat tensor: its length), 0 when a size is symbolic."""
    values = [as_int(d) for d in shape.spatial] if shape.spatial else [as_int(shape.channels)]
    return 0 if any(v is None for v in values) else math.prod(v for v in values if v is not None)


def reference_cost(rows: tuple[LayerRow, ...]) -> int:
    """The reference run's cell operations for one impulse: for each layer of the one-channel network,
    its input cells (read, padded) plus its output cells times its window's cells."""
    total = 0
    for row in rows:
        window = 1 if row.window is None else math.prod(row.window.kernel)
        inputs = _cells(row.input_shape)
        total += inputs + _cells(row.output_shape) * window
        if row.window is not None:  # the padded copy
            total += math.prod(
                (as_int(s) or 0) + sum(as_int(p) or 0 for p in pair)
                for s, pair in zip(row.input_shape.spatial, row.window.padding, strict=False)
            )
    return total


def verify(arch: Arch, impulses: int = 3, *, max_work: int = VERIFY.default) -> VerifyReport:
    """Run the network once per impulse; refused before running when the run would exceed ``max_work``
    cell operations (see :func:`reference_cost`)."""
    report = analyze(arch)
    start_spatial = _numeric(report.input_shape.spatial, "input size")
    fractions = [(1, 2), (1, 4), (3, 4)][:impulses] if start_spatial else [(0, 1)]
    check_work(VERIFY.unit, len(fractions) * reference_cost(report.rows), max_work)
    positions: list[tuple[int, ...]] = []
    for num, den in fractions:
        p = tuple((size - 1) * num // den for size in start_spatial)
        if p not in positions:
            positions.append(p)
    measured: dict[int, tuple[int, ...] | None] = {}
    checks: dict[int, list[str]] = {row.index: [] for row in report.rows}
    for impulse in positions:
        _run_impulse(arch, report.rows, start_spatial, impulse, measured, checks)
    rows = []
    for row in report.rows:
        predicted = _numeric(row.output_shape.spatial, "output")
        got = measured.get(row.index)
        found = checks[row.index]
        mismatch = [c for c in found if c not in ("exact", "within", "global", "global context", "n/a", NOT_RUN)]
        field_check = mismatch[0] if mismatch else ("exact" if "exact" in found else found[0] if found else "n/a")
        rows.append(
            VerifyRow(
                index=row.index,
                line=row.line,
                label=row.label,
                kind=row.kind,
                predicted=predicted,
                measured=got,
                field=_field_text(row.receptive_field),
                field_check=field_check,
                ok=(got == predicted or field_check == NOT_RUN) and not mismatch,
            )
        )
    return VerifyReport(source=arch.source, rows=tuple(rows), impulses=tuple(positions))


def _run_impulse(
    arch: Arch,
    rows: tuple[LayerRow, ...],
    spatial: tuple[int, ...],
    impulse: tuple[int, ...],
    measured: dict[int, tuple[int, ...] | None],
    checks: dict[int, list[str]],
) -> None:
    start = Tensor.zeros(spatial, 1) if spatial else Tensor((), 1, ([1],))
    if spatial:
        strides = [size_of(spatial[a + 1 :]) for a in range(len(spatial))]
        start.data[0][sum(p * s for p, s in zip(impulse, strides, strict=True))] = 1
    order = iter(rows)

    def step(spec: LayerSpec, first: _Value, operands: list[_Value]) -> _Value:
        row = next(order)
        try:
            out = _run(spec, row, first.tensor, [o.tensor for o in operands])
        except (ValueError, IndexError):
            out = None
        if out is None:  # not verifiable, or the reference refused: what follows is not measured exactly
            measured[row.index] = None
            checks[row.index].append(NOT_RUN if REGISTRY[spec.kind].reference is None else "n/a")
            return _Value(Tensor.zeros(_numeric(row.output_shape.spatial, "output"), 1), False, False, None)
        measured[row.index] = out.spatial
        exact, trusted = _propagate(row, first, operands, spec.ceil)
        field = row.receptive_field if isinstance(row.receptive_field, Field) else None
        checks[row.index].append(_check_field(row, out, spatial, impulse, exact, trusted))
        if _beyond_half_window(row):  # its -inf windows of pure padding hide, downstream, what the impulse reaches
            return _Value(out, False, False, field)
        return _Value(out, exact, trusted, field)

    walk(
        arch.body,
        _Value(
            start, True, True, Field(size=(1,) * len(spatial), jump=(1,) * len(spatial), padding=(0,) * len(spatial))
        ),
        step,
        arch.source,
    )


def _propagate(row: LayerRow, first: _Value, operands: list[_Value], spec_ceil: bool) -> tuple[bool, bool]:
    if GLOBAL_CONTEXT in row.field_notes:  # squeeze-and-excitation: from here on every unit sees everything
        return False, False
    if REGISTRY[row.kind].receptive is merge_field:
        paths = [first, *operands]
        aligned = NOT_ALIGNED not in row.field_notes
        merged = row.receptive_field
        widest = [p for p in paths if isinstance(merged, Field) and p.field is not None and p.field.size == merged.size]
        return aligned and any(p.exact for p in widest), aligned and all(p.trusted for p in paths)
    return first.exact and _keeps_exact(row, spec_ceil), first.trusted


def _check_field(
    row: LayerRow, out: Tensor, spatial: tuple[int, ...], impulse: tuple[int, ...], exact: bool, trusted: bool
) -> str:
    field = row.receptive_field
    if field == "global":
        return "global"
    if GLOBAL_CONTEXT in row.field_notes:
        return "global context"
    if not isinstance(field, Field) or not trusted or not spatial:
        return "n/a"
    padding = _numeric(field.padding, "effective padding")
    # -inf is a window of pure padding (see _beyond_half_window): it depends on no input position
    nonzero = [
        i for i in range(size_of(out.spatial)) if any(plane[i] != 0 and plane[i] != -math.inf for plane in out.data)
    ]
    strides = [size_of(out.spatial[a + 1 :]) for a in range(len(out.spatial))]
    for axis, size in enumerate(out.spatial):
        r, j, pad, p = field.size[axis], field.jump[axis], padding[axis], impulse[axis]
        seen = {(i // strides[axis]) % size for i in nonzero}
        predicted = {u for u in range(size) if u * j - pad <= p <= u * j - pad + r - 1}
        if not seen <= predicted:
            extra = sorted(seen - predicted)[:3]
            return f"MISMATCH: impulse at {p} reaches units {extra} outside the field"
        if exact:
            inside = {u for u in range(size) if u * j - pad >= 0 and u * j - pad + r - 1 <= spatial[axis] - 1}
            if seen & inside != predicted & inside:
                missing = sorted((predicted - seen) & inside)[:3]
                return f"MISMATCH: impulse at {p} does not reach units {missing} inside the field"
    return "exact" if exact else "within"
