"""``cnncalc import model.onnx``: an ONNX graph as ``.arch`` layers (needs ``pip install 'cnncalc[onnx]'``).

The graph is walked in its (topological) order. Shape arithmetic is folded into constants
(:mod:`cnncalc.importers.onnx_graph`); every other node becomes ``.arch`` layers by the table
in :mod:`cnncalc.importers.onnx_ops`. Parameters are not copied: the ``.arch`` statements
imply them, and the round-trip tests check that they equal the initializers. The batch dim
is set to 1; ``--input DIMS`` (channels-last) fixes a model's dynamic sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnncalc.errors import ModelError, UsageError
from cnncalc.importers.arch_writer import write_arch
from cnncalc.importers.layers import (
    INPUT,
    Imported,
    Layer,
    Unsupported,
    channels_error,
    missing_extra,
    unsupported_error,
)
from cnncalc.importers.onnx_graph import Constants, Value, node_shapes


class Walk:
    """The state of one import: layers so far, data values, constants, problems found."""

    def __init__(self, model: Any, source: str, lenient: bool) -> None:
        self.source = source
        self.lenient = lenient
        self.constants = Constants(model)
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 18)
        self.layers: list[Layer] = []
        self.values: dict[str, Value] = {}
        self.unsupported: list[Unsupported] = []
        self.warnings: list[str] = []
        self.node: Any = None
        self.position = 0

    # -- what handlers use -------------------------------------------------------------
    def data(self, name: str) -> Value | None:
        return self.values.get(name)

    def emit(
        self,
        statement: str,
        inputs: Sequence[Value],
        out: str | None = None,
        *,
        name: str = "",
        shape: tuple[int, ...] | None = None,
    ) -> Value:
        """Append a layer fed by ``inputs``; its output is ``out`` (default: the node's first)."""
        out = out if out is not None else self.node.output[0]
        self.layers.append(
            Layer(statement=statement, inputs=tuple(v.producer for v in inputs), name=name or self.node_name())
        )
        value = Value(producer=len(self.layers) - 1, shape=shape or self.shape_of(out, inputs[0].shape))
        self.values[out] = value
        return value

    def alias(self, value: Value, out: str | None = None, **changes: Any) -> None:
        """The node's output is ``value`` (a no-op, or a view change)."""
        out = out if out is not None else self.node.output[0]
        shape = changes.pop("shape", self.shapes.get(out, value.shape))
        changes.setdefault("groups", value.groups)
        changes.setdefault("view", value.view)
        self.values[out] = Value(producer=value.producer, shape=shape, **changes)

    def reject(self, why: str = "") -> None:
        node = self.node
        self.unsupported.append(Unsupported(name=self.node_name(), op=node.op_type, position=self.position, why=why))
        inputs = [self.values[n] for n in node.input if n in self.values]
        for out in node.output:  # keep walking to find every problem
            if inputs and out:
                self.values[out] = inputs[0]

    def shape_of(self, name: str, fallback: tuple[int, ...]) -> tuple[int, ...]:
        return self.shapes.get(name, fallback)

    def node_name(self) -> str:
        return str(self.node.name or self.node.output[0])

    # -- the walk ------------------------------------------------------------------------
    def run(self, graph: Any, dims: tuple[int, ...]) -> None:
        from cnncalc.importers.onnx_ops import HANDLERS

        data_input = self.data_input(graph)
        self.values[data_input] = Value(producer=INPUT, shape=dims)
        self.shapes[data_input] = dims
        for self.position, self.node in enumerate(graph.node, start=1):
            node = self.node
            if not any(name in self.values for name in node.input) and self.constants.fold(node, self.shapes):
                continue
            self.shapes.update(node_shapes(node, self.values, self.constants, self.opset))
            handler = HANDLERS.get(node.op_type)
            if handler is None:
                self.unknown()
            else:
                handler(self)

    def unknown(self) -> None:
        node = self.node
        inputs = [self.values[n] for n in node.input if n in self.values]
        params = [n for n in node.input if n and n in self.constants.trained]
        out_shape = self.shapes.get(node.output[0])
        if self.lenient and len(inputs) == 1 and not params and out_shape == inputs[0].shape:
            self.warnings.append(f"{self.node_name()} ({node.op_type}, node {self.position}) imported as identity")
            self.emit("identity", inputs)
            return
        self.reject()

    @staticmethod
    def data_input(graph: Any) -> str:
        initializers = {t.name for t in graph.initializer}
        names = [i.name for i in graph.input if i.name not in initializers]
        if len(names) != 1:
            raise ModelError(f"the model has {len(names)} inputs; cnncalc imports networks with exactly one")
        return str(names[0])


def import_onnx(path: str, *, input_dims: str | None = None, lenient: bool = False) -> Imported:
    """The ``.arch`` text of an ONNX model file."""
    try:
        import onnx
    except ImportError:
        raise missing_extra("onnx", "onnx") from None
    try:
        model = onnx.load(path)
    except OSError as error:
        raise UsageError(f"cannot read '{path}': {error.strerror}") from None
    except Exception as error:
        raise ModelError(f"'{path}' is not an ONNX model: {error}") from None
    if not model.HasField("graph"):  # protobuf reads an empty file (or a few stray bytes) as an empty model
        why = "the file is empty" if not model.ByteSize() else "it holds no graph"
        raise ModelError(f"'{path}' is not an ONNX model: {why}")
    dims = _fix_input(model, input_dims, path)
    walk = Walk(model, path, lenient)
    walk.run(model.graph, dims)
    if walk.unsupported:
        raise unsupported_error(walk.unsupported, path)
    layers = _outputs(walk, [o.name for o in model.graph.output], len(dims) - 2)
    arch_dims = [*dims[2:], dims[1]] if len(dims) > 2 else [dims[1]]
    header = [f"imported by cnncalc from {path}", f"producer: {model.producer_name} {model.producer_version}".strip()]
    return Imported(text=write_arch(arch_dims, layers, header), warnings=tuple(walk.warnings))


def _fix_input(model: Any, input_dims: str | None, path: str) -> tuple[int, ...]:
    """The data input's NCHW shape, batch 1; ``--input`` (channels-last) fills dynamic dims."""
    name = Walk.data_input(model.graph)
    info = next(i for i in model.graph.input if i.name == name)
    dims = info.type.tensor_type.shape.dim
    if input_dims is not None:
        try:
            given = [int(d) for d in input_dims.lower().split("x")]
        except ValueError:
            raise UsageError(f"--input {input_dims!r}: numbers joined by 'x' expected") from None
        if any(d < 1 for d in given):
            raise UsageError(f"--input {input_dims!r}: sizes must be positive")
        shape = (1, given[-1], *given[:-1])
        if len(shape) != len(dims):
            raise UsageError(f"--input {input_dims!r} has {len(given)} dims; the model's input has {len(dims) - 1}")
        fixed = _fixed_channels(model.graph, name, dims[1])
        if fixed is not None and shape[1] != fixed:
            raise channels_error(input_dims, shape[1], fixed)
    else:
        if not all(d.HasField("dim_value") for d in list(dims)[1:]):
            raise UsageError(
                f"{path}: the input's size is dynamic", hint="give it channels-last with --input, e.g. 224x224x3"
            )
        shape = (1, *(int(d.dim_value) for d in list(dims)[1:]))
    for dim, value in zip(dims, shape, strict=False):
        dim.Clear()
        dim.dim_value = value
    return tuple(shape)


def _fixed_channels(graph: Any, name: str, declared: Any) -> int | None:
    """The channels the model fixes: its input's declared channel dim or, where that is dynamic, the
    weights of a ``Conv``, ``ConvTranspose`` or ``BatchNormalization`` reading the input directly."""
    if declared.HasField("dim_value"):
        return int(declared.dim_value)
    weights = {t.name: list(t.dims) for t in graph.initializer}
    for node in graph.node:
        weight = weights.get(node.input[1]) if len(node.input) > 1 and node.input[0] == name else None
        if not weight:
            continue
        if node.op_type == "Conv" and len(weight) > 1:
            return int(weight[1]) * next((int(a.i) for a in node.attribute if a.name == "group"), 1)
        if node.op_type in ("ConvTranspose", "BatchNormalization"):
            return int(weight[0])
    return None


def _outputs(walk: Walk, names: Sequence[str], rank: int) -> list[Layer]:
    """The first graph output is the last line; the others are flagged ``output`` (after :func:`tidy`)."""
    from dataclasses import replace

    from cnncalc.importers.tidy import tidy

    producers = [walk.values[n].producer for n in names if n in walk.values]
    if not producers:
        raise ModelError(f"{walk.source}: the graph's output does not depend on its input")
    layers, (main, *extra) = tidy(walk.layers, producers, rank)
    for p in extra:
        if p != INPUT:
            layers[p] = replace(layers[p], output=True)
    if main != len(layers) - 1:
        layers.append(Layer(statement="identity", inputs=(main,), name=names[0]))
    return layers
