"""``cnncalc schema NAME``: print the JSON Schema of a ``--json`` document; without a name, list them."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cnncalc.cli.app import app
from cnncalc.schemas import NAMES

HELP = f"""Print the JSON Schema (draft 2020-12) of a --json document; without NAME, list the names.

NAME is one of {", ".join(NAMES[:-1])} or {NAMES[-1]}; the command's own spelling (receptive-field) and a
document's "schema" value (cnncalc.summary/1, the schema's $id) work too. The documents are described in
docs/json.md.

Example: cnncalc schema summary > summary.schema.json
"""


@app.command("schema", help=HELP)
def schema_command(
    name: Annotated[
        Optional[str],
        typer.Argument(metavar="[NAME]", help="a schema name (see above); none: list them", show_default=False),
    ] = None,
    list_names: Annotated[bool, typer.Option("--list", help="list the schema names and what prints each")] = False,
) -> None:
    from cnncalc import schemas

    if name is None or list_names:
        width = max(map(len, schemas.NAMES))
        typer.echo("\n".join(f"{key:<{width}}  {schemas.title(key)}" for key in schemas.NAMES))
        return
    typer.echo(schemas.text(name), nl=False)
