"""A PyTorch module's architecture through ``torch.fx`` symbolic tracing (``cnncalc import torch:...``).

The module is traced by :class:`torch.fx.Tracer` (``torch.nn`` layers and torchvision's
``StochasticDepth`` stay whole as ``call_module`` nodes; torchvision's ``channel_shuffle`` stays one
``call_function``), every node's output shape is found by fx's ``ShapeProp`` on a fake (or meta)
input of one sample — nothing is computed — and the nodes are walked in order: each becomes
``.arch`` layers by the tables in :mod:`cnncalc.importers.torch_fx_ops` (modules, functions and
methods), or a *view* (channels moved last around a LayerNorm or a per-position ``Linear``,
ConvNeXt-style; the ``view``/``transpose`` of a hand-written channel shuffle), or an alias (no
line: ``contiguous``, ``nn.Identity``, a one-tensor ``cat``), or a rejection. Non-tensor nodes
(``x.size()``, shape arithmetic) only feed other nodes' arguments and make no line.

Conventions: shapes are PyTorch's (batch first, channels second); the ``.arch`` is channels-last.
A module's parameters are not read: the statements imply them, and the tests check that they
equal the module's. Parameters the forward pass never uses (GoogLeNet's training-only auxiliary
classifiers) are not counted, and a warning names them.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cnncalc.errors import ModelError, UsageError
from cnncalc.importers.arch_writer import write_arch
from cnncalc.importers.layers import INPUT, Imported, Layer, Unsupported, channels_error, unsupported_error

#: torchvision modules kept whole (their forward is the identity at inference or needs no tracing)
LEAF_CLASSES = ("StochasticDepth",)


@dataclass(frozen=True, kw_only=True, slots=True)
class Tensor:
    """A data tensor: the layer producing it, its shape as torch holds it (batch first) and its view.

    Views: ``cl`` channels moved last (shape ``N, ..., C``); ``split``/``swapped``: the
    ``view(N, g, C/g, ...)`` and ``transpose(1, 2)`` of a hand-written channel shuffle."""

    producer: int
    shape: tuple[int, ...]
    view: str = ""
    groups: int = 0

    @property
    def channels(self) -> int:
        return self.shape[-1] if self.view == "cl" else self.shape[1]


@dataclass(frozen=True, kw_only=True, slots=True)
class Param:
    """A ``get_attr`` tensor (a parameter or buffer used by a function): its shape."""

    target: str
    shape: tuple[int, ...]

    @property
    def numel(self) -> int:
        size = 1
        for d in self.shape:
            size *= d
        return size


class FxWalk:
    """The state of one import: the traced graph, layers so far, values by node, problems found."""

    def __init__(self, graph_module: Any, source: str, lenient: bool) -> None:
        self.gm = graph_module
        self.source = source
        self.lenient = lenient
        self.layers: list[Layer] = []
        self.values: dict[Any, Any] = {}
        self.unsupported: list[Unsupported] = []
        self.warnings: list[str] = []
        self.node: Any = None
        self.position = 0
        self.outputs: list[Tensor] = []

    # -- what handlers use -------------------------------------------------------------
    def value(self, arg: Any) -> Any:
        """An argument's value: a node's (Tensor, Param, tuple, or None for shape arithmetic), or the constant."""
        from torch.fx import Node

        if isinstance(arg, Node):
            return self.values.get(arg)
        if isinstance(arg, (list, tuple)):
            return type(arg)(self.value(a) for a in arg)
        if isinstance(arg, dict):
            return {key: self.value(a) for key, a in arg.items()}
        return arg

    def arg(self, index: int, name: str, default: Any = None) -> Any:
        """The node's argument by position or keyword, resolved to values."""
        node = self.node
        if len(node.args) > index:
            return self.value(node.args[index])
        return self.value(node.kwargs.get(name, default))

    def tensor(self, index: int = 0, name: str = "input") -> Tensor | None:
        found = self.arg(index, name)
        return found if isinstance(found, Tensor) else None

    def out_shape(self) -> tuple[int, ...]:
        meta = self.node.meta.get("tensor_meta")
        return tuple(int(d) for d in meta.shape)

    def emit(self, statement: str, inputs: Sequence[Tensor], *, view: str | None = None) -> Tensor:
        """Append a layer fed by ``inputs``; the node's output is it (in the first input's view)."""
        name = str(self.node.target) if self.node.op == "call_module" else str(self.node.name)
        self.layers.append(Layer(statement=statement, inputs=tuple(t.producer for t in inputs), name=name))
        out = Tensor(
            producer=len(self.layers) - 1, shape=self.out_shape(), view=inputs[0].view if view is None else view
        )
        self.values[self.node] = out
        return out

    def alias(self, tensor: Tensor, **changes: Any) -> None:
        """The node's output is ``tensor`` (no line), perhaps in another view or shape."""
        changes.setdefault("shape", self.out_shape())
        self.values[self.node] = replace(tensor, **changes)

    def reject(self, why: str = "") -> None:
        node = self.node
        self.unsupported.append(
            Unsupported(name=str(node.name), op=describe(node, self.gm), position=self.position, why=why)
        )
        inputs = [v for v in (self.value(a) for a in node.all_input_nodes) if isinstance(v, Tensor)]
        if inputs and hasattr(node.meta.get("tensor_meta"), "shape"):
            self.values[node] = replace(inputs[0], shape=self.out_shape(), view="")  # walk on to find every problem

    # -- the walk ------------------------------------------------------------------------
    def run(self, handle: Callable[[FxWalk], None]) -> None:
        for position, node in enumerate(self.gm.graph.nodes, start=1):
            self.position, self.node = position, node
            if node.op == "placeholder":  # one only: see one_input
                self.values[node] = Tensor(producer=INPUT, shape=self.out_shape())
            elif node.op == "get_attr":
                attribute = self.gm
                for part in str(node.target).split("."):
                    attribute = getattr(attribute, part)
                self.values[node] = Param(target=str(node.target), shape=tuple(getattr(attribute, "shape", ())))
            elif node.op == "output":
                self.outputs = [v for v in _flatten(self.value(node.args[0])) if isinstance(v, Tensor)]
            elif "tensor_meta" not in node.meta:
                self.values[node] = None  # shape arithmetic: only feeds other nodes' arguments
            else:
                handle(self)

    def unknown(self, why: str = "") -> None:
        """A node no table knows: an error, or ``identity`` under ``--lenient`` when that is exact."""
        node = self.node
        inputs = [v for v in (self.value(a) for a in node.all_input_nodes) if v is not None]
        params = node.op == "call_module" and any(True for _ in self.gm.get_submodule(node.target).parameters())
        same = len(inputs) == 1 and isinstance(inputs[0], Tensor) and hasattr(node.meta.get("tensor_meta"), "shape")
        if self.lenient and same and not params and self.out_shape() == inputs[0].shape:
            self.warnings.append(f"{node.name} ({describe(node, self.gm)}, node {self.position}) imported as identity")
            self.emit("identity", inputs)
            return
        self.reject(why)


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _flatten(item)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flatten(item)]
    return [value]


def describe(node: Any, gm: Any) -> str:
    """``call_module features.0 (Conv2d)``, ``call_function torch.roll``, ``call_method Tensor.roll``."""
    if node.op == "call_module":
        return f"call_module {node.target} ({type(gm.get_submodule(node.target)).__name__})"
    if node.op == "call_method":
        return f"call_method Tensor.{node.target}"
    target = node.target
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", str(target))
    return f"call_function {module.replace('_operator', 'operator')}.{name}".replace(" .", " ")


def trace(model: Any, source: str) -> Any:
    """The ``GraphModule`` of ``model`` (leaf: ``torch.nn`` layers and :data:`LEAF_CLASSES`)."""
    import torch.fx

    wrapped: list[Callable[..., Any]] = []
    try:
        from torchvision.models.shufflenetv2 import channel_shuffle

        wrapped.append(channel_shuffle)
    except Exception:  # torchvision is optional: without it no model calls its channel_shuffle
        pass

    class Tracer(torch.fx.Tracer):  # type: ignore[misc]
        def is_leaf_module(self, module: Any, qualified_name: str) -> bool:
            return type(module).__name__ in LEAF_CLASSES or bool(super().is_leaf_module(module, qualified_name))

    tracer = Tracer(autowrap_functions=tuple(wrapped))
    try:
        graph = tracer.trace(model)
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError(
            f"{source}: torch.fx cannot trace the model ({type(error).__name__}: {reason})",
            hint="symbolic tracing needs a forward pass without data-dependent control flow; "
            "export the model to ONNX and import model.onnx instead",
        ) from None
    return torch.fx.GraphModule(tracer.root, graph)


def one_input(gm: Any, source: str) -> None:
    """Refuse a forward pass with several arguments (defaults included) before it is run on one input."""
    if sum(node.op == "placeholder" for node in gm.graph.nodes) > 1:
        raise ModelError(f"{source}: forward takes several inputs; cnncalc imports networks with one")


#: the input ranks (without the batch) each BatchNorm takes: a rank it refuses is reported as torch says it
_NORM_RANKS = {"BatchNorm1d": (1, 2), "BatchNorm2d": (3,), "BatchNorm3d": (4,), "SyncBatchNorm": (2, 3, 4)}


def check_channels(gm: Any, input_size: tuple[int, ...]) -> None:
    """Refuse an input whose channels contradict a layer reading it directly (a conv's ``in_channels``,
    a norm's ``num_features``/``num_channels``, a ``Linear`` on a vector): its weights fix them."""
    import torch

    nn = torch.nn
    for node in gm.graph.nodes:
        if node.op != "placeholder":
            continue
        for user in node.users:
            module = gm.get_submodule(str(user.target)) if user.op == "call_module" else None
            fixed = None
            if isinstance(module, nn.modules.conv._ConvNd) and len(module.kernel_size) == len(input_size) - 1:
                fixed = module.in_channels
            elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                ranks = _NORM_RANKS.get(type(module).__name__, ())
                fixed = module.num_features if len(input_size) in ranks else None
            elif isinstance(module, nn.GroupNorm) and module.affine:
                fixed = module.num_channels
            elif isinstance(module, nn.Linear) and len(input_size) == 1:
                fixed = module.in_features
            if fixed and fixed != input_size[0]:
                dims = "x".join(str(d) for d in (*input_size[1:], input_size[0]))
                raise channels_error(dims, input_size[0], int(fixed))


def propagate_shapes(gm: Any, input_size: tuple[int, ...], source: str) -> None:
    """Record every node's output shape (``node.meta['tensor_meta']``) on one sample, computing nothing."""
    import torch
    from torch.fx.passes.shape_prop import ShapeProp

    on_meta = any(t.is_meta for t in [*gm.parameters(), *gm.buffers()])
    quiet = io.StringIO()  # ShapeProp prints the traceback of a failing node before raising
    try:
        with contextlib.redirect_stderr(quiet), torch.no_grad():
            if on_meta:
                ShapeProp(gm).propagate(torch.empty(1, *input_size, device="meta"))
            else:
                from torch._subclasses.fake_tensor import FakeTensorMode

                mode = FakeTensorMode(allow_non_fake_inputs=True)
                ShapeProp(gm, fake_mode=mode).propagate(mode.from_tensor(torch.empty(1, *input_size)))
    except Exception as error:
        cause = error.__cause__ or error
        reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        dims = "x".join(str(d) for d in (*input_size[1:], input_size[0]))
        raise UsageError(f"{source}: the model does not run on a {dims} input: {reason}") from None


def unused_parameters(walk: FxWalk, model: Any) -> str | None:
    """A warning naming the modules whose parameters the forward pass never uses (not counted)."""
    used = [str(n.target) for n in walk.gm.graph.nodes if n.op in ("call_module", "get_attr")]
    unused: dict[str, int] = {}
    for name, parameter in model.named_parameters():
        if not any(name == u or name.startswith(u + ".") for u in used):
            owner = name.rsplit(".", 1)[0]
            owner = owner.split(".")[0] if "." in owner else owner
            unused[owner] = unused.get(owner, 0) + parameter.numel()
    if not unused:
        return None
    listed = ", ".join(f"{owner} ({count:,})" for owner, count in unused.items())
    return f"parameters the forward pass does not use are not counted: {listed}"


def import_fx(
    model: Any, input_size: tuple[int, ...], source: str, *, lenient: bool = False, repeats: bool = True
) -> Imported:
    """The ``.arch`` of ``model`` (an ``nn.Module``) on an input of ``input_size`` (PyTorch's, batch left out).

    ``repeats=False`` writes no ``repeat`` blocks: each line names one module or node (for tests)."""
    from cnncalc.importers.torch_fx_ops import handle

    model = model.train(False)  # inference mode: BatchNorm uses its statistics, dropout is off
    gm = trace(model, source)
    one_input(gm, source)
    check_channels(gm, input_size)
    propagate_shapes(gm, input_size, source)
    walk = FxWalk(gm, source, lenient)
    walk.run(handle)
    if walk.unsupported:
        raise unsupported_error(walk.unsupported, source)
    if not walk.outputs:
        raise ModelError(f"{source}: the forward pass returns no tensor computed from its input")
    from cnncalc.importers.tidy import tidy

    layers, (main, *extra) = tidy(walk.layers, [t.producer for t in walk.outputs], len(input_size) - 1)
    for p in extra:
        if p != INPUT:
            layers[p] = replace(layers[p], output=True)
    if main != len(layers) - 1:
        layers.append(Layer(statement="identity", inputs=(main,), name="output"))
    warning = unused_parameters(walk, model)
    warnings = [*walk.warnings, *([warning] if warning else [])]
    dims = [*input_size[1:], input_size[0]]
    header = [f"imported by cnncalc from {source} (torch.fx)"]
    return Imported(text=write_arch(dims, layers, header, repeats=repeats), warnings=tuple(warnings))
