"""``cnncalc export FILE --to keras``: a Keras 3 functional model whose layers are the file's layers.

Keras is channels-last like the ``.arch``, so shapes carry over unchanged. Padding is resolved
exactly: ``same`` stays ``padding="same"`` (Keras's ``same`` is the ``.arch``'s);
explicit padding, and the extra end rows of ``ceil`` pooling, become a ``ZeroPadding`` layer
before a ``valid`` one; a transposed conv runs ``valid`` and is cropped. ``gap``/``gmp`` keep
their ``1 x ... x 1`` dims (``keepdims=True``); ``fc`` flattens first; a ``mul`` operand of
lower rank is reshaped to broadcast (squeeze-and-excitation). Kinds Keras has no layer for
(``slice``, ``shuffle``, ``layerscale``) are small ``Lambda`` layers or a ``LayerScale`` class
written into the file; ``pixelshuffle``/``pixelunshuffle`` are a Reshape, Permute, Reshape in
PyTorch's pixel order; ``droppath`` is ``Dropout`` with a per-sample
noise shape; ``normalization`` is Keras's own ``Normalization(axis=-1)`` (mean 0 and variance 1
until ``adapt``; built for C channels it holds mean, variance and count: 2C + 1). ``trainable=no``
passes ``trainable=False``. The code imports only keras.
"""

from __future__ import annotations

from collections.abc import Callable

from cnncalc.analysis import LayerRow, analyze
from cnncalc.errors import UsageError
from cnncalc.export.naming import Namer, class_name, identifier, integer
from cnncalc.graph import walk
from cnncalc.model import Arch, Shape

LAYER_SCALE = '''
@keras.saving.register_keras_serializable()
class LayerScale(layers.Layer):
    """A learned factor per channel (ConvNeXt's layer scale)."""

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.gamma
'''

ACTIVATIONS = {
    "relu": "layers.ReLU()",
    "relu6": "layers.ReLU(max_value=6.0)",
    "elu": 'layers.Activation("elu")',
    "gelu": 'layers.Activation("gelu")',
    "sigmoid": 'layers.Activation("sigmoid")',
    "tanh": 'layers.Activation("tanh")',
    "swish": 'layers.Activation("silu")',
    "softmax": "layers.Softmax()",
    "hardswish": 'layers.Activation("hard_silu")',
    "hardsigmoid": 'layers.Activation("hard_sigmoid")',
    "mish": 'layers.Activation("mish")',
    "selu": 'layers.Activation("selu")',
    "softplus": 'layers.Activation("softplus")',
    "hardtanh": 'layers.Activation("hard_tanh")',
}


def _tuple(values: list[int]) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def _pairs(pairs: list[tuple[int, int]]) -> str:
    return "(" + ", ".join(f"({s}, {e})" for s, e in pairs) + ("," if len(pairs) == 1 else "") + ")"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.helpers: set[str] = set()
        self.namer = Namer()

    def call(self, constructor: str, inputs: str, comment: str = "") -> str:
        out = self.namer.numbered("h")
        self.lines.append(f"    {out} = {constructor}({inputs}){comment}")
        return out


def _d(row: LayerRow, what: str) -> int:
    rank = len(row.input_shape.spatial)
    if not 1 <= rank <= 3:
        raise UsageError(f"line {row.line}: Keras has no {what} for {rank} spatial dims")
    return rank


def _ints(shape: Shape) -> list[int]:
    return [integer(v, "size") for v in shape.spatial]


def _windowed(w: _Writer, row: LayerRow, x: str, comment: str) -> tuple[str, str]:
    """Explicit padding (and ceil pooling's extra end rows) as ZeroPadding; 'same' stays Keras's."""
    spec, window = row.spec, row.window
    assert window is not None
    if spec.padding is not None and spec.padding.mode == "same" and not spec.ceil:
        return x, '"same"'
    sizes, outputs = _ints(row.input_shape), _ints(row.output_shape)
    pairs = []
    for axis, (start, _) in enumerate(window.padding):
        s = integer(start, "padding")
        needed = (outputs[axis] - 1) * window.stride[axis] + window.span[axis] - sizes[axis] - s
        pairs.append((s, max(needed, 0)))
    if any(p != (0, 0) for p in pairs):
        x = w.call(f"layers.ZeroPadding{len(pairs)}D({_pairs(pairs)})", x, comment)
    return x, '"valid"'


def _layer(w: _Writer, row: LayerRow, x: str, operands: list[str]) -> str:
    spec, kind = row.spec, row.kind
    comment = f"  # line {row.line}: {spec.text.strip() or kind}"
    frozen = "" if spec.trainable else ", trainable=False"
    bias = "" if spec.bias else ", use_bias=False"
    window = row.window
    if kind in ("conv", "dwconv", "deconv", "maxpool", "avgpool"):
        assert window is not None
        d = _d(row, kind)
        kernel, stride, dilation = list(window.kernel), list(window.stride), list(window.dilation)
        extra = f", strides={_tuple(stride)}" if any(s != 1 for s in stride) else ""
        extra += f", dilation_rate={_tuple(dilation)}" if any(v != 1 for v in dilation) else ""
        if kind == "deconv":
            if (spec.groups or 1) != 1:
                raise UsageError(f"line {row.line}: Keras's transposed convolutions have no groups")
            k = integer(row.output_shape.channels, "filters")
            y = w.call(f"layers.Conv{d}DTranspose({k}, {_tuple(kernel)}{extra}{bias}{frozen})", x, comment)
            sizes = [(i - 1) * s + sp for i, s, sp in zip(_ints(row.input_shape), stride, window.span, strict=False)]
            cuts = [(integer(a, "pad"), n - o - integer(a, "pad")) for (a, _), n, o in
                    zip(window.padding, sizes, _ints(row.output_shape), strict=False)]  # fmt: skip
            if any(e < 0 for _, e in cuts):
                y = w.call(f"layers.ZeroPadding{d}D({_pairs([(0, max(-e, 0)) for _, e in cuts])})", y)
                cuts = [(s, max(e, 0)) for s, e in cuts]
            return w.call(f"layers.Cropping{d}D({_pairs(cuts)})", y) if any(c != (0, 0) for c in cuts) else y
        x, padding = _windowed(w, row, x, comment)
        if kind in ("maxpool", "avgpool"):
            if any(v != 1 for v in dilation):
                raise UsageError(f"line {row.line}: Keras's pooling layers have no dilation")
            name = "MaxPooling" if kind == "maxpool" else "AveragePooling"
            strides = f", strides={_tuple(stride)}"
            return w.call(f"layers.{name}{d}D({_tuple(kernel)}{strides}, padding={padding})", x, comment)
        if kind == "dwconv":
            if d == 3:
                raise UsageError(f"line {row.line}: Keras has no 3-D depthwise convolution")
            m = f", depth_multiplier={spec.multiplier}" if (spec.multiplier or 1) != 1 else ""
            args = f"{_tuple(kernel)}{extra}, padding={padding}{m}{bias}{frozen}"
            return w.call(f"layers.DepthwiseConv{d}D({args})", x, comment)
        k = integer(row.output_shape.channels, "filters")
        groups = f", groups={spec.groups}" if (spec.groups or 1) != 1 else ""
        return w.call(f"layers.Conv{d}D({k}, {_tuple(kernel)}{extra}, padding={padding}{groups}{bias}{frozen})", x,
                      comment)  # fmt: skip
    return _other(w, row, x, operands, comment, frozen, bias)


def _other(w: _Writer, row: LayerRow, x: str, operands: list[str], comment: str, frozen: str, bias: str) -> str:
    spec, kind = row.spec, row.kind
    rank = len(row.input_shape.spatial)
    c = integer(row.input_shape.channels, "channels")
    simple: dict[str, Callable[[], str]] = {
        "gap": lambda: f"layers.GlobalAveragePooling{_d(row, kind)}D(keepdims=True)",
        "gmp": lambda: f"layers.GlobalMaxPooling{_d(row, kind)}D(keepdims=True)",
        "bn": lambda: (
            "layers.BatchNormalization("
            + ", ".join(
                a
                for a in (
                    "scale=False" if not spec.scale else "",
                    "center=False" if not spec.center else "",
                    frozen[2:],
                )
                if a
            )
            + ")"
        ),
        "layernorm": lambda: f"layers.LayerNormalization({'center=False' if not spec.bias else ''}{frozen})".replace(
            "(, ", "("
        ),
        "groupnorm": lambda: f"layers.GroupNormalization(groups={spec.groups}{frozen})",
        "instancenorm": lambda: f"layers.GroupNormalization(groups=-1, center={spec.affine}, scale={spec.affine})",
        "leakyrelu": lambda: f"layers.LeakyReLU(negative_slope={float(spec.alpha or 0.01)!r})",
        "prelu": lambda: (
            f"layers.PReLU(shared_axes={_tuple(list(range(1, rank + 1 if spec.per_channel else rank + 2)))}{frozen})"
            if rank or spec.per_channel
            else f"layers.PReLU(shared_axes=(1,){frozen})"
        ),
        "dropout": lambda: f"layers.Dropout({float(spec.rate or 0.5)!r})",
        "droppath": lambda: f"layers.Dropout({float(spec.rate or 0.0)!r}, noise_shape=(None{', 1' * (rank + 1)}))",
        "flatten": lambda: "layers.Flatten()",
        "pad": lambda: f"layers.ZeroPadding{_d(row, kind)}D({_edges(row, 1)})",
        "crop": lambda: f"layers.Cropping{_d(row, kind)}D({_edges(row, -1)})",
        "layerscale": lambda: f"LayerScale({frozen[2:]})",
        "normalization": lambda: "layers.Normalization(axis=-1)",
        **{name: (lambda name=name: ACTIVATIONS[name]) for name in ACTIVATIONS},  # type: ignore[misc]
    }
    if kind == "identity":
        return x
    if kind == "layerscale":
        w.helpers.add(LAYER_SCALE)
    if kind in simple:
        return w.call(simple[kind](), x, comment)
    if kind == "fc":
        if rank:
            x = w.call("layers.Flatten()", x)
        return w.call(f"layers.Dense({integer(row.output_shape.channels, 'units')}{bias}{frozen})", x, comment)
    if kind in ("add", "concat"):
        name = "Add" if kind == "add" else "Concatenate"
        return w.call(f"layers.{name}()", f"[{', '.join([x, *operands])}]", comment)
    if kind == "mul":
        out_rank = len(row.output_shape.spatial)
        terms = []
        for name, shape in zip([x, *operands], row.inputs, strict=False):
            have = len(shape.spatial)
            if have < out_rank:
                target = [1] * (out_rank - have) + _ints(shape) + [integer(shape.channels, "channels")]
                name = w.call(f"layers.Reshape({_tuple(target)})", name)
            terms.append(name)
        return w.call("layers.Multiply()", f"[{', '.join(terms)}]", comment)
    if kind == "slice":
        assert spec.channels is not None
        a, b = spec.channels
        sliced = _tuple([*_ints(row.output_shape), b - a])
        return w.call(f"layers.Lambda(lambda t: t[..., {a}:{b}], output_shape={sliced})", x, comment)
    if kind == "shuffle":
        g = spec.groups or 1
        dims = ", ".join(str(v) for v in _ints(row.input_shape))
        perm = ", ".join(str(v) for v in [*range(rank + 1), rank + 2, rank + 1])
        body = (f"keras.ops.reshape(keras.ops.transpose(keras.ops.reshape(t, (-1, {dims}, {g}, {c // g})), "
                f"(0, {perm})), (-1, {dims}, {c}))")  # fmt: skip
        shuffled = _tuple([*_ints(row.output_shape), c])
        return w.call(f"layers.Lambda(lambda t: {body}, output_shape={shuffled})", x, comment)
    if kind in ("pixelshuffle", "pixelunshuffle"):
        return _pixel_shuffle(w, row, x, comment)
    if kind == "upsample":
        d = _d(row, kind)
        sizes, outs = _ints(row.input_shape), _ints(row.output_shape)
        if any(o % i for o, i in zip(outs, sizes, strict=False)):
            raise UsageError(f"line {row.line}: Keras upsamples only by whole factors")
        mode = {"bilinear": ', interpolation="bilinear"', "bicubic": ', interpolation="bicubic"'}.get(
            spec.mode or "", ""
        )
        return w.call(f"layers.UpSampling{d}D({_tuple([o // i for o, i in zip(outs, sizes, strict=False)])}{mode})",
                      x, comment)  # fmt: skip
    if kind in ("adaptiveavgpool", "adaptivemaxpool"):
        d = _d(row, kind)
        sizes, outs = _ints(row.input_shape), _ints(row.output_shape)
        if any(i % o for o, i in zip(outs, sizes, strict=False)):
            raise UsageError(f"line {row.line}: Keras has no adaptive pooling; the output must divide the input")
        pool = _tuple([i // o for o, i in zip(outs, sizes, strict=False)])
        name = "AveragePooling" if kind == "adaptiveavgpool" else "MaxPooling"
        return w.call(f"layers.{name}{d}D({pool})", x, comment)
    raise UsageError(f"line {row.line}: no Keras layer for '{kind}'")


def _edges(row: LayerRow, sign: int) -> str:
    window = row.window
    assert window is not None
    return _pairs([(sign * integer(s, "pad"), sign * integer(e, "pad")) for s, e in window.padding])


def export_keras(arch: Arch, *, name: str | None = None) -> str:
    """The source of a Python module defining ``build_model()`` and ``INPUT_SHAPE``."""
    report = analyze(arch)
    model_name = identifier(name) if name else class_name(arch.source)
    writer = _Writer()
    rows = iter(report.rows)
    outputs: list[str] = []

    def step(spec: object, first: str, operands: list[str]) -> str:
        row = next(rows)
        out = _layer(writer, row, first, operands)
        if row.spec.output:
            outputs.append(out)
        return out

    last = walk(arch.body, "inputs", step, arch.source)
    shape = [*(integer(d, "input size") for d in report.input_shape.spatial), integer(report.input_shape.channels, "")]
    totals = report.totals
    returned = f"[{', '.join([last, *outputs])}]" if outputs else last
    lines = [
        f'"""{model_name}: exported by cnncalc from {report.source} (Keras 3, channels-last).',
        "",
        f"cnncalc summary: {totals.trainable_params:,} trainable and {totals.non_trainable_params:,} non-trainable "
        f"parameters, {totals.macs:,} MACs.",
        '"""',
        "",
        "import keras",
        "from keras import layers",
        "",
        f"INPUT_SHAPE = {tuple(shape)!r}",
        "",
        *(helper.strip("\n") + "\n\n" for helper in sorted(writer.helpers)),
        "",
        "def build_model() -> keras.Model:",
        "    inputs = keras.Input(INPUT_SHAPE)",
        *writer.lines,
        f'    return keras.Model(inputs, {returned}, name="{model_name}")',
        "",
        "",
        'if __name__ == "__main__":',
        "    build_model().summary()",
        "",
    ]
    return "\n".join(lines)


def _pixel_shuffle(w: _Writer, row: LayerRow, x: str, comment: str) -> str:
    """PyTorch's pixel order, channels-last: input channel ``c*r*r + i*r + j`` is output pixel
    ``(h*r + i, w*r + j)`` of channel ``c`` (``nn.PixelShuffle``; ``PixelUnshuffle`` is the inverse).
    Keras has no such layer (``depth_to_space`` orders the channels ``(i, j, c)``): a
    Reshape, Permute, Reshape sequence spells it out. The input is 2-D: the layer registry
    refuses any other (``cnncalc/layers/channels.py``)."""
    if row.kind == "pixelshuffle":
        h, wd = _ints(row.input_shape)
        c = integer(row.output_shape.channels, "channels")
        r = integer(row.input_shape.channels, "channels") // c
        r = round(r**0.5)
        split = w.call(f"layers.Reshape(({h}, {wd}, {c}, {r}, {r}))", x, comment + "  (channels as c, i, j)")
        moved = w.call("layers.Permute((1, 4, 2, 5, 3))", split)
        return w.call(f"layers.Reshape(({h * r}, {wd * r}, {c}))", moved)
    h, wd = _ints(row.output_shape)
    c = integer(row.input_shape.channels, "channels")
    r = round((integer(row.output_shape.channels, "channels") // c) ** 0.5)
    split = w.call(f"layers.Reshape(({h}, {r}, {wd}, {r}, {c}))", x, comment + "  (rows as h, i; columns as w, j)")
    moved = w.call("layers.Permute((1, 3, 5, 2, 4))", split)
    return w.call(f"layers.Reshape(({h}, {wd}, {c * r * r}))", moved)
