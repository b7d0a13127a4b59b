"""The JSON form is bounded as the text form is: layers counted while the document is walked
(refused at the layer that passes the limit, with its line and column), nesting refused in one
error, and the same network in both forms gives the same report.

Positions are worked out here from the document's own text (``str.index``), never by cnncalc.
"""

from __future__ import annotations

import json

import pytest

import cnncalc
from cnncalc.arch import reader
from cnncalc.arch.json_arch import parse_json
from cnncalc.arch.source import parse_text
from cnncalc.errors import ArchError
from cnncalc.model import LayerSpec, Repeat
from cnncalc.render.json_report import summary_json

LIMIT_MESSAGE = (
    "error: with this layer the architecture unrolls to more than {limit:,} layers, the most cnncalc handles "
    "(hint: the limit is fixed; check the repeat counts)"
)


def _error(text: str, source: str = "n.json") -> str:
    with pytest.raises(ArchError) as caught:
        parse_json(text, source)
    return caught.value.render()


def _place(text: str, offset: int) -> str:
    """``line:column`` of an offset, 1-based, by counting the text itself."""
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def test_repeats_multiply_and_the_limit_is_met_at_the_layer_inside() -> None:
    # 1000 x 1001 > 1,000,000: refused at the relu, before the broken layer after it is read
    text = (
        '{"input": "8x8x3", "layers": [{"kind": "repeat", "count": 1000, "layers": '
        '[{"kind": "repeat", "count": 1001, "layers": [{"kind": "relu"}]}]}, {"kind": "conv", "K": "??"}]}'
    )
    relu = text.index('{"kind": "relu"')
    assert _error(text) == f"n.json:{_place(text, relu)}: " + LIMIT_MESSAGE.format(limit=1_000_000)


def test_a_flood_of_objects_stops_at_the_first_layer_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # the limit lowered (the same check as at 1,000,000 layers, in a fraction of the time); one
    # object per line, then everything on one line; the rest of the file (broken) is never read
    monkeypatch.setattr(reader, "MAX_LAYERS", 10_000)
    lines = '{"input": "8x8x3", "layers": [\n' + ",\n".join(['{"kind": "relu"}'] * 50_000) + ",\n{broken"
    assert _error(lines) == "n.json:10002:1: " + LIMIT_MESSAGE.format(limit=10_000)
    one_line = '{"input":"8x8x3","layers":[' + ",".join(['{"kind":"relu"}'] * 50_000) + ",{broken"
    column = len('{"input":"8x8x3","layers":[') + 10_000 * len('{"kind":"relu"},') + 1
    assert _error(one_line) == f"n.json:1:{column}: " + LIMIT_MESSAGE.format(limit=10_000)


def test_at_the_limit_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_LAYERS", 12)
    text = (
        '{"input": "8x8x3", "layers": [{"kind": "repeat", "count": 4, "layers": [{"kind": "relu"}, {"kind": "gelu"}]}, '
    )
    arch = parse_json(text + '{"kind": "relu"}, {"kind": "relu"}, {"kind": "relu"}, {"kind": "relu"}]}', "n.json")
    assert isinstance(arch.body[0], Repeat) and len(arch.body) == 5
    assert "unrolls to more than 12 layers" in _error(text + ", ".join(['{"kind": "relu"}'] * 5) + "]}")


def test_a_count_written_after_its_layers_still_multiplies() -> None:
    text = '{"input": "8x8x1", "layers": [{"layers": [{"kind": "relu"}], "kind": "repeat", "count": 1000001}]}'
    repeat = text.index('{"layers"')
    assert _error(text) == (
        f"n.json:{_place(text, repeat)}: error: "
        "with this repeat the architecture unrolls to more than 1,000,000 layers, the most cnncalc handles "
        "(hint: the limit is fixed; check the repeat counts)"
    )
    fine = parse_json(text.replace("1000001", "3"), "n.json")
    assert isinstance(fine.body[0], Repeat) and fine.body[0].count == 3


def test_a_block_written_kind_last_shares_the_enclosing_labels() -> None:
    text = (
        '{"input": "8x8x1", "layers": [{"kind": "relu", "label": "x"}, '
        '{"layers": [{"kind": "relu", "label": "x"}], "name": "b", "kind": "block"}]}'
    )
    assert "label 'x' is already defined in this scope" in _error(text)
    ok = parse_json(text.replace('"label": "x"}], "name"', '"label": "y"}], "name"') + "", "n.json")
    assert len(ok.body) == 2


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"input": ' + "[" * 100_000 + "]" * 100_000 + ', "layers": []}',
        '{"input": "8x8x1", "layers": [' + "[" * 100_000 + "]" * 100_000 + "]}",
        '{"input": "8x8x1", "layers": [{"kind": "relu", "x": ' + "[" * 100_000 + "]" * 100_000 + "}]}",
        '{"input": "8x8x1", "layers": [{"kind": "relu", "x": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}]}",
    ],
    ids=["document", "input", "layer", "value", "objects"],
)
def test_100000_nested_arrays_are_one_error(text: str) -> None:
    message = _error(text)
    assert "error: JSON nests too deeply" in message and "\n" not in message


def test_repeats_nest_at_most_100_deep() -> None:
    text = (
        '{"input": "8x8x1", "layers": '
        + '[{"kind": "repeat", "count": 1, "layers": ' * 10_000
        + '[{"kind": "relu"}]'
        + "}]" * 10_000
        + "}"
    )
    assert "error: repeat blocks nest deeper than 100" in _error(text)


def test_only_repeat_and_block_take_layers() -> None:
    text = '{"input": "8x8x1", "layers": [{"kind": "conv", "K": 1, "F": 1, "layers": [{"kind": "relu"}]}]}'
    assert _error(text) == (
        "n.json:1:31: error: bad value for 'layers': a list of layers (hint: only repeat and block take layers)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"input": "8x8x1", "layers": [{"kind": "relu"} {"kind": "relu"}]}',
            "1:48: error: invalid JSON: Expecting ',' delimiter",
        ),
        ('{"input": "8x8x1", "layers": [{"kind": "relu"}]} x', "1:50: error: invalid JSON: Extra data"),
        ('{"input": "8x8x1", "layers": [{"kind": "relu", "kind": "gelu"}]}', "key 'kind' is given twice"),
        ('{"input": "8x8x1",\n "layers": [{"kind": "relu",}]}', "2:29: error: invalid JSON: Expecting property name"),
        ('[{"kind": "input", "shape": [8, 8, 1]},]', "1:40: error: invalid JSON: Expecting value"),
    ],
)
def test_invalid_json_is_one_line_at_its_place(text: str, message: str) -> None:
    assert message in _error(text)


def test_identical_objects_are_the_same_layer_at_their_own_places() -> None:
    text = '{"input": "8x8x1", "layers": [{"kind": "conv", "K": 2, "F": 3},\n  {"kind": "conv", "K": 2, "F": 3}]}'
    first, second = parse_json(text, "n.json").body
    assert isinstance(first, LayerSpec) and isinstance(second, LayerSpec)
    assert (first.line, first.column, second.line, second.column) == (1, 31, 2, 3)
    assert [first.column_of(k) for k in ("kind", "K", "F")] == [31, 31, 31]
    assert [second.column_of(k) for k in ("kind", "K", "F")] == [3, 3, 3]
    assert (first.kind, first.filters, first.kernel, first.text) == (
        second.kind,
        second.filters,
        second.kernel,
        "conv K=2 F=3",
    )


def _as_json(arch: cnncalc.Arch) -> object:
    """The text form's layers written as JSON objects, from their statements' words."""
    from cnncalc.layers import lookup
    from cnncalc.model import Block

    def node(n: object) -> object:
        if isinstance(n, Block):
            return {"kind": "block", "name": n.name, "layers": [node(x) for x in n.body]}
        if isinstance(n, Repeat):
            return {"kind": "repeat", "count": n.count, "layers": [node(x) for x in n.body]}
        assert isinstance(n, LayerSpec)
        words = n.text.split()
        obj: dict[str, object] = {}
        if words[0].endswith(":"):
            obj["label"] = words.pop(0)[:-1]
        obj = {"kind": words[0], **obj}
        kind = lookup(words[0])
        assert kind is not None
        inputs = []
        for word in words[1:]:
            key, equals, value = word.partition("=")
            if equals:
                obj[key] = value
            elif word in kind.flags or word == "output":
                obj[word] = True
            elif kind.positional == "operands":
                inputs.append(word)
            else:
                obj["N"] = word
        if inputs:
            obj["inputs"] = inputs
        return obj

    return {"input": "x".join(map(str, arch.input.dims)), "layers": [node(x) for x in arch.body]}


@pytest.mark.parametrize("name", ["zoo:resnet18", "zoo:googlenet", "zoo:unet", "examples/inception_module.arch"])
def test_both_forms_give_the_same_report(name: str) -> None:
    from cnncalc.arch.source import read_source

    text, source = read_source(name)
    from_text = summary_json(cnncalc.analyze(parse_text(text, source)))
    document = json.dumps(_as_json(parse_text(text, source)), indent=1)
    from_json = summary_json(cnncalc.analyze(parse_text(document, source)))
    for report in (from_text, from_json):
        for row in report["layers"]:
            row.pop("line", None)
    assert json.dumps(from_json, sort_keys=True) == json.dumps(from_text, sort_keys=True)


def test_a_lowered_recursion_limit_is_still_one_error() -> None:
    # 90 nested repeats are allowed, but not within 150 frames of this one: one error, not a RecursionError
    import sys

    depth, frame = 0, sys._getframe()
    while frame.f_back is not None:
        depth, frame = depth + 1, frame.f_back
    text = (
        '{"input": "8x8x1", "layers": '
        + '[{"kind": "repeat", "count": 1, "layers": ' * 90
        + '[{"kind": "relu"}]'
        + "}]" * 90
        + "}"
    )
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 150)
    try:
        message = _error(text)
    finally:
        sys.setrecursionlimit(old)
    assert message == "n.json:1:1: error: JSON nests too deeply"
    assert len(parse_json(text, "n.json").body) == 1
