"""Validating documents against the shipped schemas with ``jsonschema`` (draft 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from cnncalc import schemas


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator of a shipped schema, checked to be a valid draft 2020-12 schema first."""
    schema = schemas.load(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(document: Any, name: str) -> list[str]:
    """Every way ``document`` breaks the schema ``name``, as ``path: message`` lines."""
    found = sorted(validator(name).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in found]


def check(document: Any, name: str) -> None:
    """``document`` names the schema ``name`` in its ``schema`` key and is valid against it."""
    assert isinstance(document, dict), document
    assert document.get("schema") == schemas.schema_id(name), document.get("schema")
    problems = errors(document, name)
    assert not problems, "\n".join(problems[:20])


def _not_json(constant: str) -> Any:
    raise AssertionError(f"{constant} is not JSON (RFC 8259): infinities are the strings 'inf'/'-inf', NaN is null")


def strict_json(text: str) -> Any:
    """``text`` parsed as RFC 8259 JSON: ``NaN`` and ``Infinity``, which Python's json reads and writes, fail."""
    return json.loads(text, parse_constant=_not_json)


def canonical(value: Any) -> Any:
    """``value`` with every integer replaced by -1, 0, 1 or 2 (negative, 0, 1, larger).

    The shipped schemas bound integers only by ``minimum: 0`` or ``minimum: 1`` (a test holds
    them to it), so a document is valid exactly when its canonical form is: thousands of
    layer rows that differ only in their numbers collapse into a few hundred to validate."""
    if isinstance(value, bool) or not isinstance(value, (int, list, dict)):
        return value
    if isinstance(value, int):
        return -1 if value < 0 else min(value, 2)
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return {k: canonical(v) for k, v in value.items()}


class RowCache:
    """Validates a document's rows once per distinct canonical form (see :func:`canonical`)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def check(self, document: dict[str, Any], name: str, rows_key: str) -> int:
        """Check ``document`` with only its rows not seen before; returns how many were new."""
        new = []
        for row in document[rows_key]:
            form = canonical(row)
            key = name + json.dumps(form, sort_keys=True)
            if key not in self.seen:
                self.seen.add(key)
                new.append(form)
        check({**document, rows_key: new}, name)
        return len(new)
