"""One layer alone: ``cnncalc layer conv --input 32x32x3 --kernel 5 --filters 6``, and ``cnncalc padding``.

The options are read by the same value readers as an ``.arch`` file and the layer runs
through the same pipeline, so ``layer`` and ``summary`` cannot disagree. Errors name
the option (``--kernel 'x': ...``) instead of a line and column nobody wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from cnncalc.analysis import LayerRow, Report, analyze
from cnncalc.arch.reader import parse, parse_dims
from cnncalc.arch.values import KEY_SPELLINGS, Where, read_int
from cnncalc.errors import ArchError, CnncalcError, Location, UsageError
from cnncalc.formula import Line
from cnncalc.layers import REGISTRY, lookup
from cnncalc.layers.base import LayerContext
from cnncalc.layers.worked_lines import padding_lines, size_lines
from cnncalc.model import Arch, InputSpec, LayerSpec


def _offered() -> tuple[str, ...]:
    names: list[str] = []
    for kind in REGISTRY.values():
        if kind.family is not None:
            names.append(kind.name)
            if kind.name == "avgpool":
                names.append("pool")
    return tuple(names)


#: the kinds ``cnncalc layer`` offers: every kind with a one-layer family (``pool`` is max pooling)
LAYER_KINDS = _offered()
SOURCE = "command line"


@dataclass(frozen=True, kw_only=True)
class LayerOptions:
    """The options as typed; None means not given."""

    kernel: str | None = None
    stride: str | None = None
    padding: str | None = None
    dilation: str | None = None
    filters: str | None = None
    groups: str | None = None
    multiplier: str | None = None
    output_padding: str | None = None
    bias: str | None = None
    units: str | None = None
    ceil: bool = False


# option name -> the format's key letter
_OPTION_KEYS = {
    "filters": "K",
    "kernel": "F",
    "stride": "S",
    "padding": "P",
    "dilation": "D",
    "groups": "G",
    "multiplier": "M",
    "output_padding": "OP",
    "bias": "bias",
}


def _flag(option: str) -> str:
    return "--" + option.replace("_", "-")


@contextmanager
def as_usage(option: str, value: str) -> Iterator[None]:
    """An error reading an option's value is a usage error naming the option."""
    try:
        yield
    except ArchError as error:
        raise UsageError(f"{_flag(option)} {value!r}: {error.message}", hint=error.hint) from None


def read_input(text: str, option: str = "input") -> InputSpec:
    with as_usage(option, text):
        return parse_dims(text.strip(), Where(_flag(option), 1, 1))


def layer_spec(kind_name: str, options: LayerOptions) -> LayerSpec:
    """Validate the options for the kind and build its :class:`LayerSpec`."""
    name = "maxpool" if kind_name.lower() == "pool" else kind_name.lower()
    kind = lookup(name)
    if kind is None:
        raise UsageError(f"unknown layer kind '{kind_name}'", hint=f"use one of {', '.join(LAYER_KINDS)}")
    if kind_name.lower() not in LAYER_KINDS:  # a kind of the format that has no options of its own here
        raise UsageError(
            f"'cnncalc layer' computes {', '.join(LAYER_KINDS)}; '{kind_name}' is a kind of the .arch format",
            hint=f"run it in a file: printf 'input 8x8x3\\n{kind.name}\\n' | cnncalc summary -",
        )
    fields: dict[str, Any] = {}
    words = [kind.name]
    for option, key in _OPTION_KEYS.items():
        value = getattr(options, option)
        if value is None:
            continue
        if key not in kind.keys:
            raise UsageError(f"{_flag(option)} does not apply to {kind.name}", hint=_takes(kind.name, kind.keys))
        definition = KEY_SPELLINGS[key]
        with as_usage(option, value):
            fields[definition.field] = definition.read(value, Where(_flag(option), 1, 1))
        words.append(f"{key}={value}")
    if options.ceil:
        if "ceil" not in kind.flags:
            raise UsageError(f"--ceil does not apply to {kind.name}", hint="only pooling has a ceil mode")
        fields["ceil"] = True
        words.append("ceil")
    if kind.positional == "units":
        if options.units is None:
            raise UsageError(f"{kind.name} needs --units", hint="e.g. cnncalc layer fc --input 9216 --units 4096")
        with as_usage("units", options.units):
            fields["units"] = read_int(options.units, Where("--units", 1, 1), what="the unit count", minimum=1)
        words.insert(1, options.units)
    elif options.units is not None:
        raise UsageError(f"--units does not apply to {kind.name}", hint="--units is for fc")
    for key in sorted(kind.required):
        if KEY_SPELLINGS[key].field not in fields:
            option = next(o for o, k in _OPTION_KEYS.items() if k == key)
            raise UsageError(f"{kind.name} needs {_flag(option)}", hint=_takes(kind.name, kind.keys))
    return LayerSpec(line=1, column=1, kind=kind.name, written_kind=kind.name, text=" ".join(words), **fields)


def _takes(kind: str, keys: frozenset[str]) -> str:
    """Every option the kind takes, as ``cnncalc layer`` spells them (``fc takes --units, --bias``)."""
    found = lookup(kind)
    options = ["--units"] if found is not None and found.positional == "units" else []
    options += [_flag(o) for o, k in _OPTION_KEYS.items() if k in keys]
    if found is not None and "ceil" in found.flags:
        options.append("--ceil")
    return f"{kind} takes {', '.join(options) or 'no window options'}"


def analyze_layer(kind_name: str, input_dims: str, options: LayerOptions) -> Report:
    """The one-layer report."""
    return _analyze_one(layer_spec(kind_name, options), read_input(input_dims))


#: where an error in a statement given on the command line points (column of the statement)
STATEMENT = "<statement>"


def is_statement(text: str) -> bool:
    """Whether ``cnncalc layer``'s KIND is a whole ``.arch`` statement (``conv K=6 F=5``) rather than a kind."""
    return any(char.isspace() or char == "=" for char in text)


def statement_spec(statement: str) -> LayerSpec:
    """One ``.arch`` statement read by the file format's own parser; an error points at its
    column (``<statement>:1:10: error: ...``)."""
    if not statement.strip() or "\n" in statement or "\r" in statement:
        raise UsageError("a layer statement is one line with one layer", hint="e.g. 'conv K=6 F=5'")
    try:
        arch = parse(f"input 1x1x1\n{statement}", STATEMENT)
    except ArchError as error:
        where = error.location
        located = Location(source=STATEMENT, line=1, column=where.column) if where is not None else None
        raise UsageError(error.message, location=located, hint=error.hint) from None
    spec = arch.body[0] if len(arch.body) == 1 else None
    if not isinstance(spec, LayerSpec):
        raise UsageError("a layer statement is one layer", hint="e.g. 'conv K=6 F=5'; for more, write an .arch file")
    return replace(spec, line=1)


def analyze_statement(statement: str, input_dims: str, options: LayerOptions) -> Report:
    """The one-layer report of a statement (``cnncalc layer "conv K=6 F=5" -i 32x32x3``): the same
    numbers as the option form, which it may not be mixed with."""
    if options != LayerOptions():
        raise UsageError(
            "give the layer as a statement or with options, not both", hint="put every key in the statement"
        )
    return _analyze_one(statement_spec(statement), read_input(input_dims))


def _analyze_one(spec: LayerSpec, shape: InputSpec) -> Report:
    """Run one layer through the pipeline; its shape errors lose the meaningless line:column."""
    try:
        return analyze(Arch(source=SOURCE, input=shape, body=(spec,)))
    except CnncalcError as error:
        raise type(error)(error.message, hint=error.hint) from None


PADDING_MODES = ("same", "full", "valid")


@dataclass(frozen=True, kw_only=True)
class PaddingResult:
    """``cnncalc padding``: per dim the resolved ``(start, end)`` and the output size."""

    mode: str
    row: LayerRow
    padding_lines: tuple[Line, ...]
    size_lines: tuple[Line, ...]

    @property
    def lines(self) -> tuple[Line, ...]:
        return self.padding_lines + self.size_lines


def padding_report(input_dims: str, kernel: str, stride: str, dilation: str, mode: str) -> PaddingResult:
    """Resolve a padding mode through the pipeline (a one-filter conv), with its working."""
    if mode.lower() not in PADDING_MODES:
        raise UsageError(f"--mode: unknown padding mode '{mode}'", hint="use same, full or valid")
    if "x" in input_dims and not all(input_dims.split("x")):
        raise UsageError(f"--input {input_dims!r}: an empty size", hint="write e.g. 7 or 7x9")
    with as_usage("input", input_dims):
        spatial = parse_dims(f"{input_dims.strip()}x1", Where("--input", 1, 1))
    options = LayerOptions(kernel=kernel, stride=stride, dilation=dilation, padding=mode.lower(), filters="1")
    row = _analyze_one(layer_spec("conv", options), spatial).rows[0]
    ctx = LayerContext(row.spec, row.inputs, SOURCE)
    computed = row.computed
    assert computed.window is not None
    return PaddingResult(
        mode=mode.lower(),
        row=row,
        padding_lines=tuple(padding_lines(ctx, computed.window, cheatsheet=True)),
        size_lines=tuple(size_lines(ctx, computed.window, computed, "floor")),
    )
