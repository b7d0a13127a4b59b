"""docs/conventions.md documents every convention as the data says it: each tool's pinned version,
every function a rule cites from the tool's source, and every zoo pattern of the forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cnncalc.conventions.forms import ZOO_FORMS
from cnncalc.conventions.table import CONVENTIONS

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "conventions.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(CONVENTIONS))
def test_page_names_each_version_and_source_function(name: str) -> None:
    convention = CONVENTIONS[name]
    assert f"**{name}**" in PAGE and convention.version.split(" ")[0] in PAGE
    rules = [*convention.rules.values(), *([convention.default] if convention.default else [])]
    for rule in rules:
        path, _, where = rule.source.partition(": ")
        assert Path(path).name in PAGE, rule.source
        for function in re.findall(r"[a-z_][a-z0-9_]*_[a-z0-9_]+", where.split(" (")[0]):  # the functions named
            assert f"`{function}" in PAGE or f"{function}`" in PAGE or f".{function}" in PAGE, (name, function)


def test_page_lists_every_zoo_pattern() -> None:
    for pattern in ZOO_FORMS:
        assert f"`{pattern}`" in PAGE, pattern
