"""``call_function`` and ``call_method`` nodes of a traced PyTorch model as ``.arch`` layers or views.

A function is known by its name when it comes from torch (``torch.add``, ``F.relu``, ``operator.add``,
``Tensor.relu_`` — an in-place variant is its function) or from torchvision (``channel_shuffle``,
``stochastic_depth``); anything else is an unsupported node. Conventions:

- ``a + b`` of two tensors is ``add``; ``a * b`` is ``mul`` (broadcasting an SE block's
  ``1 x 1 x C`` scale), or ``swish`` when one factor is the other's sigmoid, or ``layerscale`` when
  one factor is a parameter of C values; arithmetic with a number has no ``.arch`` equivalent.
- ``cat`` on the channels is ``concat``; ``chunk``/``split`` on the channels make one
  ``slice channels=A:B`` where each part is used.
- ``x.mean((2, 3))`` (every spatial dim) is ``gap`` (and ``flatten`` without ``keepdim``);
  ``amax`` is ``gmp``.
- ``permute``/``transpose`` that move the channels last (and back) make a channels-last view
  for ``LayerNorm``/``Linear``; the ``view``/``transpose``/``view`` of a channel shuffle is ``shuffle``;
  a ``view``/``reshape`` to ``(N, -1)`` is ``flatten``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cnncalc.importers.layers import Layer
from cnncalc.importers.torch_fx import FxWalk, Param, Tensor
from cnncalc.importers.torch_fx_ops import (
    adaptive,
    data,
    flatten,
    hardtanh,
    layernorm_layer,
    leaky,
    linear_layer,
    pad_layer,
    resize,
    softmax,
    window,
)

Handler = Callable[[FxWalk], None]

SIMPLE = {
    "relu": "relu",
    "relu6": "relu6",
    "silu": "swish",
    "gelu": "gelu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "hardswish": "hardswish",
    "hardsigmoid": "hardsigmoid",
    "mish": "mish",
    "selu": "selu",
    "elu": "elu",
    "softplus": "softplus",
}
#: the modules a function may come from (by ``__module__``) to be known by its name
ORIGINS = ("torch", "_operator", "operator", "builtins", "torchvision")


@dataclass(frozen=True, kw_only=True, slots=True)
class Part:
    """Channels ``start:end`` of ``source``: one result of ``chunk``/``split``, sliced where it is used."""

    source: Tensor
    start: int
    end: int


def _name(node: Any) -> str | None:
    if node.op == "call_method":
        name = str(node.target)
    else:
        module = getattr(node.target, "__module__", None) or "builtins"
        if not module.startswith(ORIGINS):
            return None
        name = str(getattr(node.target, "__name__", ""))
    if name in ("iadd", "imul"):
        return name[1:]
    return name.rstrip("_") if not name.startswith("__") else name


def simple(w: FxWalk) -> None:
    x = data(w, views=("", "cl"))
    if x is not None:
        w.emit(SIMPLE[_name(w.node) or ""], [x])


def activation(w: FxWalk) -> None:
    name = _name(w.node)
    x = data(w, views=("", "cl"))
    if x is None:
        return
    if name == "leaky_relu":
        w.emit(leaky(w.arg(1, "negative_slope", 0.01)), [x])
    elif name == "hardtanh":
        hardtanh(w, x, w.arg(1, "min_val", -1.0), w.arg(2, "max_val", 1.0))
    elif name == "softmax":
        softmax(w, x, w.arg(1, "dim"))
    elif name == "dropout":
        w.emit(f"dropout rate={float(w.arg(1, 'p', 0.5)):g}", [x])
    else:  # torchvision's stochastic_depth(input, p, mode, training)
        w.emit(f"droppath rate={float(w.arg(1, 'p')):g}", [x])


def arithmetic(w: FxWalk) -> None:
    name = _name(w.node)
    a, b = w.arg(0, "input"), w.arg(1, "other")
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.view != b.view or a.view not in ("", "cl"):
            w.reject("an operand is a reshaped tensor")
        elif name == "add":
            if a.shape != b.shape:
                w.reject(f"adds {list(a.shape)} and {list(b.shape)} (broadcasting)")
            else:
                w.emit("add", [a, b])
        else:
            _multiply(w, a, b)
        return
    tensor, other = (a, b) if isinstance(a, Tensor) else (b, a)
    layer_scale = isinstance(tensor, Tensor) and isinstance(other, Param) and tensor.view in ("", "cl")
    if name == "mul" and layer_scale and other.numel == tensor.channels:
        w.emit("layerscale", [tensor])
        return
    w.unknown("arithmetic with a constant has no .arch equivalent")


def _multiply(w: FxWalk, a: Tensor, b: Tensor) -> None:
    """``x * sigmoid(x)`` is ``swish``; anything else a (broadcasting) ``mul``."""
    for x, gate in ((a, b), (b, a)):
        layer = w.layers[gate.producer] if gate.producer >= 0 else None
        if layer is not None and layer.statement == "sigmoid" and layer.inputs == (x.producer,):
            w.emit("swish", [x])  # the sigmoid, unused if nothing else reads it, is dropped
            return
    w.emit("mul", [a, b])


def cat(w: FxWalk) -> None:
    tensors = w.arg(0, "tensors")
    dim = w.arg(1, "dim", 0)
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) and not t.view for t in tensors):
        w.reject("concatenates constants or reshaped tensors")
        return
    if int(dim) % len(tensors[0].shape) != 1:
        w.reject("concatenation on another axis than the channels")
    elif len(tensors) == 1:
        w.alias(tensors[0])
    else:
        w.emit("concat", list(tensors))


def parts(w: FxWalk) -> None:
    """``chunk``/``split`` on the channels: the parts are sliced where they are used."""
    name = _name(w.node)
    x = data(w)
    if x is None:
        return
    amount, dim = w.arg(1, "chunks" if name == "chunk" else "split_size_or_sections"), w.arg(2, "dim", 0)
    if not isinstance(dim, int) or dim % len(x.shape) != 1:
        w.reject("splits another axis than the channels")
        return
    channels = x.shape[1]
    if name == "chunk":
        step = -(-channels // int(amount))
        sizes = [min(step, channels - s) for s in range(0, channels, step)]
    elif isinstance(amount, int):
        sizes = [min(amount, channels - s) for s in range(0, channels, amount)]
    else:
        sizes = [int(s) for s in amount]
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    w.values[w.node] = tuple(Part(source=x, start=s, end=s + n) for s, n in zip(starts, sizes, strict=False))


def getitem(w: FxWalk) -> None:
    source, index = w.arg(0, "a"), w.arg(1, "b")
    if isinstance(source, tuple) and isinstance(index, int):
        item = source[index]
        if isinstance(item, Part):
            if (item.start, item.end) == (0, item.source.shape[1]):
                w.alias(item.source)
            else:
                w.emit(f"slice channels={item.start}:{item.end}", [item.source])
        elif isinstance(item, Tensor):
            w.alias(item)
        else:
            w.reject("an item that is not a tensor")
        return
    if isinstance(source, Tensor) and not source.view and isinstance(index, tuple):
        everything = slice(None, None, None)
        rest = index[2:]
        channels = len(index) >= 2 and isinstance(index[1], slice) and index[1].step in (None, 1)
        if channels and index[0] == everything and all(r == everything or r is Ellipsis for r in rest):
            start, end, _ = index[1].indices(source.shape[1])
            w.emit(f"slice channels={start}:{end}", [source])
            return
    w.reject("indexing other than a channel range")


def reduce(w: FxWalk) -> None:
    """``x.mean((2, 3))``: global pooling over every spatial dim."""
    x = data(w)
    if x is None:
        return
    dims = w.arg(1, "dim")
    rank = len(x.shape)
    dims = [dims] if isinstance(dims, int) else list(dims or [])
    if rank < 3 or sorted(d % rank for d in dims) != list(range(2, rank)):
        w.reject("reduces other axes than all the spatial ones")
        return
    kind = "gap" if _name(w.node) == "mean" else "gmp"
    pooled = w.emit(kind, [x])
    if not w.arg(2, "keepdim", False):  # the pooled dims dropped: a flatten follows
        w.layers.append(Layer(statement="flatten", inputs=(pooled.producer,), name=str(w.node.name)))
        w.alias(Tensor(producer=len(w.layers) - 1, shape=w.out_shape()))


def _dims(w: FxWalk) -> list[int]:
    """``permute``'s dims: a tuple, or the method's varargs."""
    rest = [w.value(a) for a in w.node.args[1:]]
    if len(rest) == 1 and isinstance(rest[0], (list, tuple)):
        return [int(d) for d in rest[0]]
    return [int(d) for d in rest] or [int(d) for d in w.node.kwargs.get("dims", ())]


def permute(w: FxWalk) -> None:
    x = data(w, views=None)
    if x is None:
        return
    rank = len(x.shape)
    if _name(w.node) == "permute":
        perm = [d % rank for d in _dims(w)]
    else:  # transpose / swapaxes
        d0, d1 = int(w.arg(1, "dim0")) % rank, int(w.arg(2, "dim1")) % rank
        perm = list(range(rank))
        perm[d0], perm[d1] = perm[d1], perm[d0]
    if perm == list(range(rank)):
        w.alias(x)
    elif x.view == "" and rank > 2 and perm == [0, *range(2, rank), 1]:
        w.alias(x, view="cl")
    elif x.view == "cl" and perm == [0, rank - 1, *range(1, rank - 1)]:
        w.alias(x, view="")
    elif x.view == "split" and perm == [0, 2, 1, *range(3, rank)]:
        w.alias(x, view="swapped")
    else:
        w.reject(f"permutes {perm}: neither moves the channels last and back nor shuffles them")


def reshape(w: FxWalk) -> None:
    x = data(w, views=None)
    if x is None:
        return
    shape, (n, c, spatial) = w.out_shape(), (x.shape[0], x.shape[1], x.shape[2:])
    size = 1
    for d in x.shape[1:]:
        size *= d
    if shape == x.shape:
        w.alias(x)
    elif x.view == "swapped" and shape == (n, x.shape[1] * x.shape[2], *x.shape[3:]):
        w.emit(f"shuffle G={x.shape[2]}", [x], view="")
    elif x.view:
        w.reject("reshapes a permuted tensor in an unknown way")
    elif len(shape) == 2 and shape[1] == size and len(x.shape) > 2:
        w.emit("flatten", [x])
    elif len(shape) == 2 and shape[1] == size:
        w.alias(x)
    elif spatial and len(shape) == len(x.shape) + 1 and shape[0] == n and shape[1] * shape[2] == c:
        w.alias(x, view="split")
    else:
        w.reject(f"reshape {list(x.shape)} -> {list(shape)} neither flattens nor shuffles channels")


def same(w: FxWalk) -> None:
    x = data(w, views=None)
    if x is not None:
        w.alias(x)


def pooling(w: FxWalk) -> None:
    name = _name(w.node) or ""
    x = data(w)
    if x is None:
        return
    if name.startswith("adaptive"):
        adaptive(w, x, w.arg(1, "output_size"), "avg" if "avg" in name else "max")
        return
    if "max" in name and w.arg(6, "return_indices", False):
        w.reject("return_indices")
        return
    kernel, stride, pad = w.arg(1, "kernel_size"), w.arg(2, "stride"), w.arg(3, "padding", 0)
    if "max" in name:
        dilation, ceil = w.arg(4, "dilation", 1), w.arg(5, "ceil_mode", False)
        w.emit(window("maxpool", x, kernel, stride, pad, dilation, ceil=bool(ceil)), [x])
    else:
        w.emit(window("avgpool", x, kernel, stride, pad, ceil=bool(w.arg(4, "ceil_mode", False))), [x])


def misc(w: FxWalk) -> None:
    """The rest, one function each: flatten, interpolate, pad, layer_norm, linear, shuffles."""
    name = _name(w.node)
    if name == "flatten":
        flatten(w, int(w.arg(1, "start_dim", 0)), int(w.arg(2, "end_dim", -1)))
        return
    if name == "layer_norm":
        weight, bias = w.arg(2, "weight"), w.arg(3, "bias")
        normalized = tuple(int(d) for d in w.arg(1, "normalized_shape"))
        layernorm_layer(w, normalized, isinstance(weight, Param), isinstance(bias, Param))
        return
    if name == "linear":
        weight, bias = w.arg(1, "weight"), w.arg(2, "bias")
        if not isinstance(weight, Param) or len(weight.shape) != 2:
            w.reject("the weight is not a parameter")
        else:
            linear_layer(w, weight.shape[0], isinstance(bias, Param))
        return
    x = data(w)
    if x is None:
        return
    if name in ("interpolate", "upsample"):
        resize(w, x, w.arg(2, "scale_factor"), str(w.arg(3, "mode", "nearest")))
    elif name == "pad":
        if w.arg(2, "mode", "constant") != "constant" or float(w.arg(3, "value", 0.0) or 0.0) != 0.0:
            w.reject("only zero padding")
        else:
            pad_layer(w, x, [int(p) for p in w.arg(1, "pad")])
    elif name == "channel_shuffle":
        w.emit(f"shuffle G={int(w.arg(1, 'groups'))}", [x])
    elif name == "pixel_shuffle":
        w.emit(f"pixelshuffle {int(w.arg(1, 'upscale_factor'))}", [x])
    else:
        w.emit(f"pixelunshuffle {int(w.arg(1, 'downscale_factor'))}", [x])


FUNCTIONS: dict[str, Handler] = {
    **{name: simple for name in SIMPLE},
    **{name: activation for name in ("leaky_relu", "hardtanh", "softmax", "dropout", "stochastic_depth")},
    "add": arithmetic,
    "mul": arithmetic,
    "__add__": arithmetic,
    "__mul__": arithmetic,
    "cat": cat,
    "concat": cat,
    "concatenate": cat,
    "chunk": parts,
    "split": parts,
    "getitem": getitem,
    "mean": reduce,
    "amax": reduce,
    "permute": permute,
    "transpose": permute,
    "swapaxes": permute,
    "view": reshape,
    "reshape": reshape,
    "contiguous": same,
    "clone": same,
    "detach": same,
    **{f"{kind}_pool{n}d": pooling for kind in ("max", "avg", "adaptive_avg", "adaptive_max") for n in (1, 2, 3)},
    **{
        name: misc
        for name in (
            "flatten",
            "interpolate",
            "upsample",
            "pad",
            "layer_norm",
            "linear",
            "channel_shuffle",
            "pixel_shuffle",
            "pixel_unshuffle",
        )
    },
}


def handle_call(w: FxWalk) -> None:
    name = _name(w.node)
    handler = FUNCTIONS.get(name or "")
    if handler is None:
        w.unknown()
        return
    try:
        handler(w)
    except (TypeError, ValueError) as error:  # arguments the handler cannot read (tensors where numbers go)
        w.reject(f"arguments not understood ({error})")
