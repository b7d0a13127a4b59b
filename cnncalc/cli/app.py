"""The typer app every command module registers on, and the one place errors become exit codes.

User errors (:class:`~cnncalc.errors.CnncalcError`) become one line on stderr and exit
code 1 (bad input) or 2 (bad usage, typer's and click's own usage errors included); a check
that fails (``verify``) is exit code 3; a reader that closes stdout early (``| head``) is the
shell's 141; an output that cannot be written (``> /dev/full``) or a closed stdout or stdin is
one line and exit 1; a bug in cnncalc is exit code 70 — all decided in :class:`Group`, and
nowhere else.

Help and usage errors are plain text (click's formatter, not typer's rich boxes): no escape
codes ever, paragraphs wrapped to the terminal, and no rich import just to print help.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import click
import typer
import typer.core
from typer.core import TyperGroup

from cnncalc import __version__
from cnncalc.errors import CnncalcError, UsageError, printable, shown

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

# typer draws help and usage errors with rich when rich is installed (boxes, escape codes, and
# markup read from help texts); cnncalc's help is click's plain text and its errors one line.
typer.core.HAS_RICH = False


def _keep_argument_help() -> None:
    """typer sets an argument's help, then click (8.5) resets it to None in its own __init__:
    put it back, so that ``--help`` describes FILE, KIND and NAME."""
    original = typer.core.TyperArgument.__init__
    if getattr(original, "keeps_help", False):
        return

    @functools.wraps(original)
    def init(self: typer.core.TyperArgument, *args: Any, help: str | None = None, **kwargs: Any) -> None:
        original(self, *args, help=help, **kwargs)
        if self.help is None:
            self.help = help

    init.keeps_help = True  # type: ignore[attr-defined]
    typer.core.TyperArgument.__init__ = init  # type: ignore[method-assign]


_keep_argument_help()

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
    abandon_stdout()
    sys.exit(CLOSED_PIPE)


#: the shell's status for bad usage (click's own, kept for typer's and cnncalc's usage errors)
USAGE = 2


def abandon_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush of what is still
    buffered does not fail a second time (after a closed pipe or a full disk)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):  # stdout already gone: nothing left to flush
        sys.stdout = None


def say(line: str) -> None:
    """One line on stderr, if there is a stderr to write it to."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(line, err=True)


def _os_error(error: OSError) -> str:
    """The one line for an error of the operating system while reading or writing."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"error: cannot write the output: {error.strerror}"
    where = f" '{shown(str(error.filename))}'" if error.filename is not None else ""
    return f"error: input/output failed{where}: {error.strerror or error}"


def _usage_line(error: click.ClickException) -> str:
    """click's usage error as cnncalc's one line: ``error: ... (hint: cnncalc CMD --help)``."""
    message = error.format_message().strip().rstrip(".")
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    context = getattr(error, "ctx", None)
    words = context.command_path.split()[1:] if context is not None else []
    return f"error: {shown(message)} (hint: {shown(' '.join(['cnncalc', *words]))} --help)"


class _ClosedStdin:
    """Stands for a closed stdin (``<&-``): reading it is a usage error, not a crash."""

    def _closed(self, *args: object) -> NoReturn:
        raise UsageError("cannot read stdin: it is closed", hint="pipe or redirect the input, e.g. < net.arch")

    read = readline = readlines = _closed

    @property
    def buffer(self) -> _ClosedStdin:
        return self

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "stdin is closed")


def _checked_streams() -> None:
    """Refuse to run with a closed stdout (nothing could be shown); make a closed stdin an error
    when it is read."""
    if sys.stdout is None:
        say("error: stdout is closed: nothing can be shown (hint: redirect it, e.g. > out.txt)")
        sys.exit(1)
    if sys.stdin is None:
        sys.stdin = _ClosedStdin()


#: COLUMNS below this is ignored (0 or 1 would print nothing, or one character a line)
MIN_COLUMNS = 20


def _sane_columns() -> None:
    """``COLUMNS`` that is not a width (empty, 0, 1, text) is dropped: the terminal's own width,
    or 160 columns when piped, is used instead."""
    value = os.environ.get("COLUMNS")
    if value is not None and not (value.strip().isdigit() and int(value) >= MIN_COLUMNS):
        del os.environ["COLUMNS"]


def verbatim_examples(command: click.Command) -> None:
    """Keep every paragraph that starts with ``Example`` line for line in the help (click's
    ``\\b`` marker), so that an example is never wrapped in the middle; a group's commands too."""
    if command.help:
        paragraphs = command.help.split("\n\n")
        command.help = "\n\n".join(
            f"\b\n{part}" if part.lstrip().startswith("Example") else part for part in paragraphs
        )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            verbatim_examples(sub)
            if not sub.short_help:  # the group's list shows the whole first sentence, wrapped, not cut
                sub.short_help = sub.get_short_help_str(limit=1000)


class Group(TyperGroup):
    """The top-level group: runs the command and turns every error into its exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's main with every ending decided here: usage errors as one line (exit 2)."""
        _checked_streams()
        _sane_columns()
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except click.exceptions.NoArgsIsHelpError as error:  # `cnncalc` alone: the help, as click shows it
            say(error.ctx.get_help() if error.ctx is not None else error.format_message())
            code = error.exit_code
        except click.ClickException as error:  # usage errors: unknown option, missing argument, bad value
            usage = isinstance(error, click.UsageError)
            say(_usage_line(error) if usage else f"error: {shown(error.format_message())}")
            code = error.exit_code
        except click.Abort:
            say("error: aborted")
            code = 1
        except BrokenPipeError:  # help cut short by `| head`
            closed_stdout()
        except OSError as error:  # click's own output (help, version) on a full disk
            if error.errno == errno.EPIPE:
                closed_stdout()
            abandon_stdout()
            say(_os_error(error))
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            verbatim_examples(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands with their whole first sentence, wrapped (click would cut it with '...')."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """``cnncalc --help | head -1`` ends like a command cut short (click would exit 1)."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            closed_stdout()

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
        except OSError as error:  # a full disk, an unreadable stdin: one line, not a bug
            abandon_stdout()
            typer.echo(_os_error(error), err=True)
            raise typer.Exit(1) from None
        except RecursionError:
            typer.echo("error: the input nests too deeply to process", err=True)
            raise typer.Exit(1) from None
        except MemoryError:  # past every work limit, the machine itself ran out: the input's size, not a bug
            typer.echo(
                "error: out of memory: this input needs more memory than the process may use "
                "(hint: try a smaller --input or fewer layers)",
                err=True,
            )
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


HELP = (
    "cnncalc: the arithmetic of convolutional networks — sizes, padding, params, MACs, receptive fields."
    "\n\n'cnncalc COMMAND --help' shows a command's options and examples; 'cnncalc kinds' lists the layer"
    " kinds an .arch file can use, 'cnncalc zoo' the models that come with cnncalc."
    "\n\n\b\nExamples:\n  cnncalc summary examples/lenet5.arch\n  cnncalc layer conv -i 32x32x3 -f 5 -k 6 --explain"
)


def new_app() -> typer.Typer:
    """A top-level app: the error handling of :class:`Group`, no completion, no pretty tracebacks."""
    return typer.Typer(
        cls=Group,
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        suggest_commands=False,  # click suggests already ("Did you mean ...?" once, not twice)
        help=HELP,
    )


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


#: the width of output that is piped, unless COLUMNS says otherwise
PIPED_WIDTH = 160


def plain(no_color: bool) -> bool:
    """No styles at all: ``--no-color``, ``NO_COLOR`` set (non-empty), or stdout not a terminal."""
    return no_color or os.environ.get("NO_COLOR", "") != "" or not sys.stdout.isatty()


def console(*, no_color: bool) -> Console:
    """The console every command prints through: COLUMNS wide if it is a width (at least
    :data:`MIN_COLUMNS`), else the terminal's width, or :data:`PIPED_WIDTH` when piped; with
    :func:`plain`, no escape code of any kind (colour, bold, italic, links)."""
    _sane_columns()
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPED_WIDTH
    safe = _safe_console()
    if plain(no_color):
        return safe(color_system=None, no_color=True, width=width, highlight=False, emoji=False, markup=False)
    return safe(width=width, highlight=False, emoji=False, markup=False)


@functools.cache
def _safe_console() -> type[Console]:
    """rich's Console made safe for user text (file names, lines): no markup is ever read from a
    string (``x[red]y.arch`` is shown as written, ``a[/]b.arch`` cannot break a table), control
    characters in text are shown escaped (an ESC in a file name cannot clear the screen), and a
    closed pipe raises BrokenPipeError for :class:`Group` (exit 141) where rich would exit 1."""
    from rich.console import Console
    from rich.segment import Segment
    from rich.text import Text

    class SafeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe")

        def render_str(self, text: str, **options: Any) -> Text:
            # strings (titles, cells) are escaped before layout, so the table measures what is shown
            return super().render_str(printable(text, keep="\n"), **options)

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            # and whatever else reaches the terminal (Text built by a renderer): rich's own control
            # segments pass, text segments are escaped
            safe = (s if s.control else Segment(printable(s.text, keep="\n"), s.style) for s in buffer)
            return super()._render_buffer(safe)

    return SafeConsole


def show(renderable: RenderableType, *, no_color: bool) -> None:
    """Print a rich renderable through :func:`console`."""
    console(no_color=no_color).print(renderable)


#: about 100 KB of a summary's layers per write
_PIECES_PER_WRITE = 512


def echo_json(document: str | Iterable[str]) -> None:
    """A JSON document (made by ``json.dumps``, whole or in pieces) and a newline to stdout, as it
    is. json escapes every control character, so the document needs none of ``click.echo``'s scan
    for escape codes (a regular expression over every character: a tenth of a second for
    100,000 layers). Pieces are joined a few hundred at a time: never the whole document at once,
    and never one write per piece (with PYTHONUNBUFFERED each write is a system call)."""
    pieces = [document] if isinstance(document, str) else document
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == _PIECES_PER_WRITE:
            sys.stdout.write("".join(batch))
            batch.clear()
    batch.append("\n")
    sys.stdout.write("".join(batch))
    sys.stdout.flush()


def write(document: str, output: str | None) -> None:
    """A whole document to ``output``, or to stdout when there is none; control characters a
    user's text brought in (a file name with an ESC) are shown escaped, never written."""
    document = printable(document, keep="\n\t")
    if output is None:
        typer.echo(document, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(document)
    except OSError as error:
        raise UsageError(f"cannot write '{output}': {error.strerror}") from None
