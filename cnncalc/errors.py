"""One exception hierarchy for everything a user can get wrong.

The CLI turns :class:`CnncalcError` into one line on stderr and exit code 1 (bad
input) or 2 (bad usage) in exactly one place; library code only raises.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        """The one-line message shown to the user (line breaks in quoted input are escaped)."""
        where = f"{self.location}: " if self.location else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}error: {self.message}{hint}".replace("\r", "\\r").replace("\n", "\\n")


class ArchError(CnncalcError):
    """The architecture text is malformed (syntax, unknown names, bad values)."""


class ShapeError(CnncalcError):
    """The architecture is well formed but its arithmetic does not work out."""


class UsageError(CnncalcError):
    """The command line itself is wrong (bad option value, unreadable file)."""

    exit_code = 2
