"""A symbol's assumed values as an arithmetic progression (``--assume``), below the analysis.

:mod:`cnncalc.assume` reads the assumptions and restates results; the analysis only needs to
put ``modulus*k + offset`` in place of the symbol, so this small record lives below both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progression:
    """The values ``modulus*k + offset`` for ``k = 1, 2, 3, ...``."""

    modulus: int
    offset: int

    def value(self, k: int) -> int:
        return self.modulus * k + self.offset

    def describe(self, name: str) -> str:
        if self.modulus == 1:
            return f"{name} >= {self.value(1)}"
        residue = self.value(1) % self.modulus
        return f"{name} = {self.value(1)}, {self.value(2)}, ... ({name} % {self.modulus} == {residue})"


def parameter_name(name: str) -> str:
    """The fresh symbol ``k`` of a progression for the input symbol ``name`` (``k·N``)."""
    return f"k·{name}"  # "·" never occurs in an input symbol (ASCII identifiers): no user name can collide
