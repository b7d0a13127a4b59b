"""Reference values against PyTorch's (skipped without torch).

Small integer tensors keep float32 exact for conv, transposed conv and max pooling;
averages are compared to 1e-5. Padding is applied with F.pad for asymmetric cases.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.reference import Number, Tensor, conv, deconv, pool
from tests.oracle import functional, torch

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_values(data: st.DataObject, shape: list[int]) -> list[int]:
    count = 1
    for s in shape:
        count *= s
    return data.draw(st.lists(st.integers(-5, 5), min_size=count, max_size=count))


def to_torch(tensor: Tensor) -> Any:
    """(1, C, *spatial) float tensor from a reference tensor."""
    return torch.tensor([tensor.data[c] for c in range(tensor.channels)], dtype=torch.float32).reshape(
        1, tensor.channels, *tensor.spatial
    )


def from_torch(value: Any) -> list[list[float]]:
    return [value[0, c].flatten().tolist() for c in range(value.shape[1])]


@st.composite
def setups(draw: st.DrawFn) -> dict[str, Any]:
    rank = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 2]))
    return {
        "rank": rank,
        "spatial": [draw(st.integers(3, 6 if rank == 3 else 9)) for _ in range(rank)],
        "groups": groups,
        "channels": groups * draw(st.integers(1, 2)),
        "filters": groups * draw(st.integers(1, 2)),
        "kernel": [draw(st.integers(1, 3)) for _ in range(rank)],
        "stride": [draw(st.integers(1, 3)) for _ in range(rank)],
        "dilation": [draw(st.integers(1, 2)) for _ in range(rank)],
        "pads": [(draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(rank)],
    }


def make_input(data: st.DataObject, s: dict[str, Any]) -> Tensor:
    count = 1
    for d in s["spatial"]:
        count *= d
    planes: tuple[list[Number], ...] = tuple(
        list(data.draw(st.lists(st.integers(-5, 5), min_size=count, max_size=count))) for _ in range(s["channels"])
    )
    return Tensor(tuple(s["spatial"]), s["channels"], planes)


@SETTINGS
@given(setups(), st.data())
def test_conv_values(s: dict[str, Any], data: st.DataObject) -> None:
    x = make_input(data, s)
    taps = 1
    for k in s["kernel"]:
        taps *= k
    per_group = s["channels"] // s["groups"]
    weight = [[random_values(data, [taps]) for _ in range(per_group)] for _ in range(s["filters"])]
    bias = random_values(data, [s["filters"]])
    try:
        ours = conv(
            x,
            weight,
            s["kernel"],
            stride=s["stride"],
            padding=s["pads"],
            dilation=s["dilation"],
            groups=s["groups"],
            bias=bias,
        )
    except (ValueError, IndexError):
        return
    if any(d == 0 for d in ours.spatial):
        return
    w = torch.tensor(weight, dtype=torch.float32).reshape(s["filters"], per_group, *s["kernel"])
    padded = functional.pad(to_torch(x), [p for pair in reversed(s["pads"]) for p in pair])
    conv_fn = {1: functional.conv1d, 2: functional.conv2d, 3: functional.conv3d}[s["rank"]]
    theirs = conv_fn(
        padded,
        w,
        torch.tensor(bias, dtype=torch.float32),
        stride=s["stride"],
        dilation=s["dilation"],
        groups=s["groups"],
    )
    assert [list(map(float, plane)) for plane in ours.data] == from_torch(theirs)


@SETTINGS
@given(setups(), st.data())
def test_deconv_values(s: dict[str, Any], data: st.DataObject) -> None:
    x = make_input(data, s)
    taps = 1
    for k in s["kernel"]:
        taps *= k
    per_group_out = s["filters"] // s["groups"]
    weight = [[random_values(data, [taps]) for _ in range(per_group_out)] for _ in range(s["channels"])]
    pads = [p for p, _ in s["pads"]]
    extra = [data.draw(st.integers(0, max(st_, d) - 1)) for st_, d in zip(s["stride"], s["dilation"], strict=False)]
    try:
        ours = deconv(
            x,
            weight,
            s["kernel"],
            stride=s["stride"],
            padding=[(p, p) for p in pads],
            dilation=s["dilation"],
            output_padding=extra,
            groups=s["groups"],
        )
    except ValueError:
        return
    w = torch.tensor(weight, dtype=torch.float32).reshape(s["channels"], per_group_out, *s["kernel"])
    deconv_fn = {1: functional.conv_transpose1d, 2: functional.conv_transpose2d, 3: functional.conv_transpose3d}[
        s["rank"]
    ]
    theirs = deconv_fn(
        to_torch(x),
        w,
        stride=s["stride"],
        padding=pads,
        output_padding=extra,
        groups=s["groups"],
        dilation=s["dilation"],
    )
    assert [list(map(float, plane)) for plane in ours.data] == from_torch(theirs)


@SETTINGS
@given(setups(), st.data(), st.sampled_from(["max", "avg"]), st.booleans(), st.booleans())
def test_pool_values(s: dict[str, Any], data: st.DataObject, mode: str, ceil_mode: bool, include_pad: bool) -> None:
    x = make_input(data, s)
    kernel = s["kernel"]
    pads = [min(p, k // 2) for (p, _), k in zip(s["pads"], kernel, strict=False)]  # PyTorch's limit
    dilation = s["dilation"] if mode == "max" else [1] * s["rank"]
    if s["rank"] == 3 and mode == "avg" and any(k > i for k, i in zip(kernel, s["spatial"], strict=False)):
        return  # AvgPool3d refuses windows larger than the input (see the shape tests)
    ours = pool(
        x,
        kernel,
        stride=s["stride"],
        padding=[(p, p) for p in pads],
        dilation=dilation,
        mode=mode,
        ceil_mode=ceil_mode,
        count_include_pad=include_pad,
    )
    rank = s["rank"]
    try:
        if mode == "max":
            fn = {1: functional.max_pool1d, 2: functional.max_pool2d, 3: functional.max_pool3d}[rank]
            theirs = fn(to_torch(x), kernel, stride=s["stride"], padding=pads, dilation=dilation, ceil_mode=ceil_mode)
        else:
            fn = {1: functional.avg_pool1d, 2: functional.avg_pool2d, 3: functional.avg_pool3d}[rank]
            theirs = fn(
                to_torch(x),
                kernel,
                stride=s["stride"],
                padding=pads,
                ceil_mode=ceil_mode,
                count_include_pad=include_pad,
            )
    except RuntimeError:  # PyTorch refuses a window that does not fit; the reference has no window to give
        assert 0 in ours.spatial
        return
    expected = from_torch(theirs)
    assert list(ours.spatial) == list(theirs.shape[2:])
    for plane, reference in zip(ours.data, expected, strict=False):
        for a, b in itertools.zip_longest(plane, reference):
            assert abs(float(a) - b) < 1e-5
