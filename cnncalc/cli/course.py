"""The rest of the course arithmetic: iou, nms, yolo, softmax, activation, loss and gram.

Each command reads its arguments with :mod:`cnncalc.course`, computes one result and
shows it as a small table (``--explain``: with the working) or as JSON with the steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cnncalc.cli.app import app, echo_json, show
from cnncalc.cli.options import NUMERIC, ExplainOpt, JsonOpt, NoColorOpt, box_format

if TYPE_CHECKING:
    from cnncalc.course.losses import LossResult
    from cnncalc.formula import Line

FormatOpt = Annotated[str, typer.Option("--format", help="xyxy (corners x1,y1,x2,y2) or cxcywh (centre and size)")]
MaxWorkOpt = Annotated[
    Optional[str],
    typer.Option("--max-work", metavar="N", help="refuse work past N (default: the command's documented limit)"),
]


def _budget(text: str | None, kind: str) -> int:
    """``--max-work`` as given, or the documented default of this kind of work."""
    from cnncalc.limits import DEFAULTS, parse_work

    return DEFAULTS[kind].default if text is None else parse_work(text)


def _emit(
    document: dict[str, Any],
    title: str,
    fields: list[tuple[str, str]],
    steps: tuple[Line, ...],
    options: tuple[bool, bool, bool],
) -> None:
    """JSON (the document and its steps), or the fields as a table and, with --explain, the steps."""
    json_output, explain, no_color = options
    if json_output:
        from cnncalc.render.course import dumps, steps_json

        echo_json(dumps({**document, "steps": steps_json(steps)}))
        return
    from cnncalc.render.course import render_result

    show(render_result(title, fields, steps, explain), no_color=no_color)


@app.command(context_settings=NUMERIC)
def iou(
    box_a: Annotated[str, typer.Argument(metavar="BOX_A", help="x1,y1,x2,y2 (or cx,cy,w,h with --format cxcywh)")],
    box_b: Annotated[str, typer.Argument(metavar="BOX_B", help="the other box, same format")],
    format_name: FormatOpt = "xyxy",
    threshold: Annotated[str, typer.Option(help="IoU that counts as a good match")] = "0.5",
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Intersection over union of two boxes, and whether it passes the threshold.

    Example: cnncalc iou 0,0,2,2 1,0,3,2 --explain
    """
    from cnncalc.course.boxes import iou as compute_iou
    from cnncalc.course.boxes import parse_box
    from cnncalc.course.numbers import number
    from cnncalc.render.boxes import iou_fields, iou_json

    boxes = box_format(format_name)
    result = compute_iou(
        parse_box(box_a, boxes, "BOX_A"), parse_box(box_b, boxes, "BOX_B"), number(threshold, "--threshold")
    )
    _emit(iou_json(result), "IoU", iou_fields(result), result.steps, (json_output, explain, no_color))


@app.command()
def nms(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="boxes with scores, JSON or CSV (x1,y1,x2,y2,score[,class]): a path, '-' (stdin) or inline JSON",
        ),
    ],
    score_threshold: Annotated[
        str, typer.Option(help="first discard every box with p_c <= this (the course's 0.6)")
    ] = "0.6",
    iou_threshold: Annotated[str, typer.Option(help="discard boxes with at least this IoU with a picked one")] = "0.5",
    across_classes: Annotated[
        bool,
        typer.Option("--across-classes", help="suppress boxes of any class (default: per class, as the course does)"),
    ] = False,
    format_name: FormatOpt = "xyxy",
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Non-max suppression per class, step by step: which box was picked, which were discarded and why.

    Example: cnncalc nms examples/boxes.csv --score-threshold 0.6 --iou-threshold 0.5
    """
    from cnncalc.course.boxes import load_detections
    from cnncalc.course.boxes import nms as run_nms
    from cnncalc.course.numbers import number

    boxes = box_format(format_name)
    budget = _budget(max_work, "nms")
    result = run_nms(
        load_detections(file, boxes, budget),
        score_threshold=number(score_threshold, "--score-threshold"),
        iou_threshold=number(iou_threshold, "--iou-threshold"),
        per_class=not across_classes,
        max_work=budget,
    )
    if json_output:
        from cnncalc.render.boxes import nms_json
        from cnncalc.render.course import dumps

        echo_json(dumps(nms_json(result)))
        return
    from cnncalc.render.boxes import render_nms

    show(render_nms(result), no_color=no_color)


#: the largest --grid, --anchors, --classes, --input and --stride (the volume stays a readable number)
YOLO_MAX = 10**9


@app.command()
def yolo(
    anchors: Annotated[int, typer.Option(min=1, max=YOLO_MAX, help="anchor boxes per cell (k)")],
    classes: Annotated[int, typer.Option(min=0, max=YOLO_MAX, help="number of classes (p)")],
    grid: Annotated[Optional[int], typer.Option(min=1, max=YOLO_MAX, help="grid size G")] = None,
    input_size: Annotated[
        Optional[int], typer.Option("--input", min=1, max=YOLO_MAX, help="input size, to derive or check G")
    ] = None,
    stride: Annotated[
        Optional[int], typer.Option(min=1, max=YOLO_MAX, help="the backbone's total stride, e.g. 32")
    ] = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The YOLO output volume G x G x k x (5 + p), the last conv's k x (5 + p) channels, and its size.

    Example: cnncalc yolo --grid 19 --anchors 5 --classes 80
    """
    from cnncalc.course.boxes import yolo_volume
    from cnncalc.render.boxes import yolo_fields, yolo_json

    result = yolo_volume(grid=grid, anchors=anchors, classes=classes, input_size=input_size, stride=stride)
    _emit(yolo_json(result), "YOLO output", yolo_fields(result), result.steps, (json_output, explain, no_color))


@app.command(context_settings=NUMERIC)
def softmax(
    values: Annotated[list[str], typer.Argument(metavar="VALUES...", help="scores, e.g. 1 -1 2 (or 1,-1,2)")],
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Softmax probabilities, with the exponentials and their sum (stable for large inputs).

    Example: cnncalc softmax 1 -1 2 --explain
    """
    from cnncalc.course.functions import softmax as compute
    from cnncalc.course.numbers import vectors
    from cnncalc.render.functions import softmax_fields, softmax_json

    result = compute(vectors(values, "VALUES"), max_work=_budget(max_work, "softmax"))
    _emit(softmax_json(result), "softmax", softmax_fields(result), result.steps, (json_output, explain, no_color))


@app.command(context_settings=NUMERIC)
def activation(
    name: Annotated[str, typer.Argument(help="relu, relu6, leakyrelu, elu, sigmoid, tanh, swish, gelu, softplus")],
    values: Annotated[list[str], typer.Argument(metavar="VALUES...", help="inputs, e.g. -2 0 3")],
    alpha: Annotated[Optional[str], typer.Option(help="leaky slope / ELU alpha (defaults 0.01 / 1)")] = None,
    beta: Annotated[Optional[str], typer.Option(help="swish / softplus beta (default 1)")] = None,
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """An activation function and its derivative at each value (PyTorch's definitions).

    Example: cnncalc activation sigmoid 0 1 2 3
    """
    from cnncalc.course.functions import activate
    from cnncalc.course.numbers import number, vectors
    from cnncalc.render.functions import activation_fields, activation_json

    result = activate(
        name,
        vectors(values, "VALUES"),
        None if alpha is None else number(alpha, "--alpha"),
        None if beta is None else number(beta, "--beta"),
        max_work=_budget(max_work, "softmax"),
    )
    document = activation_json(name, result)
    _emit(document, result.name, activation_fields(result), result.steps, (json_output, explain, no_color))


loss_app = typer.Typer(help="Loss functions with batch means: cross-entropy, mse, triplet.")
app.add_typer(loss_app, name="loss")
RowsHelp = "values, rows of a batch separated by ';' (e.g. 0,1,0;1,0,0)"


def _loss(result: LossResult, options: tuple[bool, bool, bool]) -> None:
    from cnncalc.render.losses import loss_fields, loss_json

    _emit(loss_json(result), result.name, loss_fields(result), result.steps, options)


@loss_app.command("cross-entropy", context_settings=NUMERIC)
def loss_cross_entropy(
    target: Annotated[
        str, typer.Option(help=RowsHelp + "; one-hot, a class index, or 0/1 (binary); '?' unknown with --multi-label")
    ],
    pred: Annotated[str, typer.Option(help="predicted probabilities, same layout")],
    multi_label: Annotated[
        bool, typer.Option("--multi-label", help="independent labels (a sigmoid per label)")
    ] = False,
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Cross-entropy: binary (one probability per example), multi-class, or multi-label.

    Example: cnncalc loss cross-entropy --target 1 --pred 0.7
    """
    from cnncalc.course.losses import cross_entropy

    result = cross_entropy(target, pred, multi_label=multi_label, max_work=_budget(max_work, "softmax"))
    _loss(result, (json_output, explain, no_color))


@loss_app.command("mse", context_settings=NUMERIC)
def loss_mse(
    target: Annotated[str, typer.Option(help=RowsHelp)],
    pred: Annotated[str, typer.Option(help="predictions, same layout")],
    half: Annotated[bool, typer.Option("--half", help="the course's 1/2 (y - y^)^2")] = False,
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Mean squared error (PyTorch MSELoss: mean over elements), exact.

    Example: cnncalc loss mse --target 1,2,3 --pred 1,2,5
    """
    from cnncalc.course import losses
    from cnncalc.course.numbers import rows

    result = losses.mse(
        rows(target, "--target"), rows(pred, "--pred"), half=half, max_work=_budget(max_work, "softmax")
    )
    _loss(result, (json_output, explain, no_color))


@loss_app.command("triplet", context_settings=NUMERIC)
def loss_triplet(
    anchor: Annotated[str, typer.Option(help="f(A), " + RowsHelp)],
    positive: Annotated[str, typer.Option(help="f(P), same layout")],
    negative: Annotated[str, typer.Option(help="f(N), same layout")],
    margin: Annotated[str, typer.Option(help="alpha")] = "0.2",
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Triplet loss max(||f(A)-f(P)||^2 - ||f(A)-f(N)||^2 + alpha, 0), exact; the cost J (sum) and the mean.

    Example: cnncalc loss triplet --anchor 0,0 --positive 1,0 --negative 0,2 --margin 0.2
    """
    from cnncalc.course import losses
    from cnncalc.course.numbers import number, rows

    result = losses.triplet(
        rows(anchor, "--anchor"),
        rows(positive, "--positive"),
        rows(negative, "--negative"),
        number(margin, "--margin"),
        max_work=_budget(max_work, "softmax"),
    )
    _loss(result, (json_output, explain, no_color))


@app.command()
def gram(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="an activation volume n_H x n_W x n_C, JSON (channels last) or text: a path, '-' (stdin) or inline",
        ),
    ],
    generated: Annotated[
        Optional[str], typer.Option(help="a second volume (the generated image's): adds the style and content costs")
    ] = None,
    max_work: MaxWorkOpt = None,
    json_output: JsonOpt = False,
    explain: ExplainOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """The Gram (style) matrix of an activation volume; with --generated, the style and content costs.

    Example: cnncalc gram examples/style.json --generated examples/generated.json --explain
    """
    from cnncalc.course.style import style
    from cnncalc.reference.commands import load_tensor
    from cnncalc.render.style import style_fields, style_json

    budget = _budget(max_work, "gram")
    result = style(
        load_tensor(file, "FILE", 2, budget),
        None if generated is None else load_tensor(generated, "--generated", 2, budget),
        max_work=budget,
    )
    _emit(
        style_json(result), "style (Gram) matrix", style_fields(result), result.steps, (json_output, explain, no_color)
    )
