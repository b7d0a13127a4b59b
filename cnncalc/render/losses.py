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
        "mean": json_number(result.mean),
    }


def loss_fields(result: LossResult) -> list[tuple[str, str]]:
    per_example = [(f"example {i}", show(v)) for i, v in enumerate(result.per_example)]
    return [*per_example, ("batch mean", show(result.mean))]
