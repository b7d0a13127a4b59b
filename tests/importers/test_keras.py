"""Keras 3 models (torch backend, no TensorFlow) saved as .keras import to Keras's own parameter totals.

Importing keras takes ~20 s, so every test here is marked slow (CI runs them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cnncalc.analysis import Totals, analyze
from cnncalc.arch.reader import parse
from cnncalc.importers.keras import import_keras

os.environ.setdefault("KERAS_BACKEND", "torch")
np = pytest.importorskip("numpy")
keras = pytest.importorskip("keras")
layers = keras.layers


def keras_counts(model: Any) -> tuple[int, int]:
    """What model.summary() prints as trainable and non-trainable params."""

    def count(weights: Any) -> int:
        return sum(int(w.numpy().size) for w in weights)

    return count(model.trainable_weights), count(model.non_trainable_weights)


def imported(model: Any, folder: Path) -> tuple[Totals, str]:
    path = folder / "model.keras"
    model.save(str(path))
    text = import_keras(str(path)).text
    return analyze(parse(text, "imported.arch")).totals, text


def check(model: Any, folder: Path) -> str:
    totals, text = imported(model, folder)
    assert (totals.trainable_params, totals.non_trainable_params) == keras_counts(model)
    example = np.zeros((1, *model.inputs[0].shape[1:]), dtype="float32")
    assert totals.output_shape.as_list() == list(model(example).shape[1:])
    return text


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_functional_residual_and_squeeze_excitation(tmp_path: Path) -> None:
    inp = keras.Input((32, 32, 3))
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False, name="stem")(inp)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    y = layers.DepthwiseConv2D(3, padding="same")(x)
    y = layers.ReLU(6.0)(y)
    x = layers.Add()([x, y])
    s = layers.GlobalAveragePooling2D(keepdims=True)(x)
    s = layers.Dense(16, activation="sigmoid")(s)
    x = layers.Multiply()([x, s])
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.2)(x)
    out = layers.Dense(10, activation="softmax")(x)
    text = check(keras.Model(inp, out), tmp_path)
    assert "conv K=16 F=3 S=2 P=same bias=no" in text and "# stem" in text


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_sequential_modern_layers(tmp_path: Path) -> None:
    frozen = layers.Conv2D(8, 3, padding="same")
    frozen.trainable = False
    model = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            frozen,
            layers.BatchNormalization(scale=False),
            layers.SeparableConv2D(16, 3, padding="same", activation="relu"),
            layers.ZeroPadding2D(((1, 0), (0, 1))),
            layers.Cropping2D(((1, 0), (0, 1))),
            layers.Conv2DTranspose(8, 3, strides=2, padding="same"),
            layers.UpSampling2D(2, interpolation="bilinear"),
            layers.LayerNormalization(),
            layers.GroupNormalization(groups=4),
            layers.PReLU(shared_axes=[1, 2]),
            layers.LeakyReLU(negative_slope=0.1),
            layers.AveragePooling2D(2, strides=2, padding="same"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(5),
        ]
    )
    check(model, tmp_path)


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_repeated_blocks_become_repeat(tmp_path: Path) -> None:
    inp = keras.Input((16, 16, 8))
    x = inp
    for _ in range(3):
        y = layers.Conv2D(8, 3, padding="same")(x)
        y = layers.BatchNormalization()(y)
        x = layers.Add()([x, y])
    text = check(keras.Model(inp, x), tmp_path)
    assert "repeat" in text


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_to_json_file_and_unsupported(tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3), layers.Lambda(lambda t: t * 2)])
    path = tmp_path / "model.json"
    path.write_text(model.to_json())
    # Keras numbers a layer's default name by how many it built before (lambda, lambda_1...)
    with pytest.raises(Exception, match=r"1 operator\(s\) have no .arch equivalent: lambda(_\d+)? \(Lambda, node 3\)"):
        import_keras(str(path))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["MobileNetV2", "ResNet50", "DenseNet121"])
def test_keras_applications(name: str, tmp_path: Path) -> None:
    model = getattr(keras.applications, name)(weights=None, input_shape=(224, 224, 3))
    check(model, tmp_path)
