"""Rendering the course commands: a small table of results, the working on --explain, or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from cnncalc.course.numbers import json_float, unlimited_digits
from cnncalc.formula import Line

if TYPE_CHECKING:
    from rich.console import RenderableType


class _Working(Protocol):
    def text(self) -> str: ...


def render_result(
    title: str, fields: list[tuple[str, str]], steps: Sequence[_Working], explain: bool
) -> RenderableType:
    """A two-column table of results under ``title``; with ``explain``, the working below it."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for name, value in fields:
        table.add_row(name, value)
    parts: list[RenderableType] = [table]
    if explain:
        parts.append(Text("Working:"))
        parts.extend(Text(f"  {step.text()}") for step in steps)
    return Group(*parts)


def steps_json(steps: tuple[Line, ...]) -> list[dict[str, str]]:
    """The working as JSON: what, formula, numbers and result of each step."""
    return [
        {
            "what": s.what,
            "formula": s.name.text,
            "numbers": s.numbers.text if s.numbers is not None else "",
            "result": s.result.text,
        }
        for s in steps
    ]


def _strict(value: Any) -> Any:
    """Floats JSON cannot hold, as the documented strings: ``"inf"``, ``"-inf"``; NaN as ``null``."""
    if isinstance(value, float):
        return json_float(value)
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def dumps(document: dict[str, Any]) -> str:
    """A course or reference document as strict RFC 8259 JSON: no ``NaN``/``Infinity`` tokens
    (``allow_nan=False`` makes a regression raise), and exact integers of any length (their
    digits are bounded by the number limits and the work budget, not by Python's 4,300-digit
    ``str`` limit)."""
    with unlimited_digits():
        return json.dumps(_strict(document), allow_nan=False)
