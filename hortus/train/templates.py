"""The module behind a hole, chosen from its type by a template table.

A hole ``??name[a -> b]`` is filled by a network: an *encoder* chosen by the input type ``a``
(a small CNN for ``image(h, w[, c])``, an MLP for ``tensor(...)`` and ``float``, a set encoder,
mean-pooled, for ``list(x)`` of those) and a *head* chosen by the output type ``b`` (a class over
a finite set of ints for ``int``, two classes for ``bool``). The choice is an
:class:`Architecture`, plain JSON data, so that a trained module can be stored with its weights
and built again. Both tables are dictionaries keyed by type constructor: a domain adds a row,
not a branch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from hortus.lang.types import TCon, Type, arguments, dimension_of, is_arrow, show_type

if TYPE_CHECKING:
    import torch
    from torch import nn

DEFAULT_CLASSES = 10  # an int-valued hole ranges over 0..9 unless told otherwise
MAX_CLASSES = 1000


class HoleTypeError(TypeError):
    """A hole whose type no template fits."""


@dataclass(frozen=True)
class Architecture:
    """What to build for one hole: plain data (JSON), checked when read."""

    encoder: str  # a key of ENCODERS: "cnn", "mlp", "set"
    shape: tuple[int, ...]  # the shape of one input (an element's, for "set")
    head: str  # a key of HEADS: "int", "bool"
    classes: tuple[int, ...]  # the values the head chooses among
    width: int = 64  # hidden units
    depth: int = 1  # hidden layers after the encoder's features
    channels: int = 16  # the first convolution's channels (CNN)
    scale: float = 1.0  # inputs are divided by it (e.g. 255 for 8-bit pixels)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["shape"], data["classes"] = list(self.shape), list(self.classes)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Architecture:
        if not isinstance(data, dict) or set(data) - set(cls.__dataclass_fields__):
            raise ValueError(f"an architecture is an object with the fields "
                             f"{sorted(cls.__dataclass_fields__)}")
        try:
            arch = cls(encoder=str(data["encoder"]), shape=tuple(int(n) for n in data["shape"]),
                       head=str(data["head"]), classes=tuple(int(c) for c in data["classes"]),
                       width=int(data.get("width", 64)), depth=int(data.get("depth", 1)),
                       channels=int(data.get("channels", 16)),
                       scale=float(data.get("scale", 1.0)))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"a malformed architecture ({type(e).__name__}: {e})") from None
        arch.check()
        return arch

    def check(self) -> None:
        """ValueError unless every field is within what :func:`build` accepts."""
        if self.encoder not in ENCODERS:
            raise ValueError(f"unknown encoder {self.encoder!r} (known: {sorted(ENCODERS)})")
        if self.head not in HEADS:
            raise ValueError(f"unknown head {self.head!r} (known: {sorted(HEADS)})")
        if not 1 <= len(self.shape) <= 3 or not all(1 <= n <= 4096 for n in self.shape):
            raise ValueError(f"an input shape of 1 to 3 dimensions of 1 to 4096, not "
                             f"{self.shape}")
        if not 2 <= len(self.classes) <= MAX_CLASSES or len(set(self.classes)) != len(
                self.classes):
            raise ValueError(f"2 to {MAX_CLASSES} distinct classes, not {len(self.classes)}")
        if not (1 <= self.width <= 4096 and 0 <= self.depth <= 8 and 1 <= self.channels <= 256):
            raise ValueError(f"width 1-4096, depth 0-8, channels 1-256; got {self.width}, "
                             f"{self.depth}, {self.channels}")
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"the input scale must be a positive number, not {self.scale}")

    def wider(self, width: int) -> Architecture:
        return replace(self, width=width)


# ------------------------------------------------------------------ from a type to a template


def _array_shape(t: Type) -> tuple[int, ...] | None:
    if isinstance(t, TCon) and t.name in ("image", "tensor"):
        dims = tuple(dimension_of(a) for a in t.args)
        if all(d is not None for d in dims):
            return tuple(d for d in dims if d is not None)
    return None


def _encoder_for(t: Type) -> tuple[str, tuple[int, ...]] | None:
    if isinstance(t, TCon):
        if t.name == "image":
            shape = _array_shape(t)
            return ("cnn", shape) if shape else None
        if t.name == "tensor":
            shape = _array_shape(t)
            return ("mlp", shape) if shape else None
        if t.name == "float":
            return ("mlp", (1,))
        if t.name == "list" and t.args:
            inner = _encoder_for(t.args[0])
            if inner is not None and inner[0] == "mlp":
                return ("set", inner[1])
    return None


def _head_for(t: Type, classes: int) -> tuple[str, tuple[int, ...]] | None:
    if isinstance(t, TCon) and not t.args:
        if t.name == "int":
            return ("int", tuple(range(classes)))
        if t.name == "bool":
            return ("bool", (0, 1))
    return None


def architecture_for(tp: Type, classes: int = DEFAULT_CLASSES, **options: Any) -> Architecture:
    """The template for a hole of type ``tp`` (``a -> b``), with ``options`` (width, ...)."""
    shown = show_type(tp)
    if not is_arrow(tp) or len(arguments(tp)) != 1:
        raise HoleTypeError(f"a neural hole takes one input and returns a value (a -> b); "
                            f"this one has type {shown}")
    (a,) = arguments(tp)
    assert isinstance(tp, TCon)
    b = tp.args[1]
    enc = _encoder_for(a)
    if enc is None:
        raise HoleTypeError(f"no network template reads {show_type(a)} (hole of type {shown}): "
                            f"templates read image(h, w[, c]), tensor(...), float, and lists of "
                            f"tensors or floats, of known sizes")
    if not 2 <= classes <= MAX_CLASSES:
        raise HoleTypeError(f"an int-valued hole ranges over 2 to {MAX_CLASSES} values, "
                            f"not {classes}")
    head = _head_for(b, classes)
    if head is None:
        raise HoleTypeError(f"no network head returns {show_type(b)} (hole of type {shown}): "
                            f"heads return int (one of {classes} classes) or bool")
    arch = Architecture(encoder=enc[0], shape=enc[1], head=head[0], classes=head[1])
    arch = replace(arch, **options) if options else arch
    arch.check()
    return arch


# ------------------------------------------------------------------ building the networks


def _mlp(torch: Any, n_in: int, arch: Architecture) -> Any:
    layers: list[Any] = []
    width = n_in
    for _ in range(arch.depth):
        layers += [torch.nn.Linear(width, arch.width), torch.nn.ReLU()]
        width = arch.width
    layers.append(torch.nn.Linear(width, len(arch.classes)))
    return torch.nn.Sequential(*layers)


def _cnn(torch: Any, arch: Architecture) -> Any:
    nn = torch.nn
    h, w = arch.shape[0], arch.shape[1]
    c = arch.shape[2] if len(arch.shape) == 3 else 1
    layers: list[Any] = []
    ch = arch.channels
    # two conv blocks, pooling while the picture is at least 4 pixels across
    for _ in range(2):
        layers += [nn.Conv2d(c, ch, 3, padding=1), nn.ReLU()]
        if min(h, w) >= 4:
            layers.append(nn.MaxPool2d(2))
            h, w = h // 2, w // 2
        c, ch = ch, ch * 2
    layers.append(nn.Flatten())
    return nn.Sequential(*layers, _mlp(torch, c * h * w, arch))


def _net(torch: Any, arch: Architecture) -> Any:
    nn = torch.nn

    class Net(nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            if arch.encoder == "cnn":
                self.body = _cnn(torch, arch)
            elif arch.encoder == "set":
                n = math.prod(arch.shape)
                self.element = nn.Sequential(nn.Linear(n, arch.width), nn.ReLU())
                self.body = _mlp(torch, arch.width, arch)
            else:
                self.body = _mlp(torch, math.prod(arch.shape), arch)

        def forward(self, x: Any) -> Any:
            return self.body(x)

    return Net()


ENCODERS: dict[str, Callable[[Architecture], tuple[int, ...]]] = {
    "cnn": lambda a: (a.shape[2] if len(a.shape) == 3 else 1, a.shape[0], a.shape[1]),
    "mlp": lambda a: (math.prod(a.shape),),
    "set": lambda a: (math.prod(a.shape),),
}
HEADS: dict[str, str] = {"int": "a class among the given ints", "bool": "false or true"}


def build(arch: Architecture, seed: int = 0) -> nn.Module:
    """A freshly initialised network for ``arch`` (weights drawn from ``seed``)."""
    import torch

    arch.check()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net: nn.Module = _net(torch, arch)
        return net


def batch(arch: Architecture, inputs: list[Any]) -> torch.Tensor:
    """The float32 tensor of a batch of hole inputs (our Arrays or floats), scaled."""
    import numpy as np
    import torch

    layout = ENCODERS[arch.encoder](arch)
    if arch.encoder == "set":
        raise HoleTypeError("set inputs are read one list at a time (see encode_sets)")
    rows = np.stack([np.asarray(getattr(x, "data", x), dtype=np.float32).reshape(layout)
                     for x in inputs]) if inputs else np.zeros((0, *layout), np.float32)
    return torch.from_numpy(rows / np.float32(arch.scale))


def logits(arch: Architecture, net: Any, inputs: list[Any]) -> torch.Tensor:
    """The network's class scores for each input: shape ``(len(inputs), len(classes))``."""
    import numpy as np
    import torch

    if arch.encoder != "set":
        out: torch.Tensor = net(batch(arch, inputs))
        return out
    n = math.prod(arch.shape)
    pooled = []
    for xs in inputs:
        rows = np.stack([np.asarray(getattr(x, "data", x), dtype=np.float32).reshape(n)
                         for x in xs]) if xs else np.zeros((0, n), np.float32)
        enc = net.element(torch.from_numpy(rows / np.float32(arch.scale)))
        pooled.append(enc.mean(0) if len(xs) else torch.zeros(arch.width))
    if not pooled:
        return torch.zeros(0, len(arch.classes))
    out = net.body(torch.stack(pooled))
    return out
