"""Rendering ``gram``: the Gram matrices and the style and content costs, as fields and JSON."""

from __future__ import annotations

from typing import Any

from cnncalc.course.numbers import Exact, json_number, show
from cnncalc.course.style import StyleResult


def _matrix_json(matrix: list[list[Exact]] | None) -> list[list[int | float | str | None]] | None:
    return None if matrix is None else [[json_number(v) for v in row] for row in matrix]


def _matrix_text(matrix: list[list[Exact]]) -> str:
    return "\n".join("  ".join(show(v) for v in row) for row in matrix)


def style_json(result: StyleResult) -> dict[str, Any]:
    return {
        "schema": "cnncalc.gram/1",
        "shape": result.shape,
        "gram": _matrix_json(result.gram),
        "generated_gram": _matrix_json(result.generated_gram),
        "style_cost": None if result.style_cost is None else json_number(result.style_cost),
        "content_cost": None if result.content_cost is None else json_number(result.content_cost),
    }


def style_fields(result: StyleResult) -> list[tuple[str, str]]:
    fields = [("Gram matrix", _matrix_text(result.gram))]
    if result.generated_gram is not None:
        assert result.style_cost is not None and result.content_cost is not None
        fields.append(("generated Gram", _matrix_text(result.generated_gram)))
        fields += [("style cost", show(result.style_cost)), ("content cost", show(result.content_cost))]
    return fields
