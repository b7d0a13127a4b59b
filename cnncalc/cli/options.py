"""Options several commands share, and the choice options read once into ``Literal`` types.

A choice (``--format``, ``--theme``, ...) is typed as a plain string so that a bad value
is one cnncalc usage error naming it, then converted here at the boundary; the commands
dispatch on the ``Literal`` with a ``match`` that ends in :func:`assert_never`.
"""

from __future__ import annotations

import contextlib
import inspect
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, Optional, TextIO, TypeVar

import typer

from cnncalc.errors import UsageError, shown

if TYPE_CHECKING:
    from cnncalc.model import Arch


@contextlib.contextmanager
def model_warnings_shown() -> Iterator[None]:
    """Within the block, an import's :class:`~cnncalc.importers.source.ModelWarning` is one
    ``warning: ...`` line on stderr, as ``cnncalc import`` writes it; other warnings show as Python shows them."""
    from cnncalc.cli.app import say
    from cnncalc.importers.source import ModelWarning

    with warnings.catch_warnings():
        warnings.simplefilter("always", ModelWarning)
        python_shows = warnings.showwarning

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, ModelWarning):
                say(f"warning: {shown(str(message))}")
            else:
                python_shows(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def load(file: str, input_dims: str | None = None) -> Arch:
    """FILE's architecture, read or imported from a model (:func:`cnncalc.importers.source.load`)."""
    from cnncalc.importers.source import load as load_source

    with model_warnings_shown():
        return load_source(file, input_dims)


#: what FILE may be, in the help of every command that reads an architecture
FILE_HELP = (
    "FILE is an architecture: a path to an .arch file or a JSON architecture, '-' to read it from stdin,"
    " or zoo:NAME for a built-in model (e.g. zoo:resnet50; 'cnncalc zoo' lists the names). It may also be"
    " a model, imported as 'cnncalc import' would: model.onnx, model.keras, a Keras to_json() file, or"
    " torch:package.module:callable (give --input); --input then goes to the importer."
)
FileArg = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="an .arch or JSON architecture, '-' for stdin, zoo:NAME, or a model (.onnx, .keras, torch:...)",
        show_default=False,
    ),
]

Command = TypeVar("Command", bound=Callable[..., Any])


def described(*paragraphs: str) -> Callable[[Command], Command]:
    """Add paragraphs to a command's help, before its examples (typer reads the docstring lazily)."""

    def add(function: Command) -> Command:
        parts = inspect.cleandoc(function.__doc__ or "").split("\n\n")
        at = next((i for i, part in enumerate(parts) if part.lstrip("\b\n").startswith("Example")), len(parts))
        function.__doc__ = "\n\n".join([*parts[:at], *paragraphs, *parts[at:]])
        return function

    return add


takes_file = described(FILE_HELP)
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
InputOpt = Annotated[
    Optional[str],
    typer.Option("--input", "-i", metavar="DIMS", help="override the input line, e.g. 320x320x3 (H x W x C)"),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="plain output (NO_COLOR is respected too)")]
AssumeOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--assume",
        metavar="FACT",
        help="facts about the input's symbols that simplify floors: 'N % 32 == 0', 'N >= 64' (repeatable)",
    ),
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="show the formula, the numbers and the result, step by step")
]
MaxWorkOpt = Annotated[
    Optional[str],
    typer.Option(
        "--max-work", metavar="N", help="refuse work past N units (e.g. 2e9; defaults and units: docs/limits.md)"
    ),
]
OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", help="write here instead of stdout")]

#: let negative numbers ("-1", "-1,2,3,4") through as arguments instead of unknown options
NUMERIC = {"ignore_unknown_options": True}


def opt(help_text: str, flag: str | None = None) -> Any:
    """A ``typer.Option`` with its help (and its flag, when the parameter name is not it)."""
    return typer.Option(flag, help=help_text) if flag else typer.Option(help=help_text)


def assert_never(value: NoReturn) -> NoReturn:
    """The ``case _`` of an exhaustive ``match`` (``typing.assert_never`` is Python 3.11+)."""
    raise AssertionError(f"unhandled value: {value!r}")


ExplainFormat = Literal["text", "markdown", "latex"]
DiagramFormat = Literal["svg", "html"]
Theme = Literal["light", "dark"]
BoxFormat = Literal["xyxy", "cxcywh"]
CellOrder = Literal["columns", "rows"]
PoolMode = Literal["max", "avg"]


def explain_format(value: str) -> ExplainFormat:
    match value:
        case "text" | "markdown" | "latex":
            return value
    raise UsageError(f"--format: unknown format '{value}'", hint="use one of text, markdown, latex")


def diagram_format(value: str) -> DiagramFormat:
    match value:
        case "svg" | "html":
            return value
    raise UsageError(f"--format: unknown format '{value}'", hint="use svg or html")


def theme(value: str) -> Theme:
    match value:
        case "light" | "dark":
            return value
    raise UsageError(f"--theme: unknown theme '{value}'", hint="use light or dark")


def box_format(value: str) -> BoxFormat:
    match value:
        case "xyxy" | "cxcywh":
            return value
    raise UsageError(f"--format: unknown box format '{value}'", hint="use xyxy or cxcywh")


def cell_order(value: str) -> CellOrder:
    match value:
        case "columns" | "rows":
            return value
    raise UsageError(f"--order: unknown order '{value}'", hint="use 'columns' or 'rows'")


def pool_mode(value: str) -> PoolMode:
    match value:
        case "max" | "avg":
            return value
    raise UsageError(f"--mode: unknown mode '{value}'", hint="use 'max' or 'avg'")
