"""Names for generated code: Python identifiers from labels and file names, numbers as literals."""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence

from cnncalc.dims import Dim
from cnncalc.errors import UsageError

#: names the generated forward() already uses
RESERVED = frozenset({"x", "self", "F", "nn", "torch", "keras", "layers", "inputs", "outputs"})


def identifier(text: str) -> str:
    """``block-2`` -> ``block_2``; a leading digit or keyword gets a prefix."""
    name = re.sub(r"\W", "_", text) or "t"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = f"t_{name}"
    return name


def class_name(source: str) -> str:
    """``zoo:resnet18`` -> ``Resnet18``; ``my_net.arch`` -> ``MyNet``; nothing usable -> ``Net``."""
    stem = re.split(r"[/\\:]", source)[-1].rsplit(".", 1)[0]
    words = [w for w in re.split(r"[^A-Za-z0-9]+", stem) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if name and name[0].isalpha() else "Net"


def integer(value: Dim, what: str) -> int:
    """A size the generated code needs as a number; symbols cannot be exported."""
    if isinstance(value, int):
        return value
    raise UsageError(
        f"cannot export a network whose {what} is symbolic ({value})",
        hint="give a numeric input, e.g. --input 224x224x3",
    )


def literal(values: Sequence[int] | Sequence[float]) -> str:
    """One number when every dim agrees, else a tuple: ``3`` or ``(3, 5)``."""
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(str(v) for v in values) + ")"


class Namer:
    """Hands out unique names: ``conv1, conv2, ...`` per stem, labels kept when free."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._taken: set[str] = set(RESERVED)

    def numbered(self, stem: str) -> str:
        while True:
            self._counts[stem] = self._counts.get(stem, 0) + 1
            name = f"{stem}{self._counts[stem]}"
            if name not in self._taken:
                self._taken.add(name)
                return name

    def label(self, label: str) -> str:
        name = identifier(label)
        if name not in self._taken:
            self._taken.add(name)
            return name
        return self.numbered(f"{name}_")
