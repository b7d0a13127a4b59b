"""The bytes autograd keeps for backward, measured in PyTorch on CPU.

A forward pass in training mode runs under ``torch.autograd.graph.saved_tensors_hooks``; every
tensor the pack hook sees is reduced to its storage (``untyped_storage().data_ptr()``), so a
tensor kept by several ops, or a view of it, counts once, with its storage's full size
(``nbytes()``). Storages of parameters and buffers (counted as parameters) and of the input
(counted as the input) are left out: the same convention as cnncalc's saved activations.
"""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc.export.pytorch import export_pytorch
from cnncalc.memory import memory
from cnncalc.model import Arch
from tests.export.torch_run import load_module, model_class

torch = pytest.importorskip("torch")

DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16}
SIZES = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2}


def saved_bytes(model: Any, x: Any) -> int:
    """Distinct storages autograd keeps during ``model(x)``, less parameters, buffers and ``x``.

    Runs on one thread: on a shared, loaded machine torch's thread pool only waits for cores
    (ten times slower); the result does not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _saved_bytes(model, x)
    finally:
        torch.set_num_threads(threads)


def _saved_bytes(model: Any, x: Any) -> int:
    model.train(True)
    skip = {t.untyped_storage().data_ptr() for t in (*model.parameters(), *model.buffers(), x)}
    found: dict[int, int] = {}

    def pack(tensor: Any) -> Any:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in skip:
            found[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        model(x)
    return sum(found.values())


def exported_saved_bytes(arch: Arch, batch: int = 2, dtype: str = "float32") -> int:
    """The saved bytes of the code ``cnncalc export --to pytorch`` writes for ``arch``, run for real."""
    module = load_module(export_pytorch(arch))
    torch.manual_seed(0)
    model = model_class(module)().to(DTYPES[dtype])
    return saved_bytes(model, torch.randn(batch, *module.INPUT_SIZE, dtype=DTYPES[dtype]))


def cnncalc_saved_bytes(arch: Arch, batch: int = 2, dtype: str = "float32") -> int:
    found = memory(cnncalc.analyze(arch), batch=batch, dtype=dtype, bytes_per_element=SIZES[dtype], optimizer="sgd")
    assert isinstance(found.saved_activation_bytes, int)
    return found.saved_activation_bytes
