"""Helpers shared by the windowed kinds (conv, dwconv, deconv, pooling)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cnncalc.diagnostics import ROWS_DROPPED, SAME_ASYMMETRIC, Diagnostic, diagnostic
from cnncalc.dims import Dim, as_int, is_positive
from cnncalc.geometry import effective_kernel, mode_padding, uncovered_input
from cnncalc.layers.base import Executed, LayerContext
from cnncalc.model import LayerSpec, Padding, PaddingMode, Shape, Window
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor, size_of

TIMES = "×"
_DIM_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def dim_name(rank: int, axis: int) -> str:
    """``H``/``W`` for images, ``L`` for sequences, ``D``/``H``/``W`` for volumes."""
    return _DIM_NAMES.get(rank, tuple(f"dim{i + 1}" for i in range(rank)))[axis]


def spatial_input(ctx: LayerContext) -> Shape:
    """The input, which must have spatial dims (and a rank matching ``conv2d``-style aliases)."""
    shape = ctx.input
    rank = len(shape.spatial)
    if rank == 0:
        raise ctx.fail(
            f"{ctx.spec.written_kind} needs spatial dims, but its input is a flat vector of {shape.channels}",
            hint="windowed layers apply to inputs like 32x32x3; use fc for flat vectors",
        )
    wanted = {"conv1d": 1, "conv2d": 2, "conv3d": 3}.get(ctx.spec.written_kind.lower())
    if wanted is not None and wanted != rank:
        raise ctx.fail(
            f"{ctx.spec.written_kind} expects {wanted} spatial dim(s), but its input {shape} has {rank}",
            hint="write plain 'conv' to follow the input's rank",
        )
    return shape


def per_dim(ctx: LayerContext, value: tuple[int, ...] | None, key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Broadcast a one-number value to every spatial dim; a per-dim value must match the rank."""
    rank = len(ctx.input.spatial)
    chosen = default if value is None else value
    if len(chosen) == 1:
        return chosen * rank
    if len(chosen) != rank:
        raise ctx.fail(
            f"{key}={'x'.join(map(str, chosen))} gives {len(chosen)} dims, "
            f"but the input {ctx.input} has {rank} spatial dim(s)",
            key=key,
            hint=f"give one number for all dims or exactly {rank} joined by 'x'",
        )
    return chosen


def channels_of(ctx: LayerContext) -> int:
    channels = as_int(ctx.input.channels)
    if channels is None:  # only a flattened symbolic size could get here, and flat inputs are refused first
        raise ctx.fail(f"the channel count {ctx.input.channels} must be a number")
    return channels


def resolve_window(
    ctx: LayerContext,
    *,
    default_stride: tuple[int, ...] | None,
    modes: frozenset[PaddingMode],
) -> tuple[Window, tuple[Diagnostic, ...]]:
    """Kernel, stride, dilation and resolved ``(start, end)`` padding per dim, plus warnings."""
    spec = ctx.spec
    rank = len(ctx.input.spatial)
    kernel = per_dim(ctx, spec.kernel, "F", (1,))
    stride = per_dim(ctx, spec.stride, "S", default_stride or kernel)
    dilation = per_dim(ctx, spec.dilation, "D", (1,))
    warnings: list[Diagnostic] = []
    padding = spec.padding
    pads: list[tuple[Dim, Dim]] = []
    if padding is None or padding.mode is not None:
        mode: PaddingMode = "valid" if padding is None else padding.mode  # type: ignore[assignment]
        if mode not in modes:
            allowed = ", ".join(sorted(modes))
            raise ctx.fail(
                f"padding '{mode}' is not supported by {spec.kind}",
                key="P",
                hint=_mode_hint(spec.kind, mode, allowed),
            )
        for axis, size in enumerate(ctx.input.spatial):
            pair = mode_padding(mode, size, kernel[axis], stride[axis], dilation[axis])
            if mode == "same" and pair[0] != pair[1] and as_int(pair[0]) is not None:
                warnings.append(diagnostic(SAME_ASYMMETRIC, (dim_name(rank, axis),), start=pair[0], end=pair[1]))
            pads.append(pair)
    else:
        pads = list(explicit_padding(ctx, padding))
    span = tuple(effective_kernel(k, d) for k, d in zip(kernel, dilation, strict=True))
    return Window(kernel=kernel, stride=stride, dilation=dilation, padding=tuple(pads), span=span), tuple(warnings)


def explicit_padding(ctx: LayerContext, padding: Padding) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` per spatial dim from an explicit ``P=`` (one pair broadcasts to every dim)."""
    rank = len(ctx.input.spatial)
    pairs = padding.broadcast(rank)
    if pairs is None:
        raise ctx.fail(
            f"P={padding} gives {len(padding.pairs)} dims, but the input {ctx.input} has {rank} spatial dim(s)",
            key="P",
            hint=f"give one value for all dims or exactly {rank} joined by 'x'",
        )
    return pairs


def _mode_hint(kind: str, mode: str, allowed: str) -> str:
    if kind == "deconv":
        return "give explicit padding: O = (I-1)*S - 2P + F + OP, so F=4 S=2 P=1 doubles the size"
    return f"{kind} accepts {allowed} or explicit padding"


SizeRule = Callable[[int, Dim], Dim]


def output_sizes(
    ctx: LayerContext, window: Window, rule: SizeRule, formula: str, output_padding: tuple[int, ...] | None = None
) -> tuple[Dim, ...]:
    """Apply ``rule(axis, size)`` per dim; a size below 1 is an error showing the formula with the numbers."""
    rank = len(ctx.input.spatial)
    sizes: list[Dim] = []
    for axis, size in enumerate(ctx.input.spatial):
        out = rule(axis, size)
        if is_positive(out) is False:
            k, s, d, pad = window.kernel[axis], window.stride[axis], window.dilation[axis], window.padding[axis]
            op = output_padding[axis] if output_padding else 0
            numbers = formula.format(I=size, Ps=pad[0], Pe=pad[1], Fe=effective_kernel(k, d), S=s, OP=op)
            raise ctx.fail(
                f"output size on {dim_name(rank, axis)} would be {out} < 1: {numbers} = {out}",
                key="F",
                hint="the window is larger than the padded input; use a smaller F, S or D, or more padding",
            )
        sizes.append(out)
    return tuple(sizes)


def coverage_warnings(ctx: LayerContext, window: Window) -> tuple[Diagnostic, ...]:
    """Warn when real input positions at the end are never covered by a floor-mode window.

    Only positions of the input count: a remainder that falls in the end padding
    loses nothing (ResNet's 7x7/2 stem on 224 drops one padded column only).
    """
    rank = len(ctx.input.spatial)
    lost_by_dim: dict[tuple[int, int, int], list[str]] = {}
    for axis, size in enumerate(ctx.input.spatial):
        ps, pe = window.padding[axis]
        concrete = (as_int(size), as_int(ps), as_int(pe))
        if concrete[0] is None or concrete[1] is None or concrete[2] is None:
            continue
        k, s, d = window.kernel[axis], window.stride[axis], window.dilation[axis]
        lost = uncovered_input(concrete[0], k, s, (concrete[1], concrete[2]), d)
        if lost:
            span = concrete[0] + concrete[1] + concrete[2] - effective_kernel(k, d)
            lost_by_dim.setdefault((s, span, lost), []).append(dim_name(rank, axis))
    return tuple(
        diagnostic(ROWS_DROPPED, tuple(names), stride=s, span=span, lost=lost)
        for (s, span, lost), names in lost_by_dim.items()
    )


def caption_window(spec: LayerSpec, window: Window | None, output: Shape) -> str:
    """``conv 5×5, 6``, ``maxpool 2×2/2``, ``conv 3×3/2 d2, 64 g32``: a windowed layer, briefly."""
    if window is None:
        return spec.kind
    text = f"{spec.kind} {TIMES.join(map(str, window.kernel))}"
    if any(s != 1 for s in window.stride):
        text += "/" + _uniform(window.stride)
    if any(d != 1 for d in window.dilation):
        text += " d" + _uniform(window.dilation)
    if spec.filters is not None:
        text += f", {spec.filters}"
        if spec.groups and spec.groups > 1:
            text += f" g{spec.groups}"
    return text


def _uniform(values: tuple[int, ...]) -> str:
    """``2`` when every dim agrees, else ``2×1``."""
    return str(values[0]) if len(set(values)) == 1 else TIMES.join(map(str, values))


def run_conv(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """One all-ones filter over every input channel (verify's one-channel run)."""
    window = layer.window
    assert window is not None  # conv kinds always have a window
    taps = size_of(window.kernel)
    return ops.conv(
        x,
        [[[1] * taps] * x.channels],
        window.kernel,
        stride=window.stride,
        padding=list(layer.padding),
        dilation=window.dilation,
    )


def run_pool(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    window = layer.window
    assert window is not None
    return ops.pool(
        x,
        window.kernel,
        stride=window.stride,
        padding=list(layer.padding),
        dilation=window.dilation,
        mode="max" if layer.spec.kind == "maxpool" else "avg",
        ceil_mode=layer.spec.ceil,
    )
