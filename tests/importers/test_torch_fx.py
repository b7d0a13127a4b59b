"""``torch:`` imports through ``torch.fx``, measured against torch itself and the zoo's own files.

Each model is imported, analysed, and compared with (1) the module run on the meta device —
output shapes, parameters, BatchNorm statistics, ``FlopCounterMode`` MACs, in total and per
module (every row named after a module has that module's output shape, parameters and MACs) —
and, for torchvision's models, (2) the zoo's hand-written ``.arch``: the same totals and the same
rows (as a multiset of kind, output shape, params and MACs; see ``tests/importers/fx_oracle.py``
for the rows left out).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.reader import parse
from cnncalc.arch.source import load
from cnncalc.errors import ArchError, ModelError
from cnncalc.zoo import zoo_names

torch = pytest.importorskip("torch")

from cnncalc.importers.torch_fx import import_fx  # noqa: E402
from tests.export.torch_run import measure_model  # noqa: E402
from tests.importers import fx_models  # noqa: E402
from tests.importers.fx_oracle import check_rows_against_modules, per_module, row_multiset  # noqa: E402

#: where the zoo writes the same network with other rows (0 params, 0 MACs): Inception v3's last
#: two blocks concatenate their 1x3 and 3x1 branches first (torch.cat inside torch.cat), the zoo
#: writes one concat of all six branches
KNOWN_EXTRA_ROWS = {"inception_v3": {("concat", (8, 8, 768), 0, 0, 0): 4}}
CONFIG: dict[str, dict[str, Any]] = {
    "googlenet": {"aux_logits": False, "init_weights": False},
    "inception_v3": {"aux_logits": False, "init_weights": False},
}
QUICK = ["mobilenet_v3_small", "shufflenet_v2_x0_5", "squeezenet1_1", "efficientnet_b0"]
#: one model of each family the quick set leaves out (CI runs them: ~2 minutes on 2 busy cores)
SLOW = [
    "resnet18",
    "convnext_tiny",
    "googlenet",
    "inception_v3",
    "densenet121",
    "regnet_y_400mf",
    "regnet_x_400mf",
    "lraspp_mobilenet_v3_large",
    "fcn_resnet50",
    "alexnet",
    "vgg11_bn",
    "mnasnet0_5",
    "mobilenet_v2",
    "resnext50_32x4d",
]
#: every torchvision model in the zoo: ~10 minutes on 2 busy cores, so only with CNNCALC_FULL_ZOO=1
FULL = [name for name in zoo_names() if name not in ("lenet5", "unet") and not name.endswith("_v1")]


def imported(model: Any, input_size: tuple[int, ...]) -> tuple[Report, str]:
    text = import_fx(model, input_size, type(model).__name__, repeats=False).text
    return analyze(parse(text, "imported.arch")), text


def check_against_torch(model: Any, input_size: tuple[int, ...], *, torchvision: bool = False) -> Report:
    """Totals and every module's row against the module, run (torchvision's measure reads dict outputs)."""
    model = model.to("meta").eval()
    report, text = imported(model, input_size)
    if torchvision:
        from tests.torchvision_oracle import measure

        measured: Any = measure(model, input_size[1:], input_size[0])
    else:
        measured = measure_model(model, input_size)
    totals = report.totals
    assert [shape.as_list() for shape in totals.outputs] == measured.outputs
    assert totals.trainable_params == measured.trainable_params
    assert totals.non_trainable_params == measured.non_trainable_params
    assert totals.macs == measured.macs
    assert check_rows_against_modules(report, text, per_module(model, input_size)) > 0
    return report


def build_torchvision(name: str) -> Any:
    from tests.torchvision_oracle import build

    config = dict(CONFIG.get(name, {}))
    if name.startswith(("fcn", "deeplab", "lraspp")):
        config["weights_backbone"] = None
        config.update({} if name.startswith("lraspp") else {"aux_loss": True})
    return build(name, **config)


def check_torchvision(name: str) -> None:
    zoo = analyze(load(f"zoo:{name}"))
    height, width, channels = zoo.input_shape.as_list()
    report = check_against_torch(build_torchvision(name), (channels, height, width), torchvision=True)
    assert report.totals.trainable_params == zoo.totals.trainable_params
    assert report.totals.non_trainable_params == zoo.totals.non_trainable_params
    assert report.totals.macs == zoo.totals.macs
    assert report.totals.outputs == zoo.totals.outputs
    ours, theirs = row_multiset(report), row_multiset(zoo)
    assert ours - theirs == KNOWN_EXTRA_ROWS.get(name, {})
    assert not theirs - ours


@pytest.mark.parametrize("name", QUICK)
def test_torchvision_quick(name: str) -> None:
    check_torchvision(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_torchvision_slow(name: str) -> None:
    check_torchvision(name)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("CNNCALC_FULL_ZOO"), reason="the whole zoo takes ~10 minutes: CNNCALC_FULL_ZOO=1"
)
@pytest.mark.parametrize("name", FULL)
def test_torchvision_full_zoo(name: str) -> None:
    check_torchvision(name)


@pytest.mark.parametrize(
    ("model", "size"),
    [
        (fx_models.Modules2d(), (3, 24, 20)),
        (fx_models.Functions(), (4, 12, 12)),
        (fx_models.Shuffle(), (3, 4, 4)),
        (fx_models.Conv1d3d(1), (2, 40)),
        (fx_models.Conv1d3d(3), (2, 9, 10, 11)),
        (fx_models.Frozen(), (3, 8, 8)),
    ],
    ids=["modules", "functions", "shuffle", "conv1d", "conv3d", "frozen"],
)
def test_every_mapped_kind_against_torch(model: Any, size: tuple[int, ...]) -> None:
    check_against_torch(model, size)


def test_the_statements_read_like_the_source() -> None:
    text = import_fx(fx_models.Functions(), (4, 12, 12), "f").text
    for line in ("slice channels=4:8", "concat", "swish", "gap", "upsample size=7x9", "pad P=1", "ceil"):
        assert line in text
    shuffled = import_fx(fx_models.Shuffle(), (3, 4, 4), "s").text
    assert "shuffle G=3" in shuffled
    assert "trainable=no" in import_fx(fx_models.Frozen(), (3, 8, 8), "f").text
    gated = import_fx(fx_models.SharedGate(), (3, 4, 4), "g").text
    assert "swish" in gated and "sigmoid" in gated and "add" in gated


def test_control_flow_is_a_clear_error() -> None:
    with pytest.raises(
        ModelError,
        match=r"ControlFlow: torch.fx cannot trace the model \(TraceError: symbolically traced variables cannot be used as inputs to control flow\)",
    ) as error:
        import_fx(fx_models.ControlFlow(), (3, 8, 8), "ControlFlow")
    assert "data-dependent control flow" in (error.value.hint or "")
    assert error.value.exit_code == 1
    assert error.value.render().startswith(
        "error: ControlFlow: torch.fx cannot trace the model (TraceError: symbolically traced variables"
    )


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            fx_models.ExtraInput,
            "error: ExtraInput: forward takes several inputs; cnncalc imports networks with one",
        ),
        (
            fx_models.ReturnsParameter,
            "error: ReturnsParameter: the forward pass returns no tensor computed from its input",
        ),
    ],
)
def test_models_with_no_one_input_network_are_refused(model: Any, message: str) -> None:
    with pytest.raises(ModelError) as error:
        import_fx(model(), (3, 8, 8), model.__name__)
    assert error.value.exit_code == 1
    assert error.value.render() == message


def test_unknown_nodes_are_listed_and_lenient_maps_them() -> None:
    with pytest.raises(ArchError) as error:
        import_fx(fx_models.Unknown(), (3, 8, 8), "unknown")
    message = str(error.value)
    assert "3 operator(s) have no .arch equivalent" in message
    assert "roll (call_function torch.roll, node 3)" in message
    assert "mul (call_function operator.mul, node 4: arithmetic with a constant has no .arch equivalent)" in message
    assert "norm (call_module norm (LocalResponseNorm), node 5)" in message
    result = import_fx(fx_models.Unknown(), (3, 8, 8), "unknown", lenient=True)
    assert len(result.warnings) == 3 and all(w.endswith("imported as identity") for w in result.warnings)
    assert analyze(parse(result.text, "u.arch")).totals.trainable_params == 3 * 4 * 9 + 4


def test_unused_parameters_are_named() -> None:
    from tests.torchvision_oracle import build

    result = import_fx(build("googlenet", init_weights=False), (3, 224, 224), "googlenet")
    assert any("aux1" in w and "aux2" in w and "not counted" in w for w in result.warnings)
