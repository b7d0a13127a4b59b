"""Spell ``.arch`` statements from framework numbers: ``F=3``, ``F=3x5``, ``P=1``, ``P=0:1x1:0``."""

from __future__ import annotations

from collections.abc import Sequence


def per_dim(key: str, values: Sequence[int], default: int | None = None) -> str:
    """``F=3`` when every dim agrees, ``F=3x5`` otherwise; nothing when it is the default."""
    values = [int(v) for v in values]
    if default is not None and all(v == default for v in values):
        return ""
    if len(set(values)) == 1:
        return f"{key}={values[0]}"
    return f"{key}=" + "x".join(str(v) for v in values)


def padding(pairs: Sequence[tuple[int, int]]) -> str:
    """``P=`` for per-dim ``(start, end)`` pairs; nothing for no padding."""
    pairs = [(int(s), int(e)) for s, e in pairs]
    if all(s == 0 and e == 0 for s, e in pairs):
        return ""
    if all(s == e for s, e in pairs):
        return per_dim("P", [s for s, _ in pairs])
    if len(set(pairs)) == 1:
        return f"P={pairs[0][0]}:{pairs[0][1]}"
    return "P=" + "x".join(f"{s}:{e}" for s, e in pairs)


def statement(kind: str, *parts: str) -> str:
    return " ".join([kind, *(p for p in parts if p)])
