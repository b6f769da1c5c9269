"""Enumeration with evaluation: every term carries its values, and equivalent terms are pruned.

A term whose free variables are only the task's inputs has a value on each example, computed
from its children's values with one call of its head per example. Two such terms with the same
values are interchangeable in any context, so only the first (most probable) one is kept:
*observational equivalence*. A complete program fits when its values equal the outputs.

Terms under a lambda are evaluated on probe environments (:mod:`._probes`) instead, and pruned
the same way when ``lambda_equivalence`` is on. They also carry a closure, from which the
enclosing term builds the function the lambda denotes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import product
from typing import Any

from hortus.eval.interpreter import Closure, _call, _if
from hortus.eval.vector import (
    ERR,
    closed,
    fast_vector_fn,
    head_impl,
    lambda_closure,
    vector_fn,
)
from hortus.lang.program import Primitive, Program, Routine
from hortus.lang.runtime import EvalError
from hortus.lang.types import TCon, Type
from hortus.prior.cfg import CFG, NonTerminal, Rule
from hortus.search._enumerator import Enumerator, Prog
from hortus.search._probes import probe_envs

Env = tuple[Any, ...]
Vector = tuple[Any, ...]


class Term:
    """A kept term: its compact program, values on its nonterminal's environments, closure.

    Kept small: a long search holds millions of them.
    """

    __slots__ = ("_lam", "_lam_binders", "ok", "prog", "run", "vals")

    def __init__(self, prog: Prog, vals: Vector | None, ok: bool, run: Closure | None) -> None:
        self.prog, self.vals, self.ok, self.run = prog, vals, ok, run
        self._lam: Closure | None = None
        self._lam_binders = 0

    def lam(self, binders: int) -> Closure:
        """Closure of ``(lambda ... this)`` with ``binders`` lambdas."""
        if self._lam_binders == binders and self._lam is not None:
            return self._lam
        assert self.run is not None
        made = lambda_closure(self.run, binders)
        self._lam, self._lam_binders = made, binders
        return made

    def functions(self, binders: int, envs: list[Env]) -> Vector:
        """The function ``(lambda ... this)`` denotes in each of ``envs``.

        Built afresh each time: caching one closure per environment per term costs kilobytes
        per term, far more than building them.
        """
        make = self.lam(binders)
        return tuple(make(e) for e in envs)


class ValueEnumerator(Enumerator):
    """An :class:`Enumerator` whose terms are evaluated and pruned by observational equivalence."""

    def __init__(self, cfg: CFG, envs: list[Env], target: Vector, quantum: float = 0.5,
                 deadline: float = math.inf, max_terms: int = 4_000_000, steps: int = 1_000,
                 lambda_equivalence: bool = True, max_memory_mb: float = math.inf,
                 samples: Sequence[Env] = ()) -> None:
        super().__init__(cfg, quantum, deadline, max_terms, max_memory_mb)
        # Sampled environments (no output known) ride along with the examples: terms that
        # agree on the examples but not on them are kept apart, so every behaviour that fits
        # the examples can be found (the version space), not only the cheapest.
        self.n_examples = len(envs)
        self.envs, self.target, self.steps = [*envs, *samples], target, steps
        self.lambda_equivalence = lambda_equivalence
        self.n_inputs = len(cfg.inputs)
        self.seen: dict[int, set[Vector]] = {}
        self.tried = 0  # complete programs evaluated
        self.pruned = 0  # terms dropped as equivalent to a cheaper one
        self.solutions: list[Prog] = []
        self.on_solution: Callable[[Prog, Vector], None] | None = None
        # Leave-one-out: example index -> the first (cheapest) program that is wrong on that
        # example only; None when not tracked.
        self.near_misses: dict[int, Prog] | None = None
        # Called with every complete program of a new behaviour (hybrid search's skeletons).
        self.on_new: Callable[[Prog, Vector], None] | None = None
        self._probes: dict[tuple[Any, ...], list[Env] | None] = {}
        # One table per environment: equal list values found by different terms are stored once.
        self._interned: list[dict[Any, Any]] = [{} for _ in self.envs]
        self._vec: dict[Program, tuple[Callable[..., Vector], Callable[..., Vector]]] = {}
        self._mk: dict[int, Callable[[list[Closure]], Closure]] = {}

    # ------------------------------------------------------------ environments

    def envs_of(self, nt: NonTerminal) -> list[Env] | None:
        """Where terms of ``nt`` are evaluated: the examples, probes, or nowhere (None)."""
        scope = nt.scope(self.n_inputs)
        if scope == 0:
            return self.envs
        if not self.lambda_equivalence:
            return None
        key = nt.env
        if key not in self._probes:
            n = self.n_examples
            examples = [*zip(self.envs[:n], self.target, strict=True),
                        *((env, None) for env in self.envs[n:])]
            probes = probe_envs(nt.env[:scope], self.cfg.inputs, self.cfg.output, examples,
                                per_example=2 + scope)
            self._probes[key] = probes or None
        return self._probes[key]

    # ------------------------------------------------------------ building terms

    def combine(self, nt: NonTerminal, rule: Rule, pools: list[list[Any]], out: list[Any]) -> None:
        envs = self.envs_of(nt)
        scope = nt.scope(self.n_inputs)
        if envs is None:
            self._combine_closures(rule, pools, out)
            return
        seen = self.seen.get(nt.id)
        if seen is None:
            seen = self.seen[nt.id] = set()
        is_start = nt is self.cfg.start
        intern = self._interned if scope == 0 and _is_list(nt.type) else None
        if not pools:
            vals = self._leaf_values(rule, envs)
            run = self._leaf_closure(rule) if scope else None
            self._keep(Term((rule,), vals, ERR not in vals, run), seen, is_start, out, intern)
            return
        slow, fast = self._vectors(rule)
        make = self._maker(rule) if scope else None
        binders = rule.binders
        for combo in product(*pools):
            args = []
            ok = True
            for child, b in zip(combo, binders, strict=True):
                if b:
                    args.append(child.functions(b, envs))
                else:
                    args.append(child.vals)
                    ok = ok and child.ok
            vals = fast(*args) if ok else slow(*args)
            run = None
            if make is not None:
                run = make([child.lam(b) if b else child.run
                            for child, b in zip(combo, binders, strict=True)])
            prog = (rule, *(child.prog for child in combo))
            self._keep(Term(prog, vals, ERR not in vals, run), seen, is_start, out, intern)

    def _keep(self, term: Term, seen: set[Vector], is_start: bool, out: list[Any],
              intern: list[dict[Any, Any]] | None) -> None:
        vals = term.vals
        if is_start:
            self.tried += 1
            n = self.n_examples
            if (vals if len(self.envs) == n else vals[:n]) == self.target:  # type: ignore[index]
                self.solutions.append(term.prog)
                if self.on_solution is not None:
                    self.on_solution(term.prog, vals)  # type: ignore[arg-type]
        if vals in seen:
            self.pruned += 1
            self.tick(0)
            return
        if intern is not None:
            assert vals is not None
            vals = term.vals = tuple([table.setdefault(v, v)
                                      for table, v in zip(intern, vals, strict=True)])
        seen.add(vals)  # type: ignore[arg-type]
        out.append(term)
        if is_start:
            if self.near_misses is not None:
                self._near_miss(term.prog, vals)  # type: ignore[arg-type]
            if self.on_new is not None:
                self.on_new(term.prog, vals)  # type: ignore[arg-type]
        self.tick()

    def _near_miss(self, prog: Prog, vals: Vector) -> None:
        """Record ``prog`` if it is the first program wrong on exactly one example."""
        missed = -1
        for i, (v, t) in enumerate(zip(vals, self.target, strict=False)):
            if v != t:
                if missed >= 0:
                    return
                missed = i
        if missed >= 0:
            self.near_misses.setdefault(missed, prog)  # type: ignore[union-attr]

    def _combine_closures(self, rule: Rule, pools: list[list[Any]], out: list[Any]) -> None:
        """Terms under a lambda without equivalence pruning: closures only."""
        if not pools:
            out.append(Term((rule,), None, True, self._leaf_closure(rule)))
            self.tick()
            return
        make = self._maker(rule)
        binders = rule.binders
        for combo in product(*pools):
            run = make([child.lam(b) if b else child.run
                        for child, b in zip(combo, binders, strict=True)])
            out.append(Term((rule, *(child.prog for child in combo)), None, True, run))
            self.tick()

    # ------------------------------------------------------------ per-rule helpers

    def _leaf_values(self, rule: Rule, envs: list[Env]) -> Vector:
        if rule.head is None:
            i = rule.index
            return tuple(env[i] for env in envs)
        return (_constant(rule),) * len(envs)

    def _leaf_closure(self, rule: Rule) -> Closure:
        if rule.head is None:
            i = rule.index
            return lambda env: env[i]
        v = _constant(rule)
        if v is ERR:  # a routine that failed: so does every term that uses its value
            return _failing
        return lambda env: v

    def _vectors(self, rule: Rule) -> tuple[Callable[..., Vector], Callable[..., Vector]]:
        head = rule.head
        assert head is not None
        found = self._vec.get(head)
        if found is None:
            found = self._vec[head] = (vector_fn(head, self.steps),
                                       fast_vector_fn(head, self.steps))
        return found

    def _maker(self, rule: Rule) -> Callable[[list[Closure]], Closure]:
        """``make(child closures) -> closure`` of the rule's term."""
        found = self._mk.get(id(rule))
        if found is None:
            assert rule.head is not None
            impl, lazy = head_impl(rule.head)
            if lazy:
                def found(cs: list[Closure]) -> Closure:
                    return _if(cs[0], cs[1], cs[2])
            else:
                def found(cs: list[Closure], impl: Callable[..., Any] = impl) -> Closure:
                    return _call(impl, cs)
            self._mk[id(rule)] = found
        return found


def _is_list(t: Type) -> bool:
    return isinstance(t, TCon) and t.name == "list"


def _failing(env: Env) -> Any:
    raise EvalError("a routine failed when evaluated")


def _constant(rule: Rule) -> Any:
    head = rule.head
    if isinstance(head, Primitive):
        return head.impl
    assert isinstance(head, Routine)
    return closed(head.body)
