"""A regular (non-editable) install ships the schemas: a wheel built from the sources holds them all,
and ``cnncalc.schemas`` reads them from the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cnncalc import schemas
from tests.conftest import ROOT


@pytest.mark.slow  # builds a wheel with pip: several seconds
def test_wheel_ships_every_schema(tmp_path: Path) -> None:
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip("building needs setuptools >= 77 (pyproject's build requirement)")
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "cnncalc", source / "cnncalc", ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q"]
    built = subprocess.run([*command, "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=300)
    if built.returncode != 0 and "No module named pip" in built.stderr:
        pytest.skip("pip is not installed")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("cnncalc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("cnncalc/schemas/")}
        archive.extractall(tmp_path / "installed")
    assert shipped == {"cnncalc/schemas/__init__.py", *(f"cnncalc/schemas/{n}.schema.json" for n in schemas.NAMES)}
    # the unpacked wheel is an installed package: load every schema from there, in a fresh interpreter
    code = "import cnncalc.schemas as s; print(s.__file__); print(sum(len(s.load(n)) > 0 for n in s.NAMES))"
    ran = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "installed")},
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    where, count = ran.stdout.split()
    assert Path(where).is_relative_to(tmp_path / "installed")
    assert int(count) == len(schemas.NAMES)
