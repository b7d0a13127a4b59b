"""Fuzzing every reader: each input gives a result or one clear error, never a crash.

Library level (fast): bytes -> decode -> parse -> analyze -> JSON and table must either
succeed or raise a CnncalcError. Command level: exit code 0, 1 or 2; on an error exactly
one line on stderr (with file:line:column when a file is involved), nothing on stdout,
and never the "internal error" of a bug.

CI runs 12,000 examples; the nightly profile multiplies them:
``CNNCALC_FUZZ_SCALE=20 pytest tests/fuzz``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.analysis import analyze
from cnncalc.arch.source import decode, parse_text
from cnncalc.errors import CnncalcError
from cnncalc.render.json_report import dumps, summary_json
from cnncalc.render.table import render_summary
from tests.conftest import COMMAND, ROOT

SCALE = int(os.environ.get("CNNCALC_FUZZ_SCALE", "1"))

#: minutes of fuzzing: skipped by a quick local run (`-m "not slow"`), always run by CI
pytestmark = pytest.mark.slow


def fuzz(examples: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


SEEDS = [p.read_text() for p in sorted((ROOT / "examples").glob("*.arch"))] + [
    (ROOT / "cnncalc" / "zoo" / f"{name}.arch").read_text()
    for name in ("lenet5", "alexnet", "resnet18", "squeezenet1_0")
]
VOCABULARY = [
    "input", "conv", "dwconv", "deconv", "maxpool", "avgpool", "gap", "fc", "flatten", "bn", "relu", "softmax",
    "add", "concat", "identity", "dropout", "adaptiveavgpool", "repeat", "{", "}", "x:", "y:", "x", "y",
    "K=3", "F=3", "F=0", "F=1000000000000000000000000000000", "S=0", "S=2", "D=0", "D=2", "G=0", "G=3", "P=1",
    "P=same", "P=full", "P=valid", "P=0:1", "P=1x2", "P=-1", "OP=1", "M=2", "bias=no", "trainable=no",
    "from=x", "from=nowhere", "rate=0.5", "ceil", "224x224x3", "8x8x1", "784", "NxNx3", "0", "-1", "10**30",
    "1e5", "3x5", "__import__('os').system('echo')", "#", "\t", "\r", "\ufeff", "é", "∞",
]  # fmt: skip


def check_library(data: bytes) -> None:
    try:
        text = decode(data, "fuzz.arch")
        report = analyze(parse_text(text, "fuzz.arch"))
        dumps(summary_json(report))
        if len(report.rows) <= 60:
            from rich.console import Console

            Console(file=io.StringIO(), width=160).print(render_summary(report))
    except CnncalcError as error:
        line = error.render()
        assert "\n" not in line and line.startswith(("fuzz.arch:", "error:")), line


@fuzz(3000)
@given(
    st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=6), max_size=40),
    st.lists(st.sampled_from([" ", "\n", "  ", "\r\n"]), min_size=1),
)
def test_token_soup(tokens: list[str], separators: list[str]) -> None:
    text = "".join(token + separators[i % len(separators)] for i, token in enumerate(tokens))
    check_library(text.encode("utf-8", "surrogatepass") if "\ud800" not in text else text.encode("utf-8", "replace"))


@fuzz(2500)
@given(st.sampled_from(SEEDS), st.data())
def test_valid_files_with_one_token_changed(seed: str, data: st.DataObject) -> None:
    tokens = re.split(r"(\s+)", seed)
    words = [i for i, t in enumerate(tokens) if t.strip()]
    index = data.draw(st.sampled_from(words))
    action = data.draw(st.sampled_from(["replace", "delete", "duplicate", "mangle"]))
    if action == "replace":
        tokens[index] = data.draw(st.sampled_from(VOCABULARY))
    elif action == "delete":
        tokens[index] = ""
    elif action == "duplicate":
        tokens[index] = tokens[index] + " " + tokens[index]
    else:
        word = tokens[index]
        cut = data.draw(st.integers(0, len(word)))
        tokens[index] = word[:cut] + data.draw(st.text(max_size=3)) + word[cut:]
    check_library("".join(tokens).encode("utf-8", "replace"))


@fuzz(2500)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    check_library(data)


@fuzz(500)
@given(
    st.sampled_from(SEEDS[:4]), st.sampled_from(["\r\n", "\r", "\t", "\ufeff", "\x00", "\x0b"]), st.integers(1, 10_000)
)
def test_line_endings_controls_and_long_lines(seed: str, odd: str, length: int) -> None:
    check_library((odd + seed.replace("\n", odd if odd in "\r\n\r" else "\n" + odd) + "#" + "x" * length).encode())


# --- the command line ---------------------------------------------------------------------

RUNNER = CliRunner()
LOCATED = re.compile(r"^(<stdin>|--[a-z-]+|FILE|.+?):\d+:\d+: error: |^error: ")


def run(args: list[str], stdin: bytes | str | None = None) -> None:
    result = RUNNER.invoke(COMMAND, args, input=stdin, env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr, result.exception)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if result.exit_code:
        assert result.stdout == "", (args, result.stdout)
        lines = result.stderr.splitlines()
        if result.exit_code == 1 or lines[0].startswith(("<stdin>", "error: ")):
            assert len(lines) == 1, (args, result.stderr)
            assert LOCATED.match(lines[0]), (args, lines[0])


@fuzz(500)
@given(
    st.sampled_from(SEEDS[:6]),
    st.data(),
    st.sampled_from([["summary"], ["summary", "--json"], ["receptive-field", "--json"], ["verify", "--json"]]),
)
def test_cli_architectures_from_stdin(seed: str, data: st.DataObject, command: list[str]) -> None:
    lines = seed.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    lines[index] = data.draw(st.sampled_from([*VOCABULARY, "", lines[index] + " " + lines[index]]))
    if command[0] == "verify" and len(lines) > 30:
        command = ["summary", "--json"]
    run([*command, "-"], "\n".join(lines))


NUMBERS = st.sampled_from(
    [
        "1",
        "-1",
        "0",
        "0.5",
        "1/3",
        "nan",
        "inf",
        "-inf",
        "1e400",
        "",
        "x",
        "[",
        "]",
        "1,2",
        ";",
        "?",
        "10**9",
        "99999999999999999999",
    ]
)
MATRICES = st.sampled_from(
    [
        "[[1,2],[3,4]]",
        "[[1,2],[3]]",
        "[]",
        "[[]]",
        "[[NaN]]",
        "[[Infinity]]",
        "[[1e999]]",
        "1 2\n3 4\n",
        "1 2\n3\n",
        "\n\n",
        "[[[1,2]],[[3,4]]]",
        "[1,2,3]",
        '[["a"]]',
        "[[true]]",
        "[[1.5, 2]]",
        "x",
    ]
)


@fuzz(900)
@given(
    MATRICES,
    MATRICES,
    st.sampled_from(["conv", "pool", "deconv"]),
    st.lists(
        st.sampled_from(
            [
                "--stride",
                "--padding",
                "--dilation",
                "--kernel",
                "--bias",
                "--dims",
                "--output-padding",
                "--cell",
                "--mode",
            ]
        ),
        max_size=3,
    ),
    st.lists(st.sampled_from(["0", "1", "2", "same", "full", "3x3", "0:1", "-1", "avg", "9"]), min_size=3, max_size=3),
    st.booleans(),
)
def test_cli_reference(image: str, filt: str, op: str, options: list[str], values: list[str], explain: bool) -> None:
    args = ["reference", op, "--input", image]
    if op != "pool":
        args += ["--filter", filt]
    elif "--kernel" not in options:
        args += ["--kernel", "2"]
    for option, value in zip(options, values, strict=False):
        args += [option, value]
    if explain and op == "conv":
        args.append("--explain")
    run(args)


@fuzz(1200)
@given(
    st.sampled_from(["iou", "softmax", "activation", "loss-ce", "loss-mse", "loss-triplet", "yolo"]),
    st.lists(NUMBERS, min_size=1, max_size=6),
)
def test_cli_course_commands(command: str, numbers: list[str]) -> None:
    joined = ",".join(numbers)
    if command == "iou":
        args = ["iou", joined, ",".join(reversed(numbers)), "--format", "cxcywh" if len(numbers) % 2 else "xyxy"]
    elif command == "softmax":
        args = ["softmax", *numbers]
    elif command == "activation":
        args = ["activation", numbers[0] if numbers[0].isalpha() else "elu", *numbers, "--alpha", numbers[-1]]
    elif command == "loss-ce":
        args = ["loss", "cross-entropy", "--target", joined, "--pred", ";".join(numbers)]
        if len(numbers) > 3:
            args.append("--multi-label")
    elif command == "loss-mse":
        args = ["loss", "mse", "--target", joined, "--pred", joined[::-1]]
    elif command == "loss-triplet":
        args = [
            "loss",
            "triplet",
            "--anchor",
            joined,
            "--positive",
            joined,
            "--negative",
            numbers[0],
            "--margin",
            numbers[-1],
        ]
    else:
        args = ["yolo", "--anchors", numbers[0] or "1", "--classes", numbers[-1] or "1", "--grid", str(len(numbers))]
    run(args)


@fuzz(900)
@given(
    st.sampled_from(["json", "csv"]),
    st.lists(st.tuples(NUMBERS, NUMBERS, NUMBERS, NUMBERS, NUMBERS), max_size=5),
    st.sampled_from(["", "--per-class", "--format=cxcywh"]),
)
def test_cli_nms_and_gram(kind: str, rows: list[tuple[str, ...]], option: str) -> None:
    if kind == "csv":
        text = "x1,y1,x2,y2,score,class\n" + "".join(",".join(row) + ",a\n" for row in rows)
    else:
        text = "[" + ",".join(f'{{"box": [{",".join(r[:4])}], "score": {r[4] or 0}}}' for r in rows) + "]"
    args = ["nms", "-"] + ([option] if option else [])
    run(args, text)
    run(["gram", "[[[" + ",".join(n for row in rows for n in row[:2] if n) + "]]]"])


# --- hostile numbers ------------------------------------------------------------------------

#: numbers an attacker writes: exponent bombs, thousands of digits, zero denominators, digits
#: from other scripts, tiny and signed and padded forms; every reader must refuse them in one
#: line or take them exactly, and no run may take long
HOSTILE_NUMBERS = st.sampled_from(
    [
        "1e999999999",
        "1E5000",
        "9" * 1001,
        "9" * 1000,
        "1" + "0" * 4400,
        "1/0",
        "0/0",
        "p/0",
        "1e-400",
        "0." + "0" * 60 + "1",
        "-0",
        "+1",
        "0x10",
        "1_000",
        "²",
        "٣",
        "１２",
        "1\u200b2",
        "nan",
        "inf",
        "-inf",
        "10**100",
        "2^64",
        "1.",
        ".5",
        "00007",
    ]
) | st.integers(-(10**30), 10**1200).map(str)

#: the places of an .arch file where a number is read; {} is the hostile number
ARCH_SLOTS = [
    "input {}x8x3\nrelu\n",
    "input 8x{}x3\nconv K=2 F=3\n",
    "input 8x8x{}\nconv K=2 F=3\n",
    "input NxNx3\nconv K={} F=3\n",
    "input 8x8x3\nconv K=2 F={}\n",
    "input 8x8x3\nconv K=2 F=3 S={}\n",
    "input 8x8x3\nconv K=2 F=3 P={}\n",
    "input 8x8x3\nconv K=2 F=3 P={}:1\n",
    "input 8x8x3\nconv K=2 F=3 D={}\n",
    "input 8x8x3\nmaxpool F=2 S={} ceil\n",
    "input 8x8x3\ndropout rate={}\n",
    "input 8x8x3\nleakyrelu alpha={}\n",
    "input 8x8x3\nrepeat {} {{ relu }}\n",
    "input 8x8x3\nupsample factor={}\n",
    "input 8x8x3\nfc {}\n",
]


@fuzz(600)
@given(st.sampled_from(ARCH_SLOTS), HOSTILE_NUMBERS)
def test_hostile_numbers_in_files(slot: str, number: str) -> None:
    check_library(slot.format(number).encode("utf-8"))


@fuzz(600)
@given(
    st.sampled_from(
        [
            ["layer", "conv", "--filters", "1", "--kernel", "3", "--input"],
            ["layer", "conv", "--input", "8x8x3", "--filters", "1", "--kernel"],
            ["layer", "maxpool", "--input", "8x8x3", "--kernel", "2", "--padding"],
            ["padding", "--input", "7", "--kernel", "3", "--stride"],
            ["solve", "conv", "--input", "?", "--kernel", "3", "--output"],
            ["solve", "conv", "--output", "5", "--kernel", "3", "--padding", "?", "--input"],
            ["solve", "deconv", "--input", "5", "--output", "9", "--kernel", "?", "--stride"],
            ["solve", "zoo:lenet5", "--input", "?", "--output"],
            ["solve", "zoo:lenet5", "--input", "?", "--output", "10", "--assume"],
            ["sizes", "zoo:lenet5", "--range"],
            ["sizes", "zoo:lenet5", "--range", "30:33", "--max-work"],
            ["verify", "zoo:lenet5", "--max-work"],
            ["summary", "zoo:lenet5", "--input"],
        ]
    ),
    HOSTILE_NUMBERS,
)
def test_hostile_numbers_in_options(args: list[str], number: str) -> None:
    if args[-1] == "--assume":
        number = f"N % {number} == 0"
    elif args[-1] == "--range":
        number = f"1:{number}"
    run([*args, number])


@fuzz(400)
@given(
    st.sampled_from(
        [
            ["softmax", "1", "--"],
            ["activation", "softplus", "--beta", "1", "--"],
            ["iou", "0,0,2,2", "--"],
            ["reference", "pool", "--input", "[[1,2],[3,4]]", "--kernel", "2", "--padding"],
            ["reference", "conv", "--input", "[[1]]", "--filter", "[[1]]", "--padding"],
            ["yolo", "--anchors", "5", "--classes", "80", "--grid"],
        ]
    ),
    HOSTILE_NUMBERS,
)
def test_hostile_numbers_in_course_commands(args: list[str], number: str) -> None:
    """The course commands' number readers (their own module) face the same hostile numbers."""
    run([*args, number])
