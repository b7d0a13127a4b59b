"""The work budget: every command knows what it will cost before it starts, and refuses past a limit.

Conventions:

- A *work* figure is counted in a unit that is named in the message (``cell operations``,
  ``layer evaluations``, ...); each kind of work has a documented default in :data:`DEFAULTS`
  (docs/limits.md lists them). A command that can be asked for more takes ``--max-work N``;
  the library receives it as an ordinary ``max_work: int`` parameter whose default is the
  kind's default — there is no global setting.
- Fixed limits (bytes read, layers, digits of an exact number, size of a symbolic expression)
  protect the process itself; their message says what to change in the input instead.
- :class:`LimitError` is a :class:`~cnncalc.errors.CnncalcError`: the CLI prints it as one
  line and exits 1.

This module imports only :mod:`cnncalc.errors`, so every layer of the package may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cnncalc.errors import CnncalcError, UsageError


class LimitError(CnncalcError):
    """The input asks for more work (or memory) than a documented limit allows."""


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkKind:
    """One kind of work: what is counted, in which unit, and the default limit."""

    name: str
    unit: str
    default: int
    measures: str


#: ``verify``: the reference run of the collapsed (one-channel) network, every impulse
VERIFY = WorkKind(
    name="verify",
    unit="cell operations",
    default=3 * 10**7,
    measures="output cells x window cells, summed over the layers of the one-channel network, times the impulses",
)
#: ``sizes``: every size of the range through every layer
SIZES = WorkKind(name="sizes", unit="layer evaluations", default=2 * 10**5, measures="sizes in the range x layers")
#: ``solve FILE --input ?``: the sizes the exact-size scan walks through every layer
SOLVE = WorkKind(
    name="solve", unit="layer evaluations", default=10**5, measures="sizes scanned for exact ones x layers"
)
#: the course commands' reference computations (cells x window), NMS (boxes^2), Gram matrices (C^2 x positions);
#: defaults measured to finish in seconds (pure Python: about 1-2 us per cell operation or box comparison)
REFERENCE = WorkKind(
    name="reference", unit="cell operations", default=10**7, measures="output cells x window cells x channels"
)
NMS = WorkKind(name="nms", unit="box comparisons", default=10**7, measures="boxes squared")
GRAM = WorkKind(name="gram", unit="multiply-adds", default=3 * 10**7, measures="channels squared x positions")
SOFTMAX = WorkKind(name="softmax", unit="digits", default=10**6, measures="digits of the exact values computed")

DEFAULTS: dict[str, WorkKind] = {kind.name: kind for kind in (VERIFY, SIZES, SOLVE, REFERENCE, NMS, GRAM, SOFTMAX)}

#: ``--max-work``: the option every budgeted command takes
MAX_WORK_OPTION = "--max-work"

# --- fixed limits (not raised by an option) ---------------------------------------------------

#: bytes read from an architecture file or stdin (read in chunks; more is refused)
MAX_SOURCE_BYTES = 16 * 2**20
#: digits of one exact number written in a file or an option (before any exponent)
MAX_DIGITS = 1000
#: the magnitude of a written exponent (``1e1000`` is fine, ``1e1001`` is refused)
MAX_EXPONENT = 1000
#: digits an integer may have when printed (Python's own limit, 4,300, is below the products of
#: 1,000-digit inputs: a MAC count multiplies several of them); set by the command line at start-up
MAX_PRINTED_DIGITS = 100_000
#: nodes of one symbolic size expression (sympy's tree) before the analysis stops
MAX_EXPRESSION_NODES = 5000


def format_amount(amount: int) -> str:
    """``1234`` -> ``1234``; ``1_200_000_000_000`` -> ``1.2e12`` (two significant digits, rounded up)."""
    if amount < 10**6:
        return str(amount)
    digits = len(str(amount)) - 1
    mantissa = -(-amount * 10 // 10**digits)  # ceil to two significant digits
    if mantissa == 100:
        mantissa, digits = 10, digits + 1
    whole, tenth = divmod(mantissa, 10)
    return f"{whole}.{tenth}e{digits}" if tenth else f"{whole}e{digits}"


def format_limit(limit: int) -> str:
    """A limit exactly: ``3e7`` when two significant digits say it all, else ``16,777,216``."""
    short = format_amount(limit)
    if "e" not in short:
        return short
    mantissa, exponent = short.split("e")
    digits = mantissa.replace(".", "")
    exact = int(digits) * 10 ** (int(exponent) - len(digits) + 1) == limit
    return short if exact else f"{limit:,}"


def check_work(what: str, amount: int, limit: int, option: str = MAX_WORK_OPTION) -> None:
    """Refuse ``amount`` (counted in ``what``, e.g. "cell operations") past ``limit``.

    The message names the figure, the limit and the option that raises it, with a value that
    would be enough: ``this needs 1.2e12 cell operations, over the limit of 1e9
    (hint: raise it with --max-work 1.2e12)``.
    """
    if amount <= limit:
        return
    raise LimitError(
        f"this needs {format_amount(amount)} {what}, over the limit of {format_limit(limit)}",
        hint=f"raise it with {option} {format_amount(amount)}",
    )


def check_fixed(what: str, amount: int, limit: int, advice: str) -> None:
    """Refuse ``amount`` past a fixed limit; ``advice`` says what to change instead."""
    if amount <= limit:
        return
    raise LimitError(f"this needs {format_amount(amount)} {what}, over the limit of {format_limit(limit)}", hint=advice)


_WORK = re.compile(r"([0-9]{1,30})(?:\.([0-9]{1,30}))?(?:[eE]\+?([0-9]{1,3}))?")


def parse_work(text: str, option: str = MAX_WORK_OPTION) -> int:
    """``--max-work`` as written: an integer, ``2e12`` or ``1.5e9`` (ASCII digits, exponent at most 999)."""
    match = _WORK.fullmatch(text.strip().replace("_", ""))
    if match is None:
        raise UsageError(f"{option} {text[:40]!r}: not a count", hint="write e.g. 1000000000 or 2e12")
    whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3) or 0)
    if len(fraction) > exponent:
        raise UsageError(f"{option} {text[:40]!r}: not a whole number", hint="write e.g. 1.5e9, not 1.5")
    value: int = int(whole + fraction) * pow(10, exponent - len(fraction))
    if value < 1:
        raise UsageError(f"{option} {text[:40]!r}: must be at least 1")
    return value
