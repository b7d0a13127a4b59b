"""Receptive fields through the modern vocabulary, measured with autograd (skipped when torch is absent).

As in ``test_receptive_against_autograd.py``: the input positions with a non-zero gradient
for one output unit lie within the unit's field ``[u*j - P_eff, u*j - P_eff + r - 1]``, and
reach its ends (clipped to the input) when no layer after the first pads. The stacks here
mix convs and average pools with ``pad``, ``crop``, ``slice``, ``shuffle`` and the norms.

Weights are positive and every op is linear in its input, so no gradient cancels. A norm's
statistics are not part of the field (DESIGN.md §8, as for ``bn``): the norms run with their
statistics held constant (``detach``), which is how an eval-mode ``bn`` uses its running
statistics; each such norm is checked to compute what the PyTorch module computes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cnncalc import analyze, parse
from cnncalc.receptive import Field
from tests.oracle import functional, nn, torch
from tests.torchvision_oracle import models

channel_shuffle = models.shufflenetv2.channel_shuffle
EPS = 1e-5


# --- norms with their statistics held constant --------------------------------------------


def group_norm_constant_statistics(x: Any, groups: int) -> Any:
    """GroupNorm(G, C) (weight 1, bias 0) whose mean and variance do not carry gradient."""
    grouped = x.reshape(x.shape[0], groups, -1)
    mean = grouped.mean(dim=-1, keepdim=True).detach()
    var = grouped.var(dim=-1, unbiased=False, keepdim=True).detach()
    return ((grouped - mean) / torch.sqrt(var + EPS)).reshape(x.shape)


def layer_norm_constant_statistics(x: Any) -> Any:
    """ConvNeXt's LayerNorm2d / channels-last LayerNorm(C): over the channels at each position."""
    mean = x.mean(dim=1, keepdim=True).detach()
    var = x.var(dim=1, unbiased=False, keepdim=True).detach()
    return (x - mean) / torch.sqrt(var + EPS)


def instance_norm_constant_statistics(x: Any) -> Any:
    return group_norm_constant_statistics(x, x.shape[1])


def test_the_norms_compute_what_pytorch_computes() -> None:
    torch.manual_seed(0)
    x = torch.randn(1, 6, 5, 7)
    torch.testing.assert_close(group_norm_constant_statistics(x, 3), nn.GroupNorm(3, 6)(x))
    torch.testing.assert_close(layer_norm_constant_statistics(x), models.convnext.LayerNorm2d(6)(x))
    torch.testing.assert_close(instance_norm_constant_statistics(x), nn.InstanceNorm2d(6)(x))


# --- random 1-D stacks ---------------------------------------------------------------------

Layer = dict[str, Any]
STACKED = ("conv", "conv", "avgpool", "pad", "crop", "slice", "shuffle", "groupnorm", "layernorm", "bn", "instancenorm")


@st.composite
def stacks(draw: st.DrawFn) -> tuple[int, list[Layer]]:
    size = draw(st.integers(10, 40))
    channels = 4
    layers: list[Layer] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(STACKED))
        layer: Layer = {"kind": kind, "Ps": 0, "Pe": 0}
        if kind in ("conv", "avgpool"):
            kernel = draw(st.integers(1, 4))
            layer |= {"F": kernel, "S": draw(st.integers(1, 3)), "D": draw(st.integers(1, 2)) if kind == "conv" else 1}
            layer |= {"Ps": draw(st.integers(0, kernel // 2)), "Pe": draw(st.integers(0, kernel // 2))}
            channels = 4 if kind == "conv" else channels
        elif kind in ("pad", "crop"):
            layer |= {"Ps": draw(st.integers(0, 3)), "Pe": draw(st.integers(0, 3))}
        elif kind == "slice":
            first = draw(st.integers(0, channels - 1))
            end = draw(st.integers(first + 1, channels))
            layer |= {"A": first, "B": end}
            channels = end - first
        else:  # shuffle, groupnorm: G divides C; the other norms
            layer["G"] = draw(st.sampled_from([g for g in (1, 2, 4) if channels % g == 0]))
        layers.append(layer)
    return size, layers


def _line(layer: Layer) -> str:
    kind = layer["kind"]
    if kind == "conv":
        return f"conv K=4 F={layer['F']} S={layer['S']} D={layer['D']} P={layer['Ps']}:{layer['Pe']}"
    if kind == "avgpool":
        return f"avgpool F={layer['F']} S={layer['S']} P={layer['Ps']}:{layer['Pe']}"
    if kind in ("pad", "crop"):
        return f"{kind} P={layer['Ps']}:{layer['Pe']}"
    if kind == "slice":
        return f"slice channels={layer['A']}:{layer['B']}"
    if kind in ("shuffle", "groupnorm"):
        return f"{kind} G={layer['G']}"
    return str(kind)


def _run(layer: Layer, y: Any) -> Any:
    kind = layer["kind"]
    if kind == "conv":
        conv = nn.Conv1d(y.shape[1], 4, layer["F"], stride=layer["S"], dilation=layer["D"], bias=False)
        with torch.no_grad():
            conv.weight.uniform_(0.5, 1.5)
        return conv(functional.pad(y, [layer["Ps"], layer["Pe"]]))
    if kind == "avgpool":
        return functional.avg_pool1d(functional.pad(y, [layer["Ps"], layer["Pe"]]), layer["F"], stride=layer["S"])
    if kind == "pad":
        return functional.pad(y, [layer["Ps"], layer["Pe"]])
    if kind == "crop":
        return functional.pad(y, [-layer["Ps"], -layer["Pe"]])
    if kind == "slice":
        return y.narrow(1, layer["A"], layer["B"] - layer["A"])
    if kind == "shuffle":  # torchvision's channel_shuffle is written for N x C x H x W
        return channel_shuffle(y.unsqueeze(-1), layer["G"]).squeeze(-1)
    if kind == "groupnorm":
        return group_norm_constant_statistics(y, layer["G"])
    if kind == "instancenorm":
        return instance_norm_constant_statistics(y)
    if kind == "bn":  # eval mode: the running statistics, a per-channel scale and shift
        norm = nn.BatchNorm1d(y.shape[1]).eval()
        with torch.no_grad():
            norm.running_var.uniform_(0.5, 2.0)
        return norm(y)
    return layer_norm_constant_statistics(y)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks(), st.data())
def test_field_equals_gradient_support(case: tuple[int, list[Layer]], data: st.DataObject) -> None:
    size, layers = case
    text = f"input {size}x4\n" + "\n".join(_line(layer) for layer in layers) + "\n"
    try:
        report = analyze(parse(text, "t.arch"))
    except Exception as error:  # a crop or a window too large for what is left: PyTorch refuses it as well
        assert type(error).__name__ == "ShapeError", error
        event("refused (a crop or window too large)")
        return
    field = report.rows[-1].receptive_field
    assert isinstance(field, Field)
    out_size = int(report.rows[-1].output_shape.spatial[0])
    unit = data.draw(st.integers(0, out_size - 1))
    channel = data.draw(st.integers(0, int(report.rows[-1].output_shape.channels) - 1))

    torch.manual_seed(0)
    x = torch.rand(1, 4, size, requires_grad=True)
    y = x
    for layer in layers:
        y = _run(layer, y)
    assert [*y.shape[2:], y.shape[1]] == [int(d) for d in report.rows[-1].output_shape.as_list()]
    y[0, channel, unit].backward()
    assert x.grad is not None
    seen = [i for i in range(size) if bool((x.grad[0, :, i] != 0).any())]

    first = unit * field.jump[0] - int(field.padding[0])
    expected = [i for i in range(first, first + field.size[0]) if 0 <= i < size]
    assert set(seen) <= set(expected), text
    if not expected:  # a unit made of padding only (a leading pad's zeros)
        event("padding only")
        return
    if any(layer["kind"] != "crop" and (layer["Ps"] or layer["Pe"]) for layer in layers[1:]):
        event("within the field")
        return  # later padding is part of the field's grid but depends on no input position
    last = first + field.size[0] - 1
    if first >= 0:
        assert seen[0] == first, text
    if last < size:
        assert seen[-1] == last, text
    if all(layer.get("D", 1) == 1 and layer.get("S", 1) <= layer.get("F", 1) for layer in layers):
        event("equal to the field")
        assert seen == expected, text


# --- 2-D networks with branches ------------------------------------------------------------


def support(x: Any, y: Any, index: Sequence[int]) -> tuple[list[int], list[int]]:
    """Rows and columns of the input that output ``index`` (channel, row, column) depends on."""
    y[tuple([0, *index])].backward()
    assert x.grad is not None
    touched = (x.grad[0] != 0).any(dim=0)
    return (
        [i for i in range(touched.shape[0]) if bool(touched[i].any())],
        [j for j in range(touched.shape[1]) if bool(touched[:, j].any())],
    )


def field_span(field: Field, unit: Sequence[int], size: Sequence[int]) -> tuple[list[int], ...]:
    spans = []
    for axis in range(2):
        first = unit[axis] * field.jump[axis] - int(field.padding[axis])
        spans.append([i for i in range(first, first + field.size[axis]) if 0 <= i < size[axis]])
    return tuple(spans)


def positive_conv(cin: int, cout: int, kernel: int, padding: int = 0, scale: float = 1.0) -> nn.Conv2d:
    conv = nn.Conv2d(cin, cout, kernel, padding=padding, bias=False)
    with torch.no_grad():
        conv.weight.uniform_(0.5 * scale, 1.5 * scale)
    return conv


UNET = """input 20x20x2
big: conv K=4 F=3 P=1
conv K=4 F=3
conv K=4 F=3 S=2
small: conv K=4 F=3
crop to=small from=big
"""


def centre_crop(x: Any, like: Any) -> Any:
    """The U-Net skip crop as milesial/Pytorch-UNet writes it: ``diff // 2`` at the start."""
    for axis in (2, 3):
        excess = x.shape[axis] - like.shape[axis]
        x = x.narrow(axis, excess // 2, like.shape[axis])
    return x


def test_crop_to_label_moves_the_field_like_the_unet_skip_crop() -> None:
    """big 20x20 -> three valid convs (one strided) -> small 6x6; big cropped at the centre to 6x6."""
    report = analyze(parse(UNET, "t.arch"))
    crop = report.rows[-1]
    field = crop.receptive_field
    assert isinstance(field, Field)
    out = [int(d) for d in crop.output_shape.spatial]
    for unit in ([0, 0], [out[0] - 1, out[1] - 1], [out[0] // 2, 1]):
        x = torch.rand(1, 2, 20, 20, requires_grad=True)
        big = positive_conv(2, 4, 3, padding=1)(x)
        small = positive_conv(4, 4, 3)(nn.Conv2d(4, 4, 3, stride=2)(positive_conv(4, 4, 3)(big)))
        cropped = centre_crop(big, small)
        assert list(cropped.shape[2:]) == out
        # the first layer pads, but no later one: the field's ends inside the input are real taps
        assert support(x, cropped, [0, *unit]) == field_span(field, unit, [20, 20])


def test_crop_with_explicit_sizes_and_pad_in_2d() -> None:
    text = "input 12x12x1\npad P=2:1x0:3\nconv K=1 F=3\ncrop P=1:0x2:1\nconv K=1 F=2\n"
    report = analyze(parse(text, "t.arch"))
    field = report.rows[-1].receptive_field
    assert isinstance(field, Field)
    out = [int(d) for d in report.rows[-1].output_shape.spatial]
    for unit in ([0, 0], [out[0] - 1, out[1] - 1], [3, 4]):
        x = torch.rand(1, 1, 12, 12, requires_grad=True)
        y = functional.pad(x, [0, 3, 2, 1])
        y = positive_conv(1, 1, 3)(y)
        y = functional.pad(y, [-2, -1, -1, 0])
        y = positive_conv(1, 1, 2)(y)
        assert list(y.shape[2:]) == out
        rows, cols = support(x, y, [0, *unit])
        want_rows, want_cols = field_span(field, unit, [12, 12])
        # the first pad comes first, so the field's ends inside the input are real taps
        assert (rows, cols) == (want_rows, want_cols)


SE = """input 12x12x4
x: conv K=4 F=3 P=1
gap
conv K=2 F=1
relu
conv K=4 F=1
sigmoid
mul x
conv K=3 F=3
"""


def _se_network(x: Any, detach_gate: bool) -> tuple[Any, Any]:
    torch.manual_seed(2)
    local = positive_conv(4, 4, 3, padding=1)(x)
    gate = torch.sigmoid(
        positive_conv(2, 4, 1, scale=0.01)(
            torch.relu(positive_conv(4, 2, 1, scale=0.01)(local.mean(dim=(2, 3), keepdim=True)))
        )
    )
    # small weights keep the sigmoid away from saturation, where its gradient would be 0
    if detach_gate:
        gate = gate.detach()  # the local path alone
    scaled = gate * local
    return scaled, positive_conv(4, 3, 3)(scaled)


def test_squeeze_excitation_keeps_the_local_field_and_notes_global_context(
    tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    report = analyze(parse(SE, "t.arch"))
    mul, after = report.rows[6], report.rows[7]
    assert mul.kind == "mul"
    assert mul.receptive_field == report.rows[0].receptive_field  # the local operand's field
    for row, pick in ((mul, 0), (after, 1)):
        field = row.receptive_field
        assert isinstance(field, Field)
        out = [int(d) for d in row.output_shape.spatial]
        for unit in ([0, 0], [out[0] - 1, out[1] - 1], [out[0] // 2, out[1] // 3]):
            x = torch.rand(1, 4, 12, 12, requires_grad=True)
            y = _se_network(x, detach_gate=True)[pick]
            assert list(y.shape[2:]) == out
            assert support(x, y, [0, *unit]) == field_span(field, unit, [12, 12])
            # with the gate's gradient, every position is seen: the global context
            x = torch.rand(1, 4, 12, 12, requires_grad=True)
            y = _se_network(x, detach_gate=False)[pick]
            assert support(x, y, [0, *unit]) == (list(range(12)), list(range(12)))

    path = tmp_path / "se.arch"
    path.write_text(SE, encoding="utf-8")
    result = run_cli("summary", "--json", str(path))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["layers"]
    assert rows[6]["kind"] == "mul"
    assert rows[6]["receptive_field"] == {
        "size": [3, 3],
        "jump": [1, 1],
        "effective_padding": [1, 1],
        "global_context": True,
    }
    assert rows[0]["receptive_field"]["global_context"] is False
    for command in ("summary", "receptive-field"):
        table = run_cli(command, str(path))
        assert table.exit_code == 0, table.output
        mul_line = next(line for line in table.stdout.splitlines() if line.split()[1:2] == ["mul"])
        assert "3×3 + global" in mul_line
