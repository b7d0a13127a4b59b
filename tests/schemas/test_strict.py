"""The schemas are strict: a renamed key, a mistyped value or an unknown key is rejected.

Every key of one real document per schema is renamed in turn (the first row of each list
stands for its rows) and the schema must reject each; then targeted mutations change a
value's type, leave a fixed set or break the number conventions.
"""

from __future__ import annotations

import copy
import shlex
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cnncalc import schemas
from tests.schemas.helpers import check, errors, strict_json
from tests.schemas.test_documents import CASES, SLOW

Path = tuple[str | int, ...]
#: objects whose keys are data, not names: the solved symbols and the output dims of their formulas
DATA_KEYS = {("unknowns",), ("unknowns", "N")}


def _richest_case(name: str) -> str:
    """The longest quick invocation (the one with the most options, so the most keys)."""
    return max((command for command in CASES[name] if command not in SLOW), key=len)


@pytest.fixture
def document(run_cli: Callable[..., Any], files: dict[str, str]) -> Callable[[str], Any]:
    def run(name: str, command: str | None = None) -> Any:
        if name == "zoo":  # the whole catalogue is a slow test: its renderer on two models
            from cnncalc.analysis import analyze
            from cnncalc.arch.source import load
            from cnncalc.render.zoo import zoo_json
            from cnncalc.zoo import zoo_model

            return zoo_json([(zoo_model(n), analyze(load(f"zoo:{n}", None))) for n in ("lenet5", "resnet18")])
        args = [
            arg.format(**files) if arg.startswith("{") else arg for arg in shlex.split(command or _richest_case(name))
        ]
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        found = strict_json(result.stdout)
        check(found, name)
        return found

    return run


def _keys(value: Any, path: Path = ()) -> Iterator[Path]:
    """The path of every object key, descending into the first item of each list."""
    if isinstance(value, dict):
        for key, item in value.items():
            if path not in DATA_KEYS:
                yield (*path, key)
            yield from _keys(item, (*path, key))
    elif isinstance(value, list) and value:
        yield from _keys(value[0], (*path, 0))


def _at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


#: the network form of solve besides its layer form
NETWORK_SOLVE = "solve examples/vgg16_features.arch --input '?x?x3' --output 7x7x512 --json"


@pytest.mark.parametrize(("name", "command"), [*((name, None) for name in schemas.NAMES), ("solve", NETWORK_SOLVE)])
def test_every_renamed_key_is_rejected(document: Callable[..., Any], name: str, command: str | None) -> None:
    original = document(name, command)
    paths = list(_keys(original))
    assert len(paths) >= 5
    accepted = []
    for path in paths:
        mutated = copy.deepcopy(original)
        parent = _at(mutated, path[:-1])
        parent[f"{path[-1]}_renamed"] = parent.pop(path[-1])
        if not errors(mutated, name):
            accepted.append("/".join(map(str, path)))
    assert not accepted, f"renaming these keys still validates: {accepted}"


def _set(path: Path, value: Any) -> Callable[[Any], None]:
    def mutate(document: Any) -> None:
        _at(document, path[:-1])[path[-1]] = value

    return mutate


MUTATIONS: list[tuple[str, Path, Any, str]] = [
    ("summary", ("layers", 0, "macs"), 117600.5, "a count as a float"),
    ("summary", ("layers", 0, "macs"), "117600", "a count as a string of digits"),
    ("summary", ("layers", 0, "macs"), True, "a count as a boolean"),
    ("summary", ("layers", 0, "trainable_params"), -1, "a negative count"),
    ("summary", ("layers", 0, "kind"), "convolution", "a kind the registry does not have"),
    ("summary", ("layers", 0, "output_shape"), [28, 28.5, 6], "a float in a shape"),
    ("summary", ("layers", 0, "output_shape"), [], "an empty shape"),
    ("summary", ("layers", 0, "padding"), [[0, 0, 0], [0, 0]], "a padding triple"),
    ("summary", ("layers", 0, "receptive_field", "global_context"), "no", "a boolean as text"),
    ("summary", ("memory", "dtype"), "float8", "a dtype cnncalc does not have"),
    ("summary", ("memory", "optimizer"), "rmsprop", "an optimizer cnncalc does not have"),
    ("summary", ("schema",), "cnncalc.summary/2", "another version"),
    ("summary", ("totals", "receptive_field", "size"), [16, None], "null in a per-dim list"),
    ("receptive_field", ("layers", 0, "warnings"), "none", "warnings as one string"),
    ("layer", ("working", 0, "latex"), None, "a working line without its LaTeX"),
    ("padding", ("mode",), "half", "a mode cnncalc does not have"),
    ("solve", ("unknown",), "Q", "an unknown that is not a letter of the formula"),
    ("solve", ("solutions", "step"), 0, "a zero step"),
    ("solve", ("given", "I"), "224", "a given value as text"),
    ("solve", ("source",), "zoo:vgg16", "the network form's key in the layer form"),
    ("sizes", ("sizes", 0, "exact"), 1, "a boolean as a number"),
    ("verify", ("layers", 0, "measured_spatial"), [28.5, 28], "a measured size as a float"),
    ("kinds", ("kinds", 0, "keys", 0, "required"), "yes", "a boolean as text"),
    ("zoo", ("models", 0, "macs"), 1.5e9 + 0.5, "MACs as a float"),
    ("compare", ("counters", 0, "name"), "flopco", "a counter cnncalc does not have"),
    ("iou", ("box_a",), [0, 0, 2], "a box of three numbers"),
    ("iou", ("iou",), "NaN", "NaN as a string"),
    ("iou", ("iou",), "Infinity", "an infinity spelled as JavaScript does"),
    ("iou", ("passes",), "no", "a boolean as text"),
    ("nms", ("events", 0, "action"), "dropped", "an NMS action that does not exist"),
    ("yolo", ("output_shape",), [19, 19, 425], "a three-dim YOLO volume"),
    ("softmax", ("probabilities", 0), "0.25", "a probability as text"),
    ("activation", ("activation",), "mish", "an activation the command does not have"),
    ("loss", ("loss",), "hinge", "a loss the command does not have"),
    ("gram", ("gram", 1), [], "an empty Gram row"),
    ("reference", ("output_shape",), [2], "an output shape without channels"),
]


@pytest.mark.parametrize(("name", "path", "value", "what"), [pytest.param(*m, id=f"{m[0]}: {m[3]}") for m in MUTATIONS])
def test_mutation_is_rejected(document: Callable[[str], Any], name: str, path: Path, value: Any, what: str) -> None:
    mutated = copy.deepcopy(document(name))
    _set(path, value)(mutated)
    assert errors(mutated, name), f"{name}: {what} was accepted"


def test_infinities_as_strings_are_accepted(document: Callable[[str], Any]) -> None:
    """The course documents write infinities as "inf"/"-inf" (JSON has none) and NaN as null where
    a value is computed in floating point."""
    loss = document("loss")
    loss["per_example"] = ["inf", 1.5, None]
    loss["mean"] = "inf"
    assert not errors(loss, "loss")
    softmax = document("softmax")
    softmax["exponentials"][0] = "-inf"
    assert not errors(softmax, "softmax")
