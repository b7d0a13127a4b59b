"""``--assume``: progressions, restating in the user's symbols, and agreement with numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.analysis import analyze
from cnncalc.arch.source import load
from cnncalc.assume import Progression, parse_assumptions, restate
from cnncalc.dims import symbol
from cnncalc.errors import UsageError


def test_progressions() -> None:
    assert parse_assumptions(["N % 32 == 0"], ["N"]) == {"N": Progression(32, 0)}
    assert parse_assumptions(["N % 32 == 0, N >= 64"], ["N"]) == {"N": Progression(32, 32)}
    assert parse_assumptions(["N mod 4 = 1 and N > 10"], ["N"])["N"].value(1) == 13
    assert parse_assumptions(["H % 2 == 0", "H % 3 == 1"], ["H", "W"]) == {"H": Progression(6, -2)}
    assert parse_assumptions(["W >= 7"], ["H", "W"]) == {"W": Progression(1, 6)}


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["N % 32"], "--assume 'N % 32': cannot read 'N % 32'"),
        (["__import__('os').system('true')"], "cannot read"),
        (["M % 2 == 0"], "--assume 'M % 2 == 0': 'M' is not a symbol of the input"),
        (["N % 4 == 4"], "--assume 'N % 4 == 4': need N % M == R with M >= 1 and 0 <= R < M"),
        (["N % 2 == 0", "N % 4 == 1"], "--assume: the conditions on N contradict each other (no value meets them all)"),
        (
            ["N % 999983 == 0", "N % 999979 == 0"],
            "--assume: the moduli of N combine to 999962000357, more than cnncalc handles",
        ),
    ],
)
def test_assumption_errors(texts: list[str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_assumptions(texts, ["N"])
    assert message in caught.value.message


def test_resnet50_at_multiples_of_32_reads_n_over_32(run_cli: Callable[..., Any]) -> None:
    args = ("summary", "zoo:resnet50", "--input", "NxNx3", "--assume", "N % 32 == 0", "--json")
    document = json.loads(run_cli(*args).stdout)
    assert document["layers"][-3]["output_shape"] == ["N/32", "N/32", 2048]
    # at N = 224: 81456*224**2 + 2048000 = 4,089,184,256 = torchvision's 4.089 GFLOPS figure
    assert document["totals"]["macs"] == "81456*N**2 + 2048000"
    assert json.loads(run_cli("summary", "zoo:resnet50", "--json").stdout)["totals"]["macs"] == 81456 * 224**2 + 2048000
    plain = json.loads(run_cli("summary", "zoo:resnet50", "--input", "NxNx3", "--json").stdout)
    assert "floor" in plain["layers"][-3]["output_shape"][0]


def test_explain_and_receptive_field_take_assumptions(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    path = tmp_path / "net.arch"
    path.write_text("input NxNx3\nconv K=8 F=3 S=2 P=1\nmaxpool F=2\n", encoding="utf-8")
    text = run_cli("explain", str(path), "--assume", "N % 4 == 0").stdout
    assert "N×N×3 -> N/2 × N/2 × 8" in text
    assert "= floor((N + 1 + 1 - 2 - 1)/2) + 1 = N/2" in text
    field = run_cli("receptive-field", str(path), "--assume", "N % 4 == 0", "--json")
    assert json.loads(field.stdout)["layers"][-1]["output_shape"] == ["N/4", "N/4", 8]
    bad = run_cli("summary", str(path), "--assume", "N ~ 3")
    assert bad.exit_code == 2 and "cannot read 'N ~ 3'" in bad.stderr


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([2, 4, 8, 16, 32]),
    st.integers(0, 31),
    st.integers(1, 80),
    st.sampled_from(["examples/homework_same.arch", "examples/lenet5.arch", "examples/residual_block.arch"]),
)
def test_assumed_results_agree_with_numbers(modulus: int, residue: int, lower: int, example: str) -> None:
    """Substitute members of the progression into the restated report: the numeric pipeline agrees."""
    residue %= modulus
    progression = parse_assumptions([f"N % {modulus} == {residue}, N >= {lower}"], ["N"])
    arch = load(example, "NxNx" + str(load(example).input.dims[-1]))
    try:
        report = restate(analyze(arch, progression), progression)
    except Exception:
        return  # too small a size for this network: the numeric side checks that itself
    n = symbol("N")
    for k in (1, 2, 5):
        size = progression["N"].value(k)
        try:
            numeric = analyze(load(example, f"{size}x{size}x{arch.input.dims[-1]}"))
        except Exception:
            continue
        for symbolic_row, numeric_row in zip(report.rows, numeric.rows, strict=True):
            for a, b in zip(symbolic_row.output_shape.as_list(), numeric_row.output_shape.as_list(), strict=True):
                assert (a if isinstance(a, int) else int(a.subs(n, size))) == b
        macs = report.totals.macs
        assert (macs if isinstance(macs, int) else int(macs.subs(n, size))) == numeric.totals.macs


def test_a_user_symbol_named_like_a_parameter_never_merges_with_it(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    """``N % 2 == 0`` puts a fresh parameter in place of N; an input dim the user named ``k_N`` stays its own."""
    path = tmp_path / "kn.arch"
    path.write_text("input Nxk_Nx3\nconv K=4 F=2 S=2\n")
    result = run_cli("summary", str(path), "--assume", "N % 2 == 0")
    assert "floor(k_N/2)" in result.stdout and "N/2" in result.stdout
    both = run_cli("summary", str(path), "--assume", "N % 2 == 0", "--assume", "k_N % 4 == 0").stdout
    assert "N/2 × k_N/2 × 4" in both


@pytest.mark.parametrize(("kernel", "stride", "padding"), [(2, 2, 1), (3, 3, 1), (4, 3, 2), (3, 2, 1), (2, 2, 0)])
def test_six_ceil_mode_pools_stay_one_floor_and_match_pytorch(kernel: int, stride: int, padding: int) -> None:
    """Nested floors, ceilings and Mins of ceil-mode pooling collapse into one floor (so a tower of
    them stays small) and the formula gives PyTorch's size at every N PyTorch accepts."""
    import sympy

    torch = pytest.importorskip("torch")
    text = "input Nx1\n" + f"maxpool F={kernel} S={stride} P={padding} ceil\n" * 6
    out = analyze(load_text(text)).totals.output_shape.spatial[0]
    assert sympy.count_ops(out) < 12, out
    n = symbol("N")
    for size in range(1, 260):
        x = torch.zeros(1, 1, size)
        try:
            for _ in range(6):
                x = torch.nn.functional.max_pool1d(x, kernel, stride, padding, ceil_mode=True)
        except RuntimeError:
            continue
        assert int(sympy.sympify(out).subs(n, size)) == x.shape[-1], size


def test_a_tower_of_same_convolutions_is_ceil_n_over_32() -> None:
    """TensorFlow's SAME gives ceil(I/S) per layer, so five stride-2 layers give ceil(N/32) (one ceiling)."""
    import sympy

    out = analyze(load_text("input NxNx3\nrepeat 5 { conv K=8 F=3 S=2 P=same }\n")).totals.output_shape
    n = symbol("N")
    assert out.spatial[0] in (sympy.ceiling(n / 32), -sympy.floor(-n / 32))  # the same value, two spellings


def load_text(text: str) -> Any:
    from cnncalc.arch.reader import parse

    return parse(text, "tower.arch")


def test_a_symbolic_size_past_the_expression_limit_stops_with_one_message() -> None:
    import sympy

    from cnncalc.dims import bounded
    from cnncalc.limits import MAX_EXPRESSION_NODES, LimitError

    small = sympy.floor(symbol("N") / 2)
    assert bounded(small) is small
    huge = sympy.Add(*(sympy.floor(symbol(f"N{i}") / 3) for i in range(MAX_EXPRESSION_NODES // 4)))
    with pytest.raises(LimitError) as caught:
        bounded(huge)
    assert caught.value.render().startswith("error: a symbolic size grew past 5,000 terms")
