"""Built-in architectures, shipped as ``.arch`` package data and named ``zoo:NAME``."""

from __future__ import annotations

from importlib import resources

from cnncalc.errors import UsageError


def zoo_names() -> list[str]:
    """Every built-in architecture, sorted."""
    folder = resources.files(__name__)
    return sorted(entry.name[: -len(".arch")] for entry in folder.iterdir() if entry.name.endswith(".arch"))


def zoo_text(name: str) -> str:
    """The ``.arch`` text of a built-in architecture."""
    names = zoo_names()
    if name not in names:
        import difflib

        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean 'zoo:{close[0]}'?" if close else "'cnncalc zoo' lists them"
        raise UsageError(f"no built-in architecture named '{name}'", hint=hint)
    return resources.files(__name__).joinpath(f"{name}.arch").read_text(encoding="utf-8")
