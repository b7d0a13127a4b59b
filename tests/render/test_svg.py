"""Diagrams: structure checked on the SVG itself, and a real browser rendering it.

Structure: the SVG parses; every executed layer of the summary is drawn exactly once
(each element lists its summary rows in ``data-rows``; folded layers and repeated blocks
share an element); each element's shape label is the shape cnncalc computed; no two
boxes overlap; everything lies inside the viewBox; the same input gives the same bytes.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from cnncalc.arch.source import load
from cnncalc.diagram import Layout, layout, shape_text
from cnncalc.render.svg import render_svg
from tests.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
SOURCES = [
    "zoo:lenet5",
    "zoo:vgg16",
    "zoo:resnet50",
    "zoo:googlenet",
    "zoo:densenet121",
    "zoo:mobilenet_v2",
    "examples/inception_module.arch",
    "examples/residual_block.arch",
    "examples/unet_small.arch",
    "examples/audio_m5.arch",
    "examples/video_c3d.arch",
]


def _load(source: str) -> Any:
    return load(source if source.startswith("zoo:") else str(ROOT / source))


def _bounds(item: Any) -> tuple[float, float, float, float]:
    rise = item.depth * 0.6
    return item.x, item.y - rise, item.x + item.width + item.depth, item.y + item.height


@pytest.mark.parametrize("source", SOURCES)
def test_structure(source: str) -> None:
    drawn: Layout = layout(_load(source))
    svg = render_svg(drawn, totals=True)
    root = ElementTree.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "layer"]
    rows = drawn.report.rows
    covered = sorted(int(r) for g in groups for r in (g.get("data-rows") or "").split(",") if r)
    assert covered == [row.index for row in rows]  # every layer exactly once
    for g in groups:
        listed = [int(r) for r in (g.get("data-rows") or "").split(",") if r]
        expected = shape_text(rows[listed[0] - 1].output_shape) if listed else shape_text(drawn.report.input_shape)
        assert g.get("data-shape") == expected
        assert expected in "".join(g.itertext())  # the label carries the computed shape
    boxes = [_bounds(item) for item in drawn.items]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[1] >= 0 and a[2] <= drawn.width and a[3] <= drawn.height
        for b in boxes[i + 1 :]:
            overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            assert overlap[0] <= 0 or overlap[1] <= 0, (source, a, b)
    assert render_svg(layout(_load(source)), totals=True) == svg  # deterministic


def test_repeats_are_drawn_once_with_a_badge() -> None:
    root = ElementTree.fromstring(render_svg(layout(load("zoo:resnet50"))))
    badges = sorted(int(g.get("data-count") or 0) for g in root.iter(f"{SVG}g") if g.get("class") == "repeat")
    assert badges == [2, 2, 3, 5]  # the identity blocks after each stage's first block
    unrolled = ElementTree.fromstring(render_svg(layout(load("zoo:resnet50"), unroll=True)))
    assert not [g for g in unrolled.iter(f"{SVG}g") if g.get("class") == "repeat"]


def test_readme_drawings_are_current() -> None:
    for name, source in (("lenet5", "zoo:lenet5"), ("residual_block", "examples/residual_block.arch")):
        fresh = render_svg(layout(_load(source)), totals=True, title=source)
        assert (ROOT / "docs" / f"{name}.svg").read_text(encoding="utf-8") == fresh, f"regenerate docs/{name}.svg"


def test_cli(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "net.svg"
    assert run_cli("diagram", "zoo:lenet5", "-o", str(out), "--width", "400").exit_code == 0
    root = ElementTree.fromstring(out.read_text(encoding="utf-8"))
    assert root.get("width") == "400"
    html = run_cli("diagram", "zoo:lenet5", "--format", "html", "--theme", "dark").stdout
    assert html.startswith("<!doctype html>") and "<svg" in html and "<table>" in html and "#1b1e25" in html
    bad = run_cli("diagram", "zoo:lenet5", "--format", "png")
    assert bad.exit_code == 2 and bad.stderr == "error: --format: unknown format 'png' (hint: use svg or html)\n"
    bad = run_cli("diagram", "zoo:lenet5", "--theme", "blue")
    assert bad.exit_code == 2 and bad.stderr == "error: --theme: unknown theme 'blue' (hint: use light or dark)\n"
    bad = run_cli("diagram", "zoo:lenet5", "--input", "NxNx1")
    assert bad.exit_code == 2 and bad.stderr == "error: diagrams need numeric sizes (hint: give --input with numbers)\n"
    target = tmp_path / "no" / "dir.svg"
    bad = run_cli("diagram", "zoo:lenet5", "-o", str(target))
    assert bad.exit_code == 2 and bad.stderr == f"error: cannot write '{target}': No such file or directory\n"


# --- a real browser ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _png(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("model", ["lenet5", "vgg16", "resnet50"])
def test_headless_chromium_renders_it(model: str, tmp_path: Path) -> None:
    drawn = layout(load(f"zoo:{model}"))
    svg_path = tmp_path / f"{model}.svg"
    svg_path.write_text(render_svg(drawn, totals=True), encoding="utf-8")
    width, height = int(drawn.width) + 1, int(drawn.height + 30) + 1
    png = tmp_path / f"{model}.png"
    subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},{height}", f"--screenshot={png}",
            svg_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    got_width, got_height, pixels = _png(png)
    assert (got_width, got_height) == (width, height)
    assert len(set(pixels[::7])) > 20  # drawn, not a blank page
