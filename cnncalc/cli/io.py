"""Models in and out: ``cnncalc import SOURCE`` writes an ``.arch``, ``cnncalc export FILE --to ...`` code.

Importers and exporters need optional packages (``onnx``, ``torch``; Keras files need none); each is imported only
by the command that needs it, and a missing one is a usage error naming the extra to install.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

import typer

from cnncalc.cli.app import app, write
from cnncalc.cli.options import FileArg, InputOpt, OutputOpt, assert_never, takes_file
from cnncalc.errors import UsageError, shown

Target = Literal["pytorch", "keras"]
TARGETS: tuple[Target, ...] = ("pytorch", "keras")


def _target(value: str) -> Target:
    for target in TARGETS:
        if value.lower() == target:
            return target
    raise UsageError(f"--to {value!r}: unknown target", hint=f"choose one of: {', '.join(TARGETS)}")


@app.command("export")
@takes_file
def export(
    file: FileArg,
    to: Annotated[str, typer.Option("--to", metavar="TARGET", help="pytorch or keras")] = "pytorch",
    input_dims: InputOpt = None,
    name: Annotated[Optional[str], typer.Option("--name", help="the class name (default: from the file name)")] = None,
    output: OutputOpt = None,
) -> None:
    """Write the network as framework source: a PyTorch nn.Module or a Keras functional model.

    TARGET is pytorch (the default) or keras.

    Examples:
      cnncalc export examples/lenet5.arch
      cnncalc export zoo:resnet18 --to keras -o resnet18_keras.py
    """
    from cnncalc.cli.options import load

    target = _target(to)
    arch = load(file, input_dims)
    match target:
        case "pytorch":
            from cnncalc.export.pytorch import export_pytorch

            write(export_pytorch(arch, name=name), output)
        case "keras":
            from cnncalc.export.keras import export_keras

            write(export_keras(arch, name=name), output)
        case _:
            assert_never(target)


@app.command("import")
def import_model(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help="model.onnx, model.keras, a Keras to_json() file, or torch:package.module:callable",
            show_default=False,
        ),
    ],
    input_dims: Annotated[
        Optional[str],
        typer.Option(
            "--input", metavar="DIMS", help="the input, channels-last (224x224x3): fixes dynamic sizes; torch: needs it"
        ),
    ] = None,
    lenient: Annotated[
        bool, typer.Option("--lenient", help="map parameter-free, shape-preserving unknown ops to identity")
    ] = False,
    output: OutputOpt = None,
) -> None:
    """Read a model's architecture (ONNX, Keras, PyTorch) and write it as a readable .arch file.

    SOURCE is a model.onnx file (the 'onnx' extra), a model.keras file or a Keras to_json()
    file, or torch:package.module:callable, a function or class that builds a PyTorch module
    (the 'torch' extra; give --input), imported from Python's path (PYTHONPATH=. adds the
    current directory). Install an extra with: pip install 'cnncalc[onnx]'.

    Example (a round trip through PyTorch source):
      cnncalc export examples/lenet5.arch --name M -o m.py && PYTHONPATH=. cnncalc import torch:m:M --input 32x32x1
    """
    from cnncalc.importers import import_model as run_import

    result = run_import(source, input_dims=input_dims, lenient=lenient)
    for warning in result.warnings:
        typer.echo(f"warning: {shown(warning)}", err=True)
    write(result.text, output)
