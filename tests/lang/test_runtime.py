"""Run-time support: errors, the meter and its checks, immutable dictionaries, graphs."""

from __future__ import annotations

import copy
import pickle
import time

import pytest

from hortus.eval.budget import Budget
from hortus.lang.runtime import (
    METER,
    BudgetExceeded,
    EvalError,
    Graph,
    HDict,
    charge,
    check_int,
    check_len,
    check_size,
    hdict,
)


def test_budget_exceeded_is_an_eval_error_naming_its_budget() -> None:
    e = BudgetExceeded("steps", "too many")
    assert isinstance(e, EvalError)
    assert e.budget == "steps"
    assert str(e) == "steps budget exceeded: too many"


# ---------------------------------------------------------------- the meter


def test_charge_stops_when_the_steps_run_out() -> None:
    with Budget(steps=10).active():
        charge(4)
        charge(6)
        assert METER.steps == 0
        with pytest.raises(BudgetExceeded) as info:
            charge(1)
    assert info.value.budget == "steps"


def test_charge_looks_at_the_clock() -> None:
    with Budget(steps=10**9, time=0.0).active():
        time.sleep(0.001)
        with pytest.raises(BudgetExceeded) as info:
            for _ in range(10_000):
                charge(1)
    assert info.value.budget == "time"


def test_check_int_bounds_magnitude() -> None:
    with Budget(max_int=100).active():
        assert check_int(100) == 100 and check_int(-100) == -100
        with pytest.raises(BudgetExceeded, match="int budget exceeded") as info:
            check_int(101)
        assert info.value.budget == "int"
        with pytest.raises(BudgetExceeded):
            check_int(-101)


def test_check_len_and_check_size_bound_values() -> None:
    with Budget(max_len=3).active():
        assert check_len((1, 2, 3)) == (1, 2, 3)
        assert check_size(3) == 3
        with pytest.raises(BudgetExceeded, match="grew past 3 elements") as info:
            check_len((1, 2, 3, 4))
        assert info.value.budget == "length"
        with pytest.raises(BudgetExceeded, match="a value of 4 elements exceeds 3"):
            check_size(4)


def test_building_large_values_looks_at_the_clock() -> None:
    with Budget(time=0.0).active():
        time.sleep(0.001)
        assert check_size(10) == 10  # small values are cheap: no look at the clock
        with pytest.raises(BudgetExceeded) as info:
            check_size(5_000)
        assert info.value.budget == "time"
        with pytest.raises(BudgetExceeded):
            check_len(tuple(range(5_000)))


# ---------------------------------------------------------------- dictionaries


def test_hdict_is_immutable() -> None:
    d = hdict([(1, "a"), (2, "b")])
    mutations = [
        lambda: d.__setitem__(3, "c"),
        lambda: d.__delitem__(1),
        d.clear,
        lambda: d.pop(1),
        d.popitem,
        lambda: d.setdefault(5, "e"),
        lambda: d.update({4: "d"}),
    ]
    for mutate in mutations:
        with pytest.raises(TypeError, match="immutable"):
            mutate()
    with pytest.raises(TypeError, match="immutable"):
        d |= {4: "d"}
    assert d == {1: "a", 2: "b"}


def test_hdict_is_hashable_and_equal_to_plain_dicts() -> None:
    one = hdict([(1, (2, 3)), ("k", 4)])
    two = hdict([("k", 4), (1, (2, 3))])
    assert one == two == {1: (2, 3), "k": 4}
    assert hash(one) == hash(two)
    assert len({one, two}) == 1
    assert {one: "value"}[two] == "value"
    assert hdict([]) == HDict() and hash(hdict([])) == hash(HDict())
    assert one | {5: 6} == {1: (2, 3), "k": 4, 5: 6} and one == {1: (2, 3), "k": 4}
    assert repr(hdict([(1, 2)])) == "HDict({1: 2})"


def test_hdict_keeps_insertion_order() -> None:
    assert list(hdict([(3, 0), (1, 0), (2, 0)])) == [3, 1, 2]
    assert hdict([(1, "a"), (1, "b")]) == {1: "b"}  # later pairs win


def test_hdict_pickles_and_copies() -> None:
    d = hdict([(1, (2,)), ("a", hdict([(3, 4)]))])
    for clone in (pickle.loads(pickle.dumps(d)), copy.deepcopy(d), copy.copy(d)):
        assert type(clone) is HDict
        assert clone == d and hash(clone) == hash(d)
        with pytest.raises(TypeError):
            clone[9] = 9


# ---------------------------------------------------------------- graphs


def test_graph_from_edges_is_undirected_and_canonical() -> None:
    g = Graph.from_edges([(3, 1), (1, 2)])
    assert g.adj == {1: (2, 3), 2: (1,), 3: (1,)}
    assert g.edges() == [(1, 2), (1, 3)]
    same = Graph.from_edges([(2, 1), (1, 3), (3, 1)])
    assert g == same and hash(g) == hash(same)
    assert g != Graph.from_edges([(1, 2)])
    assert g != g.adj


def test_graph_self_loops_and_empty_graph() -> None:
    assert Graph.from_edges([(1, 1)]).edges() == [(1, 1)]
    assert Graph.from_edges([]).adj == {}


def test_graph_repr_and_pickle() -> None:
    g = Graph.from_edges([(1, 2), (2, 3)])
    assert repr(g) == "Graph.from_edges([(1, 2), (2, 3)])"
    assert eval(repr(g), {"Graph": Graph}) == g
    assert pickle.loads(pickle.dumps(g)) == g
