"""Small PyTorch models written the way people write them, for ``cnncalc import torch:...`` tests."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional


class Block(nn.Module):  # type: ignore[name-defined]
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding="same", bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: Any) -> Any:
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


class Tiny(nn.Module):  # type: ignore[name-defined]
    """A stem, three residual blocks, squeeze-and-excitation, a head: exercises labels and repeat."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.SiLU())
        self.blocks = nn.Sequential(*(Block(16) for _ in range(3)))
        self.squeeze = nn.Conv2d(16, 4, 1)
        self.expand = nn.Conv2d(4, 16, 1)
        self.head = nn.Linear(16, 10)

    def forward(self, x: Any) -> Any:
        x = self.blocks(self.stem(x))
        scale = torch.sigmoid(self.expand(F.relu(self.squeeze(F.adaptive_avg_pool2d(x, 1)))))
        x = x * scale
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def tiny() -> Any:
    return Tiny()


def not_a_module() -> int:
    return 3
