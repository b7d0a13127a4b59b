"""Every counter side by side: totals, the difference from the default, and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass

from cnncalc.analysis import Report
from cnncalc.conventions import CONVENTIONS, DEFAULT, Counted, count
from cnncalc.dims import Dim


@dataclass(frozen=True, kw_only=True, slots=True)
class Comparison:
    """One counter against the default (torchvision's column, cnncalc's own MACs)."""

    counted: Counted
    #: ``None`` when the tool reports no compute figure
    macs_difference: Dim | None
    params_difference: Dim
    #: (category, MACs difference) for every category that differs, largest first
    differences: tuple[tuple[str, Dim], ...]
    #: what the tool gets wrong on this network ("deconv: a transposed conv is counted on...")
    flaws: tuple[str, ...]


def _size(value: Dim) -> float:
    try:
        return abs(float(value))
    except TypeError:  # symbolic: keep the rule's order
        return 0.0


def compare(report: Report) -> list[Comparison]:
    """All conventions, the default first."""
    base = count(report, CONVENTIONS[DEFAULT])
    base_parts = base.by_category()
    result = []
    for convention in CONVENTIONS.values():
        counted = base if convention.name == DEFAULT else count(report, convention)
        differences: list[tuple[str, Dim]] = []
        if counted.macs is not None:
            parts = counted.by_category()
            for category in [*parts, *(c for c in base_parts if c not in parts)]:
                delta = parts.get(category, 0) - base_parts.get(category, 0)
                if delta != 0:
                    differences.append((category, delta))
        differences.sort(key=lambda item: -_size(item[1]))
        result.append(
            Comparison(
                counted=counted,
                macs_difference=None if counted.macs is None or base.macs is None else counted.macs - base.macs,
                params_difference=counted.params - base.params,
                differences=tuple(differences),
                flaws=tuple(counted.flaws()),
            )
        )
    return result
