"""Reading an ONNX graph for the importer: tensor shapes, folded constants and data values.

Every tensor is either a *constant* (an initializer, a ``Constant``, or a node all of whose
inputs are constants — shape arithmetic such as ``Shape -> Gather -> Concat`` — evaluated
with onnx's reference evaluator) or a *data* value: the output of an ``.arch`` layer, with
its NCHW shape and a *view* for multi-node patterns in progress (``cl``: channels moved last
for a LayerNorm or a per-position linear; ``split``/``swapped``: the reshapes of a channel
shuffle; ``groups``/``gnormed``/``affine``: GroupNorm as torch exports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, kw_only=True, slots=True)
class Value:
    """A data tensor: the index of the layer that produces it, its NCHW shape, and its view."""

    producer: int
    shape: tuple[int, ...]
    view: str = ""
    groups: int = 0


class Constants:
    """Constant tensors by name: arrays, and whether each comes from a trained initializer."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        self._helper = numpy_helper
        self._lazy: dict[str, Any] = {t.name: t for t in model.graph.initializer}
        self.values: dict[str, np.ndarray[Any, Any]] = {}
        #: names holding trained parameters (initializers and what is computed from them alone)
        self.trained: set[str] = set(self._lazy)

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self._lazy

    def get(self, name: str) -> np.ndarray[Any, Any] | None:
        if name in self.values:
            return self.values[name]
        if name in self._lazy:
            self.values[name] = self._helper.to_array(self._lazy.pop(name))
            return self.values[name]
        return None

    def shape(self, name: str) -> tuple[int, ...]:
        if name in self._lazy:
            return tuple(int(d) for d in self._lazy[name].dims)
        value = self.get(name)
        assert value is not None
        return tuple(int(d) for d in value.shape)

    def size(self, name: str) -> int:
        return int(np.prod(self.shape(name), dtype=np.int64))

    def type_proto(self, name: str) -> Any:
        from onnx import helper

        if name in self._lazy:
            tensor = self._lazy[name]
            return helper.make_tensor_type_proto(tensor.data_type, list(tensor.dims))
        value = self.get(name)
        assert value is not None
        return helper.make_tensor_type_proto(helper.np_dtype_to_tensor_dtype(value.dtype), list(value.shape))

    def fold(self, node: Any, shapes: dict[str, tuple[int, ...]]) -> bool:
        """Evaluate ``node`` when its inputs are all constant (``Shape`` needs only a known shape)."""
        if node.op_type == "Constant":
            from onnx.reference import ReferenceEvaluator

            outputs: Any = ReferenceEvaluator(node).run(None, {})
            self.values[node.output[0]] = np.asarray(outputs[0])
            return True
        if node.op_type == "Shape" and node.input[0] in shapes and node.input[0] not in self:
            start = next((a.i for a in node.attribute if a.name == "start"), 0)
            end = next((a.i for a in node.attribute if a.name == "end"), None)
            self.values[node.output[0]] = np.array(shapes[node.input[0]][start:end], dtype=np.int64)
            return True
        names = [name for name in node.input if name]
        if not all(name in self for name in names) or node.op_type in ("RandomNormalLike", "RandomUniformLike"):
            return False
        from onnx.reference import ReferenceEvaluator

        feeds = {name: self.get(name) for name in names}
        results = ReferenceEvaluator(node).run(None, feeds)
        for out, result in zip(node.output, results, strict=False):
            self.values[out] = np.asarray(result)
            if any(n in self.trained for n in names):
                self.trained.add(out)
        return True


def inferred_shapes(model: Any) -> dict[str, tuple[int, ...]]:
    """Every tensor shape ONNX shape inference knows (only fully numeric ones)."""
    import onnx

    try:
        inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception:  # inference is best effort; the walk computes what it needs
        inferred = model
    shapes: dict[str, tuple[int, ...]] = {}
    graph = inferred.graph
    for info in [*graph.input, *graph.value_info, *graph.output]:
        dims = info.type.tensor_type.shape.dim
        if dims and all(d.HasField("dim_value") for d in dims):
            shapes[info.name] = tuple(int(d.dim_value) for d in dims)
    return shapes


def node_shapes(node: Any, values: dict[str, Value], constants: Constants, opset: int) -> dict[str, tuple[int, ...]]:
    """The output shapes of one node, inferred by ONNX from the shapes (and small constants) known now."""
    from onnx import TensorProto, defs, helper, numpy_helper, shape_inference

    types: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for name in node.input:
        if not name:
            continue
        if name in values:
            types[name] = helper.make_tensor_type_proto(TensorProto.FLOAT, list(values[name].shape))
        elif name in constants:
            types[name] = constants.type_proto(name)
            if constants.size(name) <= 64:
                value = constants.get(name)
                data[name] = numpy_helper.from_array(np.asarray(value), name)
    try:
        schema = defs.get_schema(node.op_type, opset, node.domain)
        inferred = shape_inference.infer_node_outputs(schema, node, types, data)
    except Exception:  # best effort: the handler says what it cannot do
        return {}
    shapes = {}
    for name, proto in inferred.items():
        dims = proto.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims) and proto.tensor_type.HasField("shape"):
            shapes[name] = tuple(int(d.dim_value) for d in dims)
    return shapes


def attributes(node: Any) -> dict[str, Any]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}
