"""Searching hybrid programs: the structure by enumeration, the neural holes by training.

For a task whose inputs hold images or tensors, :class:`HybridSearcher` adds to the grammar one
hole per such input type (``??n0[image(28, 28) -> int]``: a network that reads one and answers
a class) and enumerates *skeletons*, complete programs that call a hole, most probable first
(top-down, best-first over the compiled grammar). Training every skeleton is what makes
HOUDINI slow; here a skeleton has to pass three cheap tests first:

1. **consistency**: on a sample of examples, some latent values must give the observed output:
   exactly, from the lifted circuit's support (``(?n0 $0)`` cannot output 15 when the hole
   answers 0-9), or by abduction with every value equally likely when the program does not
   lift;
2. **novelty**: run with random latent values (a fixed hash of the input), its outputs must
   differ from every skeleton kept before: ``(+ (h $0) (h $1))`` and ``(+ (h $1) (h $0))``
   behave alike for every network, so only the more probable one is trained (observational
   equivalence, as the enumerator prunes, with the network abstracted away);
3. **a short training run** on a subsample ranks the survivors by accuracy on held-aside
   examples; only the best is trained in full, from its short run's weights.

A task whose output is ``float`` may want holes that answer a real number instead
(``??n0[tensor(4) -> float]``, trained by gradient through the program); see
:meth:`HybridSearcher._float_candidates` for when they are offered and how their skeletons are
screened and ranked.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from hortus.eval.judge import FLOAT_TOLERANCE
from hortus.lang.program import Apply, Hole, Index, Lambda, Program
from hortus.lang.runtime import EvalError
from hortus.lang.types import TCon, Type, arguments, arrow, dimension_of, returns, show_type
from hortus.prior.cfg import CFG, NonTerminal, Rule
from hortus.prior.grammar import Grammar, Production
from hortus.search._base import Candidate, SearchBudget, Searcher, SearchResult
from hortus.tasks.task import Task
from hortus.train import abduction, lifted
from hortus.train.trainer import (
    Example,
    Module,
    Report,
    TrainConfig,
    TrainedProgram,
    TrainError,
    task_examples,
    train,
)

INT = TCon("int")
FLOAT = TCon("float")
HOLE_WEIGHT = 4.0  # log weight of the holes in top-down enumeration
MIN_FULL = 20  # latent programs reading every array input wanted before time is up


@dataclass(frozen=True)
class HybridConfig:
    classes: int = 10  # values each hole answers (0..classes-1)
    max_size: int = 7  # largest skeleton, in grammar rules
    skeletons: int = 2000  # most skeletons looked at
    candidates: int = 4  # skeletons given a short training run
    known_candidates: int = 40  # skeletons ranked when every hole is a known module (no run)
    pool: int = 4  # consistent skeletons screened per candidate, ranked by their evidence
    rank_share: float = 0.1  # of the time budget, for each short run
    rank_examples: int = 400  # examples a short run trains on
    sample: int = 40  # examples the consistency and novelty tests run on
    consistent: float = 0.9  # share of the sample a skeleton must be able to explain
    min_accuracy: float = 0.5  # held-aside accuracy for the task to count as solved (float
    # outputs: within TrainConfig.tolerance, as the trainer counts them; docs/architecture.md
    # says why neither differs for float holes)
    seed: int = 0
    tune: int = 0  # optuna trials on the best skeleton's modules (0: no tuning)
    tune_share: float = 0.5  # of the time left after ranking
    constants: int = 2  # float constants a skeleton may hold (float tasks)
    rank_steps: int = 0  # most optimiser steps of a short run (0: the training config's)


def _mentions(t: Type, c: TCon) -> bool:
    return t == c or (isinstance(t, TCon) and any(_mentions(a, c) for a in t.args))


def perceptual_types(request: Type) -> list[Type]:
    """The array types (images, tensors of known shape) inside the request's inputs."""
    found: list[Type] = []

    def go(t: Type) -> None:
        if isinstance(t, TCon):
            if t.name in ("image", "tensor") and all(dimension_of(a) for a in t.args):
                if t not in found:
                    found.append(t)
                return
            for a in t.args:
                go(a)

    for a in arguments(request):
        go(a)
    return found


def holes_for(request: Type, known: dict[str, Module] | None = None, head: Type = INT
              ) -> list[Hole]:
    """A hole per array type of the request, answering ``head`` (a class, or a float): a known
    (library) module of that type when there is one, else a new one, ``??n0``, ``??n1``, ..."""
    by_type = {m.tp: name for name, m in (known or {}).items()}
    out = []
    for i, t in enumerate(perceptual_types(request)):
        tp = arrow(t, head)
        out.append(Hole(tp, by_type.get(tp, f"n{i}")))
    return out


# ------------------------------------------------------------------ perception first


def _perceptual(t: Type) -> bool:
    return isinstance(t, TCon) and t.name in ("image", "tensor")


def latent_type(t: Type, head: Type = INT) -> Type | None:
    """``t`` with each array read as what its hole gives it (``head``: the class, ``image ->
    int``, or a float), a list of them as a list of those; None where arrays sit deeper."""
    if _perceptual(t):
        return head
    if isinstance(t, TCon) and t.name == "list" and t.args and _perceptual(t.args[0]):
        return TCon("list", (head,))
    if isinstance(t, TCon) and any(latent_type(a, head) != a for a in t.args):
        return None
    return t


def _latent_value(x: Any, t: Type, value: Any, head: Type) -> Any:
    if _perceptual(t):
        return value(x)
    if isinstance(t, TCon) and t.name == "list" and t.args and _perceptual(t.args[0]):
        from hortus.eval.values import to_internal

        return to_internal([value(e) for e in x], TCon("list", (head,)))
    return x


def _random_latent(head: Type, seed: int, x: Any, classes: int) -> Any:
    """What a hole might answer for ``x``, drawn by a fixed hash of it: a class, or for a
    float head a number in [-4, 4] (three decimals: sums of them stay exact enough to tell
    behaviours apart)."""
    h = hash((seed, x))
    return (h % 8001 - 4000) / 1000.0 if head == FLOAT else h % classes


def _perceive(var: Program, t: Type, hole: dict[Type, Hole]) -> Program:
    if _perceptual(t):
        return Apply(hole[t], var)
    if isinstance(t, TCon) and t.name == "list" and t.args and _perceptual(t.args[0]):
        from hortus.lang.primitives import lookup

        return Apply(Apply(lookup("map"), Lambda(Apply(hole[t.args[0]], Index(0)))), var)
    return var


def compose(latent: Program, request: Type, holes: list[Hole]) -> Program:
    """The hybrid program that reads each array input through its hole, then runs the
    program ``latent`` on the classes (beta-reduced: ``(+ (??n0 $1) (??n0 $0))``)."""
    from hortus.lang.rewrite import beta_normal

    by_type = {h.tp.args[0]: h for h in holes if isinstance(h.tp, TCon)}
    args = arguments(request)
    n = len(args)
    body: Program = latent
    for k, t in enumerate(args):
        body = Apply(body, _perceive(Index(n - 1 - k), t, by_type))
    for _ in range(n):
        body = Lambda(body)
    return beta_normal(body)


def latent_programs(task: Task, grammar: Grammar, holes: list[Hole], sample: list[Example],
                    classes: int, seconds: float, limit: int, head: Type = INT
                    ) -> list[tuple[Program, float]]:
    """Programs over the holes' answers (classes, or floats for ``head`` float), each of a
    behaviour of its own on random answers, cheapest first: found by the value enumerator
    (observational equivalence), with the task's inputs read as random answers (a hash of each
    array) in place of a network's."""
    from hortus.eval.budget import Budget
    from hortus.lang.runtime import METER
    from hortus.search._enumerator import Stop, term_logp
    from hortus.search._equivalence import ValueEnumerator

    types = [latent_type(t, head) for t in arguments(task.request)]
    out_type = latent_type(task.output, head)
    if out_type != task.output or any(t is None for t in types):
        return []
    request = arrow(*[t for t in types if t is not None], out_type)
    envs = []
    for seed in (11, 12):
        def value(x: Any, seed: int = seed) -> Any:
            return _random_latent(head, seed, x, classes)

        for xs, _ in sample[:12]:
            envs.append(tuple(reversed([_latent_value(x, t, value, head) for x, t in
                                        zip(xs, arguments(task.request), strict=True)])))
    cfg = CFG(grammar, request)
    deadline = time.perf_counter() + seconds
    # on a busy machine the share may end before anything useful is found: up to three times
    # as long while fewer than MIN_FULL programs read every array input
    hard = time.perf_counter() + 3 * seconds
    target = tuple(object() for _ in envs)
    en = ValueEnumerator(cfg, envs, target, deadline=hard)
    # programs that read every array input are kept apart: most behaviours ignore some input
    # (constants, one argument), and the task almost always needs all of them
    n = len(types)
    wanted = {n - 1 - k for k, t in enumerate(arguments(task.request)) if latent_type(t) != t}
    full: list[tuple[Any, float]] = []
    partial: list[tuple[Any, float]] = []

    def note(prog: Any, vals: Any) -> None:
        latent = en.to_program(prog)
        body = latent
        for _ in range(n):
            body = body.body if isinstance(body, Lambda) else body
        into = full if wanted <= body.free_indices() else partial
        if len(into) < limit:
            into.append((latent, term_logp(prog)))

    en.on_new = note
    with Budget(steps=1000, time=seconds + 1.0).active():
        METER.deadline = deadline + 1.0
        try:
            level = 0
            while len(full) < limit and (time.perf_counter() < deadline or (
                    len(full) < MIN_FULL and time.perf_counter() < hard)):
                level += 1
                en.pool(cfg.start, level)
        except Stop:
            pass
    return [(compose(p, task.request, holes), lp) for p, lp in full + partial[:limit // 4]]


# ------------------------------------------------------------------ top-down enumeration


def skeletons(cfg: CFG, max_size: int) -> Iterator[tuple[Program, float]]:
    """Complete programs of ``cfg`` with their log prior, most probable first, of at most
    ``max_size`` rules (best-first search over leftmost derivations)."""
    tick = itertools.count()
    Item = tuple[NonTerminal, int]
    heap: list[tuple[float, int, tuple[tuple[Rule, int], ...], tuple[Item, ...]]] = [
        (0.0, next(tick), (), ((cfg.start, 0),))]
    while heap:
        cost, _, done, todo = heapq.heappop(heap)
        if not todo:
            yield _rebuild(done, len(cfg.inputs)), -cost
            continue
        (nt, binders), rest = todo[0], todo[1:]
        for rule in cfg.rules(nt):
            size = len(done) + 1 + len(rule.args) + len(rest)
            if size > max_size or rule.logp == -math.inf:
                continue
            new = tuple(zip(rule.args, rule.binders, strict=True))
            heapq.heappush(heap, (cost - rule.logp, next(tick), (*done, (rule, binders)),
                                  (*new, *rest)))


def _rebuild(done: tuple[tuple[Rule, int], ...], n_inputs: int) -> Program:
    pos = 0

    def go() -> Program:
        nonlocal pos
        rule, binders = done[pos]
        pos += 1
        if rule.head is None:
            node: Program = Index(rule.index)
        else:
            node = rule.head
            for _ in rule.args:
                node = Apply(node, go())
        for _ in range(binders):
            node = Lambda(node)
        return node

    body = go()
    for _ in range(n_inputs):
        body = Lambda(body)
    return body


# ------------------------------------------------------------------ the cheap tests


def _explains(program: Program, holes: list[str], ex: Example, classes: int) -> bool:
    """Can some latent values make ``program`` give ``ex``'s output?"""
    xs, y = ex
    support = tuple(range(classes))
    try:
        out = abduction.run_with(lifted.lift(program), xs, holes, _leaves({}))
        found = lifted.terms(out, y)
        if found is None:
            return False
        for t in found:
            values = lifted.support(t.shape, [support] * len(t.slots))
            if t.observed not in values:
                return False
        return True
    except lifted.NotLiftable:
        pass
    except EvalError:
        return False
    return abduction.consistent(program, xs, y, holes, support, 300, random.Random(0))


def _reads_all(program: Program, request: Type) -> bool:
    """Does ``program`` read every input that holds arrays?"""
    n = len(arguments(request))
    body = program
    for _ in range(n):
        if not isinstance(body, Lambda):
            return False
        body = body.body
    used = body.free_indices()
    return all(n - 1 - k in used for k, t in enumerate(arguments(request))
               if latent_type(t) != t)


def _redundant(program: Program) -> bool:
    """A skeleton no better than a smaller one: a part that reads no variable (a constant
    expression, which one constant would replace) or constants numbered out of order."""
    order: list[str] = []
    for node in program.walk():
        if isinstance(node, Hole) and node.name and node.name not in order:
            order.append(node.name)
        if isinstance(node, Apply) and not node.free_indices():
            return True
    return order != [f"c{i}" for i in range(len(order))]


def _leaves(slots: dict[abduction.Key, int]) -> Any:
    """A hole filler for tracing: each new input is a new latent leaf."""

    def leaf(key: abduction.Key, x: Any) -> Any:
        if lifted.has_latent(x):
            raise lifted.NotLiftable("a hole reads another hole's output")
        return lifted.leaf(slots.setdefault(key, len(slots)))

    return leaf


def _evidence(program: Program, holes: list[str], sample: list[Example], classes: int
              ) -> float:
    """The log probability of the sample's outputs when each hole call answers uniformly at
    random: exact from the lifted circuit, else the share of random draws that give the
    output (at least one in 101)."""
    import torch

    uniform = tuple(range(classes))
    total = 0.0
    rng = random.Random(0)
    lifted_program = lifted.lift(program)
    for xs, y in sample:
        try:
            out = abduction.run_with(lifted_program, xs, holes, _leaves({}))
            found = lifted.terms(out, y)
            if found is None:
                total += math.log(1e-6)
                continue
            p = 1.0
            for t in found:
                leaves = [lifted.Dist(uniform, torch.full((1, classes), 1.0 / classes))
                          for _ in t.slots]
                dist = lifted.evaluate(t.shape, leaves)
                p *= float(lifted.log_likelihood(dist, [t.observed]).exp()[0])
            total += math.log(max(p, 1e-6))
            continue
        except lifted.NotLiftable:
            pass
        except EvalError:
            total += math.log(1e-6)
            continue
        hits = sum(abduction.consistent(program, xs, y, holes, uniform, 1, rng)
                   for _ in range(100))
        total += math.log((hits + 1) / 101)
    return total


def _screened(start: float, budget: SearchBudget, kept: bool) -> bool:
    """Whether screening skeletons, begun at ``start``, is over: after a quarter of the
    budget once a skeleton is kept, after half of it when none is yet. Making proposals may
    take longer than its share on a loaded machine; screening then still gets the time to keep
    one (the first consistent skeleton is usually among the first few looked at)."""
    spent = time.perf_counter() - start
    return spent > budget.timeout * (0.25 if kept else 0.5)


def _consistent(program: Program, holes: list[str], sample: list[Example], classes: int,
                share: float) -> bool:
    """Can ``program`` explain at least ``share`` of the sample? Stops at the first
    example too many it cannot explain (most wrong skeletons fail on the first few)."""
    allowed = len(sample) - math.ceil(share * len(sample))
    missed = 0
    for ex in sample:
        if not _explains(program, holes, ex, classes):
            missed += 1
            if missed > allowed:
                return False
    return True


def _fingerprint(program: Program, holes: list[str], sample: list[Example], classes: int
                 ) -> tuple[Any, ...]:
    """Outputs on the sample with latent values drawn by a fixed hash of each input."""
    out: list[Any] = []
    for seed in (1, 2):
        def value(key: abduction.Key, x: Any, seed: int = seed) -> int:
            digest = hashlib.blake2b(repr((seed, key[0], hash(key[1]))).encode(),
                                     digest_size=4).digest()
            return int.from_bytes(digest, "little") % classes

        for xs, _ in sample:
            try:
                out.append(_key(abduction.run_with(program, xs, holes, value)))
            except EvalError:
                out.append("error")
    return tuple(out)


def _key(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_key(x) for x in v)
    try:
        hash(v)
    except TypeError:
        return repr(v)
    return v


# ------------------------------------------------------------------ the cheap tests, float holes

FLOAT_SAMPLE = 12  # examples the float tests run on: random reals seldom agree by chance


def _real_valued(request: Type, examples: list[Example]) -> bool:
    """Are the outputs floats that are nearly all different (more than half of them)? Holes
    that answer classes give finitely many outputs, which repeat (the float sum of two digits
    takes 19 values), so skeletons over classes are not screened for these: they would all
    fail the consistency test, slowly (5 s of a 20 s budget on ``y = 3 w.x``)."""
    if returns(request) != FLOAT:
        return False
    outputs = [y for _, y in examples]
    return len(set(outputs)) > len(outputs) / 2


def _float_answer(key: abduction.Key, x: Any) -> float:
    """A float hole's answer for ``x``, drawn by a fixed hash: a number in [-4, 4]."""
    digest = hashlib.blake2b(repr((key[0], hash(key[1]))).encode(),
                             digest_size=4).digest()
    return (int.from_bytes(digest, "little") % 8001 - 4000) / 1000.0


def _smooth(program: Program, holes: list[str], sample: list[Example], share: float) -> bool:
    """Can gradient descent train ``program``'s float holes: on ``share`` of the first
    examples, does its output carry a gradient from a hole (no round, comparison or if decides
    it, and it does not fail)? The float side of the consistency test: whether some answers
    give the observed outputs cannot be told before training, as any real can be approached."""
    import torch

    first = sample[:FLOAT_SAMPLE]

    def value(key: abduction.Key, x: Any) -> Any:
        return torch.tensor(_float_answer(key, x), requires_grad=True)

    carried = 0
    for xs, _ in first:
        try:
            out = abduction.run_with(program, xs, holes, value)
        except EvalError:
            continue
        carried += isinstance(out, torch.Tensor) and out.requires_grad
    return carried >= math.ceil(share * len(first))


def _float_fingerprint(program: Program, holes: list[str], sample: list[Example]
                       ) -> tuple[Any, ...] | None:
    """The outputs on the first examples of the sample, every hole answering a fixed hash of
    its input, up to an affine map (standardised, the sign making the first nonzero one
    positive, rounded to 6 decimals); None when they do not vary (it ignores its inputs).

    The head absorbs any affine map of its own answer (its last layer is affine), so a
    skeleton whose output is affine in each answer and differs from another by an affine map
    of the output is the same model: ``(*. (h $0) (float 3))`` is ``(h $0)``, ``(-. (h $1) (h
    $0))`` is ``(-. (h $0) (h $1))``. Where the output is not affine in the answers (a
    product, plus a constant), the cheaper one is kept, the better first guess."""
    out: list[Any] = []
    for xs, _ in sample[:FLOAT_SAMPLE]:
        try:
            out.append(abduction.run_with(program, xs, holes, _float_answer))
        except EvalError:
            out.append(None)
    numbers = [float(v) for v in out if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) < 2:
        return None
    mean = sum(numbers) / len(numbers)
    spread = math.sqrt(sum((v - mean) ** 2 for v in numbers) / len(numbers))
    if not spread > 1e-9 * max(1.0, abs(mean)):
        return None
    z = [round((float(v) - mean) / spread, 6) if isinstance(v, int | float) else _key(v)
         for v in out]
    first = next((v for v in z if isinstance(v, float) and v != 0.0), 1.0)
    return tuple(-v if isinstance(v, float) and first < 0 else v for v in z)


def _score(report: Report | None, head: Type, outputs: list[Any], tolerance: float) -> float:
    """How promising a short run is: the share of outputs it gets right or is likely to, in
    [0, 1], comparable across heads. Discrete holes: the held-aside accuracy or the probability
    of the right outputs, whichever is higher (early in training, how probable the right
    outputs are tells more than how often the most probable one is right). Float holes: the
    accuracy or :func:`_within`, whichever is higher; the accuracy within the tolerance says
    little so early (``y = 3 w.x``, 300 examples: 8% after 300 steps, 69% after 3,000), while
    the error already tells a right skeleton from a wrong one."""
    if report is None:
        return 0.0
    if head == FLOAT:
        return max(report.accuracy, _within(report.rmse, outputs, tolerance))
    return max(report.accuracy, report.likelihood or 0.0)


def _within(rmse: float | None, outputs: list[Any], tolerance: float) -> float:
    """The share of ``outputs`` expected within ``tolerance`` (relative, absolute below 1)
    were the errors normal with this root mean square: a float head's counterpart of the
    probability of the right output, so that the two kinds of holes rank on one scale."""
    ys = [y for y in outputs if isinstance(y, float)]
    if rmse is None or not math.isfinite(rmse) or not ys:
        return 0.0
    if rmse == 0:
        return 1.0
    return sum(math.erf(tolerance * max(1.0, abs(y)) / (rmse * math.sqrt(2))) for y in ys) \
        / len(ys)


# ------------------------------------------------------------------ the searcher


def _copy(m: Module) -> Module:
    import copy

    return Module(m.name, m.tp, m.arch, copy.deepcopy(m.net))


class HybridSearcher(Searcher):
    """Skeletons by enumeration, holes by training (see the module's docstring)."""

    name = "hybrid"

    def __init__(self, config: HybridConfig | None = None,
                 train_config: TrainConfig | None = None,
                 modules: dict[str, Module] | None = None) -> None:
        self.config = config or HybridConfig()
        self.train_config = train_config or TrainConfig(classes=self.config.classes)
        self.modules = dict(modules or {})  # trained modules to reuse (from a library)
        self.trained: TrainedProgram | None = None
        self.ranked: list[dict[str, Any]] = []

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> HybridSearcher:
        known = set(HybridConfig.__dataclass_fields__)
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"hybrid takes the options {sorted(known)}, not {unknown}")
        return cls(HybridConfig(**options))

    def search(self, task: Task, grammar: Grammar, budget: SearchBudget) -> SearchResult:
        start = time.perf_counter()
        cfg_ = self.config
        holes = holes_for(task.request, self.modules)
        if not holes:
            if _mentions(task.request, FLOAT):
                return self._constants(task, grammar, budget, start)
            raise TrainError(f"task {task.name!r} has no image or tensor inputs for a neural "
                             f"hole to read, nor floats for a constant (its type is "
                             f"{show_type(task.request)})")
        examples = task_examples(task)
        rng = random.Random(cfg_.seed)
        sample = rng.sample(examples, min(cfg_.sample, len(examples)))
        kept: list[tuple[Program, float, Type]] = []
        looked = 0
        real = returns(task.request) == FLOAT
        if not _real_valued(task.request, examples):
            # beside float holes, skeletons over classes take half the places, at least one
            cap = self._cap(holes)
            cap = cap - cap // 2 if real else cap
            classes, looked = self._class_candidates(task, grammar, holes, sample, budget,
                                                     start, cap)
            kept += [(p, lp, INT) for p, lp in classes]
        if real:
            floats = holes_for(task.request, self.modules, FLOAT)
            cap = max(1, self._cap(floats) - len(kept))
            reals, more = self._float_candidates(task, grammar, floats, sample, budget, cap)
            kept += [(p, lp, FLOAT) for p, lp in reals]
            looked += more
        stats: dict[str, Any] = {"skeletons": looked,
                                 "candidates": [str(p) for p, _, _ in kept]}
        if not kept:
            return SearchResult(task.name, [], looked, time.perf_counter() - start, None, stats)
        # the short runs: each on the same subsample, for a share of the budget
        subsample = rng.sample(examples, min(cfg_.rank_examples, len(examples)))
        best = self._rank_all(kept, task, subsample, budget)
        stats["ranked"] = self.ranked
        if best is None:
            return SearchResult(task.name, [], looked, time.perf_counter() - start, None, stats)
        _, logp, program, fit = best
        left = budget.timeout - (time.perf_counter() - start)
        stats["ranking_seconds"] = time.perf_counter() - start
        if cfg_.tune > 0 and left > 4:
            from hortus.train.automl import tune

            tuned = tune(program, task.request, examples, left * cfg_.tune_share,
                         cfg_.tune, start=fit.modules, seed=cfg_.seed, base=self.train_config)
            stats["tuning"] = tuned.to_json()
            fit = tuned.trained
            left = budget.timeout - (time.perf_counter() - start)
        if left > 1:
            full = replace(self.train_config, seconds=left)
            fit = train(program, task.request, examples, full, modules=fit.modules)
            if fit.report is not None and fit.report.reached is not None:
                stats["reached"] = stats["ranking_seconds"] + fit.report.reached
        self.trained = fit
        report = fit.report
        stats["train"] = report.to_json() if report else None
        elapsed = time.perf_counter() - start
        solved = report is not None and report.accuracy >= cfg_.min_accuracy
        found = [Candidate(program, logp, elapsed, looked)] if solved else []
        result = SearchResult(task.name, found, looked, elapsed, None, stats)
        result.trained = fit
        return result

    def _proposals(self, task: Task, grammar: Grammar, holes: list[Hole],
                   sample: list[Example], budget: SearchBudget, head: Type
                   ) -> list[tuple[Program, float]]:
        """Skeletons around ``holes``: perception first (:func:`latent_programs`), or, with
        arrays in the output or deeper, top-down from the grammar with the holes in it; those
        that read every array input first, each group cheapest first."""
        cfg_ = self.config
        proposals = latent_programs(task, grammar, holes, sample, cfg_.classes,
                                    budget.timeout * 0.1, cfg_.skeletons, head)
        if not proposals:  # arrays in the output, or deeper: skeletons top-down
            # every skeleton must call a hole: the holes are made likely, so those come first
            prods = [*grammar.productions, *(Production(h, h.tp or INT, HOLE_WEIGHT)
                                             for h in holes)]
            cfg = CFG(replace(grammar, productions=tuple(prods)), task.request)
            proposals = list(itertools.islice(skeletons(cfg, cfg_.max_size), cfg_.skeletons))
        # A program that ignores an input the task gives is less likely: those that read
        # every array input come first, each group cheapest first.
        proposals.sort(key=lambda pl: not _reads_all(pl[0], task.request))
        return proposals

    def _cap(self, holes: list[Hole]) -> int:
        """How many skeletons over ``holes`` get short runs: more when every hole is a known
        module (a run is then a measure, with no training)."""
        known = all(h.name in self.modules for h in holes)
        return self.config.known_candidates if known else self.config.candidates

    def _class_candidates(self, task: Task, grammar: Grammar, holes: list[Hole],
                          sample: list[Example], budget: SearchBudget, start: float, cap: int
                          ) -> tuple[list[tuple[Program, float]], int]:
        """The ``cap`` skeletons over holes that answer classes worth a short run (consistent,
        novel, then the most evident), and how many were looked at."""
        cfg_ = self.config
        names = [h.name for h in holes if h.name]
        kept: list[tuple[Program, float]] = []
        seen: set[tuple[Any, ...]] = set()
        looked = 0
        proposals = self._proposals(task, grammar, holes, sample, budget, INT)
        known = all(h.name in self.modules for h in holes)
        pool = cap if known else cap * cfg_.pool
        for program, logp in proposals:
            looked += 1
            if len(kept) >= pool or _screened(start, budget, bool(kept)):
                break
            if not any(isinstance(n, Hole) for n in program.walk()):
                continue
            if not _consistent(program, names, sample, cfg_.classes, cfg_.consistent):
                continue
            fp = _fingerprint(program, names, sample, cfg_.classes)
            if fp in seen:
                continue
            seen.add(fp)
            kept.append((program, logp))
        if len(kept) > cap:
            # the evidence: how probable the sample's outputs are when the holes answer
            # uniformly at random; a skeleton that explains them only by chance ranks low
            scored = [(_evidence(p, names, sample, cfg_.classes) + lp, -k, p, lp)
                      for k, (p, lp) in enumerate(kept)]
            scored.sort(key=lambda t: (_reads_all(t[2], task.request), t[0], t[1]),
                        reverse=True)
            kept = [(p, lp) for _, _, p, lp in scored[:cap]]
        return kept, looked

    def _float_candidates(self, task: Task, grammar: Grammar, holes: list[Hole],
                          sample: list[Example], budget: SearchBudget, cap: int
                          ) -> tuple[list[tuple[Program, float]], int]:
        """The ``cap`` skeletons over float holes worth a short run, and how many were looked
        at.

        Offered whenever the task returns a float, beside the skeletons over classes when its
        outputs repeat (:func:`_real_valued`), alone when not; both kinds are ranked on one
        scale (:func:`_score`), since a skeleton over classes may pass its screen by chance
        (abduction finds a quotient of two digits for most outputs); the two kinds then share
        the ``candidates`` places, so ranking takes no longer. They come from the same
        places as the others, perception first: each array read through its float hole, the
        rest a program over floats found by the value enumerator on random reals (an input
        read once and nothing else: ``(??n0 $0)``; two inputs sharing one regressor:
        ``(+. (??n0 $1) (??n0 $0))``), since the structure is what relates the inputs and the
        networks do the reading. No constants: the head's last layer is affine, so ``(+.
        (??n0 $0) c)`` or ``(*. c (??n0 $0))`` is ``(??n0 $0)`` with other weights.

        Nothing tells before training whether some answers give the observed reals, so the
        screen is weaker than for classes: the output must carry a gradient from a hole
        (:func:`_smooth`), vary with the input, and differ from every kept skeleton's by more
        than an affine map (:func:`_float_fingerprint`: ``(-. (h $0) (h $1))`` is ``(-. (h
        $1) (h $0))`` with ``h`` negated). The first ``cap`` (cheapest, those that read every
        input first) get short runs, ranked by their error (:func:`_score`).
        """
        import torch  # noqa: F401 - imported before the screen's clock starts

        cfg_ = self.config
        names = [h.name for h in holes if h.name]
        start = time.perf_counter()
        proposals = self._proposals(task, grammar, holes, sample, budget, FLOAT)
        kept: list[tuple[Program, float]] = []
        seen: set[tuple[Any, ...]] = set()
        looked = 0
        for program, logp in proposals:
            looked += 1
            if len(kept) >= cap or _screened(start, budget, bool(kept)):
                break
            if not any(isinstance(n, Hole) for n in program.walk()):
                continue
            if not _smooth(program, names, sample, cfg_.consistent):
                continue
            fp = _float_fingerprint(program, names, sample)
            if fp is None or fp in seen:
                continue
            seen.add(fp)
            kept.append((program, logp))
        return kept, looked

    def _rank_all(self, kept: list[tuple[Program, float, Type]], task: Task,
                  subsample: list[Example], budget: SearchBudget
                  ) -> tuple[float, float, Program, TrainedProgram] | None:
        """A short run for each kept skeleton (recorded in :attr:`ranked`, with the kind of
        its holes); the best by :func:`_score`, then by prior."""
        best: tuple[float, float, Program, TrainedProgram] | None = None
        self.ranked = []
        outputs = [y for _, y in subsample]
        # the short runs share 40% of the budget, each at least rank_share of it
        each = budget.timeout * max(self.config.rank_share, 0.4 / len(kept))
        for program, logp, head in kept:
            fit = self._rank(program, task, subsample, each)
            if fit is None:
                continue
            report = fit.report
            score = _score(report, head, outputs, self.train_config.tolerance)
            entry = {"program": str(program), "logprior": logp,
                     "accuracy": report.accuracy if report else 0.0,
                     "likelihood": report.likelihood if report else None, "score": score}
            if head == FLOAT:
                rmse = report.rmse if report else None
                entry.update(head="float", rmse=rmse if rmse is None or math.isfinite(rmse)
                             else None)
            self.ranked.append(entry)
            if best is None or (score, logp) > (best[0], best[1]):
                best = (score, logp, program, fit)
        return best

    def _rank(self, program: Program, task: Task, subsample: list[Example], seconds: float
              ) -> TrainedProgram | None:
        """A short run of ``program`` on the subsample; with only known (library) modules, no
        training at all: their accuracy as they are."""
        from hortus.train.trainer import holes_of

        try:
            names = holes_of(program, task.request)
        except (TrainError, TypeError):
            return None
        known = {n: _copy(self.modules[n]) for n in names if n in self.modules}
        short = replace(self.train_config, seconds=seconds, check_every=25)
        if self.config.rank_steps > 0:
            short = replace(short, steps=min(short.steps, self.config.rank_steps))
        if len(known) == len(names):
            short = replace(short, steps=0)
        try:
            return train(program, task.request, subsample, short, modules=known)
        except (TrainError, TypeError):
            return None

    def _constants(self, task: Task, grammar: Grammar, budget: SearchBudget, start: float
                   ) -> SearchResult:
        """Skeletons with float constants, top-down; each one's constants fit (gradient or
        CMA-ES) for a moment; the best (error, then prior) fit again for longer. The
        constants become float literals in the program returned."""
        import torch  # noqa: F401 - imported before the clock of the first fit starts

        from hortus.train.constants import ConstantFit, fit_constants, loss, substitute

        cfg_ = self.config
        examples = task_examples(task)
        holes = [Hole(FLOAT, f"c{i}") for i in range(cfg_.constants)]
        prods = [*grammar.productions, *(Production(h, FLOAT, HOLE_WEIGHT) for h in holes)]
        cfg = CFG(replace(grammar, productions=tuple(prods)), task.request)
        best: tuple[float, float, Program, Any] | None = None
        looked = 0
        ranked = []
        for program, logp in skeletons(cfg, cfg_.max_size):
            if time.perf_counter() - start > budget.timeout * 0.6 or looked >= cfg_.skeletons:
                break
            if _redundant(program):
                continue
            looked += 1
            if not any(isinstance(n, Hole) for n in program.walk()):
                fit = ConstantFit({}, "none", loss(program, [], [], examples), 1, 0.0)
            else:
                try:
                    fit = fit_constants(program, task.request, examples, seconds=0.3,
                                        seed=cfg_.seed)
                except (TrainError, TypeError):
                    continue
            ranked.append({"program": str(program), "logprior": logp, "loss": fit.loss})
            if best is None or (fit.loss, -logp) < (best[0], -best[1]):
                best = (fit.loss, logp, program, fit)
            if fit.loss <= 1e-12:
                break
        stats: dict[str, Any] = {"skeletons": looked, "ranked": ranked[:20]}
        if best is None:
            return SearchResult(task.name, [], looked, time.perf_counter() - start, None, stats)
        _, logp, program, fit = best
        left = budget.timeout - (time.perf_counter() - start)
        if left > 0.5 and fit.loss > 1e-12 and fit.values:
            again = fit_constants(program, task.request, examples, seconds=left * 0.8,
                                  seed=cfg_.seed)
            fit = again if again.loss < fit.loss else fit
        stats["constants"] = fit.to_json()
        final = substitute(program, fit.values)
        elapsed = time.perf_counter() - start
        ok = fit.loss <= FLOAT_TOLERANCE if all(isinstance(y, float) for _, y in examples) \
            else fit.loss == 0
        found = [Candidate(final, logp, elapsed, looked)] if ok else []
        return SearchResult(task.name, found, looked, elapsed, None, stats)
