"""Every kind's saving rule (``LayerKind.saves``) against the tensors PyTorch's autograd keeps.

Each case is exported with ``cnncalc export --to pytorch``, run on CPU in training mode and
measured with ``saved_tensors_hooks`` (tests/layers/saved_run.py); cnncalc's figure must equal
it byte for byte. Each kind is run after a trainable conv (its input needs a gradient), as the
first layer (nothing before it needs one) and before a conv (which keeps its output), so both
what the kind keeps and what it shares with its neighbours are checked.
"""

from __future__ import annotations

import pytest

import cnncalc
from cnncalc.layers import REGISTRY
from tests.layers.saved_run import cnncalc_saved_bytes, exported_saved_bytes

pytest.importorskip("torch")

_SPATIAL = [kind for kind in REGISTRY.values() if kind.name not in ("flatten", "fc")]

CASES: dict[str, str] = {
    **{f"{k.name} after a conv": f"input {k.example_input}\nconv K=4 F=1\n{k.example}\n" for k in REGISTRY.values()},
    **{f"{k.name} first": f"input {k.example_input}\n{k.example}\nconv K=4 F=1\n" for k in _SPATIAL},
    **{
        f"{k.name} before a conv": f"input {k.example_input}\nconv K=4 F=1\n{k.example}\nconv K=3 F=1\n"
        for k in _SPATIAL
    },
    "fc first": "input 8x8x4\nfc 10\n",
    "fc without bias": "input 8x8x4\nconv K=4 F=1\nfc 10 bias=no\n",
    "frozen conv": "input 8x8x4\nconv K=4 F=1\nconv K=4 F=3 trainable=no\n",
    "frozen fc": "input 8x8x4\nconv K=4 F=1\nfc 10 trainable=no\n",
    "frozen bn": "input 8x8x4\nconv K=4 F=1\nbn trainable=no\n",
    "frozen layernorm": "input 8x8x4\nconv K=4 F=1\nlayernorm trainable=no\n",
    "frozen groupnorm": "input 8x8x4\nconv K=4 F=1\ngroupnorm G=2 trainable=no\n",
    "frozen prelu": "input 8x8x4\nconv K=4 F=1\nprelu trainable=no\n",
    "frozen layerscale": "input 8x8x4\nconv K=4 F=1\nlayerscale trainable=no\n",
    "frozen stem": "input 8x8x4\nconv K=4 F=3 P=1 trainable=no\nbn trainable=no\nrelu\nconv K=4 F=1\n",
    "bn first": "input 8x8x4\nbn\n",
    "bn scale=no": "input 8x8x4\nconv K=4 F=1\nbn scale=no\n",
    "bn center=no": "input 8x8x4\nconv K=4 F=1\nbn center=no\n",
    "bn center=no frozen": "input 8x8x4\nconv K=4 F=1\nbn center=no trainable=no\n",
    "bn scale=no center=no": "input 8x8x4\nconv K=4 F=1\nbn scale=no center=no\n",
    "bn on a vector": "input 16\nfc 8\nbn\n",
    "layernorm on a vector": "input 16\nfc 8\nlayernorm\n",
    "instancenorm": "input 8x8x4\nconv K=4 F=1\ninstancenorm\n",
    "dropout rate=0": "input 8x8x4\nconv K=4 F=1\ndropout rate=0\nconv K=4 F=1\n",
    "dropout default rate": "input 8x8x4\nconv K=4 F=1\ndropout\n",
    "droppath default rate": "input 8x8x4\nconv K=4 F=1\ndroppath\nconv K=4 F=1\n",
    "adaptiveavgpool to 1": "input 8x8x4\nconv K=4 F=1\nadaptiveavgpool 1\n",
    "adaptiveavgpool to 4": "input 8x8x4\nconv K=4 F=1\nadaptiveavgpool 4\n",
    "maxpool padded by F.pad": "input 8x8x4\nconv K=4 F=1\nmaxpool F=3 S=2 P=same\n",
    "avgpool padded": "input 8x8x4\nconv K=4 F=1\navgpool F=3 S=1 P=1\n",
    "conv padded by F.pad": "input 8x8x4\nconv K=4 F=1\nconv K=4 F=3 S=2 P=same\n",
    "deconv cropped by F.pad": "input 8x8x4\nconv K=4 F=1\ndeconv K=4 F=3 S=2 P=0:1\n",
    "maxpool 1-D": "input 16x4\nconv K=4 F=1\nmaxpool F=2\n",
    "maxpool 3-D": "input 4x4x4x4\nconv K=4 F=1\nmaxpool F=2\n",
    "upsample nearest": "input 8x8x4\nconv K=4 F=1\nupsample factor=2\nconv K=4 F=1\n",
    "mul of three": "input 8x8x4\na: conv K=4 F=1\nb: conv K=4 F=1 from=a\nconv K=4 F=1 from=a\nmul a b\n",
    "mul with the input": "input 8x8x4\na: identity\nconv K=4 F=1\nmul a\n",
    "relu output kept by relu and conv": "input 8x8x4\nconv K=4 F=1\nrelu\nconv K=4 F=1\n",
    "gelu input and output both kept": "input 8x8x4\nconv K=4 F=1\ngelu\nconv K=4 F=1\n",
    "slice then conv keeps the whole tensor": "input 8x8x4\nconv K=4 F=1\nslice channels=1:3\nconv K=2 F=1\n",
    "crop then conv": "input 8x8x4\nbig: conv K=4 F=1\nsmall: conv K=4 F=3\ncrop to=small from=big\nconv K=4 F=1\n",
    "flatten then fc": "input 4x4x4\nconv K=4 F=1\nrelu\nflatten\nfc 10\n",
}


@pytest.mark.parametrize("name", list(CASES))
def test_saved_activations_equal_pytorch(name: str) -> None:
    arch = cnncalc.parse(CASES[name], "m.arch")
    assert cnncalc_saved_bytes(arch) == exported_saved_bytes(arch)


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16"])
@pytest.mark.parametrize("batch", [1, 3])
def test_dtype_and_batch(dtype: str, batch: int) -> None:
    """BN's, LayerNorm's and GroupNorm's statistics and dropout's mask follow the dtype on CPU;
    max pooling's indices stay int64."""
    text = (
        "input 8x8x4\nconv K=8 F=3 P=1\nbn\nrelu\nmaxpool F=2\nconv K=8 F=1\nlayernorm\ngelu\n"
        "groupnorm G=2\ndropout\ninstancenorm affine\nfc 10\nsoftmax\n"
    )
    arch = cnncalc.parse(text, "m.arch")
    assert cnncalc_saved_bytes(arch, batch, dtype) == exported_saved_bytes(arch, batch, dtype)
