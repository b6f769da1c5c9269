"""Differentiable semantics: a program run on distributions instead of values.

A hole that returns one of a finite set of values (an int class, a bool) is, while training, a
*latent variable*. Running the program once per example with :class:`Latent` placeholders in
place of the holes' outputs *traces* it: the result is a small circuit of primitive operations
over latent variables (``(+ L0 L1)`` for ``add2``; a chain of ``+`` for ``sum``). The trace
does not depend on the network's weights, so it is done once per example.

Each training step then evaluates the circuits on the networks' class distributions, batched
over the examples whose circuits have the same shape. An operation on independent operands is
exact: the joint distribution of its arguments is their outer product, and each pair of values
adds its probability to the value the primitive's own implementation returns for it (a
primitive is lifted by running it on its operands' supports, so every first-order primitive on
ints and bools lifts without a line of its own). The loss is the negative log-likelihood of the
observed output.

What is *not* lifted, and falls back to abduction (``hortus.train.abduction``):

- a latent value that is inspected by a primitive without a lifted form (``sort``, ``filter``
  with a latent test, ``if`` on a latent condition) raises :class:`NotLiftable` while tracing;
- two operands that share a latent variable (``(* (??d $0) (??d $0))``): they are not
  independent, and the outer product would be wrong;
- a result with more than :data:`MAX_SUPPORT` possible values (the product of many digits):
  the exact distribution is too large to carry. Abduction is the approximation used then: it
  trains on the single most probable explanation instead of the sum over all of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from hortus.lang.program import Apply, Lambda, Primitive, Program
from hortus.lang.runtime import EvalError
from hortus.train.abduction import same

if TYPE_CHECKING:
    import torch

MAX_SUPPORT = 4096  # most values a lifted intermediate result may take
MAX_PAIRS = 1 << 20  # most value combinations one lifted operation may enumerate


class NotLiftable(EvalError):
    """The program inspects a latent value in a way that has no lifted form."""


class Latent:
    """A value that depends on latent variables: a leaf (one hole call) or an operation."""

    __slots__ = ("args", "leaves", "op")

    def __init__(self, op: Any, args: tuple[Any, ...], leaves: frozenset[int]) -> None:
        self.op, self.args, self.leaves = op, args, leaves

    def _refuse(self, *_: Any) -> Any:
        raise NotLiftable("a latent value is inspected by a primitive without a lifted form")

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse
    __index__ = __int__ = __float__ = __len__ = __iter__ = __abs__ = __neg__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __mod__ = _refuse


def leaf(slot: int) -> Latent:
    return Latent(None, (slot,), frozenset((slot,)))


def has_latent(v: Any) -> bool:
    if isinstance(v, Latent):
        return True
    if isinstance(v, list | tuple):
        return any(has_latent(x) for x in v)
    return False


# ------------------------------------------------------------------ lifting the primitives


def _combine(op: Primitive, args: Sequence[Any]) -> Any:
    """``op`` applied to ``args`` of which some are latent: a new circuit node."""
    leaves: frozenset[int] = frozenset()
    for a in args:
        if isinstance(a, Latent):
            if leaves & a.leaves:
                raise NotLiftable(f"the operands of {op.name} share a latent value: they are "
                                  f"not independent")
            leaves |= a.leaves
        elif not isinstance(a, int):  # bools are ints
            raise NotLiftable(f"{op.name} is lifted on ints and bools only")
    return Latent(op, tuple(args), leaves)


def _scalar(op: Primitive) -> Callable[..., Any]:
    impl = op.impl

    def lifted(*args: Any) -> Any:
        if any(isinstance(a, Latent) for a in args):
            return _combine(op, args)
        return impl(*args)

    return lifted


def _reduce(name: str, op: Callable[[], Primitive]) -> Callable[[Primitive], Callable[..., Any]]:
    """A list primitive lifted as a chain of a binary one: sum as +, max as max2, ..."""

    def make(p: Primitive) -> Callable[..., Any]:
        impl = p.impl

        def lifted(xs: Any) -> Any:
            if not isinstance(xs, list | tuple) or not any(isinstance(x, Latent) for x in xs):
                return impl(xs)
            acc = xs[0]
            binary = op()
            for x in xs[1:]:
                acc = _combine(binary, (acc, x)) if isinstance(acc, Latent) or isinstance(
                    x, Latent) else binary.impl(acc, x)
            return acc

        return lifted

    return make


def _count(p: Primitive) -> Callable[..., Any]:
    impl = p.impl

    def lifted(x: Any, xs: Any) -> Any:
        if not has_latent(x) and not has_latent(xs):
            return impl(x, xs)
        eq, plus = _helper("eq?"), _helper("+")
        acc: Any = 0
        for e in xs:
            hit = _combine(eq, (x, e)) if isinstance(x, Latent) or isinstance(e, Latent) else \
                int(x == e)
            acc = _combine(plus, (acc, hit)) if isinstance(acc, Latent) or isinstance(
                hit, Latent) else acc + hit
        return acc

    return lifted


@cache
def _helper(name: str) -> Primitive:
    from hortus.lang.primitives import lookup

    if name in ("max2", "min2"):
        return Primitive(name, lookup("+").tp, max if name == "max2" else min)
    return lookup(name)


class Sorted(Latent):
    """``(sort-by key xs)`` with latent keys: the items, in an order the keys decide."""

    __slots__ = ("items", "keys")

    def __init__(self, items: tuple[Any, ...], keys: tuple[Any, ...], leaves: frozenset[int]
                 ) -> None:
        super().__init__("sorted", (), leaves)
        self.items, self.keys = items, keys


def _sort_by(p: Primitive) -> Callable[..., Any]:
    impl = p.impl

    def lifted(f: Any, xs: Any) -> Any:
        keys = tuple(f(x) for x in xs)
        if not any(isinstance(k, Latent) for k in keys):
            return impl(f, xs)
        leaves: frozenset[int] = frozenset()
        for k in keys:
            if isinstance(k, Latent):
                if leaves & k.leaves:
                    raise NotLiftable("two sort keys share a latent value")
                leaves |= k.leaves
            elif not isinstance(k, int):
                raise NotLiftable("sort keys are lifted when they are ints")
        return Sorted(tuple(xs), keys, leaves)

    return lifted


# primitives on scalars lift by their own implementation; list reductions by a binary one
_SCALARS = frozenset({"+", "-", "*", "div", "mod", "pow", "gt?", "eq?", "not", "and", "or",
                      "is-prime", "is-square"})
_LISTS: dict[str, Callable[[Primitive], Callable[..., Any]]] = {
    "sum": _reduce("sum", lambda: _helper("+")),
    "product": _reduce("product", lambda: _helper("*")),
    "max": _reduce("max", lambda: _helper("max2")),
    "min": _reduce("min", lambda: _helper("min2")),
    "count": _count,
    "sort-by": _sort_by,
}


@cache
def _lifted_primitive(p: Primitive) -> Primitive:
    impl = _scalar(p) if p.name in _SCALARS else _LISTS[p.name](p)
    return Primitive(f"{p.name}~lifted", p.tp, impl, p.doc)


def lift(p: Program) -> Program:
    """``p`` with each liftable primitive replaced by its lifted twin (for tracing only)."""
    if isinstance(p, Primitive):
        return _lifted_primitive(p) if p.name in _SCALARS or p.name in _LISTS else p
    if isinstance(p, Apply):
        return Apply(lift(p.f), lift(p.x))
    if isinstance(p, Lambda):
        return Lambda(lift(p.body))
    return p


# ------------------------------------------------------------------ circuits and their shapes


# ("leaf", position) | ("const", v) | ("sorted", ties, keys...) | (primitive, child shapes...)
Shape = tuple[Any, ...]


@dataclass(frozen=True)
class Term:
    """One latent output compared with its observed value: the unit of the lifted loss."""

    shape: Shape  # the circuit with leaves numbered by position
    slots: tuple[int, ...]  # the example's latent slot at each leaf position
    observed: int


def flatten(node: Latent) -> tuple[Shape, tuple[int, ...]]:
    slots: list[int] = []

    def go(v: Any) -> Shape:
        if not isinstance(v, Latent):
            return ("const", int(v))
        if v.op is None:
            slots.append(v.args[0])
            return ("leaf", len(slots) - 1)
        return (v.op, *(go(a) for a in v.args))  # the primitive itself: it runs on supports

    return go(node), tuple(slots)


def terms(output: Any, observed: Any) -> Iterator[Term] | None:
    """The latent terms of a traced output against the observed one; None when some concrete
    part of it differs from what was observed (no latent values can make it right)."""
    found: list[Term] = []

    def go(v: Any, o: Any) -> bool:
        if isinstance(v, Sorted):
            term = _sorted_term(v, o)
            if term is None:
                return False
            found.append(term)
            return True
        if isinstance(v, Latent):
            if isinstance(o, (bool, int)):
                shape, slots = flatten(v)
                found.append(Term(shape, slots, int(o)))
                return True
            return False
        if isinstance(v, list | tuple):
            return (isinstance(o, list | tuple) and len(o) == len(v)
                    and all(go(a, b) for a, b in zip(v, o, strict=True)))
        return bool(v == o)

    return iter(found) if go(output, observed) else None


def _sorted_term(v: Sorted, observed: Any) -> Term | None:
    """The term "the keys put the items in the observed order": the probability that the
    keys, read in that order, never decrease (and strictly increase where the stable sort
    would otherwise have kept the input order)."""
    if not isinstance(observed, list | tuple) or len(observed) != len(v.items):
        return None
    unused = list(range(len(v.items)))
    order = []
    for o in observed:
        at = next((i for i in unused if same(v.items[i], o)), None)
        if at is None:
            return None
        unused.remove(at)
        order.append(at)
    slots: list[int] = []
    children = []
    for i in order:
        k = v.keys[i]
        if isinstance(k, Latent):
            shape, own = flatten(k)
            children.append(_renumber(shape, len(slots)))
            slots.extend(own)
        else:
            children.append(("const", int(k)))
    ties = tuple(a < b for a, b in itertools.pairwise(order))
    return Term(("sorted", ties, *children), tuple(slots), 1)


def _renumber(shape: Shape, by: int) -> Shape:
    if shape[0] == "leaf":
        return ("leaf", shape[1] + by)
    if shape[0] == "const":
        return shape
    return (shape[0], *(_renumber(s, by) for s in shape[1:]))


# ------------------------------------------------------------------ evaluating on distributions


@dataclass
class Dist:
    """A batch of distributions over the same support of ints: ``probs[b, i]`` is the
    probability that row ``b`` takes the value ``values[i]``."""

    values: tuple[int, ...]
    probs: torch.Tensor


@lru_cache(maxsize=4096)
def _plan(op: Primitive, supports: tuple[tuple[int, ...], ...]
          ) -> tuple[tuple[int, ...], Any, Any]:
    """The support of ``op`` applied to operands of ``supports``, and for each combination
    (row-major over the outer product) its result's position; combinations that fail drop out.
    """
    import torch

    n = 1
    for s in supports:
        n *= len(s)
    if n > MAX_PAIRS:
        raise NotLiftable(f"{op.name} would combine {n:,} value combinations")
    impl = op.impl
    results: list[int | None] = []
    for combo in itertools.product(*supports):
        try:
            r = impl(*combo)
            results.append(int(r))
        except (EvalError, ArithmeticError, ValueError, TypeError):
            results.append(None)
    values = tuple(sorted({r for r in results if r is not None}))
    if len(values) > MAX_SUPPORT:
        raise NotLiftable(f"{op.name} takes {len(values):,} values, more than "
                          f"{MAX_SUPPORT:,}")
    where = {v: i for i, v in enumerate(values)}
    keep = [i for i, r in enumerate(results) if r is not None]
    index = [where[r] for r in results if r is not None]
    return values, torch.tensor(keep, dtype=torch.long), torch.tensor(index, dtype=torch.long)


def check_shape(shape: Shape, classes: Sequence[tuple[int, ...]]) -> None:
    """NotLiftable unless every operation of ``shape`` stays within the support limits
    (``classes[i]`` is the support of leaf position ``i``)."""
    support(shape, classes)


def support(shape: Shape, classes: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """The values the circuit ``shape`` can take (leaf ``i`` ranging over ``classes[i]``)."""
    kind = shape[0]
    if kind == "leaf":
        return classes[shape[1]]
    if kind == "const":
        return (shape[1],)
    if kind == "sorted":
        for s in shape[2:]:
            support(s, classes)
        return (0, 1)
    return _plan(kind, tuple(support(s, classes) for s in shape[1:]))[0]


def evaluate(shape: Shape, leaves: Sequence[Dist]) -> Dist:
    """The distribution of the circuit ``shape`` given its leaves' distributions (batched)."""
    import torch

    kind = shape[0]
    if kind == "leaf":
        return leaves[shape[1]]
    rows = leaves[0].probs.shape[0]
    if kind == "const":
        return Dist((shape[1],), torch.ones(rows, 1))
    if kind == "sorted":
        return _in_order(shape[1], [evaluate(s, leaves) for s in shape[2:]])
    args = [evaluate(s, leaves) for s in shape[1:]]
    values, keep, index = _plan(kind, tuple(a.values for a in args))
    joint = args[0].probs
    for a in args[1:]:
        joint = (joint.unsqueeze(2) * a.probs.unsqueeze(1)).reshape(rows, -1)
    out = torch.zeros(rows, len(values), dtype=joint.dtype)
    return Dist(values, out.index_add(1, index, joint[:, keep]))


def _in_order(ties: tuple[bool, ...], keys: list[Dist]) -> Dist:
    """P(keys[0] <= keys[1] <= ...), ``<`` where ``ties[i]`` is false, for independent keys:
    ``dp[v]`` is the probability that the keys so far are in order and the last is ``v``,
    carried along by a cumulative sum (exact, linear in the keys)."""
    import torch

    values = sorted({v for k in keys for v in k.values})
    where = {v: i for i, v in enumerate(values)}
    rows = keys[0].probs.shape[0]

    def spread(k: Dist) -> torch.Tensor:
        out = torch.zeros(rows, len(values), dtype=k.probs.dtype)
        idx = torch.tensor([where[v] for v in k.values], dtype=torch.long)
        return out.index_add(1, idx, k.probs)

    dp = spread(keys[0])
    for tie, k in zip(ties, keys[1:], strict=True):
        below = dp.cumsum(1)  # P(in order so far, last <= v)
        if not tie:  # strictly below v
            below = torch.cat([torch.zeros(rows, 1, dtype=dp.dtype), below[:, :-1]], 1)
        dp = below * spread(k)
    p = dp.sum(1)
    return Dist((0, 1), torch.stack([1 - p, p], 1))


def log_likelihood(dist: Dist, observed: Sequence[int]) -> torch.Tensor:
    """``log p(observed[b])`` for each row ``b`` (very negative where it is impossible)."""
    import torch

    where = {v: i for i, v in enumerate(dist.values)}
    idx = torch.tensor([where.get(o, -1) for o in observed], dtype=torch.long)
    picked = dist.probs.gather(1, idx.clamp(min=0).unsqueeze(1)).squeeze(1)
    picked = torch.where(idx >= 0, picked, torch.zeros_like(picked))
    return torch.log(picked.clamp(min=1e-12))
