"""Rendering ``iou``, ``nms`` and ``yolo``: result fields, the NMS story, and their JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cnncalc.course.boxes import IoU, NmsResult, YoloVolume
from cnncalc.course.numbers import json_number, show

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cnncalc.course.boxes import Box, Detection


def _corners(box: Box) -> list[int | float | str | None]:
    return [json_number(v) for v in (box.x1, box.y1, box.x2, box.y2)]


def iou_json(result: IoU) -> dict[str, Any]:
    return {
        "schema": "cnncalc.iou/1",
        "box_a": _corners(result.a),
        "box_b": _corners(result.b),
        "intersection": json_number(result.intersection),
        "union": json_number(result.union),
        "iou": json_number(result.value),
        "threshold": json_number(result.threshold),
        "passes": result.passes,
    }


def iou_fields(result: IoU) -> list[tuple[str, str]]:
    return [
        ("boxes", f"A {result.a.text()}, B {result.b.text()}"),
        ("intersection", show(result.intersection)),
        ("union", show(result.union)),
        ("IoU", show(result.value)),
        (f"IoU >= {show(result.threshold)}", "yes" if result.passes else "no"),
    ]


def _name(d: Detection) -> str:
    return f"#{d.index}" + (f" ({d.label})" if d.label is not None else "")


def nms_lines(result: NmsResult) -> list[str]:
    """One line per event: dropped for its score, picked, or discarded by a pick (and the IoU)."""
    lines = []
    for event in result.events:
        d = event.detection
        if event.action == "below threshold":
            lines.append(f"{_name(d)} score {show(d.score)} <= {show(result.score_threshold)}: discarded first")
        elif event.action == "picked":
            lines.append(f"pick {_name(d)} {d.box.text()} score {show(d.score)}")
        else:
            assert event.by is not None
            lines.append(
                f"  discard {_name(d)} score {show(d.score)}: IoU with {_name(event.by)} = {show(event.overlap or 0)}"
                f" >= {show(result.iou_threshold)}"
            )
    return lines


def render_nms(result: NmsResult) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    kept = ", ".join(_name(d) for d in result.kept) or "none"
    scope = "per class" if result.per_class else "across classes"
    return Group(
        Text(f"Non-max suppression ({scope}):"),
        *(Text("  " + line) for line in nms_lines(result)),
        Text(f"kept: {kept}"),
    )


def nms_json(result: NmsResult) -> dict[str, Any]:
    return {
        "schema": "cnncalc.nms/1",
        "kept": [
            {"index": d.index, "box": _corners(d.box), "score": json_number(d.score), "class": d.label}
            for d in result.kept
        ],
        "events": [
            {
                "action": e.action,
                "index": e.detection.index,
                "by": None if e.by is None else e.by.index,
                "iou": None if e.overlap is None else json_number(e.overlap),
            }
            for e in result.events
        ],
        "score_threshold": json_number(result.score_threshold),
        "iou_threshold": json_number(result.iou_threshold),
        "per_class": result.per_class,
    }


def yolo_json(result: YoloVolume) -> dict[str, Any]:
    return {
        "schema": "cnncalc.yolo/1",
        "grid": result.grid,
        "anchors": result.anchors,
        "classes": result.classes,
        "output_shape": result.shape,
        "last_conv_channels": result.channels,
        "elements": result.elements,
    }


def yolo_fields(result: YoloVolume) -> list[tuple[str, str]]:
    depth = 5 + result.classes
    return [
        ("output volume", "×".join(map(str, result.shape))),
        ("last conv channels", f"{result.anchors} × {depth} = {result.channels:,}"),
        ("last conv output", f"{result.grid}×{result.grid}×{result.channels}"),
        ("values", f"{result.elements:,}"),
    ]
