"""A command's FILE: an architecture (``.arch``, cnncalc's JSON, ``-``, ``zoo:NAME``) or a model to import.

The one dispatch shared by ``cnncalc.load`` and every CLI command that reads FILE. A model is what
``cnncalc import`` reads (:func:`cnncalc.importers.model_kind`): ``model.onnx``, ``model.keras``,
``torch:package.module:callable``, and a ``.json`` file that is Keras's ``to_json()`` — a top-level
object with a ``class_name`` key, which cnncalc's JSON form (keys ``input`` and ``layers`` only, or a
list) never has; any other ``.json`` is cnncalc's JSON form. A model is imported exactly as
``cnncalc import`` would (not leniently) and its ``.arch`` text parsed under the model's name;
``input`` goes to the importer as ``cnncalc import --input`` (the sizes of a model's input, never its
channels), or replaces an architecture's input line. An import's warnings are
:class:`ModelWarning` warnings.
"""

from __future__ import annotations

import json
import re
import warnings

from cnncalc.arch.reader import parse
from cnncalc.arch.source import load as load_arch
from cnncalc.importers import ModelKind, import_kind, model_kind
from cnncalc.model import Arch

#: how much of a ``.json`` file is read to tell Keras's ``to_json()`` from cnncalc's JSON form
SNIFF_BYTES = 2**16


class ModelWarning(UserWarning):
    """Something an import leaves out and says so (a model's parameters its forward pass never uses)."""


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, at: int) -> int:
    """Past the JSON whitespace at ``at``."""
    return _WHITESPACE.match(text, at).end()  # type: ignore[union-attr]  # ``*`` always matches


def is_keras_json(path: str) -> bool:
    """Whether the JSON file at ``path`` is a Keras configuration: its top-level object's keys are read in
    order until ``class_name`` (Keras) or ``input``/``layers`` (cnncalc); unreadable text is not Keras."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    if text[at : at + 1] != "{":
        return False
    try:
        while True:
            at = _skip(text, at + 1)
            if text[at : at + 1] != '"':
                return False
            key, at = decoder.raw_decode(text, at)
            if key == "class_name":
                return True
            if key in ("input", "layers"):
                return False
            at = _skip(text, at)
            if text[at : at + 1] != ":":
                return False
            _, at = decoder.raw_decode(text, _skip(text, at + 1))
            at = _skip(text, at)
            if text[at : at + 1] != ",":
                return False
    except ValueError:  # malformed, or cut off by SNIFF_BYTES
        return False


def file_kind(path: str) -> ModelKind | None:
    """The importer that reads FILE, or None for an architecture."""
    kind = model_kind(path)
    if kind == "keras" and path.lower().endswith(".json") and not is_keras_json(path):
        return None
    return kind


def load(path: str, input: str | None = None) -> Arch:
    """The architecture FILE names: read, or imported from a model (``input`` as ``--input``)."""
    kind = file_kind(path)
    if kind is None:
        return load_arch(path, input)
    imported = import_kind(kind, path, input_dims=input)
    for warning in imported.warnings:
        warnings.warn(warning, ModelWarning, stacklevel=2)
    return parse(imported.text, path)


__all__ = ["ModelWarning", "file_kind", "is_keras_json", "load"]
