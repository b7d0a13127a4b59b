"""The ONNX round trip: .arch -> cnncalc's PyTorch export -> torch.onnx.export -> cnncalc import."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pytest

from cnncalc.analysis import Totals, analyze
from cnncalc.arch.reader import parse
from cnncalc.export.pytorch import export_pytorch
from cnncalc.model import Arch

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from cnncalc.importers.onnx import import_onnx  # noqa: E402  (needs onnx and numpy)
from tests.export.torch_run import load_module, model_class  # noqa: E402  (needs torch)


def to_onnx(arch: Arch, path: Path) -> None:
    """Build the exported module on the CPU with random weights and let torch write ONNX.

    torch's TorchScript exporter runs offline with no extra package; constant folding is off
    so that BatchNorm stays a node of its own instead of being fused into the conv."""
    module = load_module(export_pytorch(arch))
    model = model_class(module)().eval()
    example = torch.randn(1, *module.INPUT_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example,), str(path), dynamo=False, do_constant_folding=False, opset_version=20)


def round_trip(arch: Arch) -> tuple[Totals, Totals, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        to_onnx(arch, path)
        text = import_onnx(str(path)).text
    return analyze(arch).totals, analyze(parse(text, "imported.arch")).totals, text


def assert_same_summary(original: Totals, imported: Totals) -> None:
    assert imported.output_shape == original.output_shape
    assert imported.outputs == original.outputs
    assert imported.trainable_params == original.trainable_params
    assert imported.non_trainable_params == original.non_trainable_params
    assert imported.macs == original.macs
