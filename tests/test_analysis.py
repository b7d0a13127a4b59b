"""Whole-network numbers against published figures, course examples and invariants."""

from __future__ import annotations

import functools
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnncalc
from cnncalc.diagnostics import NOT_ALIGNED
from cnncalc.receptive import Field
from cnncalc.render.diagnostics import describe
from tests.conftest import ROOT, summarize


def params(text: str) -> list[int]:
    return [int(row.trainable_params) for row in summarize(text).rows]


def test_lenet5_course_count() -> None:
    report = summarize((ROOT / "examples" / "lenet5.arch").read_text())
    assert report.totals.trainable_params == 61_706
    assert [int(r.trainable_params) for r in report.rows if r.trainable_params] == [156, 2_416, 48_120, 10_164, 850]


def test_ten_filters_of_3x3x3_have_280_params() -> None:
    # Course quiz: "10 filters that are 3x3x3 in one layer: how many parameters?" -> 280
    assert params("input 32x32x3\nconv K=10 F=3\n") == [280]


def test_keras_mlp_summary() -> None:
    # Keras summary in the course notes: Dense 512/512/10 on 784 inputs, total 669,706.
    report = summarize("input 784\nfc 512\nrelu\ndropout rate=0.2\nfc 512\nrelu\nfc 10\nsoftmax\n")
    assert [int(r.trainable_params) for r in report.rows if r.kind == "fc"] == [401_920, 262_656, 5_130]
    assert report.totals.total_params == 669_706 and report.totals.non_trainable_params == 0
    assert report.totals.receptive_field is None


def test_keras_batchnorm_split() -> None:
    # Keras: Conv2D(32, 3) on 28x28x1 -> 320 params; BatchNormalization over 32 channels
    # -> "128" params, of which 64 are non-trainable (moving mean and variance).
    report = summarize("input 28x28x1\nconv K=32 F=3\nbn\n")
    assert report.totals.trainable_params == 320 + 64
    assert report.totals.non_trainable_params == 64
    assert report.totals.total_params == 448


def test_frozen_layers_count_as_non_trainable() -> None:
    report = summarize("input 28x28x1\nconv K=32 F=3 trainable=no\nbn trainable=no\nfc 10\n")
    assert report.totals.trainable_params == (26 * 26 * 32 + 1) * 10
    assert report.totals.non_trainable_params == 320 + 128


def test_resnet_stem_matches_design_example() -> None:
    # torchvision resnet50 conv1: 7x7/2, 64 filters, no bias: 9,408 params, 118,013,952 MACs.
    row = summarize("input 224x224x3\nconv K=64 F=7 S=2 P=3 bias=no\n").rows[0]
    assert row.output_shape.as_list() == [112, 112, 64]
    assert (row.trainable_params, row.macs) == (9_408, 118_013_952)
    assert isinstance(row.receptive_field, Field)
    assert (row.receptive_field.size, row.receptive_field.jump, row.receptive_field.padding) == ((7, 7), (2, 2), (3, 3))


def test_one_and_three_dimensional_inputs() -> None:
    seq = summarize("input 100x16\nconv K=32 F=5 S=2\nmaxpool F=2\ngap\nfc 4\n")
    assert [r.output_shape.as_list() for r in seq.rows] == [[48, 32], [24, 32], [1, 32], [4]]
    assert seq.rows[0].trainable_params == (5 * 16 + 1) * 32
    # C3D's first block: 3x3x3 conv, 64 filters on 16x112x112x3 clips, then 1x2x2 pooling.
    video = summarize("input 16x112x112x3\nconv K=64 F=3 P=1\nmaxpool F=1x2x2\n")
    assert video.rows[1].output_shape.as_list() == [16, 56, 56, 64]
    assert video.rows[0].trainable_params == 5_248  # (27*3 + 1)*64


def test_repeat_labels_are_local_to_each_repetition() -> None:
    text = "input 8x8x4\nrepeat 3 {\n  x: conv K=4 F=3 P=1\n  relu\n  add x\n}\n"
    report = summarize(text)
    assert [r.kind for r in report.rows] == ["conv", "relu", "add"] * 3
    assert report.totals.trainable_params == 3 * (9 * 4 + 1) * 4
    assert report.rows[-1].receptive_field == Field(size=(7, 7), jump=(1, 1), padding=(3, 3))


def test_unaligned_merge_warns() -> None:
    text = "input 8x8x1\nx: identity\na: conv K=1 F=3 P=1\nconv K=1 F=2 P=0:1 from=x\nadd a\n"
    row = summarize(text).rows[-1]
    assert [describe(w) for w in row.warnings] == [
        "the merged paths' receptive fields are not aligned (different jumps or centres)"
    ]
    assert row.warnings[0].code == NOT_ALIGNED
    assert isinstance(row.receptive_field, Field) and row.receptive_field.size == (3, 3)


def test_transposed_conv_has_no_field_and_says_so() -> None:
    report = summarize("input 8x8x1\nconv K=1 F=3 P=1\ndeconv K=1 F=2 S=2\nrelu\ngap\n")
    assert [r.receptive_field for r in report.rows] == [
        Field(size=(3, 3), jump=(1, 1), padding=(1, 1)),
        "undefined",
        "undefined",
        "global",
    ]
    assert "not defined after a transposed conv" in describe(report.rows[1].warnings[0])
    # the network's field is the last one in file order that is a field at all: the conv's
    assert report.totals.receptive_field == Field(size=(3, 3), jump=(1, 1), padding=(1, 1))
    assert summarize("input 8x8x1\ndeconv K=1 F=2 S=2\n").totals.receptive_field is None


def test_totals_field_is_the_backbones() -> None:
    report = summarize("input 32x32x3\nconv K=8 F=3\nconv K=8 F=3\ngap\nfc 10\n")
    assert report.totals.receptive_field == Field(size=(5, 5), jump=(1, 1), padding=(0, 0))


@given(st.integers(1, 40))
def test_stacked_3x3_convs_see_2n_plus_1(n: int) -> None:
    report = summarize("input 128x128x1\n" + "conv K=1 F=3 P=1\n" * n)
    field = report.totals.receptive_field
    assert field is not None and field.size == (2 * n + 1, 2 * n + 1)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), min_size=1, max_size=8))
def test_field_matches_cheatsheet_sum_formula(layers: list[tuple[int, int]]) -> None:
    # Cheatsheet: R_k = 1 + sum_j (F_j - 1) * prod_{i<j} S_i with S_0 = 1.
    size = 1
    for kernel, stride in reversed(layers):
        size = (size - 1) * stride + kernel  # the smallest input that leaves every output >= 1
    report = summarize(f"input {size}x1\n" + "".join(f"conv K=1 F={f} S={s}\n" for f, s in layers))
    expected, jump = 1, 1
    for kernel, stride in layers:
        expected += (kernel - 1) * jump
        jump *= stride
    field = report.totals.receptive_field
    assert field is not None and field.size == (expected,) and field.jump == (jump,)


def test_huge_sizes_stay_exact() -> None:
    report = summarize("input 1000000000000000000x3\nconv K=2 F=3 P=same\nfc 7\n")
    assert report.rows[0].output_shape.spatial == (10**18,)
    assert report.rows[0].macs == 10**18 * 2 * 9
    assert report.totals.trainable_params == 2 * (9 + 1) + (2 * 10**18 + 1) * 7


@pytest.mark.slow
def test_hundred_thousand_layers_without_recursion() -> None:
    depth_before = sys.getrecursionlimit()
    report = summarize("input 64x64x8\n" + "relu\n" * 100_000)
    assert len(report.rows) == 100_000 and sys.getrecursionlimit() == depth_before


def test_deeply_nested_repeats() -> None:
    text = "input 8x8x1\n" + "repeat 2 {\n" * 15 + "relu\n" + "}\n" * 15
    assert len(summarize(text).rows) == 2**15


def test_no_backbone_field_when_the_first_layer_is_global() -> None:
    assert summarize("input 28x28x1\nfc 10\n").totals.receptive_field is None


def _substituted(value: object, n: int) -> int:
    if isinstance(value, int):
        return value
    import sympy

    return int(value.subs(sympy.Symbol("N", integer=True, positive=True), n))  # type: ignore[attr-defined]


@functools.cache
def _symbolic(model: str) -> cnncalc.Report:
    from cnncalc.arch.source import load

    return cnncalc.analyze(load(f"zoo:{model}", "NxNx3"))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(33, 400),
    st.sampled_from(
        ["resnet18", "googlenet", "mobilenet_v2", "squeezenet1_0", "efficientnet_b0", "shufflenet_v2_x0_5", "unet"]
    ),
)
def test_symbolic_sizes_agree_with_numeric_ones(n: int, model: str) -> None:
    from cnncalc.arch.source import load

    symbolic = _symbolic(model)
    try:
        numeric = cnncalc.analyze(load(f"zoo:{model}", f"{n}x{n}x3"))
    except cnncalc.ShapeError:
        return
    for sym_row, num_row in zip(symbolic.rows, numeric.rows, strict=True):
        assert [_substituted(d, n) for d in sym_row.output_shape.as_list()] == num_row.output_shape.as_list()
        assert _substituted(sym_row.macs, n) == num_row.macs
        assert _substituted(sym_row.trainable_params, n) == num_row.trainable_params


def test_symbolic_sizes_print_as_people_write_them() -> None:
    from cnncalc.arch.source import load
    from cnncalc.dims import text

    # DESIGN.md §6's own example: a 3x3 stride-2 conv with padding 1 on N
    row = cnncalc.analyze(cnncalc.parse("input NxNx3\nconv K=8 F=3 S=2 P=1\n", "t.arch")).rows[0]
    assert text(row.output_shape.spatial[0]) == "floor((N - 1)/2) + 1"
    # -floor(-x) is written as ceiling(x)
    pool = cnncalc.analyze(load("zoo:googlenet", "NxNx3")).rows[4]
    assert text(pool.output_shape.spatial[0]) == "ceiling(floor((N - 1)/2)/2)"


def test_symbolic_upsample_pad_and_crop() -> None:
    from cnncalc.dims import text

    report = summarize(
        "input NxNx8\nx: conv K=8 F=3 P=1\nupsample factor=2 mode=bilinear\npad P=1:2\nbig: identity\n"
        "crop to=x from=big\nupsample size=7x9\n"
    )
    sizes = [[text(d) for d in row.output_shape.spatial] for row in report.rows]
    assert sizes[1] == ["2*N", "2*N"]
    assert sizes[2] == ["2*N + 3", "2*N + 3"]
    assert sizes[4] == ["N", "N"]  # back to x's size, whatever N is
    assert sizes[5] == ["7", "9"]
    crop = report.rows[4].window
    assert crop is not None  # 2N + 3 cropped to N: floor((N + 3)/2) rows at the start, the rest at the end
    assert [(_substituted(s, 5), _substituted(e, 5)) for s, e in crop.padding] == [(-4, -4), (-4, -4)]
    assert [(_substituted(s, 6), _substituted(e, 6)) for s, e in crop.padding] == [(-4, -5), (-4, -5)]
