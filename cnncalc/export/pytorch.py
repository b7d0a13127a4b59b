"""``cnncalc export FILE --to pytorch``: an ``nn.Module`` whose layers are the file's layers.

The architecture is analysed first, so every layer's input channels and resolved padding are
known; the walk then writes one ``__init__`` line per layer with parameters (commented with
the ``.arch`` line it comes from) and one ``forward`` line per layer. ``repeat`` blocks are
unrolled (a module per executed layer, as PyTorch's own summaries list them). Labelled outputs
get their own variable; everything else flows through ``x``. Layers flagged ``output`` are
returned after the last one, as a tuple. See :mod:`cnncalc.export.torch_layers` for how each
kind is written. The generated code imports only torch.
"""

from __future__ import annotations

from cnncalc.analysis import Report, analyze
from cnncalc.export.naming import Namer, class_name, identifier, integer
from cnncalc.export.torch_layers import EMITTERS, HELPER_CLASSES, Emit
from cnncalc.graph import walk
from cnncalc.model import Arch

INDENT = "        "


def export_pytorch(arch: Arch, *, name: str | None = None) -> str:
    """The source of a Python module defining ``class NAME(nn.Module)`` and ``INPUT_SIZE``."""
    report = analyze(arch)
    cls = identifier(name) if name else class_name(arch.source)
    if cls in HELPER_CLASSES:  # drop_path.arch: the helper class keeps its name
        cls += "Net"
    namer = Namer()
    init: list[str] = []
    forward: list[str] = []
    helpers: set[str] = set()
    outputs: list[str] = []
    rows = iter(report.rows)

    def step(spec: object, first: str, operands: list[str]) -> str:
        row = next(rows)
        emit = Emit(row=row, x=first, operands=operands, namer=namer)
        expression = EMITTERS[row.kind](emit)
        comment = f"# line {row.line}: {row.spec.text.strip() or row.kind}"
        if emit.init:
            init.append(f"{INDENT}{emit.init[0]}  {comment}")
            init.extend(f"{INDENT}{line}" for line in emit.init[1:])
        if not row.spec.trainable:
            init.extend(f"{INDENT}self.{owned}.requires_grad_(False)" for owned in emit.owned)
        helpers.update(emit.helpers)
        target = namer.label(row.spec.label) if row.spec.label else "x"
        if expression != target:
            forward.append(f"{INDENT}{target} = {expression}")
        if row.spec.output:
            outputs.append(target if target != "x" else _keep(target, namer, forward))
        return target

    last = walk(arch.body, "x", step, arch.source)
    returned = ", ".join([last, *outputs]) if outputs else last
    return _module(report, cls, init, forward, sorted(helpers), returned, bool(outputs))


def _keep(var: str, namer: Namer, forward: list[str]) -> str:
    """An output that flows on through ``x`` needs a name of its own to be returned later."""
    kept = namer.numbered("aux")
    forward.append(f"{INDENT}{kept} = {var}")
    return kept


def _module(
    report: Report, cls: str, init: list[str], forward: list[str], helpers: list[str], returned: str, several: bool
) -> str:
    shape = report.input_shape
    size = [integer(shape.channels, "input channel count"), *(integer(d, "input size") for d in shape.spatial)]
    totals = report.totals
    result = "tuple[torch.Tensor, ...]" if several else "torch.Tensor"
    header = [
        f'"""{cls}: exported by cnncalc from {report.source}.',
        "",
        f"Input: N x {' x '.join(str(v) for v in size)} (NCHW; the .arch writes it channels-last as {shape}).",
        f"cnncalc summary: {totals.trainable_params:,} trainable and {totals.non_trainable_params:,} non-trainable "
        f"parameters, {totals.macs:,} MACs.",
        '"""',
        "",
        "import torch",
        "import torch.nn.functional as F  # noqa: N812",
        "from torch import nn",
        "",
        f"INPUT_SIZE = {tuple(size)!r}",
        "",
    ]
    body = [
        "",
        f"class {cls}(nn.Module):",
        "    def __init__(self) -> None:",
        "        super().__init__()",
        *init,
        "",
        f"    def forward(self, x: torch.Tensor) -> {result}:",
        *forward,
        f"        return {returned}",
        "",
        "",
        'if __name__ == "__main__":',
        f"    model = {cls}().train(False)  # inference mode",
        "    with torch.no_grad():",
        "        print(model(torch.randn(1, *INPUT_SIZE)))",
        "",
    ]
    return "\n".join([*header, *(h.strip("\n") + "\n\n" for h in helpers), *body])
