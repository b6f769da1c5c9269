"""Integer arithmetic and comparison, with DreamCoder's semantics where it has them."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hortus.eval.budget import Budget
from hortus.lang import parse
from hortus.lang.primitives import lookup
from hortus.lang.runtime import BudgetExceeded, EvalError

is_prime = lookup("is-prime").impl
is_square = lookup("is-square").impl


def ev(text: str, *inputs: object) -> object:
    return parse(text)(*inputs)


@pytest.mark.parametrize(("text", "value"), [
    ("(+ 2 3)", 5), ("(- 2 3)", -1), ("(* -4 3)", -12),
    ("(div 7 2)", 3), ("(div -7 2)", -4),  # floor division
    ("(mod 7 3)", 1), ("(mod -7 3)", 2), ("(mod 7 -3)", -2),  # Python's %, as in DreamCoder
    ("(pow 2 10)", 1024), ("(pow -2 3)", -8), ("(pow 0 0)", 1), ("(pow 2 62)", 2**62),
    ("(pow 1 100000000000)", 1), ("(pow -1 1000000001)", -1),
    ("(gt? 3 2)", True), ("(gt? 2 2)", False), ("(gt? -1 0)", False),
    ("(eq? 2 2)", True), ("(eq? 2 3)", False),
    ("(eq? (cons 1 empty) (cons 1 empty))", True), ("(eq? true false)", False),
])
def test_arithmetic(text: str, value: object) -> None:
    assert ev(text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("(mod 3 0)", "modulo by zero"),
    ("(div 3 0)", "division by zero"),
    ("(pow 2 -1)", "negative exponent"),
])
def test_arithmetic_errors(text: str, message: str) -> None:
    with pytest.raises(EvalError, match=message) as info:
        ev(text)
    assert not isinstance(info.value, BudgetExceeded)


@pytest.mark.parametrize("text", ["(pow 2 63)", "(pow 10 1000000000)", "(* 4611686018427387904 2)",
                                  "(+ 4611686018427387904 1)", "(- -4611686018427387904 1)"])
def test_integer_overflow_is_an_int_budget(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded) as info:
        ev(text)
    assert info.value.budget == "int"
    assert time.perf_counter() - start < 1.0  # refused before computing a huge number


def test_int_budget_is_configurable() -> None:
    assert parse("(* 1000 1000)")(budget=Budget(max_int=10**6)) == 10**6
    with pytest.raises(BudgetExceeded, match="exceeded 1000 in magnitude"):
        parse("(* 1000 1000)")(budget=Budget(max_int=1000))


def test_is_prime_agrees_with_dreamcoder_on_its_range() -> None:
    # DreamCoder's is-prime is membership in the primes below 200
    dreamcoder = {n for n in range(2, 200) if all(n % d for d in range(2, math.isqrt(n) + 1))}
    assert {n for n in range(-10, 200) if is_prime(n)} == dreamcoder
    assert ev("(lambda (filter is-prime $0))", list(range(20))) == [2, 3, 5, 7, 11, 13, 17, 19]


@settings(max_examples=200, deadline=None)
@given(st.integers(-100, 20_000))
def test_is_prime_matches_trial_division(n: int) -> None:
    expected = n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))
    assert is_prime(n) == expected


def test_is_prime_on_big_numbers_is_right_and_fast() -> None:
    start = time.perf_counter()
    assert is_prime(2**61 - 1) and is_prime(2**89 - 1) and is_prime(1_000_000_007)
    assert not is_prime((2**31 - 1) * (2**61 - 1))
    assert is_prime(2**127 - 1) and is_prime(2**521 - 1)
    # Carmichael numbers and strong pseudoprimes to many small bases are composite: the last
    # two pass Miller-Rabin with every prime base up to 37 (and up to 41)
    for n in (561, 1105, 1729, 2047, 3215031751, 3825123056546413051,
              318665857834031151167461, 3317044064679887385961981,
              (2**89 - 1) * (2**107 - 1), 2**128 + 1):
        assert not is_prime(n), n
    assert ev("(lambda (is-prime $0))", 2**61 - 1) is True
    assert ev("(lambda (is-prime $0))", 318665857834031151167461) is False
    assert time.perf_counter() - start < 0.5


def test_strong_lucas_test_fails_exactly_on_the_known_pseudoprimes() -> None:
    # OEIS A217255: the strong Lucas pseudoprimes (Selfridge parameters) below 10^5
    from hortus.lang.primitives.arithmetic import _strong_lucas

    fooled = [n for n in range(3, 100_000, 2) if math.isqrt(n) ** 2 != n
              and _strong_lucas(n) != all(n % d for d in range(3, math.isqrt(n) + 1, 2))]
    assert fooled == [5459, 5777, 10877, 16109, 18971, 22499, 24569, 25199, 40309, 58519,
                      75077, 97439]


def test_is_square() -> None:
    assert [n for n in range(-5, 50) if is_square(n)] == [0, 1, 4, 9, 16, 25, 36, 49]
    assert is_square(10**40) and not is_square(10**40 + 1)
    assert is_square((2**53 + 1) ** 2)  # beyond float precision
    assert not is_square((2**53 + 1) ** 2 - 1)
    assert ev("(lambda (filter is-square $0))", [1, 2, 3, 4, 5, 9]) == [1, 4, 9]


def test_arithmetic_types() -> None:
    assert str(lookup("+").tp) == "int -> int -> int"
    assert str(lookup("gt?").tp) == "int -> int -> bool"
    assert str(lookup("is-prime").tp) == "int -> bool"
    assert all(lookup(name).doc for name in ("+", "-", "*", "div", "mod", "pow"))
