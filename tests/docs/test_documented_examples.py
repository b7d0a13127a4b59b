"""Every `$ cnncalc ...` example in README.md and docs/*.md runs and prints what the document shows.

The document convention (prompt lines, ``[exit N]``, ``<!-- columns: N -->``, ``<!-- needs: X -->``)
is described in :mod:`tests.docs.transcripts` and tests/docs/README.md. To refresh the documents
after an output changed on purpose::

    CNNCALC_UPDATE_DOCS=1 python -m pytest -q -n 0 tests/docs

then review ``git diff README.md docs/``.
"""

from __future__ import annotations

import difflib
import importlib.util
import os

import pytest

from tests.docs.transcripts import (
    EXTRAS,
    DocumentError,
    Example,
    Ran,
    documents,
    parse_document,
    rewrite,
    run_in_process,
    run_subprocess,
    shown_lines,
)

UPDATE = os.environ.get("CNNCALC_UPDATE_DOCS") == "1"


def _collect() -> tuple[list[Example], list[str]]:
    examples: list[Example] = []
    problems: list[str] = []
    for path in documents():
        try:
            examples.extend(parse_document(path))
        except DocumentError as error:
            problems.append(str(error))
    return examples, problems


EXAMPLES, PROBLEMS = _collect()


def _missing(example: Example) -> list[str]:
    return [extra for extra in example.needs if importlib.util.find_spec(EXTRAS[extra]) is None]


def _compare(example: Example, ran: Ran, how: str) -> None:
    shown = [*example.output, *([f"[exit {example.exit_code}]"] if example.exit_code else [])]
    actual = shown_lines(ran)
    if actual == shown:
        return
    diff = "\n".join(
        difflib.unified_diff(shown, actual, fromfile=f"{example.where} (document)", tofile=how, lineterm="")
    )
    pytest.fail(
        f"{example.where}: `{example.command}` prints something else than the document shows "
        f"(refresh with CNNCALC_UPDATE_DOCS=1 pytest tests/docs):\n{diff}",
        pytrace=False,
    )


def test_transcripts_follow_the_convention() -> None:
    assert not PROBLEMS, "\n".join(PROBLEMS)


def test_the_manual_has_examples() -> None:
    assert len(EXAMPLES) >= 20
    assert any(example.exit_code for example in EXAMPLES), "no error example"


@pytest.mark.skipif(UPDATE, reason="CNNCALC_UPDATE_DOCS=1 rewrites the documents instead")
@pytest.mark.parametrize("example", EXAMPLES, ids=[example.where for example in EXAMPLES])
def test_documented_example(example: Example) -> None:
    missing = _missing(example)
    if missing:
        pytest.skip(f"needs the optional extra {', '.join(missing)}")
    _compare(example, run_in_process(example), "cnncalc (now)")


@pytest.mark.slow
@pytest.mark.skipif(UPDATE, reason="CNNCALC_UPDATE_DOCS=1 rewrites the documents instead")
def test_documented_examples_as_a_user_runs_them() -> None:
    """The in-process runner is a shortcut: `python -m cnncalc` must print the same text."""
    for example in EXAMPLES:
        if not _missing(example):
            _compare(example, run_subprocess(example), "python -m cnncalc (now)")


@pytest.mark.skipif(not UPDATE, reason="set CNNCALC_UPDATE_DOCS=1 to rewrite the documents' outputs")
def test_update_documents() -> None:
    """Rewrite every transcript's output from the current program (skipped extras keep their text)."""
    changed = []
    for path in documents():
        results = {example.first: run_in_process(example) for example in parse_document(path) if not _missing(example)}
        if rewrite(path, results):
            changed.append(path.name)
    print("rewrote:", ", ".join(changed) or "nothing")
