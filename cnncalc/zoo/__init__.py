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
    family: str
    description: str
    source: str
    text: str


#: catalogue order: families roughly by date; each paper variant after its torchvision sibling
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("LeNet", ("lenet5",)),
    ("AlexNet", ("alexnet",)),
    ("VGG", ("vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn")),
    ("GoogLeNet and Inception", ("googlenet", "inception_v3")),
    (
        "ResNet",
        ("resnet18", "resnet34", "resnet50", "resnet50_v1", "resnet101", "resnet101_v1", "resnet152", "resnet152_v1"),
    ),
    (
        "ResNeXt and Wide ResNet",
        ("resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"),
    ),
    ("SqueezeNet", ("squeezenet1_0", "squeezenet1_1")),
    ("DenseNet", ("densenet121", "densenet161", "densenet169", "densenet201")),
    ("MobileNet", ("mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small")),
    ("MnasNet", ("mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3")),
    ("ShuffleNet V2", ("shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0")),
    (
        "EfficientNet",
        (
            *(f"efficientnet_b{i}" for i in range(8)),
            "efficientnet_v2_s",
            "efficientnet_v2_m",
            "efficientnet_v2_l",
        ),
    ),
    (
        "RegNet",
        (
            *(f"regnet_x_{size}" for size in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf")),
            *(f"regnet_y_{size}" for size in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf", "128gf")),
        ),
    ),
    ("ConvNeXt", ("convnext_tiny", "convnext_small", "convnext_base", "convnext_large")),
    (
        "Segmentation",
        (
            "fcn_resnet50",
            "fcn_resnet101",
            "deeplabv3_resnet50",
            "deeplabv3_resnet101",
            "deeplabv3_mobilenet_v3_large",
            "lraspp_mobilenet_v3_large",
            "unet",
        ),
    ),
)
ORDER = tuple(name for _, names in FAMILIES for name in names)
_FAMILY_OF = {name: family for family, names in FAMILIES for name in names}


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
    return ZooModel(
        name=name,
        family=_FAMILY_OF.get(name, "other"),
        description=header.get("name", name),
        source=header.get("source", ""),
        text=text,
    )
