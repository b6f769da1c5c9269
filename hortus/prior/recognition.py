"""The recognition model: a neural network that reads a task's examples and writes its grammar.

DreamCoder's contextual recognition model. Every example is read as a token sequence
(:mod:`hortus.prior.features`) by a small GRU or transformer, the example encodings are averaged,
and an MLP outputs a log weight for every ``(context, production)`` pair. The contexts are a
default row, read at the root and at every slot without a table of its own, and the
``max_contexts`` contexts ``(parent, argument index)`` used most in training. The model is
trained as it is used: a node in any other context is scored with the default row. (Training
every context but predicting only a few, with the root's row standing in for the rest, made
predictions worse than the grammar's own weights on held-out tasks: measured.)

Training maximises the likelihood of the derivations of known programs (solved tasks, and
dreams): at each node, a softmax over the productions that fit the slot, picking the one the
program used. A seeded share of the *solved tasks* (not dreams, whose distribution differs from
real tasks') is held out. The output layer starts at zero with the grammar's weights refit
without them as its bias, so an untrained model predicts that grammar (the library's own
weights were fit on the held-out tasks too, and could not fairly be compared with). The held-out
tasks keep the best epoch (few tasks and many weights overfit within a few epochs) and choose
the **mix**, how much the predictions count against the grammar's own weights (0: the model did
not beat the grammar on those tasks).

:meth:`RecognitionModel.predict` turns the outputs into a :class:`Grammar` for the task:

* the default row becomes the **unigram** weights and each tabled context a **bigram** table;
* the predicted weights of a row are shifted so that, over the productions the model knows,
  they carry the same total mass as the given grammar's weights there, then mixed with them;
  a production the model **never saw** (the library grew since training) keeps the grammar's
  own weight, and contexts under it keep the grammar's own table, or the unigram weights.

This module imports torch; it is imported only when a recognition model is used. Weights are
saved as safetensors bytes with a JSON description; loading validates both and never runs code.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import safetensors.torch
import torch
from torch import nn

from hortus.lang.types import arguments
from hortus.prior._base import Prior
from hortus.prior.features import FeatureExtractor, GenericFeatures, features_from_description
from hortus.prior.fit import Choice, Deriver
from hortus.prior.fit import fit as refit
from hortus.prior.grammar import VARIABLE, Context, Grammar

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.tasks.task import Task

FORMAT = "hortus.recognition/1"  # written into the safetensors metadata, checked on load
Progress = Callable[[int, int, float], None]  # (step, total steps, loss of the step)


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
    threads: int = 0  # torch CPU threads while training and predicting; 0: torch's setting
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


class _Network(nn.Module):
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
class _Vocabulary:
    """What the network's outputs mean: its contexts and production keys (VARIABLE last)."""

    productions: tuple[str, ...]  # production keys, then VARIABLE
    contexts: tuple[Context, ...]  # None (the root), then (parent key, argument index)

    @classmethod
    def of(cls, grammar: Grammar) -> _Vocabulary:
        contexts: list[Context] = [None]
        for prod in grammar.productions:
            contexts.extend((prod.key, k) for k in range(len(arguments(prod.tp))))
        return cls((*(p.key for p in grammar.productions), VARIABLE), tuple(contexts))


@dataclass(frozen=True)
class _Plan:
    """How the network's outputs become one grammar's weights."""

    keys: tuple[str, ...]  # the grammar's production keys the model knows (VARIABLE last)
    columns: torch.Tensor  # (keys,) their output columns
    rows: torch.Tensor  # (1 + contexts,) output rows of the root, then of ``contexts``
    contexts: tuple[tuple[str, int], ...]  # the contexts whose parent is in the grammar
    mass: torch.Tensor  # (1 + contexts,) log of the grammar's weight on ``keys`` in each row
    own: torch.Tensor  # (1 + contexts, keys) the grammar's weights on ``keys`` in each row
    unseen: tuple[dict[str, float], ...]  # per row: the grammar's weights the model lacks


class RecognitionModel:
    """Task -> grammar, trained on solved tasks and dreams (scikit-learn conventions)."""

    def __init__(self, config: RecognitionConfig | None = None,
                 features: FeatureExtractor | None = None) -> None:
        self.config = config  # None: RecognitionConfig()
        self.features = features  # None: GenericFeatures(max_tokens=config.max_tokens)
        self._plans: dict[int, tuple[Grammar, _Plan]] = {}  # see _plan

    # ------------------------------------------------------------ training

    def fit(self, grammar: Grammar, data: Sequence[tuple[Task, Program]], *,
            dreams: Sequence[tuple[Task, Program]] = (), progress: Progress | None = None
            ) -> RecognitionModel:
        """Train on the derivations (in ``grammar``) of solved tasks' programs and of dreams."""
        config = (self.config or RecognitionConfig()).check()
        features = self.features or GenericFeatures(max_tokens=config.max_tokens)
        self.config_, self.features_ = config, features
        everything = _Vocabulary.of(grammar)
        self._plans.clear()  # they map the previous vocabulary
        deriver = Deriver(grammar)
        tasks, programs, derivations, solved = [], [], [], 0  # solved: data's pairs, first
        for k, (task, program) in enumerate((*data, *dreams)):
            choices = deriver.derivation(task.request, program)
            if choices is not None:
                tasks.append(task)
                programs.append(program)
                derivations.append(choices)
                solved += k < len(data)
        self.skipped_ = len(data) + len(dreams) - len(tasks)  # pairs without a derivation
        if not tasks:
            raise ValueError("no (task, program) pair has a derivation in the grammar")
        # The model is trained as it is used: the most used contexts get tables of their own and
        # every other node is read with the default (unigram) row, the root's.
        uses = Counter(c.context for d in derivations for c in d)
        order = {c: k for k, c in enumerate(everything.contexts)}
        tabled = sorted((c for c in everything.contexts if c is not None and uses[c]),
                        key=lambda c: (-uses[c], order[c]))[:config.max_contexts]
        contexts: tuple[Context, ...] = (None, *sorted(tabled, key=order.__getitem__))
        self.vocabulary_ = vocab = _Vocabulary(everything.productions, contexts)
        default = sum(n for c, n in uses.items() if c not in set(tabled))
        self.context_uses_ = [default, *(uses[c] for c in contexts[1:])]  # aligned with contexts
        tokens = self._tokens(tasks)  # (pairs, examples, tokens)
        target = _Targets.of(vocab, derivations)
        val, from_solved = _split(config, len(tasks), solved)
        start = grammar
        if from_solved:
            # The grammar's weights were fit on every solved task, the held-out ones included
            # (and abstraction made routines out of them): the model starts from, and is judged
            # against, weights refit without them, or it could never look better.
            held = set(val.tolist())
            start = refit(grammar, [(tasks[k].request, programs[k]) for k in range(solved)
                                    if k not in held])
        with _deterministic(config.seed), _threads(config.threads):
            net = self.net_ = self._network(vocab)
            _start_at(net, start, vocab)
            trained = _train(net, config, tokens, target, val, from_solved, progress)
        self.losses_, self.validation_losses_ = trained.losses, trained.held_out
        self.final_loss_, self.mix_, self.mix_losses_ = trained.final, trained.mix, trained.mixes
        # pairs held out, and whether they are all solved tasks' (not dreams)
        self.held_out_ = trained.held
        self.held_out_solved_ = trained.from_solved and trained.held > 0
        # the held-out loss of the weights kept, at the chosen mix (nan without validation)
        self.validation_loss_ = (trained.mixes[trained.mix] if trained.mixes
                                 else min(trained.held_out, default=math.nan))
        return self

    def _network(self, vocab: _Vocabulary, place: bool = True) -> _Network:
        net = _Network(self.config_, self.features_.vocabulary_size, len(vocab.contexts),
                       len(vocab.productions))
        if not place:
            return net
        try:
            return net.to(self.config_.device)
        except (RuntimeError, AssertionError) as e:  # a device this machine does not have
            raise ValueError(f"cannot use device {self.config_.device!r}: {e}") from None

    def _tokens(self, tasks: Sequence[Task]) -> torch.Tensor:
        """Token ids of tasks, padded: (tasks, max_examples, max_tokens)."""
        k, t = self.config_.max_examples, self.config_.max_tokens
        cache: dict[int, list[list[int]]] = {}
        rows = []
        for task in tasks:
            found = cache.get(id(task))
            if found is None:
                seqs = [s[:t] + [0] * (t - len(s[:t])) for s in self.features_.tokens(task)[:k]]
                found = cache[id(task)] = seqs + [[0] * t] * (k - len(seqs))
            rows.append(found)
        out = torch.tensor(rows, dtype=torch.long)
        if out.numel() and (out.min() < 0 or out.max() >= self.features_.vocabulary_size):
            raise ValueError("the feature extractor returned a token outside its vocabulary")
        return out

    # ------------------------------------------------------------ prediction

    def _check_fitted(self) -> None:
        if not hasattr(self, "net_"):
            raise RuntimeError("the recognition model is not fitted: call fit or from_bytes")

    def logits(self, tasks: Sequence[Task]) -> torch.Tensor:
        """Raw log weights for tasks: (tasks, contexts, productions) in the model's vocabulary."""
        self._check_fitted()
        out = []
        with torch.inference_mode(), _threads(self.config_.threads):
            self.net_.eval()
            for start in range(0, len(tasks), 256):
                tokens = _trim(self._tokens(tasks[start:start + 256]))
                out.append(self.net_(tokens.to(self.config_.device)).float().cpu())
        return torch.cat(out) if out else torch.empty(0, *self.net_.shape)

    def predict(self, grammar: Grammar, task: Task) -> Grammar:
        """``grammar`` with weights for ``task`` (see the module's docstring)."""
        return self.predict_many(grammar, [task])[0]

    def predict_many(self, grammar: Grammar, tasks: Sequence[Task]) -> list[Grammar]:
        """One grammar per task, from one batched pass of the network."""
        self._check_fitted()
        if self.mix_ == 0.0:  # held-out tasks preferred the grammar: one object, one compile
            return [grammar] * len(tasks)
        plan = self._plan(grammar)
        q = self.logits(tasks)[:, plan.rows][:, :, plan.columns]  # (tasks, rows, keys)
        q = q - q.logsumexp(-1, keepdim=True) + plan.mass[None, :, None]
        if self.mix_ < 1.0:  # geometric mixture with the grammar's own weights
            q = plan.own[None] + self.mix_ * (q - plan.own[None])
            q = q - q.logsumexp(-1, keepdim=True) + plan.mass[None, :, None]
        keys = plan.keys
        out = []
        for table in q.tolist():
            root = {**plan.unseen[0], **dict(zip(keys, table[0], strict=True))}
            bigram = dict(grammar.bigram)
            for ctx, weights, extra in zip(plan.contexts, table[1:], plan.unseen[1:],
                                           strict=True):
                bigram[ctx] = {**extra, **dict(zip(keys, weights, strict=True))}
            prods = tuple(p.weighted(root[p.key]) for p in grammar.productions)
            out.append(Grammar(prods, root[VARIABLE], bigram))
        return out

    def _plan(self, grammar: Grammar) -> _Plan:
        """How the network's outputs map onto ``grammar`` (cached while it is the same object)."""
        found = self._plans.get(id(grammar))
        if found is not None and found[0] is grammar:
            return found[1]
        vocab = self.vocabulary_
        column = {k: i for i, k in enumerate(vocab.productions)}
        keys = tuple(k for k in (*(p.key for p in grammar.productions), VARIABLE) if k in column)
        by_key = grammar.by_key()
        rows = [c for c, ctx in enumerate(vocab.contexts) if ctx is not None and ctx[0] in by_key]
        # Each table splits the search's nonterminals by context and slows it: only the
        # contexts that training used most get one.
        rows = sorted(rows, key=lambda c: (-self.context_uses_[c], c))[:self.config_.max_contexts]
        rows.sort()
        contexts = tuple(ctx for ctx in (vocab.contexts[c] for c in rows) if ctx is not None)
        rows.insert(0, vocab.contexts.index(None))
        own = [grammar.weights(None), *(grammar.weights(grammar.context(*c)) for c in contexts)]
        known = set(keys)
        plan = _Plan(keys, torch.tensor([column[k] for k in keys], dtype=torch.long),
                     torch.tensor(rows, dtype=torch.long), contexts,
                     torch.tensor([_logsumexp([w[k] for k in keys]) for w in own]),
                     torch.tensor([[max(w[k], -30.0) for k in keys] for w in own]),
                     tuple({k: w for k, w in table.items() if k not in known} for table in own))
        if len(self._plans) >= 8:
            self._plans.clear()
        self._plans[id(grammar)] = (grammar, plan)
        return plan

    # ------------------------------------------------------------ serialisation (no pickle)

    def to_bytes(self) -> bytes:
        """The weights as safetensors, with the config, features and vocabulary as metadata."""
        self._check_fitted()
        meta = {"format": FORMAT, "config": asdict(self.config_),
                "features": self.features_.describe(),
                "productions": list(self.vocabulary_.productions),
                "contexts": [None if c is None else list(c) for c in self.vocabulary_.contexts],
                "context_uses": list(self.context_uses_), "mix": self.mix_}
        tensors = {k: v.detach().cpu().contiguous() for k, v in self.net_.state_dict().items()}
        return safetensors.torch.save(tensors, metadata={"hortus": json.dumps(meta)})

    @classmethod
    def from_bytes(cls, data: bytes, features: FeatureExtractor | None = None
                   ) -> RecognitionModel:
        """A model saved by :meth:`to_bytes`; ValueError on anything else.

        A model trained with a custom feature extractor needs it passed again as ``features``.
        """
        header = _header(data)
        try:
            meta = json.loads(header["__metadata__"]["hortus"])
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise ValueError("not a hortus recognition model")
            config = _config(meta["config"])
            vocab = _vocabulary(meta["productions"], meta["contexts"])
            description = meta["features"]
            uses = meta.get("context_uses", [0] * len(vocab.contexts))
            if (not isinstance(uses, list) or len(uses) != len(vocab.contexts)
                    or not all(type(u) is int and 0 <= u < 2**62 for u in uses)):
                raise ValueError("context_uses must list a count per context")
            mix = meta.get("mix", 1.0)  # models saved before the mix existed: the network only
            if type(mix) not in (int, float) or not 0 <= mix <= 1:
                raise ValueError(f"mix must be a number in [0, 1], got {mix!r}")
        except (KeyError, TypeError, RecursionError, json.JSONDecodeError) as e:
            raise ValueError(f"bad recognition model metadata: {e!r}") from None
        if features is None:
            features = features_from_description(description)
        elif features.describe() != description:
            raise ValueError(f"the model was trained with features {description!r}, "
                             f"not {features.describe()!r}")
        model = cls(config, features)
        model.config_, model.features_, model.vocabulary_ = config, features, vocab
        model.context_uses_, model.mix_, model.mix_losses_ = uses, float(mix), {}
        model.held_out_, model.held_out_solved_ = 0, False
        with torch.device("meta"):
            net = model._network(vocab, place=False)
            expected = {k: list(v.shape) for k, v in net.state_dict().items()}
        found = {k: v.get("shape") if isinstance(v, dict) else None
                 for k, v in header.items() if k != "__metadata__"}
        if found != expected or any(v.get("dtype") != "F32" for k, v in header.items()
                                    if k != "__metadata__"):
            raise ValueError("the model's tensors do not match its configuration")
        try:
            tensors = safetensors.torch.load(bytes(data))
        except Exception as e:  # safetensors raises its own error types on corrupt data
            raise ValueError(f"corrupt recognition model weights: {e}") from None
        if any(not torch.isfinite(t).all() for t in tensors.values()):
            raise ValueError("the model's weights are not all finite")
        with _deterministic(config.seed):
            model.net_ = model._network(vocab)
        model.net_.load_state_dict(tensors, strict=True)
        model.losses_, model.validation_losses_, model.skipped_ = [], [], 0
        model.final_loss_ = model.validation_loss_ = math.nan
        return model


class RecognitionPrior(Prior):
    """A fitted recognition model's grammar for each task."""

    name: ClassVar[str] = "recognition"

    def __init__(self, model: RecognitionModel, grammar: Grammar) -> None:
        self.model, self.grammar = model, grammar

    def grammar_for(self, task: Task) -> Grammar:
        return self.model.predict(self.grammar, task)

    def grammars_for(self, tasks: Sequence[Task]) -> list[Grammar]:
        return self.model.predict_many(self.grammar, tasks)


# ------------------------------------------------------------------ training internals


@dataclass(frozen=True)
class _Targets:
    """Every derivation as padded index tensors: one row per (task, program) pair."""

    context: torch.Tensor  # (pairs, nodes) context index of each node
    chosen: torch.Tensor  # (pairs, nodes) production index picked
    options: torch.Tensor  # (pairs, nodes) index into masks of the productions that fit
    valid: torch.Tensor  # (pairs, nodes) 1.0 for real nodes, 0.0 for padding
    masks: torch.Tensor  # (option sets, productions) bool

    @classmethod
    def of(cls, vocab: _Vocabulary, derivations: Sequence[Sequence[Choice]]) -> _Targets:
        ctx_index = {c: i for i, c in enumerate(vocab.contexts)}
        prod_index = {k: i for i, k in enumerate(vocab.productions)}
        option_sets: dict[tuple[str, ...], int] = {}
        width = max(len(d) for d in derivations)
        rows: list[list[list[int]]] = [[], [], [], []]
        for d in derivations:
            pad = width - len(d)
            rows[0].append([ctx_index.get(c.context, 0) for c in d] + [0] * pad)
            rows[1].append([prod_index[c.chosen] for c in d] + [0] * pad)
            rows[2].append([option_sets.setdefault(c.options, len(option_sets)) for c in d]
                           + [0] * pad)
            rows[3].append([1] * len(d) + [0] * pad)
        masks = torch.zeros(len(option_sets), len(vocab.productions), dtype=torch.bool)
        for opts, i in option_sets.items():
            masks[i, [prod_index[k] for k in opts]] = True
        context, chosen, options, valid = (torch.tensor(r, dtype=torch.long) for r in rows)
        return cls(context, chosen, options, valid.float(), masks)


class _Trained(NamedTuple):
    losses: list[float]  # of every optimiser step
    held_out: list[float]  # held-out loss before training and after every epoch
    final: float  # mean loss of the last epoch
    mix: float  # weight of the network against the grammar (see _choose_mix)
    mixes: dict[float, float]  # held-out loss at each mix tried
    held: int  # pairs held out
    from_solved: bool  # ... all from the solved tasks (else from all pairs)


MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)  # weights of the network's predictions tried on held-out pairs
MIN_HELD = 5  # fewest solved tasks' pairs worth holding out


def _split(config: RecognitionConfig, n: int, solved: int) -> tuple[torch.Tensor, bool]:
    """The pairs to hold out, and whether they are solved tasks' (the first ``solved`` pairs).

    A seeded share of the solved tasks' pairs, at least MIN_HELD; of all pairs when fewer than
    twice that many tasks are solved. What matters is how the model does on real tasks, not
    on dreams.
    """
    generator = torch.Generator().manual_seed(config.seed)
    if config.validation > 0 and solved >= 2 * MIN_HELD:
        pool, held = solved, max(MIN_HELD, int(config.validation * solved))
    else:
        pool, held = n, int(config.validation * n)
    held = held if 0 < held < n else 0  # too few pairs to hold any out
    return torch.randperm(pool, generator=generator)[:held], held > 0 and pool == solved


def _train(net: _Network, config: RecognitionConfig, tokens: torch.Tensor, target: _Targets,
           val: torch.Tensor, from_solved: bool, progress: Progress | None) -> _Trained:
    """Train ``net`` in place, holding out the pairs ``val`` (see _split).

    The held-out pairs are scored before training and after every epoch; the weights that
    score best are kept (the untrained ones, i.e. the starting grammar itself, included), and
    training stops after ``patience`` epochs without improvement: few tasks and many weights
    overfit quickly. Then, with ``config.choose_mix``, the held-out pairs choose how much the
    predictions count against the grammar's own weights (0 when the model does not beat it).
    """
    n, held = tokens.shape[0], len(val)
    generator = torch.Generator().manual_seed(config.seed + 1)
    keep = torch.ones(n, dtype=torch.bool)
    keep[val] = False
    train = keep.nonzero()[:, 0]
    base = net.out.bias.detach().clone().view(net.shape)  # the grammar's weights
    decay = [p for p in net.parameters() if p.dim() >= 2]
    other = [p for p in net.parameters() if p.dim() < 2]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                                   {"params": other, "weight_decay": 0.0}],
                                  lr=config.learning_rate)
    total = config.epochs * math.ceil(len(train) / config.batch_size)
    if config.max_steps > 0:
        total = min(total, config.max_steps)
    losses: list[float] = []
    held_out: list[float] = []
    best: dict[str, torch.Tensor] | None = None
    if held:
        held_out.append(_evaluate(net, tokens, target, val, config.device))
        best = {k: v.detach().clone() for k, v in net.state_dict().items()}
    epoch: list[float] = []
    while len(losses) < total:
        epoch = []
        net.train()
        order = train[torch.randperm(len(train), generator=generator)]
        for start in range(0, len(train), config.batch_size):
            if len(losses) == total:
                break
            batch = order[start:start + config.batch_size]
            loss = _loss(net, tokens[batch], target, batch, config.device)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            losses.append(loss.item())
            epoch.append(losses[-1])
            if progress is not None:
                progress(len(losses), total, losses[-1])
        if held:
            held_out.append(_evaluate(net, tokens, target, val, config.device))
            if held_out[-1] < min(held_out[:-1]):
                best = {k: v.detach().clone() for k, v in net.state_dict().items()}
            elif len(held_out) - 1 - held_out.index(min(held_out)) >= config.patience:
                break
    if best is not None:
        net.load_state_dict(best)
    final = sum(epoch) / len(epoch) if epoch else math.nan
    if not held or not config.choose_mix:
        return _Trained(losses, held_out, final, 1.0, {}, held, from_solved)
    mix, mixes = _choose_mix(net, base, tokens, target, val, config.device)
    return _Trained(losses, held_out, final, mix, mixes, held, from_solved)


def _choose_mix(net: _Network, base: torch.Tensor, tokens: torch.Tensor, target: _Targets,
                val: torch.Tensor, device: str) -> tuple[float, dict[float, float]]:
    """The mix in MIXES with the lowest held-out loss (ties go to the smaller), and all losses."""
    losses = {m: _evaluate(net, tokens, target, val, device, base, m) for m in MIXES}
    best = min(MIXES, key=lambda m: (round(losses[m], 9), m))
    return best, losses


def _evaluate(net: _Network, tokens: torch.Tensor, target: _Targets, pairs: torch.Tensor,
              device: str, base: torch.Tensor | None = None, mix: float = 1.0) -> float:
    """Mean negative log-likelihood of the programs of ``pairs``, without training."""
    net.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(pairs), 256):
            batch = pairs[start:start + 256]
            loss = _loss(net, tokens[batch], target, batch, device, base, mix)
            total += loss.item() * len(batch)
    return total / len(pairs)


def _loss(net: _Network, tokens: torch.Tensor, target: _Targets, batch: torch.Tensor,
          device: str, base: torch.Tensor | None = None, mix: float = 1.0) -> torch.Tensor:
    """Mean over the batch of each program's negative log-likelihood.

    With ``base`` (the grammar's weights), the logits are ``base + mix * (net - base)``.
    """
    logits: torch.Tensor = net(_trim(tokens).to(device))  # (b, contexts, productions)
    if base is not None and mix != 1.0:
        b = base.to(device)[None]
        logits = b + mix * (logits - b)
    context = target.context[batch].to(device)  # (b, nodes)
    rows = torch.arange(len(batch), device=device)[:, None]  # (b, 1)
    node = logits[rows, context]  # (b, nodes, productions)
    mask = target.masks.to(device)[target.options[batch].to(device)]  # (b, nodes, productions)
    logp = node.masked_fill(~mask, -math.inf).log_softmax(-1)  # (b, nodes, productions)
    picked = logp.gather(-1, target.chosen[batch].to(device)[..., None])[..., 0]  # (b, nodes)
    picked = picked.masked_fill(target.valid[batch].to(device) == 0, 0.0)
    return -picked.sum(1).mean()


def _start_at(net: _Network, grammar: Grammar, vocab: _Vocabulary) -> None:
    """Start from the grammar itself: zero output weights, the grammar's weights as bias."""
    table = [grammar.weights(None if c is None else grammar.context(*c)) for c in vocab.contexts]
    bias = torch.tensor([[t.get(k, 0.0) for k in vocab.productions] for t in table])
    with torch.no_grad():
        net.out.weight.zero_()
        net.out.bias.copy_(torch.nan_to_num(bias, neginf=-30.0).flatten())


@contextmanager
def _threads(n: int) -> Iterator[None]:
    """Run with ``n`` torch CPU threads (0: leave the setting alone).

    Small matrices gain little from threads, and threads that spin while other processes hold
    the cores can make a step several times slower: one thread is the safe choice on a busy
    machine.
    """
    before = torch.get_num_threads()
    if n > 0:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if n > 0:
            torch.set_num_threads(before)


def _trim(tokens: torch.Tensor) -> torch.Tensor:
    """Drop the token columns that are padding in every row: (n, k, t) -> (n, k, t')."""
    used = int((tokens != 0).any(0).any(0).nonzero().max().item()) + 1 if tokens.any() else 1
    return tokens[:, :, :used]


@contextmanager
def _deterministic(seed: int) -> Iterator[None]:
    """Seeded, deterministic torch, leaving the caller's random state and settings alone."""
    before = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(before)


# ------------------------------------------------------------------ loading, checked


def _header(data: bytes) -> dict[str, Any]:
    """The safetensors header of ``data`` as JSON, checked for shape; ValueError otherwise."""
    if not isinstance(data, bytes | bytearray | memoryview) or len(data) < 8:
        raise ValueError("not a recognition model: too short")
    size = int.from_bytes(bytes(data[:8]), "little")
    if size > len(data) - 8 or size > 100_000_000:
        raise ValueError("not a recognition model: bad header length")
    try:
        header = json.loads(bytes(data[8:8 + size]))
    except (UnicodeDecodeError, RecursionError, json.JSONDecodeError):
        raise ValueError("not a recognition model: unreadable header") from None
    if not isinstance(header, dict) or not isinstance(header.get("__metadata__"), dict):
        raise ValueError("not a recognition model: no metadata")
    return header


def _config(data: Any) -> RecognitionConfig:
    # A model saved before a setting existed lacks it and gets its default; a setting this
    # version does not know is refused (it could change what the weights mean).
    if not isinstance(data, dict) or not set(data) <= {f.name for f in fields(RecognitionConfig)}:
        raise ValueError(f"bad recognition config {data!r}")
    defaults = RecognitionConfig()
    values: dict[str, Any] = {}
    for name, value in data.items():
        want = type(getattr(defaults, name))
        if not (type(value) is want or (want is float and type(value) is int)):
            raise ValueError(f"recognition config field {name} = {value!r} has the wrong type")
        values[name] = float(value) if want is float else value
    return RecognitionConfig(**values).check()


def _vocabulary(productions: Any, contexts: Any) -> _Vocabulary:
    if not (isinstance(productions, list) and productions and productions[-1] == VARIABLE
            and all(isinstance(k, str) for k in productions)
            and len(set(productions)) == len(productions)):
        raise ValueError("bad production vocabulary in the recognition model")
    parents = set(productions[:-1])
    if not (isinstance(contexts, list) and contexts and contexts[0] is None
            and all(isinstance(c, list) and len(c) == 2 and c[0] in parents
                    and type(c[1]) is int and c[1] >= 0 for c in contexts[1:])):
        raise ValueError("bad context vocabulary in the recognition model")
    ctxs: list[Context] = [None, *((c[0], c[1]) for c in contexts[1:])]
    if len(set(ctxs)) != len(ctxs):
        raise ValueError("repeated contexts in the recognition model")
    return _Vocabulary(tuple(productions), tuple(ctxs))


def _logsumexp(xs: list[float]) -> float:
    top = max(xs, default=-math.inf)
    if not math.isfinite(top):
        return 0.0
    return top + math.log(sum(math.exp(x - top) for x in xs))
