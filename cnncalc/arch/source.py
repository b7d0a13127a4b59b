"""Where an architecture comes from: a path, ``-`` (stdin) or ``zoo:NAME``; text or JSON."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import BinaryIO

from cnncalc.arch.reader import parse, parse_dims
from cnncalc.arch.values import Where
from cnncalc.errors import ArchError, Location, UsageError
from cnncalc.limits import MAX_SOURCE_BYTES, LimitError
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


#: bytes read at a time from a file or stdin
CHUNK = 2**20


def read_bounded(handle: BinaryIO, source: str, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """Everything in ``handle``, read in chunks; past ``limit`` bytes it stops (``/dev/zero`` ends)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = handle.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise LimitError(
                f"'{source}' holds more than {limit:,} bytes, the most an architecture may have",
                hint="the limit is fixed; an architecture's text is far smaller: is this the right file?",
            )


def read_source(path: str) -> tuple[str, str]:
    """The text behind a path, and the name errors should use for it (at most
    :data:`~cnncalc.limits.MAX_SOURCE_BYTES` bytes are read)."""
    if path == "-":
        try:
            return decode(read_bounded(sys.stdin.buffer, "<stdin>"), "<stdin>"), "<stdin>"
        except (OSError, ValueError, AttributeError):  # a closed or missing stdin
            raise UsageError("cannot read stdin", hint="pipe the architecture in, or give a file") from None
    if path.startswith("zoo:"):
        from cnncalc.zoo import zoo_text

        return zoo_text(path[4:]), path
    try:
        with open(path, "rb") as handle:
            data = read_bounded(handle, path)
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
