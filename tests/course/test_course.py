"""Course arithmetic against published worked values, hand-made cases and invariants."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.course.boxes import Box, Detection, iou, nms, yolo_volume
from cnncalc.course.functions import activate, softmax
from cnncalc.course.losses import (
    binary_cross_entropy,
    categorical_cross_entropy,
    mse,
    multilabel_cross_entropy,
    triplet,
)
from cnncalc.course.style import style
from cnncalc.errors import UsageError
from cnncalc.reference.tensor import Tensor


def test_sigmoid_slide_values() -> None:
    # "Anatomy and arithmetic of CNNs": sigmoid([[0, 1], [2, 3]]) = [[0.5000, 0.7311], [0.8808, 0.9526]]
    assert [round(v, 4) for v in activate("sigmoid", [0, 1, 2, 3]).values] == [0.5, 0.7311, 0.8808, 0.9526]


def test_cross_entropy_slide_values() -> None:
    # binary: y = 1, p = 0.7 -> -ln 0.7; multi-class: y = [0, 1, 0], p = [0.3, 0.6, 0.1] -> -ln 0.6
    assert binary_cross_entropy([1], [Fraction(7, 10)]).mean == pytest.approx(-math.log(0.7))
    assert categorical_cross_entropy(
        [[0, 1, 0]], [[Fraction(3, 10), Fraction(6, 10), Fraction(1, 10)]]
    ).mean == pytest.approx(0.5108256237659907)
    assert categorical_cross_entropy(
        [[1]], [[Fraction(3, 10), Fraction(6, 10), Fraction(1, 10)]]
    ).mean == pytest.approx(-math.log(0.6))
    # multi-label: y = [1, 1, ?, 0], p = [0.5, 0.7, 0.4, 0.2]; the unknown label is left out
    result = multilabel_cross_entropy(
        [[1, 1, None, 0]], [[Fraction(1, 2), Fraction(7, 10), Fraction(2, 5), Fraction(1, 5)]]
    )
    assert result.mean == pytest.approx(-math.log(0.5) - math.log(0.7) - math.log(0.8))


def test_softmax_of_the_slide_vector() -> None:
    # the slide contrasts naive z/sum z = [0.5, -0.5, 1.0] with softmax; e^1, e^-1, e^2 over their sum:
    assert [round(p, 4) for p in softmax([1, -1, 2]).probabilities] == [0.2595, 0.0351, 0.7054]
    big = softmax([1000, 1001]).probabilities  # no overflow
    assert big == pytest.approx((1 / (1 + math.e), math.e / (1 + math.e)))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (Box(0, 0, 2, 2), Box(0, 0, 2, 2), 1),
        (Box(0, 0, 1, 1), Box(2, 2, 3, 3), 0),
        (Box(0, 0, 1, 1), Box(1, 0, 2, 1), 0),  # touching edges do not overlap
        (Box(0, 0, 2, 2), Box(1, 0, 3, 2), Fraction(1, 3)),  # half of each overlaps: 2 / (4 + 4 - 2)
        (Box(0, 0, 2, 2), Box(0, 0, 2, 1), Fraction(1, 2)),  # one inside the other
    ],
)
def test_iou_hand_checked(a: Box, b: Box, expected: Fraction) -> None:
    assert iou(a, b).value == expected


boxes = st.builds(
    lambda x, y, w, h: Box(x, y, x + w, y + h),
    st.integers(-20, 20),
    st.integers(-20, 20),
    st.integers(1, 15),
    st.integers(1, 15),
)


@given(boxes, boxes)
def test_iou_symmetric_and_bounded(a: Box, b: Box) -> None:
    forward, backward = iou(a, b).value, iou(b, a).value
    assert forward == backward and 0 <= forward <= 1
    assert (forward == 1) == (a == b)


@given(st.lists(st.integers(-50, 50) | st.fractions(-20, 20, max_denominator=7), min_size=1, max_size=8))
def test_softmax_sums_to_one_and_keeps_order(values: list[Any]) -> None:
    probabilities = softmax(values).probabilities
    assert math.fsum(probabilities) == pytest.approx(1)
    for i in range(len(values)):
        for j in range(len(values)):
            if values[i] < values[j]:  # |z| <= 50: nothing underflows, so the order is strict
                assert probabilities[i] < probabilities[j]


vectors = st.lists(st.integers(-5, 5), min_size=3, max_size=3)


@given(vectors, vectors, vectors, st.fractions(0, 2, max_denominator=10))
def test_triplet_loss_is_never_negative(
    a: list[int | Fraction], p: list[int | Fraction], n: list[int | Fraction], margin: Fraction
) -> None:
    result = triplet([a], [p], [n], margin)
    assert result.mean >= 0
    expected = max(
        sum((x - y) ** 2 for x, y in zip(a, p, strict=False))
        - sum((x - y) ** 2 for x, y in zip(a, n, strict=False))
        + margin,
        0,
    )
    assert result.mean == expected


def test_mse_is_exact_and_has_the_course_half() -> None:
    assert mse([[1, 2, 3]], [[1, 2, 5]]).mean == Fraction(4, 3)
    assert mse([[1, 2, 3]], [[1, 2, 5]], half=True).mean == Fraction(2, 3)


def test_nms_hand_made() -> None:
    detections = [
        Detection(index=0, box=Box(0, 0, 10, 10), score=Fraction(9, 10), label="car"),
        Detection(index=1, box=Box(1, 1, 11, 11), score=Fraction(8, 10), label="car"),  # IoU 81/119 with #0
        Detection(index=2, box=Box(20, 20, 30, 30), score=Fraction(7, 10), label="car"),
        Detection(index=3, box=Box(0, 0, 10, 10), score=Fraction(75, 100), label="person"),
        Detection(index=4, box=Box(2, 0, 12, 10), score=Fraction(5, 10), label="car"),  # below 0.6
    ]
    plain = nms(detections, score_threshold=Fraction(6, 10), iou_threshold=Fraction(1, 2), per_class=False)
    assert [d.index for d in plain.kept] == [0, 2]
    assert [(e.action, e.detection.index) for e in plain.events] == [
        ("below threshold", 4),
        ("picked", 0),
        ("suppressed", 1),
        ("suppressed", 3),
        ("picked", 2),
    ]
    assert plain.events[2].overlap == Fraction(81, 119)
    per_class = nms(detections, score_threshold=Fraction(6, 10), iou_threshold=Fraction(1, 2))  # the default
    assert [d.index for d in per_class.kept] == [0, 3, 2]  # by score: 0.9, 0.75, 0.7


def test_gram_style_and_content_costs_by_hand() -> None:
    style_volume = Tensor.from_nested([[[1, 0], [2, 1]], [[0, 1], [1, 1]]], 2)
    generated = Tensor.from_nested([[[1, 1], [2, 0]], [[0, 1], [1, 2]]], 2)
    result = style(style_volume, generated)
    assert result.gram == [[6, 3], [3, 3]] and result.generated_gram == [[6, 3], [3, 6]]
    assert result.style_cost == Fraction(9, 256)  # (6 - 3)^2 / (2 * 2 * 2 * 2)^2
    assert result.content_cost == Fraction(3, 2)


def test_yolo_volume() -> None:
    assert yolo_volume(grid=19, anchors=5, classes=80, input_size=None, stride=None).shape == [19, 19, 5, 85]
    assert yolo_volume(grid=None, anchors=3, classes=80, input_size=416, stride=32).elements == 13 * 13 * 3 * 85
    with pytest.raises(UsageError, match="does not match"):
        yolo_volume(grid=19, anchors=3, classes=80, input_size=416, stride=32)


# --- the command line -------------------------------------------------------------------


def test_cli_negative_numbers_json_and_explain(run_cli: Callable[..., Any]) -> None:
    result = run_cli("softmax", "1", "-1", "2", "--json")
    assert result.exit_code == 0, result.stderr
    assert [round(p, 4) for p in json.loads(result.stdout)["probabilities"]] == [0.2595, 0.0351, 0.7054]
    explained = run_cli("iou", "-1,-1,1,1", "0,0,2,2", "--explain")
    assert "IoU: intersection / union = 1 / 7 = 1/7 ≈ 0.142857" in explained.stdout


def test_cli_nms_from_csv_and_json(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    csv_file = tmp_path / "boxes.csv"
    csv_file.write_text("x1,y1,x2,y2,score\n0,0,10,10,0.9\n1,1,11,11,0.8\n20,20,30,30,0.7\n")
    out = json.loads(run_cli("nms", str(csv_file), "--json").stdout)
    assert [k["index"] for k in out["kept"]] == [0, 2]
    json_file = tmp_path / "boxes.json"
    json_file.write_text(json.dumps([{"box": [5, 5, 2, 2], "score": 0.9}, {"box": [5, 5, 2, 2], "score": 0.8}]))
    out = json.loads(run_cli("nms", str(json_file), "--format", "cxcywh", "--json").stdout)
    assert [k["box"] for k in out["kept"]] == [[4, 4, 6, 6]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["iou", "0,0,2", "0,0,1,1"],
            "error: BOX_A: a box has 4 numbers, got 3 (hint: write x1,y1,x2,y2 (corners), or use --format cxcywh)\n",
        ),
        (
            ["iou", "2,2,0,0", "0,0,1,1"],
            "error: BOX_A: x2 must not be left of x1, nor y2 above y1 (hint: write x1,y1,x2,y2 (corners), or use --format cxcywh)\n",
        ),
        (["iou", "0,0,0,0", "1,1,1,1"], "error: both boxes have zero area, so IoU is undefined\n"),
        (
            ["softmax", "1", "nan"],
            "error: VALUES: 'nan' is not a number (hint: write integers, decimals like 0.5 or fractions like 1/3)\n",
        ),
        (
            ["softmax", "inf"],
            "error: VALUES: 'inf' is not a number (hint: write integers, decimals like 0.5 or fractions like 1/3)\n",
        ),
        (
            ["activation", "mish", "1"],
            "error: unknown activation 'mish' (hint: use one of relu, relu6, leakyrelu, elu, sigmoid, tanh, swish, gelu, softplus)\n",
        ),
        (
            ["loss", "cross-entropy", "--target", "1", "--pred", "1.5"],
            "error: prediction 1.5 is not a probability in (0, 1] (hint: cross-entropy needs predictions in (0, 1])\n",
        ),
        (
            ["loss", "cross-entropy", "--target", "0,1,1", "--pred", "0.3,0.6,0.1"],
            "error: a multi-class target is one-hot (exactly one 1) or a class index (hint: for independent labels use --multi-label)\n",
        ),
        (
            ["yolo", "--input", "400", "--stride", "32", "--anchors", "3", "--classes", "80"],
            "error: the backbone stride 32 does not divide the input 400 (hint: the nearest inputs that work are 384 and 416)\n",
        ),
    ],
)
def test_cli_errors(run_cli: Callable[..., Any], args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_cli_nms_bad_file(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    bad = tmp_path / "boxes.csv"
    bad.write_text("x1,y1,x2,y2\n0,0,1,1\n")
    result = run_cli("nms", str(bad))
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr
        == f"{bad}:1:1: error: the CSV header lacks score (hint: start with a header like x1,y1,x2,y2,score,class)\n"
    )
