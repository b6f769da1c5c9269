"""Task features for the recognition model: a task's examples as sequences of token ids.

A :class:`FeatureExtractor` turns a task into one token list per example; the recognition model
embeds the tokens, encodes each example and pools over examples. :class:`GenericFeatures` works
for every task of the language: it writes each example's inputs and output, directed by the
request type, as a flat sequence of structural markers and atoms::

    EXAMPLE <input 1> INPUT_SEP <input 2> ... OUTPUT <output> END

* an ``int`` in ``[-max_int, max_int]`` is one token; a larger one is ``BIG_POS``/``BIG_NEG``
  followed by a bucket of its magnitude (its bit length), so sign and scale survive;
* ``bool`` is ``TRUE``/``FALSE``; a ``char`` is ``CHAR`` and its code (ASCII codes have their
  own token, other characters share one); a ``str`` is ``STR_OPEN`` codes ``STR_CLOSE``;
* lists, pairs, sets, dicts and graphs are their elements between their own open/close markers
  (set elements sorted, dict entries as ``key value`` pairs, graphs as their edges);
* a value of a domain's type is written as its codec's summary (:meth:`Codec.summary`), a
  list of small ints: a grid as its size, colour counts, objects and symmetries;
* each input and the output get an equal share of ``max_tokens``; a value cut short ends with
  ``TRUNC``, so the output is never crowded out by a long input.

Domain features plug in by subclassing :class:`FeatureExtractor`: return any token ids below
``vocabulary_size`` and a JSON description that names the extractor and its settings (it is
saved with the model, and a loaded model checks that it gets the same extractor back).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from hortus.eval import codecs
from hortus.lang.runtime import Graph, HDict
from hortus.lang.types import TCon, Type

if TYPE_CHECKING:
    from hortus.tasks.task import Task


class FeatureExtractor(ABC):
    """Turns a task into token ids, one list per example; id 0 is reserved for padding."""

    name: ClassVar[str]

    @property
    @abstractmethod
    def vocabulary_size(self) -> int:
        """One more than the largest token id :meth:`tokens` can return."""

    @abstractmethod
    def tokens(self, task: Task) -> list[list[int]]:
        """One non-empty token list per example of ``task``, in the task's order."""

    def describe(self) -> dict[str, Any]:
        """JSON-compatible settings that identify this extractor (saved with a model)."""
        return {"name": self.name, "vocabulary_size": self.vocabulary_size}


# ------------------------------------------------------------------ the generic vocabulary

PAD = 0
_MARKERS = ("EXAMPLE", "INPUT_SEP", "OUTPUT", "END", "TRUE", "FALSE", "LIST_OPEN",
            "LIST_CLOSE", "PAIR_OPEN", "PAIR_CLOSE", "SET_OPEN", "SET_CLOSE", "DICT_OPEN",
            "DICT_CLOSE", "STR_OPEN", "STR_CLOSE", "CHAR", "GRAPH_OPEN", "GRAPH_CLOSE",
            "BIG_POS", "BIG_NEG", "TRUNC", "UNKNOWN")
MARKER = {name: k + 1 for k, name in enumerate(_MARKERS)}  # marker name -> token id
_MAGNITUDES = 65  # bit-length buckets of large ints: 0..63, and 64 for anything longer
_CHAR_CODES = 128  # ASCII codes have their own token; one more token for any other character


class GenericFeatures(FeatureExtractor):
    """Examples serialised by type: markers, clipped ints, bools and character codes."""

    name: ClassVar[str] = "generic"

    def __init__(self, max_int: int = 64, max_tokens: int = 64) -> None:
        if max_int < 0 or max_tokens < 8:
            raise ValueError("max_int must be >= 0 and max_tokens >= 8")
        self.max_int = max_int  # ints in [-max_int, max_int] get a token each
        self.max_tokens = max_tokens  # length of one example's token list, at most
        self._int0 = len(_MARKERS) + 1 + max_int  # token of the int 0
        self._mag0 = self._int0 + max_int + 1  # token of magnitude bucket 0
        self._char0 = self._mag0 + _MAGNITUDES  # token of character code 0

    @property
    def vocabulary_size(self) -> int:
        return self._char0 + _CHAR_CODES + 1

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "max_int": self.max_int, "max_tokens": self.max_tokens}

    def tokens(self, task: Task) -> list[list[int]]:
        envs, outputs = task.internal
        in_types, out_type = task.inputs, task.output
        # an equal share of the length for each value, after the markers around them
        share = max(2, (self.max_tokens - len(in_types) - 2) // (len(in_types) + 1))
        out: list[list[int]] = []
        for env, y in zip(envs, outputs, strict=True):
            seq = [MARKER["EXAMPLE"]]
            for k, (x, t) in enumerate(zip(reversed(env), in_types, strict=True)):
                if k:
                    seq.append(MARKER["INPUT_SEP"])
                seq.extend(self._value(x, t, share))
            seq.append(MARKER["OUTPUT"])
            seq.extend(self._value(y, out_type, share))
            seq.append(MARKER["END"])
            out.append(seq[:self.max_tokens])
        return out

    def _value(self, v: Any, t: Type, limit: int) -> list[int]:
        seq: list[int] = []
        self._write(v, t, seq, limit)
        if len(seq) > limit:
            seq = [*seq[:limit - 1], MARKER["TRUNC"]]
        return seq

    # ------------------------------------------------------------ serialisation by type

    def _write(self, v: Any, t: Type, seq: list[int], limit: int) -> None:
        """Append the tokens of ``v`` (of type ``t``); stops early once ``limit`` is passed."""
        if len(seq) > limit:
            return
        if isinstance(t, TCon) and t is not _ANY:
            name, args = t.name, t.args
        else:  # a type variable or an unknown element type: go by the value itself
            name, args = _kind(v), ()
        writer = _WRITERS.get(name)
        if writer is not None:
            writer(self, v, args, seq, limit)
            return
        summary = None
        if isinstance(t, TCon) and (codec := codecs.codec(name)) is not None:
            summary = codec.summary(v, t)
        if summary is None:
            seq.append(MARKER["UNKNOWN"])
        else:
            self._elements(summary, _INT, seq, limit, "LIST_OPEN", "LIST_CLOSE")

    def _int(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        if not isinstance(v, int) or isinstance(v, bool):
            seq.append(MARKER["UNKNOWN"])
        elif -self.max_int <= v <= self.max_int:
            seq.append(self._int0 + v)
        else:
            seq.append(MARKER["BIG_POS"] if v > 0 else MARKER["BIG_NEG"])
            seq.append(self._mag0 + min(abs(v).bit_length(), _MAGNITUDES - 1))

    def _bool(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        seq.append(MARKER["TRUE"] if v is True else MARKER["FALSE"])

    def _code(self, c: str) -> int:
        n = ord(c)
        return self._char0 + (n if n < _CHAR_CODES else _CHAR_CODES)

    def _char(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        seq.append(MARKER["CHAR"])
        seq.append(self._code(v[0]) if isinstance(v, str) and v else MARKER["UNKNOWN"])

    def _str(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        seq.append(MARKER["STR_OPEN"])
        seq.extend(self._code(c) for c in str(v)[:limit])
        seq.append(MARKER["STR_CLOSE"])

    def _elements(self, items: Any, elem: Type | None, seq: list[int], limit: int,
                  open_: str, close: str) -> None:
        seq.append(MARKER[open_])
        for x in items:
            if len(seq) > limit:
                return
            self._write(x, elem if elem is not None else _ANY, seq, limit)
        seq.append(MARKER[close])

    def _list(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        self._elements(v, args[0] if args else None, seq, limit, "LIST_OPEN", "LIST_CLOSE")

    def _set(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        self._elements(_ordered(v), args[0] if args else None, seq, limit, "SET_OPEN",
                       "SET_CLOSE")

    def _pair(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        seq.append(MARKER["PAIR_OPEN"])
        a, b = args if len(args) == 2 else (_ANY, _ANY)
        self._write(v[0], a, seq, limit)
        self._write(v[1], b, seq, limit)
        seq.append(MARKER["PAIR_CLOSE"])

    def _dict(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        k, x = args if len(args) == 2 else (_ANY, _ANY)
        seq.append(MARKER["DICT_OPEN"])
        for key, val in v.items():
            if len(seq) > limit:
                return
            self._write(key, k, seq, limit)
            self._write(val, x, seq, limit)
        seq.append(MARKER["DICT_CLOSE"])

    def _graph(self, v: Any, args: tuple[Type, ...], seq: list[int], limit: int) -> None:
        seq.append(MARKER["GRAPH_OPEN"])
        for a, b in v.edges() if isinstance(v, Graph) else ():
            if len(seq) > limit:
                return
            self._int(a, (), seq, limit)
            self._int(b, (), seq, limit)
        seq.append(MARKER["GRAPH_CLOSE"])


_Writer = Callable[[GenericFeatures, Any, tuple[Type, ...], list[int], int], None]
_WRITERS: dict[str, _Writer] = {
    "int": GenericFeatures._int,
    "bool": GenericFeatures._bool,
    "char": GenericFeatures._char,
    "str": GenericFeatures._str,
    "list": GenericFeatures._list,
    "set": GenericFeatures._set,
    "pair": GenericFeatures._pair,
    "dict": GenericFeatures._dict,
    "graph": GenericFeatures._graph,
}
_ANY = TCon("?")  # element type unknown: each value is written by its Python kind
_INT = TCon("int")


def _kind(v: Any) -> str:
    """The type name a run-time value most likely has, for values written without a type."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, str):
        return "char" if len(v) == 1 else "str"
    if isinstance(v, HDict):
        return "dict"
    if isinstance(v, Graph):
        return "graph"
    if isinstance(v, frozenset | set):
        return "set"
    if isinstance(v, tuple | list):
        return "list"
    return "?"


def _ordered(xs: Any) -> list[Any]:
    """Set elements in a stable order (their natural one, or by their text)."""
    try:
        return sorted(xs)
    except TypeError:
        return sorted(xs, key=repr)


def features_from_description(description: Any) -> FeatureExtractor:
    """Rebuild a built-in extractor from :meth:`FeatureExtractor.describe`; raises ValueError."""
    if not isinstance(description, dict) or description.get("name") != GenericFeatures.name:
        raise ValueError(f"unknown feature extractor {description!r}; pass it explicitly")
    max_int, max_tokens = description.get("max_int"), description.get("max_tokens")
    if not (isinstance(max_int, int) and isinstance(max_tokens, int)
            and 0 <= max_int <= 100_000 and 8 <= max_tokens <= 100_000):
        raise ValueError(f"bad settings of the generic feature extractor: {description!r}")
    features = GenericFeatures(max_int, max_tokens)
    if features.describe() != description:
        raise ValueError(f"feature extractor description does not match: {description!r}")
    return features
