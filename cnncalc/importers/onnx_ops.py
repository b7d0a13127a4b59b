"""One handler per ONNX op: read the node, emit ``.arch`` layers (or a view, or a rejection).

Conventions: ONNX is NCHW, ``.arch`` channels-last; ONNX pads are
``[x1_begin, x2_begin, ..., x1_end, x2_end, ...]``; ``auto_pad`` ``SAME_UPPER`` is the
``.arch``'s ``same`` (extra padding at the end), ``SAME_LOWER`` is written as explicit
``start:end`` pads, ``VALID`` as no padding. Pooling always writes ``S=`` (ONNX's stride
defaults to 1, the ``.arch``'s to F). ``count_include_pad`` does not change any count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from cnncalc.importers.onnx import Walk
from cnncalc.importers.onnx_graph import Value, attributes
from cnncalc.importers.statements import padding, per_dim, statement

Handler = Callable[[Walk], None]

SIMPLE = {
    "Relu": "relu",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Elu": "elu",
    "Selu": "selu",
    "Softplus": "softplus",
    "HardSwish": "hardswish",
    "HardSigmoid": "hardsigmoid",
    "Mish": "mish",
    "Gelu": "gelu",
    "GlobalAveragePool": "gap",
    "GlobalMaxPool": "gmp",
}


def _main(w: Walk) -> Value | None:
    value = w.data(w.node.input[0])
    if value is None or value.view:
        w.reject("input is not a plain tensor" if value is not None else "input is not data")
        return None
    return value


def _const_ints(w: Walk, index: int, attribute: str | None = None) -> list[int] | None:
    """An int list from input ``index`` (opset >= 10 style) or the node attribute."""
    node = w.node
    if len(node.input) > index and node.input[index]:
        value = w.constants.get(node.input[index])
        return None if value is None else [int(v) for v in np.asarray(value).reshape(-1)]
    if attribute is not None:
        found = attributes(node).get(attribute)
        return None if found is None else [int(v) for v in found]
    return None


def simple(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is not None and value.view == "cl" and w.node.op_type not in ("GlobalAveragePool", "GlobalMaxPool"):
        # an activation between per-position linear layers (ConvNeXt) keeps the channels last
        out = w.emit(SIMPLE[w.node.op_type], [replace(value, view="")])
        w.alias(out, view="cl", shape=value.shape)
        return
    value = _main(w)
    if value is not None:
        w.emit(SIMPLE[w.node.op_type], [value])


def _window_pads(w: Walk, value: Value, kernel: list[int], stride: list[int], dilation: list[int]) -> str | None:
    attrs = attributes(w.node)
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else str(auto)
    rank = len(kernel)
    if auto == "SAME_UPPER":
        return "P=same"
    if auto == "VALID":
        return ""
    if auto == "SAME_LOWER":
        pairs = []
        for size, f, s, d in zip(value.shape[2:], kernel, stride, dilation, strict=False):
            total = max((-(-size // s) - 1) * s + d * (f - 1) + 1 - size, 0)
            pairs.append((total - total // 2, total // 2))
        return padding(pairs)
    pads = list(attrs.get("pads", [0] * 2 * rank))
    return padding(list(zip(pads[:rank], pads[rank:], strict=False)))


def conv(w: Walk) -> None:
    value = _main(w)
    if value is None:
        return
    node, attrs = w.node, attributes(w.node)
    weight = w.constants.shape(node.input[1]) if node.input[1] in w.constants else None
    if weight is None:
        w.reject("the weight is not a constant")
        return
    rank = len(weight) - 2
    kernel = list(attrs.get("kernel_shape", weight[2:]))
    stride = list(attrs.get("strides", [1] * rank))
    dilation = list(attrs.get("dilations", [1] * rank))
    groups = int(attrs.get("group", 1))
    bias = "" if len(node.input) > 2 and node.input[2] else "bias=no"
    pads = _window_pads(w, value, kernel, stride, dilation)
    window = [per_dim("F", kernel), per_dim("S", stride, 1), pads or "", per_dim("D", dilation, 1)]
    if node.op_type == "ConvTranspose":
        extra = list(attrs.get("output_padding", [0] * rank))
        if "output_shape" in attrs or pads == "P=same":
            w.reject("output_shape/auto_pad SAME on a transposed conv")
            return
        k = weight[1] * groups
        w.emit(
            statement("deconv", f"K={k}", *window, per_dim("OP", extra, 0), per_dim("G", [groups], 1), bias), [value]
        )
        return
    channels = value.shape[1]
    if groups == channels and groups > 1 and weight[0] % channels == 0:
        w.emit(statement("dwconv", *window, per_dim("M", [weight[0] // channels], 1), bias), [value])
        return
    w.emit(statement("conv", f"K={weight[0]}", *window, per_dim("G", [groups], 1), bias), [value])


def pool(w: Walk) -> None:
    value = _main(w)
    if value is None:
        return
    attrs = attributes(w.node)
    kernel = list(attrs["kernel_shape"])
    rank = len(kernel)
    stride = list(attrs.get("strides", [1] * rank))
    dilation = list(attrs.get("dilations", [1] * rank))
    kind = "maxpool" if w.node.op_type == "MaxPool" else "avgpool"
    if kind == "avgpool" and any(d != 1 for d in dilation):
        w.reject("a dilated average pool")
        return
    pads = _window_pads(w, value, kernel, stride, dilation)
    if not pads and kernel == list(value.shape[2:]) and all(d == 1 for d in dilation):
        w.emit("gmp" if kind == "maxpool" else "gap", [value])  # one window over the whole input
        return
    ceil = "ceil" if attrs.get("ceil_mode", 0) else ""
    dilated = per_dim("D", dilation, 1) if kind == "maxpool" else ""
    w.emit(statement(kind, per_dim("F", kernel), per_dim("S", stride), pads or "", dilated, ceil), [value])


def reduce(w: Walk) -> None:
    value = _main(w)
    if value is None:
        return
    attrs = attributes(w.node)
    axes = _const_ints(w, 1, "axes")
    rank = len(value.shape)
    spatial = set(range(2, rank))
    if axes is None or {a % rank for a in axes} != spatial:
        w.reject("reduces other axes than all the spatial ones")
        return
    kind = "gap" if w.node.op_type == "ReduceMean" else "gmp"
    pooled = w.emit(kind, [value], out="" if not attrs.get("keepdims", 1) else None)
    if not attrs.get("keepdims", 1):
        w.emit("flatten", [pooled])


def gemm(w: Walk) -> None:
    node = w.node
    value = w.data(node.input[0])
    if value is None or node.input[1] not in w.constants:
        w.reject("needs data times a constant weight")
        return
    weight = w.constants.shape(node.input[1])
    if node.op_type == "Gemm":
        units = weight[0] if attributes(node).get("transB", 0) else weight[1]
        bias = "" if len(node.input) > 2 and node.input[2] else "bias=no"
    else:
        if len(weight) != 2:
            w.reject("the weight is not a matrix")
            return
        units, bias = weight[1], "bias=no"
    if value.view == "cl":  # a per-position linear layer on channels-last data: a 1x1 conv
        out = w.emit(statement("conv", f"K={units}", "F=1", bias), [replace(value, view="")])
        w.alias(out, view="cl", shape=w.shape_of(node.output[0], out.shape))
    elif value.view:
        w.reject("input is not a plain tensor")
    else:
        w.emit(statement("fc", str(units), bias), [value])
    if node.op_type == "MatMul":
        w.values[node.output[0]] = replace(w.values[node.output[0]], groups=-1)  # a bias Add may follow


def elementwise(w: Walk) -> None:
    node = w.node
    inputs = [w.data(name) for name in node.input]
    data = [v for v in inputs if v is not None]
    consts = [name for name, v in zip(node.input, inputs, strict=False) if v is None]
    op = node.op_type
    if len(data) == len(inputs) and op in ("Add", "Mul"):
        if any(v.view for v in data):
            w.reject("an operand is not a plain tensor")
            return
        first, second = data
        for a, b in ((first, second), (second, first)):  # x * sigmoid(x) is SiLU (swish)
            sigmoid = w.layers[b.producer] if op == "Mul" and b.producer >= 0 else None
            if sigmoid is not None and sigmoid.statement == "sigmoid" and sigmoid.inputs == (a.producer,):
                w.emit("swish", [a])  # the sigmoid, unused if nothing else reads it, is dropped
                return
            if sigmoid is not None and sigmoid.statement == "tanh" and sigmoid.inputs[0] >= 0:
                softplus = w.layers[sigmoid.inputs[0]]
                if softplus.statement == "softplus" and softplus.inputs == (a.producer,):
                    w.emit("mish", [a])  # x * tanh(softplus(x)); the two left unused are dropped
                    return
        w.emit("add" if op == "Add" else "mul", data)
        return
    if len(data) != 1 or len(consts) != 1:
        w.reject()
        return
    value, const = data[0], consts[0]
    size = w.constants.size(const)
    trained = const in w.constants.trained
    if op == "Add" and value.groups == -1 and trained:  # MatMul + bias: the layer gets its bias
        layer = w.layers[value.producer]
        w.layers[value.producer] = replace(layer, statement=layer.statement.replace(" bias=no", ""))
        w.alias(replace(value, groups=0))
        return
    if value.view == "affine" and trained:  # GroupNorm's weight, then its bias
        w.alias(value, view="affine" if op == "Mul" else "")
        return
    channels = value.shape[-1] if value.view == "cl" else value.shape[1]
    if op == "Mul" and trained and size == channels and not value.view.startswith(("split", "swap", "group")):
        out = w.emit("layerscale", [replace(value, view="")])
        w.alias(out, view=value.view)
        return
    w.reject("arithmetic with a constant has no .arch equivalent")


def concat(w: Walk) -> None:
    inputs = [w.data(name) for name in w.node.input]
    if any(v is None or v.view for v in inputs):
        w.reject("concatenates constants or views")
        return
    rank = len(inputs[0].shape)  # type: ignore[union-attr]
    if attributes(w.node)["axis"] % rank != 1:
        w.reject("concatenation on another axis than the channels")
        return
    w.emit("concat", inputs)  # type: ignore[arg-type]


def batchnorm(w: Walk) -> None:
    value = _main(w)
    if value is not None:
        w.emit("bn", [value])


def instancenorm(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is not None and value.view == "groups":
        w.alias(value, view="gnormed")
        return
    value = _main(w)
    if value is not None:
        affine = "affine" if w.node.input[1] in w.constants.trained else ""
        w.emit(statement("instancenorm", affine), [value])


def layernorm(w: Walk) -> None:
    node = w.node
    value = w.data(node.input[0])
    if (
        value is None
        or value.view not in ("", "cl")
        or attributes(node).get("axis", -1) % len(value.shape) != len(value.shape) - 1
        or (not value.view and len(value.shape) != 2)
    ):
        w.reject("normalises other axes than the channels")
        return
    bias = "" if len(node.input) > 2 and node.input[2] else "bias=no"
    out = w.emit(statement("layernorm", bias), [replace(value, view="")])
    w.alias(out, view=value.view, shape=value.shape)


def activation(w: Walk) -> None:
    value = _main(w)
    if value is None:
        return
    attrs, op = attributes(w.node), w.node.op_type
    if op == "LeakyRelu":
        alpha = float(np.float32(attrs.get("alpha", 0.01)))
        w.emit("leakyrelu" if abs(alpha - 0.01) < 1e-7 else f"leakyrelu alpha={alpha:.6g}", [value])
    elif op == "PRelu":
        per_channel = "per_channel" if w.constants.size(w.node.input[1]) > 1 else ""
        w.emit(statement("prelu", per_channel), [value])
    elif op == "Softmax":
        if attrs.get("axis", -1) % len(value.shape) != 1:
            w.reject("softmax over another axis than the channels")
            return
        w.emit("softmax", [value])
    else:  # Clip
        low, high = (_const_ints_or_none(w, 1, "min"), _const_ints_or_none(w, 2, "max"))
        kinds: dict[tuple[float | None, float | None], str] = {
            (0.0, 6.0): "relu6",
            (-1.0, 1.0): "hardtanh",
            (0.0, None): "relu",
        }
        kind = kinds.get((low, high))
        if kind is None:
            w.reject(f"clip to [{low}, {high}]")
            return
        w.emit(kind, [value])


def _const_ints_or_none(w: Walk, index: int, attribute: str) -> float | None:
    node = w.node
    if len(node.input) > index and node.input[index]:
        value = w.constants.get(node.input[index])
        return None if value is None else float(np.asarray(value).reshape(-1)[0])
    found = attributes(node).get(attribute)
    return None if found is None else float(found)


def passthrough(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is None:
        w.reject()
        return
    if w.node.op_type == "Dropout" and not value.view:
        ratio = _const_ints_or_none(w, 1, "ratio")
        w.emit("dropout" if ratio is None else f"dropout rate={ratio:g}", [value])
        return
    w.alias(value)


def flatten(w: Walk) -> None:
    value = _main(w)
    if value is None:
        return
    if attributes(w.node).get("axis", 1) != 1:
        w.reject("flattens from another axis than 1")
    elif len(value.shape) == 2:
        w.alias(value)
    else:
        w.emit("flatten", [value])


def shape(w: Walk) -> None:
    value = w.data(w.node.input[0])
    assert value is not None
    attrs = attributes(w.node)
    w.constants.values[w.node.output[0]] = np.array(value.shape[attrs.get("start", 0) : attrs.get("end")], np.int64)


HANDLERS: dict[str, Handler] = {
    **{op: simple for op in SIMPLE},
    "Conv": conv,
    "ConvTranspose": conv,
    "MaxPool": pool,
    "AveragePool": pool,
    "ReduceMean": reduce,
    "ReduceMax": reduce,
    "Gemm": gemm,
    "MatMul": gemm,
    "Add": elementwise,
    "Mul": elementwise,
    "Sub": elementwise,
    "Div": elementwise,
    "Concat": concat,
    "BatchNormalization": batchnorm,
    "InstanceNormalization": instancenorm,
    "LayerNormalization": layernorm,
    "LeakyRelu": activation,
    "PRelu": activation,
    "Softmax": activation,
    "Clip": activation,
    "Dropout": passthrough,
    "Identity": passthrough,
    "Flatten": flatten,
    "Shape": shape,
}

from cnncalc.importers.onnx_shapes import SHAPE_HANDLERS  # noqa: E402

HANDLERS.update(SHAPE_HANDLERS)
