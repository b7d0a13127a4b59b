"""The built-in models against torchvision's published figures and the receptive-field
table of Araujo et al. (google-research/receptive_field), and every example file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cnncalc import analyze, parse
from cnncalc.analysis import Report
from cnncalc.arch.source import load
from cnncalc.zoo import ORDER, zoo_model, zoo_names, zoo_text
from tests.conftest import ROOT

# torchvision's model metadata: "num_params" and "_ops" (GFLOPS = multiply-adds, 3 decimals).
TORCHVISION = {
    "alexnet": (61_100_840, "0.714"),
    "vgg16": (138_357_544, "15.470"),
    "vgg19": (143_667_240, "19.632"),
    "resnet18": (11_689_512, "1.814"),
    "resnet34": (21_797_672, "3.664"),
    "resnet50": (25_557_032, "4.089"),
    "resnet101": (44_549_160, "7.801"),
    "resnet152": (60_192_808, "11.514"),
    "mobilenet_v2": (3_504_872, "0.301"),
    "googlenet": (6_624_904, "1.498"),
    "densenet121": (7_978_856, "2.834"),
    "squeezenet1_0": (1_248_424, "0.819"),
}


def report(name: str, input_dims: str | None = None) -> Report:
    return analyze(load(f"zoo:{name}", input_dims))


def giga(value: int, decimals: int = 3) -> str:
    """``value`` in units of 10^9, rounded half up to ``decimals`` places (torchvision's ``_ops``)."""
    unit = 10 ** (9 - decimals)
    scaled, remainder = divmod(value, unit)
    scaled += 2 * remainder >= unit
    return f"{scaled // 10**decimals}.{scaled % 10**decimals:0{decimals}d}"


def gmacs_as_published(macs: int, published: str) -> str:
    """``macs`` in G to as many decimals as the published figure has (some publish 2 or 1)."""
    return giga(macs, len(published.partition(".")[2]))


@pytest.mark.parametrize(("name", "published"), TORCHVISION.items())
def test_matches_torchvision(name: str, published: tuple[int, str]) -> None:
    params, gmacs = published
    totals = report(name).totals
    assert totals.trainable_params == params
    assert giga(int(totals.macs)) == gmacs
    assert totals.output_shape.as_list() == [1000]


def test_lenet5_matches_the_course() -> None:
    assert report("lenet5").totals.trainable_params == 61_706


@pytest.mark.parametrize(
    ("v1", "v15"), [("resnet50_v1", "resnet50"), ("resnet101_v1", "resnet101"), ("resnet152_v1", "resnet152")]
)
def test_paper_variants_move_the_stride_not_the_weights(v1: str, v15: str) -> None:
    paper, torchvision = report(v1).totals, report(v15).totals
    assert paper.trainable_params == torchvision.trainable_params
    assert paper.macs < torchvision.macs  # the strided 1x1 makes the following 3x3 four times cheaper


# google-research/receptive_field README (Araujo et al., Distill 2019): size, jump, padding.
# ResNet-v1 and AlexNet padding differ there by 2: TF-slim pads its stride-2 pools 'SAME'
# (0, 1) where PyTorch pads 1, and slim's AlexNet conv1 is 'VALID' where torchvision pads 2.
@pytest.mark.parametrize(
    ("name", "size", "jump", "padding"),
    [
        ("vgg16", 212, 32, 90),
        ("alexnet", 195, 32, None),
        ("resnet50_v1", 483, 32, None),
        ("resnet101_v1", 1027, 32, None),
        ("resnet152_v1", 1507, 32, None),
    ],
)
def test_receptive_fields_match_araujo_et_al(name: str, size: int, jump: int, padding: int | None) -> None:
    field = report(name).totals.receptive_field
    assert field is not None
    assert field.size == (size, size) and field.jump == (jump, jump)
    if padding is not None:
        assert field.padding == (padding, padding)


def test_input_override_works_on_zoo_models() -> None:
    big = report("resnet50", "320x320x3").totals
    assert big.trainable_params == 25_557_032  # global pooling: the same weights at any size
    assert big.macs > report("resnet50").totals.macs
    # VGG's adaptive 7x7 pooling keeps the classifier at 25,088 inputs, as in torchvision
    assert report("vgg16", "320x320x3").totals.trainable_params == 138_357_544


def test_catalogue_lists_all_thirteen_and_the_variants() -> None:
    required = set(TORCHVISION) | {"lenet5", "resnet50_v1", "resnet101_v1", "resnet152_v1"}
    assert required <= set(zoo_names())
    assert zoo_names()[: len(ORDER)] == list(ORDER)


def test_show_prints_the_file_that_summary_uses(run_cli: Callable[..., Any]) -> None:
    shown = run_cli("zoo", "show", "resnet18").stdout
    assert shown == zoo_text("resnet18")
    assert analyze(parse(shown, "copy.arch")).totals == report("resnet18").totals


def test_unknown_model_is_a_usage_error(run_cli: Callable[..., Any]) -> None:
    result = run_cli("summary", "zoo:resnet5")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: no built-in architecture named 'resnet5' (hint: did you mean 'zoo:resnet50'?)\n"


def test_zoo_listing_golden(run_cli: Callable[..., Any], golden: Callable[[str, str], None]) -> None:
    table = run_cli("zoo")
    assert table.exit_code == 0
    golden("zoo.txt", table.stdout)
    document = json.loads(run_cli("zoo", "--json").stdout)
    golden("zoo.json", run_cli("zoo", "--json").stdout)
    assert document["schema"] == "cnncalc.zoo/1"
    assert {m["name"]: m["trainable_params"] for m in document["models"]}["vgg16"] == 138_357_544


def test_manual_zoo_table_is_current(run_cli: Callable[..., Any]) -> None:
    markdown = run_cli("zoo", "--markdown").stdout
    assert markdown.strip() in (ROOT / "docs" / "zoo.md").read_text(encoding="utf-8")


EXAMPLES = sorted((ROOT / "examples").glob("*.arch"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_summarizes(path: Path, run_cli: Callable[..., Any]) -> None:
    for args in ((), ("--json",)):
        result = run_cli("summary", str(path), *args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""


def test_example_m5_matches_the_torchaudio_tutorial() -> None:
    # torchaudio's speech-command tutorial prints "Number of parameters: 26915" for M5.
    assert analyze(load(str(ROOT / "examples" / "audio_m5.arch"))).totals.trainable_params == 26_915


def test_homework_examples_hand_computed() -> None:
    # The exercise in seeds/002: conv 3x3x32, pool 2x2, conv 3x3x32, pool 2x2, fc 128, fc 10.
    # valid: 896 + 9,248 + (30*30*32 + 1)*128 + 1,290;  same: 896 + 9,248 + (32*32*32 + 1)*128 + 1,290
    valid = analyze(load(str(ROOT / "examples" / "homework_valid.arch"))).totals
    same = analyze(load(str(ROOT / "examples" / "homework_same.arch"))).totals
    assert valid.trainable_params == 3_697_962
    assert same.trainable_params == 4_205_866


def test_every_model_belongs_to_a_family_and_the_catalogue_has_them_all() -> None:
    names = zoo_names()
    assert len(names) >= 75
    assert set(names) == set(ORDER), "a zoo file is missing from cnncalc.zoo.FAMILIES (or a listed one is missing)"
    assert len(ORDER) == len(set(ORDER))
    assert all(zoo_model(name).family != "other" for name in names)


def test_every_torchvision_cnn_is_in_the_zoo() -> None:
    oracle = pytest.importorskip("tests.torchvision_oracle")
    transformers = ("vit_", "swin_", "maxvit_")
    classifiers = {n for n in oracle.models.list_models(module=oracle.models) if not n.startswith(transformers)}
    assert len(classifiers) == 68
    segmentation = set(oracle.models.list_models(module=oracle.segmentation))
    assert len(segmentation) == 6
    assert classifiers | segmentation <= set(zoo_names())
