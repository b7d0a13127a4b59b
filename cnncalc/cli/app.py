"""The typer app every command module registers on, and the one place errors become exit codes.

User errors (:class:`~cnncalc.errors.CnncalcError`) become one line on stderr and exit
code 1 (bad input) or 2 (bad usage); a check that fails (``verify``) is exit code 3; a
bug in cnncalc is exit code 70 — all decided in :class:`Group`, and nowhere else.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from cnncalc import __version__
from cnncalc.errors import CnncalcError, UsageError

if TYPE_CHECKING:
    import click
    from rich.console import RenderableType

#: exit code for a bug in cnncalc itself (never for bad input, which is 1 or 2)
INTERNAL_ERROR = 70
#: exit code when verify finds a prediction the reference computation contradicts
VERIFY_FAILED = 3


class ChecksFailed(Exception):
    """A command's checks found a disagreement (its report is already printed): exit 3."""


def _is_cli_exception(error: BaseException) -> bool:
    """Exit, Abort and usage errors belong to typer/click (whichever version): let them through."""
    return any(cls.__module__.split(".")[0] in ("typer", "click") for cls in type(error).__mro__)


#: the shell's status for a process whose output pipe was closed (128 + SIGPIPE)
CLOSED_PIPE = 141


def closed_stdout() -> NoReturn:
    """Exit quietly after the reader closed the pipe; stdout goes to /dev/null so that the
    interpreter's final flush does not raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(CLOSED_PIPE)


class Group(TyperGroup):
    """The top-level group: runs the command and turns every error into its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CnncalcError as error:
            typer.echo(error.render(), err=True)
            raise typer.Exit(error.exit_code) from None
        except ChecksFailed:
            raise typer.Exit(VERIFY_FAILED) from None
        except BrokenPipeError:  # the reader went away (| head): stop quietly, as shell tools do
            closed_stdout()
        except RecursionError:
            typer.echo("error: the input nests too deeply to process", err=True)
            raise typer.Exit(1) from None
        except Exception as error:  # a bug: say so plainly instead of a traceback
            if _is_cli_exception(error) or os.environ.get("CNNCALC_DEBUG"):
                raise
            typer.echo(
                f"internal error: {type(error).__name__}: {error} — this is a bug in cnncalc; "
                "please report it with the input (CNNCALC_DEBUG=1 shows the traceback)",
                err=True,
            )
            raise typer.Exit(INTERNAL_ERROR) from None


HELP = "cnncalc: the arithmetic of convolutional networks — sizes, padding, params, MACs, receptive fields."


def new_app() -> typer.Typer:
    """A top-level app: the error handling of :class:`Group`, no completion, no pretty tracebacks."""
    return typer.Typer(cls=Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help=HELP)


app = new_app()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cnncalc {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """cnncalc: the arithmetic of convolutional networks."""


def show(renderable: RenderableType, *, no_color: bool) -> None:
    """Print a rich renderable: 160 columns when piped (unless COLUMNS says otherwise)."""
    from rich.console import Console

    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
    Console(no_color=no_color or None, width=width, highlight=False).print(renderable)


def write(document: str, output: str | None) -> None:
    """A whole document to ``output``, or to stdout when there is none."""
    if output is None:
        typer.echo(document, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(document)
    except OSError as error:
        raise UsageError(f"cannot write '{output}': {error.strerror}") from None
