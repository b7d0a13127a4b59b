"""Formulas written once, shown as plain text or LaTeX, with letters or with numbers.

A worked step shows the same formula twice: with its letters
(``floor((I + Ps + Pe - D(F-1) - 1)/S) + 1``) and with the numbers put in
(``floor((128 + 0 + 0 - 2 - 1)/1) + 1``). Each formula is one Python function over
:class:`Math` atoms, called once with letters and once with numbers, so the two lines
cannot drift apart; both render to text and to LaTeX from the same tree.
Nothing here evaluates anything: the result next to them comes from the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from cnncalc.dims import Dim, as_int, text

# binding strength, so that parentheses appear exactly where they are needed
_SUM, _PRODUCT, _ATOM = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Math:
    """A formula fragment in both notations, and how tightly it binds."""

    text: str
    tex: str
    precedence: int = _ATOM

    def wrapped(self, needed: int) -> Math:
        if self.precedence >= needed:
            return self
        return Math(f"({self.text})", rf"\left({self.tex}\right)", _ATOM)


_TEX_SPECIAL = {c: "\\" + c for c in "_%&#$"} | {
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def tex_text(value: str) -> str:
    """Plain text made safe inside LaTeX (labels, layer statements)."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in value)


def letter(name: str, tex: str | None = None) -> Math:
    """A named quantity: ``letter("Ps", "P_s")``; a word (``params``) is upright text in LaTeX."""
    if tex is None:
        tex = rf"\text{{{name}}}" if len(name) > 1 and name.replace(" ", "").isalpha() else name
    return Math(name, tex)


#: while set, symbolic values are rewritten before they are shown (``--assume``: ``16*k_N`` -> ``N/2``)
_restate: ContextVar[Callable[[Dim], Dim] | None] = ContextVar("restate", default=None)


@contextmanager
def restating(rewrite: Callable[[Dim], Dim] | None) -> Iterator[None]:
    token = _restate.set(rewrite)
    try:
        yield
    finally:
        _restate.reset(token)


def _restated(value: Dim) -> Dim:
    rewrite = _restate.get()
    return value if rewrite is None or isinstance(value, int) else rewrite(value)


def number(value: Dim) -> Math:
    """A value from the pipeline: an integer, or a symbolic size (``N``, ``floor(N/2)``)."""
    return _number(_restated(value))


def result(value: Dim) -> Math:
    """A result, digits grouped for reading: ``15,745,152`` (``15{,}745{,}152`` in LaTeX)."""
    value = _restated(value)
    concrete = as_int(value)
    if concrete is not None:
        return Math(f"{concrete:,}", f"{concrete:,}".replace(",", "{,}"))
    return _number(value)


def _number(value: Dim) -> Math:
    concrete = as_int(value)
    if concrete is not None:
        return Math(str(concrete), str(concrete), _ATOM if concrete >= 0 else _SUM)
    import sympy

    shown = text(value)
    precedence = _ATOM if getattr(value, "is_Atom", False) or getattr(value, "is_Function", False) else _SUM
    if getattr(value, "is_Mul", False) or getattr(value, "is_Pow", False):
        precedence = _PRODUCT
    return Math(shown, sympy.latex(value), precedence)


def plus(first: Math, *rest: tuple[str, Math]) -> Math:
    """``first + a - b``: ``rest`` pairs a sign ("+" or "-") with a term."""
    text_parts = [first.wrapped(_SUM).text]
    tex_parts = [first.wrapped(_SUM).tex]
    for sign, term in rest:
        # a subtracted sum needs parentheses; an added one does not
        shown = term.wrapped(_PRODUCT if sign == "-" else _SUM)
        text_parts.append(f"{sign} {shown.text}")
        tex_parts.append(f"{sign} {shown.tex}")
    return Math(" ".join(text_parts), " ".join(tex_parts), _SUM)


def add(*terms: Math) -> Math:
    return plus(terms[0], *(("+", t) for t in terms[1:]))


def times(*factors: Math) -> Math:
    shown = [f.wrapped(_PRODUCT) for f in factors]
    return Math("*".join(f.text for f in shown), r" \cdot ".join(f.tex for f in shown), _PRODUCT)


def over(numerator: Math, denominator: Math) -> Math:
    """``(a)/b`` in text, ``\\frac{a}{b}`` in LaTeX."""
    top = numerator.wrapped(_PRODUCT)
    bottom = denominator.wrapped(_ATOM)
    return Math(f"{top.text}/{bottom.text}", rf"\frac{{{numerator.tex}}}{{{denominator.tex}}}", _PRODUCT)


def floor(inner: Math) -> Math:
    return Math(f"floor({inner.text})", rf"\left\lfloor {inner.tex} \right\rfloor")


def ceil(inner: Math) -> Math:
    return Math(f"ceil({inner.text})", rf"\left\lceil {inner.tex} \right\rceil")


def call(name: str, *args: Math) -> Math:
    """``max(a, b)`` and the like."""
    return Math(
        f"{name}({', '.join(a.text for a in args)})",
        rf"\{name}\left({', '.join(a.tex for a in args)}\right)",
    )


def pair(first: Math, second: Math) -> Math:
    return Math(f"({first.text}, {second.text})", rf"\left({first.tex}, {second.tex}\right)")


def shape(values: list[Math]) -> Math:
    """``126×126×32`` in text (the one dimension separator of rendered output; inputs take ``x``
    too), ``126 \\times 126 \\times 32`` in LaTeX."""
    texts = [v.text for v in values]
    # symbolic sizes read better spaced out: "floor(N/2) × floor(N/2) × 32"
    joiner = "×" if all(t.replace(",", "").isalnum() for t in texts) else " × "
    return Math(joiner.join(texts), r" \times ".join(v.tex for v in values))


@dataclass(frozen=True, slots=True)
class Line:
    """One line of working: ``name = formula = numbers = result``.

    ``O = floor((I + Ps + Pe - D(F-1) - 1)/S) + 1 = floor((128 + 0 + 0 - 2 - 1)/1) + 1 = 126``.
    ``formula``/``numbers`` are None for a plain statement (``params = 0``); ``what`` says
    what the line is about when the name alone does not, ``note`` adds a reason.
    """

    name: Math
    result: Math
    formula: Math | None = None
    numbers: Math | None = None
    what: str = ""
    note: str = ""

    def chain(self) -> list[Math]:
        """The parts joined by ``=``, without repeating one that reads the same."""
        parts = [self.name]
        for part in (self.formula, self.numbers, self.result):
            if part is not None and part.text.replace(",", "") != parts[-1].text.replace(",", ""):
                parts.append(part)
        return parts

    def text(self) -> str:
        body = " = ".join(part.text for part in self.chain())
        return (f"{self.what}: " if self.what else "") + body + (f"  ({self.note})" if self.note else "")

    def tex(self) -> str:
        return " = ".join(part.tex for part in self.chain())
