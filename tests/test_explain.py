"""Worked solutions: goldens, and every written-out line recomputed by an independent evaluator."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from cnncalc.errors import CnncalcError
from cnncalc.formula import Line
from cnncalc.one_layer import SOURCE, LayerOptions, analyze_layer
from cnncalc.render.worked_solution import render
from cnncalc.worked_solution import Working, explain_report, explain_row
from tests.arith import evaluate, value_of
from tests.conftest import ROOT


def _example(name: str) -> str:
    return str(ROOT / "examples" / name)


def _working(path: str, input_dims: str | None = None) -> Working:
    return explain_report(analyze(load(path, input_dims)))


def _all_lines(working: Working) -> list[Line]:
    return [line for layer in working.layers for line in layer.lines] + list(working.totals)


def assert_lines_add_up(lines: list[Line]) -> int:
    """Evaluate every numbers line (exact fractions, floor/ceil/max) and compare with its result."""
    checked = 0
    for line in lines:
        if line.numbers is None or "x" in line.result.text or not re.fullmatch(r"[-0-9,() ]+", line.result.text):
            continue
        assert evaluate(line.numbers.text) == value_of(line.result.text), line.text()
        checked += 1
    return checked


@pytest.mark.parametrize("name", ["homework_valid", "homework_same", "lenet5"])
@pytest.mark.parametrize("output_format", ["text", "markdown", "latex"])
def test_explain_golden(
    run_cli: Callable[..., Any], golden: Callable[[str, str], None], name: str, output_format: str
) -> None:
    result = run_cli("explain", _example(f"{name}.arch"), "--format", output_format)
    assert result.exit_code == 0, result.output
    extension = {"text": "txt", "markdown": "md", "latex": "tex"}[output_format]
    golden(f"explain_{name}.{extension}", result.stdout.replace(str(ROOT) + "/", ""))


def test_homework_working_shows_the_issue_lines_and_the_hand_totals() -> None:
    text = render(_working(_example("homework_valid.arch")), "text")
    assert "O = floor((I + Ps + Pe - D(F-1) - 1)/S) + 1 = floor((128 + 0 + 0 - 2 - 1)/1) + 1 = 126" in text
    assert "params = (F*F*C + 1)*K = (3*3*3 + 1)*32 = 896" in text
    assert "params = (F*F*C + 1)*K = (3*3*32 + 1)*32 = 9,248" in text
    # 61 rows into a 2x2 pool: floor(59/2) + 1 = 30, and the pipeline warns about the lost row
    assert "floor((61 + 0 + 0 - 1 - 1)/2) + 1 = 30" in text
    assert "N_in = H*W*C = 30*30*32 = 28,800" in text
    assert "params (conv layers) = 896 + 9,248 = 10,144" in text
    assert "params (fc layers) = 3,686,528 + 1,290 = 3,687,818" in text
    assert "total params = 10,144 + 3,687,818 = 3,697,962" in text


@pytest.mark.parametrize(
    "source",
    [
        "examples/homework_valid.arch",
        "examples/homework_same.arch",
        "examples/lenet5.arch",
        "examples/inception_module.arch",
        "examples/residual_block.arch",
        "examples/unet_small.arch",
        "examples/video_c3d.arch",
        "examples/audio_m5.arch",
        "zoo:googlenet",
        "zoo:mobilenet_v2",
        "zoo:resnet18",
        "zoo:alexnet",
    ],
)
def test_every_written_out_line_evaluates_to_its_result(source: str) -> None:
    path = str(ROOT / source) if source.startswith("examples") else source
    assert assert_lines_add_up(_all_lines(_working(path))) > 5


def test_receptive_field_lines_follow_the_recurrence_from_the_input() -> None:
    # LeNet-5: 5x5 conv (r 5), 2x2 pool (r 6, j 2), 5x5 conv (r 6 + 4*2 = 14), 2x2 pool (r 16, j 4)
    text = render(_working(_example("lenet5.arch")), "text")
    for expected in (
        "r = r_in + D(F-1)*j_in = 6 + 4*2 = 14",
        "r = r_in + D(F-1)*j_in = 14 + 1*2 = 16",
        "j = j_in*S = 2*2 = 4",
    ):
        assert expected in text


def test_symbolic_input_explains_with_expressions() -> None:
    text = render(_working(_example("homework_same.arch"), "NxNx3"), "text")
    assert "total params = " in text
    assert "= floor((N + 0 + 0 - 1 - 1)/2) + 1 = floor(N/2)" in text
    assert "MACs = O*O*K*F*F*C = N*N*32*3*3*3 = 864*N**2" in text
    assert "N×N×3 -> N×N×32" in text and "floor(N/2) × floor(N/2) × 32" in text


def test_markdown_math_is_balanced_and_latex_environments_close() -> None:
    working = _working(_example("inception_module.arch"))
    markdown = render(working, "markdown")
    for line in markdown.splitlines():
        assert line.count("$") % 2 == 0, line
    latex = render(working, "latex")
    assert latex.count(r"\begin{itemize}") == latex.count(r"\end{itemize}")
    assert latex.count("{") == latex.count("}") + latex.count(r"\}") - latex.count(r"\{")
    assert latex.rstrip().endswith(r"\end{document}")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("name", ["homework_valid", "lenet5", "inception_module"])
def test_latex_compiles_in_a_standard_article(tmp_path: Path, name: str) -> None:
    (tmp_path / "solution.tex").write_text(render(_working(_example(f"{name}.arch")), "latex"), encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "solution.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert (tmp_path / "solution.pdf").stat().st_size > 1000


def test_summary_explain_appends_the_working(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", _example("homework_valid.arch"), "--explain")
    assert result.exit_code == 0
    table, working = result.stdout.split("\nWorking\n")
    assert "cnncalc summary" in table
    assert "= floor((128 + 0 + 0 - 2 - 1)/1) + 1 = 126" in working
    document = __import__("json").loads(run_cli("summary", _example("lenet5.arch"), "--explain", "--json").stdout)
    first = document["working"]["layers"][0]["lines"]
    assert any(line["latex"].startswith("O = ") for line in first)


def test_summary_explain_reads_stdin_once(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", "-", "--explain", stdin="input 8x8x1\nconv K=2 F=3\n")
    assert result.exit_code == 0, result.output
    assert "params = (F*F*C + 1)*K = (3*3*1 + 1)*2 = 20" in result.stdout


def test_explain_rejects_an_unknown_format(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    result = run_cli("explain", _example("lenet5.arch"), "--format", "html")
    assert result.exit_code == 2
    assert "--format: unknown format 'html'" in result.stderr
    target = tmp_path / "out.md"
    assert run_cli("explain", _example("lenet5.arch"), "--format", "markdown", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Worked solution")
    failed = run_cli("explain", _example("lenet5.arch"), "-o", str(tmp_path / "missing" / "x.txt"))
    assert failed.exit_code == 2 and "cannot write" in failed.stderr


# --- single layers, drawn at random: every line of their working must add up --------------------

_sizes = st.integers(1, 40)


@st.composite
def layer_cases(draw: st.DrawFn) -> tuple[str, str, LayerOptions]:
    kind = draw(st.sampled_from(["conv", "dwconv", "deconv", "maxpool", "avgpool"]))
    rank = draw(st.integers(1, 3))
    dims = "x".join(str(draw(_sizes)) for _ in range(rank)) + f"x{draw(st.sampled_from([1, 2, 4, 6]))}"
    kernel = "x".join(str(draw(st.integers(1, 6))) for _ in range(draw(st.sampled_from([1, rank]))))
    stride = draw(st.none() | st.integers(1, 4).map(str))
    modes = (
        ["valid", "same", "full"]
        if kind in ("conv", "dwconv")
        else (["valid", "same"] if "pool" in kind else ["valid"])
    )
    padding = draw(st.none() | st.sampled_from(modes) | st.integers(0, 3).map(str) | st.just("1:2"))
    dilation = draw(st.none() | st.integers(1, 3).map(str)) if kind in ("conv", "dwconv", "deconv", "maxpool") else None
    options = LayerOptions(
        kernel=kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,
        filters=str(draw(st.sampled_from([2, 4, 6]))) if kind in ("conv", "deconv") else None,
        groups=draw(st.sampled_from([None, "2"])) if kind in ("conv", "deconv") else None,
        multiplier=draw(st.sampled_from([None, "2"])) if kind == "dwconv" else None,
        bias=draw(st.sampled_from([None, "no"])) if "pool" not in kind else None,
        ceil="pool" in kind and draw(st.booleans()),
    )
    return kind, dims, options


@settings(max_examples=400, deadline=None)
@given(layer_cases())
def test_random_layers_working_adds_up(case: tuple[str, str, LayerOptions]) -> None:
    kind, dims, options = case
    try:
        report = analyze_layer(kind, dims, options)
    except CnncalcError:
        return  # invalid combinations are the parser's and the pipeline's business, tested elsewhere
    row = report.rows[0]
    lines = explain_row(row, SOURCE)
    assert assert_lines_add_up(lines) >= (1 if "pool" in kind else 2)
    assert any(line.name.text.startswith("O") for line in lines)
