"""Every default a registry entry declares (and ``cnncalc kinds`` shows) is what the arithmetic
does when the key is left out: writing each one out must not change a single number."""

from __future__ import annotations

import re

import pytest

import cnncalc
from cnncalc.layers import REGISTRY
from cnncalc.layers.base import LayerKind
from cnncalc.render.json_report import summary_json

WITH_DEFAULTS = [kind for kind in REGISTRY.values() if kind.defaults]


def _summary(text: str) -> dict[str, object]:
    document = summary_json(cnncalc.analyze(cnncalc.parse(text, "t.arch")))
    for layer in document["layers"]:
        layer.pop("line")
    return document


@pytest.mark.parametrize("kind", WITH_DEFAULTS, ids=[kind.name for kind in WITH_DEFAULTS])
def test_written_out_defaults_change_nothing(kind: LayerKind) -> None:
    *setup, statement = kind.example.strip().splitlines()
    assert {key for key, _ in kind.defaults} <= kind.keys, "a default for a key the kind does not take"
    defaulted = {key for key, _ in kind.defaults}
    # the example without its defaulted keys, then with each written out as its default
    words = [w for w in statement.split() if w.partition("=")[0] not in defaulted or "=" not in w]
    plain_statement = " ".join(words)
    kernel = re.search(r"\bF=(\S+)", statement)
    extra = []
    for key, value in kind.defaults:
        if value == "F":  # pooling's stride is its window
            assert kernel is not None, "S=F needs the example to give F"
            value = kernel.group(1)
        extra.append(f"{key}={value}")
    header = f"input {kind.example_input}\n" + "".join(line + "\n" for line in setup)
    plain = _summary(header + plain_statement + "\n")
    explicit = _summary(header + plain_statement + " " + " ".join(extra) + "\n")
    assert plain == explicit


def test_defaults_are_listed_by_kinds() -> None:
    from cnncalc.render.kinds import describe_kind, kinds_json

    document = kinds_json([describe_kind(REGISTRY["maxpool"])])
    keys = {key["name"]: key["default"] for key in document["kinds"][0]["keys"]}
    assert keys["S"] == "F" and keys["F"] is None
