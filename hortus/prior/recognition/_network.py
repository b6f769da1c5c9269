"""The network, its configuration, what its outputs mean, and how torch runs it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn

from hortus.lang.types import arguments
from hortus.prior.grammar import VARIABLE, Context, Grammar

if TYPE_CHECKING:
    from hortus.prior.features import FeatureExtractor
    from hortus.tasks.task import Task


@dataclass(frozen=True)
class RecognitionConfig:
    encoder: str = "gru"  # per-example encoder: "gru" or "transformer"
    embedding_size: int = 32  # size of a token's embedding
    hidden_size: int = 64  # size of an example's encoding, of the task's, and of the MLP
    layers: int = 1  # layers of the encoder
    heads: int = 4  # attention heads (transformer only; must divide embedding_size)
    learning_rate: float = 3e-3  # AdamW step size
    epochs: int = 20  # passes over the training pairs
    max_steps: int = 0  # stop after this many optimiser steps when positive
    batch_size: int = 32  # (task, program) pairs per step
    weight_decay: float = 1e-4  # AdamW decay of the weight matrices
    dropout: float = 0.0  # dropout on the task's encoding and the MLP's hidden layer
    # Share of the solved tasks' pairs held out (at least 5; of all pairs when there are fewer
    # than 10 solved) to keep the best epoch and to choose the mix; 0: none.
    validation: float = 0.2
    choose_mix: bool = True  # weigh predictions against the grammar's weights on held-out pairs
    patience: int = 3  # epochs without a better held-out loss before training stops
    max_examples: int = 10  # examples read per task (the first ones)
    max_tokens: int = 64  # tokens read per example
    seed: int = 0  # seeds initialisation and batch order
    device: str = "cpu"  # torch device (training is deterministic on the CPU)
    threads: int = 0  # torch CPU threads while training and predicting; 0: the free cores
    max_contexts: int = 2  # contexts with tables of their own (the most used in training)

    def check(self) -> RecognitionConfig:
        """``self``, or a ValueError naming the first setting out of range."""
        if self.encoder not in ("gru", "transformer"):
            raise ValueError(f"encoder must be 'gru' or 'transformer', got {self.encoder!r}")
        for name, low, high in (("embedding_size", 1, 4096), ("hidden_size", 1, 8192),
                                ("layers", 1, 16), ("heads", 1, 64), ("epochs", 0, 10**6),
                                ("max_steps", 0, 10**9), ("batch_size", 1, 10**6),
                                ("patience", 1, 10**6), ("max_examples", 1, 1024),
                                ("max_tokens", 8, 8192), ("threads", 0, 1024),
                                ("max_contexts", 0, 10**6)):
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"{name} must be in [{low}, {high}], got {getattr(self, name)}")
        if self.encoder == "transformer" and self.embedding_size % self.heads:
            raise ValueError("heads must divide embedding_size")
        if not (self.learning_rate > 0 and self.weight_decay >= 0 and 0 <= self.dropout < 1
                and 0 <= self.validation < 1):
            raise ValueError("learning_rate must be positive, weight_decay non-negative, "
                             "dropout and validation in [0, 1)")
        return self


class Network(nn.Module):
    """Token ids of a batch of tasks -> a log weight per (context, production)."""

    def __init__(self, config: RecognitionConfig, vocabulary: int, contexts: int,
                 productions: int) -> None:
        super().__init__()
        e, h = config.embedding_size, config.hidden_size
        self.kind, self.shape = config.encoder, (contexts, productions)
        self.embed = nn.Embedding(vocabulary, e, padding_idx=0)
        if config.encoder == "gru":
            self.gru = nn.GRU(e, h, num_layers=config.layers, batch_first=True)
        else:
            self.position = nn.Embedding(config.max_tokens, e)
            layer = nn.TransformerEncoderLayer(e, config.heads, 2 * e, dropout=0.0,
                                               batch_first=True)
            self.transformer = nn.TransformerEncoder(layer, config.layers,
                                                     enable_nested_tensor=False)
            self.project = nn.Linear(e, h)
        self.hidden = nn.Linear(h, h)
        self.dropout = nn.Dropout(config.dropout)
        self.out = nn.Linear(h, contexts * productions)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        n, k, t = tokens.shape  # (tasks, examples, tokens); 0 pads
        flat = tokens.reshape(n * k, t)  # (n*k, t)
        lengths = (flat != 0).sum(1)  # (n*k,)
        x = self.embed(flat)  # (n*k, t, e)
        if self.kind == "gru":
            states, _ = self.gru(x)  # (n*k, t, h); padding comes last, so it cannot leak back
            last = (lengths - 1).clamp(min=0)
            enc = states[torch.arange(n * k, device=x.device), last]  # (n*k, h)
        else:
            x = x + self.position(torch.arange(t, device=x.device))[None]
            pad = flat == 0  # (n*k, t)
            pad[:, 0] = False  # an absent example attends to its first slot rather than to none
            y = self.transformer(x, src_key_padding_mask=pad)  # (n*k, t, e)
            keep = (~pad).unsqueeze(-1).float()  # (n*k, t, 1)
            enc = self.project((y * keep).sum(1) / keep.sum(1).clamp(min=1.0))  # (n*k, h)
        present = (lengths > 0).float().view(n, k, 1)  # (n, k, 1): examples the task has
        task = (enc.view(n, k, -1) * present).sum(1) / present.sum(1).clamp(min=1.0)  # (n, h)
        hidden = self.dropout(torch.relu(self.hidden(self.dropout(task))))  # (n, h)
        logits: torch.Tensor = self.out(hidden)  # (n, contexts * productions)
        return logits.view(n, *self.shape)  # (n, contexts, productions)


@dataclass(frozen=True)
class Vocabulary:
    """What the network's outputs mean: its contexts and production keys (VARIABLE last)."""

    productions: tuple[str, ...]  # production keys, then VARIABLE
    contexts: tuple[Context, ...]  # None (the root), then (parent key, argument index)

    @classmethod
    def of(cls, grammar: Grammar) -> Vocabulary:
        contexts: list[Context] = [None]
        for prod in grammar.productions:
            contexts.extend((prod.key, k) for k in range(len(arguments(prod.tp))))
        return cls((*(p.key for p in grammar.productions), VARIABLE), tuple(contexts))


def build(config: RecognitionConfig, features: FeatureExtractor, vocab: Vocabulary,
          place: bool = True) -> Network:
    """A fresh network for ``vocab``, on ``config.device`` when ``place``."""
    net = Network(config, features.vocabulary_size, len(vocab.contexts), len(vocab.productions))
    if not place:
        return net
    try:
        return net.to(config.device)
    except (RuntimeError, AssertionError) as e:  # a device this machine does not have
        raise ValueError(f"cannot use device {config.device!r}: {e}") from None


def tokens(config: RecognitionConfig, features: FeatureExtractor, tasks: Sequence[Task]
           ) -> torch.Tensor:
    """Token ids of tasks, padded: (tasks, max_examples, max_tokens)."""
    k, t = config.max_examples, config.max_tokens
    cache: dict[int, list[list[int]]] = {}
    rows = []
    for task in tasks:
        found = cache.get(id(task))
        if found is None:
            seqs = [s[:t] + [0] * (t - len(s[:t])) for s in features.tokens(task)[:k]]
            found = cache[id(task)] = seqs + [[0] * t] * (k - len(seqs))
        rows.append(found)
    out = torch.tensor(rows, dtype=torch.long)
    if out.numel() and (out.min() < 0 or out.max() >= features.vocabulary_size):
        raise ValueError("the feature extractor returned a token outside its vocabulary")
    return out


def trim(tokens: torch.Tensor) -> torch.Tensor:
    """Drop the token columns that are padding in every row: (n, k, t) -> (n, k, t')."""
    used = int((tokens != 0).any(0).any(0).nonzero().max().item()) + 1 if tokens.any() else 1
    return tokens[:, :, :used]


@contextmanager
def threads(n: int) -> Iterator[None]:
    """Run with ``n`` torch CPU threads (0: as many as the machine has cores free now).

    Small matrices gain little from threads, and threads that spin while other processes hold
    the cores can make a step several times slower: on a busy machine, fewer is faster.
    """
    from hortus.executors import free_cores

    before = torch.get_num_threads()
    torch.set_num_threads(n if n > 0 else free_cores())
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Seeded, deterministic torch, leaving the caller's random state and settings alone."""
    before = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(before)
