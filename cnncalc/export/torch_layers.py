"""One emitter per layer kind: the ``__init__`` lines and the ``forward`` expression in PyTorch.

Conventions of the generated code (NCHW, as PyTorch expects; the ``.arch`` is channels-last):

- Padding is resolved exactly: symmetric padding goes into the layer, asymmetric padding
  (``same`` at stride > 1, ``s:e``) becomes an explicit ``F.pad`` before it (``-inf`` for max
  pooling), and padding PyTorch's pooling refuses (more than half the window) too.
- A transposed conv with asymmetric padding, or an ``OP`` PyTorch refuses, runs unpadded and
  is cropped/extended with ``F.pad`` (negative amounts crop).
- ``fc`` flattens its input with ``torch.flatten(x, 1)`` (channel-first order; the counts are
  the same in either order). ``layernorm`` and ``layerscale`` act on the channel dim.
- ``normalization`` (Keras's ``Normalization``) is a small ``KerasNormalization`` module written into the
  file: its mean, variance and count are buffers (not parameters, as Keras's are not trainable), the
  count a float in the module's dtype so that the state_dict's bytes are cnncalc's parameter bytes.
- ``mul`` broadcasts as the ``.arch`` does (aligned at the channel end): an operand of lower
  rank is viewed as ``N x C x 1 ... x dims``.
- ``trainable=no`` becomes ``requires_grad_(False)`` on the layer's parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cnncalc.analysis import LayerRow
from cnncalc.export.naming import Namer, integer, literal
from cnncalc.model import LayerSpec, Shape

DROP_PATH = '''
class DropPath(nn.Module):
    """Stochastic depth: drops whole samples while training, the identity at inference."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(keep)
        return x * mask / keep
'''

NORMALIZATION = '''
class KerasNormalization(nn.Module):
    """Keras's Normalization(axis=-1) on the channel dim: (x - mean) / max(sqrt(var), 1e-7), with the
    mean, variance and count (Keras's non-trainable weights) as buffers: the state_dict holds them."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(channels))
        self.register_buffer("var", torch.ones(channels))
        self.register_buffer("count", torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (-1,) + (1,) * (x.dim() - 2)
        return (x - self.mean.view(shape)) / self.var.sqrt().clamp_min(1e-7).view(shape)
'''

#: the classes helpers write into the file (the exported network's own class is named otherwise)
HELPER_CLASSES = frozenset({"DropPath", "KerasNormalization"})

ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "relu6": "nn.ReLU6()",
    "elu": "nn.ELU()",
    "gelu": "nn.GELU()",
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "swish": "nn.SiLU()",
    "softmax": "nn.Softmax(dim=1)",
    "hardswish": "nn.Hardswish()",
    "hardsigmoid": "nn.Hardsigmoid()",
    "mish": "nn.Mish()",
    "selu": "nn.SELU()",
    "softplus": "nn.Softplus()",
    "hardtanh": "nn.Hardtanh()",
}


@dataclass
class Emit:
    """One layer being written: its row, its input variables, and what it adds to the module."""

    row: LayerRow
    x: str
    operands: list[str]
    namer: Namer
    init: list[str] = field(default_factory=list)
    #: attributes holding the layer's parameters (for ``trainable=no``)
    owned: list[str] = field(default_factory=list)
    helpers: set[str] = field(default_factory=set)

    @property
    def spec(self) -> LayerSpec:
        return self.row.spec

    @property
    def shape(self) -> Shape:
        return self.row.input_shape

    @property
    def rank(self) -> int:
        return len(self.shape.spatial)

    @property
    def channels(self) -> int:
        return integer(self.shape.channels, "channel count")

    def module(self, stem: str, constructor: str) -> str:
        name = self.namer.numbered(stem)
        self.init.append(f"self.{name} = {constructor}")
        self.owned.append(name)
        return f"self.{name}"

    def nd(self, what: str) -> int:
        """The spatial rank of a layer that needs one: 1, 2 or 3 (the analysis refuses others)."""
        assert 1 <= self.rank <= 3, f"{what} on {self.rank} spatial dims"
        return self.rank

    def pads(self) -> list[tuple[int, int]]:
        window = self.row.window
        assert window is not None
        return [(integer(s, "padding"), integer(e, "padding")) for s, e in window.padding]

    def broadcast_view(self, name: str) -> str:
        """A per-channel parameter ``(C,)`` viewed to broadcast over ``N x C x dims``."""
        return f"{name}.view(-1{', 1' * self.rank})" if self.rank else name


def pad_argument(pairs: list[tuple[int, int]]) -> str:
    """``F.pad`` takes the last dim first: ``(w_start, w_end, h_start, h_end)``."""
    flat = [v for s, e in reversed(pairs) for v in (s, e)]
    return "(" + ", ".join(str(v) for v in flat) + ")"


def _window(e: Emit) -> tuple[list[int], list[int], list[int]]:
    window = e.row.window
    assert window is not None
    return list(window.kernel), list(window.stride), list(window.dilation)


def conv(e: Emit) -> str:
    spec, d = e.spec, e.nd("convolution")
    kernel, stride, dilation = _window(e)
    pads = e.pads()
    c = e.channels
    if spec.kind == "dwconv":
        out, groups = c * (spec.multiplier or 1), c
    else:
        out, groups = integer(e.row.output_shape.channels, "filter count"), spec.groups or 1
    symmetric = all(s == p for s, p in pads)
    args = [str(c), str(out), f"kernel_size={literal(kernel)}"]
    if any(s != 1 for s in stride):
        args.append(f"stride={literal(stride)}")
    if symmetric and any(s for s, _ in pads):
        args.append(f"padding={literal([s for s, _ in pads])}")
    if any(v != 1 for v in dilation):
        args.append(f"dilation={literal(dilation)}")
    if groups != 1:
        args.append(f"groups={groups}")
    if not spec.bias:
        args.append("bias=False")
    layer = e.module("conv", f"nn.Conv{d}d({', '.join(args)})")
    if symmetric:
        return f"{layer}({e.x})"
    return f"{layer}(F.pad({e.x}, {pad_argument(pads)}))"


def deconv(e: Emit) -> str:
    spec, d = e.spec, e.nd("transposed convolution")
    kernel, stride, dilation = _window(e)
    pads = e.pads()
    extra = list(spec.output_padding or (0,) * d)
    if len(extra) == 1:
        extra *= d
    out = integer(e.row.output_shape.channels, "filter count")
    args = [str(e.channels), str(out), f"kernel_size={literal(kernel)}"]
    if any(s != 1 for s in stride):
        args.append(f"stride={literal(stride)}")
    native = all(s == p for s, p in pads) and all(
        o < max(s, dl) for o, s, dl in zip(extra, stride, dilation, strict=False)
    )
    if native and any(s for s, _ in pads):
        args.append(f"padding={literal([s for s, _ in pads])}")
    if native and any(extra):
        args.append(f"output_padding={literal(extra)}")
    if any(v != 1 for v in dilation):
        args.append(f"dilation={literal(dilation)}")
    if (spec.groups or 1) != 1:
        args.append(f"groups={spec.groups}")
    if not spec.bias:
        args.append("bias=False")
    layer = e.module("deconv", f"nn.ConvTranspose{d}d({', '.join(args)})")
    if native:
        return f"{layer}({e.x})"
    edges = [(-s, o - p) for (s, p), o in zip(pads, extra, strict=False)]
    return f"F.pad({layer}({e.x}), {pad_argument(edges)})"


def pool(e: Emit) -> str:
    spec, d = e.spec, e.nd("pooling")
    kernel, stride, dilation = _window(e)
    pads = e.pads()
    inline = all(s == p and 2 * s <= k for (s, p), k in zip(pads, kernel, strict=False))
    args = [literal(kernel)]
    if stride != kernel:
        args.append(f"stride={literal(stride)}")
    if inline and any(s for s, _ in pads):
        args.append(f"padding={literal([s for s, _ in pads])}")
    if spec.kind == "maxpool" and any(v != 1 for v in dilation):
        args.append(f"dilation={literal(dilation)}")
    if spec.ceil:
        args.append("ceil_mode=True")
    stem = "maxpool" if spec.kind == "maxpool" else "avgpool"
    layer = e.module(stem, f"nn.{'MaxPool' if stem == 'maxpool' else 'AvgPool'}{d}d({', '.join(args)})")
    if inline:
        return f"{layer}({e.x})"
    value = ', value=float("-inf")' if stem == "maxpool" else ""
    return f"{layer}(F.pad({e.x}, {pad_argument(pads)}{value}))"


def adaptive(e: Emit) -> str:
    d = e.nd("adaptive pooling")
    size = [1] * d if e.spec.kind in ("gap", "gmp") else [integer(v, "output size") for v in e.row.output_shape.spatial]
    kind = "Max" if e.spec.kind in ("gmp", "adaptivemaxpool") else "Avg"
    return f"{e.module(f'{kind.lower()}pool', f'nn.Adaptive{kind}Pool{d}d({literal(size)})')}({e.x})"


def fc(e: Emit) -> str:
    features = e.channels
    for dim in e.shape.spatial:
        features *= integer(dim, "input size")
    units = integer(e.row.output_shape.channels, "unit count")
    bias = "" if e.spec.bias else ", bias=False"
    layer = e.module("fc", f"nn.Linear({features}, {units}{bias})")
    return f"{layer}({e.x})" if not e.rank else f"{layer}(torch.flatten({e.x}, 1))"


def flatten(e: Emit) -> str:
    return f"torch.flatten({e.x}, 1)" if e.rank else e.x


def bn(e: Emit) -> str:
    c, spec = e.channels, e.spec
    d = max(e.rank, 1)
    if spec.scale and spec.center:
        return f"{e.module('bn', f'nn.BatchNorm{d}d({c})')}({e.x})"
    expression = f"{e.module('bn', f'nn.BatchNorm{d}d({c}, affine=False)')}({e.x})"
    if spec.scale:
        expression = f"{expression} * {e.broadcast_view(e.module('gamma', f'nn.Parameter(torch.ones({c}))'))}"
    if spec.center:
        expression = f"{expression} + {e.broadcast_view(e.module('beta', f'nn.Parameter(torch.zeros({c}))'))}"
    return expression


def layernorm(e: Emit) -> str:
    bias = "" if e.spec.bias else ", bias=False"
    layer = e.module("layernorm", f"nn.LayerNorm({e.channels}{bias})")
    return f"{layer}({e.x}.movedim(1, -1)).movedim(-1, 1)" if e.rank else f"{layer}({e.x})"


def groupnorm(e: Emit) -> str:
    return f"{e.module('groupnorm', f'nn.GroupNorm({e.spec.groups}, {e.channels})')}({e.x})"


def instancenorm(e: Emit) -> str:
    affine = ", affine=True" if e.spec.affine else ""
    d = e.nd("instance norm")
    return f"{e.module('instancenorm', f'nn.InstanceNorm{d}d({e.channels}{affine})')}({e.x})"


def normalization(e: Emit) -> str:
    e.helpers.add(NORMALIZATION)
    return f"{e.module('normalization', f'KerasNormalization({e.channels})')}({e.x})"


def layerscale(e: Emit) -> str:
    return f"{e.x} * {e.broadcast_view(e.module('scale', f'nn.Parameter(torch.ones({e.channels}))'))}"


def activation(e: Emit) -> str:
    spec = e.spec
    if spec.kind == "leakyrelu":
        constructor = "nn.LeakyReLU()" if spec.alpha is None else f"nn.LeakyReLU({float(spec.alpha)!r})"
    elif spec.kind == "prelu":
        constructor = f"nn.PReLU({e.channels})" if spec.per_channel else "nn.PReLU()"
    else:
        constructor = ACTIVATIONS[spec.kind]
    return f"{e.module(spec.kind, constructor)}({e.x})"


def dropout(e: Emit) -> str:
    rate = "" if e.spec.rate is None else repr(float(e.spec.rate))
    if e.spec.kind == "droppath":
        e.helpers.add(DROP_PATH)
        return f"{e.module('droppath', f'DropPath({rate or 0.0})')}({e.x})"
    return f"{e.module('dropout', f'nn.Dropout({rate})')}({e.x})"


def identity(e: Emit) -> str:
    return e.x


def slice_channels(e: Emit) -> str:
    assert e.spec.channels is not None
    start, end = e.spec.channels
    return f"{e.x}[:, {start}:{end}]"


def shuffle(e: Emit) -> str:
    g = e.spec.groups or 1
    return f"{e.x}.unflatten(1, ({g}, {e.channels // g})).transpose(1, 2).flatten(1, 2)"


def pixelshuffle(e: Emit) -> str:
    r = (e.spec.factor or (1,))[0]
    name = "PixelShuffle" if e.spec.kind == "pixelshuffle" else "PixelUnshuffle"
    return f"{e.module(e.spec.kind, f'nn.{name}({r})')}({e.x})"


def upsample(e: Emit) -> str:
    spec, d = e.spec, e.nd("upsampling")
    mode = spec.mode or "nearest"
    if spec.size is not None:
        size = list(spec.size) * (d if len(spec.size) == 1 else 1)
        how = f"size={literal(size)}"
    else:
        factor = list(spec.factor or (1,))
        factor = factor * (d if len(factor) == 1 else 1)
        how = f"scale_factor={literal([float(f) for f in factor])}"
    return f"{e.module('upsample', f'nn.Upsample({how}, mode={mode!r})')}({e.x})"


def pad(e: Emit) -> str:
    return f"F.pad({e.x}, {pad_argument(e.pads())})"


def crop(e: Emit) -> str:
    window = e.row.window
    assert window is not None
    cuts = []
    for (s, p), size in zip(window.padding, e.shape.spatial, strict=False):
        start, end, total = -integer(s, "crop"), -integer(p, "crop"), integer(size, "input size")
        cuts.append(f"{start}:{total - end}")
    return f"{e.x}[:, :, {', '.join(cuts)}]"


def add(e: Emit) -> str:
    return " + ".join([e.x, *e.operands])


def concat(e: Emit) -> str:
    return f"torch.cat([{', '.join([e.x, *e.operands])}], dim=1)"


def mul(e: Emit) -> str:
    rank = len(e.row.output_shape.spatial)
    terms = []
    for name, shape in zip([e.x, *e.operands], e.row.inputs, strict=False):
        have = len(shape.spatial)
        if have == rank:
            terms.append(name)
            continue
        dims = [integer(shape.channels, "channel count"), *([1] * (rank - have))]
        dims += [integer(v, "size") for v in shape.spatial]
        terms.append(f"{name}.view(-1, {', '.join(str(v) for v in dims)})")
    return " * ".join(terms)


Emitter = Callable[[Emit], str]

EMITTERS: dict[str, Emitter] = {
    "conv": conv,
    "dwconv": conv,
    "deconv": deconv,
    "maxpool": pool,
    "avgpool": pool,
    "adaptiveavgpool": adaptive,
    "adaptivemaxpool": adaptive,
    "gap": adaptive,
    "gmp": adaptive,
    "fc": fc,
    "flatten": flatten,
    "bn": bn,
    "layernorm": layernorm,
    "groupnorm": groupnorm,
    "instancenorm": instancenorm,
    "layerscale": layerscale,
    "normalization": normalization,
    **{kind: activation for kind in (*ACTIVATIONS, "leakyrelu", "prelu")},
    "dropout": dropout,
    "droppath": dropout,
    "identity": identity,
    "slice": slice_channels,
    "shuffle": shuffle,
    "pixelshuffle": pixelshuffle,
    "pixelunshuffle": pixelshuffle,
    "upsample": upsample,
    "pad": pad,
    "crop": crop,
    "add": add,
    "concat": concat,
    "mul": mul,
}
