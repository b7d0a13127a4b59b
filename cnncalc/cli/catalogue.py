"""What cnncalc knows: the layer kinds a file can use (``kinds``) and the built-in models (``zoo``)."""

from __future__ import annotations

from typing import Annotated

import typer

from cnncalc.cli.app import app, echo_json, show, write
from cnncalc.cli.options import JsonOpt, NoColorOpt, OutputOpt, described

zoo_app = typer.Typer()
app.add_typer(zoo_app, name="zoo")


@zoo_app.callback(invoke_without_command=True)
def zoo(
    ctx: typer.Context,
    json_output: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="print a Markdown table (as in the README)")] = False,
    no_color: NoColorOpt = False,
) -> None:
    """The built-in models (torchvision's definitions, exact to its published counts), with params, MACs
    and receptive field.

    Any other command reads one as zoo:NAME; 'cnncalc zoo show NAME' prints its .arch text.

    Examples:
      cnncalc zoo
      cnncalc zoo --markdown
    """
    if ctx.invoked_subcommand is not None:
        return
    from cnncalc.analysis import analyze
    from cnncalc.arch.source import load
    from cnncalc.zoo import zoo_model, zoo_names

    entries = [(zoo_model(name), analyze(load(f"zoo:{name}"))) for name in zoo_names()]
    if json_output:
        from cnncalc.render.json_report import dumps_models
        from cnncalc.render.zoo import zoo_json

        echo_json(dumps_models(zoo_json(entries)))
        return
    if markdown:
        from cnncalc.render.zoo import zoo_markdown

        write(zoo_markdown(entries) + "\n", None)
        return
    from cnncalc.render.zoo import render_zoo

    show(render_zoo(entries), no_color=no_color)


def _zoo_names_help() -> str:
    from cnncalc.zoo import zoo_names

    return f"NAME is one of: {', '.join(zoo_names())} (zoo:NAME is accepted too)."


ZOO_NAMES_HELP = _zoo_names_help()


@zoo_app.command("show")
@described(ZOO_NAMES_HELP)
def zoo_show(
    name: Annotated[str, typer.Argument(metavar="NAME", help="a model name from 'cnncalc zoo'")],
    output: OutputOpt = None,
) -> None:
    """Print a built-in model's .arch text, to copy and edit.

    Examples:
      cnncalc zoo show lenet5
      cnncalc zoo show resnet50 -o my_resnet.arch
    """
    from cnncalc.zoo import zoo_text

    write(zoo_text(name.removeprefix("zoo:")), output)


@app.command()
def kinds(json_output: JsonOpt = False, no_color: NoColorOpt = False) -> None:
    """Every layer kind a file can use: its keys (with their long names and defaults), aliases and an example.

    Examples:
      cnncalc kinds
      cnncalc kinds --json
    """
    from cnncalc.layers import REGISTRY
    from cnncalc.render.kinds import describe_kinds

    described = describe_kinds(REGISTRY.values())
    if json_output:
        import json

        from cnncalc.render.kinds import kinds_json

        echo_json(json.dumps(kinds_json(described)))
        return
    from cnncalc.render.kinds import render_kinds

    show(render_kinds(described), no_color=no_color)
