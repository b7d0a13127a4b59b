"""Pooling: windowed ``maxpool``/``avgpool`` (PyTorch ``*Pool*d``) and global ``gap``/``gmp``.

Pooling has no parameters and no MACs (its comparisons and adds are not weight
multiply-accumulates). The stride defaults to the window.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.diagnostics import POOL_PADDING_OVER_HALF, POOL_WINDOW_OVER_INPUT, Diagnostic, diagnostic
from cnncalc.dims import as_int
from cnncalc.formula import Line, letter, number, shape
from cnncalc.geometry import effective_kernel, pool_output_size
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.common import (
    TIMES,
    caption_window,
    coverage_warnings,
    dim_name,
    output_sizes,
    resolve_window,
    run_pool,
    spatial_input,
)
from cnncalc.layers.saving import (
    INPUT,
    INT64,
    NOTHING,
    Own,
    SaveContext,
    Saved,
    elements,
    padded_input,
    saves_nothing,
)
from cnncalc.layers.worked_lines import output_shape_line, padding_lines, size_lines
from cnncalc.model import LayerSpec, Shape, Window
from cnncalc.receptive import global_field, window_field
from cnncalc.reference import ops
from cnncalc.reference.tensor import Tensor

_FLOOR = "floor((I + Ps + Pe - Fe)/S) + 1 = floor(({I} + {Ps} + {Pe} - {Fe})/{S}) + 1"
_CEIL = "ceil((I + Ps + Pe - Fe)/S) + 1 = ceil(({I} + {Ps} + {Pe} - {Fe})/{S}) + 1"


def compute_pool(ctx: LayerContext) -> Computed:
    shape = spatial_input(ctx)
    window, warnings = resolve_window(ctx, default_stride=None, modes=frozenset({"valid", "same"}))
    ceil_mode = ctx.spec.ceil
    sizes = output_sizes(
        ctx,
        window,
        lambda axis, size: pool_output_size(
            size,
            window.kernel[axis],
            window.stride[axis],
            window.padding[axis],
            window.dilation[axis],
            ceil_mode=ceil_mode,
        ),
        _CEIL if ceil_mode else _FLOOR,
    )
    rank = len(shape.spatial)
    extra: list[Diagnostic] = []
    for axis, (start, end) in enumerate(window.padding):
        half = effective_kernel(window.kernel[axis], window.dilation[axis]) // 2
        biggest = max((p for p in (as_int(start), as_int(end)) if p is not None), default=0)
        if biggest > half:
            extra.append(diagnostic(POOL_PADDING_OVER_HALF, (dim_name(rank, axis),), padding=biggest, half=half))
        size = as_int(shape.spatial[axis])
        window_span = effective_kernel(window.kernel[axis], window.dilation[axis])
        if size is not None and window_span > size:
            extra.append(diagnostic(POOL_WINDOW_OVER_INPUT, (dim_name(rank, axis),), window=window_span, size=size))
    if not ceil_mode:
        extra.extend(coverage_warnings(ctx, window))
    return Computed(
        output=Shape(spatial=sizes, channels=shape.channels),
        window=window,
        warnings=warnings + tuple(extra),
    )


def compute_adaptive_pool(ctx: LayerContext) -> Computed:
    """PyTorch ``AdaptiveAvgPool``/``AdaptiveMaxPool``: window i spans
    ``[floor(i*I/O), ceil((i+1)*I/O))``. Only when O divides I are the windows
    uniform (F = S = I/O); otherwise (or when the size is symbolic) no single window
    describes the layer and the receptive field is not reported. The output size is
    the stated one whatever the input, symbolic or not."""
    shape = spatial_input(ctx)
    rank = len(shape.spatial)
    target = ctx.spec.units_per_dim or (1,)
    sizes = target * rank if len(target) == 1 else target
    if len(sizes) != rank:
        raise ctx.fail(
            f"{ctx.spec.kind} {'x'.join(map(str, target))} gives {len(target)} dims, but the input {shape} has {rank}",
            key="N",
            hint=f"give one size for all dims or exactly {rank} joined by 'x'",
        )
    kernels: list[int] = []
    for size, out in zip(shape.spatial, sizes, strict=True):
        concrete = as_int(size)
        if concrete is not None and concrete % out == 0:
            kernels.append(concrete // out)
    window = None
    if len(kernels) == rank:
        kernel = tuple(kernels)
        window = Window(kernel=kernel, stride=kernel, dilation=(1,) * rank, padding=((0, 0),) * rank, span=kernel)
    return Computed(output=Shape(spatial=tuple(sizes), channels=shape.channels), window=window)


def compute_global_pool(ctx: LayerContext) -> Computed:
    shape = spatial_input(ctx)
    return Computed(output=Shape(spatial=(1,) * len(shape.spatial), channels=shape.channels))


def explain_pool(ctx: LayerContext, computed: Computed) -> list[Line]:
    window = computed.window
    assert window is not None
    return [
        *padding_lines(ctx, window),
        *size_lines(ctx, window, computed, "ceil" if ctx.spec.ceil else "floor"),
        output_shape_line(ctx, window, computed, letter("C")),
        Line(name=letter("params"), result=number(0), note="pooling has no weights"),
    ]


def explain_adaptive_pool(ctx: LayerContext, computed: Computed) -> list[Line]:
    note = "window i spans [floor(i*I/O), ceil((i+1)*I/O))"
    if computed.window is not None:
        note = "O divides I, so every window is F = S = I/O: " + ", ".join(map(str, computed.window.kernel))
    return [
        Line(name=letter("output"), result=shape([number(d) for d in computed.output.as_list()]), note=note),
        Line(name=letter("params"), result=number(0), note="pooling has no weights"),
    ]


def explain_global_pool(ctx: LayerContext, computed: Computed) -> list[Line]:
    ones = [number(1)] * len(ctx.input.spatial)
    return [
        Line(
            name=letter("output"),
            formula=shape([*ones, letter("C")]),
            result=shape([*ones, number(ctx.input.channels)]),
            note="one value per channel",
        ),
        Line(name=letter("params"), result=number(0), note="pooling has no weights"),
    ]


def run_adaptive_pool(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    return ops.adaptive_pool(x, layer.output_spatial, "avg" if layer.spec.kind == "adaptiveavgpool" else "max")


def run_global_pool(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    return ops.global_pool(x, "avg" if layer.spec.kind == "gap" else "max")


def caption_adaptive(spec: LayerSpec, window: Window | None, output: Shape) -> str:
    """``avg pool → 7×7``"""
    return f"{spec.kind[8:11]} pool → {TIMES.join(map(str, output.spatial))}"


def _pool_input(ctx: SaveContext) -> Saved:
    """PyTorch's pooling takes symmetric padding up to half the window; other padding is ``F.pad``'s copy."""
    window = ctx.window
    assert window is not None
    native = all(s == e and 2 * s <= k for (s, e), k in zip(window.padding, window.kernel, strict=False))
    return padded_input(ctx, native)


def _indices(ctx: SaveContext) -> Own:
    """Max pooling's argmax: one int64 per output element."""
    return Own(elements(ctx.output), size=INT64)


def saves_maxpool(ctx: SaveContext) -> Saved:
    """MaxPoolWithIndicesBackward keeps the (padded) input and the int64 indices."""
    return Saved(inputs=_pool_input(ctx).inputs, own=(*_pool_input(ctx).own, _indices(ctx)))


def saves_avgpool(ctx: SaveContext) -> Saved:
    """AvgPoolBackward keeps the (padded) input."""
    return _pool_input(ctx)


def saves_adaptive_max(ctx: SaveContext) -> Saved:
    """AdaptiveMaxPoolBackward keeps the input and the int64 indices (also for ``gmp``)."""
    return Saved(inputs=(0,), own=(_indices(ctx),))


def saves_adaptive_avg(ctx: SaveContext) -> Saved:
    """AdaptiveAvgPoolBackward keeps the input; to size 1 PyTorch takes a mean, which keeps nothing."""
    return NOTHING if all(size == 1 for size in ctx.output.spatial) else INPUT


KINDS = (
    LayerKind(
        name="maxpool",
        defaults=(("S", "F"), ("P", "0"), ("D", "1")),
        keys=frozenset({"F", "S", "P", "D"}),
        required=frozenset({"F"}),
        flags=frozenset({"ceil"}),
        compute=compute_pool,
        explain=explain_pool,
        receptive=window_field,
        reference=run_pool,
        saves=saves_maxpool,
        family="pool",
        caption=caption_window,
        example="maxpool F=3 S=2 P=1 ceil",
        summary="max pooling, stride defaults to F",
    ),
    LayerKind(
        name="avgpool",
        defaults=(("S", "F"), ("P", "0")),
        keys=frozenset({"F", "S", "P"}),
        required=frozenset({"F"}),
        flags=frozenset({"ceil"}),
        compute=compute_pool,
        explain=explain_pool,
        receptive=window_field,
        reference=run_pool,
        saves=saves_avgpool,
        family="pool",
        caption=caption_window,
        example="avgpool F=2",
        summary="average pooling, stride defaults to F",
    ),
    *(
        LayerKind(
            name=name,
            positional="sizes",
            compute=compute_adaptive_pool,
            explain=explain_adaptive_pool,
            receptive=window_field,
            reference=run_adaptive_pool,
            saves=saves_adaptive_avg if op == "avg" else saves_adaptive_max,
            caption=caption_adaptive,
            example=f"{name} 3",
            summary=f"adaptive {op} pooling to a given output size (PyTorch Adaptive{op.title()}Pool)",
        )
        for name, op in (("adaptiveavgpool", "avg"), ("adaptivemaxpool", "max"))
    ),
    LayerKind(
        name="gap",
        aliases=("globalavgpool", "globalaveragepooling"),
        compute=compute_global_pool,
        explain=explain_global_pool,
        receptive=global_field,
        reference=run_global_pool,
        saves=saves_nothing,
        caption=lambda spec, window, output: "global avg pool",
        example="gap",
        summary="global average pooling to 1 x ... x 1 x C",
    ),
    LayerKind(
        name="gmp",
        aliases=("globalmaxpool", "globalmaxpooling"),
        compute=compute_global_pool,
        explain=explain_global_pool,
        receptive=global_field,
        reference=run_global_pool,
        saves=saves_adaptive_max,
        caption=lambda spec, window, output: "global max pool",
        example="gmp",
        summary="global max pooling to 1 x ... x 1 x C",
    ),
)
