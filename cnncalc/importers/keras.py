"""``cnncalc import model.keras`` (or a ``model.to_json()`` file): read with the standard library only.

A ``.keras`` file is a zip archive whose ``config.json`` is the model's configuration; no
TensorFlow or Keras is imported. Functional and Sequential models of Keras 3 (and Keras 2's
``to_json()`` form) are read layer by layer in their listed (topological) order. Keras is
channels-last like the ``.arch``. Conventions: an ``activation=`` other than ``linear`` becomes
its own line after the layer; ``Dense`` on a tensor with spatial dims acts per position and is
written ``conv K=N F=1``; ``GlobalAveragePooling`` is ``gap`` whatever ``keepdims`` says, and a
``Reshape`` to ``1 x ... x 1 x C`` after it is the same tensor; ``SeparableConv`` is a ``dwconv``
without bias then a 1x1 ``conv``; ``Conv*Transpose`` with ``same`` padding gets explicit pads
(``F - S`` in total, extra at the end). ``trainable: false`` becomes ``trainable=no``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from typing import Any

from cnncalc.errors import ArchError, ModelError, UsageError
from cnncalc.importers.arch_writer import write_arch
from cnncalc.importers.layers import INPUT, Imported, Layer, Unsupported, channels_error, unsupported_error
from cnncalc.importers.statements import padding, per_dim, statement

ACTIVATIONS = {
    "relu": "relu",
    "relu6": "relu6",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "elu": "elu",
    "selu": "selu",
    "gelu": "gelu",
    "swish": "swish",
    "silu": "swish",
    "softmax": "softmax",
    "softplus": "softplus",
    "hard_sigmoid": "hardsigmoid",
    "hard_swish": "hardswish",
    "hard_silu": "hardswish",
    "mish": "mish",
    "leaky_relu": "leakyrelu alpha=0.2",
}
PASS_THROUGH = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Rescaling"}  # fmt: skip


def read_config(path: str) -> dict[str, Any]:
    """The model configuration inside a ``.keras`` archive, or a ``to_json()`` file."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                data = archive.read("config.json")
        else:
            with open(path, "rb") as handle:
                data = handle.read()
        config = json.loads(data)
    except OSError as error:
        raise UsageError(f"cannot read '{path}': {error.strerror}") from None
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ModelError(f"'{path}' is not a Keras model: {error}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ModelError(f"'{path}' is not a Keras model configuration")
    return config


def _history(entry: Any) -> tuple[str, int] | None:
    """(layer, node index) of an inbound tensor, in Keras 3 or Keras 2 form."""
    if isinstance(entry, dict) and entry.get("class_name") == "__keras_tensor__":
        layer, node, _ = entry["config"]["keras_history"]
        return str(layer), int(node)
    if isinstance(entry, list) and len(entry) >= 3 and isinstance(entry[0], str):
        return entry[0], int(entry[1])
    return None


def _inbound(layer: dict[str, Any]) -> tuple[list[str], list[list[int | None]]]:
    """The names of the layers feeding ``layer`` and the shapes Keras recorded for them."""
    nodes = layer.get("inbound_nodes") or []
    if not nodes:
        return [], []
    node = nodes[0]
    entries: list[Any] = []
    if isinstance(node, dict):  # Keras 3: {"args": [tensor or [tensors]], "kwargs": {}}
        for arg in node.get("args", []):
            entries.extend(arg if isinstance(arg, list) else [arg])
    else:  # Keras 2: [[name, node, tensor, kwargs], ...]
        entries = list(node)
    names, shapes = [], []
    for entry in entries:
        found = _history(entry)
        if found is not None:
            names.append(found[0])
            shapes.append(entry["config"].get("shape", []) if isinstance(entry, dict) else [])
    return names, shapes


class Reader:
    """Turns Keras layer configs into ``.arch`` layers."""

    def __init__(self) -> None:
        self.layers: list[Layer] = []
        self.outputs: dict[str, int] = {}
        #: spatial rank of each layer's output (0: a flat vector), from the input's
        self.ranks: dict[int, int] = {}
        self.problems: list[Unsupported] = []

    def add(self, text: str, inputs: Sequence[int], name: str) -> int:
        self.layers.append(Layer(statement=text, inputs=tuple(inputs), name=name))
        return len(self.layers) - 1

    def read(self, position: int, layer: dict[str, Any], inputs: list[int], shapes: list[list[Any]]) -> int | None:
        kind = layer["class_name"]
        config = layer.get("config", {})
        name = str(config.get("name", layer.get("name", kind)))
        frozen = "" if config.get("trainable", True) else "trainable=no"
        rank = self.ranks.get(inputs[0] if inputs else INPUT, 2)
        text = self.statement(kind, config, rank, frozen)
        if text is None:
            self.problems.append(Unsupported(name=name, op=kind, position=position))
            return inputs[0] if inputs else None
        current = inputs[0] if inputs else INPUT
        for part in text:
            current = self.add(part, [current, *inputs[1:]] if part == text[0] else [current], name)
            flattened = part == "flatten" or (part in ("gap", "gmp") and not config.get("keepdims", False))
            self.ranks[current] = 0 if flattened else rank
        activation = config.get("activation")
        if kind not in ("Activation",) and activation not in (None, "linear"):
            mapped = ACTIVATIONS.get(str(activation))
            if mapped is None:
                self.problems.append(Unsupported(name=name, op=f"activation {activation}", position=position))
            else:
                current = self.add(mapped, [current], name)
        return current

    def statement(self, kind: str, c: dict[str, Any], rank: int, frozen: str) -> list[str] | None:
        bias = "" if c.get("use_bias", True) else "bias=no"
        window = [per_dim("F", c.get("kernel_size", [1])), per_dim("S", c.get("strides", [1]), 1)]
        pad = "P=same" if c.get("padding") == "same" else ""
        dilation = per_dim("D", c.get("dilation_rate", [1]), 1)
        base = kind[:-2] if kind[-2:] in ("1D", "2D", "3D") else kind
        if kind.startswith("Conv") and kind.endswith("Transpose"):
            base = "ConvTranspose"
        if base == "Conv" and c.get("padding") != "causal":
            groups = per_dim("G", [c.get("groups", 1)], 1)
            return [statement("conv", f"K={c['filters']}", *window, pad, dilation, groups, bias, frozen)]
        if base == "DepthwiseConv":
            return [statement("dwconv", *window, pad, dilation, per_dim("M", [c.get("depth_multiplier", 1)], 1), bias,
                              frozen)]  # fmt: skip
        if base == "SeparableConv":
            multiplier = per_dim("M", [c.get("depth_multiplier", 1)], 1)
            return [statement("dwconv", *window, pad, dilation, multiplier, "bias=no", frozen),
                    statement("conv", f"K={c['filters']}", "F=1", bias, frozen)]  # fmt: skip
        if base == "ConvTranspose":
            kernel, stride = list(c["kernel_size"]), list(c.get("strides", [1] * len(c["kernel_size"])))
            extra = c.get("output_padding") or [0] * len(kernel)
            pads = ""
            if c.get("padding") == "same":
                totals = [max(k - s, 0) for k, s in zip(kernel, stride, strict=False)]
                extra = [max(s - k, 0) for k, s in zip(kernel, stride, strict=False)]
                pads = padding([(t // 2, t - t // 2) for t in totals])
            return [statement("deconv", f"K={c['filters']}", *window, pads, dilation, per_dim("OP", extra, 0), bias,
                              frozen)]  # fmt: skip
        if base == "Dense":
            if rank > 0:
                return [statement("conv", f"K={c['units']}", "F=1", bias, frozen)]
            return [statement("fc", str(c["units"]), bias, frozen)]
        if base in ("MaxPooling", "AveragePooling"):
            size = c.get("pool_size", [2])
            stride = c.get("strides") or size
            kind_name = "maxpool" if base == "MaxPooling" else "avgpool"
            return [statement(kind_name, per_dim("F", size), per_dim("S", stride), pad)]
        if base in ("GlobalAveragePooling", "GlobalMaxPooling"):
            return ["gap" if base == "GlobalAveragePooling" else "gmp"]
        if kind == "BatchNormalization":
            scale = "" if c.get("scale", True) else "scale=no"
            center = "" if c.get("center", True) else "center=no"
            return [statement("bn", scale, center, frozen)]
        if kind == "LayerNormalization" and c.get("scale", True) and c.get("axis", -1) in (-1, [-1]):
            return [statement("layernorm", "" if c.get("center", True) else "bias=no", frozen)]
        if kind == "GroupNormalization" and c.get("scale", True) and c.get("center", True):
            return [statement("groupnorm", f"G={c['groups']}", frozen)]
        if kind == "Activation" and str(c.get("activation")) in ACTIVATIONS:
            return [ACTIVATIONS[str(c["activation"])]]
        if kind == "Activation" and c.get("activation") == "linear":
            return ["identity"]
        return self.more(kind, base, c, frozen, rank)

    def more(self, kind: str, base: str, c: dict[str, Any], frozen: str, rank: int) -> list[str] | None:
        if kind == "ReLU":
            if c.get("max_value") in (6, 6.0) and not c.get("negative_slope") and not c.get("threshold"):
                return ["relu6"]
            if c.get("max_value") is None and not c.get("negative_slope") and not c.get("threshold"):
                return ["relu"]
            return None
        if kind == "LeakyReLU":
            return [f"leakyrelu alpha={c.get('negative_slope', c.get('alpha', 0.3)):g}"]
        if kind == "ELU":
            return ["elu"]
        if kind == "Softmax":
            return ["softmax"] if c.get("axis", -1) in (-1, [-1]) else None
        if kind == "PReLU":
            return [statement("prelu", "per_channel" if c.get("shared_axes") else "", frozen)]
        if kind in PASS_THROUGH:
            rate = c.get("rate")
            return [f"dropout rate={rate:g}" if rate is not None and "Dropout" in kind else "identity"]
        if kind in ("Add", "Multiply"):
            return ["add" if kind == "Add" else "mul"]
        if kind == "Concatenate":
            return ["concat"] if c.get("axis", -1) in (-1, rank + 1) else None
        if kind == "Flatten":
            return ["flatten"]
        if base == "ZeroPadding":
            return [statement("pad", padding(_pairs(c["padding"])))]
        if base == "Cropping":
            return [statement("crop", padding(_pairs(c["cropping"])))]
        if base == "UpSampling":
            size = c.get("size", [2])
            mode = c.get("interpolation", "nearest")
            modes = {"nearest": "", "bilinear": "mode=bilinear", "bicubic": "mode=bicubic"}
            return None if mode not in modes else [statement("upsample", per_dim("factor", size), modes[mode])]
        return None


def _pairs(value: Any) -> list[tuple[int, int]]:
    if isinstance(value, int):
        return [(value, value), (value, value)]
    return [(v, v) if isinstance(v, int) else (v[0], v[1]) for v in value]


def _given_input(text: str, recorded: list[Any] | None) -> list[Any]:
    """``--input`` read as an ``.arch`` input line reads it (channels last, symbols allowed for spatial
    dims), with as many dims as the model's input; a malformed one is a usage error."""
    from cnncalc.arch.reader import parse_dims
    from cnncalc.arch.values import Where

    try:
        given = list(parse_dims(text.strip(), Where("--input", 1, 1)).dims)
    except ArchError as error:
        raise UsageError(f"--input {text!r}: {error.message}", hint=error.hint) from None
    if recorded and len(given) != len(recorded):
        raise UsageError(f"--input {text!r} has {len(given)} dims; the model's input has {len(recorded)}")
    if recorded and isinstance(recorded[-1], int) and given[-1] != recorded[-1]:
        raise channels_error(text, given[-1], recorded[-1])
    return given


def import_keras(path: str, *, input_dims: str | None = None) -> Imported:
    """The ``.arch`` text of a Keras model file (nested models inlined, see :mod:`cnncalc.importers.keras_graph`)."""
    from cnncalc.importers.keras_graph import Graph

    config = read_config(path)
    graph = Graph(Reader())
    main, dims = graph.model(config, [], prefix="")
    reader = graph.reader
    if reader.problems:
        raise unsupported_error(reader.problems, path)
    if input_dims is not None:
        dims = _given_input(input_dims, dims)
    if not dims or any(d is None for d in dims):
        raise UsageError(f"{path}: the input's size is not fixed", hint="give it with --input, e.g. 224x224x3")
    final = reader.layers
    if main != len(final) - 1:
        final = [*final, Layer(statement="identity", inputs=(main,), name="output")]
    model = config.get("config", {})
    header = [
        f"imported by cnncalc from {path}",
        f"keras model: {model.get('name', '') if isinstance(model, dict) else ''}",
    ]
    text = write_arch([d for d in dims if d is not None], final, header)
    return Imported(text=text, warnings=tuple(graph.warnings))
