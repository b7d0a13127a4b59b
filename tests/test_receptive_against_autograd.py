"""Receptive fields measured with autograd (skipped when torch is absent).

For a random stack of convs and average pools (all weights 1, so nothing cancels),
the input positions with a non-zero gradient for one output unit lie within the unit's
receptive field ``[u*j - P_eff, u*j - P_eff + r - 1]``, and fill it (clipped to the input)
when no layer after the first pads and nothing leaves holes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc import analyze, parse
from cnncalc.errors import ShapeError
from cnncalc.receptive import Field
from tests.oracle import functional, nn, torch


@st.composite
def stacks(draw: st.DrawFn) -> tuple[int, list[dict[str, int | str]]]:
    size = draw(st.integers(8, 40))
    layers = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["conv", "conv", "avgpool"]))
        kernel = draw(st.integers(1, 4))
        layer: dict[str, int | str] = {
            "kind": kind,
            "F": kernel,
            "S": draw(st.integers(1, 3)),
            "Ps": draw(st.integers(0, kernel // 2)),
            "Pe": draw(st.integers(0, kernel // 2)),
            "D": draw(st.integers(1, 2)) if kind == "conv" else 1,
        }
        layers.append(layer)
    return size, layers


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks(), st.data())
def test_field_equals_gradient_support(case: tuple[int, list[dict[str, int | str]]], data: st.DataObject) -> None:
    size, layers = case
    text = [f"input {size}x1"]
    for layer in layers:
        extra = f" K=1 D={layer['D']}" if layer["kind"] == "conv" else ""
        text.append(f"{layer['kind']} F={layer['F']} S={layer['S']} P={layer['Ps']}:{layer['Pe']}{extra}")
    try:
        report = analyze(parse("\n".join(text) + "\n", "t.arch"))
    except ShapeError:
        return
    field = report.rows[-1].receptive_field
    assert isinstance(field, Field)
    out_size = int(report.rows[-1].output_shape.spatial[0])
    unit = data.draw(st.integers(0, out_size - 1))

    x = torch.zeros(1, 1, size, requires_grad=True)
    y = x
    for layer in layers:
        y = functional.pad(y, [int(layer["Ps"]), int(layer["Pe"])])
        if layer["kind"] == "conv":
            conv = nn.Conv1d(1, 1, int(layer["F"]), stride=int(layer["S"]), dilation=int(layer["D"]), bias=False)
            nn.init.ones_(conv.weight)
            y = conv(y)
        else:
            y = functional.avg_pool1d(y, int(layer["F"]), stride=int(layer["S"]))
    assert y.shape[-1] == out_size
    y[0, 0, unit].backward()
    assert x.grad is not None
    seen = [i for i in range(size) if x.grad[0, 0, i] != 0]

    first = unit * field.jump[0] - field.padding[0]
    expected = [i for i in range(first, first + field.size[0]) if 0 <= i < size]
    # The support always lies within the field. Padding added by a later layer is part
    # of the field's grid but depends on no input pixel, so only without such padding
    # are the ends of the field (inside the input) real taps; and only without holes
    # (dilation, or a stride larger than the window) is every position in between.
    assert set(seen) <= set(expected)
    if any(int(layer["Ps"]) or int(layer["Pe"]) for layer in layers[1:]):
        return
    last = first + field.size[0] - 1
    if first >= 0:
        assert seen[0] == first
    if last < size:
        assert seen[-1] == last
    if all(layer["D"] == 1 for layer in layers) and all(int(layer["S"]) <= int(layer["F"]) for layer in layers):
        assert seen == expected
