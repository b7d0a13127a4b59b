"""``--convention keras`` against Keras 3 itself: the same networks built by Keras (torch backend),
through cnncalc's Keras export. Every layer's trainable and non-trainable weights (``count_params``)
must equal the convention's row, and ``model.summary()``'s three totals its totals.

The export writes one or more Keras layers per ``.arch`` layer (``ZeroPadding2D`` before a padded
conv, ``Flatten`` before ``fc``, ``Reshape`` before a broadcast ``mul``); which statements a row
wrote is recorded while exporting, and each statement's Keras layer is read back from the
tensor it assigned. Importing Keras takes seconds, so the module is ``slow``.
"""

from __future__ import annotations

import math
import os
import re
import types
from collections.abc import Callable
from typing import Any

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import parse_text
from cnncalc.conventions import CONVENTIONS, as_report, count
from cnncalc.export import keras as keras_export
from cnncalc.model import Arch
from cnncalc.zoo import zoo_text

os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

pytestmark = pytest.mark.slow

_ASSIGNED = re.compile(r"^ {4}(h\d+) = ")

#: every kind with parameters Keras splits differently: frozen layers, BN without scale or
#: centre, norms, PReLU per channel, layer scale, depthwise with a multiplier, transposed convs
STRESS = """input 16x16x3
conv K=8 F=3 P=1 trainable=no
bn
relu
dwconv F=3 P=1 M=2 bias=no
bn scale=no
relu6
x: conv K=8 F=1
bn center=no trainable=no
prelu
y: layernorm
layerscale
add x
groupnorm G=2
instancenorm affine
deconv K=4 F=2 S=2 bias=no
z: bn trainable=no
gap
conv K=2 F=1
relu
conv K=4 F=1
sigmoid
mul z
flatten
fc 10
"""

ZOO = {"resnet18": "64x64x3", "mobilenet_v3_small": "64x64x3", "convnext_tiny": "64x64x3"}


def _keras_export(arch: Arch, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[int, list[str]]]:
    """The Keras source and, per row index, the variables its statements assign."""
    wrote: dict[int, list[str]] = {}
    layer: Callable[..., str] = keras_export._layer

    def recording(w: Any, row: Any, x: str, operands: list[str]) -> str:
        start = len(w.lines)
        out = layer(w, row, x, operands)
        wrote[row.index] = [m.group(1) for line in w.lines[start:] if (m := _ASSIGNED.match(line))]
        return out

    monkeypatch.setattr(keras_export, "_layer", recording)
    return keras_export.export_keras(arch), wrote


def _build(source: str) -> tuple[Any, dict[str, Any]]:
    """The Keras model and build_model()'s local tensors (``h1``, ``h2``... by name)."""
    seen: dict[str, Any] = {}
    source = source.replace("    return keras.Model(", "    _SEEN.update(locals())\n    return keras.Model(", 1)
    module = types.ModuleType("cnncalc_keras_convention")
    module.__dict__["_SEEN"] = seen
    exec(compile(source, "<keras export>", "exec"), module.__dict__)
    return module.build_model(), seen


def _size(weights: list[Any]) -> int:
    return sum(math.prod(int(d) for d in w.shape) for w in weights)


def _summary_totals(model: Any) -> tuple[int, int, int]:
    printed: list[str] = []
    model.summary(print_fn=lambda text, **_: printed.append(text))
    text = "\n".join(printed)

    def figure(what: str) -> int:
        found = re.search(rf"^\s*{what} params: ([\d,]+)", text, re.MULTILINE)
        assert found is not None, text
        return int(found.group(1).replace(",", ""))

    return figure("Total"), figure("Trainable"), figure("Non-trainable")


def _check(arch: Arch, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("keras")  # here, not at collection: importing Keras takes seconds
    report: Report = analyze(arch)
    counted = count(report, CONVENTIONS["keras"])
    shown = as_report(report, counted)  # what summary --convention keras prints
    source, wrote = _keras_export(arch, monkeypatch)
    model, tensors = _build(source)
    theirs: dict[int, tuple[int, int]] = {}
    for index, names in wrote.items():
        layers = {id(op): op for op in (tensors[name]._keras_history.operation for name in names)}.values()
        assert all(op.count_params() == _size(op.weights) for op in layers)
        theirs[index] = (sum(_size(op.trainable_weights) for op in layers),
                         sum(_size(op.non_trainable_weights) for op in layers))  # fmt: skip
    ours = {row.index: (int(row.trainable_params), int(row.non_trainable_params)) for row in shown.rows}
    assert {i: theirs.get(i, (0, 0)) for i in ours} == ours
    assert [int(c.params) for c in counted.rows] == [sum(ours[c.row.index]) for c in counted.rows]
    totals = shown.totals
    assert _summary_totals(model) == (counted.params, totals.trainable_params, totals.non_trainable_params)
    assert model.count_params() == counted.params


def test_keras_convention_on_the_stress_architecture(monkeypatch: pytest.MonkeyPatch) -> None:
    _check(parse_text(STRESS, "keras_stress"), monkeypatch)


@pytest.mark.parametrize("name", list(ZOO))
def test_keras_convention_on_zoo_models(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = re.sub(r"^input \S+", f"input {ZOO[name]}", zoo_text(name), count=1, flags=re.MULTILINE)
    _check(parse_text(text, f"zoo:{name}"), monkeypatch)


def test_keras_convention_on_keras_normalization(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras's Normalization (mean, variance, count: all non-trainable), on a feature map and a vector."""
    text = "input 16x16x3\nnormalization\nconv K=8 F=3 P=1\nbn\nrelu\ngap\nflatten\nnormalization\nfc 10\n"
    _check(parse_text(text, "keras_normalization"), monkeypatch)
