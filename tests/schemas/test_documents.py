"""Every command's ``--json`` document, run in-process, is valid against the schema it names.

``CASES`` holds representative invocations per schema name: symbolic inputs (``NxNx3``,
``--assume``), 1-D and 3-D networks, every counter convention, every activation and loss, and
edge cases that end without an error (no solution, sizes that fail, a zero IoU). ``{boxes_csv}``
and the like are files the ``files`` fixture writes.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

import pytest

from cnncalc import schemas
from tests.schemas.helpers import check, strict_json

LENET, RESIDUAL, INCEPTION = "examples/lenet5.arch", "examples/residual_block.arch", "examples/inception_module.arch"
VGG_FEATURES = "examples/vgg16_features.arch"
COUNTERS = ("torchvision", "fvcore", "ptflops", "thop", "torchinfo", "keras")
ACTIVATIONS = ("relu", "relu6", "leakyrelu", "elu", "sigmoid", "tanh", "swish", "gelu", "softplus")

CASES: dict[str, list[str]] = {
    "summary": [
        f"summary {LENET} --json",
        f"summary {LENET} --format json --explain --optimizer adam --batch 8 --dtype bfloat16",
        f"summary {RESIDUAL} --json --optimizer momentum --dtype int8",
        "summary examples/audio_m5.arch --json",
        "summary examples/video_c3d.arch --json --explain",
        "summary examples/unet_small.arch --json",
        "summary zoo:resnet18 --input NxNx3 --json",
        f"summary {RESIDUAL} --input HxWx64 --json --explain",
        f"summary {LENET} --input NxNx1 --assume 'N % 4 == 0' --json --optimizer sgd",
        "summary zoo:mobilenet_v3_small --input NxNx3 --assume 'N % 32 == 0' --json",
        *[f"summary {RESIDUAL} --json --convention {name}" for name in COUNTERS],
    ],
    "receptive_field": [
        f"receptive-field {LENET} --json",
        f"receptive-field {RESIDUAL} --format json",
        "receptive-field zoo:efficientnet_b0 --json",
        f"receptive-field {INCEPTION} --input NxNx64 --json",
        f"receptive-field {LENET} --input HxWx1 --assume 'H % 4 == 0' --json",
    ],
    "layer": [
        "layer conv --input 32x32x3 --kernel 5 --filters 6 --json",
        "layer conv --input Nx32x3 --kernel 3 --filters 8 --padding same --json",
        "layer conv --input 16x16x8 --kernel 3x5 --stride 2 --dilation 2 --filters 4 --groups 2 --bias no --json",
        "layer dwconv --input 14x14x32 --kernel 3 --multiplier 2 --padding 1 --json",
        "layer deconv --input 7x7x16 --kernel 4 --stride 2 --padding 1 --filters 8 --output-padding 1 --json",
        "layer maxpool --input 7x7x3 --kernel 2 --ceil --json",
        "layer avgpool --input 9x9x3 --kernel 3 --stride 2 --padding same --json",
        "layer fc --input 9216 --units 4096 --json",
        "layer conv --input 8000x1 --kernel 80 --stride 4 --filters 128 --json",
        "layer conv --input 16x112x112x3 --kernel 3 --padding 1 --filters 64 --json",
    ],
    "padding": [
        "padding --input 7 --kernel 3 --stride 2 --mode same --json",
        "padding --input 7x9 --kernel 3x5 --mode full --json",
        "padding --input 10 --kernel 3 --dilation 2 --mode valid --json",
        "padding --input 224 --kernel 1 --stride 4 --mode same --json",
    ],
    "solve": [
        "solve conv --input 224 --output 112 --kernel 7 --stride 2 --padding '?' --json",
        "solve conv --input '?' --output 112 --kernel 7 --stride 2 --padding 3 --json",
        "solve conv --input 10 --output 20 --kernel 3 --stride '?' --json",  # no solution
        "solve conv --input 32 --output '?' --kernel 5 --padding 0:1 --json",
        "solve conv --input 32 --output 28 --kernel '?' --json",
        "solve pool --input 224 --output '?' --kernel 3 --stride 2 --ceil --json",
        "solve maxpool --input '?' --output 7 --kernel 2 --json",
        "solve deconv --input 7 --output 14 --kernel 4 --stride 2 --padding 1 --output-padding '?' --json",
        "solve conv --input 32 --output 16 --kernel 3 --stride 2 --padding '?:1' --json",
        f"solve {VGG_FEATURES} --input '?' --output 7x7x512 --json",
        f"solve {VGG_FEATURES} --input '?x?x3' --output 7x7x512 --json",
        f"solve {RESIDUAL} --input '?' --output 56x56x64 --json",  # no solution
        "solve examples/homework_valid.arch --input '?' --output 10 --json",  # every size: no upper end
        f"solve {LENET} --input '?' --output 10 --json",
    ],
    "sizes": [
        f"sizes {LENET} --range 1:40:3 --json",
        f"sizes {LENET} --input NxNx1 --range 28:36 --json",
        f"sizes {VGG_FEATURES} --range 200:260:4 --json",
        "sizes examples/audio_m5.arch --range 7990:8010 --json",
        f"sizes {LENET} --range 32:32 --exact-only --json",
    ],
    "verify": [
        f"verify {LENET} --json",
        f"verify {RESIDUAL} --json",
        f"verify {INCEPTION} --input 28x28x64 --json",
    ],
    "kinds": ["kinds --json"],
    "zoo": ["zoo --json"],
    "compare": [
        f"compare {LENET} --json",
        f"compare {RESIDUAL} --json",
        "compare zoo:resnet18 --json",
        "compare zoo:resnet18 --input NxNx3 --json",
    ],
    "iou": [
        "iou 0,0,2,2 1,0,3,2 --json",
        "iou 0,0,2,2 1,0,3,2 --explain --json",
        "iou 0,0,1,1 5,5,6,6 --json",  # no overlap
        "iou 0,0,1,1 0,0,1,1 --threshold 1 --json",
        "iou 1.5,1.5,1,1 2,2,2,2 --format cxcywh --threshold 1/3 --json",
        "iou -1,-1,1,1 0,0,2.5,2.5 --json",
    ],
    "nms": [
        "nms {boxes_csv} --json",
        "nms {boxes_json} --score-threshold 0 --iou-threshold 0.3 --json",
        "nms {boxes_cxcywh} --format cxcywh --json",
        "nms {boxes_csv} --across-classes --score-threshold 0.75 --json",
    ],
    "yolo": [
        "yolo --grid 19 --anchors 5 --classes 80 --json",
        "yolo --input 608 --stride 32 --anchors 5 --classes 80 --explain --json",
        "yolo --grid 1 --anchors 1 --classes 0 --json",
    ],
    "softmax": [
        "softmax 1 -1 2 --json",
        "softmax 1000 1001 1002 --json",
        "softmax 1/3,0.5 -2e3 --json",
        "softmax 0 --json",
        "softmax 1e400 0 --json",  # a 401-digit input: exact integers of any length
    ],
    "activation": [
        *[f"activation {name} -2 0 0.5 3 --json" for name in ACTIVATIONS],
        "activation leakyrelu -1 1 --alpha 0.2 --json",
        "activation elu -1/3 --alpha 2 --json",
        "activation swish -1 1 --beta 1.5 --json",
        "activation softplus -50 50 --beta 2 --json",
        "activation sigmoid -800 800 --json",
        "activation softplus 0 --beta 1e-320 --json",  # ln 2 / 1e-320 is beyond a float: "inf"
    ],
    "loss": [
        "loss cross-entropy --target 1 --pred 0.7 --json",
        "loss cross-entropy --target '1;0;1' --pred '0.9;0.2;0.6' --explain --json",
        "loss cross-entropy --target '0,1,0;1,0,0' --pred '0.2,0.7,0.1;0.5,0.25,0.25' --json",
        "loss cross-entropy --target '1,1,?,0' --pred 0.5,0.7,0.4,0.2 --multi-label --json",
        "loss mse --target 1,2,3 --pred 1,2,5 --json",
        "loss mse --target '1,2;3,4' --pred '0,2;3,1/2' --half --json",
        "loss triplet --anchor 0,0 --positive 1,0 --negative 0,2 --margin 0.2 --json",
        "loss triplet --anchor '0,0;1,1' --positive '1,0;1,1' --negative '0,0.5;3,3' --json",
    ],
    "gram": [
        "gram {volume} --json",
        "gram {volume} --generated {generated} --explain --json",
        "gram {volume_text} --json",
    ],
    "reference": [
        "reference conv --input [[3,0,1],[1,5,8],[2,7,2]] --filter [[1,0],[1,0]] --json",
        "reference conv --input [[3,0,1],[1,5,8],[2,7,2]] --filter [[1,0],[1,0]] --explain --cell 1x1 --order rows"
        " --json",
        "reference conv --input [[[1,2],[3,4],[5,6]],[[7,8],[9,10],[11,12]],[[0,1],[1,0],[2,2]]]"
        " --filter [[[[1,0],[0,1]],[[1,1],[0,0]]],[[[0,0],[1,1]],[[1,-1],[-1,1]]]] --bias 1,-0.5 --padding same"
        " --explain --json",
        "reference conv --input [1,2,3,4,5] --filter [1,-1] --dims 1 --stride 2 --json",
        "reference pool --input [[1,3,2,1],[2,9,1,1],[1,4,2,3],[5,6,1,2]] --kernel 2 --mode avg --json",
        "reference pool --input [[1,3,2],[2,9,1],[1,4,2]] --kernel 2 --ceil --json",
        "reference pool --input [[1,3,2],[2,9,1],[1,4,2]] --kernel 3 --stride 1 --padding 1 --mode avg"
        " --exclude-padding --json",
        "reference deconv --input [[1,2],[3,4]] --filter [[1,1],[1,1]] --stride 2 --json",
        "reference deconv --input [[0.5,2],[3,4]] --filter [[1,2,1],[0,1,0],[1,0,1]] --stride 2 --padding 1"
        " --output-padding 1 --bias 0.25 --json",
        "reference conv --input [[[1,2],[3,4]],[[5,6],[7,8]]] --filter [[[1]]] --dims 3 --json",
        "reference pool --input [1,2] --dims 1 --kernel 2 --stride 1 --padding 0:5 --json",  # windows of padding: "-inf"
    ],
}


#: more than ~5 s (whole networks solved symbolically, every zoo model analysed): marked slow
SLOW = {
    "summary zoo:resnet18 --input NxNx3 --json",
    "zoo --json",
    f"solve {LENET} --input '?' --output 10 --json",
    "solve examples/homework_valid.arch --input '?' --output 10 --json",
}


def _cases() -> list[Any]:
    return [
        pytest.param(name, command, id=f"{name}-{i}", marks=[pytest.mark.slow] if command in SLOW else [])
        for name, cases in CASES.items()
        for i, command in enumerate(cases)
    ]


@pytest.mark.parametrize(("name", "command"), _cases())
def test_document_is_valid(run_cli: Callable[..., Any], files: dict[str, str], name: str, command: str) -> None:
    """``command`` split as a shell splits it; ``{key}`` stands for a file ``files`` wrote."""
    args = [arg.format(**files) if arg.startswith("{") else arg for arg in shlex.split(command)]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    check(strict_json(result.stdout), name)


def test_every_schema_has_document_tests() -> None:
    """Every name ``cnncalc schema`` lists has invocations above."""
    assert set(CASES) == set(schemas.NAMES)
    assert all(CASES[name] for name in schemas.NAMES)
    assert {command for cases in CASES.values() for command in cases} >= SLOW


def test_every_counter_and_activation_is_covered() -> None:
    """The lists above follow the program's own (a new counter or activation gets a document test)."""
    from cnncalc.conventions import CONVENTIONS
    from cnncalc.course.functions import ACTIVATIONS as PROGRAM_ACTIVATIONS

    assert set(COUNTERS) == set(CONVENTIONS)
    assert set(ACTIVATIONS) == set(PROGRAM_ACTIVATIONS)


def _json_commands() -> list[str]:
    """Every command path (``loss triplet``) of the CLI that takes ``--json``."""
    import click

    from tests.conftest import COMMAND

    found = []

    def walk(command: click.Command, path: str) -> None:
        if any("--json" in getattr(param, "opts", ()) for param in command.params):
            found.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())

    walk(COMMAND, "")
    return found


def test_every_json_command_has_document_tests() -> None:
    """A command that gains ``--json`` needs a schema and cases here."""
    commands = _json_commands()
    assert len(commands) >= 20
    tested = {command for cases in CASES.values() for command in cases}
    missing = [path for path in commands if not any(case.startswith(f"{path} ") for case in tested)]
    assert not missing, f"--json commands without a document test: {missing}"
