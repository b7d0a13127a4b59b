"""Small PyTorch models for the ``torch.fx`` importer: every module kind and function it maps, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional


class Modules2d(nn.Module):  # type: ignore[name-defined]
    """One of each 2-D module the importer maps (in an order whose shapes work out)."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.ZeroPad2d((1, 2, 0, 1)),
            nn.Conv2d(3, 8, 3, padding="same", dilation=2),
            nn.BatchNorm2d(8),
            nn.LeakyReLU(0.2),
            nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False),
            nn.Conv2d(8, 16, 1, groups=2),
            nn.GroupNorm(4, 16),
            nn.PReLU(16),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False),
            nn.InstanceNorm2d(16, affine=True),
            nn.ChannelShuffle(4),
            nn.PixelShuffle(2),
            nn.Hardtanh(0.0, 6.0),
            nn.PixelUnshuffle(2),
            nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1),
            nn.Upsample(scale_factor=2, mode="bilinear"),
            nn.ELU(),
            nn.Dropout2d(0.1),
            nn.Identity(),
            nn.AdaptiveAvgPool2d((3, 2)),
            nn.Flatten(),
            nn.Linear(48, 20),
            nn.LayerNorm(20),
            nn.GELU(),
            nn.Softmax(dim=1),
        )

    def forward(self, x: Any) -> Any:
        return self.layers(x)


class Functions(nn.Module):  # type: ignore[name-defined]
    """The functional spellings: F.*, torch.*, methods, in-place operators, chunk/split, mean."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(4, 12, 3, padding=1)
        self.proj = nn.Conv2d(4, 12, 1)
        self.head = nn.Linear(20, 5)

    def forward(self, x: Any) -> Any:
        y = F.relu(self.conv(x))
        y += self.proj(x)
        a, b, c = y.chunk(3, dim=1)
        d, e = torch.split(y, [4, 8], dim=1)
        z = torch.cat([F.hardswish(a), torch.sigmoid(b), c.tanh(), F.max_pool2d(d, 3, 1, 1), e[:, 2:6]], dim=1)
        z = z * torch.sigmoid(z)
        z = F.pad(F.avg_pool2d(z, 2, ceil_mode=True), (1, 1, 1, 1))
        z = F.interpolate(z, size=(7, 9), mode="nearest")
        z = torch.cat((z[:, :12], F.adaptive_max_pool2d(z[:, 12:], (7, 9))), 1)
        return self.head(z.mean((2, 3)))


class Shuffle(nn.Module):  # type: ignore[name-defined]
    """A channel shuffle written out with view/transpose/view (ShuffleNet v1 style)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 1)

    def forward(self, x: Any) -> Any:
        x = self.conv(x)
        n, c, h, w = x.size()
        x = x.view(n, 3, c // 3, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
        return torch.flatten(x, 1)


class Conv1d3d(nn.Module):  # type: ignore[name-defined]
    def __init__(self, dims: int) -> None:
        super().__init__()
        conv, bn, pool = (
            (nn.Conv1d, nn.BatchNorm1d, nn.MaxPool1d) if dims == 1 else (nn.Conv3d, nn.BatchNorm3d, nn.MaxPool3d)
        )
        self.body = nn.Sequential(conv(2, 4, 3, stride=2), bn(4), nn.SiLU(), pool(2), conv(4, 4, 2, padding=1))

    def forward(self, x: Any) -> Any:
        return self.body(x)


class Frozen(nn.Module):  # type: ignore[name-defined]
    """A frozen backbone (transfer learning): trainable=no."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
        self.backbone.requires_grad_(False)
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x: Any) -> Any:
        return self.head(self.backbone(x))


class ControlFlow(nn.Module):  # type: ignore[name-defined]
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x: Any) -> Any:
        if x.sum() > 0:
            return self.conv(x)
        return x


class Unknown(nn.Module):  # type: ignore[name-defined]
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.LocalResponseNorm(2)

    def forward(self, x: Any) -> Any:
        x = torch.roll(self.conv(x), 1, dims=2)
        return self.norm(x * 2)


class SharedGate(nn.Module):  # type: ignore[name-defined]
    """x * sigmoid(x) is swish, but the sigmoid is read again: it stays a line of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x: Any) -> Any:
        x = self.conv(x)
        gate = torch.sigmoid(x)
        return x * gate + gate


class ExtraInput(nn.Module):  # type: ignore[name-defined]
    """A second forward argument (with a default, so that the one-input run works): refused."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x: Any, scale: float = 2.0) -> Any:
        return self.conv(x) * scale


class ReturnsParameter(nn.Module):  # type: ignore[name-defined]
    """forward returns a parameter, not a tensor computed from its input: nothing to import."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(3))

    def forward(self, x: Any) -> Any:
        return self.weight
