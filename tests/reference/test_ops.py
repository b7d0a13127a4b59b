"""The reference implementation: course worked examples, and shapes against cnncalc's formulas.

The reference finds output extents by enumerating windows, the formulas by arithmetic;
hypothesis ties the two together for every windowed kind and padding form in 1-D,
2-D and 3-D, including kernels as large as the padded input.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc import analyze, parse
from cnncalc.errors import ShapeError
from cnncalc.reference import Number, Tensor, conv, deconv, pool
from cnncalc.reference.ops import activation, adaptive_pool

EDGE_IMAGE = [
    [3, 0, 1, 2, 7, 4],
    [1, 5, 8, 9, 3, 1],
    [2, 7, 2, 5, 1, 3],
    [0, 1, 3, 1, 7, 8],
    [4, 2, 1, 6, 2, 8],
    [2, 4, 5, 2, 3, 9],
]
VERTICAL_EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
SEVEN = [
    [2, 3, 7, 4, 6, 2, 9],
    [6, 6, 9, 8, 7, 4, 3],
    [3, 4, 8, 3, 8, 9, 7],
    [7, 8, 3, 6, 6, 3, 4],
    [4, 2, 1, 8, 3, 4, 6],
    [3, 2, 4, 1, 9, 8, 3],
    [0, 1, 3, 9, 2, 1, 4],
]


def single_filter(rows: list[list[int]]) -> list[list[list[int]]]:
    return [[[v for row in rows for v in row]]]


def test_vertical_edge_detection_slide() -> None:
    out = conv(
        Tensor.from_nested(EDGE_IMAGE, 2),
        single_filter(VERTICAL_EDGE),
        (3, 3),
        stride=(1, 1),
        padding=((0, 0), (0, 0)),
        dilation=(1, 1),
    )
    # the slide's 4x4 result; its first row is the one the lecture computes by hand
    assert out.to_nested() == [[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]]


def test_strided_example_with_the_slides_two_typos_corrected() -> None:
    # The slide prints 83 and 127 for two cells; the sums of the products are 88 and 117.
    out = conv(
        Tensor.from_nested(SEVEN, 2),
        single_filter([[3, 4, 4], [1, 0, 2], [-1, 0, 3]]),
        (3, 3),
        stride=(2, 2),
        padding=((0, 0), (0, 0)),
        dilation=(1, 1),
    )
    assert out.to_nested() == [[91, 100, 88], [69, 91, 117], [44, 72, 74]]


def test_average_pooling_slide_is_exact() -> None:
    image = Tensor.from_nested([[1, 3, 2, 1], [2, 9, 1, 1], [1, 4, 2, 3], [5, 6, 1, 2]], 2)
    out = pool(image, (2, 2), stride=(2, 2), padding=((0, 0), (0, 0)), dilation=(1, 1), mode="avg")
    assert out.to_nested() == [[Fraction(15, 4), Fraction(5, 4)], [4, 2]]


def test_max_pooling_and_activations() -> None:
    image = Tensor.from_nested([[1, 3, 2, 1], [2, 9, 1, 1], [1, 4, 2, 3], [5, 6, 1, 2]], 2)
    out = pool(image, (2, 2), stride=(2, 2), padding=((0, 0), (0, 0)), dilation=(1, 1), mode="max")
    assert out.to_nested() == [[9, 2], [6, 3]]
    assert activation(Tensor.from_nested([[-2, 0, 3]], 1), "relu").to_nested() == [[0, 0, 3]]
    sigmoid = activation(Tensor.from_nested([[0, 1], [2, 3]], 2), "sigmoid").to_nested()
    assert [[round(v, 4) for v in row] for row in sigmoid] == [[0.5, 0.7311], [0.8808, 0.9526]]


def test_adaptive_pooling_windows_follow_pytorch() -> None:
    # 5 -> 3: windows [0, 2), [1, 4), [3, 5)
    out = adaptive_pool(Tensor.from_nested([1, 2, 3, 4, 5], 1), [3], "max")
    assert out.to_nested() == [2, 4, 5]


def test_channels_last_round_trip() -> None:
    nested = [[[1, 10], [2, 20]], [[3, 30], [4, 40]]]
    tensor = Tensor.from_nested(nested, 2)
    assert tensor.channels == 2 and tensor.data == ([1, 2, 3, 4], [10, 20, 30, 40])
    assert tensor.to_nested() == nested


# --- shapes against the formulas ---------------------------------------------------------


@st.composite
def windowed_layers(draw: st.DrawFn) -> tuple[list[int], str, dict[str, object]]:
    rank = draw(st.integers(1, 3))
    spatial = [draw(st.integers(1, 7 if rank == 3 else 12)) for _ in range(rank)]
    kind = draw(st.sampled_from(["conv", "deconv", "maxpool", "avgpool", "dwconv"]))
    kernel = [draw(st.integers(1, max(1, s + 2))) for s in spatial]  # up to larger than the input
    stride = [draw(st.integers(1, 3)) for _ in range(rank)]
    dilation = [draw(st.integers(1, 2)) for _ in range(rank)] if kind != "avgpool" else [1] * rank
    pads = [(draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(rank)]
    mode = draw(
        st.sampled_from(
            ["explicit", "valid", "same", "full"]
            if kind in ("conv", "dwconv")
            else ["explicit", "valid"] + (["same"] if "pool" in kind else [])
        )
    )
    if kind == "deconv":
        pads = [(p, p) for p, _ in pads]
    extra = [draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=False)]
    ceil = draw(st.booleans()) and "pool" in kind
    return (
        spatial,
        kind,
        {
            "kernel": kernel,
            "stride": stride,
            "dilation": dilation,
            "pads": pads,
            "mode": mode,
            "extra": extra,
            "ceil": ceil,
        },
    )


def _dims(values: list[int]) -> str:
    return "x".join(map(str, values))


@settings(max_examples=400, deadline=None)
@given(windowed_layers())
def test_reference_shape_equals_formula(case: tuple[list[int], str, dict[str, object]]) -> None:
    spatial, kind, c = case
    kernel, stride, dilation = c["kernel"], c["stride"], c["dilation"]
    pads: list[tuple[int, int]] = c["pads"]  # type: ignore[assignment]
    padding = c["mode"] if c["mode"] != "explicit" else "x".join(f"{s}:{e}" for s, e in pads)
    line = f"{kind} F={_dims(kernel)} S={_dims(stride)} P={padding}"  # type: ignore[arg-type]
    if kind in ("conv", "deconv"):
        line += " K=2"
    if kind != "avgpool":
        line += f" D={_dims(dilation)}"  # type: ignore[arg-type]
    if kind == "deconv":
        line += f" OP={_dims(c['extra'])}"  # type: ignore[arg-type]
    if c["ceil"]:
        line += " ceil"
    try:
        row = analyze(parse(f"input {_dims(spatial)}x2\n{line}\n", "t.arch")).rows[0]
    except ShapeError:
        return
    assert row.window is not None
    window = row.window
    x = Tensor.from_nested(_ones([*spatial, 2]), len(spatial))
    resolved = [(int(s), int(e)) for s, e in window.padding]
    taps = 1
    for k in window.kernel:
        taps *= k
    if kind == "conv":
        out = conv(
            x, [[[1] * taps] * 2] * 2, window.kernel, stride=window.stride, padding=resolved, dilation=window.dilation
        )
    elif kind == "dwconv":
        out = conv(
            x,
            [[[1] * taps]] * 2,
            window.kernel,
            stride=window.stride,
            padding=resolved,
            dilation=window.dilation,
            groups=2,
        )
    elif kind == "deconv":
        out = deconv(
            x,
            [[[1] * taps] * 2] * 2,
            window.kernel,
            stride=window.stride,
            padding=resolved,
            dilation=window.dilation,
            output_padding=c["extra"],  # type: ignore[arg-type]
        )
    else:
        out = pool(
            x,
            window.kernel,
            stride=window.stride,
            padding=resolved,
            dilation=window.dilation,
            mode=kind[:3],
            ceil_mode=bool(c["ceil"]),
        )
    assert out.shape == [int(d) for d in row.output_shape.as_list()], line


def _ones(shape: list[int]) -> object:
    nested: object = 1
    for size in reversed(shape):
        nested = [nested] * size
    return nested


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-(10**20), 10**20) | st.sampled_from([0, 1, -1]), min_size=12, max_size=12),
    st.lists(st.integers(-(10**12), 10**12) | st.just(0), min_size=3 * 2 * 4, max_size=3 * 2 * 4),
)
def test_packed_integer_path_equals_plain_dot_products(values: list[int], weights: list[int]) -> None:
    """Three filters over two channels of a 6-long signal: the packed (integer) path must
    give exactly the sums a plain dot product gives, for huge and negative numbers too."""
    planes: tuple[list[Number], ...] = (list(values[:6]), list(values[6:]))
    x = Tensor((6,), 2, planes)
    weight = [[weights[(k * 2 + c) * 4 : (k * 2 + c) * 4 + 4] for c in range(2)] for k in range(3)]
    out = conv(x, weight, (4,), stride=(1,), padding=((1, 1),), dilation=(1,))
    for k in range(3):
        for position in range(out.spatial[0]):
            start = position - 1
            expected = sum(
                x.data[c][start + t] * weight[k][c][t] for c in range(2) for t in range(4) if 0 <= start + t < 6
            )
            assert out.data[k][position] == expected
