"""The JSON Schemas (draft 2020-12) of every ``--json`` document cnncalc prints.

The schemas ship as package data, one file per document (``summary.schema.json``). Every
document names its schema in its ``schema`` key (``"cnncalc.summary/1"``), which is that
schema's ``$id``; the number after the slash changes only when a key is renamed, removed or
changes meaning. :func:`load` accepts the short name (``summary``, ``receptive_field``), the
command's spelling (``receptive-field``) or the ``$id`` itself::

    import cnncalc.schemas, jsonschema
    jsonschema.validate(document, cnncalc.schemas.load(document["schema"]))

Conventions the schemas state: sizes and counts are JSON integers, or expression strings when
the input is symbolic; shapes are channels-last; keys that do not apply are ``null``, never
missing; the course commands write infinities as the strings ``"inf"``/``"-inf"`` and NaN as
``null``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from cnncalc.errors import UsageError

#: every schema, in the order ``cnncalc --help`` lists the commands that print them
NAMES: tuple[str, ...] = (
    "summary",
    "compare",
    "receptive_field",
    "layer",
    "padding",
    "solve",
    "sizes",
    "verify",
    "kinds",
    "iou",
    "nms",
    "yolo",
    "softmax",
    "activation",
    "gram",
    "zoo",
    "reference",
    "loss",
)
_PREFIX, _VERSION = "cnncalc.", "/1"


def schema_id(name: str) -> str:
    """``summary`` -> ``cnncalc.summary/1``: the value of the documents' ``schema`` key."""
    return f"{_PREFIX}{resolve(name)}{_VERSION}"


def resolve(name: str) -> str:
    """The schema's short name from a short name, a command's spelling or an ``$id``.

    An unknown name is a usage error listing the valid ones."""
    key = name.strip().lower()
    if key.startswith(_PREFIX) and key.endswith(_VERSION):
        key = key[len(_PREFIX) : -len(_VERSION)]
    key = key.replace("-", "_")
    if key not in NAMES:
        raise UsageError(f"unknown schema '{name}'", hint=f"use one of: {', '.join(NAMES)}")
    return key


def text(name: str) -> str:
    """The schema file's text, as shipped."""
    key = resolve(name)
    return resources.files(__name__).joinpath(f"{key}.schema.json").read_text(encoding="utf-8")


@cache
def _cached_text(key: str) -> str:
    return text(key)


def load(name: str) -> dict[str, Any]:
    """The schema as a dict (a fresh copy each call)."""
    loaded: dict[str, Any] = json.loads(_cached_text(resolve(name)))
    return loaded


def title(name: str) -> str:
    """The schema's one-line title: the command that prints the document."""
    return str(load(name)["title"])


__all__ = ["NAMES", "load", "resolve", "schema_id", "text", "title"]
