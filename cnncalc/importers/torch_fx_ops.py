"""``call_module`` nodes of a traced PyTorch model as ``.arch`` layers, and the dispatch of every node.

Conventions: torch's shapes are batch first, channels second; a module's numbers are read from its
attributes (``kernel_size``, ``stride``, ``padding``, ``dilation``, ``groups``, ``bias``...). Pooling always
writes ``S=`` (the ``.arch`` defaults it to F, torch to the kernel too, but explicit is clearer);
``padding='same'`` is written as the explicit pads torch uses (the extra one at the end). A layer
whose parameters are all frozen (``requires_grad=False``) gets ``trainable=no``. ``count_include_pad``
and ``divisor_override`` change values, not counts. Functions and methods are in
:mod:`cnncalc.importers.torch_fx_functions`; the shared spelling of windows is :func:`window`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cnncalc.importers.statements import padding, per_dim, statement
from cnncalc.importers.torch_fx import FxWalk, Tensor

ModuleHandler = Callable[[FxWalk, Any], None]

ACTIVATIONS = {
    "ReLU": "relu",
    "ReLU6": "relu6",
    "SiLU": "swish",
    "GELU": "gelu",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Hardswish": "hardswish",
    "Hardsigmoid": "hardsigmoid",
    "Mish": "mish",
    "SELU": "selu",
    "ELU": "elu",
    "Softplus": "softplus",
}


def ints(value: Any, rank: int) -> list[int]:
    """torch's ``int or tuple`` arguments as one int per spatial dim."""
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    return [int(value)] * rank


def data(w: FxWalk, index: int = 0, name: str = "input", *, views: Sequence[str] | None = ("",)) -> Tensor | None:
    """The node's data input when it is in one of ``views`` (default: a plain tensor; None: any view),
    else a rejection."""
    found = w.tensor(index, name)
    if found is None:
        w.reject("the input is not a tensor computed from the network input")
        return None
    if views is not None and found.view not in views:
        w.reject("the input is a reshaped or permuted tensor at this point")
        return None
    return found


def window(
    kind: str,
    x: Tensor,
    kernel: Any,
    stride: Any,
    pad: Any,
    dilation: Any = 1,
    *,
    ceil: bool = False,
    stride_default: int | None = None,
) -> str:
    """``conv``/``maxpool``/... with ``F= S= P= D=`` from torch's arguments (``pad`` may be ``'same'``)."""
    rank = len(x.shape) - 2
    kernels, dilations = ints(kernel, rank), ints(dilation, rank)
    strides = ints(stride if stride not in (None, [], ()) else kernel, rank)
    if pad == "valid":
        pairs = [(0, 0)] * rank
    elif pad == "same":
        pairs = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernels, dilations, strict=False)]
    else:
        pairs = [(p, p) for p in ints(pad, rank)]
    dilated = per_dim("D", dilations, 1) if kind != "avgpool" else ""
    return statement(
        kind,
        per_dim("F", kernels),
        per_dim("S", strides, stride_default),
        padding(pairs),
        dilated,
        "ceil" if ceil else "",
    )


def _frozen(module: Any) -> str:
    params = list(module.parameters())
    return "trainable=no" if params and not any(p.requires_grad for p in params) else ""


def conv(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    bias = "" if m.bias is not None else "bias=no"
    if m.transposed:
        if len(w.node.args) > 1 or "output_size" in w.node.kwargs:
            w.reject("a transposed conv given output_size")
            return
        extra = per_dim("OP", list(m.output_padding), 0)
        body = window("deconv", x, m.kernel_size, m.stride, m.padding, m.dilation, stride_default=1)
        groups = per_dim("G", [m.groups], 1)
        w.emit(statement(body.replace("deconv", f"deconv K={m.out_channels}", 1), extra, groups, bias, _frozen(m)), [x])
        return
    body = window("conv", x, m.kernel_size, m.stride, m.padding, m.dilation, stride_default=1)
    if m.groups == m.in_channels and m.groups > 1 and m.out_channels % m.in_channels == 0:
        multiplier = per_dim("M", [m.out_channels // m.in_channels], 1)
        w.emit(statement(body.replace("conv", "dwconv", 1), multiplier, bias, _frozen(m)), [x])
        return
    groups = per_dim("G", [m.groups], 1)
    w.emit(statement(body.replace("conv", f"conv K={m.out_channels}", 1), groups, bias, _frozen(m)), [x])


def pool(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    if getattr(m, "return_indices", False):
        w.reject("return_indices")
        return
    kind = "maxpool" if "Max" in type(m).__name__ else "avgpool"
    dilation = getattr(m, "dilation", 1)
    w.emit(window(kind, x, m.kernel_size, m.stride, m.padding, dilation, ceil=bool(m.ceil_mode)), [x])


def adaptive(w: FxWalk, x: Tensor, output_size: Any, kind: str) -> None:
    """``gap``/``gmp`` for an output of ones, else ``adaptiveavgpool N`` (None keeps the input's size)."""
    spatial = x.shape[2:]
    wanted = output_size if isinstance(output_size, (list, tuple)) else [output_size] * len(spatial)
    sizes = [s if o is None else int(o) for o, s in zip(wanted, spatial, strict=False)]
    if all(s == 1 for s in sizes):
        w.emit("gap" if kind == "avg" else "gmp", [x])
        return
    shown = str(sizes[0]) if len(set(sizes)) == 1 else "x".join(str(s) for s in sizes)
    w.emit(f"adaptive{kind}pool {shown}", [x])


def adaptive_module(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is not None:
        adaptive(w, x, m.output_size, "avg" if "Avg" in type(m).__name__ else "max")


def linear(w: FxWalk, m: Any) -> None:
    linear_layer(w, m.out_features, m.bias is not None, _frozen(m))


def linear_layer(w: FxWalk, units: int, bias: bool, frozen: str = "") -> None:
    """``fc`` on a flat tensor; on channels-last data a per-position linear layer is a 1x1 ``conv``."""
    x = data(w, views=("", "cl"))
    if x is None:
        return
    no_bias = "" if bias else "bias=no"
    if x.view == "cl":
        w.emit(statement(f"conv K={units}", "F=1", no_bias, frozen), [x])
    elif len(x.shape) == 2:
        w.emit(statement(f"fc {units}", no_bias, frozen), [x])
    else:
        w.reject(f"a Linear on the last axis of a {len(x.shape)}-D tensor (only flat or channels-last inputs)")


def batchnorm(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    if not m.track_running_stats:
        w.reject("BatchNorm without running statistics")
        return
    affine = "" if m.affine else "scale=no center=no"
    w.emit(statement("bn", affine, _frozen(m)), [x])


def layernorm(w: FxWalk, m: Any) -> None:
    layernorm_layer(w, tuple(m.normalized_shape), m.weight is not None, m.bias is not None, _frozen(m))


def layernorm_layer(w: FxWalk, normalized: tuple[int, ...], weight: bool, bias: bool, frozen: str = "") -> None:
    """``layernorm`` over the channels: on channels-last data, or a flat tensor."""
    x = data(w, views=("", "cl"))
    if x is None:
        return
    if normalized != (x.channels,) or (x.view == "" and len(x.shape) != 2):
        w.reject(f"normalises over {list(normalized)}, not the channels")
    elif not weight:
        w.reject("a LayerNorm without weights")
    else:
        w.emit(statement("layernorm", "" if bias else "bias=no", frozen), [x])


def groupnorm(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    if not m.affine:
        w.reject("a GroupNorm without weights")
        return
    w.emit(statement(f"groupnorm G={m.num_groups}", _frozen(m)), [x])


def instancenorm(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    if m.track_running_stats:
        w.reject("an InstanceNorm with running statistics")
        return
    w.emit(statement("instancenorm", "affine" if m.affine else "", _frozen(m)), [x])


def activation(w: FxWalk, m: Any) -> None:
    name = type(m).__name__
    x = data(w, views=("", "cl"))
    if x is None:
        return
    if name in ACTIVATIONS:
        w.emit(ACTIVATIONS[name], [x])
    elif name == "LeakyReLU":
        w.emit(leaky(m.negative_slope), [x])
    elif name == "Hardtanh":
        hardtanh(w, x, m.min_val, m.max_val)
    elif name == "PReLU":
        w.emit(statement("prelu", "per_channel" if m.num_parameters > 1 else "", _frozen(m)), [x])
    elif name in ("Softmax", "Softmax2d"):
        softmax(w, x, 1 if name == "Softmax2d" else m.dim)


def leaky(slope: float) -> str:
    return "leakyrelu" if abs(float(slope) - 0.01) < 1e-9 else f"leakyrelu alpha={float(slope):g}"


def hardtanh(w: FxWalk, x: Tensor, low: float, high: float) -> None:
    kind = {(0.0, 6.0): "relu6", (-1.0, 1.0): "hardtanh"}.get((float(low), float(high)))
    if kind is None:
        w.reject(f"hardtanh to [{low}, {high}]")
    else:
        w.emit(kind, [x])


def softmax(w: FxWalk, x: Tensor, dim: Any) -> None:
    rank = len(x.shape)
    axis = rank - 1 if x.view == "cl" else 1
    if dim is None or int(dim) % rank != axis:
        w.reject("softmax over another axis than the channels")
    else:
        w.emit("softmax", [x])


def dropout(w: FxWalk, m: Any) -> None:
    x = data(w, views=("", "cl"))
    if x is not None:
        w.emit(f"dropout rate={float(m.p):g}", [x])


def droppath(w: FxWalk, m: Any) -> None:
    x = data(w, views=("", "cl"))
    if x is not None:
        w.emit(f"droppath rate={float(m.p):g}", [x])


def identity(w: FxWalk, m: Any) -> None:
    x = w.tensor()
    if x is None:
        w.reject("the input is not a tensor")
    else:
        w.alias(x)


def flatten_module(w: FxWalk, m: Any) -> None:
    flatten(w, m.start_dim, m.end_dim)


def flatten(w: FxWalk, start: int, end: int) -> None:
    x = data(w)
    if x is None:
        return
    rank = len(x.shape)
    if start % rank != 1 or end % rank != rank - 1:
        w.reject(f"flattens dims {start} to {end}, not everything after the batch")
    elif rank == 2:
        w.alias(x)
    else:
        w.emit("flatten", [x])


def upsample(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is not None:
        resize(w, x, m.scale_factor, m.mode)


def resize(w: FxWalk, x: Tensor, scale: Any, mode: str) -> None:
    """``upsample factor=`` for whole scale factors, else ``size=`` (the shape torch computed)."""
    rank = len(x.shape) - 2
    names = {"nearest": "nearest", "nearest-exact": "nearest", "bicubic": "bicubic"}
    names.update({m: m for m in ("linear", "bilinear", "trilinear")})
    if mode not in names:
        w.reject(f"interpolation mode {mode}")
        return
    factors = [float(f) for f in (scale if isinstance(scale, (list, tuple)) else [scale] * rank)] if scale else []
    out = w.out_shape()[2:]
    if (
        factors
        and all(f == int(f) for f in factors)
        and list(out) == [s * int(f) for s, f in zip(x.shape[2:], factors, strict=False)]
    ):
        whole = [int(f) for f in factors]
        how = "factor=" + (str(whole[0]) if len(set(whole)) == 1 else "x".join(str(f) for f in whole))
    else:
        how = "size=" + "x".join(str(d) for d in out)
    w.emit(statement("upsample", how, "" if names[mode] == "nearest" else f"mode={names[mode]}"), [x])


def zero_pad(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    if float(getattr(m, "value", 0.0)) != 0.0:
        w.reject("padding with another value than zero")
        return
    pad_layer(w, x, list(m.padding))


def pad_layer(w: FxWalk, x: Tensor, amounts: list[int]) -> None:
    """torch's pad list (last dim first, ``(start, end)`` pairs) as ``pad``/``crop``."""
    rank = len(x.shape) - 2
    if len(amounts) > 2 * rank:
        w.reject("pads the batch or the channels")
        return
    pairs = [(0, 0)] * rank
    for i in range(len(amounts) // 2):
        pairs[rank - 1 - i] = (int(amounts[2 * i]), int(amounts[2 * i + 1]))
    grow = [(max(s, 0), max(e, 0)) for s, e in pairs]
    cut = [(max(-s, 0), max(-e, 0)) for s, e in pairs]
    if any(p != (0, 0) for p in grow):
        x = w.emit(statement("pad", padding(grow)), [x])
    if any(p != (0, 0) for p in cut):
        x = w.emit(statement("crop", padding(cut)), [x])
    w.alias(x)


def pixel_shuffle(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is None:
        return
    if type(m).__name__ == "PixelShuffle":
        w.emit(f"pixelshuffle {m.upscale_factor}", [x])
    else:
        w.emit(f"pixelunshuffle {m.downscale_factor}", [x])


def channel_shuffle(w: FxWalk, m: Any) -> None:
    x = data(w)
    if x is not None:
        w.emit(f"shuffle G={m.groups}", [x])


MODULES: dict[str, ModuleHandler] = {
    **{f"Conv{n}d": conv for n in (1, 2, 3)},
    **{f"ConvTranspose{n}d": conv for n in (1, 2, 3)},
    **{f"{k}Pool{n}d": pool for k in ("Max", "Avg") for n in (1, 2, 3)},
    **{f"Adaptive{k}Pool{n}d": adaptive_module for k in ("Max", "Avg") for n in (1, 2, 3)},
    "Linear": linear,
    **{f"BatchNorm{n}d": batchnorm for n in (1, 2, 3)},
    "LayerNorm": layernorm,
    "GroupNorm": groupnorm,
    **{f"InstanceNorm{n}d": instancenorm for n in (1, 2, 3)},
    **{name: activation for name in (*ACTIVATIONS, "LeakyReLU", "Hardtanh", "PReLU", "Softmax", "Softmax2d")},
    **{name: dropout for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout")},
    "StochasticDepth": droppath,
    "Identity": identity,
    "Flatten": flatten_module,
    **{name: upsample for name in ("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d")},
    **{f"ZeroPad{n}d": zero_pad for n in (1, 2, 3)},
    **{f"ConstantPad{n}d": zero_pad for n in (1, 2, 3)},
    "PixelShuffle": pixel_shuffle,
    "PixelUnshuffle": pixel_shuffle,
    "ChannelShuffle": channel_shuffle,
}


def handle(w: FxWalk) -> None:
    """Dispatch one node: a module by its class, a function or method by its name."""
    from cnncalc.importers.torch_fx_functions import handle_call

    node = w.node
    if node.op == "call_module":
        module = w.gm.get_submodule(node.target)
        handler = MODULES.get(type(module).__name__)
        if handler is None or not type(module).__module__.startswith(("torch.nn", "torchvision")):
            w.unknown()
        else:
            handler(w, module)
    else:
        handle_call(w)
