"""Bounding boxes: IoU, non-max suppression and the YOLO output volume (course conventions).

Boxes are ``x1,y1,x2,y2`` corners or, with ``cxcywh``, centre and size (the YOLO
notation b_x, b_y, b_w, b_h). Areas are continuous (width = x2 - x1), as in the course
notes and torchvision's ``box_iou``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from cnncalc.course.numbers import Exact, NumberError, common_denominator, parse_exact, printable, show, step, vector
from cnncalc.errors import ArchError, Location, UsageError
from cnncalc.formula import Line
from cnncalc.limits import NMS, LimitError, check_work


@dataclass(frozen=True, slots=True)
class Box:
    x1: Exact
    y1: Exact
    x2: Exact
    y2: Exact

    @property
    def width(self) -> Exact:
        return self.x2 - self.x1

    @property
    def height(self) -> Exact:
        return self.y2 - self.y1

    @property
    def area(self) -> Exact:
        return self.width * self.height

    def text(self) -> str:
        return f"({show(self.x1)}, {show(self.y1)}, {show(self.x2)}, {show(self.y2)})"


def make_box(values: list[Exact], box_format: str, what: str) -> Box:
    if len(values) != 4:
        raise UsageError(f"{what}: a box has 4 numbers, got {len(values)}", hint=_format_hint(box_format))
    if box_format == "cxcywh":
        cx, cy, w, h = values
        if w < 0 or h < 0:
            raise UsageError(f"{what}: width and height cannot be negative")
        half_w, half_h = Fraction(w) / 2, Fraction(h) / 2
        return Box(*(_tidy(v) for v in (cx - half_w, cy - half_h, cx + half_w, cy + half_h)))
    box = Box(*values)
    if box.x2 < box.x1 or box.y2 < box.y1:
        raise UsageError(f"{what}: x2 must not be left of x1, nor y2 above y1", hint=_format_hint(box_format))
    return box


def _tidy(value: Exact) -> Exact:
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def _format_hint(box_format: str) -> str:
    return "write cx,cy,w,h" if box_format == "cxcywh" else "write x1,y1,x2,y2 (corners), or use --format cxcywh"


def parse_box(text: str, box_format: str, what: str) -> Box:
    return make_box(vector(text, what), box_format, what)


@dataclass(frozen=True, kw_only=True, slots=True)
class IoU:
    a: Box
    b: Box
    intersection: Exact
    union: Exact
    value: Exact
    threshold: Exact
    steps: tuple[Line, ...]

    @property
    def passes(self) -> bool:
        return self.value >= self.threshold


def iou(a: Box, b: Box, threshold: Exact = Fraction(1, 2)) -> IoU:
    overlap_w = max(min(a.x2, b.x2) - max(a.x1, b.x1), 0)
    overlap_h = max(min(a.y2, b.y2) - max(a.y1, b.y1), 0)
    intersection = overlap_w * overlap_h
    union = a.area + b.area - intersection
    if union == 0:
        raise UsageError("both boxes have zero area, so IoU is undefined")
    value = _tidy(Fraction(intersection) / union)
    steps = (
        step(
            what="area A",
            formula="(x2 - x1)(y2 - y1)",
            numbers=f"{show(a.width)} x {show(a.height)}",
            result=show(a.area),
        ),
        step(
            what="area B",
            formula="(x2 - x1)(y2 - y1)",
            numbers=f"{show(b.width)} x {show(b.height)}",
            result=show(b.area),
        ),
        step(
            what="intersection",
            formula="max(min(x2) - max(x1), 0) x max(min(y2) - max(y1), 0)",
            numbers=f"{show(overlap_w)} x {show(overlap_h)}",
            result=show(intersection),
        ),
        step(
            what="union",
            formula="area A + area B - intersection",
            numbers=f"{show(a.area)} + {show(b.area)} - {show(intersection)}",
            result=show(union),
        ),
        step(
            what="IoU",
            formula="intersection / union",
            numbers=f"{show(intersection)} / {show(union)}",
            result=show(value),
        ),
    )
    return IoU(a=a, b=b, intersection=intersection, union=union, value=value, threshold=threshold, steps=steps)


@dataclass(frozen=True, kw_only=True, slots=True)
class Detection:
    index: int  # position in the input, from 0
    box: Box
    score: Exact
    label: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NmsEvent:
    """One thing that happened: a box dropped for its score, picked, or suppressed by a pick."""

    action: str  # "below threshold" | "picked" | "suppressed"
    detection: Detection
    by: Detection | None = None
    overlap: Exact | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NmsResult:
    kept: tuple[Detection, ...]
    events: tuple[NmsEvent, ...]
    score_threshold: Exact
    iou_threshold: Exact
    per_class: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)


def _common_denominator(detections: list[Detection]) -> int:
    return common_denominator(v for d in detections for v in (d.box.x1, d.box.y1, d.box.x2, d.box.y2))


#: reading, checking and reporting one box costs about as much as this many box comparisons (measured)
BOX_COST = 100


def nms_work(detections: list[Detection], score_threshold: Exact, per_class: bool) -> int:
    """Box comparisons, known before the work: the boxes that pass the score threshold, squared
    (per class: the sum of each class's count squared), plus :data:`BOX_COST` per box."""
    counts: dict[str | None, int] = {}
    for d in detections:
        if d.score > score_threshold:
            key = d.label if per_class else None
            counts[key] = counts.get(key, 0) + 1
    return sum(n * n for n in counts.values()) + BOX_COST * len(detections)


def nms(
    detections: list[Detection],
    *,
    score_threshold: Exact,
    iou_threshold: Exact,
    per_class: bool = True,
    max_work: int = NMS.default,
) -> NmsResult:
    """The course's algorithm: discard every box with ``p_c <= score_threshold``, then repeatedly
    pick the highest score (earlier input first on ties) and discard every remaining box whose
    IoU with it is at least the IoU threshold. ``per_class`` (the default, as the course runs
    it "for each class") suppresses only boxes of the picked box's class; boxes without a class
    form one class. Refused past ``max_work`` box comparisons (:func:`nms_work`)."""
    check_work(NMS.unit, nms_work(detections, score_threshold, per_class), max_work)
    events: list[NmsEvent] = []
    groups: dict[str | None, list[Detection]] = {}
    for d in detections:
        if d.score <= score_threshold:
            events.append(NmsEvent(action="below threshold", detection=d))
        else:
            groups.setdefault(d.label if per_class else None, []).append(d)
    # exact comparisons in integers: every coordinate scaled by one common denominator
    scale = _common_denominator(detections)
    corners = {d.index: tuple(int(v * scale) for v in (d.box.x1, d.box.y1, d.box.x2, d.box.y2)) for d in detections}
    threshold = Fraction(iou_threshold)
    t_num, t_den = threshold.numerator, threshold.denominator
    ordered = sorted(groups.values(), key=lambda g: min((-d.score, d.index) for d in g))
    kept: list[Detection] = []
    for group in ordered:
        remaining: list[tuple[int, int, int, int, int, Detection]] = []
        for d in sorted(group, key=lambda d: (-d.score, d.index)):
            x1, y1, x2, y2 = corners[d.index]
            remaining.append((x1, y1, x2, y2, (x2 - x1) * (y2 - y1), d))
        while remaining:
            bx1, by1, bx2, by2, best_area, best = remaining[0]
            kept.append(best)
            events.append(NmsEvent(action="picked", detection=best))
            survivors = []
            for entry in remaining[1:]:
                ox1, oy1, ox2, oy2, area, other = entry
                w = (bx2 if bx2 < ox2 else ox2) - (bx1 if bx1 > ox1 else ox1)
                h = (by2 if by2 < oy2 else oy2) - (by1 if by1 > oy1 else oy1)
                inter = w * h if w > 0 and h > 0 else 0
                union = best_area + area - inter
                if union > 0 and inter * t_den >= t_num * union:
                    overlap = _tidy(Fraction(inter, union))
                    events.append(NmsEvent(action="suppressed", detection=other, by=best, overlap=overlap))
                elif union == 0 and t_num <= 0:
                    events.append(NmsEvent(action="suppressed", detection=other, by=best, overlap=0))
                else:
                    survivors.append(entry)
            remaining = survivors
    kept.sort(key=lambda d: (-d.score, d.index))
    return NmsResult(
        kept=tuple(kept),
        events=tuple(events),
        score_threshold=score_threshold,
        iou_threshold=iou_threshold,
        per_class=per_class,
    )


def read_detections(text: str, source: str, box_format: str, max_work: int = NMS.default) -> list[Detection]:
    """JSON ``[{"box": [x1, y1, x2, y2], "score": 0.9, "class": "car"}, ...]`` or CSV with a
    header ``x1,y1,x2,y2,score[,class]`` (``cx,cy,w,h,score[,class]`` with cxcywh). Refused
    before reading them when the boxes alone (:data:`BOX_COST` each, counted as lines or
    objects) are past ``max_work``."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise ArchError("no boxes", location=Location(source=source, line=1, column=1))
    boxes = stripped.count("{") if stripped.startswith("[") else stripped.count("\n")
    check_work(NMS.unit, BOX_COST * boxes, max_work)
    if stripped.startswith("["):
        return _from_json(stripped, source, box_format)
    return _from_csv(stripped, source, box_format)


def load_detections(file: str, box_format: str, max_work: int = NMS.default) -> list[Detection]:
    """The boxes of a file, or of stdin for ``-`` (see :func:`read_detections`)."""
    from cnncalc.reference.matrices import read_text

    text, source = read_text(file, "FILE")
    return read_detections(text, source, box_format, max_work)


def _label(value: object, source: str = "FILE") -> str | None:
    """A class name as given (a JSON number or string), safe to print: escaped and at most 40 characters."""
    if value is None:
        return None
    number = isinstance(value, (int, Fraction)) and not isinstance(value, bool)  # JSON true is not a class
    text = value.strip() if isinstance(value, str) else str(value) if number else None
    if text is None:
        raise ArchError(
            "a box's class is a name or a number",
            location=Location(source=source, line=1, column=1),
            hint='write e.g. "class": "car"',
        )
    return printable(text if len(text) <= 40 else text[:40] + "...")


def _from_json(text: str, source: str, box_format: str) -> list[Detection]:
    from cnncalc.reference.matrices import load_exact_json

    items = load_exact_json(text, source)
    if not isinstance(items, list) or not items:
        raise ArchError("expected a non-empty list of boxes", location=Location(source=source, line=1, column=1))
    detections = []
    for index, item in enumerate(items):
        where = f"{source}: box {index}"
        if not isinstance(item, dict) or "box" not in item or "score" not in item:
            raise ArchError(f'box {index} needs "box" and "score"', location=Location(source=source, line=1, column=1))
        values = item["box"]
        if not isinstance(values, list) or not all(
            isinstance(v, (int, Fraction)) and not isinstance(v, bool) for v in values
        ):
            raise ArchError(
                f"box {index}: the box must be 4 numbers", location=Location(source=source, line=1, column=1)
            )
        score = item["score"]
        if isinstance(score, bool) or not isinstance(score, (int, Fraction)):
            raise ArchError(
                f"box {index}: the score must be a number", location=Location(source=source, line=1, column=1)
            )
        label = item.get("class")
        detections.append(
            Detection(
                index=index,
                box=make_box(values, box_format, where),
                score=score,
                label=_label(label, source),
            )
        )
    return detections


def _from_csv(text: str, source: str, box_format: str) -> list[Detection]:
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_csv(reader, source, box_format)
    except csv.Error as error:  # a field over csv's 131,072-character limit, a NUL byte...
        raise ArchError(
            f"not CSV that cnncalc can read: {error}",
            location=Location(source=source, line=max(reader.line_num, 1), column=1),
            hint="one box per line: x1,y1,x2,y2,score[,class]",
        ) from None


def _cell(text: str, where: Location) -> Exact:
    try:
        return parse_exact(text)
    except NumberError as error:
        kind = LimitError if error.limit else ArchError
        raise kind(error.message, location=where, hint=error.hint) from None


def _read_csv(reader: Iterator[list[str]], source: str, box_format: str) -> list[Detection]:
    header = [h.strip().lower() for h in next(reader)]
    names = ["cx", "cy", "w", "h"] if box_format == "cxcywh" else ["x1", "y1", "x2", "y2"]
    missing = [n for n in [*names, "score"] if n not in header]
    if missing:
        raise ArchError(
            f"the CSV header lacks {', '.join(missing)}",
            location=Location(source=source, line=1, column=1),
            hint=f"start with a header like {','.join(names)},score,class",
        )
    detections: list[Detection] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ArchError(
                f"expected {len(header)} values, got {len(row)}", location=Location(source=source, line=line, column=1)
            )
        cells = dict(zip(header, row, strict=True))
        where = f"{source}:{line}"
        location = Location(source=source, line=line, column=1)
        values = [_cell(cells[n], location) for n in names]
        label = cells.get("class")
        detections.append(
            Detection(
                index=len(detections),
                box=make_box(values, box_format, where),
                score=_cell(cells["score"], location),
                label=_label(label),
            )
        )
    if not detections:
        raise ArchError("no boxes", location=Location(source=source, line=1, column=1))
    return detections


@dataclass(frozen=True, kw_only=True, slots=True)
class YoloVolume:
    grid: int
    anchors: int
    classes: int
    steps: tuple[Line, ...]

    @property
    def shape(self) -> list[int]:
        return [self.grid, self.grid, self.anchors, 5 + self.classes]

    @property
    def channels(self) -> int:
        """Filters of the last conv: K x (5 + P) (425 for 5 anchors and 80 classes, YOLOv2 on COCO)."""
        return self.anchors * (5 + self.classes)

    @property
    def elements(self) -> int:
        return self.grid * self.grid * self.channels


def yolo_volume(
    *, grid: int | None, anchors: int, classes: int, input_size: int | None, stride: int | None
) -> YoloVolume:
    """G x G x K x (5 + P): per cell and anchor p_c, b_x, b_y, b_h, b_w and P class scores; the
    last conv has K x (5 + P) filters (its G x G x K(5 + P) output is that volume, reshaped)."""
    steps: list[Line] = []
    if input_size is not None or stride is not None:
        if input_size is None or stride is None:
            raise UsageError("--input and --stride go together", hint="e.g. --input 416 --stride 32")
        if input_size % stride:
            raise UsageError(
                f"the backbone stride {stride} does not divide the input {input_size}",
                hint=f"the nearest inputs that work are {input_size - input_size % stride}"
                f" and {input_size - input_size % stride + stride}",
            )
        derived = input_size // stride
        steps.append(
            step(what="grid", formula="input / stride", numbers=f"{input_size} / {stride}", result=str(derived))
        )
        if grid is not None and grid != derived:
            raise UsageError(f"--grid {grid} does not match input / stride = {input_size} / {stride} = {derived}")
        grid = derived
    if grid is None:
        raise UsageError("give --grid, or --input and --stride")
    depth = 5 + classes
    steps.append(step(what="values per anchor", formula="5 + P", numbers=f"5 + {classes}", result=str(depth)))
    steps.append(
        step(
            what="last conv channels",
            formula="K x (5 + P)",
            numbers=f"{anchors} x {depth}",
            result=str(anchors * depth),
        )
    )
    steps.append(
        step(
            what="output volume",
            formula="G x G x K x (5 + P)",
            numbers=f"{grid} x {grid} x {anchors} x {depth}",
            result=f"{grid * grid * anchors * depth:,} values",
        )
    )
    return YoloVolume(grid=grid, anchors=anchors, classes=classes, steps=tuple(steps))
