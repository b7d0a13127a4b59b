"""Every error message the package can raise is asserted by some test, and nothing runs user text.

The first test reads the package's source with ``ast``: for each error raised (our error
classes, ``.error(...)``, ``ctx.fail(...)``, ``typer.BadParameter``) it takes the message's
longest literal fragment and requires it to appear in a test file.
"""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

PACKAGE = ROOT / "cnncalc"
ERROR_CALLS = {"UsageError", "ArchError", "ModelError", "ShapeError", "CnncalcError", "BadParameter"}
ERROR_METHODS = {"error", "fail"}


def _fragments(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(node, ast.BinOp):
        return _fragments(node.left) + _fragments(node.right)
    return []


def _messages() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name not in ERROR_CALLS and name not in ERROR_METHODS:
                continue
            fragments = [f.strip() for f in _fragments(node.args[0])]
            longest = max(fragments, key=len, default="")
            if len(longest) >= 8:
                found.append((str(path.relative_to(ROOT)), node.lineno, longest))
    return found


def test_every_error_message_is_asserted_somewhere() -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    messages = _messages()
    assert len(messages) > 60  # the scan itself works
    missing = [f"{path}:{line}: {text!r}" for path, line, text in messages if text not in tests]
    assert not missing, "error messages no test asserts:\n" + "\n".join(missing)


#: the one exec: cnncalc.records writes a constructor from a dataclass's own field names (as
#: dataclasses writes ``__init__``); no text from outside the package reaches it
GENERATED = ("cnncalc/records.py", 'exec("\\n".join(lines), namespace)')


def test_nothing_evaluates_text() -> None:
    pattern = re.compile(r"\b(eval|exec|sympify|parse_expr|lambdify)\s*\(")
    found = [
        (str(path.relative_to(ROOT)), line.split("#", 1)[0].strip(), number)
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line.split("#", 1)[0])
    ]
    assert sum((path, code) == GENERATED for path, code, _ in found) == 1  # the allowance names a real line
    offenders = [f"{path}:{number}: {code}" for path, code, number in found if (path, code) != GENERATED]
    assert not offenders, offenders
