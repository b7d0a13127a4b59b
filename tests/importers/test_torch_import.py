"""``torch:`` imports, measured against the module itself (parameters, BN statistics, FlopCounterMode)."""

from __future__ import annotations

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.reader import parse
from cnncalc.importers.torch_module import import_torch_module
from tests.export.torch_run import measure_model

torch = pytest.importorskip("torch")


def check(model: object, input_size: tuple[int, ...]) -> str:
    text = import_torch_module(model, input_size).text
    totals = analyze(parse(text, "imported.arch")).totals
    with torch.device("meta"):
        measured = measure_model(model.to("meta"), input_size)  # type: ignore[attr-defined]
    assert [shape.as_list() for shape in totals.outputs] == measured.outputs
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs
    return text


def test_tiny_residual_network() -> None:
    from tests.importers.tiny_models import Tiny

    text = check(Tiny(), (3, 32, 32))
    assert "repeat 3 {" in text  # the three blocks
    assert "swish" in text  # SiLU exported as x * sigmoid(x) reads back as one layer


@pytest.mark.slow
@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v3_small", "shufflenet_v2_x0_5", "convnext_tiny"])
def test_torchvision(name: str) -> None:
    from tests.torchvision_oracle import models

    check(models.get_model(name, weights=None), (3, 224, 224))
