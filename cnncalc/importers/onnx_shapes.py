"""ONNX ops that move data without parameters: reshapes, transposes, slices, pads, resizes.

``Reshape``/``Transpose`` are accepted only where they flatten, shuffle channels (the
``Reshape(N,g,C/g,...) -> Transpose(0,2,1,...) -> Reshape(N,C,...)`` of ShuffleNet), move the
channels last and back around a LayerNorm or per-position linear layer (ConvNeXt), or
regroup channels around an ``InstanceNormalization`` (GroupNorm as torch exports it).
``Slice``/``Split`` on the channel axis become ``slice channels=A:B``; on spatial axes,
``crop``. ``Pad`` with zeros becomes ``pad`` (negative pads ``crop``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from cnncalc.importers.onnx import Walk
from cnncalc.importers.onnx_graph import Value, attributes
from cnncalc.importers.statements import padding, statement

Handler = Callable[[Walk], None]


def _target_shape(w: Walk, value: Value) -> tuple[int, ...] | None:
    out = w.node.output[0]
    if out in w.shapes:
        return w.shapes[out]
    target = w.constants.get(w.node.input[1]) if len(w.node.input) > 1 else None
    if target is None:
        return None
    dims = [int(d) if d != 0 else value.shape[i] for i, d in enumerate(np.asarray(target).reshape(-1))]
    if -1 in dims:
        known = int(np.prod([d for d in dims if d != -1]))
        dims[dims.index(-1)] = int(np.prod(value.shape)) // known
    return tuple(dims)


def reshape(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is None:
        w.reject()
        return
    shape = _target_shape(w, value)
    if shape is None:
        w.reject("the target shape is not known")
        return
    n, c, spatial = value.shape[0], value.shape[1] if len(value.shape) > 1 else 0, value.shape[2:]
    if shape == value.shape:
        w.alias(value, shape=shape)
    elif value.view == "swapped" and shape == (*value.shape[:1], value.shape[1] * value.shape[2], *value.shape[3:]):
        w.emit(f"shuffle G={value.shape[2]}", [replace(value, view="")], shape=shape)
    elif value.view == "unswapped" and len(shape) == 4 and shape[2:] == value.shape[4:6]:
        w.emit(f"pixelunshuffle {value.shape[2]}", [replace(value, view="")], shape=shape)
    elif value.view == "gnormed":
        out = w.emit(f"groupnorm G={value.groups}", [Value(producer=value.producer, shape=shape)], shape=shape)
        w.alias(out, view="affine", shape=shape)
    elif value.view:
        w.reject("reshapes a view in an unknown way")
    elif len(shape) == 2 and shape[1] == int(np.prod(value.shape[1:])):
        w.emit("flatten", [value])
    elif spatial and shape == (n, shape[1], c // shape[1], *spatial) and c % shape[1] == 0:
        w.alias(value, view="split", shape=shape)
    elif (
        len(spatial) == 2
        and len(shape) == 6
        and shape[:2] == (n, c)
        and shape[3] == shape[5] > 1
        and (
            shape[2] * shape[3],
            shape[4] * shape[5],
        )
        == tuple(spatial)
    ):
        w.alias(value, view="unsplit", shape=shape)
    elif spatial and len(shape) == 3 and shape[:2] == (n, shape[1]) and c % shape[1] == 0 and shape[1] < c:
        w.alias(value, view="groups", groups=shape[1], shape=shape)
    else:
        w.reject(f"reshape {list(value.shape)} -> {list(shape)} neither flattens nor shuffles channels")


def transpose(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is None:
        w.reject()
        return
    rank = len(value.shape)
    perm = [p % rank for p in attributes(w.node).get("perm", list(range(rank))[::-1])]
    shape = tuple(value.shape[p] for p in perm)
    if perm == list(range(rank)):
        w.alias(value, shape=shape)
    elif value.view == "split" and perm == [0, 2, 1, *range(3, rank)]:
        w.alias(value, view="swapped", shape=shape)
    elif value.view == "unsplit" and perm == [0, 1, 3, 5, 2, 4]:
        w.alias(value, view="unswapped", shape=shape)
    elif not value.view and rank > 2 and perm == [0, *range(2, rank), 1]:
        w.alias(value, view="cl", shape=shape)
    elif value.view == "cl" and perm == [0, rank - 1, *range(1, rank - 1)]:
        w.alias(value, view="", shape=shape)
    else:
        w.reject(f"transpose {perm} neither shuffles channels nor moves them last and back")


def _slices(w: Walk, value: Value) -> list[tuple[int, int, int]] | None:
    """``(axis, start, end)`` with ends clamped, from a Slice node (inputs or old attributes)."""
    node, attrs = w.node, attributes(w.node)

    def ints(index: int, name: str) -> list[int] | None:
        if len(node.input) > index and node.input[index]:
            found = w.constants.get(node.input[index])
            return None if found is None else [int(v) for v in np.asarray(found).reshape(-1)]
        return [int(v) for v in attrs[name]] if name in attrs else None

    starts, ends = ints(1, "starts"), ints(2, "ends")
    axes, steps = ints(3, "axes"), ints(4, "steps")
    if starts is None or ends is None:
        return None
    rank = len(value.shape)
    axes = axes or list(range(len(starts)))
    if steps and any(s != 1 for s in steps):
        return None
    result = []
    for axis, start, end in zip(axes, starts, ends, strict=False):
        size = value.shape[axis % rank]
        start = max(0, min(size, start + size if start < 0 else start))
        end = max(0, min(size, end + size if end < 0 else end))
        result.append((axis % rank, start, end))
    return result


def slice_(w: Walk) -> None:
    value = w.data(w.node.input[0])
    slices = None if value is None or value.view else _slices(w, value)
    if value is None or slices is None:
        w.reject("a slice with unknown bounds or steps")
        return
    current = value
    channels = [(a, s, e) for a, s, e in slices if a == 1 and (s, e) != (0, value.shape[1])]
    spatial = [(a, s, e) for a, s, e in slices if a >= 2]
    if any(a == 0 and (s, e) != (0, value.shape[0]) for a, s, e in slices):
        w.reject("slices the batch")
        return
    for _, start, end in channels:
        current = w.emit(f"slice channels={start}:{end}", [current])
    pairs = [(0, 0)] * (len(value.shape) - 2)
    for axis, start, end in spatial:
        pairs[axis - 2] = (start, value.shape[axis] - end)
    if any(p != (0, 0) for p in pairs):
        current = w.emit(statement("crop", padding(pairs)), [current])
    w.alias(current)


def split(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is None or value.view:
        w.reject()
        return
    rank = len(value.shape)
    attrs = attributes(w.node)
    if attrs.get("axis", 0) % rank != 1:
        w.reject("splits another axis than the channels")
        return
    sizes = None
    if len(w.node.input) > 1 and w.node.input[1]:
        found = w.constants.get(w.node.input[1])
        sizes = None if found is None else [int(v) for v in np.asarray(found).reshape(-1)]
    elif "split" in attrs:
        sizes = [int(v) for v in attrs["split"]]
    if sizes is None:
        count = len(w.node.output)
        sizes = [value.shape[1] // count] * count
    start = 0
    for out, size in zip(w.node.output, sizes, strict=False):
        w.emit(f"slice channels={start}:{start + size}", [value], out=out)
        start += size


def pad(w: Walk) -> None:
    value = w.data(w.node.input[0])
    attrs = attributes(w.node)
    mode = attrs.get("mode", b"constant")
    pads = None
    if len(w.node.input) > 1 and w.node.input[1]:
        found = w.constants.get(w.node.input[1])
        pads = None if found is None else [int(v) for v in np.asarray(found).reshape(-1)]
    elif "pads" in attrs:
        pads = [int(v) for v in attrs["pads"]]
    if value is None or value.view or pads is None or mode not in (b"constant", "constant"):
        w.reject("only zero padding with known amounts")
        return
    rank = len(value.shape)
    axes = list(range(rank))
    if len(w.node.input) > 3 and w.node.input[3]:
        found = w.constants.get(w.node.input[3])
        axes = [] if found is None else [int(v) % rank for v in np.asarray(found).reshape(-1)]
    half = len(pads) // 2
    pairs = {axis: (pads[i], pads[i + half]) for i, axis in enumerate(axes)}
    if any(pairs.get(a, (0, 0)) != (0, 0) for a in (0, 1)):
        w.reject("pads the batch or the channels")
        return
    spatial = [pairs.get(a, (0, 0)) for a in range(2, rank)]
    grow = [(max(s, 0), max(e, 0)) for s, e in spatial]
    cut = [(max(-s, 0), max(-e, 0)) for s, e in spatial]
    current = value
    if any(p != (0, 0) for p in grow):
        current = w.emit(statement("pad", padding(grow)), [current])
    if any(p != (0, 0) for p in cut):
        current = w.emit(statement("crop", padding(cut)), [current])
    w.alias(current)


def resize(w: Walk) -> None:
    value = w.data(w.node.input[0])
    if value is None or value.view:
        w.reject()
        return
    attrs = attributes(w.node)
    rank = len(value.shape) - 2
    mode = attrs.get("mode", b"nearest")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    names = {"nearest": "nearest", "cubic": "bicubic", "linear": ("linear", "bilinear", "trilinear")[rank - 1]}
    out_shape = w.shapes.get(w.node.output[0])
    scales_at = 1 if w.node.op_type == "Upsample" else 2
    scales = None
    if len(w.node.input) > scales_at and w.node.input[scales_at]:
        found = w.constants.get(w.node.input[scales_at])
        scales = None if found is None or found.size == 0 else [float(v) for v in found.reshape(-1)]
    how = ""
    if scales is not None and all(s == int(s) for s in scales[2:]) and scales[:2] == [1.0, 1.0]:
        factors = [int(s) for s in scales[2:]]
        how = "factor=" + ("x".join(str(f) for f in factors) if len(set(factors)) > 1 else str(factors[0]))
    elif out_shape is not None:
        how = "size=" + "x".join(str(d) for d in out_shape[2:])
    if not how or mode not in names:
        w.reject("a resize with unknown sizes or mode")
        return
    w.emit(statement("upsample", how, "" if mode == "nearest" else f"mode={names[mode]}"), [value])


def depth_to_space(w: Walk) -> None:
    value = w.data(w.node.input[0])
    attrs = attributes(w.node)
    mode = attrs.get("mode", b"DCR")
    if value is None or value.view or (w.node.op_type == "DepthToSpace" and mode not in (b"CRD", "CRD")):
        w.reject("only the CRD order (PixelShuffle) is a pixelshuffle")
        return
    kind = "pixelshuffle" if w.node.op_type == "DepthToSpace" else "pixelunshuffle"
    w.emit(f"{kind} {attrs['blocksize']}", [value])


def squeeze(w: Walk) -> None:
    value = w.data(w.node.input[0])
    out = w.shapes.get(w.node.output[0])
    if value is None or value.view or out is None:
        w.reject()
        return
    if out == value.shape:
        w.alias(value)
    elif len(out) == 2 and out[1] == int(np.prod(value.shape[1:])):
        w.emit("flatten", [value])
    else:
        w.reject(f"{list(value.shape)} -> {list(out)}")


SHAPE_HANDLERS: dict[str, Handler] = {
    "Reshape": reshape,
    "Transpose": transpose,
    "Slice": slice_,
    "Split": split,
    "Pad": pad,
    "Resize": resize,
    "Upsample": resize,
    "DepthToSpace": depth_to_space,
    "SpaceToDepth": depth_to_space,
    "Squeeze": squeeze,
}
