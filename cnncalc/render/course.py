"""Rendering the course commands: a small table of results, the working on --explain, or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

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
