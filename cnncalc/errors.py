"""One exception hierarchy for everything a user can get wrong.

The CLI turns :class:`CnncalcError` into one line on stderr and exit code 1 (bad
input) or 2 (bad usage) in exactly one place; library code only raises.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

#: a word of a message (a token, a path) longer than this is cut to its first :data:`KEPT`
#: characters, an ellipsis and its length (a 5 MB token is not echoed back)
MAX_WORD = 200
KEPT = 80
#: a whole message longer than this is cut in the middle of its text
MAX_MESSAGE = 1000

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
_CLOSING = re.compile(r"['\")\],:;.]*$")


def printable(text: str, *, keep: str = "") -> str:
    """``text`` safe to write to a terminal: control characters (ESC, BEL, line breaks, C1
    controls, bidi overrides: every character Python does not call printable) are shown
    escaped — ``\\e``, ``\\n``, ``\\x07``, ``\\u202e`` — never emitted (but the characters of ``keep``:
    ``"\\n"`` for text laid out in lines, ``"\\n\\t"`` for whole documents)."""
    return _unusual(keep).sub(_escaped, text)


@functools.cache
def _unusual(keep: str) -> re.Pattern[str]:
    """Everything but printable ASCII and ``keep``: the only characters worth a closer look."""
    return re.compile(f"[^ -~{re.escape(keep)}]")


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    if char.isprintable():  # '×', 'é', '—': shown as they are
        return char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _cut_word(match: re.Match[str]) -> str:
    word = match.group(0)
    found = _CLOSING.search(word[-8:])
    closing = found.group(0) if found else ""
    return f"{word[:KEPT]}…{closing} ({len(word):,} characters)"


def clip(text: str) -> str:
    """``text`` with every word over :data:`MAX_WORD` characters cut to its start (:data:`KEPT`
    characters), an ellipsis and its length, and the whole cut to :data:`MAX_MESSAGE` characters."""
    text = _WORD.sub(_cut_word, text)
    if len(text) > MAX_MESSAGE:
        text = f"{text[: MAX_MESSAGE - 40]}… ({len(text):,} characters in all)"
    return text


def shown(text: str) -> str:
    """User text (a line, a token, a file name) as a message quotes it: escaped and clipped."""
    return clip(printable(text))


@dataclass(frozen=True, kw_only=True)
class Location:
    """Where in a source something was written (1-based line and column)."""

    source: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}"


class CnncalcError(Exception):
    """Base class: a problem with what the user gave us, never a bug."""

    exit_code = 1

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def render(self) -> str:
        """The one-line message shown to the user: the user text it quotes escaped for the
        terminal (see :func:`printable`) and clipped (see :func:`clip`)."""
        where = f"{shown(str(self.location))}: " if self.location else ""
        hint = f" (hint: {shown(self.hint)})" if self.hint else ""
        return f"{where}error: {shown(self.message)}{hint}"


class ArchError(CnncalcError):
    """The architecture text is malformed (syntax, unknown names, bad values)."""


class ModelError(ArchError):
    """An imported model (ONNX, Keras, PyTorch) whose content cannot be read or described as a
    ``.arch`` network: not a model at all, several inputs, an operator with no ``.arch`` equivalent.
    Exit code 1, like a mistake in a ``.arch`` file; a command line that does not reach the model
    (an unreadable file, a bad ``--input``, a missing package) is a :class:`UsageError`."""


class ShapeError(CnncalcError):
    """The architecture is well formed but its arithmetic does not work out."""


class UsageError(CnncalcError):
    """The command line itself is wrong (bad option value, unreadable file)."""

    exit_code = 2
