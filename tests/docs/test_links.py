"""The manual points only at things a reader has: every file it names exists, every relative
link resolves, it never cites the team's internal documents or issue numbers, and what it says
about the zoo is counted from the zoo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from click.testing import CliRunner

from cnncalc.cli import app
from tests.docs.transcripts import ROOT, documents

PAGES = documents()
#: a repository path in prose or code: examples/..., docs/... (a trailing dot or comma is punctuation)
_PATH = re.compile(r"(?<![\w/.-])((?:examples|docs)/[\w./-]*[\w])")
_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
_FORBIDDEN = re.compile(r"DESIGN\.md|STYLE\.md|§\s*\d|\bissues? \d|\bissue #\d|/work/|\bseeds\b", re.IGNORECASE)


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_repository_path_named_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = sorted({path for path in _PATH.findall(text) if not (ROOT / path).exists()})
    assert not missing, f"{_page_id(page)} names files the repository does not have: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_relative_link_resolves(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    targets = [target for target in _LINK.findall(text) if "://" not in target and not target.startswith("mailto:")]
    missing = sorted({target for target in targets if not (page.parent / target).exists()})
    assert not missing, f"{_page_id(page)} links to missing files: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_no_internal_references(page: Path) -> None:
    found = [
        f"line {number}: {match.group()}"
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        for match in _FORBIDDEN.finditer(line)
    ]
    assert not found, f"{_page_id(page)} cites documents or issues a reader does not have: {found}"


def test_every_page_is_listed_in_the_index() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    unlisted = [page.name for page in PAGES[1:] if page.name != "index.md" and f"]({page.name})" not in index]
    assert not unlisted, f"docs/index.md does not link {unlisted}"


def test_zoo_counts_are_the_zoo_s() -> None:
    result = CliRunner().invoke(typer.main.get_command(app), ["zoo", "--json"])
    models = json.loads(result.stdout)["models"]
    segmentation = [m for m in models if m["family"] == "Segmentation" and m["name"] != "unet"]
    paper = [m for m in models if m["name"].endswith("_v1")]
    classifiers = len(models) - len(segmentation) - len(paper) - 2  # LeNet-5 and U-Net
    stated = (
        f"The zoo holds {len(models)} models:\n{classifiers} torchvision classifiers, the {len(segmentation)} "
        f"torchvision segmentation models, {len(paper)} ResNets in the paper's\nlayout"
    )
    assert stated in (ROOT / "docs" / "zoo.md").read_text(encoding="utf-8")
    assert f"one of the {len(models)} built-in models" in (ROOT / "README.md").read_text(encoding="utf-8")
