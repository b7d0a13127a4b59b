"""Every zoo model and example, exported to PyTorch and run by torch, gives the summary's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from cnncalc.export.pytorch import export_pytorch
from cnncalc.zoo import zoo_names
from tests.export.torch_run import measure_source
from tests.zoo_sets import zoo_params

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.arch"))
#: a quick sample of the zoo covering every family (the whole zoo is the slow test)
QUICK = ["zoo:lenet5", "zoo:resnet18", "zoo:mobilenet_v3_small", "zoo:shufflenet_v2_x0_5", "zoo:unet"]


def check(source: str) -> None:
    arch = load(str(ROOT / source) if not source.startswith("zoo:") else source)
    totals = analyze(arch).totals
    measured = measure_source(export_pytorch(arch))
    assert measured.outputs == [shape.as_list() for shape in totals.outputs]
    assert measured.trainable_params == totals.trainable_params
    assert measured.non_trainable_params == totals.non_trainable_params
    assert measured.macs == totals.macs


@pytest.mark.parametrize("source", [*QUICK, *EXAMPLES])
def test_quick_round_trip(source: str) -> None:
    check(source)


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_params(n for n in zoo_names() if f"zoo:{n}" not in QUICK))
def test_zoo_round_trip(name: str) -> None:
    check(f"zoo:{name}")
