"""The fast builders of frozen, slotted dataclasses build what the classes' own constructors build."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc import analyze, parse
from cnncalc.analysis import LayerRow
from cnncalc.model import LayerSpec
from cnncalc.receptive import Field
from cnncalc.records import constructor, replacer
from cnncalc.zoo import zoo_text

NETWORKS = ["resnet50", "densenet121", "efficientnet_b0", "convnext_tiny", "unet"]


def _values(instance: object) -> dict[str, Any]:
    return {f.name: getattr(instance, f.name) for f in fields(instance)}  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NETWORKS)
def test_rows_built_from_their_fields_equal_the_originals(name: str) -> None:
    new_row = constructor(LayerRow)
    for row in analyze(parse(zoo_text(name), name)).rows:
        built = new_row(**_values(row))
        assert type(built) is LayerRow
        assert built == row
        assert all(getattr(built, key) is value for key, value in _values(row).items())
        assert built == LayerRow(**_values(row))  # the class's own constructor agrees


@pytest.mark.parametrize("name", NETWORKS)
def test_a_statement_at_another_line_is_dataclasses_replace(name: str) -> None:
    at_line = replacer(LayerSpec, "line")
    rows = analyze(parse(zoo_text(name), name)).rows
    for row in rows:
        spec = row.spec
        before = _values(spec)
        moved = at_line(spec, spec.line + 1000)
        assert _values(moved) == _values(dataclasses.replace(spec, line=spec.line + 1000))
        assert _values(spec) == before  # the source is untouched
        assert moved.line == spec.line + 1000 and moved == spec  # the line is not part of equality


def test_positional_calls_follow_field_order() -> None:
    new_field = constructor(Field)
    assert new_field((3, 5), (1, 2), (1, 0)) == Field(size=(3, 5), jump=(1, 2), padding=(1, 0))


def test_what_is_built_stays_frozen() -> None:
    built = constructor(Field)(size=(3,), jump=(1,), padding=(1,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.size = (4,)  # type: ignore[misc]
    moved = replacer(Field, "jump")(built, (2,))
    assert moved == Field(size=(3,), jump=(2,), padding=(1,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved.jump = (4,)  # type: ignore[misc]


def test_every_field_must_be_given() -> None:
    with pytest.raises(TypeError):
        constructor(Field)(size=(3,), jump=(1,))
    with pytest.raises(TypeError):
        constructor(Field)(size=(3,), jump=(1,), padding=(1,), extra=1)


@dataclass(frozen=True, slots=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


@dataclass(slots=True)
class _Mutable:
    value: int


@dataclass(frozen=True)
class _WithDict:
    value: int


@pytest.mark.parametrize("cls", [_Checked, _Mutable, _WithDict, int])
def test_only_frozen_slotted_dataclasses_without_post_init(cls: type) -> None:
    with pytest.raises(TypeError):
        constructor(cls)
    with pytest.raises(TypeError):
        replacer(cls, "value")


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="no field 'depth'"):
        replacer(Field, "depth")


_ints = st.tuples(st.integers(-(10**30), 10**30), st.integers(-(10**30), 10**30))


@given(size=_ints, jump=_ints, padding=_ints, other=_ints)
def test_built_fields_equal_constructed_ones(
    size: tuple[int, int], jump: tuple[int, int], padding: tuple[int, int], other: tuple[int, int]
) -> None:
    built = constructor(Field)(size=size, jump=jump, padding=padding)
    assert built == Field(size=size, jump=jump, padding=padding)
    assert hash(built) == hash(Field(size=size, jump=jump, padding=padding))
    for name in ("size", "jump", "padding"):
        moved = replacer(Field, name)(built, other)
        assert moved == dataclasses.replace(built, **{name: other})
        assert built == Field(size=size, jump=jump, padding=padding)  # the source is untouched


def test_a_field_name_that_is_not_an_identifier_is_never_written_into_code() -> None:
    @dataclass(frozen=True, slots=True)
    class Forged:
        value: int

    forged = dataclasses.field()
    forged.name = "value); import os; ("
    forged._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what fields() reads
    Forged.__dataclass_fields__ = {forged.name: forged}
    with pytest.raises(TypeError, match="not a Python identifier"):
        constructor(Forged)
