"""Element-wise kinds: activations, ``dropout``, ``droppath``, ``identity``.

They keep the shape and the receptive field and add no MACs (torchvision's published
GFLOPS count convolutions and linear layers only). ``prelu`` is the one with parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.formula import Line, letter, number, result, shape
from cnncalc.layers.base import Computed, Executed, LayerContext, LayerKind
from cnncalc.layers.saving import (
    VIEW,
    Own,
    SaveContext,
    Saved,
    SaveRule,
    elements,
    saves_input,
    saves_output,
    saves_view,
)
from cnncalc.receptive import keep_field
from cnncalc.reference.tensor import Tensor


def compute_same_shape(ctx: LayerContext) -> Computed:
    return Computed(output=ctx.input)


def compute_prelu(ctx: LayerContext) -> Computed:
    """PyTorch ``PReLU(num_parameters)``: one slope, or one per channel."""
    return Computed(output=ctx.input, trainable_params=ctx.input.channels if ctx.spec.per_channel else 1)


def explain_same_shape(ctx: LayerContext, computed: Computed) -> list[Line]:
    return [
        Line(
            name=letter("output"),
            result=shape([number(d) for d in computed.output.as_list()]),
            note="same shape as its input, no parameters",
        )
    ]


def explain_prelu(ctx: LayerContext, computed: Computed) -> list[Line]:
    if ctx.spec.per_channel:
        line = Line(
            name=letter("trainable"),
            formula=letter("C"),
            result=result(computed.trainable_params),
            note="one slope per channel",
        )
    else:
        line = Line(name=letter("trainable"), result=result(1), note="one slope shared by every channel")
    return [Line(name=letter("output"), result=shape([number(d) for d in computed.output.as_list()])), line]


def run_unchanged(layer: Executed, x: Tensor, operands: Sequence[Tensor]) -> Tensor:
    """Element-wise kinds keep which inputs each output depends on (verify's one-channel run)."""
    return x


def same_shape_kind(
    name: str,
    summary: str,
    *,
    keys: frozenset[str] = frozenset(),
    aliases: tuple[str, ...] = (),
    defaults: tuple[tuple[str, str], ...] = (),
    example: str | None = None,
    saves: SaveRule = saves_input,
) -> LayerKind:
    """Factory for every kind that leaves the shape, the params and the receptive field alone."""
    return LayerKind(
        name=name,
        aliases=aliases,
        keys=keys,
        defaults=defaults,
        compute=compute_same_shape,
        explain=explain_same_shape,
        receptive=keep_field,
        reference=run_unchanged,
        saves=saves,
        draw="fold",
        example=example or name,
        summary=summary,
    )


#: name -> (aliases, what PyTorch calls it)
_ACTIVATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "relu": ((), "ReLU"),
    "relu6": ((), "ReLU6 (MobileNet)"),
    "elu": ((), "ELU"),
    "gelu": ((), "GELU"),
    "sigmoid": ((), "Sigmoid"),
    "tanh": ((), "Tanh"),
    "swish": (("silu",), "SiLU, x*sigmoid(x) (EfficientNet)"),
    "softmax": ((), "Softmax over the channels"),
    "hardswish": (("hard_swish",), "Hardswish (MobileNetV3)"),
    "hardsigmoid": (("hard_sigmoid",), "Hardsigmoid (MobileNetV3's gates)"),
    "mish": ((), "Mish"),
    "selu": ((), "SELU"),
    "softplus": ((), "Softplus"),
    "hardtanh": (("hard_tanh",), "Hardtanh"),
}
#: the activations whose backward reads their output (ReluBackward, SigmoidBackward, TanhBackward,
#: SoftmaxBackward keep ``result``); every other one reads its input (PyTorch's derivatives.yaml)
_KEEP_OUTPUT = frozenset({"relu", "sigmoid", "tanh", "softmax"})


def saves_dropout(ctx: SaveContext) -> Saved:
    """Dropout multiplies by a random mask, which its backward keeps: on CPU a full tensor in the
    activations' dtype (CUDA's fused kernel keeps one byte per element). ``rate=0`` (or 0.5 when
    left out) is PyTorch's default ``Dropout()``: at 0 the input passes through as it is."""
    rate = 0.5 if ctx.spec.rate is None else ctx.spec.rate
    return VIEW if rate == 0 else Saved(own=(Own(elements(ctx.output)),))


def saves_droppath(ctx: SaveContext) -> Saved:
    """Stochastic depth multiplies by one random factor per sample, kept for backward; at rate 0
    (the default) it is the identity."""
    return VIEW if not ctx.spec.rate else Saved(own=(Own(1),))


KINDS = (
    *(
        same_shape_kind(
            name,
            f"{name} activation: {torch_name}",
            aliases=aliases,
            saves=saves_output if name in _KEEP_OUTPUT else saves_input,
        )
        for name, (aliases, torch_name) in _ACTIVATIONS.items()
    ),
    same_shape_kind(
        "leakyrelu",
        "leaky ReLU with negative slope alpha (default 0.01)",
        keys=frozenset({"alpha"}),
        defaults=(("alpha", "0.01"),),
        aliases=("leaky_relu",),
        example="leakyrelu alpha=0.1",
    ),
    LayerKind(
        name="prelu",
        keys=frozenset({"trainable"}),
        flags=frozenset({"per_channel"}),
        compute=compute_prelu,
        explain=explain_prelu,
        receptive=keep_field,
        reference=run_unchanged,
        saves=saves_input,
        draw="fold",
        example="prelu per_channel",
        summary="parametric ReLU: one learned slope, or C with the per_channel flag",
    ),
    same_shape_kind(
        "dropout",
        "dropout (no effect on sizes)",
        keys=frozenset({"rate"}),
        example="dropout rate=0.5",
        saves=saves_dropout,
    ),
    same_shape_kind(
        "droppath",
        "stochastic depth (torchvision StochasticDepth): the identity at inference",
        keys=frozenset({"rate"}),
        aliases=("stochasticdepth", "drop_path"),
        example="droppath rate=0.2",
        saves=saves_droppath,
    ),
    same_shape_kind("identity", "identity: a place to hang a label", saves=saves_view),
)
