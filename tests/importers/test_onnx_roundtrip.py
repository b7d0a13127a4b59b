"""Exported by torch to ONNX and imported back, every example and zoo model gives the same summary, row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc.arch.reader import parse
from cnncalc.arch.source import load
from cnncalc.errors import ArchError
from cnncalc.layers import REGISTRY
from tests.importers.onnx_trip import assert_same_summary, round_trip

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.arch"))
QUICK = ["lenet5", "resnet18", "mobilenet_v3_small", "shufflenet_v2_x0_5", "squeezenet1_1", "googlenet"]
KINDS = sorted({kind.name for kind in REGISTRY.values()})
#: where a registry example does not survive ONNX as written: torch exports adaptive pooling only
#: when the output divides the input (as a plain pool), and ONNX drops a conv used only for its shape
EXAMPLES_FOR_ONNX = {
    "adaptiveavgpool": "input 9x9x4\nadaptiveavgpool 3",
    "adaptivemaxpool": "input 9x9x4\nadaptivemaxpool 3",
    "crop": "input 8x8x4\nbig: identity\nsmall: conv K=4 F=3\ncrop to=small from=big\nconcat small",
}


@pytest.mark.parametrize(
    "source", [pytest.param(s, marks=pytest.mark.slow) if "c3d" in s else s for s in EXAMPLES]
)  # the 3-D video net takes ~5 s to export
def test_examples(source: str) -> None:
    assert_same_summary(*round_trip(load(str(ROOT / source)))[:2])


#: kinds ONNX has no operator for, whose PyTorch export is arithmetic with constants: the importer must
#: refuse it by name (never read back a different network)
NOT_IN_ONNX = {"normalization": "arithmetic with a constant has no .arch equivalent"}


@pytest.mark.parametrize("kind", sorted(NOT_IN_ONNX))
def test_kinds_onnx_cannot_express_are_refused_by_name(kind: str) -> None:
    entry = REGISTRY[kind]
    arch = parse(f"input {entry.example_input}\n{entry.example}\n", f"{kind}.arch")
    with pytest.raises(ArchError) as refused:
        round_trip(arch)
    assert "operator(s) have no .arch equivalent" in refused.value.message
    assert NOT_IN_ONNX[kind] in refused.value.message


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in NOT_IN_ONNX])
def test_every_kind(kind: str) -> None:
    entry = REGISTRY[kind]
    text = EXAMPLES_FOR_ONNX.get(kind, f"input {entry.example_input}\n{entry.example}")
    arch = parse(text + "\n", f"{kind}.arch")
    assert_same_summary(*round_trip(arch)[:2])


@pytest.mark.slow
@pytest.mark.parametrize("name", QUICK)
def test_zoo_quick(name: str) -> None:
    assert_same_summary(*round_trip(load(f"zoo:{name}"))[:2])
