"""The `$ cnncalc ...` examples of README.md and docs/*.md: found, run and rewritten.

The convention a document follows (tests/docs/README.md says the same for writers):

- A *transcript* is a fenced code block (```) in which some line starts with ``$ cnncalc``.
  Every line of it that starts with ``$ `` must be a cnncalc command; the lines after a
  command, up to the next command or the end of the block, are what it prints: standard
  output, then standard error (so an error example shows the error line). Blank lines at
  the end of an output are not part of it, so commands in one block may be separated by one.
- A command ending in `` \\`` continues on the next line. It is split with :mod:`shlex`
  (comments after ``#`` are dropped) and never run by a shell: quote ``?``, ``*`` and
  ``;`` as a shell would need. The only redirection understood is ``< FILE`` (standard input).
- A command that exits with anything but 0 ends its output with the line ``[exit N]``.
- HTML comments right before the block set how it runs: ``<!-- columns: 120 -->`` (the
  terminal width, 100 otherwise) and ``<!-- needs: torch onnx -->`` (the optional extras it
  needs; without them the example is skipped).
- Commands run from the repository root on the files the repository ships, with
  ``COLUMNS`` fixed and ``NO_COLOR=1``; the output is compared with the document after
  removing trailing whitespace on each line. Nothing else is normalised.

Commands run in-process through click's test runner (the same click command the console
script builds; a slow test runs every example as ``python -m cnncalc`` too and requires the
same text). ``CNNCALC_UPDATE_DOCS=1 pytest tests/docs`` rewrites every transcript's outputs
in place from the current program (then review ``git diff``).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_COLUMNS = 100
PROMPT = "$ "
COMMAND_PREFIX = "$ cnncalc"
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_MARKER = re.compile(r"^<!--\s*(columns|needs)\s*:\s*(.*?)\s*-->\s*$")
_EXIT = re.compile(r"^\[exit (\d+)\]$")
#: extras a document may name in ``<!-- needs: ... -->``, and the module each needs
EXTRAS = {"torch": "torch", "onnx": "onnx", "keras": "keras", "torchvision": "torchvision", "pandas": "pandas"}


def documents() -> list[Path]:
    """The user's manual: README.md and every page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass(frozen=True, slots=True)
class Example:
    """One command of a transcript and the output the document shows for it."""

    path: Path
    #: 0-based index of the command's first line in the document
    first: int
    #: 0-based index one past the last line of the shown output (before any separating blank lines)
    end: int
    command: str
    output: tuple[str, ...]
    exit_code: int
    columns: int
    needs: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.first + 1}"

    def argv(self) -> tuple[list[str], str | None]:
        """The arguments after ``cnncalc``, and the file given with ``< FILE`` (or None)."""
        words = shlex.split(self.command, comments=True)
        if words[:1] != ["cnncalc"]:
            raise ValueError(f"{self.where}: not a cnncalc command: {self.command}")
        words = words[1:]
        stdin = None
        if "<" in words:
            at = words.index("<")
            if at != len(words) - 2:
                raise ValueError(f"{self.where}: '< FILE' must end the command")
            stdin = words[at + 1]
            words = words[:at]
        for word in words:
            if word in ("|", ">", ">>", "&&", ";", "2>&1"):
                raise ValueError(f"{self.where}: '{word}' needs a shell; examples run cnncalc alone")
        return words, stdin


class DocumentError(ValueError):
    """A transcript that does not follow the convention."""


def _split_command(lines: Sequence[str], start: int) -> tuple[str, int]:
    """A command and its continuation lines; returns the text and the index after it."""
    parts = []
    index = start
    while True:
        text = lines[index].rstrip()
        if index == start:
            text = text[len(PROMPT) :]
        if text.endswith("\\"):
            parts.append(text[:-1].strip())
            index += 1
            if index >= len(lines):
                raise DocumentError(f"line {start + 1}: the command's last line ends in '\\'")
            continue
        parts.append(text.strip())
        return " ".join(parts), index + 1


def _markers(lines: Sequence[str], fence: int) -> tuple[int, tuple[str, ...]]:
    """The HTML comments directly above a fence (blank lines between them allowed)."""
    columns, needs = DEFAULT_COLUMNS, ()
    index = fence - 1
    while index >= 0:
        line = lines[index].strip()
        match = _MARKER.match(line)
        if match is None and line:
            break
        if match is not None:
            if match.group(1) == "columns":
                columns = int(match.group(2))
            else:
                needs = tuple(match.group(2).replace(",", " ").split())
        index -= 1
    return columns, needs


def _blocks(lines: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(first content line, closing fence line) of every fenced block."""
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        fence = match.group(1)
        close = index + 1
        while close < len(lines) and not lines[close].startswith(fence[0] * len(fence)):
            close += 1
        yield index + 1, close
        index = close + 1


def parse_document(path: Path) -> list[Example]:
    """Every transcript command of one document, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    examples: list[Example] = []
    for start, close in _blocks(lines):
        body = lines[start:close]
        if not any(line.startswith(COMMAND_PREFIX) for line in body):
            continue
        columns, needs = _markers(lines, start - 1)
        where = f"{path.relative_to(ROOT)}:{start + 1}"
        if not body[0].startswith(COMMAND_PREFIX):
            raise DocumentError(f"{where}: a transcript starts with a '$ cnncalc' line")
        for unknown in set(needs) - set(EXTRAS):
            raise DocumentError(f"{where}: unknown extra '{unknown}' in <!-- needs: -->")
        index = start
        while index < close:
            if not lines[index].startswith(PROMPT):
                raise DocumentError(f"{path.relative_to(ROOT)}:{index + 1}: expected a '$ cnncalc' line")
            if not lines[index].startswith(COMMAND_PREFIX):
                raise DocumentError(
                    f"{path.relative_to(ROOT)}:{index + 1}: only cnncalc commands run in a transcript "
                    "(write other commands in a block without '$ ')"
                )
            command, after = _split_command(lines, index)
            output_end = after
            while output_end < close and not lines[output_end].startswith(PROMPT):
                output_end += 1
            shown = [line.rstrip() for line in lines[after:output_end]]
            while shown and not shown[-1]:
                shown.pop()
            exit_code = 0
            if shown and (match := _EXIT.match(shown[-1])):
                exit_code = int(match.group(1))
                shown.pop()
            end = after + len(shown) + (1 if exit_code else 0)
            example = Example(
                path=path,
                first=index,
                end=end,
                command=command,
                output=tuple(shown),
                exit_code=exit_code,
                columns=columns,
                needs=needs,
            )
            try:
                example.argv()
            except ValueError as error:
                raise DocumentError(str(error)) from None
            examples.append(example)
            index = output_end
    return examples


@dataclass(frozen=True, slots=True)
class Ran:
    """What a command printed (stdout, then stderr) and its exit code."""

    output: tuple[str, ...]
    exit_code: int


def normalise(text: str) -> tuple[str, ...]:
    """Lines without trailing whitespace and without blank lines at the end."""
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)


def environment(columns: int) -> dict[str, str]:
    """What every example runs with: a fixed width, no colour, nothing forcing a terminal."""
    return {"COLUMNS": str(columns), "NO_COLOR": "1", "FORCE_COLOR": "", "TERM": "dumb", "CNNCALC_DEBUG": ""}


def run_in_process(example: Example) -> Ran:
    """Through click's test runner, from the repository root."""
    import typer.main
    from click.testing import CliRunner

    from cnncalc.cli import lean_app

    args, stdin = example.argv()
    data = (ROOT / stdin).read_bytes() if stdin else None
    env: dict[str, str | None] = {key: (value or None) for key, value in environment(example.columns).items()}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        command = typer.main.get_command(lean_app(args))
        result = CliRunner().invoke(command, args, input=data, env=env, prog_name="cnncalc")
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(output=normalise(result.stdout + result.stderr), exit_code=result.exit_code)


def run_subprocess(example: Example) -> Ran:
    """As a user runs it: ``python -m cnncalc`` in a child process, from the repository root."""
    args, stdin = example.argv()
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "CNNCALC_DEBUG")}
    env.update({key: value for key, value in environment(example.columns).items() if value})
    with open(ROOT / stdin, "rb") if stdin else open(os.devnull, "rb") as handle:
        done = subprocess.run(
            [sys.executable, "-m", "cnncalc", *args], cwd=ROOT, env=env, stdin=handle, capture_output=True, check=False
        )
    text = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    return Ran(output=normalise(text), exit_code=done.returncode)


def shown_lines(ran: Ran) -> list[str]:
    """How a document shows a result: the output, then ``[exit N]`` unless N is 0."""
    return [*ran.output, *([f"[exit {ran.exit_code}]"] if ran.exit_code else [])]


def rewrite(path: Path, results: dict[int, Ran]) -> bool:
    """Replace the shown outputs of the commands starting at the given lines; True if the file changed."""
    lines = path.read_text(encoding="utf-8").split("\n")
    updated = list(lines)
    for example in sorted(parse_document(path), key=lambda e: e.first, reverse=True):
        ran = results.get(example.first)
        if ran is None:
            continue
        _, after = _split_command(lines, example.first)
        updated[after : example.end] = shown_lines(ran)
    if updated == lines:
        return False
    path.write_text("\n".join(updated), encoding="utf-8")
    return True
