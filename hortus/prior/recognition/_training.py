"""Training: derivations as targets, the held-out split, the training loop, the mix."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import torch

from hortus.prior.fit import Choice, Deriver
from hortus.prior.fit import fit as refit
from hortus.prior.grammar import Context, Grammar
from hortus.prior.recognition._network import (
    Network,
    RecognitionConfig,
    Vocabulary,
    build,
    deterministic,
    threads,
    tokens,
    trim,
)

if TYPE_CHECKING:
    from hortus.lang.program import Program
    from hortus.prior.features import FeatureExtractor
    from hortus.tasks.task import Task

Progress = Callable[[int, int, float], None]  # (step, total steps, loss of the step)
MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)  # weights of the network's predictions tried on held-out pairs
MIN_HELD = 5  # fewest solved tasks' pairs worth holding out


class Trained(NamedTuple):
    losses: list[float]  # of every optimiser step
    held_out: list[float]  # held-out loss before training and after every epoch
    final: float  # mean loss of the last epoch
    mix: float  # weight of the network against the grammar (see _choose_mix)
    mixes: dict[float, float]  # held-out loss at each mix tried
    held: int  # pairs held out
    from_solved: bool  # ... all from the solved tasks (else from all pairs)


class Fitted(NamedTuple):
    """A trained network, what its outputs mean, and how training went."""

    net: Network
    vocabulary: Vocabulary  # the contexts with tables, and every production
    context_uses: list[int]  # nodes read with each context's row in training
    skipped: int  # pairs without a derivation in the grammar
    trained: Trained


def train(config: RecognitionConfig, features: FeatureExtractor, grammar: Grammar,
          data: Sequence[tuple[Task, Program]], dreams: Sequence[tuple[Task, Program]],
          progress: Progress | None) -> Fitted:
    """A network trained on the derivations (in ``grammar``) of solved tasks' and dreams'."""
    everything = Vocabulary.of(grammar)
    deriver = Deriver(grammar)
    tasks, programs, derivations, solved = [], [], [], 0  # solved: data's pairs, first
    for k, (task, program) in enumerate((*data, *dreams)):
        choices = deriver.derivation(task.request, program)
        if choices is not None:
            tasks.append(task)
            programs.append(program)
            derivations.append(choices)
            solved += k < len(data)
    if not tasks:
        raise ValueError("no (task, program) pair has a derivation in the grammar")
    # The model is trained as it is used: the most used contexts get tables of their own and
    # every other node is read with the default (unigram) row, the root's.
    uses = Counter(c.context for d in derivations for c in d)
    order = {c: k for k, c in enumerate(everything.contexts)}
    tabled = sorted((c for c in everything.contexts if c is not None and uses[c]),
                    key=lambda c: (-uses[c], order[c]))[:config.max_contexts]
    contexts: tuple[Context, ...] = (None, *sorted(tabled, key=order.__getitem__))
    vocab = Vocabulary(everything.productions, contexts)
    default = sum(n for c, n in uses.items() if c not in set(tabled))
    context_uses = [default, *(uses[c] for c in contexts[1:])]  # aligned with contexts
    ids = tokens(config, features, tasks)  # (pairs, examples, tokens)
    target = Targets.of(vocab, derivations)
    val, from_solved = split(config, len(tasks), solved)
    start = grammar
    if from_solved:
        # The grammar's weights were fit on every solved task, the held-out ones included
        # (and abstraction made routines out of them): the model starts from, and is judged
        # against, weights refit without them, or it could never look better.
        held = set(val.tolist())
        start = refit(grammar, [(tasks[k].request, programs[k]) for k in range(solved)
                                if k not in held])
    with deterministic(config.seed), threads(config.threads):
        net = build(config, features, vocab)
        _start_at(net, start, vocab)
        trained = _train(net, config, ids, target, val, from_solved, progress)
    return Fitted(net, vocab, context_uses, len(data) + len(dreams) - len(tasks), trained)


@dataclass(frozen=True)
class Targets:
    """Every derivation as padded index tensors: one row per (task, program) pair."""

    context: torch.Tensor  # (pairs, nodes) context index of each node
    chosen: torch.Tensor  # (pairs, nodes) production index picked
    options: torch.Tensor  # (pairs, nodes) index into masks of the productions that fit
    valid: torch.Tensor  # (pairs, nodes) 1.0 for real nodes, 0.0 for padding
    masks: torch.Tensor  # (option sets, productions) bool

    @classmethod
    def of(cls, vocab: Vocabulary, derivations: Sequence[Sequence[Choice]]) -> Targets:
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


def split(config: RecognitionConfig, n: int, solved: int) -> tuple[torch.Tensor, bool]:
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


def _train(net: Network, config: RecognitionConfig, tokens: torch.Tensor, target: Targets,
           val: torch.Tensor, from_solved: bool, progress: Progress | None) -> Trained:
    """Train ``net`` in place, holding out the pairs ``val`` (see split).

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
        return Trained(losses, held_out, final, 1.0, {}, held, from_solved)
    mix, mixes = _choose_mix(net, base, tokens, target, val, config.device)
    return Trained(losses, held_out, final, mix, mixes, held, from_solved)


def _choose_mix(net: Network, base: torch.Tensor, tokens: torch.Tensor, target: Targets,
                val: torch.Tensor, device: str) -> tuple[float, dict[float, float]]:
    """The mix in MIXES with the lowest held-out loss (ties go to the smaller), and all losses."""
    losses = {m: _evaluate(net, tokens, target, val, device, base, m) for m in MIXES}
    best = min(MIXES, key=lambda m: (round(losses[m], 9), m))
    return best, losses


def _evaluate(net: Network, tokens: torch.Tensor, target: Targets, pairs: torch.Tensor,
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


def _loss(net: Network, tokens: torch.Tensor, target: Targets, batch: torch.Tensor,
          device: str, base: torch.Tensor | None = None, mix: float = 1.0) -> torch.Tensor:
    """Mean over the batch of each program's negative log-likelihood.

    With ``base`` (the grammar's weights), the logits are ``base + mix * (net - base)``.
    """
    logits: torch.Tensor = net(trim(tokens).to(device))  # (b, contexts, productions)
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


def _start_at(net: Network, grammar: Grammar, vocab: Vocabulary) -> None:
    """Start from the grammar itself: zero output weights, the grammar's weights as bias."""
    table = [grammar.weights(None if c is None else grammar.context(*c)) for c in vocab.contexts]
    bias = torch.tensor([[t.get(k, 0.0) for k in vocab.productions] for t in table])
    with torch.no_grad():
        net.out.weight.zero_()
        net.out.bias.copy_(torch.nan_to_num(bias, neginf=-30.0).flatten())
