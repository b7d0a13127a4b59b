"""Counter conventions: what fvcore, ptflops, thop, torchinfo, Keras (and torchvision) report.

:func:`count` applies a :class:`~cnncalc.conventions.table.Convention` (pure data) to an
analysed :class:`~cnncalc.analysis.Report`: one :class:`CountedRow` per layer, each split
into categories (``weights``, ``bias``, ``normalization``...) so that :func:`compare` can
say which layer kinds make two counters differ. :func:`as_report` gives the report with
the convention's MACs and parameters in place of cnncalc's, for the summary renderers.

Conventions (the figures the tools print for one sample): MACs are the tool's own
number (most tools count one per multiply-accumulate and call it a FLOP or a MAC);
FLOPs are twice that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cnncalc.analysis import LayerRow, Report, Totals
from cnncalc.conventions.forms import Form, describe, written_forms
from cnncalc.conventions.table import CONVENTIONS, DEFAULT, Convention, Quantity, Rule
from cnncalc.dims import Dim, product
from cnncalc.errors import UsageError

#: kinds grouped for the explanation of a difference
_GROUPS = {
    "conv": "weights",
    "dwconv": "weights",
    "fc": "weights",
    "bn": "batch norm",
    "layernorm": "normalization",
    "groupnorm": "normalization",
    "instancenorm": "normalization",
    "maxpool": "pooling",
    "avgpool": "pooling",
    "gap": "pooling",
    "gmp": "pooling",
    "adaptiveavgpool": "pooling",
    "adaptivemaxpool": "pooling",
    "upsample": "upsampling",
    "softmax": "softmax",
    "deconv": "transposed convs",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class CountedRow:
    """One layer as a counter sees it: its MACs by category and the parameters it counts."""

    row: LayerRow
    macs: Dim
    params: Dim
    #: (category, MACs) for each non-zero part, in the rule's order
    parts: tuple[tuple[str, Dim], ...]
    rule: Rule | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Counted:
    convention: Convention
    rows: tuple[CountedRow, ...]
    #: ``None`` for a tool that reports no compute figure (Keras)
    macs: Dim | None
    params: Dim
    #: the report's source and the rows the PyTorch network writes otherwise than as a module
    source: str = ""
    forms: Mapping[int, Form] = field(default_factory=dict)

    def by_category(self) -> dict[str, Dim]:
        sums: dict[str, Dim] = {}
        for row in self.rows:
            for category, value in row.parts:
                sums[category] = sums.get(category, 0) + value
        return sums

    def flaws(self) -> list[str]:
        """What the tool gets wrong on this network (once per flaw, with the kinds concerned)."""
        seen: dict[str, list[str]] = {}
        for row in self.rows:
            if row.rule is not None and row.rule.flaw and (row.macs != 0 or not row.rule.terms):  # or a layer missed
                kinds = seen.setdefault(row.rule.flaw, [])
                if row.row.kind not in kinds:
                    kinds.append(row.row.kind)
        return [f"{', '.join(kinds)}: {flaw}" for flaw, kinds in seen.items()]

    def written(self) -> str | None:
        """Which layers torchvision writes otherwise than as a module, for a tool that counts compute."""
        if self.macs is None:
            return None
        return describe(self.source, {row.row.index: row.row.kind for row in self.rows}, self.forms)


def get(name: str) -> Convention:
    """The convention called ``name``; an unknown name is a usage error naming the known ones."""
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise UsageError(
            f"--convention: unknown counter '{name}'", hint=f"use one of {', '.join(CONVENTIONS)}"
        ) from None


def rule_for(convention: Convention, row: LayerRow, form: Form = "module") -> Rule | None:
    """The rule for ``row`` written as ``form``: ``kind/form`` first, then ``kind:mode``, then the kind.

    A layer not written as its module (a functional call, a tensor method, a module subclass,
    a 1x1 conv as ``nn.Linear``) counts like its module when the form is in the convention's
    ``like_module`` (fvcore traces operators) and not at all otherwise, unless the convention
    lists ``kind/form``. ``None``: the tool does not see the layer."""
    if form != "module":
        rule = convention.rules.get(f"{row.kind}/{form}")
        if rule is None and form not in convention.like_module:
            return None
    else:
        rule = None
    if rule is None and row.spec.mode:
        rule = convention.rules.get(f"{row.kind}:{row.spec.mode}")
    if rule is None:
        rule = convention.rules.get(row.kind, convention.default)
    if rule is not None and rule.spatial_rank is not None and len(row.input_shape.spatial) != rule.spatial_rank:
        return None
    return rule


def _elements(row: LayerRow) -> Dim:
    shape = row.input_shape
    return product([*shape.spatial, shape.channels])


def quantity(row: LayerRow, name: Quantity) -> Dim:
    """One quantity of :data:`~cnncalc.conventions.table.Quantity` for ``row`` (one sample)."""
    if name == "weight_macs":
        return row.macs
    if name == "weight_macs_at_output":
        inside, outside = product(list(row.input_shape.spatial)), product(list(row.output_shape.spatial))
        if isinstance(row.macs, int) and isinstance(inside, int):
            return row.macs // inside * outside
        return row.macs * outside / inside
    if name == "output_elements":
        return row.activations
    if name == "input_elements":
        return _elements(row)
    if name == "affine_elements":
        return _elements(row) if row.computed.trainable_params != 0 else 0
    if name == "bias_outputs":
        return row.activations if row.spec.bias else 0
    if name == "bias_units":
        return row.output_shape.channels if row.spec.bias else 0
    if name == "params":
        return row.computed.trainable_params
    if name == "positions":
        return product(list(row.output_shape.spatial))
    raise AssertionError(name)  # pragma: no cover - Quantity is closed


def _category(row: LayerRow, name: Quantity) -> str:
    if name in ("bias_outputs", "bias_units"):
        return "bias"
    if name in ("weight_macs", "weight_macs_at_output"):
        return "transposed convs" if row.kind == "deconv" else "weights"
    return _GROUPS.get(row.kind, "activations")


def _params(convention: Convention, row: LayerRow, rule: Rule | None) -> Dim:
    """A tool with ``unlisted_params=False`` (thop) counts the parameters of the layers it sees only."""
    if (rule is not None and not rule.params) or (rule is None and not convention.unlisted_params):
        return 0
    if convention.params == "requires_grad":
        return row.trainable_params
    if convention.params == "keras":
        return row.trainable_params + row.non_trainable_params
    return row.computed.trainable_params


def count(report: Report, convention: Convention, forms: Mapping[int, Form] | None = None) -> Counted:
    """Every layer of ``report`` counted as ``convention`` counts it.

    ``forms`` says which rows the PyTorch network writes as a functional call or a tensor
    method (default: :func:`~cnncalc.conventions.forms.written_forms`, one module per layer
    outside the zoo)."""
    written = written_forms(report) if forms is None else forms
    rows = []
    total_macs: Dim = 0
    total_params: Dim = 0
    for row in report.rows:
        rule = rule_for(convention, row, written.get(row.index, "module")) if convention.counts_compute else None
        parts: list[tuple[str, Dim]] = []
        macs: Dim = 0
        for term in rule.terms if rule else ():
            value = term.factor * quantity(row, term.quantity)
            if value != 0:
                parts.append((_category(row, term.quantity), value))
                macs += value
        params = _params(convention, row, rule)
        rows.append(CountedRow(row=row, macs=macs, params=params, parts=tuple(parts), rule=rule))
        total_macs += macs
        total_params += params
    return Counted(
        convention=convention,
        rows=tuple(rows),
        macs=total_macs if convention.counts_compute else None,
        params=total_params,
        source=report.source,
        forms=written,
    )


def as_report(report: Report, counted: Counted) -> Report:
    """``report`` with the convention's MACs and parameters (for the summary renderers).

    The parameters a counter counts go in ``trainable_params``; ``non_trainable_params`` keeps
    BN's running statistics for Keras only. A tool without a compute figure keeps cnncalc's MACs.
    The default convention is cnncalc's own report, unchanged.
    """
    if counted.convention.name == DEFAULT:  # today's numbers, with the Keras split of the parameters
        return report
    keras = counted.convention.params == "keras"
    rows = tuple(
        replace(
            c.row,
            macs=c.macs if counted.macs is not None else c.row.macs,
            trainable_params=c.row.trainable_params if keras else c.params,
            non_trainable_params=c.row.non_trainable_params if keras else 0,
        )
        for c in counted.rows
    )
    old = report.totals
    totals: Totals = replace(
        old,
        macs=counted.macs if counted.macs is not None else old.macs,
        trainable_params=old.trainable_params if keras else counted.params,
        non_trainable_params=old.non_trainable_params if keras else 0,
    )
    return replace(report, rows=rows, totals=totals)


__all__ = ["CONVENTIONS", "DEFAULT", "Convention", "Counted", "CountedRow", "as_report", "count", "get", "quantity"]
