"""The work budget's one-line messages and the ``--max-work`` reader (cnncalc.limits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cnncalc.errors import CnncalcError, UsageError
from cnncalc.limits import DEFAULTS, LimitError, check_fixed, check_work, format_amount, parse_work
from tests.conftest import ROOT


def test_the_message_names_the_figure_the_limit_and_the_option() -> None:
    check_work("cell operations", 10**9, 10**9)  # at the limit: fine
    with pytest.raises(LimitError) as caught:
        check_work("cell operations", 1_200_000_000_000, 10**9)
    assert isinstance(caught.value, CnncalcError) and caught.value.exit_code == 1
    assert caught.value.render() == (
        "error: this needs 1.2e12 cell operations, over the limit of 1e9 (hint: raise it with --max-work 1.2e12)"
    )
    with pytest.raises(LimitError) as fixed:
        check_fixed("bytes", 2**30, 2**24, "split the file")
    assert fixed.value.render() == "error: this needs 1.1e9 bytes, over the limit of 16,777,216 (hint: split the file)"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(999_999, "999999"), (10**6, "1e6"), (1_000_001, "1.1e6"), (1_950_000_000, "2e9"), (99_000_001, "1e8")],
)
def test_amounts_round_up_to_two_digits(amount: int, shown: str) -> None:
    assert format_amount(amount) == shown  # rounded up: the hint's figure is always enough


@pytest.mark.parametrize(("text", "value"), [("2e12", 2 * 10**12), ("1.5e9", 1_500_000_000), ("1_000", 1000)])
def test_max_work_reads_whole_counts(text: str, value: int) -> None:
    assert parse_work(text) == value


@pytest.mark.parametrize("text", ["0", "1.5", "abc", "1e9999", "٣", "-5", "1e-3", "", "2^10"])
def test_max_work_refuses_anything_else(text: str) -> None:
    with pytest.raises(UsageError):
        parse_work(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "error: --max-work 'abc': not a count (hint: write e.g. 1000000000 or 2e12)\n"),
        ("1.5", "error: --max-work '1.5': not a whole number (hint: write e.g. 1.5e9, not 1.5)\n"),
    ],
)
def test_max_work_refusals_on_the_command_line(run_cli: Callable[..., Any], text: str, message: str) -> None:
    lenet = str(ROOT / "examples" / "lenet5.arch")
    result = run_cli("sizes", lenet, "--range", "32:33", "--max-work", text)
    assert result.exit_code == 2  # a malformed command-line value: a usage error
    assert result.stdout == ""
    assert result.stderr == message


def test_every_kind_of_work_has_a_documented_default() -> None:
    page = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    for kind in ("verify", "sizes", "solve"):
        work = DEFAULTS[kind]
        assert f"| {format_amount(work.default)} " in page.replace(" (about 20 s)", " "), kind
        assert work.unit in page
