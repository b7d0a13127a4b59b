"""The course conventions against outside implementations and published figures.

- NMS against ONNX's ``NonMaxSuppression`` operator, run by the ONNX reference evaluator: it
  runs per class like ``torchvision.ops.batched_nms`` and discards scores ``<=`` the score
  threshold, exactly the course's "discard all boxes with p_c <= 0.6". (torchvision's compiled
  ``nms`` op does not load next to the CPU torch wheel; ONNX, like torchvision, suppresses
  only IoU strictly above its threshold, so examples with an IoU exactly at the threshold are
  left out — the course's ``>=`` is tested by hand below.)
- softmax against ``torch.softmax``; the triplet cost against PyTorch's
  ``TripletMarginWithDistanceLoss`` with the course's squared distance (``reduction="sum"`` is
  the course's J, ``"mean"`` the batch mean).
- the course notes' worked figures (YOLO's 3 x 3 x 8 target, p_c = 0.6 discarded) and the
  YOLO9000 paper's 125 filters for 5 anchors and 20 classes (425 for COCO's 80).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnncalc.course.boxes import Box, Detection, nms, yolo_volume
from cnncalc.course.functions import softmax
from cnncalc.course.losses import triplet
from cnncalc.render.functions import softmax_fields

box = st.builds(
    lambda x, y, w, h: (x, y, x + w, y + h),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(1, 12),
    st.integers(1, 12),
)
detections_strategy = st.lists(
    st.tuples(box, st.integers(40, 99), st.sampled_from(["car", "person", "dog"])), min_size=1, max_size=12
)


def _exact_iou(a: tuple[int, ...], b: tuple[int, ...]) -> Fraction:
    w = max(min(a[2], b[2]) - max(a[0], b[0]), 0)
    h = max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    inter = w * h
    return Fraction(inter, (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _onnx_nms(
    boxes: list[tuple[int, ...]], scores: list[list[float]], iou_threshold: float, score_threshold: float
) -> list[tuple[int, int]]:
    """(class, box) pairs ONNX's NonMaxSuppression selects; ``scores[class][box]``."""
    onnx = pytest.importorskip("onnx")
    numpy = pytest.importorskip("numpy")
    reference = pytest.importorskip("onnx.reference")
    helper, tensor = onnx.helper, onnx.TensorProto
    node = helper.make_node(
        "NonMaxSuppression", ["boxes", "scores", "max_out", "iou", "score"], ["selected"], center_point_box=0
    )
    graph = helper.make_graph(
        [node],
        "nms",
        [
            helper.make_tensor_value_info("boxes", tensor.FLOAT, [1, len(boxes), 4]),
            helper.make_tensor_value_info("scores", tensor.FLOAT, [1, len(scores), len(boxes)]),
            helper.make_tensor_value_info("max_out", tensor.INT64, [1]),
            helper.make_tensor_value_info("iou", tensor.FLOAT, [1]),
            helper.make_tensor_value_info("score", tensor.FLOAT, [1]),
        ],
        [helper.make_tensor_value_info("selected", tensor.INT64, [None, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    (selected,) = reference.ReferenceEvaluator(model).run(
        None,
        {
            # ONNX's corner format is [y1, x1, y2, x2]
            "boxes": numpy.array([[[b[1], b[0], b[3], b[2]] for b in boxes]], dtype=numpy.float32),
            "scores": numpy.array([scores], dtype=numpy.float32),
            "max_out": numpy.array([len(boxes)], dtype=numpy.int64),
            "iou": numpy.array([iou_threshold], dtype=numpy.float32),
            "score": numpy.array([score_threshold], dtype=numpy.float32),
        },
    )
    return [(int(row[1]), int(row[2])) for row in selected]


@settings(max_examples=25, deadline=None)
@given(detections_strategy, st.sampled_from([Fraction(1, 2), Fraction(3, 10), Fraction(7, 10)]), st.booleans())
def test_nms_against_onnx(
    items: list[tuple[tuple[int, ...], int, str]], iou_threshold: Fraction, across_classes: bool
) -> None:
    boxes = [b for b, _, _ in items]
    assume(all(_exact_iou(a, b) != iou_threshold for a in boxes for b in boxes))  # ONNX: >, the course: >=
    score_threshold = Fraction(6, 10)
    detections = [
        Detection(index=i, box=Box(*b), score=Fraction(s, 100), label=label) for i, (b, s, label) in enumerate(items)
    ]
    ours = nms(detections, score_threshold=score_threshold, iou_threshold=iou_threshold, per_class=not across_classes)
    classes = ["all"] if across_classes else sorted({label for _, _, label in items})
    scores = [[s / 100 if across_classes or label == c else 0.0 for _, s, label in items] for c in classes]
    theirs = _onnx_nms(boxes, scores, float(iou_threshold), float(score_threshold))
    assert sorted(index for _, index in theirs) == sorted(d.index for d in ours.kept)
    for c in range(len(classes)):  # within a class, in the same order (highest score first)
        their_order = [index for cls, index in theirs if cls == c]
        assert their_order == [d.index for d in ours.kept if d.index in their_order]


def test_nms_course_thresholds_are_inclusive() -> None:
    """The notes: discard p_c <= 0.6; suppress IoU >= 0.5 (an IoU of exactly 1/2 is suppressed)."""
    detections = [
        Detection(index=0, box=Box(0, 0, 4, 3), score=Fraction(9, 10)),
        Detection(index=1, box=Box(0, 0, 2, 3), score=Fraction(8, 10)),  # IoU 6/12 = 1/2 exactly
        Detection(index=2, box=Box(10, 10, 12, 12), score=Fraction(6, 10)),  # p_c = 0.6: discarded
        Detection(index=3, box=Box(20, 20, 22, 22), score=Fraction(61, 100)),
    ]
    result = nms(detections, score_threshold=Fraction(6, 10), iou_threshold=Fraction(1, 2))
    assert [d.index for d in result.kept] == [0, 3]
    assert [(e.action, e.detection.index) for e in result.events][:2] == [("below threshold", 2), ("picked", 0)]


def test_nms_per_class_by_default_on_the_command_line(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    boxes = tmp_path / "boxes.csv"
    boxes.write_text("x1,y1,x2,y2,score,class\n0,0,10,10,0.9,car\n0,0,10,10,0.8,person\n0,0,10,10,0.7,car\n")
    per_class = json.loads(run_cli("nms", str(boxes), "--json").stdout)
    assert [k["index"] for k in per_class["kept"]] == [0, 1] and per_class["per_class"] is True
    across = json.loads(run_cli("nms", str(boxes), "--across-classes", "--json").stdout)
    assert [k["index"] for k in across["kept"]] == [0] and across["per_class"] is False


values = st.lists(st.fractions(-30, 30, max_denominator=9), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(values)
def test_softmax_against_torch(zs: list[Fraction]) -> None:
    torch = pytest.importorskip("torch")
    theirs = torch.softmax(torch.tensor([float(z) for z in zs], dtype=torch.float64), dim=0).tolist()
    result = softmax(list(zs))
    assert list(result.probabilities) == pytest.approx(theirs, rel=1e-12, abs=1e-300)
    labels = [name for name, _ in softmax_fields(result)]
    assert [label.split(" ")[0] for label in labels] == [f"p_{i}" for i in range(1, len(zs) + 1)]


def test_softmax_rows_are_labelled_by_index(run_cli: Callable[..., Any]) -> None:
    out = run_cli("softmax", "1", "1", "2").stdout
    assert "p_1 (z = 1)" in out and "p_2 (z = 1)" in out and "p_3 (z = 2)" in out


embedding = st.lists(st.integers(-6, 6), min_size=3, max_size=3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(embedding, embedding, embedding), min_size=1, max_size=5),
    st.fractions(Fraction(1, 10), 3, max_denominator=10),  # PyTorch requires a margin > 0
)
def test_triplet_cost_against_torch(triplets: list[tuple[list[int], ...]], margin: Fraction) -> None:
    torch = pytest.importorskip("torch")
    anchor, positive, negative = ([list(t[k]) for t in triplets] for k in range(3))
    result = triplet(anchor, positive, negative, margin)  # type: ignore[arg-type]

    def squared(a: Any, b: Any) -> Any:
        return (a - b).pow(2).sum(dim=-1)

    tensors = [torch.tensor(batch, dtype=torch.float64) for batch in (anchor, positive, negative)]
    for reduction, ours in (("sum", result.total), ("mean", result.mean)):
        loss = torch.nn.TripletMarginWithDistanceLoss(
            distance_function=squared, margin=float(margin), reduction=reduction
        )
        assert float(ours) == pytest.approx(loss(*tensors).item(), rel=1e-12, abs=1e-12)


def test_triplet_cost_j_on_the_command_line(run_cli: Callable[..., Any]) -> None:
    args = ["loss", "triplet", "--anchor", "0,0;1,1", "--positive", "1,0;1,2", "--negative", "0,2;1,1"]
    table = run_cli(*args).stdout
    assert "cost J = sum" in table and "batch mean" in table
    document = json.loads(run_cli(*args, "--json").stdout)
    assert document["sum"] == pytest.approx(1.2) and document["mean"] == pytest.approx(0.6)


def test_yolo_course_and_paper_figures(run_cli: Callable[..., Any]) -> None:
    # lecture notes: "Target output 3 x 3 x 8 for example (3 x 3 grid, 8d y vector)" - one box, 3 classes
    notes = yolo_volume(grid=3, anchors=1, classes=3, input_size=None, stride=None)
    assert notes.shape == [3, 3, 1, 8] and notes.channels == 8
    # YOLO9000 (Redmon and Farhadi 2017): VOC, 5 boxes x (5 coordinates + 20 classes) = 125 filters
    assert yolo_volume(grid=13, anchors=5, classes=20, input_size=None, stride=None).channels == 125
    document = json.loads(run_cli("yolo", "--grid", "19", "--anchors", "5", "--classes", "80", "--json").stdout)
    assert document["last_conv_channels"] == 425 and document["output_shape"] == [19, 19, 5, 85]
    table = run_cli("yolo", "--grid", "19", "--anchors", "5", "--classes", "80").stdout
    assert "last conv channels" in table and "85 = 425" in table
