"""Rendering ``loss``: the loss of each example and the batch mean, as fields and JSON."""

from __future__ import annotations

from typing import Any

from cnncalc.course.losses import LossResult
from cnncalc.course.numbers import json_number, show


def loss_json(result: LossResult) -> dict[str, Any]:
    return {
        "schema": "cnncalc.loss/1",
        "loss": result.name,
        "per_example": [json_number(v) for v in result.per_example],
        "sum": json_number(result.total),
        "mean": json_number(result.mean),
    }


def loss_fields(result: LossResult) -> list[tuple[str, str]]:
    """Each example's loss, the course's cost ``J = sum`` (triplet) and the batch mean."""
    per_example = [(f"example {i}", show(v)) for i, v in enumerate(result.per_example)]
    cost = [("cost J = sum", show(result.total))] if result.cost_is_sum else []
    return [*per_example, *cost, ("batch mean", show(result.mean))]
