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


# The smallest strong pseudoprime to all the bases below: under it, Miller-Rabin is exact.
_MR_EXACT_BELOW = 318_665_857_834_031_151_167_461


def is_prime(n: int) -> bool:
    """Miller-Rabin with the first 12 primes as bases, exact below 3.18e23 (so for 64-bit
    integers); above, a strong Lucas test as well (Baillie-PSW, with no known exception)."""
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
    return n < _MR_EXACT_BELOW or _strong_lucas(n)


def _jacobi(a: int, n: int) -> int:
    a %= n
    result = 1
    while a:
        while a % 2 == 0:
            a //= 2
            if n % 8 in (3, 5):
                result = -result
        a, n = n, a
        if a % 4 == 3 and n % 4 == 3:
            result = -result
        a %= n
    return result if n == 1 else 0


def _strong_lucas(n: int) -> bool:
    """Strong Lucas probable-prime test of an odd n > 2, parameters by Selfridge's method A."""
    if math.isqrt(n) ** 2 == n:
        return False
    d = 5
    while (j := _jacobi(d, n)) != -1:
        if j == 0 and abs(d) != n:
            return False
        d = -d - 2 if d > 0 else -d + 2
    p, q = 1, (1 - d) // 4
    k, s = n + 1, 0
    while k % 2 == 0:
        k, s = k // 2, s + 1
    u, v, qk = 1, p, q % n  # U_1, V_1, Q^1
    for bit in bin(k)[3:]:
        u, v, qk = u * v % n, (v * v - 2 * qk) % n, qk * qk % n  # index doubles
        if bit == "1":  # index goes up by one
            u, v = p * u + v, d * u + p * v
            u = (u + n if u % 2 else u) // 2 % n
            v = (v + n if v % 2 else v) // 2 % n
            qk = qk * q % n
    if u == 0 or v == 0:
        return True
    for _ in range(s - 1):
        v, qk = (v * v - 2 * qk) % n, qk * qk % n
        if v == 0:
            return True
    return False


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
