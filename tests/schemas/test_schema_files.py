"""The shipped schema files: valid draft 2020-12, one per name, reachable by library and CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cnncalc import schemas
from cnncalc.errors import UsageError

SHIPPED = sorted(p.name for p in resources.files("cnncalc.schemas").iterdir() if p.name.endswith(".schema.json"))


def test_one_file_per_name() -> None:
    assert sorted(f"{name}.schema.json" for name in schemas.NAMES) == SHIPPED


@pytest.mark.parametrize("name", schemas.NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = schemas.load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schemas.schema_id(name) == f"cnncalc.{name}/1"
    assert schema["title"].startswith("cnncalc ")


@pytest.mark.parametrize("name", schemas.NAMES)
def test_schema_key_is_pinned_to_the_id(name: str) -> None:
    """Every form of the document requires ``schema`` with exactly its ``$id``."""
    schema = schemas.load(name)
    forms = [schema["$defs"][ref["$ref"].split("/")[-1]] for ref in schema["oneOf"]] if "oneOf" in schema else [schema]
    for form in forms:
        assert form["type"] == "object"
        assert form["properties"]["schema"] == {"const": schema["$id"]}
        assert "schema" in form["required"]
        assert form["additionalProperties"] is False


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@pytest.mark.parametrize("name", schemas.NAMES)
def test_every_object_is_closed_and_lists_what_it_requires(name: str) -> None:
    """Every object shape is closed (``additionalProperties: false`` or a schema for its values),
    and only lists properties it defines as required."""
    for node in _walk(schemas.load(name)):
        if node.get("type") != "object":
            continue
        assert "additionalProperties" in node, node
        assert set(node.get("required", [])) <= set(node.get("properties", {})), node


@pytest.mark.parametrize("name", schemas.NAMES)
def test_integers_are_bounded_only_below_by_0_or_1(name: str) -> None:
    """What :func:`tests.schemas.helpers.canonical` relies on: no integer bound but ``minimum``
    0 or 1 (no maximum, enum, const or multipleOf on integers)."""
    for node in _walk(schemas.load(name)):
        types = node.get("type")
        if types == "integer" or (isinstance(types, list) and "integer" in types):
            assert set(node) <= {"type", "minimum", "description"}, node
            assert node.get("minimum", 0) in (0, 1), node
        for keyword in ("enum", "const"):
            values = node.get(keyword, [])
            values = values if keyword == "enum" else [values]
            assert not any(isinstance(v, int) and not isinstance(v, bool) for v in values), node


def test_library_names() -> None:
    assert schemas.resolve("receptive-field") == "receptive_field"
    assert schemas.resolve("cnncalc.receptive_field/1") == "receptive_field"
    assert schemas.resolve(" Summary ") == "summary"
    assert schemas.load("cnncalc.summary/1")["$id"] == "cnncalc.summary/1"
    with pytest.raises(UsageError) as raised:
        schemas.load("summery")
    assert raised.value.exit_code == 2
    assert "receptive_field" in raised.value.render()


def test_cli_lists_every_name(run_cli: Callable[..., Any]) -> None:
    for args in (("schema",), ("schema", "--list")):
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        listed = [line.split()[0] for line in result.stdout.splitlines()]
        assert listed == list(schemas.NAMES)


@pytest.mark.parametrize("name", ["summary", "receptive-field", "cnncalc.loss/1", "solve"])
def test_cli_prints_the_shipped_file(run_cli: Callable[..., Any], name: str) -> None:
    result = run_cli("schema", name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == schemas.text(name)
    assert json.loads(result.stdout)["$id"] == schemas.schema_id(name)


def test_cli_unknown_name_is_a_usage_error(run_cli: Callable[..., Any]) -> None:
    result = run_cli("schema", "summry")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: unknown schema 'summry' (hint: use one of: summary, compare, receptive_field")


def _property_names(node: Any) -> set[str]:
    return {name for found in _walk(node) for name in found.get("properties", {})}


def _sections(text: str) -> dict[str, str]:
    """docs/json.md's ``## `` sections by heading."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("name", schemas.NAMES)
def test_the_manual_describes_every_key(name: str) -> None:
    """docs/json.md has a section per document that names each of its keys (as `key`, or "key" in
    an object written out), itself, in the common rules or in a section it links to."""
    from tests.conftest import ROOT

    sections = _sections((ROOT / "docs" / "json.md").read_text(encoding="utf-8"))
    own = sections[name]
    assert f"`{schemas.schema_id(name)}`" in own
    linked = re.findall(r"\]\(#([a-z_]+)\)", own)
    text = own + sections["Common rules"] + "".join(sections[s] for s in linked if s in sections)
    missing = sorted(
        key for key in _property_names(schemas.load(name)) if f"`{key}`" not in text and f'"{key}"' not in text
    )
    assert not missing, f"docs/json.md, section {name}, does not describe {missing}"


def test_enumerations_follow_the_program() -> None:
    """The fixed sets the schemas enumerate are the program's own: a new layer kind, counter, dtype
    or activation fails here until its schema lists it."""
    from cnncalc.analysis import BYTES_PER_ELEMENT
    from cnncalc.conventions import CONVENTIONS
    from cnncalc.course.functions import ACTIVATIONS
    from cnncalc.layers import REGISTRY

    summary = schemas.load("summary")["$defs"]
    for name in ("summary", "receptive_field", "layer", "verify", "kinds"):
        assert schemas.load(name)["$defs"]["kind"]["enum"] == list(REGISTRY), name
    assert set(summary["memory"]["properties"]["dtype"]["enum"]) == set(BYTES_PER_ELEMENT)
    assert summary["convention"]["properties"]["name"]["enum"] == list(CONVENTIONS)
    assert schemas.load("compare")["properties"]["default"]["enum"] == list(CONVENTIONS)
    assert schemas.load("activation")["properties"]["activation"]["enum"] == list(ACTIVATIONS)
