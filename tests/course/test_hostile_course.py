"""Hostile inputs for the course commands and ``reference``: each run as a subprocess under a memory
cap and a time limit, asserting one clear line and the documented exit code (1 for input past a
limit or malformed file contents, 2 for a malformed command-line value), or the right answer.

Exponent bombs, giant padding, huge and tiny numbers, zero denominators, non-ASCII digits,
boxes by the ten thousand, oversized CSV fields, deep JSON, ``/dev/zero``, escape sequences.
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
from pathlib import Path

import pytest

#: address space for the child: cnncalc's own needs are well under this; a run that tries to
#: materialise a 200,001 x 200,001 padded input would blow through it
MEMORY_CAP = 1536 * 2**20
#: every refusal is immediate; a generous wall-clock limit for a shared, busy machine
TIME_LIMIT = 60


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cnncalc", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_cap,
        env={"COLUMNS": "120", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        cwd=cwd,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    """Exit ``code``, nothing on stdout, one ``error: ... `` line on stderr holding every fragment."""
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr[-2000:]
    assert "error: " in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr) < 400, result.stderr[:400]
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["softmax", "1e999999999"], 1, "beyond +-1000"),  # was: never ends (exponent expanded exactly)
        (["softmax", "1e5000"], 1, "beyond +-1000"),  # was: exit 70 (Python's 4,300-digit limit)
        (["softmax", "1" * 5000], 1, "more than any number cnncalc reads"),
        (["softmax", "1" * 1001], 1, "more than 1000 digits"),
        (["softmax", "1", "-1e-999999999999"], 1, "beyond +-1000"),
        (["softmax", "²"], 2, "U+00B2"),
        (["softmax", "٣"], 2, "not an ASCII digit"),  # an Arabic-Indic 3: Python's Fraction would read it
        (["softmax", "3/0"], 2, "divides by zero"),
        (["softmax", "1.5/0"], 2, "divides by zero"),
        (["softmax", "1e"], 2, "not a number"),
        (["softmax", "Infinity"], 2, "not a number"),
        (["iou", "0,0,1/0,1", "0,0,1,1"], 2, "divides by zero"),
        (["activation", "relu", "1e1001"], 1, "beyond +-1000"),
        (["activation", "softplus", "0", "--beta", "1e-400"], 2, "is 0 once converted to floating point"),
        (
            ["activation", "swish", "1", "--beta", "1e-400"],
            2,
            "error: --beta ≈1.00000e-400 is 0 once converted to floating point, where softplus and swish compute",
        ),
        (["activation", "sigmoid", "1e400"], 2, "too large for sigmoid"),
        (["loss", "cross-entropy", "--target", "1", "--pred", "0/0"], 2, "divides by zero"),
        (["loss", "triplet", "--anchor", "1e9999", "--positive", "0", "--negative", "0"], 1, "beyond +-1000"),
        (["loss", "mse", "--target", "1", "--pred", "1", "--max-work", "1e999999"], 2, "not a count"),
        (["yolo", "--grid", "1" + "0" * 40, "--anchors", "5", "--classes", "80"], 2, "--grid"),
    ],
)
def test_bad_numbers_get_one_line(args: list[str], code: int, fragment: str) -> None:
    one_line(run(*args), code, fragment)


def test_tiny_probability_is_computed_not_log_of_zero() -> None:
    result = run("loss", "cross-entropy", "--target", "1", "--pred", "1e-400", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mean"] == pytest.approx(400 * math.log(10))


def test_softplus_overflow_is_strict_json() -> None:
    result = run("activation", "softplus", "0", "--beta", "1e-320", "--json")
    assert result.returncode == 0, result.stderr
    assert "Infinity" not in result.stdout and "NaN" not in result.stdout
    document = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"bare {name}"))
    assert document["values"] == ["inf"]


def test_huge_exact_values_print_beyond_pythons_digit_limit(tmp_path: Path) -> None:
    """Products of 1000-digit numbers have 4,000+ digits: the table is readable, the JSON exact."""
    (tmp_path / "s.json").write_text("[[[1e1000, 1]]]")
    (tmp_path / "g.json").write_text("[[[-1e1000, 2]]]")
    table = run("gram", "s.json", "--generated", "g.json", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "≈1.000e2000" in table.stdout
    document = json.loads(run("gram", "s.json", "--generated", "g.json", "--json", cwd=tmp_path).stdout)
    assert document["gram"][0][0] == 10**2000
    # 1/2 ((2e1000)^2 + (1 - 2)^2): exact, and beyond any float, so the documented "p/q" string
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert document["content_cost"] == f"{4 * 10**2000 + 1}/2"
    finally:
        sys.set_int_max_str_digits(previous)


# --- work budgets -----------------------------------------------------------------------------


def test_giant_padding_is_refused_at_once() -> None:
    one_line(
        run("reference", "conv", "--input", "[[1]]", "--filter", "[[1]]", "--padding", "100000"),
        1,
        "cell operations, over the limit of 1e7",
        "--max-work",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["reference", "pool", "--input", "[[1]]", "--kernel", "1", "--padding", "100000", "--mode", "avg"],
        ["reference", "conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--padding", "same", "--max-work", "10"],
        ["reference", "deconv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--stride", "1000000000"],
        ["reference", "conv", "--input", "[[1]]", "--filter", "[[1]]", "--padding", "1x100000000000000000000"],
    ],
)
def test_reference_budget(args: list[str]) -> None:
    one_line(run(*args), 1, "over the limit of", "--max-work")


def test_budget_is_raised_by_max_work() -> None:
    args = ["reference", "conv", "--input", "[[1]]", "--filter", "[[1]]", "--padding", "40", "--json"]
    refused = run(*args, "--max-work", "1000")
    # 81 x 81 padded cells, then 81 x 81 outputs x (1 tap + 1 + 10 to write it): 85,293
    one_line(refused, 1, "this needs 85293 cell operations, over the limit of 1000", "--max-work 85293")
    result = run(*args, "--max-work", "85293")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["output_shape"] == [81, 81, 1]


def test_nms_on_ten_thousand_boxes_is_refused(tmp_path: Path) -> None:
    rows = "\n".join(f"{i},{i},{i + 5},{i + 5},0.9" for i in range(10001))
    (tmp_path / "boxes.csv").write_text("x1,y1,x2,y2,score\n" + rows + "\n")
    one_line(run("nms", "boxes.csv", cwd=tmp_path), 1, "box comparisons", "--max-work")


def test_nms_on_many_classes_is_refused_before_reading(tmp_path: Path) -> None:
    """Per class there are few comparisons, but reading and reporting 120,000 boxes is the cost."""
    rows = "\n".join(f"0,0,1,1,0.9,class{i}" for i in range(120_000))
    (tmp_path / "boxes.csv").write_text("x1,y1,x2,y2,score,class\n" + rows + "\n")
    one_line(run("nms", "boxes.csv", cwd=tmp_path), 1, "1.2e7 box comparisons, over the limit of 1e7")


def test_gram_of_a_wide_volume_is_refused(tmp_path: Path) -> None:
    volume = [[[1] * 2000 for _ in range(8)] for _ in range(8)]  # 2000^2 x 64 = 2.6e8 multiply-adds
    (tmp_path / "wide.json").write_text(json.dumps(volume))
    one_line(run("gram", "wide.json", cwd=tmp_path), 1, "2.6e8 multiply-adds", "--max-work")


def test_softmax_of_many_long_numbers_is_refused() -> None:
    values = ["9" * 999] * 600  # 600 x 999 digits, twice: 1.2e6 digits
    one_line(run("softmax", *values), 1, "digits, over the limit of 1e6", "--max-work")


# --- files ------------------------------------------------------------------------------------


def test_csv_field_over_the_csv_limit(tmp_path: Path) -> None:
    (tmp_path / "boxes.csv").write_text("x1,y1,x2,y2,score,class\n0,0,1,1,0.9," + "a" * 140_000 + "\n")
    one_line(
        run("nms", "boxes.csv", cwd=tmp_path),
        1,
        "boxes.csv:2:1: error: not CSV that cnncalc can read: field larger than field limit (131072)",
        "(hint: one box per line: x1,y1,x2,y2,score[,class])",
    )


@pytest.mark.parametrize("label", [["car"], True])
def test_a_box_class_that_is_neither_name_nor_number(tmp_path: Path, label: object) -> None:
    (tmp_path / "boxes.json").write_text(json.dumps([{"box": [0, 0, 1, 1], "score": 0.9, "class": label}]))
    one_line(
        run("nms", "boxes.json", cwd=tmp_path),
        1,
        "boxes.json:1:1: error: a box's class is a name or a number",
        '(hint: write e.g. "class": "car")',
    )


def test_deep_json_nesting(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    one_line(run("reference", "pool", "--input", "deep.json", "--kernel", "1", cwd=tmp_path), 1, "nested too deeply")


def test_a_matrix_too_large_to_read_is_refused_before_parsing(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(("1 " * 1500 + "\n") * 1500)  # 2.25 million values
    one_line(run("reference", "pool", "--input", "big.txt", "--kernel", "1", cwd=tmp_path), 1, "--max-work")


def test_dev_zero_is_not_read_to_the_end() -> None:
    one_line(run("reference", "pool", "--input", "/dev/zero", "--kernel", "1"), 1, "the most cnncalc reads")


@pytest.mark.parametrize("token", ["1e999999999", "2" * 2000, "٣", "1/0"])
def test_hostile_numbers_in_matrices(tmp_path: Path, token: str) -> None:
    (tmp_path / "m.txt").write_text(f"1 2\n3 {token}\n")
    result = run("reference", "pool", "--input", "m.txt", "--kernel", "1", cwd=tmp_path)
    one_line(result, 1, "m.txt:2:3: error: ")
    (tmp_path / "m.json").write_text(f"[[1, 2], [3, {token}]]")
    result = run("gram", "m.json", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr[-500:]


def test_class_names_cannot_drive_the_terminal(tmp_path: Path) -> None:
    boxes = [{"box": [0, 0, 1, 1], "score": 0.9, "class": "\x1b]0;owned\x07\x1b[2J[red]car"}]
    (tmp_path / "boxes.json").write_text(json.dumps(boxes))
    result = run("nms", "boxes.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[red]car" in result.stdout  # shown as written, not taken as markup


def test_max_pool_of_padding_only_is_strict_json() -> None:
    result = run("reference", "pool", "--input", "[[1]]", "--kernel", "1", "--padding", "1", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"bare {name}"))
    assert document["output"][1][1] == 1 and document["output"][0][0] == "-inf"
