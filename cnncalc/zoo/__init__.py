"""Built-in architectures, shipped as ``.arch`` package data and named ``zoo:NAME``.

Each file starts with ``# name: ...`` and ``# source: ...`` lines, which the
catalogue shows; everything else is ordinary ``.arch`` text users can copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from cnncalc.errors import UsageError


@dataclass(frozen=True, kw_only=True, slots=True)
class ZooModel:
    name: str
    description: str
    source: str
    text: str


#: catalogue order: chronological families, each paper variant after its torchvision sibling
ORDER = (
    "lenet5",
    "alexnet",
    "vgg16",
    "vgg19",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet50_v1",
    "resnet101",
    "resnet101_v1",
    "resnet152",
    "resnet152_v1",
    "googlenet",
    "squeezenet1_0",
    "densenet121",
    "mobilenet_v2",
)


def zoo_names() -> list[str]:
    """Every built-in architecture, in catalogue order (files not in ORDER last, sorted)."""
    folder = resources.files(__name__)
    present = {entry.name[: -len(".arch")] for entry in folder.iterdir() if entry.name.endswith(".arch")}
    return [name for name in ORDER if name in present] + sorted(present - set(ORDER))


def zoo_text(name: str) -> str:
    """The ``.arch`` text of a built-in architecture."""
    resource = resources.files(__name__).joinpath(f"{name}.arch")
    if "/" in name or "\\" in name or not resource.is_file():
        import difflib

        close = difflib.get_close_matches(name, zoo_names(), n=1)
        hint = f"did you mean 'zoo:{close[0]}'?" if close else "'cnncalc zoo' lists them"
        raise UsageError(f"no built-in architecture named '{name}'", hint=hint)
    return resource.read_text(encoding="utf-8")


def zoo_model(name: str) -> ZooModel:
    text = zoo_text(name)
    header = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, colon, value = line[1:].partition(":")
        if colon:
            header[key.strip()] = value.strip()
    return ZooModel(name=name, description=header.get("name", name), source=header.get("source", ""), text=text)
