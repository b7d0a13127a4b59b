"""``cnncalc schema NAME``: print the JSON Schema of a ``--json`` document; without a name, list them."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cnncalc.cli.app import app


@app.command("schema")
def schema_command(
    name: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[NAME]",
            help="summary, compare, receptive_field, layer, padding, solve, sizes, verify, kinds, iou, nms, yolo,"
            " softmax, activation, gram, zoo, reference or loss (or a document's schema value, cnncalc.summary/1)",
            show_default=False,
        ),
    ] = None,
    list_names: Annotated[bool, typer.Option("--list", help="list the schema names and what prints each")] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a --json document; without NAME, list the names.

    Every --json document names its schema in its "schema" key; the schema's $id is that value.

    Example: cnncalc schema summary > summary.schema.json
    """
    from cnncalc import schemas

    if name is None or list_names:
        width = max(map(len, schemas.NAMES))
        typer.echo("\n".join(f"{key:<{width}}  {schemas.title(key)}" for key in schemas.NAMES))
        return
    typer.echo(schemas.text(name), nl=False)
