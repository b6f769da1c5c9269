"""A grammar compiled for one request type: a probabilistic context-free grammar over ground types.

Polymorphic routines are instantiated over a finite *type universe* (the ground types of the
request, the base types, and the types routines build from them), as DeepSynth does. Then every
nonterminal is a ground ``(type, environment, context)`` triple: the type of the term wanted, the
types of the variables in scope (innermost first), and the grammar context (parent, argument).
A rule picks a routine (at one instantiation) or a variable; arguments of function type become
lambdas whose bodies are nonterminals with the parameters pushed onto the environment. Programs
come out eta-long, as in DreamCoder.

The probability of a rule is DreamCoder's: the routine's weight normalised over the routines that
fit the slot, times a prior over the instantiations of the routine's free type variables that
prefers small types. Nonterminals and their rules are built lazily, on first use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import count, product
from typing import Any

from hortus.lang.program import Index, Lambda, Program, spine
from hortus.lang.types import (
    BOOL,
    INT,
    TCon,
    Type,
    arguments,
    free_vars,
    is_arrow,
    is_ground,
    match,
    resolve,
    returns,
    size,
    tlist,
)
from hortus.prior.grammar import VARIABLE, Context, Grammar, Production

Env = tuple[Type, ...]


@dataclass(slots=True, eq=False)
class Rule:
    head: Program | None  # the routine, or None for a variable
    index: int  # de Bruijn index of a variable; -1 for a routine
    args: tuple[NonTerminal, ...]  # one nonterminal per argument (a lambda's body for functions)
    binders: tuple[int, ...]  # number of lambdas wrapped around each argument
    logp: float  # log probability of this rule given its nonterminal
    cost: int = 0  # -logp in units of the enumerator's cost quantum, at least 1


@dataclass(slots=True, eq=False)
class NonTerminal:
    type: Type
    env: Env
    ctx: Context
    id: int

    def scope(self, n_inputs: int) -> int:
        """Number of variables bound inside the program (beyond the request's inputs)."""
        return len(self.env) - n_inputs


@dataclass(frozen=True)
class CFGConfig:
    max_binders: int = 3  # deepest nesting of lambdas inside the program
    type_size_penalty: float = 1.0  # log-prior cost per extra node of an instantiated type variable
    extra_types: tuple[Type, ...] = ()  # ground types to add to the universe
    grow_types: int = 1  # types the routines build from the request's, added to the universe
    grow_size: int = 4  # ... of at most this many nodes (list(list(int)) has 3)


def _companions(universe: set[Type]) -> set[Type]:
    """The types the codecs of ``universe``'s types say their values are taken apart into
    (:attr:`~hortus.eval.codecs.Codec.companions`)."""
    from hortus.eval.codecs import codec_of
    from hortus.lang.types import parse_type

    found: set[Type] = set()
    for t in universe:
        c = codec_of(t)
        if c is not None:
            found.update(parse_type(text) for text in c.companions)
    return found


class CFG:
    """The grammar specialised to a ground request type ``a1 -> ... -> an -> r``."""

    def __init__(self, grammar: Grammar, request: Type, config: CFGConfig | None = None) -> None:
        if not is_ground(request):
            raise ValueError(f"the request type must be ground, got {request}")
        self.grammar, self.request = grammar, request
        self.config = config or CFGConfig()
        self.inputs: tuple[Type, ...] = tuple(arguments(request))
        self.output: Type = returns(request)
        self.universe: frozenset[Type] = self._universe()
        self._weights: dict[Context, dict[str, float]] = {}
        self._rules: dict[int, list[Rule]] = {}
        # Everything but the rules' probabilities depends on the types, the productions and
        # which contexts have tables, not on the weights: it is shared by every grammar compiled
        # alike (a recognition model gives each task its own weights; only they are redone).
        shared = _shared(self.universe, self.config.type_size_penalty)
        self._instances, self._shared_choices = shared.instances, shared.choices
        self._signature = shared.signature(grammar)
        self._shape = shared.shape(self._signature, request, self.config,
                                   frozenset(grammar.bigram))
        self._nts = self._shape.nonterminals
        self.start = self.nonterminal(self.output, tuple(reversed(self.inputs)), None)

    # ------------------------------------------------------------ universe

    def _universe(self) -> frozenset[Type]:
        """The request's ground types, ``int`` and ``bool``, the types their codecs name as
        companions (a grid's colours and objects), lists of the atomic ones, and extras.

        Kept small on purpose: each polymorphic routine has one rule per instantiation of its
        type variables, so the grammar grows with the universe to the power of their number.
        """
        universe: set[Type] = {INT, BOOL, *self.config.extra_types}
        for t in (*self.inputs, self.output):
            _ground_subterms(t, universe)
        universe.update(_companions(universe))
        atoms = [t for t in universe if isinstance(t, TCon) and not t.args]
        universe.update(tlist(a) for a in atoms)
        universe.update(self._grown(universe))
        return frozenset(t for t in universe if not is_arrow(t))

    def _grown(self, universe: set[Type]) -> list[Type]:
        """The ``grow_types`` types outside ``universe`` that most routines make or take when
        their type variables are the request's own types (``list(list(int))`` for ``repeat``,
        ``map``, ``concat`` over ``list(int)``), of at most ``grow_size`` nodes.

        Every added type multiplies the instantiations of polymorphic routines, so only the
        most needed few are added: the rest stay reachable through ``extra_types``.
        """
        config = self.config
        if config.grow_types <= 0:
            return []
        # Depends on the routines' types, not their weights: a recognition model's grammar
        # for each task has the same answer, computed once.
        key = (tuple(prod.tp for prod in self.grammar.productions), self.request,
               frozenset(universe), config.grow_types, config.grow_size)
        found = _GROWN.get(key)
        if found is None:
            if len(_GROWN) >= 256:
                _GROWN.clear()
            found = _GROWN[key] = self._rank_grown(universe)
        return found

    def _rank_grown(self, universe: set[Type]) -> list[Type]:
        config = self.config
        own: set[Type] = set()
        for t in (*self.inputs, self.output):
            _ground_subterms(t, own)
        own = {t for t in own if not is_arrow(t)}
        needed: dict[Type, int] = {}
        for prod in self.grammar.productions:
            scheme = prod.tp
            free = sorted(set(free_vars(scheme)))
            if not free or len(free) > 2:
                continue
            for combo in product(sorted(own, key=str), repeat=len(free)):
                sub = dict(zip(free, combo, strict=True))
                parts = [*arguments(scheme), returns(scheme)]
                found: set[Type] = set()
                for part in parts:
                    for a in (*arguments(part), returns(part)):
                        _ground_subterms(resolve(a, sub), found)
                for t in found:
                    if t not in universe and not is_arrow(t) and size(t) <= config.grow_size:
                        needed[t] = needed.get(t, 0) + 1
        ranked = sorted(needed, key=lambda t: (-needed[t], size(t), str(t)))
        return ranked[:config.grow_types]

    # ------------------------------------------------------------ nonterminals and rules

    def nonterminal(self, tp: Type, env: Env, ctx: Context) -> NonTerminal:
        key = (tp, env, ctx)
        nt = self._nts.get(key)
        if nt is None:
            nt = self._nts[key] = NonTerminal(tp, env, ctx, len(self._nts))
        return nt

    @property
    def nonterminals(self) -> list[NonTerminal]:
        return list(self._nts.values())

    def rules(self, nt: NonTerminal) -> list[Rule]:
        found = self._rules.get(nt.id)
        if found is None:
            found = self._rules[nt.id] = self._build_rules(nt)
        return found

    def reachable(self) -> list[NonTerminal]:
        """Every nonterminal reachable from the start (building all their rules)."""
        seen: dict[int, NonTerminal] = {}
        todo = [self.start]
        while todo:
            nt = todo.pop()
            if nt.id in seen:
                continue
            seen[nt.id] = nt
            for rule in self.rules(nt):
                todo.extend(rule.args)
        return list(seen.values())

    def partition(self, iterations: int = 500, tol: float = 1e-12) -> dict[int, float]:
        """Probability that each nonterminal derives a finite program.

        A grammar with many-argument routines is *supercritical*: part of its mass sits on
        infinite derivations, so finite programs carry less than 1. The least fixpoint of
        ``Z(n) = sum_r p(r) prod Z(arg)``, iterated from 0, gives that mass.
        """
        nts = self.reachable()
        z = {nt.id: 0.0 for nt in nts}
        for _ in range(iterations):
            delta = 0.0
            for nt in nts:
                total = 0.0
                for rule in self.rules(nt):
                    p = math.exp(rule.logp)
                    for a in rule.args:
                        p *= z[a.id]
                    total += p
                delta = max(delta, abs(total - z[nt.id]))
                z[nt.id] = total
            if delta < tol:
                break
        return z

    def logprob(self, program: Program) -> float:
        """Log probability of a program of the request type (``-inf`` if the grammar can't make it).

        Sums over derivations: one program can come from several instantiations of its routines.
        """
        body = program
        for _ in self.inputs:
            if not isinstance(body, Lambda):
                return -math.inf
            body = body.body
        return self._logprob(body, self.start)

    def _logprob(self, p: Program, nt: NonTerminal) -> float:
        head, args = spine(p)
        options = []
        for rule in self.rules(nt):
            if rule.head is None:
                if not args and isinstance(head, Index) and head.i == rule.index:
                    options.append(rule.logp)
                continue
            if rule.head != head or len(rule.args) != len(args):
                continue
            total = rule.logp
            for arg, sub, binders in zip(args, rule.args, rule.binders, strict=True):
                body = strip_lambdas(arg, binders)
                total += -math.inf if body is None else self._logprob(body, sub)
                if total == -math.inf:
                    break
            options.append(total)
        finite = [x for x in options if x > -math.inf]
        return _logsumexp(finite) if finite else -math.inf

    def _weights_for(self, ctx: Context) -> dict[str, float]:
        w = self._weights.get(ctx)
        if w is None:
            w = self._weights[ctx] = self.grammar.weights(ctx)
        return w

    def _build_rules(self, nt: NonTerminal) -> list[Rule]:
        productions, variables = self._skeleton(nt)
        weights = self._weights_for(nt.ctx)
        logits = [weights.get(prod.key, 0.0) for prod, _ in productions]
        if variables:
            logits.append(weights.get(VARIABLE, 0.0))
        if not logits:
            return []
        z = _logsumexp(logits)
        rules = [Rule(prod.program, -1, args, binders, w - z + lq)
                 for (prod, insts), w in zip(productions, logits, strict=False)
                 for args, binders, lq in insts]
        if variables:
            lv = logits[-1] - z - math.log(len(variables))
            rules.extend(Rule(None, i, (), (), lv) for i in variables)
        return rules

    def _skeleton(self, nt: NonTerminal) -> Skeleton:
        """The rules of ``nt`` without their probabilities (shared, see ``__init__``)."""
        found = self._shape.skeletons.get(nt.id)
        if found is not None:
            return found
        choices = self._choices(nt.type, self.config.max_binders - nt.scope(len(self.inputs)))
        context = self.grammar.context
        productions = [
            (prod, [(tuple(self.nonterminal(ret, (*params, *nt.env), context(prod.key, k))
                           for k, (ret, params) in enumerate(args)),
                     tuple(len(params) for _, params in args), lq) for args, lq in insts])
            for prod, insts in choices]
        variables = tuple(i for i, t in enumerate(nt.env) if t == nt.type)
        found = self._shape.skeletons[nt.id] = (productions, variables)
        return found

    def _choices(self, tp: Type, env_budget: int) -> list[Choices]:
        """The productions that can fill a slot of type ``tp`` within ``env_budget`` binders.

        Each comes with its instantiations, an argument given as its return type and the types
        its lambda binds (innermost first). Weights play no part, so the list is shared by all
        grammars over the same productions (a recognition model's per-task grammars).
        """
        key = (self._signature, tp, env_budget)
        found = self._shared_choices.get(key)
        if found is not None:
            return found
        out: list[Choices] = []
        for prod in self.grammar.productions:
            insts = [([(returns(a), tuple(reversed(arguments(a)))) for a in args], lq)
                     for args, lq in self._instantiations(prod, tp)
                     if _binders_needed(args) <= env_budget]
            if insts:
                out.append((prod, insts))
        self._shared_choices[key] = out
        return out

    def _instantiations(self, prod: Production, tp: Type) -> list[tuple[list[Type], float]]:
        """Ground argument types of ``prod`` returning ``tp``, with their log prior."""
        key = (prod.key, prod.tp, tp)
        found = self._instances.get(key)
        if found is not None:
            return found
        scheme = prod.tp
        s = match(returns(scheme), tp)
        out: list[tuple[list[Type], float]] = []
        if s is not None:
            args = [resolve(a, s) for a in arguments(scheme)]
            free = sorted({v for a in args for v in free_vars(a)})
            options = sorted(self.universe, key=str)
            penalty = self.config.type_size_penalty
            for combo in product(options, repeat=len(free)):
                sub = {**s, **dict(zip(free, combo, strict=True))}
                ground = [resolve(a, sub) for a in args]
                if all(self._fits(a) for a in ground):
                    out.append((ground, -penalty * sum(size(t) - 1 for t in combo)))
            if out:
                z = _logsumexp([lq for _, lq in out])
                out = [(a, lq - z) for a, lq in out]
        self._instances[key] = out
        return out

    def _fits(self, t: Type) -> bool:
        """Is ``t`` (a value type, or a function of such) built from the universe?"""
        if is_arrow(t):
            return all(self._fits(a) and not is_arrow(a) for a in arguments(t)) and \
                returns(t) in self.universe
        return t in self.universe


Instances = dict[tuple[str, Type, Type], list[tuple[list[Type], float]]]
# a production, and per instantiation: (return type, bound types) of each argument, log prior
Choices = tuple[Production, list[tuple[list[tuple[Type, tuple[Type, ...]]], float]]]


# per nonterminal: each production with, per instantiation, its arguments' nonterminals,
# their binders and the instantiation's log prior; then the variables that fit
Skeleton = tuple[list[tuple[Production, list[tuple[tuple[NonTerminal, ...], tuple[int, ...],
                                                  float]]]], tuple[int, ...]]


@dataclass
class _Shape:
    """The nonterminals and rule skeletons of one compiled grammar, whatever its weights."""

    nonterminals: dict[tuple[Type, Env, Context], NonTerminal] = field(default_factory=dict)
    skeletons: dict[int, Skeleton] = field(default_factory=dict)


@dataclass
class _Shared:
    """What compiling depends on besides the weights, for one type universe."""

    instances: Instances = field(default_factory=dict)
    choices: dict[tuple[int, Type, int], list[Choices]] = field(default_factory=dict)
    signatures: dict[tuple[tuple[str, str | None, Type], ...], int] = field(
        default_factory=dict)
    shapes: dict[tuple[Any, ...], _Shape] = field(default_factory=dict)

    def shape(self, signature: int, request: Type, config: CFGConfig,
              tables: frozenset[tuple[str, int]]) -> _Shape:
        key = (signature, request, config, tables)
        found = self.shapes.get(key)
        if found is None:
            if len(self.shapes) >= 64:
                self.shapes.clear()
            found = self.shapes[key] = _Shape()
        return found

    def signature(self, grammar: Grammar) -> int:
        """An id for the grammar's productions (keys, names and types, in order), never reused.

        Names count: rules carry the first grammar's routine objects, and another library may
        call the same body something else.
        """
        key = tuple((p.key, getattr(p.program, "name", None), p.tp)
                    for p in grammar.productions)
        found = self.signatures.get(key)
        if found is None:
            if len(self.signatures) >= 64:  # a long run's old libraries
                self.signatures.clear()
                self.choices.clear()
                self.shapes.clear()
            found = self.signatures[key] = next(_IDS)
        return found


_IDS = count()
_GROWN: dict[tuple[Any, ...], list[Type]] = {}
_SHARED: dict[tuple[frozenset[Type], float], _Shared] = {}


def clear_shared() -> None:
    """Forget what compiled grammars share (for benchmarks that time compiling)."""
    _SHARED.clear()
    _GROWN.clear()


def _shared(universe: frozenset[Type], penalty: float) -> _Shared:
    key = (universe, penalty)
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= 32:
            _SHARED.clear()
        found = _SHARED[key] = _Shared()
    return found


def strip_lambdas(p: Program, n: int) -> Program | None:
    """The body under ``n`` lambdas, or None if ``p`` has fewer."""
    for _ in range(n):
        if not isinstance(p, Lambda):
            return None
        p = p.body
    return p


def _binders_needed(args: list[Type]) -> int:
    return max((len(arguments(a)) for a in args), default=0)


def _ground_subterms(t: Type, out: set[Type]) -> None:
    if is_ground(t):
        out.add(t)
    if isinstance(t, TCon):
        for a in t.args:
            _ground_subterms(a, out)


def _logsumexp(xs: list[float]) -> float:
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))
