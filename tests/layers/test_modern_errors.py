"""The modern vocabulary's errors: cnncalc's message in full, and what PyTorch does with the same thing.

Each bad architecture must exit 1 with exactly one line on stderr (``file:line:col: error: ...
(hint: ...)``) and nothing on stdout, like ``tests/test_errors.py``; and the same layer
built in PyTorch must refuse too. Where DESIGN.md §8 makes cnncalc stricter than PyTorch
(a channel slice past the end, which Python slicing clamps; spatial-only kinds on a flat
vector, which some PyTorch modules read as something else) the test shows what PyTorch
does instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.oracle import functional, nn, torch
from tests.torchvision_oracle import models

channel_shuffle = models.shufflenetv2.channel_shuffle

BROADCAST_HINT = "(hint: squeeze-and-excitation multiplies H x W x C by 1 x 1 x C (after gap) or by C (after fc))"
FLAT_HINT = "(hint: it applies to feature maps like 32x32x64)"
MODE_HINT = "(hint: linear is 1-D, bilinear and bicubic 2-D, trilinear 3-D; nearest works on any)"
SINGLE_HINT = "(hint: PyTorch refuses it too: the variance of a single value is not defined)"


def _raises(error: type[Exception], run: Callable[[], object], match: str | None = None) -> Callable[[], None]:
    def check() -> None:
        with pytest.raises(error, match=match):
            run()

    return check


def _empty(run: Callable[[], Any]) -> Callable[[], None]:
    """PyTorch returns an empty tensor: what DESIGN.md calls an output size below 1 (the next layer fails)."""

    def check() -> None:
        assert 0 in run().shape

    return check


def _clamps() -> None:
    """Python slicing clamps a range past the end (cnncalc refuses it); ``narrow`` refuses it."""
    x = torch.zeros(1, 4, 8, 8)
    assert x[:, 2:5].shape[1] == 2
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        x.narrow(1, 2, 3)


def _empty_slice() -> None:
    """An empty range gives zero channels in PyTorch: an empty tensor, not an error."""
    x = torch.zeros(1, 4, 8, 8)
    assert x[:, 3:3].shape[1] == 0 and x[:, 3:1].shape[1] == 0
    assert x.narrow(1, 3, 0).shape[1] == 0


def _centre_crop(x: Any, like: Any) -> Any:
    excess = x.shape[2] - like.shape[2]
    return x.narrow(2, excess // 2, like.shape[2])


def _flat_is_read_otherwise(module: nn.Module) -> Callable[[], None]:
    """DESIGN.md §8: the kind needs spatial dims; PyTorch runs the module on (batch, features)
    but reads it as something else (groups of features, a sequence of length 784, padded features)."""

    def check() -> None:
        assert module(torch.zeros(1, 784)).dim() == 2

    return check


FLAT = torch.zeros(1, 784)
MAP = torch.zeros(1, 4, 8, 8)

CASES = [
    # mul: shapes that do not broadcast
    pytest.param(
        "input 8x8x4\nx: relu\nconv K=3 F=1\nmul x\n",
        "4:1: error: mul needs shapes that broadcast, but the current output is 8x8x3 and 'x' is 8x8x4:"
        f" 3 and 4 are neither equal nor 1 {BROADCAST_HINT}",
        _raises(RuntimeError, lambda: torch.zeros(8, 8, 3) * torch.zeros(8, 8, 4), "must match"),
        id="mul-channels",
    ),
    pytest.param(
        "input 8x8x4\nx: relu\nadaptiveavgpool 2x1\nmul x\n",
        "4:1: error: mul needs shapes that broadcast, but the current output is 2x1x4 and 'x' is 8x8x4:"
        f" 2 and 8 are neither equal nor 1 {BROADCAST_HINT}",
        _raises(RuntimeError, lambda: torch.zeros(2, 1, 4) * torch.zeros(8, 8, 4), "must match"),
        id="mul-spatial",
    ),
    pytest.param(
        "input 8x8x4\nx: relu\nfc 3\nmul x\n",
        "4:1: error: mul needs shapes that broadcast, but the current output is 3 and 'x' is 8x8x4:"
        f" 3 and 4 are neither equal nor 1 {BROADCAST_HINT}",
        _raises(RuntimeError, lambda: torch.zeros(3) * torch.zeros(8, 8, 4), "must match"),
        id="mul-vector",
    ),
    pytest.param(
        "input 8x8x4\nx: relu\ny: conv K=4 F=3\nmul y from=x\n",
        "4:1: error: mul needs shapes that broadcast, but the current output is 8x8x4 and 'y' is 6x6x4:"
        f" 8 and 6 are neither equal nor 1 {BROADCAST_HINT}",
        _raises(RuntimeError, lambda: torch.zeros(1, 4, 8, 8) * torch.zeros(1, 4, 6, 6), "must match"),
        id="mul-valid-conv",
    ),
    # groups that do not divide
    pytest.param(
        "input 8x8x6\ngroupnorm G=4\n",
        "2:11: error: groupnorm G=4 must divide the channels (6) (hint: choose G among the divisors of 6)",
        _raises(ValueError, lambda: nn.GroupNorm(4, 6), "must be divisible"),
        id="groupnorm-groups",
    ),
    pytest.param(
        "input 8x8x6\nshuffle G=4\n",
        "2:9: error: shuffle G=4 must divide the channels (6) (hint: choose G among the divisors of 6)",
        _raises(RuntimeError, lambda: channel_shuffle(torch.zeros(1, 6, 8, 8), 4), "invalid"),
        id="shuffle-groups",
    ),
    # slices out of range
    pytest.param(
        "input 8x8x4\nslice channels=2:5\n",
        "2:7: error: channels=2:5 reaches past the input's 4 channels (hint: the range must lie within 0:4)",
        _clamps,
        id="slice-past-end",
    ),
    pytest.param(
        "input 8x8x4\nslice channels=3:3\n",
        "2:16: error: the channel range 3:3 is empty (hint: A:B takes channels A to B-1; B > A)",
        _empty_slice,
        id="slice-empty",
    ),
    pytest.param(
        "input 8x8x4\nslice channels=3:1\n",
        "2:16: error: the channel range 3:1 is empty (hint: A:B takes channels A to B-1; B > A)",
        _empty_slice,
        id="slice-reversed",
    ),
    pytest.param(
        "input 8x8x4\nslice channels=-1:2\n",
        "2:16: error: channels must be A:B (a half-open range like 0:58), got '-1:2'",
        _raises(RuntimeError, lambda: MAP.narrow(1, -1, 3), "exceeds"),
        id="slice-negative",
    ),
    pytest.param(
        "input 8x8x4\nslice channels=2\n",
        "2:16: error: channels must be A:B (a half-open range like 0:58), got '2'",
        _raises(TypeError, lambda: MAP.narrow(1, 2)),
        id="slice-one-number",
    ),
    # pixel shuffles that do not divide
    pytest.param(
        "input 8x8x6\npixelshuffle 2\n",
        "2:14: error: pixelshuffle 2 needs channels divisible by r² = 4, but the input has 6"
        " (hint: make the conv before it output a multiple of 4 channels)",
        _raises(RuntimeError, lambda: nn.PixelShuffle(2)(torch.zeros(1, 6, 8, 8)), "divisible"),
        id="pixelshuffle-channels",
    ),
    pytest.param(
        "input 7x8x4\npixelunshuffle 2\n",
        "2:16: error: pixelunshuffle 2 needs H divisible by 2, but H = 7"
        " (hint: pad or crop the feature map to a multiple of the factor first)",
        _raises(RuntimeError, lambda: nn.PixelUnshuffle(2)(torch.zeros(1, 4, 7, 8)), "height to be divisible"),
        id="pixelunshuffle-height",
    ),
    pytest.param(
        "input 8x7x4\npixelunshuffle 2\n",
        "2:16: error: pixelunshuffle 2 needs W divisible by 2, but W = 7"
        " (hint: pad or crop the feature map to a multiple of the factor first)",
        _raises(RuntimeError, lambda: nn.PixelUnshuffle(2)(torch.zeros(1, 4, 8, 7)), "width to be divisible"),
        id="pixelunshuffle-width",
    ),
    pytest.param(
        "input 8x4\npixelshuffle 2\n",
        "2:1: error: pixelshuffle works on 2-D feature maps, but its input 8x4 has 1 spatial dim(s)"
        " (hint: PyTorch's PixelShuffle rearranges H x W x C)",
        _raises(RuntimeError, lambda: nn.PixelShuffle(2)(torch.zeros(1, 4, 8)), "divisible"),
        id="pixelshuffle-1d",
    ),
    pytest.param(
        "input 8x8x4\npixelshuffle\n",
        "2:1: error: pixelshuffle needs its factor (hint: write e.g. 'pixelshuffle 2')",
        _raises(TypeError, lambda: nn.PixelShuffle()),
        id="pixelshuffle-no-factor",
    ),
    # crops larger than their input
    pytest.param(
        "input 8x8x4\ncrop P=4\n",
        "2:6: error: crop 4:4 on H removes 8 of its 8 rows, leaving none (hint: the crop must leave at least one row)",
        _empty(lambda: functional.pad(MAP, [-4, -4, -4, -4])),
        id="crop-everything",
    ),
    pytest.param(
        "input 8x8x4\ncrop P=3:5x0\n",
        "2:6: error: crop 3:5 on H removes 8 of its 8 rows, leaving none (hint: the crop must leave at least one row)",
        _empty(lambda: functional.pad(MAP, [0, 0, -3, -5])),
        id="crop-asymmetric",
    ),
    pytest.param(
        "input 8x8x4\ncrop P=5\n",
        "2:6: error: crop 5:5 on H removes 10 of its 8 rows, leaving none (hint: the crop must leave at least one row)",
        _raises(RuntimeError, lambda: functional.pad(MAP, [-5, -5, -5, -5]), "non-negative|negative output size"),
        id="crop-more-than-everything",
    ),
    pytest.param(
        "input 4x4x4\nsmall: identity\nconv K=4 F=1 P=2\nbig: relu\ncrop to=big from=small\n",
        "5:6: error: crop to=big: 'big' is 8x8, larger than the input 4x4 on H"
        " (hint: crop the larger feature map to the smaller one)",
        _raises(RuntimeError, lambda: _centre_crop(torch.zeros(1, 4, 4, 4), torch.zeros(1, 4, 8, 8)), "start"),
        id="crop-to-larger",
    ),
    pytest.param(
        "input 8x8x4\nx: relu\ny: fc 3\ncrop to=y from=x\n",
        "4:6: error: crop to=y: 'y' is 3 with 0 spatial dim(s), but the input 8x8x4 has 2"
        " (hint: crop to a feature map of the same rank (a label on a conv or pool output, not after fc))",
        _raises(IndexError, lambda: _centre_crop(MAP, torch.zeros(1, 3))),
        id="crop-to-flat",
    ),
    pytest.param(
        "input 8x8x4\nsmall: conv K=4 F=3\ncrop to=small P=1\n",
        "3:15: error: crop takes P= or to=, not both (hint: to=LABEL crops to LABEL's size)",
        None,
        id="crop-both",
    ),
    pytest.param(
        "input 8x8x4\ncrop\n",
        "2:1: error: crop needs P= or to=LABEL (hint: write e.g. 'crop P=4', 'crop P=0:1x2:2' or 'crop to=LABEL')",
        None,
        id="crop-nothing",
    ),
    pytest.param(
        "input 8x8x4\ncrop P=same\n",
        "2:6: error: crop takes explicit sizes, not 'same' (hint: write e.g. 'crop P=4', 'crop P=0:1x2:2' or 'crop to=LABEL')",
        None,
        id="crop-mode",
    ),
    pytest.param(
        "input 8x8x4\npad P=same\n",
        "2:5: error: pad takes explicit padding, not 'same'"
        " (hint: write e.g. 'pad P=1', 'pad P=0:1' or 'pad P=1x2'; for 'same' put P=same on the conv itself)",
        None,
        id="pad-mode",
    ),
    pytest.param(
        "input 8x8x4\npad P=1x2x3\n",
        "2:5: error: P=1x2x3 gives 3 dims, but the input 8x8x4 has 2 spatial dim(s)"
        " (hint: give one value for all dims or exactly 2 joined by 'x')",
        None,  # ZeroPad2d((1, 1, 2, 2, 3, 3)) pads the channels as well
        id="pad-rank",
    ),
    # upsample modes of the wrong rank, and its keys
    pytest.param(
        "input 8x4\nupsample factor=2 mode=bilinear\n",
        f"2:19: error: mode=bilinear works on 2-D inputs, but 8x4 has 1 spatial dim(s) {MODE_HINT}",
        _raises(NotImplementedError, lambda: nn.Upsample(scale_factor=2, mode="bilinear")(torch.zeros(1, 4, 8))),
        id="bilinear-1d",
    ),
    pytest.param(
        "input 8x8x4\nupsample factor=2 mode=trilinear\n",
        f"2:19: error: mode=trilinear works on 3-D inputs, but 8x8x4 has 2 spatial dim(s) {MODE_HINT}",
        _raises(NotImplementedError, lambda: nn.Upsample(scale_factor=2, mode="trilinear")(MAP)),
        id="trilinear-2d",
    ),
    pytest.param(
        "input 8x8x8x4\nupsample factor=2 mode=bicubic\n",
        f"2:19: error: mode=bicubic works on 2-D inputs, but 8x8x8x4 has 3 spatial dim(s) {MODE_HINT}",
        _raises(NotImplementedError, lambda: nn.Upsample(scale_factor=2, mode="bicubic")(torch.zeros(1, 4, 8, 8, 8))),
        id="bicubic-3d",
    ),
    pytest.param(
        "input 8x8x4\nupsample factor=2 mode=linear\n",
        f"2:19: error: mode=linear works on 1-D inputs, but 8x8x4 has 2 spatial dim(s) {MODE_HINT}",
        _raises(NotImplementedError, lambda: nn.Upsample(scale_factor=2, mode="linear")(MAP)),
        id="linear-2d",
    ),
    pytest.param(
        "input 8x8x4\nupsample factor=2 mode=cubic\n",
        "2:24: error: unknown upsampling mode 'cubic' (hint: use nearest, linear, bilinear, bicubic, trilinear)",
        _raises(NotImplementedError, lambda: functional.interpolate(MAP, scale_factor=2, mode="cubic")),
        id="unknown-mode",
    ),
    pytest.param(
        "input 8x8x4\nupsample\n",
        "2:1: error: upsample needs exactly one of factor= and size="
        " (hint: e.g. 'upsample factor=2 mode=bilinear' or 'upsample size=28x28')",
        _raises(ValueError, lambda: functional.interpolate(MAP), "either size or scale_factor"),
        id="upsample-neither",
    ),
    pytest.param(
        "input 8x8x4\nupsample factor=2 size=16\n",
        "2:1: error: upsample needs exactly one of factor= and size="
        " (hint: e.g. 'upsample factor=2 mode=bilinear' or 'upsample size=28x28')",
        _raises(ValueError, lambda: functional.interpolate(MAP, size=16, scale_factor=2), "only one of"),
        id="upsample-both",
    ),
    pytest.param(
        "input 8x8x4\nupsample size=2x2x2\n",
        "2:10: error: size=2x2x2 gives 3 dims, but the input 8x8x4 has 2 spatial dim(s)"
        " (hint: give one number for all dims or exactly 2 joined by 'x')",
        _raises(ValueError, lambda: functional.interpolate(MAP, size=(2, 2, 2)), "same number of spatial"),
        id="upsample-size-rank",
    ),
    pytest.param(
        "input 8x8x4\nupsample factor=2x2x2\n",
        "2:10: error: factor=2x2x2 gives 3 dims, but the input 8x8x4 has 2 spatial dim(s)"
        " (hint: give one number for all dims or exactly 2 joined by 'x')",
        _raises(ValueError, lambda: functional.interpolate(MAP, scale_factor=(2.0, 2.0, 2.0))),
        id="upsample-factor-rank",
    ),
    # instance and group norms of single values
    pytest.param(
        "input 1x1x4\ninstancenorm\n",
        f"2:1: error: instancenorm needs more than one spatial position, but its input is 1x1x4 {SINGLE_HINT}",
        _raises(ValueError, lambda: nn.InstanceNorm2d(4).eval()(torch.zeros(1, 4, 1, 1)), "more than 1 spatial"),
        id="instancenorm-2d",
    ),
    pytest.param(
        "input 1x4\ninstancenorm affine\n",
        f"2:1: error: instancenorm needs more than one spatial position, but its input is 1x4 {SINGLE_HINT}",
        _raises(ValueError, lambda: nn.InstanceNorm1d(4, affine=True)(torch.zeros(1, 4, 1)), "more than 1 spatial"),
        id="instancenorm-1d",
    ),
    pytest.param(
        "input 1x1x1x4\ninstancenorm\n",
        f"2:1: error: instancenorm needs more than one spatial position, but its input is 1x1x1x4 {SINGLE_HINT}",
        _raises(ValueError, lambda: nn.InstanceNorm3d(4)(torch.zeros(1, 4, 1, 1, 1)), "more than 1 spatial"),
        id="instancenorm-3d",
    ),
    pytest.param(
        "input 1x1x4\ngroupnorm G=4\n",
        "2:11: error: groupnorm G=4 needs more than one value per group, but its input 1x1x4 has one channel per group"
        f" at a single position {SINGLE_HINT}",
        _raises(ValueError, lambda: nn.GroupNorm(4, 4).eval()(torch.zeros(1, 4, 1, 1)), "more than 1 value"),
        id="groupnorm-single-values",
    ),
    # flat inputs to spatial-only kinds
    pytest.param(
        "input 784\ngroupnorm G=2\n",
        "2:1: error: groupnorm needs spatial dims (it normalises groups of channels over positions),"
        f" but its input is a flat vector of 784 {FLAT_HINT}",
        _flat_is_read_otherwise(nn.GroupNorm(2, 784)),
        id="groupnorm-flat",
    ),
    pytest.param(
        "input 784\ninstancenorm\n",
        "2:1: error: instancenorm needs spatial dims (it normalises each channel over positions),"
        f" but its input is a flat vector of 784 {FLAT_HINT}",
        _raises(ValueError, lambda: nn.InstanceNorm1d(784)(torch.zeros(1, 784, 1)), "more than 1 spatial"),
        id="instancenorm-flat",
    ),
    pytest.param(
        "input 784\nupsample factor=2\n",
        f"2:1: error: upsample needs spatial dims (it resizes positions), but its input is a flat vector of 784 {FLAT_HINT}",
        _raises(NotImplementedError, lambda: nn.Upsample(scale_factor=2)(FLAT), "got 2D"),
        id="upsample-flat",
    ),
    pytest.param(
        "input 784\npad P=1\n",
        f"2:1: error: pad needs spatial dims (it pads positions), but its input is a flat vector of 784 {FLAT_HINT}",
        _flat_is_read_otherwise(nn.ZeroPad1d(1)),
        id="pad-flat",
    ),
    pytest.param(
        "input 784\ncrop P=1\n",
        f"2:1: error: crop needs spatial dims (it crops positions), but its input is a flat vector of 784 {FLAT_HINT}",
        _flat_is_read_otherwise(nn.ZeroPad1d(-1)),
        id="crop-flat",
    ),
    pytest.param(
        "input 784\npixelshuffle 2\n",
        "2:1: error: pixelshuffle needs spatial dims (it moves channels into positions), but its input is a flat vector of 784 (hint: PyTorch's PixelShuffle rearranges H x W x C feature maps)",
        _raises(RuntimeError, lambda: nn.PixelShuffle(2)(FLAT), "at least 3 dimensions"),
        id="pixelshuffle-flat",
    ),
    pytest.param(
        "input 784\npixelunshuffle 2\n",
        "2:1: error: pixelunshuffle needs spatial dims (it moves channels into positions), but its input is a flat vector of 784 (hint: PyTorch's PixelUnshuffle rearranges H x W x C feature maps)",
        _raises(RuntimeError, lambda: nn.PixelUnshuffle(2)(FLAT), "at least 3 dimensions"),
        id="pixelunshuffle-flat",
    ),
    # the new keys' values
    pytest.param(
        "input 8x8x4\nleakyrelu alpha=abc\n",
        "2:17: error: alpha must be a decimal number like 0.1, got 'abc'",
        _raises(TypeError, lambda: nn.LeakyReLU("abc")(MAP)),
        id="alpha-word",
    ),
]


@pytest.mark.parametrize(("text", "message", "pytorch"), CASES)
def test_error_message_and_pytorch(
    tmp_path: Path, run_cli: Callable[..., Any], text: str, message: str, pytorch: Callable[[], None] | None
) -> None:
    path = tmp_path / "net.arch"
    path.write_text(text, encoding="utf-8")
    result = run_cli("summary", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{path}:{message}\n"
    if pytorch is not None:
        pytorch()
