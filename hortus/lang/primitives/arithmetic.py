"""Integer arithmetic and comparison."""

from __future__ import annotations

import math

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import BudgetExceeded, EvalError, check_int


def _add(a: int, b: int) -> int:
    return check_int(a + b)


def _sub(a: int, b: int) -> int:
    return check_int(a - b)


def _mul(a: int, b: int) -> int:
    return check_int(a * b)


def _div(a: int, b: int) -> int:
    if b == 0:
        raise EvalError("division by zero")
    return a // b


def _mod(a: int, b: int) -> int:
    if b == 0:
        raise EvalError("modulo by zero")
    return a % b


def _pow(a: int, b: int) -> int:
    if b < 0:
        raise EvalError("negative exponent")
    if abs(a) > 1 and b * math.log2(abs(a)) > 64:
        raise BudgetExceeded("int", f"{a} ** {b} is too large")
    return check_int(a**b)


def is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin for 64-bit integers (trial division would be too slow)."""
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _is_square(n: int) -> bool:
    return n >= 0 and math.isqrt(n) ** 2 == n


PRIMITIVES = [
    prim("+", "int -> int -> int", _add, "addition"),
    prim("-", "int -> int -> int", _sub, "subtraction"),
    prim("*", "int -> int -> int", _mul, "multiplication"),
    prim("div", "int -> int -> int", _div, "floor division; error when dividing by zero"),
    prim("mod", "int -> int -> int", _mod, "(mod a b) is a modulo b, with the sign of b"),
    prim("pow", "int -> int -> int", _pow, "(pow a b) is a to the power b >= 0"),
    prim("gt?", "int -> int -> bool", lambda a, b: a > b, "(gt? a b) is a > b"),
    prim("eq?", "t0 -> t0 -> bool", lambda a, b: a == b, "structural equality"),
    prim("is-prime", "int -> bool", is_prime, "primality"),
    prim("is-square", "int -> bool", _is_square, "is a perfect square"),
]
