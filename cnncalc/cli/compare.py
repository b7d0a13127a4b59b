"""``cnncalc compare FILE``: what every FLOP counter reports for the network, and why they differ."""

from __future__ import annotations

from cnncalc.cli.app import app, echo_json, show
from cnncalc.cli.options import FileArg, InputOpt, JsonOpt, NoColorOpt


@app.command()
def compare(
    file: FileArg,
    json_output: JsonOpt = False,
    input_dims: InputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Each counter's MACs/FLOPs and params (torchvision, fvcore, ptflops, thop, torchinfo, keras), the
    difference from the default and the layer kinds that make it.

    FILE is an architecture: a path to an .arch file or a JSON architecture, '-' to read it from
    stdin, or zoo:NAME for a built-in model (e.g. zoo:resnet50; 'cnncalc zoo' lists the names), or a
    model (model.onnx, model.keras, a Keras to_json() file, torch:package.module:callable).

    Examples:
      cnncalc compare zoo:resnet50
      cnncalc compare examples/lenet5.arch --json
    """
    from cnncalc.analysis import analyze
    from cnncalc.cli.options import load
    from cnncalc.conventions.compare import compare as compare_all

    report = analyze(load(file, input_dims))
    comparisons = compare_all(report)
    if json_output:
        from cnncalc.render.compare import compare_json
        from cnncalc.render.json_report import dumps

        echo_json(dumps(compare_json(report, comparisons), rows_key="counters"))
        return
    from cnncalc.render.compare import render_compare

    show(render_compare(report, comparisons), no_color=no_color)
