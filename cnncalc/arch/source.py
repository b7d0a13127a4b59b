"""Where an architecture comes from: a path, ``-`` (stdin) or ``zoo:NAME``; text or JSON."""

from __future__ import annotations

import sys
from dataclasses import replace

from cnncalc.arch.reader import parse, parse_dims
from cnncalc.arch.values import Where
from cnncalc.errors import ArchError, Location, UsageError
from cnncalc.model import Arch


def decode(data: bytes, source: str) -> str:
    """UTF-8 (a BOM is allowed); a bad byte is an error at its line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise ArchError(
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x})",
            location=Location(source=source, line=line, column=column),
            hint="save the file as UTF-8 text",
        ) from None


def parse_text(text: str, source: str) -> Arch:
    """Text or JSON, told apart by the first character (``.arch`` never starts with ``[``/``{``)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("[", "{"):
        from cnncalc.arch.json_arch import parse_json

        return parse_json(text.lstrip("\ufeff"), source)
    return parse(text, source)


def read_source(path: str) -> tuple[str, str]:
    """The text behind a path, and the name errors should use for it."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
    if path.startswith("zoo:"):
        from cnncalc.zoo import zoo_text

        return zoo_text(path[4:]), path
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise UsageError(f"cannot read '{path}': {error.strerror}") from None
    return decode(data, path), path


def load(path: str, input_override: str | None = None) -> Arch:
    """Read and parse an architecture, with ``--input DIMS`` replacing its input line."""
    text, source = read_source(path)
    arch = parse_text(text, source)
    if input_override is None:
        return arch
    try:
        dims = parse_dims(input_override.strip(), Where("--input", 1, 1))
    except ArchError as error:
        raise UsageError(f"--input {input_override!r}: {error.message}", hint=error.hint) from None
    return replace(arch, input=replace(arch.input, dims=dims.dims, written=arch.input.dims))
