"""PyTorch callables named as ``torch:tests.importers.source_models:NAME`` by tests/importers/test_source.py."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn


def squeezenet() -> Any:
    """torchvision's SqueezeNet 1.0 on the meta device (no weights allocated)."""
    from tests.torchvision_oracle import build

    return build("squeezenet1_0")


class Unused(nn.Module):  # type: ignore[name-defined]
    """A conv whose forward pass never uses the ``spare`` head (its parameters are not counted)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.spare = nn.Linear(4, 2)

    def forward(self, x: Any) -> Any:
        return self.conv(x)


def unused() -> Any:
    return Unused()
