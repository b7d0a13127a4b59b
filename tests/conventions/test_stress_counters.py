"""Architectures built to make the counters disagree, each as ``.arch`` text and a PyTorch module
written by hand: transposed convs (grouped, output padding, no bias), dilated/grouped/depthwise
convs, a squeeze-and-excitation block, upsampling (nearest, bilinear), pooling with ``ceil``,
GroupNorm, softmax, 1-D layers. Every counter is run on the module; cnncalc's ``--convention``
figures must equal its total MACs and parameters and its sums per layer kind. Every counter is
also run on cnncalc's PyTorch export of the same text, whose module names map to rows: each
module's figure must equal its row's.
"""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import parse_text
from cnncalc.model import Arch
from tests.conventions.check import check, check_per_module
from tests.conventions.counters import TOOLS, nn


class SqueezeExcite(nn.Module):
    """torchvision's layout: modules for the pool and activations, ``*`` for the product."""

    def __init__(self) -> None:
        super().__init__()
        self.conv, self.bn, self.act = nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.SiLU()
        self.pool, self.fc1, self.relu = nn.AdaptiveAvgPool2d(1), nn.Conv2d(16, 4, 1), nn.ReLU()
        self.fc2, self.gate, self.out = nn.Conv2d(4, 16, 1), nn.Sigmoid(), nn.Hardswish()

    def forward(self, x: Any) -> Any:
        x = self.act(self.bn(self.conv(x)))
        scale = self.gate(self.fc2(self.relu(self.fc1(self.pool(x)))))
        return self.out(scale * x)


def _transposed() -> Any:
    return nn.Sequential(
        nn.Conv2d(4, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
        nn.ReLU(),
        nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, bias=False),
    )


def _dilated_grouped() -> Any:
    return nn.Sequential(
        nn.Conv2d(8, 16, 3, dilation=2, padding=2, groups=4),
        nn.BatchNorm2d(16),
        nn.ReLU6(),
        nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False),
        nn.BatchNorm2d(16),
        nn.LeakyReLU(0.1),
        nn.Conv2d(16, 8, 1, stride=2),
        nn.ELU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(8, 10),
        nn.Softmax(dim=1),
    )


def _upsample_ceil() -> Any:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.GroupNorm(2, 8),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        nn.AvgPool2d(3, 2, padding=1, ceil_mode=True),
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(8, 4, 3, padding=1),
        nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
    )


def _one_d() -> Any:
    return nn.Sequential(
        nn.Conv1d(4, 8, 5, stride=2),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.MaxPool1d(2),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(8, 3),
    )


def _norms() -> Any:
    return nn.Sequential(
        nn.Conv2d(4, 4, 3, padding=1),
        nn.InstanceNorm2d(4, affine=True),
        nn.GELU(),
        nn.Conv2d(4, 4, 1, bias=False),
        nn.InstanceNorm2d(4),
        nn.PReLU(),
    )


def _flat() -> Any:
    return nn.Sequential(
        nn.Linear(16, 8), nn.LayerNorm(8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 4, bias=False), nn.Softmax(dim=1)
    )


CASES: dict[str, tuple[str, Any]] = {
    "norms": (
        """input 8x8x4
        conv K=4 F=3 P=1
        instancenorm affine
        gelu
        conv K=4 F=1 bias=no
        instancenorm
        prelu
        """,
        _norms,
    ),
    "flat": (
        """input 16
        fc 8
        layernorm
        gelu
        dropout rate=0.1
        fc 4 bias=no
        softmax
        """,
        _flat,
    ),
    "transposed": (
        """input 8x8x4
        conv K=8 F=3 P=1
        bn
        relu
        deconv K=6 F=3 S=2 P=1 OP=1 G=2
        relu
        deconv K=4 F=4 S=2 P=1 bias=no
        """,
        _transposed,
    ),
    "dilated_grouped": (
        """input 16x16x8
        conv K=16 F=3 D=2 P=2 G=4
        bn
        relu6
        dwconv F=3 P=1 bias=no
        bn
        leakyrelu alpha=0.1
        conv K=8 F=1 S=2
        elu
        gap
        flatten
        fc 10
        softmax
        """,
        _dilated_grouped,
    ),
    "squeeze_excite": (
        """input 8x8x3
        conv K=16 F=3 P=1
        bn
        x: swish
        gap
        conv K=4 F=1
        relu
        conv K=16 F=1
        sigmoid
        mul x
        hardswish
        """,
        SqueezeExcite,
    ),
    "upsample_ceil": (
        """input 15x15x3
        conv K=8 F=3 P=1
        groupnorm G=2
        relu
        maxpool F=3 S=2 ceil
        avgpool F=3 S=2 P=1 ceil
        upsample factor=2 mode=nearest
        conv K=4 F=3 P=1
        upsample factor=2 mode=bilinear
        """,
        _upsample_ceil,
    ),
    "one_d": (
        """input 32x4
        conv K=8 F=5 S=2
        bn
        relu
        maxpool F=2
        gap
        flatten
        fc 3
        """,
        _one_d,
    ),
}


def _arch(case: str) -> Arch:
    return parse_text("\n".join(line.strip() for line in CASES[case][0].splitlines()), case)


@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("case", list(CASES))
def test_stress_architecture_written_by_hand(case: str, tool: str) -> None:
    check(tool, CASES[case][1](), analyze(_arch(case)))


@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("case", list(CASES))
def test_stress_architecture_module_by_module(case: str, tool: str) -> None:
    arch = _arch(case)
    check_per_module(tool, arch, analyze(arch))


#: Keras's Normalization (the input scaling of keras.applications' EfficientNets) as cnncalc's export
#: writes it: a module of its own whose buffers no counter counts as parameters and whose
#: subtraction and division no counter counts as compute
NORMALIZATION = "input 8x8x3\nnormalization\nconv K=8 F=3 P=1\nbn\nrelu\ngap\nfc 4\n"


@pytest.mark.parametrize("tool", list(TOOLS))
def test_keras_normalization_module_by_module(tool: str) -> None:
    arch = parse_text(NORMALIZATION, "normalization_case")
    check_per_module(tool, arch, analyze(arch))
