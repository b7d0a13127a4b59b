"""Exported Keras code, built by Keras 3 on the torch backend, holds the summary's parameter counts.

Importing keras takes ~20 s, so these tests are marked slow (CI runs them)."""

from __future__ import annotations

import os
import types
from pathlib import Path
from typing import Any

import pytest

from cnncalc.analysis import analyze
from cnncalc.arch.reader import parse
from cnncalc.arch.source import load
from cnncalc.export.keras import export_keras
from cnncalc.layers import REGISTRY
from cnncalc.model import Arch

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.arch"))
#: Keras has no 3-D depthwise conv, dilated pooling or adaptive pooling that does not divide
SKIP = {"adaptiveavgpool", "adaptivemaxpool"}
KINDS = sorted({kind.name for kind in REGISTRY.values()} - SKIP)


def check(arch: Arch) -> str:
    source = export_keras(arch)
    module = types.ModuleType("cnncalc_keras_export")
    exec(compile(source, "<keras export>", "exec"), module.__dict__)
    model = module.build_model()
    totals = analyze(arch).totals

    def count(weights: Any) -> int:
        return sum(int(np.prod(w.shape)) for w in weights)

    assert count(model.trainable_weights) == totals.trainable_params
    assert count(model.non_trainable_weights) == totals.non_trainable_params
    outputs = model.outputs if isinstance(model.outputs, list) else [model.outputs]
    assert [list(o.shape[1:]) for o in outputs] == [s.as_list() for s in totals.outputs]
    return source


@pytest.mark.slow
@pytest.mark.parametrize("source", EXAMPLES)
def test_examples(source: str) -> None:
    check(load(str(ROOT / source)))


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind(kind: str) -> None:
    entry = REGISTRY[kind]
    text = f"input {entry.example_input}\n{entry.example}\n"
    if kind == "crop":  # Keras keeps only layers that reach an output: use the conv, not just its shape
        text += "concat small\n"
    check(parse(text, f"{kind}.arch"))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["lenet5", "resnet18", "mobilenet_v3_small", "shufflenet_v2_x0_5", "convnext_tiny", "unet"]
)
def test_zoo(name: str) -> None:
    check(load(f"zoo:{name}"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "module"),
    [("input 3x5x12\npixelshuffle 2\n", "PixelShuffle"), ("input 6x4x3\npixelunshuffle 2\n", "PixelUnshuffle")],
)
def test_pixel_order_is_pytorchs(text: str, module: str) -> None:
    """The exported Keras layers and torch.nn.PixelShuffle, run on the same numbers, agree element by element."""
    torch = pytest.importorskip("torch")
    source = check(parse(text, "p.arch"))
    namespace = types.ModuleType("cnncalc_keras_pixels")
    exec(compile(source, "<keras export>", "exec"), namespace.__dict__)
    model = namespace.build_model()
    x = np.random.default_rng(0).normal(size=(1, *model.inputs[0].shape[1:])).astype("float32")
    ours = keras.ops.convert_to_numpy(model(x))
    theirs = getattr(torch.nn, module)(2)(torch.from_numpy(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)
