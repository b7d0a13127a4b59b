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
    with pytest.raises(
        Exception,
        match=r"1 operator\(s\) have no .arch equivalent: lambda(_\d+)? \(Lambda, node 2: a Lambda layer runs arbitrary Python code",
    ):
        import_keras(str(path))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["MobileNetV2", "ResNet50", "DenseNet121", "MobileNetV3Small", "ConvNeXtTiny", "EfficientNetV2B0"]
)
def test_keras_applications(name: str, tmp_path: Path) -> None:
    model = getattr(keras.applications, name)(weights=None, input_shape=(224, 224, 3))
    check(model, tmp_path)


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_nested_models_are_inlined(tmp_path: Path) -> None:
    inner_in = keras.Input((8, 8, 4))
    t = layers.Conv2D(4, 3, padding="same", name="ic")(inner_in)
    inner = keras.Model(inner_in, layers.BatchNormalization(name="ibn")(t), name="inner")
    block = keras.Sequential([layers.Conv2D(6, 1, name="sc"), layers.ReLU(name="sr")], name="block")
    relu = layers.ReLU(name="shared_relu")  # weightless: called twice, two lines
    inp = keras.Input((8, 8, 3))
    x = relu(layers.Conv2D(4, 1, name="c0")(inp))
    x = layers.Add(name="add")([x, inner(x)])
    out = block(relu(x))
    text = check(keras.Model(inp, out), tmp_path)
    for name in ("# inner/ic", "# inner/ibn", "# block/sc", "# block/sr"):
        assert name in text
    assert text.count("# shared_relu") == 2


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_shared_weights_are_refused(tmp_path: Path) -> None:
    shared = layers.Conv2D(4, 3, padding="same", name="shared")
    inp = keras.Input((8, 8, 4))
    model = keras.Model(inp, layers.Add()([shared(inp), shared(shared(inp))]))
    model.save(str(tmp_path / "m.keras"))
    with pytest.raises(
        Exception,
        match=r"shared \(Conv2D, node \d+: called at 3 places with shared weights; a .arch line owns its parameters",
    ):
        import_keras(str(tmp_path / "m.keras"))


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_normalization_and_channel_shuffle(tmp_path: Path) -> None:
    inp = keras.Input((6, 6, 3))
    norm = layers.Normalization(name="norm")
    norm.adapt(np.random.default_rng(0).normal(size=(4, 6, 6, 3)).astype("float32"))
    x = layers.Conv2D(6, 1, name="c")(norm(inp))
    x = layers.Reshape((6, 6, 2, 3))(x)  # ShuffleNet's channel shuffle, channels-last
    x = layers.Permute((1, 2, 4, 3))(x)
    x = layers.Reshape((6, 6, 6))(x)
    x = layers.Normalization(mean=0.5, variance=2.0, name="fixed")(x)
    model = keras.Model(inp, x)
    path = tmp_path / "m.keras"
    model.save(str(path))
    result = import_keras(str(path))
    totals = analyze(parse(result.text, "n.arch")).totals
    trainable, non_trainable = keras_counts(model)
    assert totals.trainable_params == trainable
    # Keras's adapted Normalization keeps mean and variance (2C) and a count (1): the .arch's normalization
    assert totals.non_trainable_params == non_trainable == 2 * 3 + 1
    assert "normalization" in result.text
    assert not result.warnings
    assert "shuffle G=2" in result.text
    assert totals.output_shape.as_list() == list(model(np.zeros((1, 6, 6, 3), "float32")).shape[1:])


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_permute_and_lambda_are_refused_in_one_line(tmp_path: Path) -> None:
    inp = keras.Input((4, 6, 3))
    x = layers.Permute((3, 1, 2), name="perm")(inp)
    x = layers.Lambda(lambda t: t + 1, name="lam")(x)
    keras.Model(inp, x).save(str(tmp_path / "m.keras"))
    with pytest.raises(Exception) as error:
        import_keras(str(tmp_path / "m.keras"))
    message = str(error.value)
    assert "perm (Permute, node 1: Permute(3, 1, 2) moves the channel axis; .arch tensors stay channels-last" in message
    assert "lam (Lambda, node 2: a Lambda layer runs arbitrary Python code, which cnncalc does not read)" in message
    assert "\n" not in message


@pytest.mark.slow
def test_efficientnet_b0_normalization_counts_like_keras(tmp_path: Path) -> None:
    """keras.applications' EfficientNetB0 scales its input with a Normalization layer (mean, variance,
    count): the import's non-trainable total is model.summary()'s 42,023, not one short."""
    model = keras.applications.EfficientNetB0(weights=None, input_shape=(224, 224, 3))
    text = check(model, tmp_path)
    assert keras_counts(model)[1] == 42_023
    assert any(line.split("#")[0].split(":")[-1].split() == ["normalization"] for line in text.splitlines())


@pytest.mark.slow  # importing keras on the torch backend takes most of the time
def test_normalization_on_another_axis_is_refused(tmp_path: Path) -> None:
    inp = keras.Input((4, 6, 3))
    keras.Model(inp, layers.Normalization(axis=1, name="rows")(inp)).save(str(tmp_path / "m.keras"))
    with pytest.raises(Exception, match=r"rows \(Normalization, node \d+: normalises other axes than the channels\)"):
        import_keras(str(tmp_path / "m.keras"))
