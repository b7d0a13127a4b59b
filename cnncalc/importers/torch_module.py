"""``cnncalc import torch:package.module:callable --input DIMS``: a PyTorch model's architecture.

The callable is imported and called with no arguments (``torchvision.models:resnet50``), or a
module is passed directly (:func:`import_torch_module`, behind ``cnncalc.from_torch``). The
model is exported in eval mode to a temporary ONNX file by torch's own TorchScript exporter (constant
folding off, so BatchNorm stays a layer of its own) and read by :mod:`cnncalc.importers.onnx`,
so both importers share one table of operators and one set of round-trip tests. Needs the
``torch`` and ``onnx`` extras. The comments name the module paths (``/layer1/layer1.0/conv1``).
"""

from __future__ import annotations

import importlib
import tempfile
import warnings
from pathlib import Path
from typing import Any

from cnncalc.errors import UsageError
from cnncalc.importers.layers import Imported, missing_extra

#: the ONNX opset asked of torch: 20 has Gelu as one operator
OPSET = 20


def parse_dims(text: str) -> tuple[int, ...]:
    """``224x224x3`` (channels-last, as everywhere in cnncalc) -> ``(3, 224, 224)``."""
    try:
        dims = [int(d) for d in text.lower().split("x")]
    except ValueError:
        raise UsageError(f"--input {text!r}: numbers joined by 'x' expected", hint="e.g. --input 224x224x3") from None
    if not dims or any(d < 1 for d in dims):
        raise UsageError(f"--input {text!r}: sizes must be positive")
    return (dims[-1], *dims[:-1])


def load_callable(spec: str) -> Any:
    """``package.module:callable`` -> the model the callable returns."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute.isidentifier():
        raise UsageError(
            f"torch:{spec}: expected torch:package.module:callable", hint="torch:torchvision.models:resnet50"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError(f"torch:{spec}: cannot import {module_name}: {error}") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise UsageError(f"torch:{spec}: {module_name} has no callable {attribute}")
    return factory()


def import_torch_module(model: Any, input_size: tuple[int, ...], source: str = "torch model") -> Imported:
    """The ``.arch`` of ``model`` (an ``nn.Module``) on an input of NCHW ``input_size`` (batch left out)."""
    try:
        import torch
    except ImportError:
        raise missing_extra("torch", "torch") from None
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise missing_extra("onnx", "onnx") from None
    from cnncalc.importers.onnx import import_onnx

    if not isinstance(model, torch.nn.Module):
        raise UsageError(f"{source} is a {type(model).__name__}, not a torch.nn.Module")
    model = model.train(False)  # inference mode: BatchNorm uses its statistics, dropout is off
    example = torch.zeros(1, *input_size)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                torch.onnx.export(
                    model, (example,), str(path), dynamo=False, do_constant_folding=False, opset_version=OPSET
                )
            except Exception as error:
                raise UsageError(f"{source}: torch could not trace the model: {error}") from None
        imported = import_onnx(str(path))
    text = imported.text.replace(f"imported by cnncalc from {path}", f"imported by cnncalc from {source}")
    return Imported(text=text, warnings=imported.warnings)


def import_torch(spec: str, *, input_dims: str | None) -> Imported:
    """``torch:package.module:callable`` with ``--input`` -> ``.arch`` text."""
    if input_dims is None:
        raise UsageError("importing a PyTorch model needs --input DIMS", hint="e.g. --input 224x224x3")
    try:
        import torch  # noqa: F401
    except ImportError:
        raise missing_extra("torch", "torch") from None
    return import_torch_module(load_callable(spec), parse_dims(input_dims), f"torch:{spec}")
