"""Text: strings and characters, with case and character codes.

A ``str`` and a ``char`` (a string of length one) are themselves inside and out; new ones
are drawn from the characters the task's own strings use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hortus.domains import Domain
from hortus.eval.codecs import Codec, bad, length_range
from hortus.lang.runtime import charge
from hortus.lang.types import CHAR, STR, TCon

if TYPE_CHECKING:
    import random

    from hortus.eval.sampler import Seeds


def _alphabet(seeds: Seeds) -> str:
    chars = set(seeds.seen(CHAR)) | {c for s in seeds.seen(STR) for c in s}
    return "".join(sorted(chars)) or "abc"


class CharCodec(Codec):
    name = "char"
    flat = True

    def to_internal(self, v: Any, t: TCon) -> Any:
        if not isinstance(v, str) or len(v) != 1:
            raise bad("a char", v)
        return v

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        return rng.choice(_alphabet(seeds))


class StrCodec(Codec):
    name = "str"

    def sample(self, t: TCon, seeds: Seeds, rng: random.Random) -> Any:
        lo, hi = length_range(seeds, t)
        alphabet = _alphabet(seeds)
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))

    def to_internal(self, v: Any, t: TCon) -> Any:
        if not isinstance(v, str):
            raise bad("a str", v)
        return v

    def charge(self, v: Any, t: TCon) -> None:
        charge(len(v))


DOMAIN = Domain(
    name="text",
    summary="strings and characters: chars, implode, upper, lower, character codes",
    primitives=("hortus.lang.primitives.strings",),
    codecs=(CharCodec(), StrCodec()),
)
