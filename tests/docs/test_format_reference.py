"""docs/format.md documents every layer kind the registry knows: its name, aliases, keys (short and
long), flags and positional value, so a newly registered kind or key cannot be missing from the manual."""

from __future__ import annotations

import re

import pytest

from cnncalc.arch.values import KEY_SPELLINGS, UNIVERSAL_FLAGS, UNIVERSAL_KEYS
from cnncalc.layers import REGISTRY
from tests.docs.transcripts import ROOT

FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
#: every `code span` of the page; kinds and aliases are case-insensitive, keys and flags are not
SPANS = set(re.findall(r"`([^`\n]+)`", FORMAT))
WORDS = {word for span in SPANS for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}
WORDS_LOWER = {word.lower() for word in WORDS}
#: how the page names a kind's positional value (its heading of the value)
POSITIONAL_NAMES = {"units": "fc N", "sizes": "N", "factor": "r", "operands": "NAME..."}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_kind_and_alias_is_documented(name: str) -> None:
    kind = REGISTRY[name]
    missing = [spelling for spelling in (kind.name, *kind.aliases) if spelling.lower() not in WORDS_LOWER]
    assert not missing, f"docs/format.md does not name {missing} (kind {name}); add them to its Layer kinds tables"
    section = FORMAT.split("## Layer kinds", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `{re.escape(kind.name)}[ `]", section, re.MULTILINE), (
        f"docs/format.md's Layer kinds tables have no row for {name}"
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_key_and_flag_of_a_kind_is_documented(name: str) -> None:
    kind = REGISTRY[name]
    keys = [spelling for key in kind.keys for spelling in (key, KEY_SPELLINGS[key].alias) if spelling]
    missing = [word for word in (*keys, *kind.flags) if word not in WORDS]
    assert not missing, f"docs/format.md does not name {missing} (keys and flags of {name})"
    row = next(line for line in FORMAT.splitlines() if re.match(rf"\| `{re.escape(kind.name)}[ `]", line))
    absent = [word for word in (*kind.keys, *kind.flags) if f"`{word}" not in row]
    assert not absent, f"the row of {name} in docs/format.md does not list {absent}"


def test_every_key_universal_key_and_flag_is_documented() -> None:
    missing = [word for word in (*KEY_SPELLINGS, *UNIVERSAL_KEYS, *UNIVERSAL_FLAGS) if word not in WORDS]
    assert not missing, f"docs/format.md does not name {missing}"
    keys = FORMAT.split("## Keys", 1)[1].split("\n## ", 1)[0]
    for spelling, key in KEY_SPELLINGS.items():
        if spelling == key.name:
            assert f"| `{spelling}` |" in keys, f"the Keys table of docs/format.md has no row for {spelling}"


def test_every_padding_form_is_documented() -> None:
    padding = FORMAT.split("## Padding", 1)[1].split("\n## ", 1)[0]
    for form in ("P=2", "P=1x2", "P=0:1", "P=0:1x1:0", "P=valid", "P=same", "P=full"):
        assert f"`{form}`" in padding
