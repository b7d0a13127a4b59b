"""The classic torchvision classifiers of the second round (VGG-11/13 and the batch-norm VGGs, ResNeXt,
Wide ResNet, DenseNet-161/169/201, SqueezeNet 1.1, Inception v3) against torchvision's published
figures (no torch needed)."""

from __future__ import annotations

import pytest

from cnncalc.analysis import Report, analyze
from cnncalc.arch.source import load
from tests.zoo.test_zoo import giga

# "num_params" and "_ops" (GFLOPS = GMACs) of the default weights' metadata, copied as torchvision
# writes them (a float, so 4.23 stands for 4.230) from torchvision 0.29's
#   torchvision/models/vgg.py         VGG11_Weights, VGG11_BN_Weights, VGG13_Weights, VGG13_BN_Weights,
#                                     VGG16_BN_Weights, VGG19_BN_Weights .IMAGENET1K_V1.meta
#   torchvision/models/resnet.py      ResNeXt50_32X4D_Weights, ResNeXt101_32X8D_Weights, ResNeXt101_64X4D_Weights,
#                                     Wide_ResNet50_2_Weights, Wide_ResNet101_2_Weights .IMAGENET1K_V1.meta
#                                     (the V2 weights, the default where they exist, publish the same figures)
#   torchvision/models/densenet.py    DenseNet161_Weights, DenseNet169_Weights, DenseNet201_Weights .IMAGENET1K_V1.meta
#   torchvision/models/squeezenet.py  SqueezeNet1_1_Weights.IMAGENET1K_V1.meta
#   torchvision/models/inception.py   Inception_V3_Weights.IMAGENET1K_V1.meta (see INCEPTION_V3_* below)
PUBLISHED = {
    "vgg11": (132_863_336, 7.609),
    "vgg11_bn": (132_868_840, 7.609),
    "vgg13": (133_047_848, 11.308),
    "vgg13_bn": (133_053_736, 11.308),
    "vgg16_bn": (138_365_992, 15.47),
    "vgg19_bn": (143_678_248, 19.632),
    "resnext50_32x4d": (25_028_904, 4.23),
    "resnext101_32x8d": (88_791_336, 16.414),
    "resnext101_64x4d": (83_455_272, 15.46),
    "wide_resnet50_2": (68_883_240, 11.398),
    "wide_resnet101_2": (126_886_696, 22.753),
    "densenet161": (28_681_000, 7.728),
    "densenet169": (14_149_480, 3.36),
    "densenet201": (20_013_928, 4.291),
    "squeezenet1_1": (1_235_496, 0.349),
}

# Inception v3 is the documented exception (DESIGN.md section 8): the zoo file is the inference
# network. torchvision's published num_params, 27,161,264, count the auxiliary classifier
# (AuxLogits on Mixed_6e), which runs only in training; without it (aux_logits=False) the module
# holds 23,834,568 trainable params. The aux head's MACs are not in the published GFLOPS either,
# which the inference network therefore meets exactly. tests/zoo/test_zoo_classic_torch.py checks
# that 27,161,264 minus the AuxLogits module's own parameters is 23,834,568.
INCEPTION_V3_NUM_PARAMS = 27_161_264
INCEPTION_V3_OPS = 5.713
INCEPTION_V3_INFERENCE_PARAMS = 23_834_568


def report(name: str) -> Report:
    return analyze(load(f"zoo:{name}"))


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items())
def test_matches_torchvision_published_figures(name: str, published: tuple[int, float]) -> None:
    params, gflops = published
    totals = report(name).totals
    assert totals.trainable_params == params
    assert giga(int(totals.macs)) == f"{gflops:.3f}"
    assert totals.output_shape.as_list() == [1000]
    assert totals.receptive_field is not None


def test_inception_v3_is_the_inference_network() -> None:
    result = report("inception_v3")
    assert result.input_shape.as_list() == [299, 299, 3]  # the crop size of Inception_V3_Weights
    totals = result.totals
    assert giga(int(totals.macs)) == f"{INCEPTION_V3_OPS:.3f}"
    # not the published 27,161,264: those include the training-only auxiliary classifier (see above)
    assert totals.trainable_params == INCEPTION_V3_INFERENCE_PARAMS
    assert totals.trainable_params < INCEPTION_V3_NUM_PARAMS
    assert totals.output_shape.as_list() == [1000]


def test_batch_norm_vggs_add_only_the_norms() -> None:
    # same convolutions as the plain VGG: the same MACs; BN adds 2C trainable and 2C running statistics per conv
    for plain, with_bn in (("vgg11", "vgg11_bn"), ("vgg13", "vgg13_bn"), ("vgg16", "vgg16_bn"), ("vgg19", "vgg19_bn")):
        a, b = report(plain).totals, report(with_bn).totals
        assert a.macs == b.macs
        assert b.trainable_params - a.trainable_params == b.non_trainable_params > 0
