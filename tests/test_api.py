"""The notebook API: load, summary (rich table, HTML, pandas), from_torch."""

from __future__ import annotations

from pathlib import Path

import pytest

import cnncalc
from cnncalc.render.html import Summary

ROOT = Path(__file__).resolve().parent.parent


def test_load_path_text_and_zoo_agree() -> None:
    path = ROOT / "examples" / "lenet5.arch"
    from_path = cnncalc.load(str(path))
    from_text = cnncalc.load(path.read_text())
    from_zoo = cnncalc.load("zoo:lenet5")
    totals = {cnncalc.analyze(a).totals.trainable_params for a in (from_path, from_text, from_zoo)}
    assert totals == {61706}  # LeNet-5's published count


def test_load_with_input_override() -> None:
    arch = cnncalc.load("input 32x32x3\nconv K=8 F=3\n", input="64x64x3")
    assert cnncalc.analyze(arch).totals.output_shape.as_list() == [62, 62, 8]


def test_summary_shows_everywhere() -> None:
    result = cnncalc.summary("zoo:lenet5")
    assert isinstance(result, Summary)
    assert result.totals.trainable_params == 61706
    page = result._repr_html_()
    assert page.startswith('<table class="cnncalc-summary">')
    assert page.count("<tr>") == len(result.rows) + 2  # header, layers, totals
    assert "61,706" in page
    text = str(result)
    assert "61,706" in text and "Params" in text
    assert result.to_json()["totals"]["trainable_params"] == 61706


def test_to_pandas() -> None:
    pandas = pytest.importorskip("pandas")
    frame = cnncalc.summary("zoo:lenet5").to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert int(frame["trainable_params"].sum()) == 61706


def test_summary_of_a_torch_module() -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.ReLU())
    result = cnncalc.summary(model, input_size=(1, 3, 16, 16))
    assert result.totals.trainable_params == sum(p.numel() for p in model.parameters())
    assert result.totals.non_trainable_params == 16
    assert result.totals.output_shape.as_list() == [14, 14, 8]
    with pytest.raises(cnncalc.UsageError, match="input_size"):
        cnncalc.summary(model)


def test_html_escapes() -> None:
    result = cnncalc.summary(cnncalc.parse("input 8x8x3\nconv K=2 F=3\n", "<x&y>.arch"))
    assert "&lt;x&amp;y&gt;.arch" in result._repr_html_()


def test_load_keras_archive(tmp_path: Path) -> None:
    import json
    import zipfile

    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 8, 8, 3]}},
        {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3]}},
    ]}}  # fmt: skip
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
    assert cnncalc.summary(str(path)).totals.trainable_params == (27 + 1) * 4
