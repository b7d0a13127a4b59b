"""Row-by-row oracles for ``torch:`` imports: the zoo's ``.arch`` and the module itself, run.

- :func:`row_multiset`: the rows of a report as a multiset of (kind, output shape, trainable and
  non-trainable params, MACs), leaving out the rows that only hang a label or do nothing at
  inference (``identity``, ``dropout``, ``droppath``): the zoo and the import order branches
  alike within a block but hold skips with different ``identity`` lines.
- :func:`per_module`: every leaf module run on the meta device with a forward hook: its output
  shape (channels-last, batch dropped), its own parameters and BatchNorm running statistics, and
  the multiply-accumulates ``FlopCounterMode`` attributes to it. A module working on channels-last
  data (ConvNeXt's LayerNorm and Linear between two permutes) returns it so: its shape is taken
  as it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from cnncalc.analysis import Report

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

#: rows that change no number: a place for a label, the identity at inference, or a flatten
#: before ``fc`` (the zoo lets ``fc`` flatten its input by itself; ``torch.flatten`` is a line)
SILENT = {"identity", "dropout", "droppath", "flatten"}

Row = tuple[str, tuple[int, ...], int, int, int]


def row_multiset(report: Report) -> Counter[Row]:
    return Counter(
        (
            row.kind,
            tuple(int(d) for d in row.output_shape.as_list()),
            int(row.trainable_params),
            int(row.non_trainable_params),
            int(row.macs),
        )
        for row in report.rows
        if row.kind not in SILENT
    )


@dataclass(frozen=True)
class ModuleRun:
    outputs: list[list[int]]  # per call: the shape channels-last, and as returned (batch dropped)
    params: int
    running: int  # BatchNorm running statistics
    frozen: int  # parameters with requires_grad=False
    macs: int


def _channels_last(shape: Any) -> list[int]:
    dims = list(shape)[1:]
    return [*dims[1:], dims[0]]


def per_module(model: Any, input_size: tuple[int, ...]) -> dict[str, ModuleRun]:
    """Run ``model`` on a meta input of one sample, recording every leaf module."""
    shapes: dict[str, list[list[int]]] = {}
    handles = []
    leaves = {name: m for name, m in model.named_modules() if name and not list(m.children())}
    for name, module in leaves.items():

        def hook(_module: Any, _inputs: Any, output: Any, name: str = name) -> None:
            shapes.setdefault(name, []).extend([_channels_last(output.shape), list(output.shape)[1:]])

        handles.append(module.register_forward_hook(hook))
    counter = FlopCounterMode(display=False)
    try:
        with counter, torch.no_grad():
            model(torch.empty(1, *input_size, device="meta"))
    finally:
        for handle in handles:
            handle.remove()
    flops = counter.get_flop_counts()
    root = type(model).__name__
    runs = {}
    for name, module in leaves.items():
        if name not in shapes:
            continue
        running = sum(b.numel() for n, b in module.named_buffers() if n.endswith(("running_mean", "running_var")))
        macs = sum(flops.get(f"{root}.{name}", {}).values()) // 2
        params = sum(p.numel() for p in module.parameters())
        frozen = sum(p.numel() for p in module.parameters() if not p.requires_grad)
        runs[name] = ModuleRun(outputs=shapes[name], params=params, running=running, frozen=frozen, macs=macs)
    return runs


def comment_names(text: str) -> dict[int, str]:
    """Line number -> the source name in the line's comment (an import written without repeats)."""
    names = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#") and " # " in line:
            names[number] = line.split(" # ", 1)[1].strip()
    return names


def check_rows_against_modules(report: Report, text: str, runs: dict[str, ModuleRun]) -> int:
    """Every row named after a module has that module's output shape, params and MACs; returns how many."""
    names = comment_names(text)
    checked = 0
    for row in report.rows:
        name = names.get(row.line)
        run = runs.get(name or "")
        if run is None:
            continue
        where = f"line {row.line} ({name}, {row.kind})"
        assert row.output_shape.as_list() in run.outputs, where
        assert int(row.trainable_params) + int(row.non_trainable_params) == run.params + run.running, where
        assert int(row.non_trainable_params) == run.running + run.frozen, where
        assert int(row.macs) == run.macs or row.kind not in ("conv", "dwconv", "deconv", "fc"), where
        checked += 1
    return checked
