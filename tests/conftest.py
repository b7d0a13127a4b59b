"""Shared fixtures: golden files (rewrite on purpose with --update-golden) and CLI helpers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main
from click.testing import CliRunner
from hypothesis import settings

import cnncalc
from cnncalc.analysis import Report
from cnncalc.cli import app

ROOT = Path(__file__).resolve().parent.parent


# CI runs the same examples every time (a newly found case must not block a landing at
# random); local and nightly runs keep exploring with fresh random seeds.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    """With CNNCALC_REQUIRE_ORACLE=1 (CI, where the local CPU torch wheel exists) a test skipped
    for want of torch or torchvision fails the run: the outside oracle must really have run."""
    if os.environ.get("CNNCALC_REQUIRE_ORACLE") != "1":
        return
    missing = [
        report.nodeid for report in terminalreporter.stats.get("skipped", []) if "torch" in _skip_reason(report).lower()
    ]
    if missing:
        terminalreporter.write_line(
            f"error: {len(missing)} test(s) skipped because torch/torchvision did not import, "
            "but CNNCALC_REQUIRE_ORACLE=1: " + ", ".join(missing[:5]),
            red=True,
        )
        session = terminalreporter._session
        if session is not None:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _skip_reason(report: pytest.TestReport) -> str:
    """The reason a test was skipped, without its file name (test_torch_fx.py is not a missing torch)."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with ``golden/NAME`` next to the test module."""

    def check(name: str, text: str) -> None:
        path = Path(request.node.fspath).parent / "golden" / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}; run pytest --update-golden"

    return check


def summarize(text: str) -> Report:
    return cnncalc.analyze(cnncalc.parse(text, "test.arch"))


#: built once: typer's own test runner rebuilds the click command on every call (~20 ms)
COMMAND = typer.main.get_command(app)


@pytest.fixture
def run_cli() -> Callable[..., object]:
    """Invoke the app with fixed width and no colour; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> object:
        return runner.invoke(COMMAND, list(args), input=stdin, env={"COLUMNS": "160", "NO_COLOR": "1"})

    return invoke
