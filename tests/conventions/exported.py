"""cnncalc's PyTorch export of an architecture, with each module's name mapped to its row.

The export writes one ``self.NAME = ...  # line N: ...`` line per layer that owns a module
or a parameter, in the order the layers run (``repeat`` unrolled), so the rows that own one
are matched in order by their line number. The model is built on the meta device and
materialised empty on the CPU (the counters need real tensors; the weights' values do not
matter to any count).
"""

from __future__ import annotations

import re
from typing import Any

from cnncalc.analysis import Report
from cnncalc.export.pytorch import export_pytorch
from cnncalc.model import Arch
from tests.conventions.counters import on_cpu
from tests.export.torch_run import load_module, model_class
from tests.torchvision_oracle import torch

_OWNED = re.compile(r"^ {8}self\.(\w+) = .*  # line (\d+): ")


def names_to_rows(source: str, report: Report) -> dict[str, int]:
    """Module (or parameter) name -> row index, from the export's ``# line N`` comments."""
    names: dict[str, int] = {}
    rows = iter(report.rows)
    for text in source.splitlines():
        found = _OWNED.match(text)
        if found is None:
            continue
        line = int(found.group(2))
        row = next(r for r in rows if r.line == line)
        names[found.group(1)] = row.index
    return names


def exported(arch: Arch, report: Report) -> tuple[Any, dict[str, int]]:
    """The exported ``nn.Module`` (eval mode, CPU) and its names -> row indices."""
    source = export_pytorch(arch)
    module = load_module(source)
    with torch.device("meta"):
        model = model_class(module)()
    return on_cpu(model), names_to_rows(source, report)
