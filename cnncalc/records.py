"""Building frozen, slotted dataclasses quickly, for the two built once per layer.

A frozen dataclass's ``__init__`` matches keyword arguments and then sets each field through
``object.__setattr__`` (which looks the name up along the class's MRO): about 10 µs for the
35 fields of a :class:`~cnncalc.model.LayerSpec`. A 100,000-layer file builds one
``LayerSpec`` and one ``LayerRow`` per line, so the parser and the analysis build those two
through the functions made here instead: the same fields, each set through its slot's own
descriptor, in straight-line code generated from :func:`dataclasses.fields` (the technique
:mod:`dataclasses` itself uses to write ``__init__``; only field names of cnncalc's own classes
are ever written into it). The result is an ordinary instance — still frozen, equal to the one
the class's constructor makes from the same values. Nothing calls ``__post_init__``, so these
are only for classes without one.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def _field_names(cls: type[Any]) -> list[str]:
    if not is_dataclass(cls) or not cls.__dataclass_params__.frozen or "__slots__" not in cls.__dict__:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__, which these builders would skip")
    names = [f.name for f in fields(cls)]
    if not all(name.isidentifier() and not keyword.iskeyword(name) for name in names):
        raise TypeError(f"{cls.__name__} has a field name that is not a Python identifier")  # never written into code
    return names


def _compile(cls: type[Any], name: str, parameters: str, values: dict[str, str]) -> Callable[..., Any]:
    """``def NAME(PARAMETERS)``: a new instance with each field set to its value's expression."""
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = [f"def {name}({parameters}):", "    self = _new(_cls)"]
    for field_name, value in values.items():
        namespace[f"_set_{field_name}"] = cls.__dict__[field_name].__set__
        lines.append(f"    _set_{field_name}(self, {value})")
    lines.append("    return self")
    exec("\n".join(lines), namespace)  # field names of a cnncalc class, never user text
    built: Callable[..., Any] = namespace[name]
    return built


def constructor(cls: type[T]) -> Callable[..., T]:
    """A function that builds ``cls`` from every field (by keyword or in field order): what
    ``cls(**values)`` builds, faster. Every field must be given; defaults are not applied."""
    names = _field_names(cls)
    return _compile(cls, f"new_{cls.__name__}", ", ".join(names), {n: n for n in names})


def replacer(cls: type[T], changed: str) -> Callable[[T, Any], T]:
    """A function ``(instance, value)`` that returns a copy of ``instance`` with the field
    ``changed`` set to ``value``: ``dataclasses.replace(instance, changed=value)``, faster."""
    names = _field_names(cls)
    if changed not in names:
        raise TypeError(f"{cls.__name__} has no field '{changed}'")
    values = {n: "value" if n == changed else f"source.{n}" for n in names}
    return _compile(cls, f"{cls.__name__}_with_{changed}", "source, value", values)
