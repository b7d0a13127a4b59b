"""The ONNX round trip: .arch -> cnncalc's PyTorch export -> torch.onnx.export -> cnncalc import.

The imported file must give the original's totals and, row by row in order, the same kind, output
shape, trainable and non-trainable params and MACs — except for the rows that carry no number and
that ONNX does not keep or the importer adds (:data:`NOT_COMPARED`): ``dropout`` and ``droppath``
(torch exports the inference graph, where both are the identity, so no node is left), ``identity``
(a line that only holds a label; the importer writes its own where a skip needs one) and
``flatten`` (cnncalc's PyTorch export flattens explicitly before ``nn.Linear``; the ``.arch``'s
``fc`` flattens by itself). Each such row is checked to change no count. An adaptive pool whose
output divides its input is exported as the plain pool it then is (:data:`SAME_KIND`).
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pytest

from cnncalc.analysis import Report, analyze
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


#: rows that ONNX drops (inference identities) or that only hold a label or flatten before fc
NOT_COMPARED = frozenset({"dropout", "droppath", "identity", "flatten"})

#: kinds that come back as another kind with the same rows: torch exports an adaptive pool whose
#: output divides its input as the plain pool it then is (AdaptiveMaxPool(1) as a MaxPool over the
#: whole input, which reads back as gmp)
SAME_KIND = {"adaptiveavgpool": "avgpool", "adaptivemaxpool": "maxpool"}

Row = tuple[str, tuple[int, ...], int, int, int]


def round_trip(arch: Arch) -> tuple[Report, Report, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        to_onnx(arch, path)
        text = import_onnx(str(path)).text
    return analyze(arch), analyze(parse(text, "imported.arch")), text


def compared_rows(report: Report) -> list[Row]:
    rows = []
    for row in report.rows:
        numbers = (int(row.trainable_params), int(row.non_trainable_params), int(row.macs))
        if row.kind in NOT_COMPARED:
            assert numbers == (0, 0, 0), f"line {row.line}: a {row.kind} row with numbers"
            continue
        rows.append((SAME_KIND.get(row.kind, row.kind), tuple(int(d) for d in row.output_shape.as_list()), *numbers))
    return rows


def assert_same_summary(original_report: Report, imported_report: Report) -> None:
    original, imported = original_report.totals, imported_report.totals
    assert imported.output_shape == original.output_shape
    assert imported.outputs == original.outputs
    assert imported.trainable_params == original.trainable_params
    assert imported.non_trainable_params == original.non_trainable_params
    assert imported.macs == original.macs
    ours, theirs = compared_rows(imported_report), compared_rows(original_report)
    for position, (mine, expected) in enumerate(zip(ours, theirs, strict=False)):
        assert mine == expected, f"compared row {position}: imported {mine}, original {expected}"
    assert len(ours) == len(theirs)
