"""Every registry kind, and the padding PyTorch cannot take as written, exported and run for real (CPU)."""

from __future__ import annotations

import ast

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.reader import parse
from cnncalc.errors import UsageError
from cnncalc.export.pytorch import export_pytorch
from cnncalc.layers import REGISTRY
from tests.export.torch_run import measure_source

KINDS = sorted({kind.name for kind in REGISTRY.values()})

EDGE_CASES = {
    "same at stride 2 (asymmetric)": "input 9x10x3\nconv K=8 F=4 S=2 P=same\ndwconv F=3 S=2 P=same M=2",
    "explicit asymmetric conv": "input 9x9x3\nconv K=8 F=3 P=0:2x1:0 D=2 G=1 bias=no",
    "transposed, asymmetric and big OP": "input 5x5x4\ndeconv K=6 F=3 S=2 P=0:1\ndeconv K=2 F=3 S=2 OP=1 P=1\ndeconv K=2 F=2 S=1 OP=1 D=2\ndeconv K=3 F=3 S=2 OP=1 P=1:0",
    "pooling padding over half the window": "input 9x9x3\nmaxpool F=2 S=1 P=2\navgpool F=3 S=2 P=same\nmaxpool F=3 D=2 S=1",
    "frozen layers and keras bn": "input 8x8x3\nconv K=4 F=3 trainable=no\nbn trainable=no\nbn scale=no\nbn center=no\nbn scale=no center=no\nfc 10 trainable=no",
    "flat input": "input 784\nfc 100\nbn\nlayernorm bias=no\nprelu\nlayerscale\ndropout\nfc 10\nsoftmax",
    "1-D": "input 100x16\nconv K=32 F=5 S=2 P=same\nmaxpool F=2\nupsample factor=2 mode=linear\nbn\npad P=1:0\ngap\nfc 4",
    "3-D": "input 8x16x16x3\nconv K=8 F=3 P=1\nbn\ninstancenorm\nupsample factor=1x2x2 mode=trilinear\nmaxpool F=2\ngap",
    "squeeze-and-excitation through fc": "input 8x8x16\ne: relu\ngap\nfc 4\nrelu\nfc 16\nsigmoid\nmul e",
    "auxiliary outputs": "input 16x16x3\nconv K=8 F=3 P=1\naux: conv K=2 F=1 output\nconv K=4 F=3 S=2 P=1 from=aux\nrelu output\nupsample size=16x16\nconcat aux",
    "labels reused across repeats": "input 8x8x4\nx: identity\nrepeat 2 {\n  x: conv K=4 F=3 P=1\n  relu\n  add x\n}\nadd x",
}


def check(text: str) -> str:
    arch = parse(text, "case.arch")
    totals = analyze(arch).totals
    source = export_pytorch(arch)
    ast.parse(source)
    measured = measure_source(source, device="cpu")
    assert measured.outputs == [shape.as_list() for shape in totals.outputs]
    assert measured.trainable_params == totals.trainable_params
    assert measured.non_trainable_params == totals.non_trainable_params
    assert measured.macs == totals.macs
    return source


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind(kind: str) -> None:
    entry = REGISTRY[kind]
    check(f"input {entry.example_input}\n{entry.example}\n")


@pytest.mark.parametrize("case", EDGE_CASES)
def test_edge_cases(case: str) -> None:
    check(EDGE_CASES[case])


def test_asymmetric_padding_is_explicit() -> None:
    source = check("input 224x224x3\nconv K=32 F=3 S=2 P=same bias=no")
    assert "self.conv1(F.pad(x, (0, 1, 0, 1)))" in source
    assert "nn.Conv2d(3, 32, kernel_size=3, stride=2, bias=False)" in source


def test_generated_code_imports_only_torch() -> None:
    source = check("input 32x32x3\nconv K=8 F=3\ndroppath rate=0.1\ngap\nfc 10")
    imports = [node for node in ast.walk(ast.parse(source)) if isinstance(node, (ast.Import, ast.ImportFrom))]
    modules = {alias.name for node in imports if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in imports if isinstance(node, ast.ImportFrom)}
    assert {m.split(".")[0] for m in modules} == {"torch"}


def test_symbolic_input_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="symbolic"):
        export_pytorch(parse("input NxNx3\nconv K=8 F=3", "n.arch"))
