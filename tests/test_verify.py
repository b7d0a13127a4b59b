"""``cnncalc verify``: it passes where cnncalc is right and fails where a formula is wrong.

The sabotage tests patch one formula at a time (an output size off by one, a receptive
field one too wide) and require verify to notice: a check that cannot fail proves
nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cnncalc.geometry as geometry_module
import cnncalc.layers.conv as conv_module
import cnncalc.receptive as receptive_module
from cnncalc import parse
from cnncalc.arch.source import load
from cnncalc.errors import ShapeError
from cnncalc.receptive import Field
from cnncalc.verify import verify
from cnncalc.zoo import zoo_names
from tests.conftest import ROOT
from tests.zoo_sets import zoo_params

EXAMPLES = sorted((ROOT / "examples").glob("*.arch"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_verifies(path: Path) -> None:
    report = verify(load(str(path)))
    assert report.ok, [row for row in report.rows if not row.ok]


@pytest.mark.parametrize("name", zoo_params(zoo_names()))
def test_every_zoo_model_verifies(name: str) -> None:
    report = verify(load(f"zoo:{name}"), impulses=1)
    assert report.ok, [row for row in report.rows if not row.ok]
    assert all(row.measured == row.predicted for row in report.rows)


def test_wrong_output_size_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = geometry_module.conv_output_size
    monkeypatch.setattr(conv_module, "conv_output_size", lambda *args: real(*args) + 1)
    report = verify(parse("input 16x16x1\nconv K=1 F=3\nrelu\n", "t.arch"))
    assert not report.ok
    assert (report.rows[0].predicted, report.rows[0].measured) == ((15, 15), (14, 14))


def test_wrong_receptive_field_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = receptive_module.apply_window

    def one_too_wide(field: Any, window: Any) -> Any:
        out = real(field, window)
        assert isinstance(out, Field)
        return Field(size=tuple(s + 1 for s in out.size), jump=out.jump, padding=out.padding)

    monkeypatch.setattr("cnncalc.receptive.apply_window", one_too_wide)
    report = verify(parse("input 32x32x1\nconv K=1 F=3 P=1\nconv K=1 F=3 P=1\n", "t.arch"))
    assert not report.ok
    assert report.rows[1].field_check.startswith("MISMATCH")


@st.composite
def networks(draw: st.DrawFn) -> str:
    """Random stacks of convs and pools, sometimes with a residual or concat branch."""
    rank = draw(st.integers(1, 2))
    size = draw(st.integers(12, 40 if rank == 1 else 20))
    lines = [f"input {'x'.join([str(size)] * rank)}x2"]
    for index in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["conv", "conv", "maxpool", "avgpool", "branch"]))
        kernel = draw(st.integers(1, 4))
        stride = draw(st.integers(1, 3))
        pad = draw(st.integers(0, kernel // 2))
        if kind == "branch":
            # a same-size branch: 3x3 conv with padding 1 added to (or joined with) its input
            lines += [
                f"b{index}: identity",
                "conv K=2 F=3 P=1",
                draw(st.sampled_from([f"add b{index}", f"concat b{index}"])),
            ]
            continue
        extra = f" K=3 D={draw(st.integers(1, 2))}" if kind == "conv" else (" ceil" if draw(st.booleans()) else "")
        lines.append(f"{kind} F={kernel} S={stride} P={pad}{extra}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_random_networks_verify(text: str) -> None:
    try:
        arch = parse(text, "t.arch")
        report = verify(arch)
    except ShapeError:
        return
    assert report.ok, (text, [row for row in report.rows if not row.ok])


def test_cli_exit_codes_and_json(run_cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = run_cli("verify", str(ROOT / "examples" / "lenet5.arch"), "--json")
    assert good.exit_code == 0
    document = json.loads(good.stdout)
    assert document["schema"] == "cnncalc.verify/1" and document["ok"] is True
    table = run_cli("verify", str(ROOT / "examples" / "lenet5.arch"))
    assert "channels collapsed to one per layer" in table.stdout and "all 10 layers agree" in table.stdout
    real = geometry_module.conv_output_size
    monkeypatch.setattr(conv_module, "conv_output_size", lambda *args: real(*args) + 1)
    bad = run_cli("verify", str(ROOT / "examples" / "lenet5.arch"))
    assert bad.exit_code == 3
    assert "DISAGREE" in bad.stdout


def test_max_pooling_padding_over_half_the_window_is_run_as_pytorch_with_f_pad() -> None:
    """PyTorch's max pooling refuses padding over half the window (run here); cnncalc runs such a layer
    as its PyTorch export does, F.pad with -inf then the pooling: the shapes agree with torch's, a
    window of pure padding (-inf) depends on no input, and the layers after it are not field-checked."""
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    x = torch.zeros(1, 1, 6, 6)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        functional.max_pool2d(x, kernel_size=1, stride=1, padding=1)
    padded = functional.max_pool2d(functional.pad(x, (1, 1, 1, 1), value=float("-inf")), kernel_size=1, stride=1)
    after = functional.conv2d(padded, torch.ones(1, 1, 3, 3))
    report = verify(parse("input 6x6x1\nmaxpool F=1 S=1 P=1\nconv K=1 F=3\n"))
    assert report.ok, report.rows
    assert [row.measured for row in report.rows] == [tuple(padded.shape[2:]), tuple(after.shape[2:])]
    assert [row.field_check for row in report.rows] == ["exact", "n/a"]


def test_verify_refuses_a_reference_run_past_its_budget() -> None:
    from cnncalc.limits import LimitError

    arch = load("zoo:lenet5", "30000x30000x1")
    with pytest.raises(LimitError) as caught:
        verify(arch)
    # at least the first conv's 3 impulses x 29996^2 outputs x 25 taps = 6.7e10 cell operations
    assert re.match(r"error: this needs (\d\.\d)e(\d+) cell operations", caught.value.render())
    assert "over the limit of 3e7 (hint: raise it with --max-work" in caught.value.render()
    small = load("zoo:lenet5")
    with pytest.raises(LimitError):
        verify(small, max_work=1000)
