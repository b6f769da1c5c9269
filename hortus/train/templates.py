"""The module behind a hole, chosen from its type by a template table.

A hole ``??name[a -> b]`` is filled by a network: an *encoder* chosen by the input type ``a``
(a small CNN for ``image(h, w[, c])``, an MLP for ``tensor(...)`` and ``float``, for a
``list(x)`` of those a set encoder, mean-pooled, or on request a GRU that reads the items in
order) and a *head* chosen by the output type ``b`` (a class over a finite set of ints for
``int``, two classes for ``bool``, one real number for ``float``). The choice is an
:class:`Architecture`, plain JSON data, so that a trained module can be stored with its weights
and built again. The tables are dictionaries keyed by type constructor (what reads a type, what
returns one) and by the architecture's own names (how to build and run an encoder, how a head's
outputs read as values): a domain adds a row, not a branch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
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

    encoder: str  # a key of ENCODERS: "cnn", "mlp", "set", "gru"
    shape: tuple[int, ...]  # the shape of one input (an item's, for "set" and "gru")
    head: str  # a key of HEADS: "int", "bool", "float"
    classes: tuple[int, ...]  # the values a discrete head chooses among (none for "float")
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
                       head=str(data["head"]),
                       classes=tuple(int(c) for c in data.get("classes", ())),
                       width=int(data.get("width", 64)), depth=int(data.get("depth", 1)),
                       channels=int(data.get("channels", 16)),
                       scale=float(data.get("scale", 1.0)))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"a malformed architecture ({type(e).__name__}: {e})") from None
        arch.check()
        return arch

    @property
    def outputs(self) -> int:
        """The network's output units: one score per class, or the one number."""
        return len(self.classes) if HEADS[self.head].discrete else 1

    def check(self) -> None:
        """ValueError unless every field is within what :func:`build` accepts."""
        if self.encoder not in ENCODERS:
            raise ValueError(f"unknown encoder {self.encoder!r} (known: {sorted(ENCODERS)})")
        if self.head not in HEADS:
            raise ValueError(f"unknown head {self.head!r} (known: {sorted(HEADS)})")
        if not 1 <= len(self.shape) <= 3 or not all(1 <= n <= 4096 for n in self.shape):
            raise ValueError(f"an input shape of 1 to 3 dimensions of 1 to 4096, not "
                             f"{self.shape}")
        HEADS[self.head].check(self.classes)
        if not (1 <= self.width <= 4096 and 0 <= self.depth <= 8 and 1 <= self.channels <= 256):
            raise ValueError(f"width 1-4096, depth 0-8, channels 1-256; got {self.width}, "
                             f"{self.depth}, {self.channels}")
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"the input scale must be a positive number, not {self.scale}")

    def wider(self, width: int) -> Architecture:
        """The same architecture ``width`` units wide, for Net2Net widening (which keeps the
        function of the feed-forward encoders only: a GRU's recurrence has no such copy)."""
        if not ENCODERS[self.encoder].widens:
            raise ValueError(f"a {self.encoder!r} encoder cannot be widened by Net2Net "
                             f"(it keeps the function of feed-forward layers only)")
        return replace(self, width=width)


# ------------------------------------------------------------------ heads: what a hole returns


def _discrete(classes: tuple[int, ...]) -> None:
    if not 2 <= len(classes) <= MAX_CLASSES or len(set(classes)) != len(classes):
        raise ValueError(f"2 to {MAX_CLASSES} distinct classes, not {len(classes)}")


def _real(classes: tuple[int, ...]) -> None:
    if classes:
        raise ValueError(f"a float head chooses among no classes, not {len(classes)}")


@dataclass(frozen=True)
class Head:
    """A row of the head table: what a network's outputs mean as values of the hole's type."""

    about: str
    discrete: bool  # a class among finite values (trained by lifting or abduction) or not
    classes: Callable[[int], tuple[int, ...]]  # the classes of a hole told to have n of them
    check: Callable[[tuple[int, ...]], None]  # ValueError unless the stored classes fit
    value: Callable[[Any], Any]  # a class, or the number, as a value of the type

    def decode(self, arch: Architecture, out: torch.Tensor) -> list[Any]:
        """The values a batch of network outputs stands for: the most probable class of each
        row (discrete), or the number itself."""
        if self.discrete:
            return [self.value(arch.classes[i]) for i in out.argmax(1).tolist()]
        return [self.value(v) for v in out[:, 0].tolist()]


# keyed by the type constructor the hole returns (no arguments)
HEADS: dict[str, Head] = {
    "int": Head("a class among the given ints", True, lambda n: tuple(range(n)), _discrete,
                int),
    "bool": Head("false or true", True, lambda n: (0, 1), _discrete, bool),
    "float": Head("a real number (regression, trained by gradient)", False, lambda n: (),
                  _real, float),
}


# ------------------------------------------------------------------ encoders: what a hole reads


def _rows(arch: Architecture, xs: Sequence[Any], layout: tuple[int, ...]) -> torch.Tensor:
    """The float32 tensor of some inputs (our Arrays or floats), each laid out as ``layout``
    and divided by the architecture's scale."""
    import numpy as np
    import torch

    rows = np.stack([np.asarray(getattr(x, "data", x), dtype=np.float32).reshape(layout)
                     for x in xs]) if len(xs) else np.zeros((0, *layout), np.float32)
    return torch.from_numpy(rows / np.float32(arch.scale))


def _mlp(torch: Any, n_in: int, arch: Architecture) -> Any:
    layers: list[Any] = []
    width = n_in
    for _ in range(arch.depth):
        layers += [torch.nn.Linear(width, arch.width), torch.nn.ReLU()]
        width = arch.width
    layers.append(torch.nn.Linear(width, arch.outputs))
    return torch.nn.Sequential(*layers)


def _cnn(torch: Any, arch: Architecture) -> dict[str, Any]:
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
    return {"body": nn.Sequential(*layers, _mlp(torch, c * h * w, arch))}


def _flat_mlp(torch: Any, arch: Architecture) -> dict[str, Any]:
    return {"body": _mlp(torch, math.prod(arch.shape), arch)}


def _set_parts(torch: Any, arch: Architecture) -> dict[str, Any]:
    n = math.prod(arch.shape)
    return {"element": torch.nn.Sequential(torch.nn.Linear(n, arch.width), torch.nn.ReLU()),
            "body": _mlp(torch, arch.width, arch)}


def _gru_parts(torch: Any, arch: Architecture) -> dict[str, Any]:
    return {"element": torch.nn.GRU(math.prod(arch.shape), arch.width, batch_first=True),
            "body": _mlp(torch, arch.width, arch)}


def _one_each(arch: Architecture, net: Any, inputs: Sequence[Any]) -> torch.Tensor:
    out: torch.Tensor = net(_rows(arch, inputs, ENCODERS[arch.encoder].layout(arch)))
    return out


def _mean_pooled(arch: Architecture, net: Any, inputs: Sequence[Any]) -> torch.Tensor:
    """Each list's items encoded, averaged (an empty list reads as zeros), then the MLP: the
    items of the whole batch go through the item encoder at once."""
    import torch

    lengths = torch.tensor([len(xs) for xs in inputs], dtype=torch.long)
    items = _rows(arch, [x for xs in inputs for x in xs], (math.prod(arch.shape),))
    encoded = net.element(items)
    owner = torch.repeat_interleave(torch.arange(len(inputs)), lengths)
    sums = torch.zeros(len(inputs), arch.width).index_add(0, owner, encoded)
    out: torch.Tensor = net.body(sums / lengths.clamp(min=1).unsqueeze(1))
    return out


def _recurrent(arch: Architecture, net: Any, inputs: Sequence[Any]) -> torch.Tensor:
    """Each list read in order by the GRU, its last state through the MLP (an empty list
    reads as the zero initial state). Lists of different lengths are padded and packed, so
    the padding never reaches the state."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

    n = math.prod(arch.shape)
    state = torch.zeros(len(inputs), arch.width)
    full = [i for i, xs in enumerate(inputs) if len(xs)]
    if full:
        padded = pad_sequence([_rows(arch, inputs[i], (n,)) for i in full], batch_first=True)
        packed = pack_padded_sequence(padded, [len(inputs[i]) for i in full], batch_first=True,
                                      enforce_sorted=False)
        _, last = net.element(packed)  # (layers, lists, width), in the given order
        state = state.index_copy(0, torch.tensor(full, dtype=torch.long), last[-1])
    out: torch.Tensor = net.body(state)
    return out


@dataclass(frozen=True)
class Encoder:
    """A row of the encoder table: how to build an encoder and run a batch through it."""

    about: str
    layout: Callable[[Architecture], tuple[int, ...]]  # one input (one item) as a tensor
    parts: Callable[[Any, Architecture], dict[str, Any]]  # named submodules, "body" last
    forward: Callable[[Architecture, Any, Sequence[Any]], torch.Tensor]
    reads_lists: bool = False  # an input is a list of items
    widens: bool = True  # Net2Net widening keeps its function


ENCODERS: dict[str, Encoder] = {
    "cnn": Encoder("a small CNN (two conv blocks) and an MLP",
                   lambda a: (a.shape[2] if len(a.shape) == 3 else 1, a.shape[0], a.shape[1]),
                   _cnn, _one_each),
    "mlp": Encoder("an MLP on the flattened input", lambda a: (math.prod(a.shape),),
                   _flat_mlp, _one_each),
    "set": Encoder("items encoded, mean-pooled (order-blind), then an MLP",
                   lambda a: (math.prod(a.shape),), _set_parts, _mean_pooled, reads_lists=True),
    "gru": Encoder("items read in order by a GRU, its last state through an MLP",
                   lambda a: (math.prod(a.shape),), _gru_parts, _recurrent, reads_lists=True,
                   widens=False),
}


# ------------------------------------------------------------------ from a type to a template

Reader = tuple[tuple[str, ...], tuple[int, ...]]  # the encoders that may read it (default
# first), and the shape of one input (of one item)


def _array_shape(t: TCon) -> tuple[int, ...] | None:
    dims = tuple(dimension_of(a) for a in t.args)
    if t.args and all(d is not None for d in dims):
        return tuple(d for d in dims if d is not None)
    return None


def _array(encoder: str) -> Callable[[TCon], Reader | None]:
    def read(t: TCon) -> Reader | None:
        shape = _array_shape(t)
        return ((encoder,), shape) if shape else None

    return read


def _sequence(t: TCon) -> Reader | None:
    """A list of what an MLP reads: mean-pooled by default, or read in order by a GRU."""
    inner = readers_of(t.args[0]) if t.args else None
    if inner is not None and inner[0] == ("mlp",):
        return ("set", "gru"), inner[1]
    return None


# keyed by the type constructor of the hole's input
READERS: dict[str, Callable[[TCon], Reader | None]] = {
    "image": _array("cnn"),
    "tensor": _array("mlp"),
    "float": lambda t: (("mlp",), (1,)),
    "list": _sequence,
}


def readers_of(t: Type) -> Reader | None:
    """The encoders that can read ``t`` (the default first) and the shape they read; None
    when no template reads it."""
    if not isinstance(t, TCon) or t.name not in READERS:
        return None
    return READERS[t.name](t)


def architecture_for(tp: Type, classes: int = DEFAULT_CLASSES, encoder: str | None = None,
                     **options: Any) -> Architecture:
    """The template for a hole of type ``tp`` (``a -> b``), with ``options`` (width, ...).

    ``encoder`` picks another encoder where the input type has more than one (``"gru"`` for a
    list of tensors); an encoder that does not read the input is a :class:`HoleTypeError`.
    """
    shown = show_type(tp)
    if not is_arrow(tp) or len(arguments(tp)) != 1:
        raise HoleTypeError(f"a neural hole takes one input and returns a value (a -> b); "
                            f"this one has type {shown}")
    (a,) = arguments(tp)
    assert isinstance(tp, TCon)
    b = tp.args[1]
    reader = readers_of(a)
    if reader is None:
        raise HoleTypeError(f"no network template reads {show_type(a)} (hole of type {shown}): "
                            f"templates read image(h, w[, c]), tensor(...), float, and lists of "
                            f"tensors or floats, of known sizes")
    choices, shape = reader
    if encoder is not None and encoder not in choices:
        raise HoleTypeError(f"the encoder {encoder!r} does not read {show_type(a)} (hole of "
                            f"type {shown}); encoders that do: {', '.join(choices)}")
    head = HEADS.get(b.name) if isinstance(b, TCon) and not b.args else None
    if head is None:
        raise HoleTypeError(f"no network head returns {show_type(b)} (hole of type {shown}): "
                            f"heads return int (one of {classes} classes), bool or float")
    if head.discrete and not 2 <= classes <= MAX_CLASSES:
        raise HoleTypeError(f"an int-valued hole ranges over 2 to {MAX_CLASSES} values, "
                            f"not {classes}")
    assert isinstance(b, TCon)
    arch = Architecture(encoder=encoder or choices[0], shape=shape, head=b.name,
                        classes=head.classes(classes))
    arch = replace(arch, **options) if options else arch
    arch.check()
    return arch


def check_fits(arch: Architecture, tp: Type, name: str) -> None:
    """HoleTypeError unless a module of ``arch`` can fill the hole ``name`` of type ``tp``: it
    returns that type (a float head where an int is due cannot) and reads that input."""
    about = (f"the module for ??{name} ({arch.encoder} encoder of {list(arch.shape)}, "
             f"{arch.head} head) cannot fill a hole of type {show_type(tp)}")
    try:
        want = architecture_for(tp, classes=len(arch.classes) or DEFAULT_CLASSES,
                                encoder=arch.encoder)
    except HoleTypeError as e:
        raise HoleTypeError(f"{about}: {e}") from None
    if want.head != arch.head or want.shape != arch.shape:
        raise HoleTypeError(about)


# ------------------------------------------------------------------ building and running


def _net(torch: Any, arch: Architecture) -> Any:
    parts = ENCODERS[arch.encoder].parts(torch, arch)

    class Net(torch.nn.Module):  # type: ignore[misc]
        """The encoder's parts as attributes (their weights' names: ``body.0.weight``, ...);
        called on a tensor it runs the body (the MLP, or the whole CNN)."""

        def __init__(self) -> None:
            super().__init__()
            for name, part in parts.items():
                setattr(self, name, part)

        def forward(self, x: Any) -> Any:
            return self.body(x)

    return Net()


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
    encoder = ENCODERS[arch.encoder]
    if encoder.reads_lists:
        raise HoleTypeError(f"{arch.encoder} inputs are lists of items: see outputs()")
    return _rows(arch, inputs, encoder.layout(arch))


def outputs(arch: Architecture, net: Any, inputs: Sequence[Any]) -> torch.Tensor:
    """The network's outputs for each input, shape ``(len(inputs), arch.outputs)``: class
    scores for a discrete head, the number for a float head."""
    return ENCODERS[arch.encoder].forward(arch, net, inputs)


logits = outputs  # the name from when every head was a class


def decode(arch: Architecture, out: torch.Tensor) -> list[Any]:
    """The values of a batch of outputs (see :meth:`Head.decode`)."""
    return HEADS[arch.head].decode(arch, out)
