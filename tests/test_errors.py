"""Every error message, asserted in full through the CLI.

Each bad input must give exit code 1 (bad architecture) or 2 (bad usage), exactly
one line on stderr naming file:line:column, and nothing on stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

LENET = str(ROOT / "examples" / "lenet5.arch")

CASES = [
    pytest.param(
        "",
        "1:1: error: the architecture is empty: no input line (hint: start with a line like 'input 224x224x3')",
        id="empty-file",
    ),
    pytest.param(
        "# just a comment\n\n",
        "1:1: error: the architecture is empty: no input line (hint: start with a line like 'input 224x224x3')",
        id="only-comments",
    ),
    pytest.param(
        "conv K=1 F=1\n",
        "1:1: error: the first line must be 'input DIMS', found 'conv' (hint: start with e.g. 'input 224x224x3')",
        id="no-input-line",
    ),
    pytest.param(
        "input 8x8x1\ninput 8x8x1\n",
        "2:1: error: 'input' must be the first line, and given once (hint: use --input to change the input size)",
        id="input-twice",
    ),
    pytest.param(
        "input 8x8x0\n",
        "1:7: error: channel count must be at least 1, got 0",
        id="zero-channels",
    ),
    pytest.param(
        "input 8x8xC\n",
        "1:7: error: the channel count must be a number, got 'C' (hint: the last dim is the channel count; only spatial dims may be symbols)",
        id="symbolic-channels",
    ),
    pytest.param(
        "input 2x2x2x2x2\n",
        "1:7: error: '2x2x2x2x2' has 4 spatial dims; cnncalc handles 1-D, 2-D and 3-D inputs",
        id="too-many-dims",
    ),
    pytest.param(
        "input 8x8x1\ncnov K=1 F=3\n",
        "2:1: error: unknown layer kind 'cnov' (hint: did you mean 'conv'?)",
        id="unknown-kind",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 stirde=2\n",
        "2:14: error: unknown key 'stirde' for conv (hint: did you mean 'stride'?)",
        id="unknown-key",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 s=2\n",
        "2:14: error: unknown key 's' for conv (hint: did you mean 'S'?)",
        id="key-case",
    ),
    pytest.param(
        "input 8x8x1\nmaxpool F=2 K=3\n",
        "2:13: error: maxpool does not take K (filters) (hint: maxpool takes F, S, P, D, from)",
        id="key-not-for-kind",
    ),
    pytest.param(
        "input 8x8x1\nconv F=3\n",
        "2:1: error: conv needs K (filters) (hint: write e.g. 'conv K=32 F=3 S=1 P=same')",
        id="missing-required-key",
    ),
    pytest.param(
        "input 8x8x1\nfc\n",
        "2:1: error: fc needs its number of units (hint: write e.g. 'fc 128')",
        id="fc-without-units",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=three\n",
        "2:12: error: kernel size F must be a whole number or one per dim joined by 'x' (like 3 or 3x5), got 'three'",
        id="bad-number",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 S=0\n",
        "2:16: error: stride S must be at least 1, got 0",
        id="zero-stride",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 D=0\n",
        "2:16: error: dilation D must be at least 1, got 0",
        id="zero-dilation",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 G=0\n",
        "2:16: error: groups G must be at least 1, got 0",
        id="zero-groups",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 P=-1\n",
        "2:16: error: bad padding '-1' (hint: padding is N, AxB, start:end, s1:e1xs2:e2, valid, same or full)",
        id="negative-padding",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 bias=maybe\n",
        "2:19: error: bias must be yes or no, got 'maybe' (hint: use yes/no, true/false or 1/0)",
        id="bad-bool",
    ),
    pytest.param(
        "input 8x8x1\ndropout rate=1.5\n",
        "2:14: error: rate must be below 1, got 1.5 (hint: dropout rate is the fraction dropped, e.g. 0.5)",
        id="bad-rate",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3 F=5\n",
        "2:14: error: F is given twice",
        id="duplicate-key",
    ),
    pytest.param(
        "input 8x8x1\nrelu hello\n",
        "2:6: error: unexpected 'hello' after relu (hint: relu takes from=...)",
        id="stray-word",
    ),
    pytest.param(
        "input 3x3x1\nconv K=1 F=5\n",
        "2:10: error: output size on H would be -1 < 1: floor((I + Ps + Pe - Fe)/S) + 1 = floor((3 + 0 + 0 - 5)/1) + 1 = -1"
        " (hint: the window is larger than the padded input; use a smaller F, S or D, or more padding)",
        id="output-below-one",
    ),
    pytest.param(
        "input 8x8x3\nconv K=4 F=1 G=2\n",
        "2:14: error: groups G=2 must divide both the input channels (3) and K (4) (hint: G=C with K a multiple of C is a depthwise conv)",
        id="groups-do-not-divide",
    ),
    pytest.param(
        "input 8x8x1\nx: relu\nconv K=2 F=1\nadd x\n",
        "4:1: error: add needs equal shapes, but the current output is 8x8x2 and 'x' is 8x8x1"
        " (hint: match them with a 1x1 conv (and a stride) on the shortcut)",
        id="add-shapes",
    ),
    pytest.param(
        "input 8x8x1\nx: relu\nmaxpool F=2\nconcat x\n",
        "4:1: error: concat joins on channels, so spatial dims must be equal, but the current output is 4x4 and 'x' is 8x8"
        " (hint: pool or pad the larger path so both have the same spatial size)",
        id="concat-spatial",
    ),
    pytest.param(
        "input 8x8x1\nrelu\nadd nowhere\n",
        "3:5: error: unknown label 'nowhere' (hint: a label must be defined on an earlier line, in this block or an enclosing one)",
        id="unknown-label",
    ),
    pytest.param(
        "input 8x8x1\nrelu from=later\nlater: relu\n",
        "2:6: error: unknown label 'later' (hint: a label must be defined on an earlier line, in this block or an enclosing one)",
        id="label-used-before-definition",
    ),
    pytest.param(
        "input 8x8x1\nrepeat 2 {\n  inner: relu\n}\nadd inner\n",
        "5:5: error: unknown label 'inner' (hint: a label must be defined on an earlier line, in this block or an enclosing one)",
        id="label-outside-its-repetition",
    ),
    pytest.param(
        "input 8x8x1\na: relu\na: relu\n",
        "3:1: error: label 'a' is already defined in this scope (hint: labels must be unique; pick another name)",
        id="duplicate-label",
    ),
    pytest.param(
        "input 8x8x1\nrepeat 2 {\nrelu\n",
        "2:1: error: 'repeat 2 {' is never closed (hint: add a line with '}' after the block)",
        id="unclosed-repeat",
    ),
    pytest.param(
        "input 8x8x1\nrelu\n}\n",
        "3:1: error: '}' without a matching 'repeat N {' or 'block NAME {'",
        id="stray-brace",
    ),
    pytest.param(
        "input 8x8x1\nrepeat 0 {\nrelu\n}\n",
        "2:8: error: repeat count must be at least 1, got 0",
        id="repeat-zero",
    ),
    pytest.param(
        "input 8x8x1\nrepeat 1000000000 {\nrelu\n}\n",
        "3:1: error: with this layer the architecture unrolls to more than 1,000,000 layers, the most cnncalc handles"
        " (hint: the limit is fixed; check the repeat counts)",
        id="repeat-huge",
    ),
    pytest.param(
        "input 8x8x1\nmaxpool F=2 P=full\n",
        "2:13: error: padding 'full' is not supported by maxpool (hint: maxpool accepts same, valid or explicit padding)",
        id="pool-full",
    ),
    pytest.param(
        "input 8x8x1\ndeconv K=1 F=2 P=same\n",
        "2:16: error: padding 'same' is not supported by deconv"
        " (hint: give explicit padding: O = (I-1)*S - 2P + F + OP, so F=4 S=2 P=1 doubles the size)",
        id="deconv-same",
    ),
    pytest.param(
        "input 8x8x1\ndeconv K=1 F=2 S=2 OP=2\n",
        "2:20: error: output padding OP=2 must be smaller than the stride (2) or the dilation (1)"
        " (hint: PyTorch refuses larger output padding; it only picks among sizes the stride makes ambiguous)",
        id="deconv-output-padding",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=3x3x3\n",
        "2:10: error: F=3x3x3 gives 3 dims, but the input 8x8x1 has 2 spatial dim(s) (hint: give one number for all dims or exactly 2 joined by 'x')",
        id="per-dim-rank",
    ),
    pytest.param(
        "input 784\nconv K=1 F=3\n",
        "2:1: error: conv needs spatial dims, but its input is a flat vector of 784"
        " (hint: windowed layers apply to inputs like 32x32x3; use fc for flat vectors)",
        id="conv-on-flat",
    ),
    pytest.param(
        "input 8x8x1\nconv1d K=1 F=3\n",
        "2:1: error: conv1d expects 1 spatial dim(s), but its input 8x8x1 has 2 (hint: write plain 'conv' to follow the input's rank)",
        id="conv1d-on-image",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=1000000000000000000000000000000\n",
        "2:10: error: output size on H would be -999999999999999999999999999991 < 1: floor((I + Ps + Pe - Fe)/S) + 1"
        " = floor((8 + 0 + 0 - 1000000000000000000000000000000)/1) + 1 = -999999999999999999999999999991"
        " (hint: the window is larger than the padded input; use a smaller F, S or D, or more padding)",
        id="huge-kernel",
    ),
    pytest.param(
        "input 8x8x1\nconv K=1 F=10**30\n",
        "2:12: error: kernel size F must be a whole number or one per dim joined by 'x' (like 3 or 3x5), got '10**30'"
        " (hint: write the number out in digits)",
        id="power-syntax",
    ),
    pytest.param(
        "input __import__('os').system('echo')x3\n",
        "1:7: error: input size must be a whole number, got '__import__('os').system('echo')'",
        id="code-injection-in-input",
    ),
    pytest.param(
        '[{"kind": "input", "shape": [8, 8, 1]},\n {"kind": "conv", "K": 1}]\n',
        "2:2: error: conv needs F (kernel) (hint: write e.g. 'conv K=32 F=3 S=1 P=same')",
        id="json-missing-key",
    ),
    pytest.param(
        '[{"kind": "input", "shape": [8, 8, 1]},\n {"kind": "conv", "K": 1, "F": 3, "S": 0}]\n',
        "2:2: error: stride S must be at least 1, got 0",
        id="json-bad-value-points-at-its-object",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [}\n',
        "1:31: error: invalid JSON: Expecting value",
        id="json-syntax",
    ),
]


@pytest.mark.parametrize(("text", "message"), CASES)
def test_error_message(tmp_path: Path, run_cli: Callable[..., Any], text: str, message: str) -> None:
    path = tmp_path / "net.arch"
    path.write_text(text, encoding="utf-8")
    result = run_cli("summary", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{path}:{message}\n"


def test_invalid_utf8(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "net.arch"
    path.write_bytes(b"input 8x8x1\nconv K=1 F=3 # caf\xe9\n")
    result = run_cli("summary", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr
        == f"{path}:2:19: error: the file is not valid UTF-8 (byte 0xe9) (hint: save the file as UTF-8 text)\n"
    )


def test_missing_file_is_bad_usage(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", "no/such/file.arch")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: cannot read 'no/such/file.arch': No such file or directory\n"


def test_bad_input_override_is_bad_usage(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", LENET, "--input", "32x32x0")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: --input '32x32x0': channel count must be at least 1, got 0\n"


def test_unknown_option_is_bad_usage(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", LENET, "--frobnicate")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == "error: no such option '--frobnicate'. Did you mean '--format'? (hint: cnncalc summary --help)\n"
    )
