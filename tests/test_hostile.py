"""Hostile inputs, each run as ``python -m cnncalc ...`` under a memory cap and a time limit.

Every case ends in time and within memory with either the right answer (checked against a
figure worked out by hand here, never by cnncalc's own formulas) or exactly one stderr line
``error: ...`` / ``FILE:LINE:COL: error: ...``, the right exit code, and no traceback.

The cases are the attacks of "bounded and honest under any input": exponent bombs, giant
padding and sizes, unicode digits, escapes in ``.arch`` lines, ``/dev/zero``, symbolic towers,
giant layer counts, and work past the budget. Each is a separate subprocess; the whole table
takes longer than a quick run should, so it is marked slow (CI runs it).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: the memory cap of every case (address space: the interpreter and its libraries fit easily)
MEMORY = 1 << 30
#: seconds: a case that runs longer is a failure (generous: CI machines are shared; the slowest case
#: takes about 6 s alone)
SECONDS = 60


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@dataclass(frozen=True)
class Case:
    """One attack: the arguments, files it needs, and what must come out."""

    name: str
    args: tuple[str, ...]
    #: 0: the answer (``stdout`` must match ``expect``); 1 or 2: one error line matching ``expect``
    code: int
    expect: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    stdin: bytes | None = None


GOOGOL = "1" + "0" * 100

CASES = [
    # --- work budgets, known before the work
    Case(
        "verify-huge-input",
        ("verify", "zoo:lenet5", "--input", "30000x30000x1"),
        1,
        r"this needs [0-9.]+e\d+ cell operations, over the limit of 3e7 \(hint: raise it with --max-work",
    ),
    Case(
        "sizes-huge-range",
        ("sizes", "zoo:resnet152", "--range", "1:100000"),
        1,
        r"layer evaluations, over the limit of 200000 \(hint: raise it with --max-work",
    ),
    Case("sizes-range-digits", ("sizes", "zoo:lenet5", "--range", "1:1" + "0" * 5000), 2, r"--range"),
    Case("max-work-bomb", ("sizes", "zoo:lenet5", "--range", "1:3", "--max-work", "1e99999"), 2, r"--max-work"),
    Case("max-work-unicode", ("sizes", "zoo:lenet5", "--range", "1:3", "--max-work", "1e٣"), 2, r"--max-work"),
    Case(
        "solve-resnet152-any-size",
        ("solve", "zoo:resnet152", "--input", "?", "--output", "1000"),
        0,
        r"N >= 1 \(no upper end\)[\s\S]*exact N[\s\S]*32, 64[\s\S]*searched N = 1\.\.",
    ),
    # --- bytes read and layers counted while parsing
    Case("dev-zero", ("summary", "/dev/zero"), 1, r"holds more than 16,777,216 bytes"),
    Case("stdin-flood", ("summary", "-"), 1, r"<stdin>' holds more than", stdin=b"#" * (17 * 2**20)),
    Case(
        "nested-repeats",
        ("summary", "net.arch"),
        1,
        r"net.arch:4:1: error: .*more than 1,000,000 layers",
        files={"net.arch": "input 8x8x3\nrepeat 1000 {\nrepeat 1001 {\nrelu\n}\n}\n"},
    ),
    Case(
        "repeat-googol",
        ("summary", "net.arch"),
        1,
        r"net.arch:2:\d+: error: .*more than 1,000,000 layers",
        files={"net.arch": f"input 8x8x3\nrepeat {GOOGOL} {{ relu }}\n"},
    ),
    # --- the JSON form: layers counted while walking, nesting refused in one line
    Case(
        "json-nested-repeats",
        ("summary", "net.json"),
        1,
        r"net.json:1:\d+: error: with this layer the architecture unrolls to more than 1,000,000 layers",
        files={
            "net.json": '{"input": "8x8x3", "layers": [{"kind": "repeat", "count": 1000, "layers": '
            '[{"kind": "repeat", "count": 1001, "layers": [{"kind": "relu"}]}]}]}'
        },
    ),
    Case(
        "json-repeat-googol",
        ("summary", "net.json"),
        1,
        r"net.json:1:\d+: error: .*more than 1,000,000 layers",
        files={
            "net.json": f'{{"input": "8x8x3", "layers": [{{"kind": "repeat", "count": {GOOGOL}, '
            '"layers": [{"kind": "relu"}]}]}'
        },
    ),
    Case(
        "json-count-after-layers",
        ("summary", "net.json"),
        1,
        r"net.json:1:\d+: error: with this repeat the architecture unrolls to more than 1,000,000 layers",
        files={
            "net.json": '{"input": "8x8x3", "layers": [{"layers": [{"kind": "relu"}], "kind": "repeat", '
            f'"count": {GOOGOL}}}]}}'
        },
    ),
    Case(
        "json-100000-nested-arrays",
        ("summary", "net.json"),
        1,
        r"net.json:1:1: error: JSON nests too deeply",
        files={"net.json": "[" * 100_000 + "]" * 100_000},
    ),
    Case(
        "json-deep-value",
        ("summary", "-"),
        1,
        r"<stdin>:1:\d+: error: JSON nests too deeply",
        stdin=(
            '{"input": "8x8x3", "layers": [{"kind": "relu", "x": ' + '{"a": ' * 100_000 + "}" * 100_000 + "}]}"
        ).encode(),
    ),
    Case(
        "json-deep-repeats",
        ("summary", "net.json"),
        1,
        r"net.json:1:\d+: error: repeat blocks nest deeper than 100",
        files={
            "net.json": '{"input": "8x8x3", "layers": '
            + '[{"kind": "repeat", "count": 1, "layers": ' * 50_000
            + '[{"kind": "relu"}]'
            + "}]" * 50_000
            + "}"
        },
    ),
    # --- exact numbers: digits, exponents, unicode digits
    Case(
        "input-digits",
        ("summary", "net.arch"),
        1,
        r"net.arch:1:7: error: input size has 2001 digits; cnncalc accepts at most 1000",
        files={"net.arch": "input " + "1" * 2001 + "x3\nrelu\n"},
    ),
    Case(
        "exponent-in-file",
        ("summary", "net.arch"),
        1,
        r"net.arch:2:\d+: error: filter count K must be a whole number.*hint: write the number out in digits",
        files={"net.arch": "input 8x8x3\nconv K=1e999999999 F=3\n"},
    ),
    Case(
        "unicode-digit-in-file",
        ("summary", "net.arch"),
        1,
        r"net.arch:1:\d+: error: ",
        files={"net.arch": "input 2²x8x3\nrelu\n"},
    ),
    Case(
        "arabic-digit-key",
        ("summary", "net.arch"),
        1,
        r"net.arch:2:\d+: error: kernel size F must be",
        files={"net.arch": "input 8x8x3\nconv K=1 F=٣\n"},
    ),
    Case(
        "rate-digits",
        ("summary", "net.arch"),
        1,
        r"net.arch:2:\d+: error: rate must be a decimal",
        files={"net.arch": "input 8x8x3\ndropout rate=0." + "3" * 100000 + "\n"},
    ),
    Case(
        "layer-input-bomb",
        ("layer", "conv", "--input", "1e999999999x8x3", "--kernel", "3", "--filters", "1"),
        2,
        r"--input",
    ),
    Case(
        "tiny-rate",
        ("summary", "net.arch"),
        1,
        r"net.arch:2:\d+: error: rate must be a decimal",
        files={"net.arch": "input 8x8x3\ndropout rate=1e-400\n"},
    ),
    Case("max-work-zero", ("sizes", "zoo:lenet5", "--range", "1:3", "--max-work", "0"), 2, r"--max-work"),
    Case("solve-output-zero", ("solve", "conv", "--input", "?", "--output", "0", "--kernel", "3"), 2, r"--output"),
    # --- giant (but allowed) sizes: the answer, exactly
    Case(
        "giant-padding",
        (
            "layer",
            "maxpool",
            "--input",
            "4x4x1",
            "--kernel",
            "2",
            "--stride",
            "1",
            "--padding",
            "1" + "0" * 999,
            "--json",
        ),
        0,
        r"\b2" + "0" * 998 + r"3\b",  # (4 + 2*10^999 - 2)/1 + 1 = 2*10^999 + 3, every digit
    ),
    Case(
        "giant-network",
        ("summary", "net.arch", "--json"),
        0,
        r'"schema"',
        files={
            "net.arch": "input "
            + "9" * 1000
            + "x"
            + "9" * 1000
            + "x"
            + "9" * 1000
            + "\nconv K="
            + "9" * 1000
            + " F=1\n"
        },
    ),
    # --- symbolic towers stay polynomial
    Case(
        "same-conv-tower",
        ("summary", "net.arch"),
        0,
        r"ceiling\(N/32\)|⌈N/32⌉|ceil\(N/32\)",
        files={"net.arch": "input NxNx3\nrepeat 5 { conv K=8 F=3 S=2 P=same }\n"},
    ),
    Case(
        "ceil-pool-tower",
        ("summary", "net.arch"),
        0,
        r"N",
        files={"net.arch": "input Nx3\n" + "maxpool F=3 S=2 ceil\n" * 6},
    ),
    # --- right or refused
    Case(
        "solve-googol",
        ("solve", "conv", "--input", "?", "--output", GOOGOL, "--kernel", "3"),
        0,
        r"I = " + "1" + "0" * 99 + "2",
    ),
    Case(
        "solve-agrees-with-sizes",
        ("solve", "zoo:vgg16", "--input", "?", "--output", "1000", "--max-work", "20000"),
        0,
        r"224, 448 \(searched N = 32\.\.543 only\)",
    ),
    Case(
        "user-symbol-k_N",
        ("summary", "net.arch", "--assume", "N % 2 == 0"),
        0,
        r"N/2 × floor\(k_N/2\) × 4",
        files={"net.arch": "input Nxk_Nx3\nconv K=4 F=2 S=2\n"},
    ),
    Case(
        "pure-padding-windows",
        ("verify", "net.arch"),
        0,
        r"all 2 layers agree",
        files={"net.arch": "input 6x6x1\nmaxpool F=1 S=1 P=1\nconv K=1 F=3\n"},
    ),
    Case(
        "assume-zero-modulus",
        ("solve", "zoo:lenet5", "--input", "?", "--output", "10", "--assume", "N % 0 == 0"),
        2,
        r"--assume",
    ),
    # --- escapes in an .arch line never reach the terminal raw
    Case(
        "escape-in-line",
        ("summary", "net.arch"),
        1,
        r"net.arch:2:1: error: ",
        files={"net.arch": "input 8x8x3\n\x1b[2J\x1b]0;owned\x07conv K=1\n"},
    ),
]


def _run(case: Case, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    for name, content in case.files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("CNNCALC_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "cnncalc", *case.args],
        input=case.stdin if case.stdin is not None else b"",
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=SECONDS,
        preexec_fn=_cap,
        check=False,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile(case: Case, tmp_path: Path) -> None:
    result = _run(case, tmp_path)
    out = result.stdout.decode("utf-8", "replace")
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err[-2000:]
    assert result.returncode == case.code, (result.returncode, err[-2000:], out[-500:])
    if case.code == 0:
        assert re.search(case.expect, out), out[-3000:]
        return
    assert out == "", out[-500:]
    lines = err.splitlines()
    assert len(lines) == 1, err[-2000:]
    assert re.match(r"(\S+:\d+:\d+: )?error: ", lines[0]), lines[0][:500]
    assert re.search(case.expect, lines[0]), lines[0][:2000]
    assert "\x1b" not in lines[0] and "\x07" not in lines[0]
    assert len(lines[0]) < 2000
