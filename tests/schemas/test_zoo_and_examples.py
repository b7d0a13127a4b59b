"""The network documents over the whole zoo and every file in examples/.

The zoo sweep calls the renderers the CLI calls (``summary --json`` prints ``dumps`` of
``summary_json(report, encoded=True)`` plus ``memory_json``) and reads their text back, one
model per test (the library's unencoded document too); rows are validated once per distinct
canonical form (:class:`tests.schemas.helpers.RowCache`), so the ~24,000 layer rows of the zoo
take seconds.
The examples go through the CLI in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import load
from cnncalc.zoo import zoo_model, zoo_names
from tests.conftest import ROOT
from tests.schemas.helpers import RowCache, check, strict_json

ROWS = RowCache()
EXAMPLES = sorted(path.name for path in (ROOT / "examples").glob("*.arch"))
#: examples verify runs for more than ~5 s (the reference computation at full input size)
SLOW_VERIFY = {"video_c3d.arch", "vgg16_features.arch", "unet_small.arch", "homework_valid.arch", "homework_same.arch"}


@cache
def _report(name: str) -> Report:
    return analyze(load(f"zoo:{name}", None))


@pytest.mark.parametrize("name", zoo_names())
def test_zoo_model_summary_and_receptive_field(name: str) -> None:
    from cnncalc.memory import memory
    from cnncalc.render.json_report import dumps, memory_json, receptive_json, summary_json

    report = _report(name)
    found = memory(report, batch=2, dtype="float16", bytes_per_element=2, optimizer="adam")
    # as the command prints it (layers encoded from shared fragments), read back; and the library's dict
    for encoded in (True, False):
        document = summary_json(report, encoded=encoded)
        document["memory"] = memory_json(found)
        ROWS.check(strict_json(dumps(document)), "summary", "layers")
    ROWS.check(strict_json(dumps(receptive_json(report))), "receptive_field", "layers")


def test_zoo_catalogue() -> None:
    """``zoo --json`` through its renderer, on a few models (the CLI over all of them is a slow test)."""
    from cnncalc.render.zoo import zoo_json

    names = ["lenet5", "resnet18", "mobilenet_v3_small", "unet", "squeezenet1_1"]
    check(zoo_json([(zoo_model(name), _report(name)) for name in names]), "zoo")


def test_zoo_list_is_the_whole_zoo() -> None:
    assert len(zoo_names()) >= 79


def _sizes_range(example: str) -> str:
    text = (ROOT / "examples" / example).read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("input "))
    size = int(line.split()[1].split("x")[-2])
    return f"{max(size - 3, 1)}:{size + 3}"


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_documents(run_cli: Callable[..., Any], example: str) -> None:
    path = f"examples/{example}"
    for args, name in (
        (("summary", path, "--json", "--explain"), "summary"),
        (("receptive-field", path, "--json"), "receptive_field"),
        (("compare", path, "--json"), "compare"),
        (("sizes", path, "--range", _sizes_range(example), "--json"), "sizes"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        check(strict_json(result.stdout), name)


@pytest.mark.parametrize(
    "example", [pytest.param(e, marks=[pytest.mark.slow] if e in SLOW_VERIFY else []) for e in EXAMPLES]
)
def test_example_verify(run_cli: Callable[..., Any], example: str) -> None:
    result = run_cli("verify", f"examples/{example}", "--json")
    assert result.exit_code == 0, result.stderr
    check(strict_json(result.stdout), "verify")
