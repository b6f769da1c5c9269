"""Value codecs: how the values of one type constructor cross the language's boundary.

A :class:`Codec` says, for every value of its type constructor (``list``, ``int``, ``grid``,
...), how a plain JSON-like value is read into the run-time value (and checked against the
type), how the run-time value is given back as a plain value and as JSON, what writing it out
costs in steps, which small values stand in for it when lambdas are compared on probes, and
how to draw a new value like those of a task (:mod:`hortus.eval.sampler`). Codecs are
registered by constructor name (:func:`register`); the core language's are here, a domain
brings those of its types (:mod:`hortus.domains`), and every conversion in
:mod:`hortus.eval.values` dispatches through this table, so a new value type touches no other
module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from hortus.lang.runtime import charge, hdict
from hortus.lang.types import STR, Fresh, Subst, TCon, Type, declare_constructor

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Iterable

    from hortus.eval.sampler import Seeds
    from hortus.lang.program import Program


class Codec:
    """The conversions of one type constructor's values; every method gets the full type."""

    name: ClassVar[str]  # the type constructor
    # ... and how many types it takes: list(t) 1, dict(k, v) 2, image(h, w[, c]) (2, 3)
    arity: ClassVar[int | tuple[int, int]] = 0
    flat: ClassVar[bool] = False  # the run-time value is the plain value, and costs no steps
    probes: ClassVar[tuple[Any, ...]] = ()  # stand-in values for lambda probes
    # types (text) a program over these values also needs: a grid's colours and objects
    companions: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Defining a codec declares its type constructor, so that type text names it."""
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            declare_constructor(cls.name, cls.arity)

    def unify(self, v: Any, t: TCon, s: Subst, fresh: Fresh) -> None:
        """Extend ``s`` so that plain ``v`` has type ``t``; raise ValueTypeError if it cannot.

        The default reads ``v`` with :meth:`to_internal`: right for types without variables.
        """
        self.to_internal(v, t)

    def to_internal(self, v: Any, t: TCon) -> Any:
        """The run-time value of plain ``v``; raise ValueTypeError if it does not fit ``t``."""
        from hortus.eval.values import ValueTypeError

        raise ValueTypeError(f"values of type {t} cannot be given as input")

    def to_external(self, v: Any, t: TCon) -> Any:
        """The plain value of run-time ``v`` (hashable where it is a set element or key)."""
        return v

    def to_json(self, v: Any, t: TCon) -> Any:
        """The JSON-compatible value of run-time ``v``."""
        return v

    def charge(self, v: Any, t: TCon) -> None:
        """Charge the meter for writing ``v`` out: a step per element or character."""

    def parts(self, v: Any, t: TCon) -> Iterable[tuple[Any, Type]]:
        """The values inside run-time ``v``, with their types (elements, components)."""
        return ()

    def claim(self, v: Any) -> Type | None:
        """The type of plain ``v`` when it is of a Python kind this codec owns (a float, an
        array), for reading examples whose types are not given; else None."""
        return None

    # does distance() grade how far apart two values are (a grid: the share of cells that
    # differ)? Then a search that finds no fit returns its nearest program as a best guess
    graded: ClassVar[bool] = False

    def distance(self, a: Any, b: Any, t: TCon) -> float:
        """How far run-time ``a`` is from ``b``: 0 when equal, up to 1 (unrelated)."""
        return 0.0 if a == b else 1.0

    # can close() deduce a last step from outputs to targets? Then the enumerator asks it of
    # every new program of the task's output type (the cost is the codec's to keep low)
    closes: ClassVar[bool] = False

    def close(self, values: tuple[Any, ...], targets: tuple[Any, ...], t: TCon, rank: int
              ) -> Program | None:
        """A last step deduced from the examples: a closed program of type ``t -> t`` that
        turns each of run-time ``values`` into its target (a grid's colour map), or None.
        ``rank``: how many programs of type ``t`` the search offered before this one (they
        come cheapest first), so that a costly deduction can be kept for the first few."""
        return None

    def summary(self, v: Any, t: TCon) -> list[int] | None:
        """A few small ints that describe run-time ``v`` for the recognition model (a grid:
        its size, colours, objects, symmetries), or None: ``v`` has no features of its own."""
        return None

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """A new run-time value of ground type ``t``, like the task's (``seeds``); by default
        one of the values of ``t`` the task holds."""
        from hortus.eval.sampler import draw_seen

        return draw_seen(t, seeds, rng)

    def mutate(self, v: Any, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """``v`` perturbed a little; by default a fresh draw."""
        return self.sample(t, seeds, rng)


_CODECS: dict[str, Codec] = {}


def register(codec: Codec) -> Codec:
    """Make ``codec`` the one for its type constructor; returns it."""
    _CODECS[codec.name] = codec
    return codec


def codec(name: str) -> Codec | None:
    """The codec of type constructor ``name``, or None; domains load on the first miss."""
    found = _CODECS.get(name)
    if found is None:
        _load_domains()
        found = _CODECS.get(name)
    return found


def codec_of(t: Type) -> Codec | None:
    return codec(t.name) if isinstance(t, TCon) else None


def _load_domains() -> None:
    """Install every domain's codecs (loaded once; later calls find them loaded)."""
    from hortus.domains import domains

    domains()


def claim(v: Any) -> Type | None:
    """The type some codec gives the plain value ``v`` (see :meth:`Codec.claim`), or None."""
    _load_domains()
    for c in _CODECS.values():
        found = c.claim(v)
        if found is not None:
            return found
    return None


def is_flat(t: Type) -> bool:
    """Is a value of ``t`` the same inside and out, with nothing to pay to write it out?"""
    c = codec_of(t)
    return c is not None and c.flat


# ------------------------------------------------ into element types (for codecs' own use)
# The conversions dispatch in hortus.eval.values, which imports this module: imported late.


def internal(v: Any, t: Type) -> Any:
    from hortus.eval.values import to_internal

    return to_internal(v, t)


def external(v: Any, t: Type) -> Any:
    from hortus.eval.values import to_external

    return to_external(v, t)


def as_json(v: Any, t: Type) -> Any:
    from hortus.eval.values import to_json

    return to_json(v, t)


def unify_into(v: Any, t: Type, s: Subst, fresh: Fresh) -> None:
    from hortus.eval.values import unify_value

    unify_value(v, t, s, fresh)


def charge_value(v: Any, t: Type) -> None:
    from hortus.eval.values import charge_elements

    charge_elements(v, t)


def draw(t: Type, seeds: Seeds, rng: random.Random) -> Any:
    from hortus.eval.sampler import sample

    return sample(t, seeds, rng)


def seen_or_between(t: Type, seeds: Seeds, rng: random.Random, default: tuple[Any, Any],
                    between: Callable[[Any, Any], Any]) -> Any:
    """One of the task's values of ``t`` half the time, else ``between(lo, hi)`` over their
    range (``default`` when the task holds none): numbers like the task's."""
    seen = seeds.seen(t)
    if seen and rng.random() < 0.5:
        return rng.choice(seen)
    lo, hi = (min(seen), max(seen)) if seen else default
    return between(lo, hi)


def length_range(seeds: Seeds, t: Type) -> tuple[int, int]:
    """The shortest and longest value of ``t`` the task holds (0-5 if none)."""
    seen = seeds.seen(t)
    if not seen:
        return 0, 5
    lengths = [len(v) for v in seen]
    return min(lengths), max(lengths)


def charge_all(xs: Iterable[Any], t: Type) -> None:
    """Charge for writing out every value of ``xs``, all of type ``t``."""
    if is_flat(t):
        return
    if t == STR:
        charge(sum(map(len, xs)))
        return
    for x in xs:
        charge_value(x, t)


def bad(expected: str, v: Any) -> Exception:
    from hortus.eval.values import ValueTypeError, show_value

    return ValueTypeError(f"expected {expected}, got {show_value(v)}")


def hashable(v: Any) -> Any:
    """A plain value made hashable: lists as tuples, sets as frozensets, dicts as HDicts."""
    if isinstance(v, list | tuple):
        return tuple(hashable(x) for x in v)
    if isinstance(v, set):
        return frozenset(v)
    if isinstance(v, dict):
        return hdict((hashable(k), hashable(x)) for k, x in v.items())
    return v


def sorted_plain(xs: list[Any]) -> list[Any]:
    """Elements in their natural order (1, 2, 10), or by their text when they have none."""
    try:
        return sorted(xs)
    except TypeError:
        return sorted(xs, key=repr)


# ---------------------------------------------------------------- the core language's types


class IntCodec(Codec):
    name = "int"
    flat = True
    probes = (0, 1)

    def to_internal(self, v: Any, t: TCon) -> Any:
        if type(v) is not int:
            raise bad("an int", v)
        return v

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        return seen_or_between(t, seeds, rng, (0, 9), rng.randint)


class BoolCodec(Codec):
    name = "bool"
    flat = True
    probes = (False, True)

    def to_internal(self, v: Any, t: TCon) -> Any:
        if type(v) is not bool:
            raise bad("a bool", v)
        return v

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        return rng.random() < 0.5


def flat_or_str(t: Type) -> bool:
    """Are values of ``t`` written out as they are (so a container of them is copied whole)?"""
    return is_flat(t) or t == STR


class ElementsCodec(Codec):
    """A container of elements of its one type argument: ``list(t)``, ``set(t)``, ..."""

    arity = 1
    accepts: ClassVar[tuple[type, ...]] = (list, tuple)  # plain values it reads
    expected: ClassVar[str] = "a list"  # ... as an error message says it

    def build(self, xs: Iterable[Any]) -> Any:
        """The run-time container of run-time elements ``xs``."""
        raise NotImplementedError

    def _check(self, v: Any) -> None:
        if not isinstance(v, self.accepts):
            raise bad(self.expected, v)

    def unify(self, v: Any, t: TCon, s: Subst, fresh: Fresh) -> None:
        self._check(v)
        for x in v:
            unify_into(x, t.args[0], s, fresh)

    def to_internal(self, v: Any, t: TCon) -> Any:
        self._check(v)
        return self.build(internal(x, t.args[0]) for x in v)

    def charge(self, v: Any, t: TCon) -> None:
        charge(len(v))
        charge_all(v, t.args[0])

    def parts(self, v: Any, t: TCon) -> Iterable[tuple[Any, Type]]:
        return ((x, t.args[0]) for x in v)

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        lo, hi = length_range(seeds, t)
        return self.build(draw(t.args[0], seeds, rng) for _ in range(rng.randint(lo, hi)))


class ListCodec(ElementsCodec):
    """``list(t)``: a tuple inside."""

    name = "list"
    probes = ((),)

    def build(self, xs: Iterable[Any]) -> Any:
        return tuple(xs)

    def to_external(self, v: Any, t: TCon) -> Any:
        elem = t.args[0]
        if flat_or_str(elem):
            return list(v)
        return [external(x, elem) for x in v]

    def to_json(self, v: Any, t: TCon) -> Any:
        elem = t.args[0]
        if flat_or_str(elem):
            return list(v)
        return [as_json(x, elem) for x in v]

    def mutate(self, v: Any, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        """Shuffled, or an element dropped, duplicated (a tie), replaced, swapped or added."""
        xs = list(v)
        how = rng.randrange(6) if xs else 5
        if how == 0:
            rng.shuffle(xs)
        elif how == 1:
            del xs[rng.randrange(len(xs))]
        elif how == 2:
            i = rng.randrange(len(xs))
            xs.insert(i, xs[i])
        elif how == 3:
            xs[rng.randrange(len(xs))] = draw(t.args[0], seeds, rng)
        elif how == 4:
            i, j = rng.randrange(len(xs)), rng.randrange(len(xs))
            xs[i], xs[j] = xs[j], xs[i]
        else:
            xs.insert(rng.randint(0, len(xs)), draw(t.args[0], seeds, rng))
        return tuple(xs)


class PairCodec(Codec):
    """``pair(a, b)``: a 2-tuple inside, ``[a, b]`` outside."""

    name = "pair"
    arity = 2

    def _check(self, v: Any) -> None:
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise bad("a pair [a, b]", v)

    def unify(self, v: Any, t: TCon, s: Subst, fresh: Fresh) -> None:
        self._check(v)
        unify_into(v[0], t.args[0], s, fresh)
        unify_into(v[1], t.args[1], s, fresh)

    def to_internal(self, v: Any, t: TCon) -> Any:
        self._check(v)
        return (internal(v[0], t.args[0]), internal(v[1], t.args[1]))

    def to_external(self, v: Any, t: TCon) -> Any:
        return (external(v[0], t.args[0]), external(v[1], t.args[1]))

    def to_json(self, v: Any, t: TCon) -> Any:
        return [as_json(v[0], t.args[0]), as_json(v[1], t.args[1])]

    def charge(self, v: Any, t: TCon) -> None:
        charge_value(v[0], t.args[0])
        charge_value(v[1], t.args[1])

    def parts(self, v: Any, t: TCon) -> Iterable[tuple[Any, Type]]:
        return ((v[0], t.args[0]), (v[1], t.args[1]))

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        return (draw(t.args[0], seeds, rng), draw(t.args[1], seeds, rng))


for _codec in (IntCodec(), BoolCodec(), ListCodec(), PairCodec()):
    register(_codec)

__all__ = ["Codec", "ElementsCodec", "as_json", "bad", "charge_all", "charge_value", "claim",
           "codec", "codec_of", "draw", "external", "flat_or_str", "hashable", "internal",
           "is_flat", "length_range", "register", "seen_or_between", "sorted_plain",
           "unify_into"]
