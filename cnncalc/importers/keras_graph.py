"""Walk a Keras model configuration call by call: nested models inlined, shared layers refused, views.

Conventions:

- Every *call* of a layer is a node of the graph (``inbound_nodes[k]``; a tensor is named by
  ``(layer, node index, tensor index)``), and calls are taken in dependency order, the listed order
  breaking ties.
- A ``Functional``/``Sequential`` model used as a layer is inlined: its layers become lines named
  ``outer/inner`` (the comment), its input is the tensor it is called on.
- A layer (or nested model) with weights called at several places shares those weights. A
  ``.arch`` line owns its parameters — there is no way to say "the weights of that other line" —
  so such a model is refused with a message saying so. A layer without weights (an activation,
  a pool, ``Add``...) may be called at several places: each call is a line.
- ``Reshape``/``Permute`` are read only where they flatten, shuffle channels, or give a global
  pool's ``C`` back its ``1 x 1`` (the ``.arch``'s ``gap`` already has them):
  ``Reshape((..., g, C/g))``, ``Permute`` swapping the last two axes, ``Reshape`` back is
  ``shuffle G=g``; a ``Permute`` that moves the channel axis anywhere else has no ``.arch`` form.
- ``Normalization`` on the channel axis (adapted: non-trainable mean and variance per channel and
  a scalar ``count``) is ``normalization``: 2C + 1 non-trainable numbers, as Keras counts them
  (``invert=True`` holds the same weights). Other axes are refused. With ``mean=``/``variance=``
  given as constants it has no weights and is an ``identity`` line.
- ``Lambda`` runs arbitrary Python code, which cnncalc never reads: refused; so is arithmetic
  with a constant (``x + 3.0`` in a functional model is an ``Add`` with one tensor).
- ``LayerScale`` (``keras.applications``' ConvNeXt) is ``layerscale``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cnncalc.errors import ModelError
from cnncalc.importers.layers import INPUT, Unsupported

if TYPE_CHECKING:
    from cnncalc.importers.keras import Reader

#: layers without weights: calling one at several places shares nothing
WEIGHTLESS = {
    "InputLayer", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Add", "Multiply", "Concatenate",
    "Subtract", "Average", "Maximum", "Minimum", "Flatten", "Reshape", "Permute", "Dropout", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "ActivityRegularization", "Rescaling", "Identity",
    *(f"{b}{d}" for b in ("MaxPooling", "AveragePooling", "GlobalAveragePooling", "GlobalMaxPooling", "ZeroPadding",
                          "Cropping", "UpSampling") for d in ("1D", "2D", "3D")),
}  # fmt: skip
MODELS = ("Functional", "Sequential", "Model")

#: (producer index, view, groups): ``split``/``swapped`` are the steps of a channel shuffle
Value = tuple[int, str, int]


def _refs(node: Any) -> list[tuple[tuple[str, int], list[Any]]]:
    """The ``(layer, node index)`` of every tensor a call reads, with the shape Keras recorded."""
    from cnncalc.importers.keras import _history

    found: list[tuple[tuple[str, int], list[Any]]] = []

    def walk(entry: Any) -> None:
        history = _history(entry)
        if history is not None:
            shape = entry["config"].get("shape", []) if isinstance(entry, dict) else []
            found.append((history, list(shape or [])))
        elif isinstance(entry, (list, tuple)):
            for item in entry:
                walk(item)

    walk(node.get("args", []) if isinstance(node, dict) else node)
    return found


def _constants(layer: dict[str, Any], tensors: int) -> list[Any]:
    """The non-tensor arguments of a layer's first call (``3.0`` in ``x + 3.0``)."""
    nodes = layer.get("inbound_nodes") or []
    if not nodes or not isinstance(nodes[0], dict) or tensors == 0:
        return []
    return [a for a in nodes[0].get("args", []) if not isinstance(a, (dict, list))]


def _has_weights(layer: dict[str, Any]) -> bool:
    if layer.get("class_name") in MODELS:
        config = layer.get("config", {})
        inner = config.get("layers", []) if isinstance(config, dict) else config
        return any(_has_weights(item) for item in inner)
    return layer.get("class_name") not in WEIGHTLESS


def _name(layer: dict[str, Any]) -> str:
    return str(layer.get("config", {}).get("name", layer.get("name", layer.get("class_name", ""))))


class Graph:
    """Inlines models into the :class:`Reader`'s layers; collects the problems and warnings."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.warnings: list[str] = []
        self.position = 0

    def problem(self, name: str, op: str, why: str) -> None:
        self.reader.problems.append(Unsupported(name=name, op=op, position=self.position, why=why))

    def model(self, config: dict[str, Any], inputs: list[Value], *, prefix: str) -> tuple[int, list[Any] | None]:
        """Walk a model's layers; ``inputs`` feed its input layers (none: the network input)."""
        body = config.get("config", {})
        layers = body.get("layers", []) if isinstance(body, dict) else body
        functional = config.get("class_name") != "Sequential" and any(item.get("inbound_nodes") for item in layers)
        if functional:
            return self._functional(body, layers, inputs, prefix)
        current: Value = inputs[0] if inputs else (INPUT, "", 0)
        dims: list[Any] | None = None
        for layer in layers:
            shape = layer.get("config", {}).get("batch_shape") or layer.get("config", {}).get("batch_input_shape")
            if shape and dims is None:
                dims = list(shape)[1:]
                if not inputs:
                    self.reader.ranks[INPUT] = len(dims) - 1
            if layer.get("class_name") != "InputLayer":
                current = self.call(layer, [current], [[]], prefix, calls=1)
        return current[0], dims

    def _functional(
        self, body: dict[str, Any], layers: list[dict[str, Any]], inputs: list[Value], prefix: str
    ) -> tuple[int, list[Any] | None]:
        values: dict[tuple[str, int], Value] = {}
        dims: list[Any] | None = None
        pending: list[tuple[dict[str, Any], int, Any]] = []
        listed = body.get("input_layers") or []
        order = [str(i[0]) for i in ([listed] if listed and isinstance(listed[0], str) else listed)]
        if not inputs and len(order) > 1:
            raise ModelError(f"the model has {len(order)} inputs; cnncalc imports networks with exactly one")
        for layer in layers:
            if layer.get("class_name") == "InputLayer":
                shape = layer.get("config", {}).get("batch_shape") or layer.get("config", {}).get("batch_input_shape")
                if dims is None and shape:
                    dims = list(shape)[1:]
                    if not inputs:
                        self.reader.ranks[INPUT] = len(dims) - 1
                index = order.index(_name(layer)) if _name(layer) in order else 0
                values[(_name(layer), 0)] = inputs[index] if index < len(inputs) else (INPUT, "", 0)
                continue
            nodes = layer.get("inbound_nodes") or []
            pending.extend((layer, k, node) for k, node in enumerate(nodes))
        while pending:
            ready = next((c for c in pending if all(ref in values for ref, _ in _refs(c[2]))), None)
            if ready is None:
                names = ", ".join(sorted({_name(c[0]) for c in pending}))
                raise ModelError(f"the Keras graph reads tensors no layer produces (at {names})")
            pending.remove(ready)
            layer, k, node = ready
            refs = _refs(node)
            calls = len(layer.get("inbound_nodes") or [])
            values[(_name(layer), k)] = self.call(
                layer, [values[ref] for ref, _ in refs], [shape for _, shape in refs], prefix, calls=calls
            )
        outputs = body.get("output_layers") or []
        if outputs and isinstance(outputs[0], str):
            outputs = [outputs]
        heads = [values.get((str(o[0]), int(o[1]))) for o in outputs if isinstance(o, list) and o]
        head = heads[0] if heads and heads[0] is not None else (len(self.reader.layers) - 1, "", 0)
        for extra in heads[1:]:
            if extra is not None and extra[0] != INPUT:
                self.reader.layers[extra[0]] = replace(self.reader.layers[extra[0]], output=True)
        return head[0], dims

    def call(
        self, layer: dict[str, Any], inputs: list[Value], shapes: list[list[Any]], prefix: str, *, calls: int
    ) -> Value:
        """One call of ``layer`` on ``inputs``: the value it produces."""
        self.position += 1
        kind, name = str(layer.get("class_name")), prefix + _name(layer)
        source = inputs[0] if inputs else (INPUT, "", 0)
        if calls > 1 and _has_weights(layer):
            self.problem(
                name,
                kind,
                f"called at {calls} places with shared weights; a .arch line owns its parameters, so shared "
                "weights cannot be written without counting them once per call",
            )
            return source
        if kind in MODELS:
            head, _ = self.model(layer, inputs, prefix=name + "/")
            return (head, "", 0)
        if kind == "Lambda":
            self.problem(name, kind, "a Lambda layer runs arbitrary Python code, which cnncalc does not read")
            return source
        if kind in ("Reshape", "Permute"):
            built = (layer.get("build_config") or {}).get("input_shape") or []  # Sequential configs record it here
            shape = shapes[0] if shapes and shapes[0] else list(built)
            return self._view(kind, layer.get("config", {}), name, source, shape)
        hard = self._hard_sigmoid(kind, layer, inputs, name)
        if hard is not None:
            return hard
        if source[1]:
            self.problem(name, kind, "reads a reshaped tensor (only a channel shuffle's Reshape/Permute can follow)")
            return source
        if kind in ("Add", "Multiply", "Subtract", "Concatenate") and len(inputs) < 2:
            self.problem(name, kind, "arithmetic with a constant (such as x + 3.0) has no .arch equivalent")
            return source
        renamed = {**layer, "config": {**layer.get("config", {}), "name": name}}
        if kind == "Normalization":
            return self._normalization(renamed, source, name)
        if kind == "LayerScale":  # keras.applications.convnext's: one learned factor per channel
            frozen = "" if layer.get("config", {}).get("trainable", True) else " trainable=no"
            return (self.reader.add("layerscale" + frozen, [source[0]], name), "", 0)
        result = self.reader.read(self.position, renamed, [v[0] for v in inputs], shapes)
        return (result if result is not None else source[0], "", 0)

    def _hard_sigmoid(self, kind: str, layer: dict[str, Any], inputs: list[Value], name: str) -> Value | None:
        """MobileNetV3's ``ReLU(6)(x + 3) * (1/6)`` is ``hardsigmoid``; ``x * hardsigmoid(x)`` is ``hardswish``."""
        constants = [c for c in _constants(layer, len(inputs)) if isinstance(c, (int, float))]
        source = inputs[0] if inputs else (INPUT, "", 0)
        config = layer.get("config", {})
        if kind == "Add" and len(inputs) == 1 and source[1] == "" and constants == [3.0]:
            return (source[0], "plus3", 0)
        if kind == "ReLU" and source[1] == "plus3" and config.get("max_value") in (6, 6.0):
            return (source[0], "relu6plus3", 0)
        sixth = bool(constants) and abs(float(constants[0]) - 1 / 6) < 1e-6
        if kind == "Multiply" and len(inputs) == 1 and source[1] == "relu6plus3" and sixth:
            return (self.reader.add("hardsigmoid", [source[0]], name), "", 0)
        if kind == "Multiply" and len(inputs) == 2 and not inputs[0][1] and not inputs[1][1]:
            for x, gate in (inputs, inputs[::-1]):
                found = self.reader.layers[gate[0]] if gate[0] != INPUT else None
                if found is not None and found.statement == "hardsigmoid" and found.inputs == (x[0],):
                    return (self.reader.add("hardswish", [x[0]], name), "", 0)
        if source[1] in ("plus3", "relu6plus3"):
            self.problem(name, kind, "arithmetic with a constant (such as x + 3.0) has no .arch equivalent")
            return source
        return None

    def _normalization(self, layer: dict[str, Any], source: Value, name: str) -> Value:
        config = layer.get("config", {})
        last = self.reader.ranks.get(source[0], 2) + 1  # batch, spatial dims, channels
        if config.get("axis", -1) not in (-1, [-1], last, [last]):
            self.problem(name, "Normalization", "normalises other axes than the channels")
            return source
        if config.get("mean") is not None:  # constants in the config: no weights
            return (self.reader.add("identity", [source[0]], name), "", 0)
        return (self.reader.add("normalization", [source[0]], name), "", 0)

    def _view(self, kind: str, config: dict[str, Any], name: str, source: Value, shape: list[Any]) -> Value:
        """``Reshape``/``Permute``: a flatten, or a step of a channel shuffle."""
        producer, view, groups = source
        dims = [int(d) for d in shape[1:]] if shape and all(d is not None for d in shape[1:]) else None
        if kind == "Permute":
            order = [int(d) for d in config.get("dims", [])]
            rank = len(order)
            if order == list(range(1, rank + 1)):
                return source
            if view == "split" and order == [*range(1, rank - 1), rank, rank - 1]:
                return (producer, "swapped", groups)
            self.problem(
                name,
                kind,
                f"Permute{tuple(order)} moves the channel axis; .arch tensors stay channels-last (only the "
                "transpose inside a channel shuffle, Reshape((..., g, C/g)) then Permute((..., 3, 2)) style, is read)",
            )
            return source
        target = [int(d) for d in config.get("target_shape", [])]
        if dims is None:
            self.problem(name, kind, "the input's shape is not recorded")
            return source
        size = 1
        for d in dims:
            size *= d
        if view == "" and target == dims:
            return source
        if view == "swapped" and len(target) == len(dims) - 1 and target == [*dims[:-2], dims[-2] * dims[-1]]:
            return (self.reader.add(f"shuffle G={groups}", [producer], name), "", 0)
        split = len(target) == len(dims) + 1 and target[:-2] == dims[:-1] and target[-2] * target[-1] == dims[-1]
        if view == "" and len(dims) >= 2 and split:
            return (producer, "split", target[-2])
        gap = self.reader.layers[producer].statement in ("gap", "gmp") if producer != INPUT else False
        if view == "" and gap and len(dims) == 1 and target == [*([1] * (len(target) - 1)), dims[0]]:
            self.reader.ranks[producer] = len(target) - 1  # gap's .arch output is 1 x ... x 1 x C already
            return source
        if view == "" and target == [size]:
            flat = self.reader.add("flatten", [producer], name)
            self.reader.ranks[flat] = 0
            return (flat, "", 0)
        self.problem(name, kind, f"reshape {dims} -> {target} neither flattens nor shuffles channels")
        return source
