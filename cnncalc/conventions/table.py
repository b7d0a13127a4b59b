"""What each FLOP counter counts, as data: one frozen :class:`Convention` per tool.

A convention maps a cnncalc kind (or ``kind:mode`` for ``upsample``, ``kind/form`` for a
layer written otherwise than as its module) to a :class:`Rule`: a sum of :class:`Term` s,
each a quantity of the analysed layer (``weight_macs``, ``output_elements``...) times a whole
factor. Kinds a convention does not list count nothing. Every rule names the place in the
tool's source where it lives; docs/conventions.md is written from these records (and a test
checks that it names each of them).

The rules are for a PyTorch network with one module per layer, as cnncalc's export writes
it: ``nn.Conv2d``, ``nn.ReLU``, ``nn.BatchNorm2d``, ``nn.AdaptiveAvgPool2d``, ``nn.Upsample``
modules; residual sums, squeeze-and-excitation products and layer scale with the ``+``/``*``
operators (which no counter sees). How the other forms count (functional calls, tensor
methods, module subclasses, 1x1 convs as ``nn.Linear``) is ``Convention.like_module`` and
the ``kind/form`` rules; see :mod:`cnncalc.conventions.forms`. All figures are for one sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: what a term counts, per layer (one sample):
#: ``weight_macs`` cnncalc's MACs (conv/fc weights; transposed convs on input positions);
#: ``weight_macs_at_output`` a transposed conv's weights counted on its *output* positions;
#: ``output_elements``/``input_elements`` element counts of the output / first input;
#: ``affine_elements`` the input's elements when the norm has learned scale and shift;
#: ``bias_outputs`` one add per output element when the layer has a bias;
#: ``bias_units`` one add per output channel/unit when the layer has a bias (fc);
#: ``params`` the layer's own parameters (its learned tensors, not running statistics);
#: ``positions`` the output's spatial positions (softmax rows).
Quantity = Literal[
    "weight_macs",
    "weight_macs_at_output",
    "output_elements",
    "input_elements",
    "affine_elements",
    "bias_outputs",
    "bias_units",
    "params",
    "positions",
]

#: how the PyTorch network writes a layer (see :mod:`cnncalc.conventions.forms`)
Form = Literal["module", "functional", "method", "subclass", "linear"]
FORMS: tuple[Form, ...] = ("module", "functional", "method", "subclass", "linear")

#: how a counter counts parameters: ``parameters`` every learned tensor (``model.parameters()``);
#: ``requires_grad`` only trainable ones (``trainable=no`` layers drop out); ``keras`` learned
#: tensors plus BN running statistics (Keras' "Total params")
ParamsRule = Literal["parameters", "requires_grad", "keras"]


@dataclass(frozen=True, slots=True)
class Term:
    quantity: Quantity
    factor: int = 1


@dataclass(frozen=True, slots=True)
class Rule:
    """How one kind counts: the sum of ``terms``; ``source`` is the tool's file and function."""

    terms: tuple[Term, ...]
    source: str
    #: set when the tool's figure is not the layer's arithmetic (said so by ``compare``)
    flaw: str | None = None
    #: whether the tool counts this kind's parameters (thop counts only modules it has a rule for)
    params: bool = True
    #: only for inputs of this many spatial dims (fvcore handles ``adaptive_avg_pool2d`` only)
    spatial_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Convention:
    name: str
    tool: str
    version: str
    #: what the tool calls its number ("GFLOPS", "flops", "MACs", "Mult-Adds")
    reported_as: str
    params: ParamsRule
    rules: Mapping[str, Rule]
    #: for kinds not in ``rules``: ``None`` counts nothing
    default: Rule | None = None
    #: whether the tool reports a compute figure at all (Keras prints parameters only)
    counts_compute: bool = True
    #: kinds whose parameters the tool leaves out when ``Rule.params`` cannot say it (unlisted kinds)
    unlisted_params: bool = True
    #: the forms (besides ``module``) a layer counts in like its module unless a ``kind/form`` rule
    #: says otherwise; in any other form, without such a rule, the tool does not see the layer
    like_module: frozenset[Form] = frozenset()
    notes: tuple[str, ...] = field(default=())


def _r(source: str, *terms: tuple[Quantity, int], flaw: str | None = None, rank: int | None = None) -> Rule:
    return Rule(terms=tuple(Term(q, f) for q, f in terms), source=source, flaw=flaw, spatial_rank=rank)


W: tuple[Quantity, int] = ("weight_macs", 1)
CONVS = ("conv", "dwconv")

TORCHVISION = Convention(
    name="torchvision",
    tool="torchvision weights meta _ops (torch.utils.flop_counter)",
    version="0.29.1",
    reported_as="GFLOPS (are MACs)",
    params="parameters",
    rules={},
    default=_r("torch/utils/flop_counter.py: conv_flop, mm_flop, addmm_flop (divided by 2)", W),
    like_module=frozenset(FORMS),  # it counts the aten operators, however they were written
    notes=("cnncalc's own MACs: conv, transposed conv (input positions) and fc weights; nothing else",),
)

_FV = "fvcore/nn/jit_handles.py"
FVCORE = Convention(
    name="fvcore",
    tool="fvcore FlopCountAnalysis",
    version="0.1.5.post20221221",
    reported_as="flops (are MACs)",
    params="parameters",
    rules={
        **{k: _r(f"{_FV}: conv_flop_jit/conv_flop_count", W) for k in (*CONVS, "deconv")},
        "fc": _r(f"{_FV}: linear_flop_jit, addmm_flop_jit", W),
        "bn": _r(f"{_FV}: batchnorm_flop_jit (eval)", ("input_elements", 1), ("affine_elements", 1)),
        "gap": _r(
            "fvcore/nn/flop_count.py: elementwise_flop_counter(1, 0) for aten::adaptive_avg_pool2d",
            ("input_elements", 1),
            rank=2,
        ),
        "adaptiveavgpool": _r("fvcore/nn/flop_count.py: elementwise_flop_counter(1, 0)", ("input_elements", 1), rank=2),
        "upsample:nearest": _r(
            "fvcore/nn/flop_count.py: elementwise_flop_counter(0, 1) for aten::upsample_nearest2d",
            ("output_elements", 1),
            rank=2,
        ),
        "upsample:bilinear": _r(
            "fvcore/nn/flop_count.py: elementwise_flop_counter(0, 4)", ("output_elements", 4), rank=2
        ),
        "layernorm": _r(
            f"{_FV}: norm_flop_counter (5 per element with affine, 4 without)",
            ("input_elements", 4),
            ("affine_elements", 1),
        ),
        "groupnorm": _r(f"{_FV}: norm_flop_counter", ("input_elements", 4), ("affine_elements", 1)),
        "instancenorm": _r(f"{_FV}: norm_flop_counter", ("input_elements", 4), ("affine_elements", 1)),
    },
    like_module=frozenset({"functional", "subclass", "linear"}),  # it traces aten operators
    notes=(
        "activations, max/avg pooling, adds and multiplies are skipped (no handle)",
        "a 1x1 conv written as nn.Linear (ConvNeXt) is aten::linear: the same MACs, listed as linear",
        "a global pool written x.mean([2, 3]) is aten::mean: skipped",
    ),
)

_SUBCLASS = "a subclass of nn.LayerNorm (torchvision's LayerNorm2d) is not recognised: not counted"
_PT = "ptflops/pytorch_ops.py"
_TWICE = "counted twice: the module hook and the patched torch.nn.functional call it makes"
_PT_ACT: tuple[str, tuple[Quantity, int]] = (
    f"{_PT}: relu_flops_counter_hook + _numel_functional_flops_hook",
    ("output_elements", 2),
)
_PT_POOL: tuple[str, tuple[Quantity, int]] = (
    f"{_PT}: pool_flops_counter_hook + _numel_functional_flops_hook",
    ("input_elements", 2),
)
PTFLOPS = Convention(
    name="ptflops",
    tool="ptflops get_model_complexity_info (pytorch backend)",
    version="0.7.5",
    reported_as="GMac",
    params="requires_grad",
    rules={
        **{
            k: _r(f"{_PT}: conv_flops_counter_hook", W, ("bias_outputs", 1))
            for k in (*CONVS, "deconv")  # transpose=True: input positions
        },
        "fc": _r(f"{_PT}: linear_flops_counter_hook", W, ("bias_units", 1)),
        "bn": _r(f"{_PT}: bn_flops_counter_hook", ("input_elements", 1), ("affine_elements", 1)),
        "instancenorm": _r(f"{_PT}: bn_flops_counter_hook", ("input_elements", 1), ("affine_elements", 1)),
        "groupnorm": _r(f"{_PT}: bn_flops_counter_hook", ("input_elements", 1), ("affine_elements", 1)),
        # nn.LayerNorm has elementwise_affine, not the 'affine' attribute the hook looks for
        "layernorm": _r(f"{_PT}: bn_flops_counter_hook", ("input_elements", 1)),
        **{k: _r(_PT_ACT[0], _PT_ACT[1], flaw=_TWICE) for k in ("relu", "elu", "gelu", "prelu")},
        "leakyrelu": _r(f"{_PT}: relu_flops_counter_hook (F.leaky_relu is not patched)", ("output_elements", 1)),
        "relu6": _r(f"{_PT}: relu_flops_counter_hook (nn.ReLU6 calls F.hardtanh, not patched)", ("output_elements", 1)),
        "swish": _r(
            "ptflops/pytorch_engine.py: patch_functional (F.silu; nn.SiLU has no module hook)", ("output_elements", 1)
        ),
        "softmax": _r("ptflops/pytorch_engine.py: patch_functional (F.softmax)", ("output_elements", 1)),
        **{
            k: _r(_PT_POOL[0], _PT_POOL[1], flaw=_TWICE)
            for k in ("maxpool", "avgpool", "gap", "gmp", "adaptiveavgpool", "adaptivemaxpool")
        },
        "upsample": _r(
            f"{_PT}: upsample_flops_counter_hook + _interpolate_functional_flops_hook",
            ("output_elements", 2),
            flaw=_TWICE,
        ),
        # a functional call is counted once, by the patched function alone
        **{
            f"{k}/functional": _r("ptflops/pytorch_engine.py: patch_functional", ("output_elements", 1))
            for k in ("relu", "elu", "gelu", "prelu", "swish", "softmax")
        },
        **{
            f"{k}/functional": _r("ptflops/pytorch_engine.py: patch_functional", ("input_elements", 1))
            for k in ("maxpool", "avgpool", "gap", "gmp", "adaptiveavgpool", "adaptivemaxpool")
        },
        "upsample/functional": _r(f"{_PT}: _interpolate_functional_flops_hook", ("output_elements", 1)),
        "layernorm/subclass": _r("ptflops/pytorch_engine.py: is_supported_instance (exact type)", flaw=_SUBCLASS),
    },
    # nn.Linear on channels-last: linear_flops_counter_hook counts (in x out + bias) per position, as
    # the conv hook does
    like_module=frozenset({"linear"}),
    notes=(
        "count_functional=True (the default) patches F.relu, F.max_pool2d...: modules that call them count twice",
        "torch.add/torch.mul calls count, the + and * operators torchvision uses do not",
        "sigmoid, hardswish, hardsigmoid, tanh: no rule, zero",
    ),
)

_TH = "thop/vision/basic_hooks.py"
THOP = Convention(
    name="thop",
    tool="thop profile",
    version="0.1.1.post2209072238",
    reported_as="MACs",
    params="parameters",
    rules={
        **{k: _r(f"{_TH}: count_convNd -> calc_func.calculate_conv2d_flops", W) for k in CONVS},
        "deconv": _r(
            f"{_TH}: count_convNd (output positions x in_channels/groups x kernel)",
            ("weight_macs_at_output", 1),
            flaw="a transposed conv is counted on its output positions (its MACs happen on input positions)",
        ),
        "fc": _r(f"{_TH}: count_linear", W),
        "bn": _r(
            f"{_TH}: count_normalization (2 per element, x2 with affine)", ("input_elements", 2), ("affine_elements", 2)
        ),
        "instancenorm": _r(f"{_TH}: count_normalization", ("input_elements", 2), ("affine_elements", 2)),
        "layernorm": _r(f"{_TH}: count_normalization", ("input_elements", 2), ("affine_elements", 2)),
        "prelu": _r(f"{_TH}: count_prelu (eval)", ("input_elements", 1)),
        "softmax": _r(
            f"{_TH}: count_softmax (exp, add, div: 3n - 1 per row)", ("output_elements", 3), ("positions", -1)
        ),
        "avgpool": _r(f"{_TH}: count_avgpool", ("output_elements", 1)),
        "gap": _r(
            f"{_TH}: count_adap_avgpool ((window + 1) per output)", ("input_elements", 1), ("output_elements", 1)
        ),
        "adaptiveavgpool": _r(f"{_TH}: count_adap_avgpool", ("input_elements", 1), ("output_elements", 1)),
        "upsample:nearest": _r(
            f"{_TH}: count_upsample -> calc_func.calculate_upsample (nn.Upsample)", ("output_elements", 1)
        ),
        "upsample:bilinear": _r(
            f"{_TH}: count_upsample -> calc_func.calculate_upsample (11 per output)", ("output_elements", 11)
        ),
        **{
            k: _r(
                f"{_TH}: zero_ops",
            )
            for k in ("relu", "relu6", "leakyrelu", "maxpool", "gmp", "adaptivemaxpool", "dropout", "pixelshuffle")
        },
        "layernorm/subclass": Rule(
            terms=(), source="thop/profile.py: register_hooks (exact type)", flaw=_SUBCLASS, params=False
        ),
    },
    unlisted_params=False,
    # nn.Linear on channels-last: count_linear counts in_features per output element, the conv's MACs
    like_module=frozenset({"linear"}),
    notes=(
        "only modules with a rule in thop/profile.py register_hooks count, parameters too (GroupNorm, ConvNeXt's"
        " LayerNorm2d and layer scale count nothing)",
        "F.interpolate upsampling (torchvision's segmentation heads) is not a module: zero",
    ),
)

_TI = "torchinfo/layer_info.py: LayerInfo.calculate_macs"
TORCHINFO = Convention(
    name="torchinfo",
    tool="torchinfo summary",
    version="1.8.0",
    reported_as="Total mult-adds",
    params="parameters",
    rules={
        **{k: _r(f"{_TI} (Conv: each parameter x output positions)", W, ("bias_outputs", 1)) for k in CONVS},
        "deconv": _r(
            f"{_TI} (Conv: each parameter x output positions)",
            ("weight_macs_at_output", 1),
            ("bias_outputs", 1),
            flaw="a transposed conv is counted on its output positions (its MACs happen on input positions)",
        ),
        "fc": _r(f"{_TI} (other layers: each parameter once per sample)", W, ("bias_units", 1)),
        **{
            k: _r(f"{_TI} (other layers: each parameter once per sample)", ("params", 1))
            for k in ("bn", "layernorm", "groupnorm", "instancenorm", "prelu")
        },
        "conv/linear": _r(
            f"{_TI} (not a Conv: each parameter once per sample, output_size[0])",
            ("params", 1),
            flaw="a 1x1 conv written as nn.Linear on a channels-last tensor counts each weight once, not once per"
            " position",
        ),
    },
    # a subclass (LayerNorm2d) is a leaf module with parameters like any other
    like_module=frozenset({"subclass"}),
    notes=("a layer without parameters counts nothing; a non-leaf module's own parameters (layer scale) neither",),
)

KERAS = Convention(
    name="keras",
    tool="Keras model.summary()",
    version="3 (parameters only)",
    reported_as="Total params",
    params="keras",
    rules={},
    counts_compute=False,
    notes=("Keras prints no compute figure; its parameters include BN's moving mean and variance",),
)

CONVENTIONS: Mapping[str, Convention] = {c.name: c for c in (TORCHVISION, FVCORE, PTFLOPS, THOP, TORCHINFO, KERAS)}
DEFAULT = TORCHVISION.name
