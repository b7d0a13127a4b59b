"""The .arch text format: every form DESIGN.md §1 allows parses to the intended values."""

from __future__ import annotations

import pytest

from cnncalc import parse
from cnncalc.model import LayerSpec, Padding, Repeat


def layer(line: str, dims: str = "32x32x3") -> LayerSpec:
    node = parse(f"input {dims}\n{line}\n", "t.arch").body[0]
    assert isinstance(node, LayerSpec)
    return node


def test_keys_and_long_aliases_mean_the_same() -> None:
    short = layer("conv K=8 F=3x5 S=2 P=1 D=2 G=1 bias=no trainable=no")
    long = layer("conv filters=8 kernel=3x5 stride=2 padding=1 dilation=2 groups=1 bias=false trainable=0")
    assert short == long
    assert short.kernel == (3, 5) and short.stride == (2,) and short.dilation == (2,)
    assert short.bias is False and short.trainable is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", Padding(pairs=((2, 2),))),
        ("1x2", Padding(pairs=((1, 1), (2, 2)))),
        ("0:1", Padding(pairs=((0, 1),))),
        ("0:1x1:0", Padding(pairs=((0, 1), (1, 0)))),
        ("1x0:1", Padding(pairs=((1, 1), (0, 1)))),
        ("valid", Padding(mode="valid")),
        ("same", Padding(mode="same")),
        ("SAME", Padding(mode="same")),
        ("full", Padding(mode="full")),
    ],
)
def test_padding_forms(text: str, expected: Padding) -> None:
    assert layer(f"conv K=1 F=3 P={text}").padding == expected


def test_kind_aliases_and_case() -> None:
    assert layer("Conv2D K=1 F=1").kind == "conv"
    assert layer("convT K=1 F=2").kind == "deconv"
    assert layer("depthwise F=3").kind == "dwconv"
    assert layer("dense 10").kind == "fc" and layer("linear 10").units == 10
    assert layer("batchnorm").kind == "bn"


def test_labels_from_flags_and_operands() -> None:
    arch = parse("input 8x8x4\na: relu\nb: maxpool F=2 S=1 ceil from=a\nconcat a\n", "t.arch")
    a, b, c = arch.body
    assert isinstance(a, LayerSpec) and a.label == "a"
    assert isinstance(b, LayerSpec) and b.source == "a" and b.ceil is True and b.label == "b"
    assert isinstance(c, LayerSpec) and c.operands == ("a",)
    assert layer("x:relu").label == "x"  # a label glued to its kind


def test_comments_blank_lines_crlf_tabs_bom_and_lone_cr() -> None:
    text = "\ufeff# a net\r\n\r\ninput\t8x8x1   # input\r\n\tconv\tK=2\tF=3\rrelu\n"
    arch = parse(text, "t.arch")
    assert arch.input.dims == (8, 8, 1)
    assert [n.kind for n in arch.body if isinstance(n, LayerSpec)] == ["conv", "relu"]


def test_repeat_blocks_nest_and_fit_on_one_line() -> None:
    arch = parse("input 8x8x1\nrepeat 2 {\n  relu\n  repeat 3 { x: relu\n add x }\n}\nrepeat 4{relu}\n", "t.arch")
    outer, last = arch.body
    assert isinstance(outer, Repeat) and outer.count == 2
    inner = outer.body[1]
    assert isinstance(inner, Repeat) and inner.count == 3 and len(inner.body) == 2
    assert isinstance(last, Repeat) and last.count == 4
    # '{' may also open on the next line
    braced = parse("input 8x8x1\nrepeat 2\n{\nrelu\n}\n", "t.arch").body[0]
    assert isinstance(braced, Repeat) and braced.count == 2


@pytest.mark.parametrize(
    ("dims", "expected"),
    [
        ("100x16", (100, 16)),
        ("224x224x3", (224, 224, 3)),
        ("16x112x112x3", (16, 112, 112, 3)),
        ("784", (784,)),
        ("NxNx3", ("N", "N", 3)),
        ("HxWx3", ("H", "W", 3)),
        ("1000000000000000000x3", (10**18, 3)),
    ],
)
def test_input_dims(dims: str, expected: tuple[int | str, ...]) -> None:
    assert parse(f"input {dims}\nrelu\n", "t.arch").input.dims == expected


def test_dropout_rate_is_exact() -> None:
    from fractions import Fraction

    assert layer("dropout rate=0.3").rate == Fraction(3, 10)


def test_input_only_is_a_valid_empty_network() -> None:
    assert parse("input 8x8x1\n", "t.arch").body == ()


def test_the_layer_limit_is_met_while_parsing_at_the_layer_that_passes_it() -> None:
    """Repeats multiply (1000 x 1001 > 1,000,000): the error points at the layer inside, before
    the file's end is read (the later lines are never parsed)."""
    from cnncalc.arch.reader import parse as parse_text
    from cnncalc.errors import ArchError

    text = "input 8x8x3\nrepeat 1000 {\nrepeat 1001 {\nrelu\n}\n}\n" + "conv K=?? broken\n" * 3
    with pytest.raises(ArchError) as caught:
        parse_text(text, "net.arch")
    assert caught.value.render().startswith("net.arch:4:1: error: with this layer the architecture unrolls to more")


def test_a_flood_of_lines_stops_at_the_first_layer_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # the limit lowered: the same check as at 1,000,000 layers, in a fraction of the time
    from cnncalc.arch import reader
    from cnncalc.errors import ArchError

    monkeypatch.setattr(reader, "MAX_LAYERS", 10_000)
    flood = "input 8x8x3\n" + "relu\n" * 50_000
    with pytest.raises(ArchError) as flooded:
        reader.parse(flood, "flood.arch")
    assert str(flooded.value.location) == "flood.arch:10002:1"


def test_a_source_is_read_in_chunks_up_to_its_limit() -> None:
    import io

    from cnncalc.arch.source import read_bounded
    from cnncalc.limits import LimitError

    assert read_bounded(io.BytesIO(b"x" * 100), "a.arch", limit=100) == b"x" * 100
    with pytest.raises(LimitError) as caught:
        read_bounded(io.BytesIO(b"x" * 101), "a.arch", limit=100)
    assert caught.value.render().startswith("error: 'a.arch' holds more than 100 bytes")
