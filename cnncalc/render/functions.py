"""Rendering ``softmax`` and ``activation``: result fields and JSON."""

from __future__ import annotations

from typing import Any

from cnncalc.course.functions import ActivationResult, SoftmaxResult
from cnncalc.course.numbers import json_number, show


def softmax_json(result: SoftmaxResult) -> dict[str, Any]:
    return {
        "schema": "cnncalc.softmax/1",
        "inputs": [json_number(v) for v in result.inputs],
        "exponentials": [json_number(v) for v in result.exponentials],
        "sum": json_number(result.total),
        "probabilities": [json_number(v) for v in result.probabilities],
    }


def softmax_fields(result: SoftmaxResult) -> list[tuple[str, str]]:
    """One row per input, labelled by its index as the course writes p_i (from 1), with its score."""
    return [
        (f"p_{i} (z = {show(z)})", show(p, 4))
        for i, (z, p) in enumerate(zip(result.inputs, result.probabilities, strict=True), start=1)
    ]


def activation_json(function: str, result: ActivationResult) -> dict[str, Any]:
    """``function``: the name as given (the result's own name carries its parameters)."""
    return {
        "schema": "cnncalc.activation/1",
        "activation": function.lower(),
        "alpha": json_number(result.alpha),
        "beta": json_number(result.beta),
        "inputs": [json_number(v) for v in result.inputs],
        "values": [json_number(v) for v in result.values],
        "derivatives": [json_number(v) for v in result.derivatives],
    }


def activation_fields(result: ActivationResult) -> list[tuple[str, str]]:
    return [
        (f"x = {show(x)}", f"{show(v)}   (derivative {show(d)})")
        for x, v, d in zip(result.inputs, result.values, result.derivatives, strict=True)
    ]
