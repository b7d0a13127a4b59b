"""Tests of :mod:`cnncalc.solve`; ``solve_json`` runs ``cnncalc solve ... --json`` and reads the answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def solve_json(run_cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = run_cli("solve", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]
