"""The data every stage shares: the parsed architecture, shapes and windows; no arithmetic.

Text and JSON architectures both become an :class:`Arch`. Values are already
typed (ints, per-dim tuples, padding forms); whether they fit the input (rank,
channels) is checked later by the analysis, which knows the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, Union

from cnncalc.dims import Dim, text

PaddingMode = Literal["valid", "same", "full"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Shape:
    """A tensor without the batch: spatial dims (empty for a flat vector), then channels."""

    spatial: tuple[Dim, ...]
    channels: Dim

    def as_list(self) -> list[Dim]:
        return [*self.spatial, self.channels]

    def __str__(self) -> str:
        return "x".join(text(d) for d in self.as_list())


@dataclass(frozen=True, kw_only=True, slots=True)
class Window:
    """Per-dim sliding window, everything the receptive field needs (and the table shows)."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: tuple[tuple[Dim, Dim], ...]
    #: effective kernel per dim, ``D*(F-1) + 1`` (computed once, used by the receptive field)
    span: tuple[int, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Padding:
    """Either a mode or explicit ``(start, end)`` pairs; one pair means "all dims"."""

    mode: PaddingMode | None = None
    pairs: tuple[tuple[int, int], ...] = ()

    def broadcast(self, rank: int) -> tuple[tuple[int, int], ...] | None:
        """``(start, end)`` per spatial dim: one pair stands for every dim; None when the count
        of pairs does not fit the rank (the caller says so in its own terms)."""
        pairs = self.pairs * rank if len(self.pairs) == 1 else self.pairs
        return pairs if len(pairs) == rank else None

    def __str__(self) -> str:
        if self.mode is not None:
            return self.mode
        return "x".join(str(s) if s == e else f"{s}:{e}" for s, e in self.pairs)


@dataclass(frozen=True, kw_only=True, slots=True)
class LayerSpec:
    """One layer line. ``columns`` maps a canonical key (``F``, ``kind``...) to where it was written.

    The line number is not part of equality: the same statement is the same layer
    wherever it stands, which lets the analysis reuse its arithmetic.
    """

    line: int = field(compare=False)
    column: int
    kind: str
    written_kind: str
    label: str | None = None
    units: int | None = None
    #: output size of adaptive pooling, one number or one per dim
    units_per_dim: tuple[int, ...] | None = None
    operands: tuple[str, ...] = ()
    kernel: tuple[int, ...] | None = None
    stride: tuple[int, ...] | None = None
    padding: Padding | None = None
    filters: int | None = None
    dilation: tuple[int, ...] | None = None
    groups: int | None = None
    multiplier: int | None = None
    output_padding: tuple[int, ...] | None = None
    bias: bool = True
    trainable: bool = True
    source: str | None = None
    rate: Fraction | None = None
    ceil: bool = False
    #: negative slope of ``leakyrelu``
    alpha: Fraction | None = None
    #: ``slice channels=A:B``, half-open
    channels: tuple[int, int] | None = None
    #: ``upsample factor=`` and ``size=`` (per dim), ``mode=``; ``pixelshuffle r`` keeps r in ``factor``
    factor: tuple[int, ...] | None = None
    size: tuple[int, ...] | None = None
    mode: str | None = None
    #: ``crop to=LABEL`` (the label is also the layer's operand, so its shape reaches the kind)
    target: str | None = None
    #: Keras ``BatchNormalization(scale=, center=)``: gamma and beta
    scale: bool = True
    center: bool = True
    #: flags: ``instancenorm affine``, ``prelu per_channel``, ``output`` (a network output)
    affine: bool = False
    per_channel: bool = False
    output: bool = False
    columns: dict[str, int] = field(default_factory=dict, compare=False)
    #: the statement as written (label, kind, values); the same text always parses to
    #: the same layer, so the analysis keys its memo on it
    text: str = field(default="", compare=False)

    def column_of(self, key: str) -> int:
        """Column of a key's text, falling back to the layer's kind."""
        return self.columns.get(key, self.column)


@dataclass(frozen=True, kw_only=True, slots=True)
class Repeat:
    """``repeat N { ... }``: the body runs ``count`` times, each with its own label scope."""

    line: int
    column: int
    count: int
    body: tuple[Node, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Block(Repeat):
    """``block NAME { ... }``: a named group of layers, run once (``count`` is always 1).

    A grouping, not a scope (as a PyTorch module or a Keras block reads to their users):
    labels defined inside stay visible after the block, and must be unique in the enclosing
    scope. The summary collapses a block to one row with ``--depth``. It is a :class:`Repeat`
    of one so that every stage that walks repeats handles it unchanged."""

    name: str


Node = Union[LayerSpec, Repeat]


@dataclass(frozen=True, kw_only=True, slots=True)
class InputSpec:
    """``input DIMS``: spatial dims (ints or symbol names) then channels; one dim = flat vector."""

    line: int
    column: int
    dims: tuple[int | str, ...]
    #: the file's own dims when ``--input`` replaced them (the analysis warns of a rank change)
    written: tuple[int | str, ...] | None = None

    @property
    def is_flat(self) -> bool:
        return len(self.dims) == 1

    def __str__(self) -> str:
        return "x".join(str(d) for d in self.dims)


@dataclass(frozen=True, kw_only=True, slots=True)
class Arch:
    """A whole architecture: where it came from, its input and its body."""

    source: str
    input: InputSpec
    body: tuple[Node, ...]
