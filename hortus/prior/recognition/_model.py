"""The model (fit, predict a grammar per task, save and load) and the prior that uses it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import torch

from hortus.prior._base import Prior
from hortus.prior.features import FeatureExtractor, GenericFeatures
from hortus.prior.grammar import VARIABLE, Grammar
from hortus.prior.recognition import _training, _weights
from hortus.prior.recognition._network import RecognitionConfig, threads, tokens, trim

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.prior.recognition._network import Network, Vocabulary
    from hortus.prior.recognition._training import Progress
    from hortus.tasks.task import Task


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

    config_: RecognitionConfig
    features_: FeatureExtractor
    vocabulary_: Vocabulary
    context_uses_: list[int]
    net_: Network

    def __init__(self, config: RecognitionConfig | None = None,
                 features: FeatureExtractor | None = None) -> None:
        self.config = config  # None: RecognitionConfig()
        self.features = features  # None: GenericFeatures(max_tokens=config.max_tokens)
        self._plans: dict[int, tuple[Grammar, _Plan]] = {}  # see _plan

    def fit(self, grammar: Grammar, data: Sequence[tuple[Task, Program]], *,
            dreams: Sequence[tuple[Task, Program]] = (), progress: Progress | None = None
            ) -> RecognitionModel:
        """Train on the derivations (in ``grammar``) of solved tasks' programs and of dreams."""
        config = (self.config or RecognitionConfig()).check()
        features = self.features or GenericFeatures(max_tokens=config.max_tokens)
        fitted = _training.train(config, features, grammar, data, dreams, progress)
        trained = fitted.trained
        self.config_, self.features_, self.net_ = config, features, fitted.net
        self.vocabulary_, self.context_uses_ = fitted.vocabulary, fitted.context_uses
        self._plans.clear()  # they map the previous vocabulary
        self.skipped_ = fitted.skipped  # pairs without a derivation
        self.losses_, self.validation_losses_ = trained.losses, trained.held_out
        self.final_loss_, self.mix_, self.mix_losses_ = trained.final, trained.mix, trained.mixes
        # pairs held out, and whether they are all solved tasks' (not dreams)
        self.held_out_ = trained.held
        self.held_out_solved_ = trained.from_solved and trained.held > 0
        # the held-out loss of the weights kept, at the chosen mix (nan without validation)
        self.validation_loss_ = (trained.mixes[trained.mix] if trained.mixes
                                 else min(trained.held_out, default=math.nan))
        return self

    # ------------------------------------------------------------ prediction

    def _check_fitted(self) -> None:
        if not hasattr(self, "net_"):
            raise RuntimeError("the recognition model is not fitted: call fit or from_bytes")

    def logits(self, tasks: Sequence[Task]) -> torch.Tensor:
        """Raw log weights for tasks: (tasks, contexts, productions) in the model's vocabulary."""
        self._check_fitted()
        out = []
        with torch.inference_mode(), threads(self.config_.threads):
            self.net_.eval()
            for start in range(0, len(tasks), 256):
                ids = trim(tokens(self.config_, self.features_, tasks[start:start + 256]))
                out.append(self.net_(ids.to(self.config_.device)).float().cpu())
        return torch.cat(out) if out else torch.empty(0, *self.net_.shape)

    def predict(self, grammar: Grammar, task: Task) -> Grammar:
        """``grammar`` with weights for ``task`` (see the package's docstring)."""
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
        return _weights.save(self.net_, self.config_, self.features_, self.vocabulary_,
                             self.context_uses_, self.mix_)

    @classmethod
    def from_bytes(cls, data: bytes, features: FeatureExtractor | None = None
                   ) -> RecognitionModel:
        """A model saved by :meth:`to_bytes`; ValueError on anything else.

        A model trained with a custom feature extractor needs it passed again as ``features``.
        """
        loaded = _weights.load(data, features)
        model = cls(loaded.config, loaded.features)
        model.config_, model.features_, model.net_ = loaded.config, loaded.features, loaded.net
        model.vocabulary_, model.context_uses_ = loaded.vocabulary, loaded.context_uses
        model.mix_, model.mix_losses_ = loaded.mix, {}
        model.held_out_, model.held_out_solved_ = 0, False
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


def _logsumexp(xs: list[float]) -> float:
    top = max(xs, default=-math.inf)
    if not math.isfinite(top):
        return 0.0
    return top + math.log(sum(math.exp(x - top) for x in xs))
