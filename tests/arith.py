"""A tiny evaluator for the arithmetic cnncalc writes in its working lines (tests only).

It reads ``floor((128 + 0 + 0 - 2 - 1)/1) + 1``, ``(3*3*3 + 1)*32``, ``max(..., 0)`` and
``(a, b)`` with exact fractions and nothing else: an independent check that the numbers a
student would copy down really give the result printed next to them.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from fractions import Fraction


def _floor(*values: Fraction) -> int:
    return math.floor(values[0])


def _ceil(*values: Fraction) -> int:
    return math.ceil(values[0])


_FUNCTIONS: dict[str, Callable[..., Fraction | int]] = {"floor": _floor, "ceil": _ceil, "max": max, "min": min}


def evaluate(text: str) -> object:
    ungrouped = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 9,248 -> 9248; "(a, b)" keeps its comma
    return _eval(ast.parse(ungrouped, mode="eval").body)


def _eval(node: ast.AST) -> object:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return Fraction(node.value)
    if isinstance(node, ast.Tuple):
        return tuple(_eval(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand)  # type: ignore[operator]
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left), _eval(node.right)
        assert isinstance(left, Fraction) and isinstance(right, Fraction), ast.dump(node)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        values = [_eval(a) for a in node.args]
        return Fraction(_FUNCTIONS[node.func.id](*values))
    raise ValueError(f"unexpected syntax in working line: {ast.dump(node)}")


def value_of(text: str) -> object:
    """A result as printed: ``15,745,152`` or ``(1, 1)``."""
    if text.startswith("("):
        return tuple(Fraction(part.strip().replace(",", "")) for part in text.strip("()").split(", "))
    return Fraction(text.replace(",", ""))
