"""Clean at the edges, each run as a real process: a closed pipe, stdout or stdin, a full disk,
usage errors, typos, COLUMNS of 0 or 1, escape codes (none with --no-color, NO_COLOR or a pipe,
even on a terminal), and hostile user text (escape sequences, rich markup, a 5 MB token).
"""

from __future__ import annotations

import errno
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LENET = str(ROOT / "examples" / "lenet5.arch")
CNNCALC = [sys.executable, "-m", "cnncalc"]


def _run(*args: str, env: dict[str, str] | None = None, **options: object) -> subprocess.CompletedProcess[str]:
    done: subprocess.CompletedProcess[str] = subprocess.run(
        [*CNNCALC, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        **options,  # type: ignore[call-overload]
    )
    return done


def _closed_pipe(*args: str) -> tuple[int, str]:
    """Run with stdout a pipe whose reader has already gone: every write fails with EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([*CNNCALC, *args], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("summary", "--help"),
        ("zoo", "show", "--help"),
        ("summary", "zoo:resnet152"),
        ("summary", LENET, "--json"),
        ("explain", LENET),
        ("kinds",),
        ("--version",),
    ],
)
def test_a_closed_pipe_ends_quietly_with_the_shells_status(args: tuple[str, ...]) -> None:
    code, stderr = _closed_pipe(*args)
    assert (code, stderr) == (141, "")


def test_head_of_the_help_and_of_a_long_table() -> None:
    """The shell's own `| head -1`, as the issue reported it."""
    for command in ("cnncalc summary --help | head -1", "cnncalc summary zoo:resnet152 | head -1"):
        done = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {command}"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
        )
        assert done.returncode in (0, 141) and done.stderr == "", done.stderr  # 0 if it finished first
        assert len(done.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    "args", [("summary", LENET), ("summary", LENET, "--json"), ("explain", LENET), ("--help",), ("kinds",)]
)
def test_a_full_disk_is_one_line_and_exit_1(args: tuple[str, ...]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        done = subprocess.run([*CNNCALC, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "error: cannot write the output: No space left on device\n"


def test_a_closed_stdout_is_one_line_and_exit_1() -> None:
    done = _run("summary", LENET, stdout=None, preexec_fn=lambda: os.close(1))
    assert done.returncode == 1
    assert done.stderr == "error: stdout is closed: nothing can be shown (hint: redirect it, e.g. > out.txt)\n"


@pytest.mark.parametrize(
    "args", [("summary", "-"), ("summary", "-", "--json"), ("solve", "-", "-i", "?", "--output", "7")]
)
def test_a_closed_stdin_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    done = subprocess.run(
        [*CNNCALC, *args], stdin=None, capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.close(0)
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: cannot read stdin: it is closed (hint: pipe or redirect the input, e.g. < net.arch)\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("summry",), "error: no such command 'summry'. Did you mean 'summary'? (hint: cnncalc --help)"),
        (("summary", LENET, "--frobnicate"), "error: no such option '--frobnicate'"),
        (("summary",), "error: missing argument 'FILE' (hint: cnncalc summary --help)"),
        (("summary", LENET, "--depth", "x"), "error: invalid value for '--depth': 'x' is not a valid integer range"),
        (("layer", "conv", "-f", "3"), "error: missing option '--input' / '-i' (hint: cnncalc layer --help)"),
        (("zoo", "show"), "error: missing argument 'NAME' (hint: cnncalc zoo show --help)"),
        (("summary", LENET, "extra"), "error: got unexpected extra argument (extra) (hint: cnncalc summary --help)"),
        (("reference", "nosuch"), "error: no such command 'nosuch' (hint: cnncalc reference --help)"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: tuple[str, ...], line: str) -> None:
    done = _run(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(line), done.stderr
    assert done.stderr.count("Did you mean") <= 1 and "Usage:" not in done.stderr


def test_a_huge_token_is_not_echoed_back(tmp_path: Path) -> None:
    path = tmp_path / "big.arch"
    path.write_text("input 32x32x3\nconv K=3 F=3 " + "x" * 5_000_000 + "\n", encoding="utf-8")
    done = _run("summary", str(path))
    assert done.returncode in (1, 2) and done.stdout == ""
    assert done.stderr.count("\n") == 1 and len(done.stderr) < 1000
    assert "…" in done.stderr and "(5,000,002 characters)" in done.stderr  # the token and its quotes


def test_a_huge_option_value_is_not_echoed_back() -> None:
    done = _run("layer", "conv", "-i", "32x32x3", "-f", "3", "-k", "9" * 100_000 + "x")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and len(done.stderr) < 1000


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"


def test_escape_sequences_in_a_line_are_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "evil.arch"
    path.write_text(f"input 32x32x3\nconv K=3 F=3 {ESCAPES}\n", encoding="utf-8")
    done = _run("summary", str(path))
    assert done.returncode == 1
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", done.stderr), repr(done.stderr)
    assert "\\e]0;pwned\\x07\\e[2J\\x9b31m\\u202e" in done.stderr


@pytest.mark.parametrize("name", ["x[red]y.arch", "a[/]b.arch", "e\x1b[2Jz.arch", "[bold]b.arch", "c\x07\u202ed.arch"])
@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ("summary",),
        ("receptive-field",),
        ("sizes", "--range", "30:32"),
        ("compare",),
        ("explain",),
        ("summary", "--format", "markdown"),
        ("solve", "-i", "?x?x3", "--output", "30x30x3"),
    ],
)
def test_file_names_are_shown_as_written_and_never_as_markup_or_escapes(
    tmp_path: Path, name: str, command: tuple[str, ...]
) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("input 32x32x3\nconv K=3 F=3\n", encoding="utf-8")
    done = _run(command[0], str(path), *command[1:], env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", done.stdout), repr(done.stdout[:300])
    shown = name.replace("\x1b", "\\e").replace("\x07", "\\x07").replace("\u202e", "\\u202e")
    assert shown in done.stdout.replace("\n", "")  # a long title may wrap


def test_a_missing_file_with_escapes_in_its_name(tmp_path: Path) -> None:
    done = _run("summary", str(tmp_path / "no\x1b[31mpe.arch"))
    assert done.returncode == 2 and "\x1b" not in done.stderr and "no\\e[31mpe.arch" in done.stderr


@pytest.mark.parametrize("columns", ["0", "1", "", "abc", "-5"])
def test_a_columns_that_is_no_width_still_prints_the_result(columns: str) -> None:
    done = _run("summary", LENET, env={"COLUMNS": columns})
    assert done.returncode == 0 and "61,706" in done.stdout
    layer = _run("layer", "conv", "-i", "32x32x3", "-f", "5", "-k", "6", env={"COLUMNS": columns})
    assert layer.returncode == 0 and "28×28×6" in layer.stdout


#: variables that would decide colours for the process instead of what a test sets
COLOUR_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def _on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run with stdout (and stderr) a pseudo-terminal; return everything written to it."""
    leader, follower = pty.openpty()
    clean = {key: value for key, value in os.environ.items() if key not in COLOUR_VARIABLES}
    process = subprocess.Popen(
        [*CNNCALC, *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**clean, "TERM": "xterm-256color", "COLUMNS": "120", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError as error:  # EIO: the other side closed
            if error.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=120)
    return b"".join(chunks)


#: one invocation of each command that prints a table (and one error), for the escape-code sweep
TABLES = [
    ["summary", LENET],
    ["receptive-field", LENET],
    ["layer", "conv", "-i", "32x32x3", "-f", "5", "-k", "6", "--explain"],
    ["padding", "-i", "7", "-f", "3", "-s", "2"],
    ["solve", "conv", "-i", "224", "--output", "112", "-f", "7", "-s", "2", "-p", "?"],
    ["sizes", LENET, "--range", "28:36"],
    ["kinds"],
    ["compare", LENET],
    ["iou", "0,0,2,2", "1,0,3,2", "--explain"],
    ["yolo", "--grid", "19", "--anchors", "5", "--classes", "80"],
    ["softmax", "1", "-1", "2", "--explain"],
    ["activation", "sigmoid", "0", "1"],
    ["reference", "conv", "--input", "[[3,0,1],[1,5,8],[2,7,2]]", "--filter", "[[1,0],[0,1]]"],
    ["loss", "mse", "--target", "1,2,3", "--pred", "1,2,5"],
]


def test_a_terminal_gets_styles_when_nothing_says_otherwise() -> None:
    """The control: on a terminal, with colour allowed, rich does style the table."""
    output = _on_a_terminal(["summary", LENET], {})
    assert b"\x1b[" in output and b"61,706" in output


@pytest.mark.slow
@pytest.mark.parametrize("args", TABLES, ids=[" ".join(a[:2]) for a in TABLES])
def test_no_escape_codes_with_no_color_or_NO_COLOR_even_on_a_terminal(args: list[str]) -> None:
    flagged = _on_a_terminal([*args, "--no-color"], {})
    assert b"\x1b" not in flagged and len(flagged) > 20, flagged[:300]
    env = _on_a_terminal(args, {"NO_COLOR": "1"})
    assert b"\x1b" not in env and len(env) > 20, env[:300]
    piped = _run(*args)
    assert piped.returncode == 0 and "\x1b" not in piped.stdout + piped.stderr


def test_no_escape_codes_in_a_table_on_a_terminal() -> None:
    """The quick version of the sweep above (which is slow: every command, three ways)."""
    assert b"\x1b" not in _on_a_terminal(["summary", LENET, "--no-color"], {})
    assert b"\x1b" not in _on_a_terminal(["layer", "conv", "-i", "8x8x3", "-f", "3", "-k", "2"], {"NO_COLOR": "1"})


def test_a_file_name_in_a_table_title(tmp_path: Path) -> None:
    """The quick version of the sweep above: markup and escapes in one name, one command."""
    path = tmp_path / "x[red]y[bold]\x1bz.arch"
    path.write_text("input 32x32x3\nconv K=3 F=3\n", encoding="utf-8")
    done = _run("summary", str(path), env={"COLUMNS": "300"})
    assert done.returncode == 0 and "x[red]y[bold]\\ez.arch" in done.stdout and "\x1b" not in done.stdout


def test_help_and_errors_have_no_escape_codes_on_a_terminal() -> None:
    for args in (["--help"], ["summary", "--help"], ["summry"], ["summary", LENET, "--bad"]):
        output = _on_a_terminal(args, {})
        assert b"\x1b" not in output and b"\xe2\x95\xad" not in output, output[:200]  # no escapes, no boxes


#: commands whose rendered output shows shapes; none may join dims with 'x' (inputs still may)
SHAPES = [
    ["summary", LENET],
    ["layer", "conv", "-i", "32x32x3", "-f", "5", "-k", "6", "--explain"],
    ["explain", LENET],
    ["verify", LENET],
    ["solve", str(ROOT / "examples" / "vgg16_features.arch"), "-i", "?x?x3", "--output", "7x7x512"],
    ["yolo", "--grid", "19", "--anchors", "5", "--classes", "80"],
    ["reference", "conv", "--input", "[[3,0,1],[1,5,8],[2,7,2]]", "--filter", "[[1,0],[0,1]]"],
    ["zoo", "show", "lenet5"],
]


@pytest.mark.parametrize("args", SHAPES, ids=[a[0] for a in SHAPES])
def test_one_dimension_separator(args: list[str]) -> None:
    done = _run(*args)
    assert done.returncode == 0, done.stderr
    shown = done.stdout.replace("7x7x512", "")  # solve's title repeats the --output given
    if args[:2] == ["zoo", "show"]:  # an .arch file is input text: x, as a user writes it
        assert "input 32x32x1" in shown
        return
    assert not re.search(r"\d x \d|\dx\d", shown), shown
    assert "×" in shown
