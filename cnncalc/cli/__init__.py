"""The ``cnncalc`` command: options in, one library call, one renderer, out.

The commands are grouped by what they work on — :mod:`~cnncalc.cli.network` (a whole
network), :mod:`~cnncalc.cli.one_layer` (one layer, and ``solve``),
:mod:`~cnncalc.cli.reference` (layers computed for real), :mod:`~cnncalc.cli.course`
(the rest of the course arithmetic), :mod:`~cnncalc.cli.catalogue` (``kinds`` and ``zoo``) and
:mod:`~cnncalc.cli.io` (``import``, ``export``) — and all register on the one app of
:mod:`~cnncalc.cli.app`, where errors become exit codes. The ``--json`` paths never
import rich, and only symbolic inputs import sympy.
"""

from __future__ import annotations

import gc
import sys

import typer
from typer.models import CommandInfo

from cnncalc.cli import catalogue, compare, course, io, network, one_layer, reference, schema
from cnncalc.cli.app import app, closed_stdout, new_app
from cnncalc.limits import MAX_PRINTED_DIGITS

# the command line prints every integer it computes: inputs have at most 1,000 digits, their products more
sys.set_int_max_str_digits(MAX_PRINTED_DIGITS)

#: the order ``cnncalc --help`` lists the commands in, then the groups (others go last)
HELP_ORDER = (
    "summary",
    "compare",
    "receptive-field",
    "explain",
    "layer",
    "padding",
    "solve",
    "sizes",
    "diagram",
    "verify",
    "kinds",
    "import",
    "export",
    "iou",
    "nms",
    "yolo",
    "softmax",
    "activation",
    "gram",
    "zoo",
    "reference",
    "loss",
)


def command_name(info: CommandInfo) -> str:
    """The name a command is invoked by (typer's rule: the function's, with '-' for '_')."""
    callback = info.callback
    return str(info.name or (callback.__name__ if callback else "").replace("_", "-"))


def _listed(name: str) -> int:
    return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)


app.registered_commands.sort(key=lambda info: _listed(command_name(info)))
app.registered_groups.sort(key=lambda info: _listed(info.name or ""))


def lean_app(args: list[str]) -> typer.Typer:
    """The app with only the command being invoked (and the main callback).

    typer inspects every command's signature each time the program starts, whichever one
    runs: with ~25 commands that is most of cnncalc's start-up. The command the user named
    is the only one needed; help, completion and unknown names get the whole app.
    """
    name = args[0] if args else ""
    commands = [info for info in app.registered_commands if command_name(info) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if not commands and not groups:
        return app
    lean = new_app()
    lean.registered_callback = app.registered_callback
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


def main() -> None:
    """Console-script entry point."""
    # One command is one short process building large structures with few reference cycles
    # (100,000 rows for a 100,000-layer file): the cyclic collector's passes over them would
    # find next to nothing to free and cost a tenth of such a run; the process ends soon anyway.
    gc.disable()
    try:
        lean_app(sys.argv[1:])(prog_name="cnncalc")
    except BrokenPipeError:  # help or output cut short by `| head`
        closed_stdout()


__all__ = [
    "app",
    "catalogue",
    "command_name",
    "compare",
    "course",
    "io",
    "lean_app",
    "main",
    "network",
    "one_layer",
    "reference",
    "schema",
]
