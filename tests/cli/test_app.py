"""The app itself: version, help, the module entry, lazy imports (start-up cost), user text never run."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from click.testing import CliRunner

from cnncalc import __version__
from cnncalc.cli import app
from tests.conftest import COMMAND, ROOT

EXAMPLES = ROOT / "examples"


def _example(name: str) -> str:
    return str(EXAMPLES / name)


def test_version_help_and_module_entry(run_cli: Callable[..., Any]) -> None:
    assert run_cli("--version").stdout == f"cnncalc {__version__}\n"
    for command in ("summary", "receptive-field"):
        help_text = run_cli(command, "--help").stdout
        assert "Examples:\n    cnncalc" in help_text
    done = subprocess.run(
        [sys.executable, "-m", "cnncalc", "summary", _example("lenet5.arch"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["totals"]["trainable_params"] == 61_706


def _imported_modules(*args: str) -> set[str]:
    code = (
        "import sys; from cnncalc.cli import app\n"
        "try:\n    app(list(sys.argv[1:]), prog_name='cnncalc')\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"}
    )
    return set(done.stderr.split())


def test_numeric_json_path_imports_neither_sympy_nor_rich() -> None:
    modules = _imported_modules("summary", _example("residual_block.arch"), "--json")
    assert "sympy" not in modules and "rich" not in modules
    assert "cnncalc.assume" not in modules  # --assume's parser stays off the start-up path
    assert "sympy" not in _imported_modules("summary", _example("residual_block.arch"))


def test_symbolic_input_imports_sympy_and_stays_consistent(run_cli: Callable[..., Any]) -> None:
    assert "sympy" in _imported_modules("summary", _example("lenet5.arch"), "--input", "NxNx1", "--json")
    document = json.loads(run_cli("summary", _example("residual_block.arch"), "--input", "Nx56x64", "--json").stdout)
    assert document["totals"]["output_shape"][1:] == [28, 128]
    assert "N" in document["totals"]["output_shape"][0]


def test_numeric_paths_of_the_new_commands_do_not_load_sympy() -> None:
    for args in (
        ("layer", "conv", "--input", "32x32x3", "--kernel", "5", "--filters", "6", "--explain"),
        ("padding", "--input", "7", "--kernel", "3", "--stride", "2", "--explain"),
        ("solve", "conv", "--input", "224", "--output", "112", "--kernel", "7", "--stride", "2", "--padding", "?"),
        ("sizes", _example("lenet5.arch"), "--range", "28:36", "--json"),
        ("explain", _example("lenet5.arch"), "--format", "latex"),
        ("summary", _example("lenet5.arch"), "--explain"),
    ):
        assert "sympy" not in _imported_modules(*args), args


INJECTION = "__import__('os').system('touch /tmp/cnncalc-pwned')"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summary", "-", "--input", INJECTION), "error: --input"),
        (("summary", "-", "--input", "NxNx3", "--assume", INJECTION), "error: --assume"),
        (("solve", "-", "--input", INJECTION, "--output", "7"), "error: --input"),
        (("solve", "-", "--input", "?", "--output", INJECTION), "error: --output"),
        (("solve", "conv", "--input", INJECTION, "--output", "1", "--kernel", "?"), "error: --input"),
        (("layer", "conv", "--input", "8x8x1", "--kernel", INJECTION, "--filters", "1"), "error: --kernel"),
        (("padding", "--input", INJECTION, "--kernel", "3"), "error: --input"),
        (("sizes", "-", "--range", INJECTION), "error: --range"),
    ],
)
def test_user_text_is_never_evaluated(run_cli: Callable[..., Any], args: tuple[str, ...], message: str) -> None:
    """Python in any option is one clean usage error; nothing runs (sympify/eval never see it)."""
    result = run_cli(*args, stdin="input NxNx3\nconv K=4 F=3 S=2\n")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not Path("/tmp/cnncalc-pwned").exists()


def test_the_entry_point_builds_only_the_invoked_command() -> None:
    """main() hands typer just the named command (start-up); it must behave like the full app."""
    from cnncalc.cli import command_name as _command_name
    from cnncalc.cli import lean_app

    names = [_command_name(info) for info in app.registered_commands]
    names += [g.name for g in app.registered_groups if g.name is not None]
    assert len(names) >= 18  # every command and group
    runner = CliRunner()
    for name in names:
        lean = lean_app([name, "--help"])
        assert lean is not app
        built = typer.main.get_command(lean)
        assert list(built.commands) == [name]  # type: ignore[attr-defined]
        assert runner.invoke(built, [name, "--help"]).exit_code == 0, name
    assert lean_app([]) is app and lean_app(["--version"]) is app and lean_app(["nosuch"]) is app
    args = ["summary", _example("lenet5.arch"), "--json"]
    full = runner.invoke(COMMAND, args)
    lean_result = runner.invoke(typer.main.get_command(lean_app(args)), args)
    assert lean_result.stdout == full.stdout and lean_result.exit_code == 0
    failing = ["summary", "/nonexistent.arch"]
    assert runner.invoke(typer.main.get_command(lean_app(failing)), failing).exit_code == 2
    done = subprocess.run(
        [sys.executable, "-m", "cnncalc", "zoo", "show", "lenet5"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("# name: LeNet-5")


def _imports(path: Path) -> set[str]:
    """Every module a file imports (at any depth: lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_cli_imports_the_cli_and_command_groups_share_only_app_and_options() -> None:
    """The layering: the library never reaches up into cnncalc.cli, and no command module imports another."""
    package = ROOT / "cnncalc"
    outside = [
        str(path.relative_to(ROOT))
        for path in package.rglob("*.py")
        if "cli" not in path.relative_to(package).parts[:1]
        and path.name != "__main__.py"  # `python -m cnncalc` runs the app
        and any(name == "cnncalc.cli" or name.startswith("cnncalc.cli.") for name in _imports(path))
    ]
    assert outside == []
    shared = {"cnncalc.cli.app", "cnncalc.cli.options"}
    for path in (package / "cli").glob("*.py"):
        if path.name == "__init__.py":
            continue
        used = {name for name in _imports(path) if name.startswith("cnncalc.cli")}
        assert used <= shared, (path.name, used - shared)
    assert _imports(package / "cli" / "app.py") & {"cnncalc.cli.options"} == set()


def test_running_out_of_memory_is_one_line_not_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    # the machine's own limit (ulimit -v, a container) reached inside the work: the input's size, exit 1
    import cnncalc.arch.source

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(cnncalc.arch.source, "parse_text", exhausted)
    result = CliRunner().invoke(typer.main.get_command(app), ["summary", _example("lenet5.arch")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: out of memory: this input needs more memory than the process may use "
        "(hint: try a smaller --input or fewer layers)"
    ]
    assert result.stdout == ""
