"""The enumerative strategy: type-directed best-first enumeration with equivalence pruning.

The library's grammar is compiled for the task's type (:mod:`hortus.prior.cfg`); programs come
out by cost level, cheapest first (:mod:`._enumerator`), each evaluated on the examples from its
parts' cached values, with equivalent parts pruned (:mod:`._equivalence`). The search stops
when ``top_k`` programs fit (after finishing a few more levels, so that rounding to cost levels
does not reorder close programs), or when a budget runs out; it says which.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from hortus.eval.budget import Budget
from hortus.eval.sampler import sample_inputs
from hortus.eval.vector import ERR
from hortus.lang.rewrite import then
from hortus.lang.runtime import METER
from hortus.lang.types import TCon, Type, returns
from hortus.prior.cfg import CFG, CFGConfig
from hortus.prior.grammar import Grammar
from hortus.search._base import Candidate, LeaveOneOut, SearchBudget, Searcher, SearchResult
from hortus.search._enumerator import Prog, Stop, term_logp
from hortus.search._equivalence import ValueEnumerator
from hortus.search.ambiguity import RANKINGS, judge
from hortus.tasks.task import Task

if TYPE_CHECKING:
    from hortus.eval.codecs import Codec
    from hortus.lang.program import Program


@dataclass(frozen=True)
class EnumeratorConfig:
    quantum: float = 0.5  # nats per cost level; smaller is closer to exact order, slower
    slack: int = 2  # levels searched past the one where top_k fits were found (rounding ties)
    lambda_equivalence: bool = True  # prune lambda bodies that agree on probe environments
    explore: float = 3.0  # nats past the best fit searched for fits that behave differently
    explore_time: float = 2.0  # ... for at most this many times the time the best took
    explore_floor: float = 0.5  # ... or this many seconds, if more (a fast fit gets a look too)
    samples: int = 16  # inputs drawn like the examples' to tell behaviours apart (0: none)
    ranking: str = "posterior"  # how fits are ordered: prior, posterior or mass (ambiguity.py)
    fail_penalty: float = 1.0  # nats of posterior lost per sampled input a program raises on
    leave_one_out: bool = True  # tell which examples the fit hinges on (result.fragile)
    fragile_explore: float = 2.0  # explore this much further when the fit hinges on an example
    guesses: int = 2  # no fit: the programs nearest the outputs returned (graded outputs only)
    deduce: bool = True  # fits by a last step the output codec deduces (grids: colour maps,
    # per-cell rules); off, every fit is searched for
    cfg: CFGConfig = field(default_factory=CFGConfig)


class EnumerativeSearcher(Searcher):
    """Type-directed best-first enumeration with observational-equivalence pruning."""

    name: ClassVar[str] = "enumerative"

    def __init__(self, config: EnumeratorConfig | None = None) -> None:
        self.config = config or EnumeratorConfig()
        if self.config.ranking not in RANKINGS:
            raise ValueError(f"unknown ranking {self.config.ranking!r}; known: "
                             f"{', '.join(RANKINGS)}")
        self._cfgs: dict[tuple[int, Type], tuple[Grammar, CFG]] = {}

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> EnumerativeSearcher:
        """Options are fields of :class:`EnumeratorConfig`; ``cfg`` a dict of
        :class:`~hortus.prior.cfg.CFGConfig` fields (``extra_types`` as type text)."""
        options = _known(EnumeratorConfig, options, "options")
        if "cfg" in options:
            options["cfg"] = _cfg_config(options["cfg"])
        return cls(EnumeratorConfig(**options))

    def compiled(self, grammar: Grammar, request: Type) -> CFG:
        """The grammar compiled for ``request``, reused across tasks of the same type.

        Only one grammar's compilations are kept: tasks searched with a grammar each (a
        recognition model's, a domain's tailored one) never meet theirs again, and a compiled
        grammar with the rules its search built can hold a hundred megabytes."""
        key = (id(grammar), request)
        found = self._cfgs.get(key)
        if found is None or found[0] is not grammar:
            if len(self._cfgs) > 64 or any(g is not grammar for g, _ in self._cfgs.values()):
                self._cfgs.clear()
            found = self._cfgs[key] = (grammar, CFG(grammar, request, self.config.cfg))
        return found[1]

    def search(self, task: Task, grammar: Grammar, budget: SearchBudget) -> SearchResult:
        start = time.perf_counter()
        deadline = start + budget.timeout
        # Judging the fits (running them on sampled inputs) gets a small share of the budget.
        search_deadline = deadline - min(0.25, 0.05 * budget.timeout)
        cfg = self.compiled(grammar, task.request)
        envs, target = task.internal
        config = self.config
        en = self._enumerator(cfg, envs, target, budget, search_deadline)
        if config.leave_one_out and len(envs) > 1:
            en.near_misses = {}
        found: list[Candidate] = []

        def record(prog: Prog, vals: tuple[Any, ...]) -> None:
            found.append(Candidate(en.to_program(prog), term_logp(prog),
                                   time.perf_counter() - start, en.tried))

        en.on_solution = record
        nearest = _Nearest.of(task, target, config.guesses)
        closing = _Closing.of(task, target, grammar) if config.deduce else None
        hooks = [h.see for h in (nearest, closing) if h is not None]
        if hooks:
            def seen(prog: Prog, vals: tuple[Any, ...]) -> None:
                for see in hooks:
                    see(prog, vals, en.tried)
            en.on_new = seen
        if closing is not None:
            def closed(prog: Prog, step: Program, cost: float) -> None:
                found.append(Candidate(then(step, en.to_program(prog), len(envs[0]), False),
                                       term_logp(prog) + cost, time.perf_counter() - start,
                                       en.tried))
            closing.on_fit = closed
        cut: str | None = None
        level, first = 0, None
        eval_budget = Budget(steps=budget.eval_steps, time=budget.timeout + 1.0,
                             max_len=budget.max_len)
        samples: list[tuple[Any, ...]] = []
        space = "off"
        with eval_budget.active():
            METER.deadline = deadline + 1.0  # a candidate never runs past the search's end
            try:
                while True:
                    level += 1
                    en.pool(cfg.start, level)
                    if first is None and len(found) >= budget.top_k:
                        first = level
                    if first is not None and level >= first + config.slack:
                        break
                    if budget.max_programs is not None and en.tried >= budget.max_programs:
                        cut = "programs"
                        break
                    if time.perf_counter() > search_deadline:
                        cut = "time"
                        break
            except Stop as stop:
                cut = stop.reason
            loo = _leave_one_out(en, found)
            if found and config.samples > 0:
                inputs = [tuple(reversed(env)) for env in envs]
                samples = sample_inputs(inputs, task.inputs, config.samples)
                if samples and config.explore > 0 and first is not None:
                    space = self._version_space(cfg, task, samples, budget, search_deadline,
                                                first + config.slack, start, found,
                                                bool(loo), en.tried)
        verdict = judge(task, found, samples, config.ranking, config.fail_penalty, deadline)
        ranked = verdict.ranked
        stats: dict[str, Any] = {"terms": en.terms, "pruned": en.pruned, "level": level,
                                 "nonterminals": len(en.pools), "fits": len(found),
                                 "version_space": space}
        if verdict.best_by:
            stats["best_by"] = verdict.best_by
        if verdict.question is not None:
            stats["question"] = verdict.question.to_json()
        guesses = []
        if not found and nearest is not None:
            guesses = [Candidate(en.to_program(prog), term_logp(prog), when - start, tried)
                       for _, prog, when, tried in nearest.kept]
            if guesses:
                stats["guess_distance"] = nearest.kept[0][0]
        return SearchResult(
            task=task.name,
            solutions=ranked[: budget.top_k],
            tried=en.tried,
            time=time.perf_counter() - start,
            cut=cut if len(found) < budget.top_k else None,
            stats=stats,
            alternatives=verdict.alternatives,
            question=verdict.question,
            leave_one_out=loo,
            guesses=guesses,
        )

    def _enumerator(self, cfg: CFG, envs: list[tuple[Any, ...]], target: tuple[Any, ...],
                    budget: SearchBudget, deadline: float,
                    samples: Sequence[tuple[Any, ...]] = ()) -> ValueEnumerator:
        return ValueEnumerator(cfg, envs, target, self.config.quantum, deadline,
                               budget.max_terms, budget.eval_steps,
                               self.config.lambda_equivalence, budget.max_memory_mb, samples)

    def _version_space(self, cfg: CFG, task: Task, samples: list[tuple[Any, ...]],
                       budget: SearchBudget, deadline: float, last: int, start: float,
                       found: list[Candidate], fragile: bool, tried_before: int) -> str:
        """Search again with the sampled inputs riding along, adding to ``found`` the most
        probable fit of every behaviour on them; says how far it got.

        It goes to level ``last`` (where the first search stopped) within the deadline
        ("cut" if not), then up to ``explore`` nats further for at most ``explore_time``
        times what the first search took, or ``explore_floor`` seconds if that is more
        ("complete" if it gets there, else "explored").
        When the fit is ``fragile`` (it hinges on a single example), it was likely a
        coincidence, and others are likely near: it explores ``fragile_explore`` times as far
        and as long.
        """
        config = self.config
        envs, target = task.internal
        en = self._enumerator(cfg, envs, target, budget, deadline,
                              [tuple(reversed(xs)) for xs in samples])
        n = len(envs)
        # each behaviour's best fit: (program, seconds and programs tried until it came)
        best: dict[tuple[Any, ...], tuple[Prog, float, int]] = {}

        def record(prog: Prog, vals: tuple[Any, ...]) -> None:
            key = vals[n:]
            kept = best.get(key)
            if kept is None or term_logp(prog) > term_logp(kept[0]):
                best[key] = (prog, time.perf_counter() - start, tried_before + en.tried)

        en.on_solution = record
        now = time.perf_counter()
        scale = config.fragile_explore if fragile else 1.0
        explore_until = min(deadline, now + scale * max(config.explore_floor,
                                                         config.explore_time * (now - start)))
        done, ended = 0, "complete"
        try:
            for level in range(1, last + round(scale * config.explore / config.quantum) + 1):
                if level > last:
                    en.deadline = explore_until
                en.pool(cfg.start, level)
                done = level
                if time.perf_counter() > en.deadline:
                    raise Stop("time")
        except Stop:
            ended = "explored" if done >= last else "cut"
        seen = {c.program for c in found}
        for prog, when, tried in best.values():
            program = en.to_program(prog)
            if program not in seen:
                found.append(Candidate(program, term_logp(prog), when, tried))
        return ended


def _leave_one_out(en: ValueEnumerator, found: list[Candidate]) -> list[LeaveOneOut]:
    """The examples the best fit hinges on: without example ``i``, a more probable program,
    wrong on ``i`` only, would have been returned. Such a program comes out of the
    enumeration before the fit, so this costs one comparison per new complete program."""
    if not found or not en.near_misses:
        return []
    best = max(c.logprior for c in found)
    return [LeaveOneOut(i, en.to_program(prog), term_logp(prog))
            for i, prog in sorted(en.near_misses.items()) if term_logp(prog) > best]


def _cfg_config(options: dict[str, Any]) -> CFGConfig:
    from hortus.lang.types import parse_type

    options = _known(CFGConfig, options, "grammar options")
    if "extra_types" in options:
        options["extra_types"] = tuple(parse_type(t) for t in options["extra_types"])
    return CFGConfig(**options)


def _known(config: type, options: dict[str, Any], what: str) -> dict[str, Any]:
    """A copy of ``options``, refused if it names a field ``config`` does not have, or gives
    one a value of another kind than its default (a number where a number is due, finite and
    not negative; a flag where a flag is due; ...)."""
    defaults = {f.name: getattr(config(), f.name) for f in fields(config)}
    unknown = set(options) - set(defaults)
    if unknown:
        raise ValueError(f"unknown {what} {sorted(unknown)}; known: {sorted(defaults)}")
    for name, value in options.items():
        default = defaults[name]
        if isinstance(default, bool) or isinstance(value, bool):
            ok = isinstance(value, bool) and isinstance(default, bool)
        elif isinstance(default, int | float):
            ok = (isinstance(value, int | float) and math.isfinite(value) and value >= 0
                  and (isinstance(value, int) or isinstance(default, float)))
        elif isinstance(default, tuple):
            ok = isinstance(value, list | tuple) and all(isinstance(x, str) for x in value)
        elif is_dataclass(default):
            ok = isinstance(value, dict)
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise ValueError(f"{what[:-1] if what.endswith('s') else what} {name}: "
                             f"{value!r} is not a {_kind(default)}")
    return dict(options)


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "flag (true or false)"
    if isinstance(default, int):
        return "whole number, 0 or more"
    if isinstance(default, float):
        return "number, 0 or more"
    if isinstance(default, tuple):
        return "list of type texts"
    if is_dataclass(default):
        return "table of options"
    return type(default).__name__


class _Closing:
    """Fits by a deduced last step: every new program of the output type whose outputs the
    output codec can turn into the examples' (:meth:`Codec.close`, a grid's colour map) is a
    fit, the step appended. The step costs what a uniform grammar would charge its nodes."""

    def __init__(self, codec: Codec, tp: TCon, target: tuple[Any, ...], node_cost: float
                 ) -> None:
        self.codec, self.tp, self.target, self.node_cost = codec, tp, target, node_cost
        self.on_fit: Callable[[Prog, Program, float], None] | None = None
        self.offered = 0  # programs whose values were offered to the codec

    @classmethod
    def of(cls, task: Task, target: tuple[Any, ...], grammar: Grammar) -> _Closing | None:
        from hortus.eval.codecs import codec_of

        out = returns(task.request)
        codec = codec_of(out)
        if codec is None or not codec.closes or not isinstance(out, TCon):
            return None
        return cls(codec, out, target, math.log(max(2, len(grammar.productions))))

    def see(self, prog: Prog, vals: tuple[Any, ...], tried: int) -> None:
        if any(v is ERR for v in vals):
            return
        step = self.codec.close(vals, self.target, self.tp, self.offered)
        self.offered += 1
        if step is not None and self.on_fit is not None:
            self.on_fit(prog, step, -self.node_cost * (step.size() - 1))


class _Nearest:
    """The ``keep`` programs whose outputs are nearest the examples' so far (mean codec
    distance; values distinct, as the enumerator keeps one program per behaviour): the best
    guesses of a search that finds no fit, for output types whose codec grades."""

    def __init__(self, codec: Codec, tp: TCon, target: tuple[Any, ...], keep: int) -> None:
        self.codec, self.tp, self.target, self.keep = codec, tp, target, keep
        # (distance, program, when found, programs tried then), nearest first
        self.kept: list[tuple[float, Prog, float, int]] = []

    @classmethod
    def of(cls, task: Task, target: tuple[Any, ...], keep: int) -> _Nearest | None:
        from hortus.eval.codecs import codec_of

        out = returns(task.request)
        codec = codec_of(out)
        if keep < 1 or codec is None or not codec.graded or not isinstance(out, TCon):
            return None
        return cls(codec, out, target, keep)

    @property
    def bar(self) -> float:
        """The distance a program must beat to be kept."""
        return self.kept[-1][0] if len(self.kept) >= self.keep else math.inf

    def see(self, prog: Prog, vals: tuple[Any, ...], tried: int) -> None:
        bar, total = self.bar * len(self.target), 0.0
        for v, want in zip(vals, self.target, strict=False):
            total += 1.0 if v is ERR else self.codec.distance(v, want, self.tp)
            if total >= bar:
                return
        distance = total / len(self.target)
        at = sum(1 for d, *_ in self.kept if d <= distance)  # ties: the earlier, more probable
        self.kept.insert(at, (distance, prog, time.perf_counter(), tried))
        del self.kept[self.keep:]
