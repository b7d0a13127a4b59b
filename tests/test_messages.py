"""More error messages, each asserted whole: the architecture readers (text and JSON),
and every other command. Inputs that are long (deep nesting, 1,001 digits) are built
in code; ``LENET`` stands for examples/lenet5.arch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cnncalc.course.functions import softmax
from cnncalc.course.style import style
from cnncalc.errors import UsageError
from cnncalc.reference.tensor import Tensor
from tests.conftest import ROOT

LONG = {
    "nest-deep": "input 8x8x1\n" + "repeat 1 {\n" * 102 + "relu\n" + "}\n" * 102,
    "too-many-digits": "input 8x8x1\nconv K=1 F=" + "1" * 1001 + "\n",
    "json-deep": "[" * 3000 + "]" * 3000,
    "json-repeat-deep": '{"input": "8x8x1", "layers": '
    + '[{"kind": "repeat", "count": 1, "layers": ' * 102
    + '[{"kind": "relu"}]'
    + "}]" * 102
    + "}",
}

ARCHITECTURES = [
    pytest.param(
        "input 8x8x1\n{\nrelu\n}\n",
        "2:1: error: '{' must follow 'repeat N' or 'block NAME' (hint: blocks are written 'repeat 3 { ... }' or 'block stem {')",
        id="brace-without-repeat",
    ),
    pytest.param("input 8x8x1\nrepeat 2 {\n}\n", "2:1: error: repeat block is empty", id="empty-repeat"),
    pytest.param(
        "input 8x8x1\nrepeat 3\n",
        "2:1: error: 'repeat 3' has no block (hint: write 'repeat N {' or 'block NAME {')",
        id="repeat-no-block",
    ),
    pytest.param(
        "input 8x8x1\nrepeat 3\nrelu\n",
        "3:1: error: expected '{' after 'repeat 3' (hint: write 'repeat N {' or 'block NAME {')",
        id="repeat-no-brace",
    ),
    pytest.param(
        "input\n",
        "1:1: error: the input line is 'input DIMS' (hint: e.g. 'input 224x224x3' (H x W x C))",
        id="input-alone",
    ),
    pytest.param(
        "input 8x8x1\nx:\n",
        "2:1: error: label 'x:' names no layer (hint: write 'label: KIND ...')",
        id="label-no-layer",
    ),
    pytest.param(LONG["nest-deep"], "102:10: error: repeat blocks nest deeper than 100", id="nest-deep"),
    pytest.param(
        LONG["too-many-digits"],
        "2:12: error: kernel size F has 1001 digits; cnncalc accepts at most 1000",
        id="too-many-digits",
    ),
    pytest.param(
        "input 8x8x1\n1x: relu\n",
        "2:1: error: '1x' is not a valid label (hint: labels are letters, digits and '_', not starting with a digit)",
        id="bad-label",
    ),
    pytest.param(
        "input 8x8x1\ndropout rate=abc\n",
        "2:14: error: rate must be a decimal number like 0.5, got 'abc'",
        id="bad-rate",
    ),
    pytest.param("input 8x8x1\nconv K= F=3\n", "2:6: error: K= has no value", id="key-no-value"),
    pytest.param(
        "input 8x8x1\nadaptiveavgpool\n",
        "2:1: error: adaptiveavgpool needs its output size (hint: write e.g. 'adaptiveavgpool 7' (or '7x7'))",
        id="adaptive-no-size",
    ),
    pytest.param(
        "input 8x8x1\nadd\n",
        "2:1: error: add needs the labels of the outputs to join (hint: write e.g. 'add shortcut' after 'shortcut: ...' was defined)",
        id="add-no-labels",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [{"kind": "conv", "K": {"a": 1}, "F": 3}]}',
        "1:31: error: bad value for 'K': {\"a\": 1} (hint: use a number, a string or a list of numbers)",
        id="json-bad-value",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [{"kind": "conv", "K": 1, "F": [true, 3]}]}',
        "1:31: error: bad value for 'F': true",
        id="json-bad-list-item",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [{"kind": "repeat", "count": 1000000000, "layers": [{"kind": "relu"}]}]}',
        "1:82: error: with this layer the architecture unrolls to more than 1,000,000 layers, the most cnncalc handles "
        "(hint: the limit is fixed; check the repeat counts)",
        id="json-unrolls",
    ),
    pytest.param(LONG["json-deep"], "1:1: error: JSON nests too deeply", id="json-deep"),
    pytest.param(
        '{"input": "8x8x1", "layers": 5}',
        "1:1: error: 'layers' must be a list of layer objects",
        id="json-layers-not-list",
    ),
    pytest.param(LONG["json-repeat-deep"], "1:4231: error: repeat blocks nest deeper than 100", id="json-repeat-deep"),
    pytest.param(
        '{"inputs": "8x8x1"}',
        '1:1: error: a JSON architecture object has keys "input" and "layers" (hint: e.g. {"input": "32x32x1", "layers": [...]})',
        id="json-object-keys",
    ),
    pytest.param(
        "[1, 2]",
        '1:1: error: a JSON architecture is a list starting with {"kind": "input", "shape": ...} or an object with "input" and "layers"',
        id="json-list-start",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [5]}', "1:1: error: a layer must be an object, got 5", id="json-layer-not-object"
    ),
    pytest.param(
        '[{"kind": "input", "shape": [8, 8, 1]}, {"K": 1}]',
        '1:41: error: a layer object needs a "kind" string (hint: e.g. {"kind": "conv", "K": 32, "F": 3})',
        id="json-no-kind",
    ),
    pytest.param(
        '[{"kind": "input", "shape": [8, 8, 1]}, {"kind": "input", "shape": [8, 8, 1]}]',
        "1:41: error: 'input' must be the first entry, and given once",
        id="json-input-twice",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [{"kind": "repeat", "count": 2, "layers": [{"kind": "relu"}], "x": 1}]}',
        "1:31: error: repeat takes count and layers, not x",
        id="json-repeat-keys",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [{"kind": "repeat", "count": 2, "layers": []}]}',
        "1:31: error: repeat block is empty",
        id="json-repeat-empty",
    ),
    pytest.param(
        '{"input": "8x8x1", "layers": [{"kind": "maxpool", "F": 2, "ceil": 3}]}',
        "1:31: error: ceil must be true or false",
        id="json-ceil",
    ),
]


@pytest.mark.parametrize(("text", "message"), ARCHITECTURES)
def test_architecture_errors(tmp_path: Path, run_cli: Callable[..., Any], text: str, message: str) -> None:
    path = tmp_path / "net.arch"
    path.write_text(text, encoding="utf-8")
    result = run_cli("summary", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"{path}:{message}\n"


COMMANDS = [
    pytest.param(
        ["summary", "LENET", "--dtype", "float8"],
        2,
        "error: --dtype: unknown dtype 'float8' (hint: use one of float64, float32, float16, bfloat16, int8)\n",
    ),
    pytest.param(
        ["verify", "zoo:lenet5", "--input", "NxNx1"],
        1,
        "error: verify needs numeric sizes, but the input size is N (hint: give --input with numbers)\n",
    ),
    pytest.param(
        ["reference", "conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--order", "diag"],
        2,
        "error: --order: unknown order 'diag' (hint: use 'columns' or 'rows')\n",
    ),
    pytest.param(
        ["reference", "pool", "--input", "[[1,2],[3,4]]", "--kernel", "2", "--mode", "min"],
        2,
        "error: --mode: unknown mode 'min' (hint: use 'max' or 'avg')\n",
    ),
    pytest.param(
        ["iou", "0,0,1,1", "0,0,1,1", "--format", "abc"],
        2,
        "error: --format: unknown box format 'abc' (hint: use xyxy or cxcywh)\n",
    ),
    pytest.param(["yolo", "--anchors", "1", "--classes", "1"], 2, "error: give --grid, or --input and --stride\n"),
    pytest.param(
        ["iou", "0,0,-1,1", "1,1,1,1", "--format", "cxcywh"], 2, "error: BOX_A: width and height cannot be negative\n"
    ),
    pytest.param(
        ["yolo", "--input", "416", "--anchors", "1", "--classes", "1"],
        2,
        "error: --input and --stride go together (hint: e.g. --input 416 --stride 32)\n",
    ),
    pytest.param(
        ["yolo", "--grid", "19", "--input", "416", "--stride", "32", "--anchors", "1", "--classes", "1"],
        2,
        "error: --grid 19 does not match input / stride = 416 / 32 = 13\n",
    ),
    pytest.param(["activation", "softplus", "1", "--beta", "0"], 2, "error: softplus needs beta != 0\n"),
    pytest.param(
        ["activation", "sigmoid", "1e400"],
        2,
        "error: ≈1.000e400 is too large for sigmoid, which computes in floating point (hint: inputs, alpha and beta up to 1e300 in magnitude)\n",
    ),
    pytest.param(
        ["loss", "cross-entropy", "--target", "1,0", "--pred", "0.5"], 2, "error: 2 targets but 1 predictions\n"
    ),
    pytest.param(
        ["loss", "cross-entropy", "--target", "0,1;1,0", "--pred", "0.5,0.5"],
        2,
        "error: 2 target rows but 1 prediction rows\n",
    ),
    pytest.param(
        ["loss", "mse", "--target", "1,2", "--pred", "1"],
        2,
        "error: targets and predictions must have the same shape\n",
    ),
    pytest.param(
        ["loss", "triplet", "--anchor", "0;1", "--positive", "0", "--negative", "0"],
        2,
        "error: anchor, positive and negative need the same number of rows\n",
    ),
    pytest.param(
        ["loss", "cross-entropy", "--target", "2", "--pred", "0.5"], 2, "error: a binary target is 0 or 1, got 2\n"
    ),
    pytest.param(
        ["loss", "cross-entropy", "--target", "0,1", "--pred", "0.2,0.3,0.5"],
        2,
        "error: a target of 2 classes for 3 predictions\n",
    ),
    pytest.param(
        ["loss", "cross-entropy", "--target", "0,1,0", "--pred", "0.2,0.2,0.2"],
        2,
        "error: the predictions 0.2, 0.2, 0.2 do not sum to 1 (hint: give probabilities (a softmax output))\n",
    ),
    pytest.param(
        ["loss", "cross-entropy", "--multi-label", "--target", "1,0", "--pred", "0.5,0.5,0.5"],
        2,
        "error: a target of 2 labels for 3 predictions\n",
    ),
    pytest.param(
        ["loss", "triplet", "--anchor", "0,0", "--positive", "0", "--negative", "0"],
        2,
        "error: embeddings must have the same length\n",
    ),
    pytest.param(
        ["loss", "cross-entropy", "--target", "5", "--pred", "0.2,0.3,0.5"], 2, "error: class index 5 is not in 0..2\n"
    ),
    pytest.param(
        ["loss", "cross-entropy", "--multi-label", "--target", "2,0", "--pred", "0.5,0.5"],
        2,
        "error: a label is 0, 1 or ?, got 2\n",
    ),
    pytest.param(
        ["gram", "[[[1]]]", "--generated", "[[[1,2]]]"], 2, "error: the two volumes differ: [1, 1, 1] and [1, 1, 2]\n"
    ),
    pytest.param(
        ["reference", "conv", "--input", "[1,2]", "--filter", "[[1]]"],
        1,
        "error: --input has 1 levels of nesting; a 2-D input has 2 (one channel) or 3 (channels last) (hint: set --dims for 1-D or 3-D data)\n",
    ),
    pytest.param(
        ["reference", "conv", "--input", "[[1,2],[3,4]]", "--filter", "[1]"],
        1,
        "error: --filter has 1 levels of nesting; a 2-D filter has 2 to 4\n",
    ),
    pytest.param(
        ["reference", "conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--bias", "[[1]]"],
        2,
        "error: --bias is one number or a list with one per filter\n",
    ),
    pytest.param(
        ["reference", "conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--bias", "1,2"],
        2,
        "error: --bias gives 2 values for 1 filter(s)\n",
    ),
    pytest.param(
        ["reference", "deconv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--output-padding", "1"],
        2,
        "error: --output-padding must be smaller than the stride or the dilation (as PyTorch requires)\n",
    ),
    pytest.param(
        ["reference", "pool", "--input", "[[1,2],[3,4]]", "--kernel", "2", "--padding", "full"],
        2,
        "error: --padding full is not available here (hint: use valid, same or numbers)\n",
    ),
    pytest.param(
        ["reference", "conv", "--input", "[[1,2],[3,4]]", "--filter", "[[1]]", "--explain", "--cell", "9x9"],
        2,
        "error: --cell 9x9 is outside the output 2x2\n",
    ),
    pytest.param(
        ["reference", "deconv", "--input", "[[1]]", "--filter", "[[1]]", "--padding", "1"],
        1,
        "error: the padding removes the whole transposed-convolution output (hint: use less padding)\n",
    ),
    pytest.param(["softmax", ","], 2, "error: VALUES is empty\n"),
    pytest.param(
        ["reference", "pool", "--input", "  \n ", "--kernel", "1"], 1, "--input:1:1: error: the matrix is empty\n"
    ),
    pytest.param(
        ["reference", "pool", "--input", "1 2\n\n1 2 3\n", "--kernel", "1"],
        1,
        "--input:1:1: error: every channel must have the same rows and columns\n",
    ),
]


@pytest.mark.parametrize(("args", "code", "message"), COMMANDS)
def test_command_errors(run_cli: Callable[..., Any], args: list[str], code: int, message: str) -> None:
    args = [str(ROOT / "examples" / "lenet5.arch") if a == "LENET" else a for a in args]
    result = run_cli(*args)
    assert result.exit_code == code and result.stdout == ""
    assert result.stderr == message


STDIN = [
    pytest.param(["nms", "-"], "", 1, "<stdin>:1:1: error: no boxes\n"),
    pytest.param(["nms", "-"], "[]", 1, "<stdin>:1:1: error: expected a non-empty list of boxes\n"),
    pytest.param(["nms", "-"], "x1,y1,x2,y2,score\n", 1, "<stdin>:1:1: error: no boxes\n"),
    pytest.param(["nms", "-"], '[{"box":[0,0,1,1]}]', 1, '<stdin>:1:1: error: box 0 needs "box" and "score"\n'),
    pytest.param(
        ["nms", "-"], '[{"box":[0,"a"],"score":1}]', 1, "<stdin>:1:1: error: box 0: the box must be 4 numbers\n"
    ),
    pytest.param(
        ["nms", "-"], '[{"box":[0,0,1,1],"score":"a"}]', 1, "<stdin>:1:1: error: box 0: the score must be a number\n"
    ),
    pytest.param(["nms", "-"], "x1,y1,x2,y2,score\n0,0,1\n", 1, "<stdin>:2:1: error: expected 5 values, got 3\n"),
]


@pytest.mark.parametrize(("args", "stdin", "code", "message"), STDIN)
def test_stdin_errors(run_cli: Callable[..., Any], args: list[str], stdin: str, code: int, message: str) -> None:
    result = run_cli(*args, stdin=stdin)
    assert result.exit_code == code and result.stdout == ""
    assert result.stderr == message


def test_matrix_file_that_is_not_utf8(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_bytes(b"1 2\n3 \xff\n")
    result = run_cli("reference", "conv", "--input", str(path), "--filter", "[[1]]")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{path}:2:3: error: the file is not valid UTF-8 (byte 0xff) (hint: save the file as UTF-8 text)\n"
    )


def test_library_only_guards() -> None:
    """Checks the command line cannot reach (it always passes values / 2-D volumes)."""
    with pytest.raises(UsageError, match="softmax needs at least one value"):
        softmax([])
    with pytest.raises(UsageError, match="an activation volume is n_H x n_W x n_C; this one has 1 spatial dims"):
        style(Tensor.from_nested([1, 2], 1))


def test_symbolic_merges(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    """Sizes that are equal for every N but not in form merge with a warning; a real mismatch
    is an error naming an N where the sizes differ."""
    unproven = tmp_path / "unproven.arch"
    unproven.write_text("input Nx4\ni: identity\nx: conv K=4 F=3 S=2 P=same\nconv K=4 F=2 S=2 P=0:1 from=i\nconcat x\n")
    warnings = [
        w
        for layer in json.loads(run_cli("summary", str(unproven), "--json").stdout)["layers"]
        for w in layer["warnings"]
    ]
    assert any(
        w.startswith("'x' matches at every size tried, but sympy cannot prove floor((N - 1)/2) + 1 = ")
        for w in warnings
    )
    mismatch = tmp_path / "mismatch.arch"
    mismatch.write_text("input Nx4\nx: identity\nmaxpool F=2\nconcat x\n")
    result = run_cli("summary", str(mismatch))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{mismatch}:4:1: error: concat joins on channels, so spatial dims must be equal, but the current output is floor(N/2)"
        " and 'x' is N (they differ when the symbols are 1) (hint: pool or pad the larger path so both have the same spatial size)\n"
    )
