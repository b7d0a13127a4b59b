"""``cnncalc import torch:package.module:callable --input DIMS``: a PyTorch model's architecture.

The callable is imported and called with no arguments (``torchvision.models:resnet50``), or a
module is passed directly (:func:`import_torch_module`, behind ``cnncalc.from_torch``). The
model is traced in eval mode by ``torch.fx`` and walked by :mod:`cnncalc.importers.torch_fx`.
Needs the ``torch`` extra only. The comments name the modules (``layer1.0.conv1``) or, for
functions, fx's node names (``add_3``).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from cnncalc.errors import ModelError, UsageError
from cnncalc.importers.layers import Imported, missing_extra


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
    if os.getcwd() not in sys.path and "" not in sys.path:  # a module in the current folder, as python -m finds it
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # an ImportError, or whatever the module raises while it loads
        raise UsageError(f"torch:{spec}: cannot import {module_name}: {type(error).__name__}: {error}") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise UsageError(f"torch:{spec}: {module_name} has no callable {attribute}")
    try:
        return factory()
    except Exception as error:
        raise UsageError(f"torch:{spec}: calling {attribute}() failed: {type(error).__name__}: {error}") from None


def import_torch_module(
    model: Any, input_size: tuple[int, ...], source: str = "torch model", *, lenient: bool = False
) -> Imported:
    """The ``.arch`` of ``model`` (an ``nn.Module``) on an input of ``input_size`` (PyTorch's, batch left out)."""
    try:
        import torch
    except ImportError:
        raise missing_extra("torch", "torch") from None
    from cnncalc.importers.torch_fx import import_fx

    if not isinstance(model, torch.nn.Module):
        raise ModelError(f"{source} is a {type(model).__name__}, not a torch.nn.Module")
    return import_fx(model, input_size, source, lenient=lenient)


def import_torch(spec: str, *, input_dims: str | None, lenient: bool = False) -> Imported:
    """``torch:package.module:callable`` with ``--input`` -> ``.arch`` text."""
    if input_dims is None:
        raise UsageError("importing a PyTorch model needs --input DIMS", hint="e.g. --input 224x224x3")
    try:
        import torch  # noqa: F401
    except ImportError:
        raise missing_extra("torch", "torch") from None
    return import_torch_module(load_callable(spec), parse_dims(input_dims), f"torch:{spec}", lenient=lenient)
