"""Help that leads somewhere: every example in every command's help runs, FILE/KIND/NAME are
explained, '?' is quoted, short options do not collide, and nothing wraps an example.

The examples are taken from the help texts themselves (click's command tree), and each is run by
a real shell in a directory holding the shipped ``examples/`` and one-letter files, so that an
unquoted ``?`` would be expanded by the shell and break the example.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from cnncalc.cli.app import verbatim_examples
from cnncalc.one_layer import LAYER_KINDS
from cnncalc.zoo import zoo_names
from tests.conftest import COMMAND, ROOT


def _commands(group: click.Command = COMMAND, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    assert isinstance(group, click.Group)
    for name, command in group.commands.items():
        verbatim_examples(command)  # as the app does when it resolves the command
        yield " ".join((*path, name)), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


COMMANDS = dict(_commands())


def _help(path: str) -> str:
    """The help as a user sees it, 80 columns wide."""
    done = subprocess.run(
        [sys.executable, "-m", "cnncalc", *path.split(), "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _examples(command: click.Command) -> list[str]:
    """The lines of the ``Example:``/``Examples:`` paragraphs that run cnncalc."""
    found = []
    for paragraph in (command.help or "").split("\n\n"):
        lines = paragraph.replace("\b", "").strip().splitlines()
        if not lines or not lines[0].startswith("Example"):
            continue
        for line in lines:
            line = line.removeprefix("Examples:").removeprefix("Example:").strip()
            if "cnncalc " in line:
                found.append(line)
    return found


EXAMPLES = [(path, example) for path, command in COMMANDS.items() for example in _examples(command)]
#: examples that import torch, run a network or analyse the whole zoo (seconds each)
SLOW = re.compile(r"cnncalc (verify|import|compare|zoo$|zoo --)|solve zoo:|zoo:resnet50 --input")


def test_every_command_has_examples() -> None:
    missing = [
        path for path, c in COMMANDS.items() if not _examples(c) and (not isinstance(c, click.Group) or path == "zoo")
    ]
    assert missing == [], f"commands without an example in their help: {missing}"


@pytest.mark.parametrize(
    ("path", "example"),
    [pytest.param(p, e, marks=[pytest.mark.slow] if SLOW.search(e) else [], id=e[:70]) for p, e in EXAMPLES],
)
def test_every_help_example_runs(path: str, example: str, tmp_path: Path) -> None:
    if "torch:" in example:  # an optional extra: the example is for those who have it
        pytest.importorskip("torch")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for letter in "abcdefghijklmnopqrstuvwxyz":  # an unquoted '?' would match these
        (tmp_path / letter).write_text("", encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {example}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "120"},
        timeout=300,
    )
    assert done.returncode == 0, f"{path}: {example}\n{done.stderr}"
    assert done.stderr == "" or done.stderr.startswith("warning:"), done.stderr


@pytest.mark.parametrize("path", list(COMMANDS))
def test_help_is_plain_unwrapped_and_self_contained(path: str) -> None:
    text = _help(path)
    assert "\x1b" not in text and "╭" not in text  # no escape codes, no boxes
    for example in _examples(COMMANDS[path]):
        assert any(line.strip().endswith(example) for line in text.splitlines()), f"wrapped: {example}"
    assert "DESIGN" not in text and not re.search(r"\bissues?\b", text)
    unquoted = re.sub(r"'[^'\n]*'", "", text)
    assert not re.search(r"\?(?!\s|$|\))", unquoted), f"an unquoted '?' in the help of {path}"
    assert not re.search(r"\?\S", re.sub(r"'[^'\n]*'", "", " ".join(_examples(COMMANDS[path]))))


def test_file_is_explained_wherever_a_command_reads_an_architecture() -> None:
    readers = ["summary", "receptive-field", "explain", "sizes", "diagram", "verify", "compare", "export", "solve"]
    for path in readers:
        text = " ".join(_help(path).split())
        assert "'-' to read it from stdin" in text or "'-' for stdin" in text, path
        assert "zoo:NAME" in text, path


def test_kinds_and_names_are_listed() -> None:
    layer = " ".join(_help("layer").split())
    assert all(kind in layer for kind in LAYER_KINDS)
    assert "cnncalc kinds" in layer
    solve = " ".join(_help("solve").split())
    assert all(kind in solve for kind in ("conv", "deconv", "maxpool", "avgpool", "pool"))
    show = " ".join(_help("zoo show").split())
    assert all(name in show for name in zoo_names())


def test_short_options_do_not_collide() -> None:
    for path, command in COMMANDS.items():
        spelled = [name for param in command.params for name in (*param.opts, *param.secondary_opts)]
        assert len(spelled) == len(set(spelled)), path
    for path in ("layer", "padding", "solve"):
        shorts = {name for param in COMMANDS[path].params for name in param.opts if not name.startswith("--")}
        assert {"-i", "-s", "-f"} <= shorts, path
    assert {"-k", "-p"} <= {n for p in COMMANDS["layer"].params for n in p.opts}
    assert "-p" in {n for p in COMMANDS["solve"].params for n in p.opts}


def test_short_options_mean_the_long_ones(run_cli: Callable[..., Any]) -> None:
    long = run_cli(
        "layer",
        "conv",
        "--input",
        "32x32x3",
        "--kernel",
        "5",
        "--filters",
        "6",
        "--stride",
        "2",
        "--padding",
        "2",
        "--json",
    )
    short = run_cli("layer", "conv", "-i", "32x32x3", "-f", "5", "-k", "6", "-s", "2", "-p", "2", "--json")
    assert long.exit_code == 0 and short.stdout == long.stdout
    long = run_cli("padding", "--input", "7", "--kernel", "3", "--stride", "2", "--json")
    assert run_cli("padding", "-i", "7", "-f", "3", "-s", "2", "--json").stdout == long.stdout
    long = run_cli(
        "solve",
        "conv",
        "--input",
        "224",
        "--output",
        "112",
        "--kernel",
        "7",
        "--stride",
        "2",
        "--padding",
        "?",
        "--json",
    )
    short = run_cli("solve", "conv", "-i", "224", "--output", "112", "-f", "7", "-s", "2", "-p", "?", "--json")
    assert long.exit_code == 0 and short.stdout == long.stdout


@pytest.mark.parametrize(
    ("statement", "options"),
    [
        ("conv K=6 F=5", ["conv", "-k", "6", "-f", "5"]),
        ("conv K=64 F=7 S=2 P=3 bias=no", ["conv", "-k", "64", "-f", "7", "-s", "2", "-p", "3", "--bias", "no"]),
        ("maxpool F=3 S=2 ceil", ["maxpool", "-f", "3", "-s", "2", "--ceil"]),
        ("avgpool F=2", ["avgpool", "-f", "2"]),
        ("dwconv F=3 S=2 P=same", ["dwconv", "-f", "3", "-s", "2", "-p", "same"]),
        ("deconv K=4 F=4 S=2 P=1", ["deconv", "-k", "4", "-f", "4", "-s", "2", "-p", "1"]),
    ],
)
def test_a_statement_gives_what_the_options_give(
    run_cli: Callable[..., Any], statement: str, options: list[str]
) -> None:
    from_statement = run_cli("layer", statement, "-i", "33x33x8", "--json")
    from_options = run_cli("layer", *options, "-i", "33x33x8", "--json")
    assert from_statement.exit_code == 0, from_statement.output
    assert json.loads(from_statement.stdout)["layer"] == json.loads(from_options.stdout)["layer"]


def test_fc_statement_and_other_kinds(run_cli: Callable[..., Any]) -> None:
    fc = run_cli("layer", "fc 4096", "-i", "9216", "--json")
    assert (
        json.loads(fc.stdout)["layer"]
        == json.loads(run_cli("layer", "fc", "-i", "9216", "--units", "4096", "--json").stdout)["layer"]
    )
    assert run_cli("layer", "bn ", "-i", "8x8x4").exit_code == 0  # any kind the format knows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conv K=6 Q=5"], "<statement>:1:10: error: unknown key 'Q' for conv"),
        (["conv K=6 F=x"], "<statement>:1:12: error: kernel size F must be a whole number"),
        (["conv K=6 F=5", "-s", "2"], "error: give the layer as a statement or with options, not both"),
        (["conv K=6 F=5\nrelu"], "error: a layer statement is one line with one layer"),
        (["repeat 2 { relu }"], "error: a layer statement is one layer"),
        (["fc", "--kernel", "3"], "error: --kernel does not apply to fc (hint: fc takes --units, --bias)"),
        (["avgpool", "--filters", "3"], "(hint: avgpool takes --kernel, --stride, --padding, --ceil)"),
    ],
)
def test_statement_and_hint_errors(run_cli: Callable[..., Any], args: list[str], message: str) -> None:
    result = run_cli("layer", *args, "-i", "9216" if args[0] == "fc" else "32x32x3")
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
