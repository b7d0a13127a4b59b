"""The modern vocabulary (DESIGN.md §8) against the real PyTorch modules (skipped when torch is absent).

Every kind runs inside a small network (usually ``conv -> kind -> conv``), built twice: as
an ``.arch`` text for cnncalc and as PyTorch modules, one module (or graph step) per line.
Per layer, the output shape, the trainable parameters, the non-trainable ones (the
``running_mean``/``running_var`` buffers only, Keras' split) and the MACs
(``FlopCounterMode`` FLOPs / 2) must agree, so the surrounding convs are compared too;
every kind of §8 itself must count 0 MACs in both. Nothing here recomputes cnncalc's
formulas: the numbers come from the modules run.

Where PyTorch has no module (Keras' ``BatchNormalization(scale=False)``, channels-last
broadcasting of ``mul``, the U-Net crop) the stand-in is built from PyTorch pieces as the
Keras documentation and the original code describe them; each says so where it is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc import analyze, parse
from cnncalc.errors import ShapeError
from tests.oracle import BATCHNORM, CONV, FlopCounterMode, functional, nn, torch
from tests.torchvision_oracle import models

LayerNorm2d = models.convnext.LayerNorm2d
CNBlock = models.convnext.CNBlock
channel_shuffle = models.shufflenetv2.channel_shuffle
StochasticDepth = models.efficientnet.StochasticDepth
SqueezeExcitation = models.efficientnet.SqueezeExcitation

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INSTANCENORM: dict[int, Any] = {1: nn.InstanceNorm1d, 2: nn.InstanceNorm2d, 3: nn.InstanceNorm3d}
ADAPTIVE: dict[str, dict[int, Any]] = {
    "avg": {1: nn.AdaptiveAvgPool1d, 2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d},
    "max": {1: nn.AdaptiveMaxPool1d, 2: nn.AdaptiveMaxPool2d, 3: nn.AdaptiveMaxPool3d},
}
ZEROPAD: dict[int, Any] = {1: nn.ZeroPad1d, 2: nn.ZeroPad2d, 3: nn.ZeroPad3d}
#: the interpolation modes PyTorch offers per rank (nearest: any)
MODES = {1: ["nearest", "linear"], 2: ["nearest", "bilinear", "bicubic"], 3: ["nearest", "trilinear"]}


# --- the two sides -------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    shape: list[int]  # channels-last, no batch
    trainable: int
    non_trainable: int
    macs: int


@dataclass
class Step:
    """One line of the network on the PyTorch side: a module (or function) of its inputs.

    ``inputs`` are labels; empty means the previous step's output. A merge lists the previous
    output as ``""`` followed by its operands.
    """

    op: Callable[..., Any]
    label: str | None = None
    inputs: tuple[str, ...] = ()
    extra: Sequence[nn.Module] = field(default_factory=tuple)  # modules holding the step's parameters


def _dims(values: Sequence[int]) -> str:
    return "x".join(map(str, values))


def _channels_last(shape: Sequence[int]) -> list[int]:
    dims = list(shape)[1:]  # drop the batch
    return [*dims[1:], dims[0]]


def ours(input_dims: Sequence[int], lines: Sequence[str]) -> list[Counted]:
    text = f"input {_dims(input_dims)}\n" + "\n".join(lines) + "\n"
    report = analyze(parse(text, "t.arch"))
    return [
        Counted(
            shape=[int(d) for d in row.output_shape.as_list()],
            trainable=int(row.trainable_params),
            non_trainable=int(row.non_trainable_params),
            macs=int(row.macs),
        )
        for row in report.rows
    ]


def _holders(step: Step) -> list[nn.Module]:
    return ([step.op] if isinstance(step.op, nn.Module) else []) + list(step.extra)


def theirs(input_dims: Sequence[int], steps: Sequence[Step], *, train: bool = False) -> list[Counted]:
    """Run the steps on a random channels-first input; count each step's parameters, running
    statistics and FlopCounterMode FLOPs."""
    torch.manual_seed(0)
    *spatial, channels = input_dims
    x = torch.randn(1, channels, *spatial)
    outputs: dict[str, Any] = {}
    rows = []
    for step in steps:
        for holder in _holders(step):
            holder.train(train)
        args = [x if name == "" else outputs[name] for name in (step.inputs or ("",))]
        counter = FlopCounterMode(display=False)
        with counter, torch.no_grad():
            x = step.op(*args)
        if step.label:
            outputs[step.label] = x
        flops = counter.get_total_flops()
        assert flops % 2 == 0
        holders = _holders(step)
        rows.append(
            Counted(
                shape=_channels_last(x.shape),
                trainable=sum(p.numel() for m in holders for p in m.parameters() if p.requires_grad),
                non_trainable=sum(
                    b.numel()
                    for m in holders
                    for name, b in m.named_buffers()
                    if name.rsplit(".", 1)[-1] in ("running_mean", "running_var")
                )
                + sum(p.numel() for m in holders for p in m.parameters() if not p.requires_grad),
                macs=flops // 2,
            )
        )
    return rows


def compare(input_dims: Sequence[int], lines: Sequence[str], steps: Sequence[Step], *, zero: Sequence[int]) -> None:
    """Both sides agree row by row; the rows in ``zero`` (the kinds under test) count no MACs."""
    assert len(lines) == len(steps)
    mine, real = ours(input_dims, lines), theirs(input_dims, steps)
    for line, a, b in zip(lines, mine, real, strict=True):
        assert a == b, f"{line}: cnncalc {a} != PyTorch {b}"
    for index in zero:
        assert real[index].macs == 0, lines[index]
    assert any(row.macs for row in real), "the surrounding convs count MACs"


def sandwich(
    rank: int,
    spatial: Sequence[int],
    channels: int,
    line: str,
    module: Callable[..., Any],
    out_channels: int | None = None,
    extra: Sequence[nn.Module] = (),
) -> None:
    """``conv K=C F=3 P=1 -> kind -> conv K=3 F=1`` on a 2-channel input."""
    conv = CONV[rank]
    after = channels if out_channels is None else out_channels
    compare(
        [*spatial, 2],
        [f"conv K={channels} F=3 P=1", line, "conv K=3 F=1"],
        [Step(conv(2, channels, 3, padding=1)), Step(module, extra=extra), Step(conv(after, 3, 1))],
        zero=[1],
    )


class ChannelsLast(nn.Module):
    """Apply ``inner`` to channels-last data, as ConvNeXt's ``Permute -> LayerNorm(C) -> Permute`` does."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: Any) -> Any:
        last = x.movedim(1, -1)
        return self.inner(last).movedim(-1, 1)


class KerasBatchNorm(nn.Module):
    """Keras ``BatchNormalization(scale=, center=)``: "scale: if True, multiply by gamma; if False,
    gamma is not used" (likewise center and beta); moving mean and variance are non-trainable.
    PyTorch's ``BatchNorm*d(affine=False)`` holds the statistics; gamma and beta are added as
    the vectors Keras keeps."""

    def __init__(self, rank: int, channels: int, scale: bool, center: bool) -> None:
        super().__init__()
        self.norm = BATCHNORM[rank](channels, affine=False)
        self.gamma = nn.Parameter(torch.ones(channels)) if scale else None
        self.beta = nn.Parameter(torch.zeros(channels)) if center else None

    def forward(self, x: Any) -> Any:
        y = self.norm(x)
        view = (1, -1) + (1,) * (x.dim() - 2)
        if self.gamma is not None:
            y = y * self.gamma.view(view)
        if self.beta is not None:
            y = y + self.beta.view(view)
        return y


class LayerScale(nn.Module):
    """ConvNeXt's layer scale, with the parameter torchvision's ``CNBlock`` holds."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        block = CNBlock(channels, layer_scale=1e-6, stochastic_depth_prob=0.0)
        self.layer_scale = block.layer_scale

    def forward(self, x: Any) -> Any:
        return x * self.layer_scale


def channels_last_mul(a: Any, b: Any) -> Any:
    """The product with NumPy/PyTorch broadcasting on channels-last shapes (batch kept in front).

    A flat vector (batch, C) gets its missing spatial dims as leading 1s, which is what
    broadcasting does without the batch dim."""

    def last(t: Any) -> Any:
        return t.movedim(1, -1) if t.dim() > 2 else t

    la, lb = last(a), last(b)
    width = max(la.dim(), lb.dim())
    la = la.reshape(la.shape[0], *([1] * (width - la.dim())), *la.shape[1:])
    lb = lb.reshape(lb.shape[0], *([1] * (width - lb.dim())), *lb.shape[1:])
    product = la * lb
    return product.movedim(-1, 1) if product.dim() > 2 else product


def flat(linear: nn.Linear) -> nn.Module:
    return nn.Sequential(nn.Flatten(), linear)


# --- norms and scales ----------------------------------------------------------------------


@st.composite
def maps(draw: st.DrawFn, ranks: Sequence[int] = (1, 2, 3), smallest: int = 1) -> tuple[int, list[int]]:
    rank = draw(st.sampled_from(list(ranks)))
    top = 5 if rank == 3 else 9
    return rank, [draw(st.integers(smallest, top)) for _ in range(rank)]


@SETTINGS
@given(maps(), st.integers(1, 12), st.booleans())
def test_layernorm_is_channels_last_layernorm(shape: tuple[int, list[int]], channels: int, bias: bool) -> None:
    rank, spatial = shape
    module = ChannelsLast(nn.LayerNorm(channels, bias=bias))
    sandwich(rank, spatial, channels, f"layernorm bias={'yes' if bias else 'no'}", module)


@SETTINGS
@given(maps(ranks=[2]), st.integers(1, 12))
def test_layernorm_is_convnext_layernorm2d(shape: tuple[int, list[int]], channels: int) -> None:
    rank, spatial = shape
    sandwich(rank, spatial, channels, "layernorm", LayerNorm2d(channels))


@SETTINGS
@given(st.integers(1, 40), st.booleans())
def test_layernorm_on_a_flat_vector(features: int, bias: bool) -> None:
    compare(
        [features],
        ["fc 6", f"layernorm bias={'yes' if bias else 'no'}", "fc 3"],
        [Step(nn.Linear(features, 6)), Step(nn.LayerNorm(6, bias=bias)), Step(nn.Linear(6, 3))],
        zero=[1],
    )


@SETTINGS
@given(maps(), st.integers(1, 4), st.integers(1, 4))
def test_groupnorm_is_groupnorm(shape: tuple[int, list[int]], groups: int, per_group: int) -> None:
    rank, spatial = shape
    channels = groups * per_group
    if per_group == 1 and all(s == 1 for s in spatial):  # one value per group: PyTorch refuses, in eval mode too
        with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
            nn.GroupNorm(groups, channels).eval()(torch.zeros(1, channels, *spatial))
        with pytest.raises(ShapeError, match="needs more than one value per group"):
            ours([*spatial, channels], [f"groupnorm G={groups}"])
        return
    sandwich(rank, spatial, channels, f"groupnorm G={groups}", nn.GroupNorm(groups, channels))


@SETTINGS
@given(maps(smallest=2), st.integers(1, 8), st.booleans())
def test_instancenorm_is_instancenorm(shape: tuple[int, list[int]], channels: int, affine: bool) -> None:
    rank, spatial = shape
    line = "instancenorm" + (" affine" if affine else "")
    sandwich(rank, spatial, channels, line, INSTANCENORM[rank](channels, affine=affine))


@SETTINGS
@given(maps(), st.integers(1, 8), st.booleans(), st.booleans())
def test_bn_scale_center_is_keras_batchnorm(
    shape: tuple[int, list[int]], channels: int, scale: bool, center: bool
) -> None:
    rank, spatial = shape
    line = f"bn scale={'yes' if scale else 'no'} center={'yes' if center else 'no'}"
    sandwich(rank, spatial, channels, line, KerasBatchNorm(rank, channels, scale, center))


def test_bn_defaults_are_batchnorm2d() -> None:
    sandwich(2, [5, 6], 7, "bn", nn.BatchNorm2d(7))


@SETTINGS
@given(maps(ranks=[2]), st.integers(1, 12))
def test_layerscale_is_convnext_layer_scale(shape: tuple[int, list[int]], channels: int) -> None:
    rank, spatial = shape
    sandwich(rank, spatial, channels, "layerscale", LayerScale(channels))


def _frozen(module: nn.Module) -> nn.Module:
    """``trainable=no``: the weights stay but are not trained (Keras counts them as non-trainable)."""
    module.requires_grad_(False)
    return module


FROZEN: list[tuple[str, Callable[[int], nn.Module]]] = [
    ("bn trainable=no", lambda c: _frozen(nn.BatchNorm2d(c))),
    ("bn scale=no trainable=no", lambda c: _frozen(KerasBatchNorm(2, c, scale=False, center=True))),
    ("layernorm trainable=no", lambda c: _frozen(LayerNorm2d(c))),
    ("groupnorm G=2 trainable=no", lambda c: _frozen(nn.GroupNorm(2, c))),
    ("instancenorm affine trainable=no", lambda c: _frozen(nn.InstanceNorm2d(c, affine=True))),
    ("layerscale trainable=no", lambda c: _frozen(LayerScale(c))),
    ("prelu per_channel trainable=no", lambda c: _frozen(nn.PReLU(c))),
]


@pytest.mark.parametrize(("line", "build"), FROZEN, ids=[f[0] for f in FROZEN])
def test_frozen_layers_count_as_non_trainable(line: str, build: Callable[[int], nn.Module]) -> None:
    sandwich(2, [5, 4], 6, line, build(6))


# --- activations, prelu, droppath ----------------------------------------------------------

ACTIVATIONS: list[tuple[str, Callable[[int], nn.Module]]] = [
    ("relu6", lambda c: nn.ReLU6()),
    ("hardswish", lambda c: nn.Hardswish()),
    ("hardsigmoid", lambda c: nn.Hardsigmoid()),
    ("silu", lambda c: nn.SiLU()),
    ("swish", lambda c: nn.SiLU()),
    ("mish", lambda c: nn.Mish()),
    ("selu", lambda c: nn.SELU()),
    ("softplus", lambda c: nn.Softplus()),
    ("hardtanh", lambda c: nn.Hardtanh()),
    ("leakyrelu", lambda c: nn.LeakyReLU()),
    ("leakyrelu alpha=0.2", lambda c: nn.LeakyReLU(0.2)),
    ("leakyrelu alpha=-0.5", lambda c: nn.LeakyReLU(-0.5)),
    ("prelu", lambda c: nn.PReLU()),
    ("prelu per_channel", lambda c: nn.PReLU(c)),
    ("droppath rate=0.2", lambda c: StochasticDepth(0.2, "row")),
]


@pytest.mark.parametrize(("line", "build"), ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_activation_in_a_conv_net(line: str, build: Callable[[int], nn.Module], rank: int) -> None:
    sandwich(rank, [4, 5, 3][:rank], 6, line, build(6))


@pytest.mark.parametrize(("line", "build"), ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_on_a_flat_vector(line: str, build: Callable[[int], nn.Module]) -> None:
    compare(
        [20],
        ["fc 9", line, "fc 4"],
        [Step(nn.Linear(20, 9)), Step(build(9)), Step(nn.Linear(9, 4))],
        zero=[1],
    )


def test_droppath_is_the_identity_at_inference() -> None:
    """torchvision's StochasticDepth in eval mode returns its input: sizes, params and values."""
    x = torch.randn(2, 5, 4, 4)
    assert torch.equal(StochasticDepth(0.5, "row").eval()(x), x)
    assert sum(p.numel() for p in StochasticDepth(0.5, "row").parameters()) == 0
    sandwich(2, [4, 4], 5, "droppath rate=0.5", nn.Identity())


# --- channel rearrangements ----------------------------------------------------------------


@SETTINGS
@given(maps(), st.integers(1, 12), st.data())
def test_slice_is_narrow(shape: tuple[int, list[int]], channels: int, data: st.DataObject) -> None:
    rank, spatial = shape
    first = data.draw(st.integers(0, channels - 1))
    end = data.draw(st.integers(first + 1, channels))
    sandwich(
        rank, spatial, channels, f"slice channels={first}:{end}", lambda x: x.narrow(1, first, end - first), end - first
    )


@pytest.mark.parametrize("half", [0, 1])
def test_slice_halves_are_chunk(half: int) -> None:
    """ShuffleNetV2's ``x1, x2 = x.chunk(2, dim=1)``."""
    channels = 58
    line = "slice channels=0:29" if half == 0 else "slice channels=29:58"
    sandwich(2, [7, 7], channels, line, lambda x: x.chunk(2, dim=1)[half], 29)


@SETTINGS
@given(maps(ranks=[2]), st.integers(1, 4), st.integers(1, 4))
def test_shuffle_is_shufflenet_channel_shuffle(shape: tuple[int, list[int]], groups: int, per_group: int) -> None:
    rank, spatial = shape
    channels = groups * per_group
    sandwich(rank, spatial, channels, f"shuffle G={groups}", lambda x: channel_shuffle(x, groups))


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(1, 6))
def test_pixelshuffle_is_pixelshuffle(r: int, channels: int, height: int, width: int) -> None:
    sandwich(2, [height, width], channels * r * r, f"pixelshuffle {r}", nn.PixelShuffle(r), channels)


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4))
def test_pixelunshuffle_is_pixelunshuffle(r: int, channels: int, height: int, width: int) -> None:
    sandwich(2, [height * r, width * r], channels, f"pixelunshuffle {r}", nn.PixelUnshuffle(r), channels * r * r)


# --- resizing ------------------------------------------------------------------------------


RANKED_MODES = [pytest.param(rank, mode, id=f"{rank}d-{mode}") for rank, modes in MODES.items() for mode in modes]
FEW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("rank", "mode"), RANKED_MODES)
@FEW
@given(st.data())
def test_upsample_by_factor_is_upsample(rank: int, mode: str, data: st.DataObject) -> None:
    spatial = data.draw(maps(ranks=[rank]))[1]
    factors = [data.draw(st.integers(1, 3)) for _ in range(rank)]
    same = data.draw(st.booleans())
    if same:
        factors = [factors[0]] * rank
    text = str(factors[0]) if same else _dims(factors)
    module = nn.Upsample(scale_factor=tuple(float(f) for f in factors), mode=mode)
    sandwich(rank, spatial, 3, f"upsample factor={text} mode={mode}", module)


@pytest.mark.parametrize(("rank", "mode"), RANKED_MODES)
@FEW
@given(st.data())
def test_upsample_to_size_is_interpolate(rank: int, mode: str, data: st.DataObject) -> None:
    """Any size, including ratios that are not whole (7 -> 10) and shrinking (9 -> 4)."""
    spatial = data.draw(maps(ranks=[rank]))[1]
    sizes = [data.draw(st.integers(1, 13)) for _ in range(rank)]
    default = data.draw(st.booleans())  # no mode= means nearest
    line = f"upsample size={_dims(sizes)}" + ("" if default and mode == "nearest" else f" mode={mode}")
    sandwich(rank, spatial, 3, line, lambda x: functional.interpolate(x, size=tuple(sizes), mode=mode))


def test_upsample_to_published_sizes() -> None:
    """DeepLabV3 at 520x520: the stride-8 head's 65x65 map interpolated back to the input size
    (``F.interpolate(x, size=input_shape, mode="bilinear")``); and a ratio that is not whole, 7 -> 10."""
    sandwich(2, [65, 65], 2, "upsample size=520x520 mode=bilinear", nn.Upsample(size=(520, 520), mode="bilinear"))
    sandwich(2, [7, 7], 2, "upsample size=10 mode=bicubic", nn.Upsample(size=10, mode="bicubic"))


@st.composite
def edges(draw: st.DrawFn, rank: int, most: int = 3) -> tuple[str, list[tuple[int, int]]]:
    """An explicit P= in one of its four forms, and the (start, end) pair per dim it means."""
    form = draw(st.sampled_from(["int", "AxB", "s:e", "per-dim"]))
    if form == "int":
        p = draw(st.integers(0, most))
        return str(p), [(p, p)] * rank
    if form == "AxB" and rank > 1:
        values = [draw(st.integers(0, most)) for _ in range(rank)]
        return _dims(values), [(v, v) for v in values]
    if form == "s:e":
        s, e = draw(st.integers(0, most)), draw(st.integers(0, most))
        return f"{s}:{e}", [(s, e)] * rank
    pairs = [(draw(st.integers(0, most)), draw(st.integers(0, most))) for _ in range(rank)]
    return "x".join(f"{s}:{e}" for s, e in pairs), pairs


def _torch_pad(pairs: Sequence[tuple[int, int]], sign: int = 1) -> list[int]:
    """F.pad's order: the last dim first."""
    return [sign * p for pair in reversed(pairs) for p in pair]


@SETTINGS
@given(maps(), st.data())
def test_pad_is_zeropad(shape: tuple[int, list[int]], data: st.DataObject) -> None:
    rank, spatial = shape
    text, pairs = data.draw(edges(rank))
    module = ZEROPAD[rank](tuple(_torch_pad(pairs)))
    sandwich(rank, spatial, 3, f"pad P={text}", module)
    sandwich(rank, spatial, 3, f"zeropadding padding={text}", lambda x: functional.pad(x, _torch_pad(pairs)))


@SETTINGS
@given(maps(), st.data())
def test_crop_is_negative_padding(shape: tuple[int, list[int]], data: st.DataObject) -> None:
    rank, spatial = shape
    text, pairs = data.draw(edges(rank))
    big = [size + s + e for size, (s, e) in zip(spatial, pairs, strict=True)]
    sandwich(rank, big, 3, f"crop P={text}", lambda x: functional.pad(x, _torch_pad(pairs, -1)))


def centre_crop(x: Any, like: Any) -> Any:
    """The U-Net skip crop as milesial/Pytorch-UNet writes it: ``diff // 2`` at the start."""
    for axis in range(2, x.dim()):
        excess = x.shape[axis] - like.shape[axis]
        x = x.narrow(axis, excess // 2, like.shape[axis])
    return x


@SETTINGS
@given(maps(), st.integers(1, 3))
def test_crop_to_label_is_the_unet_skip(shape: tuple[int, list[int]], convs: int) -> None:
    rank, spatial = shape
    spatial = [s + 2 * convs for s in spatial]
    conv = CONV[rank]
    lines = ["big: conv K=4 F=3 P=1"] + ["conv K=4 F=3"] * (convs - 1) + ["small: conv K=4 F=3"]
    steps = [Step(conv(2, 4, 3, padding=1), label="big")] + [Step(conv(4, 4, 3)) for _ in range(convs - 1)]
    steps.append(Step(conv(4, 4, 3), label="small"))
    lines += ["crop to=small from=big", "concat small", "conv K=2 F=1"]
    steps += [
        Step(centre_crop, inputs=("big", "small")),
        Step(lambda a, b: torch.cat([a, b], dim=1), inputs=("", "small")),
        Step(conv(8, 2, 1)),
    ]
    compare([*spatial, 2], lines, steps, zero=[convs + 1, convs + 2])


def test_crop_to_label_on_the_original_unet() -> None:
    """Ronneberger et al. 2015, Fig. 1: the 64x64x512 map cropped to 56x56 for the 56x56 upsampled path."""
    lines = ["big: identity", "small: conv K=4 F=9", "crop to=small from=big"]
    steps = [
        Step(nn.Identity(), label="big"),
        Step(nn.Conv2d(4, 4, 9), label="small"),
        Step(centre_crop, inputs=("big", "small")),
    ]
    compare([64, 64, 4], lines, steps, zero=[0, 2])
    assert ours([64, 64, 4], lines)[-1].shape == [56, 56, 4]


@SETTINGS
@given(maps(), st.sampled_from(["avg", "max"]), st.data())
def test_adaptive_pool_is_adaptive_pool(shape: tuple[int, list[int]], op: str, data: st.DataObject) -> None:
    rank, spatial = shape
    sizes = [data.draw(st.integers(1, 10)) for _ in range(rank)]
    same = data.draw(st.booleans())
    if same:
        sizes = [sizes[0]] * rank
    text = str(sizes[0]) if same else _dims(sizes)
    module = ADAPTIVE[op][rank](tuple(sizes))
    sandwich(rank, spatial, 3, f"adaptive{op}pool {text}", module)


# --- mul -----------------------------------------------------------------------------------


@SETTINGS
@given(st.integers(2, 9), st.integers(1, 16), st.integers(1, 8))
def test_mul_is_torchvision_squeeze_excitation(size: int, channels: int, squeeze: int) -> None:
    """H x W x C times 1 x 1 x C: torchvision's SqueezeExcitation (MobileNetV3, EfficientNet), step by step."""
    se = SqueezeExcitation(channels, squeeze)
    lines = [f"x: conv K={channels} F=3 P=1", "gap", f"conv K={squeeze} F=1", "relu", f"conv K={channels} F=1"]
    lines += ["sigmoid", "mul x", "conv K=2 F=1"]
    steps = [Step(nn.Conv2d(3, channels, 3, padding=1), label="x"), Step(se.avgpool), Step(se.fc1)]
    steps += [Step(se.activation), Step(se.fc2), Step(se.scale_activation)]
    steps += [Step(lambda s, x: s * x, inputs=("", "x")), Step(nn.Conv2d(channels, 2, 1))]
    compare([size, size, 3], lines, steps, zero=[1, 3, 5, 6])
    # the block as a whole, as torchvision runs it
    whole = theirs([size, size, channels], [Step(se)])[0]
    mine = ours([size, size, channels], ["x: identity", *lines[1:7]])
    assert whole.trainable == sum(row.trainable for row in mine)
    assert whole.macs == sum(row.macs for row in mine)
    assert whole.shape == mine[-1].shape


@SETTINGS
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 12), st.integers(1, 6))
def test_mul_by_a_vector_after_fc(height: int, width: int, channels: int, squeeze: int) -> None:
    """H x W x C times C: the Keras squeeze-and-excitation written with Dense layers."""
    lines = [f"x: conv K={channels} F=3 P=1", "gap", f"fc {squeeze}", "relu", f"fc {channels}", "sigmoid", "mul x"]
    steps = [
        Step(nn.Conv2d(2, channels, 3, padding=1), label="x"),
        Step(nn.AdaptiveAvgPool2d(1)),
        Step(flat(nn.Linear(channels, squeeze))),
        Step(nn.ReLU()),
        Step(nn.Linear(squeeze, channels)),
        Step(nn.Sigmoid()),
        Step(channels_last_mul, inputs=("", "x")),
    ]
    compare([height, width, 2], lines, steps, zero=[1, 3, 5, 6])


@st.composite
def broadcast_operands(draw: st.DrawFn) -> tuple[list[int], list[str], list[Step], list[int]]:
    """An operand built from the H x W x C map that broadcasts against it: some dims 1, or flat."""
    height, width, channels = draw(st.integers(2, 6)), draw(st.integers(2, 6)), draw(st.integers(2, 6))
    if draw(st.booleans()):  # a flat vector of C or 1 (after fc)
        units = draw(st.sampled_from([channels, 1]))
        lines = ["gap", f"fc {units}"]
        steps = [Step(nn.AdaptiveAvgPool2d(1), inputs=("x",)), Step(flat(nn.Linear(channels, units)))]
    else:
        h, w = draw(st.sampled_from([height, 1])), draw(st.sampled_from([width, 1]))
        k = draw(st.sampled_from([channels, 1]))
        lines = [f"adaptiveavgpool {h}x{w}", f"conv K={k} F=1"]
        steps = [Step(nn.AdaptiveAvgPool2d((h, w)), inputs=("x",)), Step(nn.Conv2d(channels, k, 1))]
    return [height, width, channels], lines, steps, [1, 2]


@SETTINGS
@given(broadcast_operands(), st.booleans())
def test_mul_broadcasts_like_numpy(case: tuple[list[int], list[str], list[Step], list[int]], swap: bool) -> None:
    """Either order: the big map times the small operand, or the small operand times the map."""
    dims, branch, branch_steps, _ = case
    channels = dims[-1]
    lines = [f"x: conv K={channels} F=1", branch[0] + " from=x", "y: " + branch[1]]
    steps = [Step(nn.Conv2d(channels, channels, 1), label="x"), *branch_steps[:1], Step(branch_steps[1].op, label="y")]
    if swap:
        lines.append("mul x")
        steps.append(Step(channels_last_mul, inputs=("", "x")))
    else:
        lines.append("mul y from=x")
        steps.append(Step(channels_last_mul, inputs=("x", "y")))
    lines.append("conv K=2 F=1")
    steps.append(Step(nn.Conv2d(channels, 2, 1)))
    compare(dims, lines, steps, zero=[3])


def test_mul_of_three_equal_maps() -> None:
    lines = ["a: conv K=4 F=3 P=1", "b: conv K=4 F=1", "c: relu", "mul a b"]
    steps = [
        Step(nn.Conv2d(3, 4, 3, padding=1), label="a"),
        Step(nn.Conv2d(4, 4, 1), label="b"),
        Step(nn.ReLU(), label="c"),
        Step(lambda c, a, b: c * a * b, inputs=("", "a", "b")),
    ]
    compare([6, 6, 3], lines, steps, zero=[3])
