"""A table laid out by cnncalc itself: every cell in full, columns chosen to fit the width.

rich's ``Table`` measures every cell of every row to lay itself out, which is slow on
long tables, and it elides (``117…``) a cell it cannot fit. This table instead:

- computes each column's width once from its cells (every cell is shown in full);
- drops whole columns, lowest priority first, until the rest fits, and says which in one
  ``note:`` line (``--columns`` or ``--wide`` shows them);
- when even the core columns do not fit, switches to a stacked layout: one line per row
  with its name, then ``field value`` pairs filling the following lines, never split;
- renders each line as one pre-padded segment: rich only colours the header and the
  marked rows, and nothing here is quadratic, so 100,000 rows render in about a second.

The decision is made at render time from ``options.max_width``, so a Python caller gets the
same behaviour from ``Console(width=...).print(table)`` as the CLI does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

GAP = "  "
_HEADER = Style(bold=True)
_RULE = Style(dim=True)
_MARKED = Style(bold=True)
_NOTE = Style(dim=True, italic=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class Column:
    """A column: its key (for ``--columns``), its heading, alignment, and whether it is core.

    Core columns are never dropped: when they do not fit, the layout changes instead."""

    key: str
    title: str
    right: bool = False
    core: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Layout:
    """What :func:`choose` decided: the columns shown (in table order), those dropped, stacked or not."""

    shown: tuple[int, ...]
    dropped: tuple[int, ...]
    stacked: bool


class FixedTable:
    """A rich renderable: ``columns`` in table order, ``priority`` the order in which they are
    kept (the first is kept longest), ``cells`` one tuple of strings per row.

    ``marked`` rows are drawn bold (collapsed blocks). ``wide`` keeps every column whatever the
    width (the caller gives the console enough width: see :meth:`width`)."""

    def __init__(
        self,
        *,
        title: str,
        columns: Sequence[Column],
        priority: Sequence[str],
        cells: Sequence[Sequence[str]],
        marked: frozenset[int] = frozenset(),
        wide: bool = False,
    ) -> None:
        self.title = title
        self.columns = tuple(columns)
        self.rank = {key: position for position, key in enumerate(priority)}
        self.cells = cells
        self.marked = marked
        self.wide = wide
        self.widths = [len(column.title) for column in self.columns]
        for position, column_cells in enumerate(zip(*cells, strict=True)):
            self.widths[position] = max(self.widths[position], max(map(len, column_cells)))

    def width(self, shown: Iterable[int] | None = None) -> int:
        """The line width with these columns (all by default)."""
        chosen = list(range(len(self.columns))) if shown is None else list(shown)
        return sum(self.widths[i] for i in chosen) + len(GAP) * max(len(chosen) - 1, 0)

    def choose(self, max_width: int) -> Layout:
        """Drop non-core columns, lowest priority first, until the line fits; stack when the core does not."""
        shown = list(range(len(self.columns)))
        if self.wide:
            return Layout(shown=tuple(shown), dropped=(), stacked=False)
        optional = sorted(
            (i for i, c in enumerate(self.columns) if not c.core),
            key=lambda i: self.rank.get(self.columns[i].key, len(self.rank)),
            reverse=True,
        )
        dropped: list[int] = []
        for position in optional:
            if self.width(shown) <= max_width:
                break
            shown.remove(position)
            dropped.append(position)
        if self.width(shown) <= max_width:
            return Layout(shown=tuple(shown), dropped=tuple(sorted(dropped)), stacked=False)
        return Layout(shown=tuple(range(len(self.columns))), dropped=(), stacked=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(20, options.max_width), self.width())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment | Text]:
        layout = self.choose(options.max_width)
        yield Segment(self.title)
        yield Segment.line()
        if layout.stacked:
            yield from self._stacked(options.max_width)
        else:
            yield from self._lines(layout.shown)
        if layout.dropped:
            names = ", ".join(self.columns[i].key for i in layout.dropped)
            yield Text(
                f"note: left out to fit {options.max_width} columns: {names} (show them with --columns or --wide)",
                style=_NOTE,
            )

    def _lines(self, shown: tuple[int, ...]) -> Iterator[Segment]:
        """One format string for every line: each cell padded to its column's width."""
        pattern = GAP.join(f"{{:{'>' if self.columns[i].right else '<'}{self.widths[i]}}}" for i in shown)
        yield Segment(pattern.format(*(self.columns[i].title for i in shown)).rstrip(), _HEADER)
        yield Segment.line()
        yield Segment(GAP.join("─" * self.widths[i] for i in shown), _RULE)
        yield Segment.line()
        newline = Segment.line()
        marked = self.marked
        every = len(shown) == len(self.columns)
        render = pattern.format
        for number, row in enumerate(self.cells):
            text = render(*row) if every else render(*[row[i] for i in shown])
            yield Segment(text.rstrip(), _MARKED if number in marked else None)
            yield newline

    def _stacked(self, max_width: int) -> Iterator[Segment]:
        """One heading line per row (its first two cells), then ``field value`` pairs, each whole."""
        indent = "    "
        newline = Segment.line()
        for number, row in enumerate(self.cells):
            yield Segment(" ".join(cell for cell in row[:2] if cell), _MARKED if number in self.marked else _HEADER)
            yield newline
            line = indent
            for column, cell in zip(self.columns[2:], row[2:], strict=True):
                if not cell:
                    continue
                field = f"{column.title} {cell}"
                if line != indent and len(line) + len(GAP) + len(field) > max_width:
                    yield from _chunks(line, max_width)
                    line = indent
                line = line + (GAP if line != indent else "") + field
            if line != indent:
                yield from _chunks(line, max_width)


def _chunks(line: str, width: int) -> Iterator[Segment]:
    """A line longer than the width (one enormous symbolic size) continues on the next line, whole."""
    width = max(width, 1)
    for start in range(0, len(line), width):
        yield Segment(line[start : start + width])
        yield Segment.line()
