"""Every windowed kind against the real PyTorch module (skipped when torch is absent).

For random configurations in 1-D, 2-D and 3-D: the output shape, the trainable
parameter count and the MACs (FlopCounterMode's FLOPs / 2) must equal PyTorch's,
and cnncalc must refuse exactly the configurations PyTorch refuses.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc import analyze, parse
from cnncalc.errors import ShapeError
from cnncalc.render.diagnostics import describe
from tests.oracle import AVGPOOL, BATCHNORM, CONV, DECONV, MAXPOOL, functional, measure, nn, torch

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _dims(values: list[int]) -> str:
    return "x".join(map(str, values))


def _cnncalc(input_dims: list[int], line: str) -> dict[str, Any]:
    report = analyze(parse(f"input {_dims(input_dims)}\n{line}\n", "t.arch"))
    row = report.rows[0]
    return {"shape": [int(d) for d in row.output_shape.as_list()], "params": row.trainable_params, "macs": row.macs}


@st.composite
def conv_cases(draw: st.DrawFn) -> dict[str, Any]:
    rank = draw(st.integers(1, 3))
    small = rank == 3
    spatial = [draw(st.integers(1, 9 if small else 16)) for _ in range(rank)]
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    channels = groups * draw(st.integers(1, 3))
    filters = groups * draw(st.integers(1, 3))
    kernel = [draw(st.integers(1, 4)) for _ in range(rank)]
    stride = [draw(st.integers(1, 3)) for _ in range(rank)]
    dilation = [draw(st.integers(1, 2)) for _ in range(rank)]
    padding = [(draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(rank)]
    bias = draw(st.booleans())
    return {
        "rank": rank,
        "spatial": spatial,
        "channels": channels,
        "filters": filters,
        "groups": groups,
        "kernel": kernel,
        "stride": stride,
        "dilation": dilation,
        "padding": padding,
        "bias": bias,
    }


@SETTINGS
@given(conv_cases())
def test_conv_matches_pytorch(case: dict[str, Any]) -> None:
    c = case
    pad_text = "x".join(f"{s}:{e}" for s, e in c["padding"])
    line = (
        f"conv K={c['filters']} F={_dims(c['kernel'])} S={_dims(c['stride'])} D={_dims(c['dilation'])}"
        f" G={c['groups']} P={pad_text} bias={'yes' if c['bias'] else 'no'}"
    )
    module = CONV[c["rank"]](
        c["channels"],
        c["filters"],
        c["kernel"],
        stride=c["stride"],
        dilation=c["dilation"],
        groups=c["groups"],
        bias=c["bias"],
    )
    _compare(c["spatial"] + [c["channels"]], line, module, c["spatial"], c["channels"], c["padding"])


@SETTINGS
@given(conv_cases(), st.integers(1, 3))
def test_dwconv_matches_pytorch_grouped_conv(case: dict[str, Any], multiplier: int) -> None:
    c = case
    pad_text = "x".join(f"{s}:{e}" for s, e in c["padding"])
    line = f"dwconv M={multiplier} F={_dims(c['kernel'])} S={_dims(c['stride'])} D={_dims(c['dilation'])} P={pad_text}"
    channels = c["channels"]
    module = CONV[c["rank"]](
        channels, channels * multiplier, c["kernel"], stride=c["stride"], dilation=c["dilation"], groups=channels
    )
    _compare(c["spatial"] + [channels], line, module, c["spatial"], channels, c["padding"])


@SETTINGS
@given(conv_cases(), st.data())
def test_deconv_matches_pytorch(case: dict[str, Any], data: st.DataObject) -> None:
    c = case
    rank = c["rank"]
    pads = [data.draw(st.integers(0, 3)) for _ in range(rank)]
    extra = [data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(c["stride"], c["dilation"], strict=True)]
    line = (
        f"deconv K={c['filters']} F={_dims(c['kernel'])} S={_dims(c['stride'])} D={_dims(c['dilation'])}"
        f" G={c['groups']} P={_dims(pads)} OP={_dims(extra)} bias={'yes' if c['bias'] else 'no'}"
    )
    module = DECONV[rank](
        c["channels"],
        c["filters"],
        c["kernel"],
        stride=c["stride"],
        padding=pads,
        output_padding=extra,
        dilation=c["dilation"],
        groups=c["groups"],
        bias=c["bias"],
    )
    _compare(c["spatial"] + [c["channels"]], line, module, c["spatial"], c["channels"], None)


@SETTINGS
@given(conv_cases(), st.booleans(), st.sampled_from(["max", "avg"]))
def test_pooling_matches_pytorch(case: dict[str, Any], ceil_mode: bool, op: str) -> None:
    c = case
    rank = c["rank"]
    kernel = c["kernel"]
    pads = [min(p, k // 2) for (p, _), k in zip(c["padding"], kernel, strict=True)]  # PyTorch's limit: half the window
    dilation = c["dilation"] if op == "max" else [1] * rank
    line = f"{op}pool F={_dims(kernel)} S={_dims(c['stride'])} P={_dims(pads)}" + (" ceil" if ceil_mode else "")
    if op == "max":
        line += f" D={_dims(dilation)}"
        module: nn.Module = MAXPOOL[rank](
            kernel, stride=c["stride"], padding=pads, dilation=dilation, ceil_mode=ceil_mode
        )
    else:
        module = AVGPOOL[rank](kernel, stride=c["stride"], padding=pads, ceil_mode=ceil_mode)
        if rank == 3 and any(k > i for k, i in zip(kernel, c["spatial"], strict=True)):
            # PyTorch's AvgPool3d alone refuses a window larger than the unpadded input,
            # which its 1-D/2-D and max siblings accept; cnncalc computes it and warns.
            try:
                report = analyze(parse(f"input {_dims(c['spatial'] + [1])}\n{line}\n", "t.arch"))
            except ShapeError:
                return  # refused by both
            assert any("AvgPool3d" in describe(w) for w in report.rows[0].warnings)
            return
    _compare(c["spatial"] + [c["channels"]], line, module, c["spatial"], c["channels"], None)


@SETTINGS
@given(st.lists(st.integers(1, 6), min_size=0, max_size=3), st.integers(1, 5), st.integers(1, 7), st.booleans())
def test_fc_matches_pytorch_linear(spatial: list[int], channels: int, units: int, bias: bool) -> None:
    dims = [*spatial, channels]
    ours = _cnncalc(dims, f"fc {units} bias={'yes' if bias else 'no'}")
    module = nn.Sequential(nn.Flatten(), nn.Linear(channels * _prod(spatial), units, bias=bias))
    theirs = measure(module, spatial, channels)
    assert ours == {"shape": [units], "params": theirs.params, "macs": theirs.flops // 2}


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_batchnorm_params_match_pytorch(rank: int) -> None:
    module = BATCHNORM[rank](24)
    report = analyze(parse(f"input {'x'.join(['5'] * rank)}x24\nbn\n", "t.arch"))
    row = report.rows[0]
    assert row.trainable_params == sum(p.numel() for p in module.parameters())
    running = module.running_mean.numel() + module.running_var.numel()  # Keras' non-trainable pair
    assert row.non_trainable_params == running


@SETTINGS
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 5), st.integers(1, 3))
def test_same_at_stride_one_splits_like_pytorch(height: int, width: int, kernel: int, dilation: int) -> None:
    """PyTorch's padding='same' (stride 1) computes the same values as cnncalc's resolved (start, end)."""
    report = analyze(parse(f"input {height}x{width}x1\nconv K=1 F={kernel} D={dilation} P=same\n", "t.arch"))
    window = report.rows[0].window
    assert window is not None
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 1, kernel, dilation=dilation, padding="same", bias=False)
    x = torch.randn(1, 1, height, width)
    flat = [p for pair in reversed(window.padding) for p in pair]
    manual = functional.conv2d(functional.pad(x, flat), conv.weight, dilation=dilation)
    assert torch.equal(conv(x), manual)


def _prod(values: list[int]) -> int:
    result = 1
    for v in values:
        result *= v
    return result


def _compare(
    dims: list[int], line: str, module: nn.Module, spatial: list[int], channels: int, pad: list[tuple[int, int]] | None
) -> None:
    try:
        theirs = measure(module, spatial, channels, pad)
        refused = 0 in theirs.shape  # an empty output is what DESIGN.md calls "O < 1"
    except RuntimeError:
        refused = True
    if refused:
        with pytest.raises(ShapeError):
            _cnncalc(dims, line)
        return
    ours = _cnncalc(dims, line)
    assert ours["shape"] == theirs.shape, line
    assert ours["params"] == theirs.params, line
    assert ours["macs"] * 2 == theirs.flops, line
