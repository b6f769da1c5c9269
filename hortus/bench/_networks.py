"""Neural baselines of ``hortus bench extrapolate``: an MLP and a small transformer (torch, lazily).

Inputs are lists of ints 0-9. A list output is predicted position by position, as one class
among the element values seen in training plus an end marker; an int output is regressed and
rounded. The MLP reads a fixed width of one-hot positions (the longest training list), so a
longer list cannot be given to it at all. The transformer reads any length: sinusoidal
positional encodings, and attention computed in chunks of queries so memory stays bounded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from torch import nn

VALUES = 10  # input tokens 0-9 are the values
BLANK, CLS, PAD = 10, 11, 12  # an output slot, the int readout, padding (never attended)
ATTENTION_FLOATS = 1 << 24  # most attention scores held at once (64 MB of float32)


@dataclass(frozen=True)
class Shape:
    """What a function's examples need: output kind, classes, output slots per input element."""

    list_output: bool
    classes: int  # element values 0..classes-1, then the end marker
    ratio: int  # an input of length n gets ratio * n + 1 output slots
    width: int  # the longest training input (the MLP's input width)

    @classmethod
    def of(cls, inputs: Sequence[Sequence[int]], outputs: Sequence[Any]) -> Shape:
        """The shape that fits the training examples."""
        width = max(len(x) for x in inputs)
        if not isinstance(outputs[0], list):
            return cls(False, 0, 1, width)
        top = max((v for y in outputs for v in y), default=VALUES - 1)
        ratio = max(math.ceil(len(y) / max(len(x), 1)) for x, y in zip(inputs, outputs,
                                                                      strict=True))
        return cls(True, max(top + 1, VALUES), max(ratio, 1), width)

    def slots(self, n: int) -> int:
        return self.ratio * n + 1 if self.list_output else 1

    def target(self, y: Any, n: int) -> list[float]:
        """Training target: class per slot (end marker after the list), or the int itself."""
        if not self.list_output:
            return [float(y)]
        return [float(v) for v in y] + [float(self.classes)] * (self.slots(n) - len(y))

    def decode(self, row: torch.Tensor) -> Any:
        """The prediction of one example: the list up to the first end marker, or the int."""
        if not self.list_output:
            return round(float(row.reshape(-1)[0]))
        out = []
        for c in row.argmax(-1).tolist():
            if c == self.classes:
                break
            out.append(int(c))
        return out


def _make_mlp(shape: Shape, hidden: int) -> nn.Module:
    from torch import nn

    heads = shape.slots(shape.width) * (shape.classes + 1) if shape.list_output else 1
    return nn.Sequential(nn.Flatten(), nn.Linear(shape.width * (VALUES + 1), hidden), nn.ReLU(),
                         nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, heads))


def _make_transformer(shape: Shape, dim: int, layers: int, heads: int) -> nn.Module:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.n1, self.n2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
            self.qkv, self.o = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
            self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(), nn.Linear(2 * dim, dim))

        def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
            b, n, _ = x.shape
            q, k, v = (t.view(b, n, heads, -1).transpose(1, 2)
                       for t in self.qkv(self.n1(x)).chunk(3, -1))
            if bool(keep.all()):  # no padding: torch's fused kernel, memory linear in n
                att = F.scaled_dot_product_attention(q, k, v)
            else:  # padding masked: scores are materialised, so a chunk of queries at a time
                step = max(1, ATTENTION_FLOATS // (b * heads * n))
                mask = keep[:, None, None, :]
                att = torch.cat([F.scaled_dot_product_attention(q[:, :, s:s + step], k, v,
                                                                attn_mask=mask)
                                 for s in range(0, n, step)], dim=2)
            x = x + self.o(att.transpose(1, 2).reshape(b, n, dim))
            y: torch.Tensor = x + self.ff(self.n2(x))
            return y

    class Transformer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(PAD + 1, dim)
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
            self.norm = nn.LayerNorm(dim)
            self.out = nn.Linear(dim, shape.classes + 1 if shape.list_output else 1)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            keep = tokens != PAD
            x = self.embed(tokens) + _sinusoids(tokens.shape[1], dim)
            for block in self.blocks:
                x = block(x, keep)
            y: torch.Tensor = self.out(self.norm(x))
            return y

    return Transformer()


def _sinusoids(n: int, dim: int) -> torch.Tensor:
    import torch

    pos = torch.arange(n, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10_000.0) / dim))
    pe = torch.zeros(n, dim)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return pe


class Baseline:
    """One network for one function: ``mlp`` or ``transformer``."""

    def __init__(self, kind: str, shape: Shape, *, hidden: int = 256, dim: int = 64,
                 layers: int = 2, heads: int = 4) -> None:
        self.kind, self.shape = kind, shape
        self.net = (_make_mlp(shape, hidden) if kind == "mlp"
                    else _make_transformer(shape, dim, layers, heads))

    def accepts(self, n: int) -> bool:
        """Whether a list of length ``n`` can be given to the network at all."""
        return self.kind != "mlp" or n <= self.shape.width

    def encode(self, xs: Sequence[Sequence[int]]) -> torch.Tensor:
        """Token rows for a batch (the MLP: one-hot positions of its fixed width)."""
        import torch
        import torch.nn.functional as F

        s = self.shape
        if self.kind == "mlp":
            rows = [list(x) + [BLANK] * (s.width - len(x)) for x in xs]
            return F.one_hot(torch.tensor(rows), VALUES + 1).float()
        if s.list_output:
            rows = [list(x) + [BLANK] * (s.slots(len(x)) - len(x)) for x in xs]
        else:
            rows = [[CLS, *x] for x in xs]
        width = max(map(len, rows))
        return torch.tensor([r + [PAD] * (width - len(r)) for r in rows])

    def outputs(self, xs: Sequence[Sequence[int]]) -> torch.Tensor:
        """Raw outputs, (batch, slots, classes or 1), aligned with :meth:`Shape.target`."""
        y: torch.Tensor = self.net(self.encode(xs))
        s = self.shape
        if self.kind == "mlp":
            return y.view(len(xs), -1, s.classes + 1 if s.list_output else 1)
        return y if s.list_output else y[:, :1]

    def loss(self, xs: Sequence[Sequence[int]], ys: Sequence[Any]) -> torch.Tensor:
        import torch
        import torch.nn.functional as F

        out = self.outputs(xs)
        if not self.shape.list_output:
            target = torch.tensor([self.shape.target(y, len(x)) for x, y in zip(xs, ys,
                                                                                strict=True)])
            return F.mse_loss(out[:, :, 0], target)
        slots = out.shape[1]
        rows = [self.shape.target(y, len(x)) for x, y in zip(xs, ys, strict=True)]
        target = torch.tensor([r + [-100.0] * (slots - len(r)) for r in rows]).long()
        return F.cross_entropy(out.reshape(-1, out.shape[-1]), target.reshape(-1),
                               ignore_index=-100)

    def train(self, xs: Sequence[Sequence[int]], ys: Sequence[Any], seconds: float, seed: int,
              batch: int = 128) -> dict[str, Any]:
        """Adam on shuffled batches for ``seconds`` of CPU time; returns steps and times.

        The learning rate falls linearly from 3e-3 over the time budget.
        """
        import random

        import torch

        torch.manual_seed(seed)
        opt = torch.optim.Adam(self.net.parameters(), lr=3e-3)
        order, rng = list(range(len(xs))), random.Random(seed)
        steps, epochs, start, wall = 0, 0, time.process_time(), time.perf_counter()
        self.net.train()
        while time.process_time() - start < seconds:
            rng.shuffle(order)
            for i in range(0, len(order), batch):
                for group in opt.param_groups:  # decays linearly over the time budget
                    group["lr"] = 3e-3 * max(0.02, 1 - (time.process_time() - start) / seconds)
                idx = order[i:i + batch]
                loss = self.loss([xs[j] for j in idx], [ys[j] for j in idx])
                opt.zero_grad()
                loss.backward()  # type: ignore[no-untyped-call]
                opt.step()
                steps += 1
                if time.process_time() - start >= seconds:
                    break
            else:
                epochs += 1
        self.net.eval()
        return {"train_seconds": time.process_time() - start,
                "train_wall_seconds": time.perf_counter() - wall, "steps": steps,
                "epochs": epochs, "parameters": sum(p.numel() for p in self.net.parameters())}

    def predict(self, xs: Sequence[Sequence[int]], batch: int = 256) -> list[Any]:
        """Predictions for lists the network accepts (long lists go one at a time)."""
        import torch

        out: list[Any] = []
        step = batch if max(map(len, xs), default=0) <= 100 else 1
        with torch.inference_mode():
            for i in range(0, len(xs), step):
                out.extend(self.shape.decode(row) for row in self.outputs(xs[i:i + step]))
        return out

    def accuracy(self, xs: Sequence[Sequence[int]], ys: Sequence[Any]) -> float:
        """Fraction of exact matches (the whole output right)."""
        if not xs:
            return 0.0
        right: int = sum(p == y for p, y in zip(self.predict(xs), ys, strict=True))
        return right / len(xs)


@contextmanager
def threads(n: int) -> Iterator[None]:
    """Run with ``n`` torch CPU threads, then restore the setting."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_and_test(reference: Callable[[list[int]], Any], train: Sequence[list[int]],
                   held: Sequence[list[int]], tests: dict[int, list[list[int]]],
                   seconds: float, long_count: int, seed: int) -> dict[str, dict[str, Any]]:
    """Train both networks on ``train`` and measure exact-match accuracy in and out of it.

    Accuracy is None at lengths a network cannot take; at lengths over 1,000 the transformer is
    tested on the first ``long_count`` lists only (its attention is quadratic in the length).
    """
    import torch

    ys = [reference(list(x)) for x in train]
    shape = Shape.of(train, ys)
    report: dict[str, dict[str, Any]] = {}
    from hortus.executors import free_cores

    with threads(free_cores()):
        for k, kind in enumerate(("mlp", "transformer")):
            torch.manual_seed(seed + k)
            net = Baseline(kind, shape)
            info = net.train(train, ys, seconds, seed + k)
            info["threads"] = torch.get_num_threads()
            info["train_accuracy"] = net.accuracy(train[:1000], ys[:1000])
            accuracy: dict[str, float | None] = {
                "in": net.accuracy(held, [reference(list(x)) for x in held])}
            tested, spent = {}, {}
            for n, xs in tests.items():
                if not net.accepts(n):
                    accuracy[str(n)] = None
                    continue
                part = xs if n <= 1000 else xs[:long_count]
                start = time.perf_counter()
                accuracy[str(n)] = net.accuracy(part, [reference(list(x)) for x in part])
                tested[str(n)], spent[str(n)] = len(part), time.perf_counter() - start
            report[kind] = {**info, "accuracy": accuracy, "tested": tested,
                            "test_seconds": spent}
    return report
