"""Per-cell rules: features of cells, ``when-cell``, rules deduced from ARC examples."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pytest.importorskip("scipy")

from hortus.bench.arc import arc_grammar  # noqa: E402
from hortus.domains import deduced_names, tailor  # noqa: E402
from hortus.domains.arc.cells import features  # noqa: E402
from hortus.domains.arc.data import load_split  # noqa: E402
from hortus.domains.arc.deduce import cell_rule, tiling  # noqa: E402
from hortus.domains.arc.rules import FEATURES, PRIMITIVES  # noqa: E402
from hortus.domains.arc.values import grid_of  # noqa: E402
from hortus.eval.interpreter import run  # noqa: E402
from hortus.eval.predict import of_result, solved  # noqa: E402
from hortus.lang.parse import parse  # noqa: E402
from hortus.lang.runtime import EvalError  # noqa: E402
from hortus.library import Library  # noqa: E402
from hortus.search import EnumerativeSearcher, SearchBudget  # noqa: E402


def feature(g: Any, name: str) -> list[list[int]]:
    rows: list[list[int]] = features(grid_of(g))[FEATURES.index(name)].tolist()
    return rows


def test_features_of_a_small_grid() -> None:
    g = [[0, 0, 0, 0],
         [0, 3, 3, 3],
         [0, 3, 0, 3],
         [0, 3, 3, 3]]
    assert feature(g, "anywhere") == [[0] * 4] * 4
    assert feature(g, "neighbours4")[2][2] == 4 and feature(g, "neighbours4")[0][0] == 0
    assert feature(g, "neighbours8")[0][0] == 1  # the 3 diagonal to it
    assert feature(g, "colors4")[2][2] == 1 << 3
    assert feature(g, "above")[0] == [10] * 4 and feature(g, "above")[2][1] == 3
    assert feature(g, "below-right")[0][0] == 3
    assert feature(g, "ray-left")[2] == [10, 10, 3, 3] and feature(g, "ray-up")[3][2] == 3
    assert feature(g, "ray-right")[2] == [3, 3, 3, 10] and feature(g, "ray-down")[0][1] == 3
    assert [r[0] for r in feature(g, "row-has")] == [0, 1, 1, 1]
    assert feature(g, "col-has")[0] == [0, 1, 1, 1]
    assert feature(g, "row-mod3")[3][0] == 0 and feature(g, "col-mod2")[0][3] == 1
    enclosed = feature(g, "enclosed")
    assert enclosed[2][2] == 1 and sum(map(sum, enclosed)) == 1
    assert feature(g, "blob-size")[1][1] == 8 and feature(g, "blob-size")[0][0] == 0
    assert feature(g, "between")[2][2] == 3 and feature(g, "between")[0][0] == 10
    assert [r[0] for r in feature(g, "row-count")] == [0, 3, 2, 3]
    assert feature(g, "col-count")[0] == [0, 3, 2, 3]
    assert feature(g, "opposite")[0][0] == 3 and feature(g, "opposite")[3][3] == 0
    assert [r[0] for r in feature(g, "row-color")] == [10, 3, 3, 3]
    assert feature([[1, 0], [2, 2]], "col-color") == [[11, 2], [11, 2]]


def test_when_cell_recolours_by_colour_and_features() -> None:
    g = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    center = parse("(lambda (when-cell neighbours4 4 anywhere 0 black red $0 $0))")
    assert run(center, [g]) == [[0, 1, 0], [1, 2, 1], [0, 1, 0]]
    # features are read from the first grid, cells written on the second
    other = parse("(lambda (when-cell neighbours4 4 anywhere 0 black red $0 (flip-h $0)))")
    assert run(other, [[[0, 1, 0], [1, 0, 1], [0, 1, 5]]]) == [[0, 1, 0], [1, 2, 1], [5, 1, 0]]
    sizes = parse("(lambda (when-cell neighbours4 4 anywhere 0 black red $0 (trim $0)))")
    with pytest.raises(EvalError, match="differ in size"):
        run(sizes, [g])


@settings(max_examples=80, deadline=None)
@given(grid=st.integers(1, 8).flatmap(lambda h: st.integers(1, 8).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 9), min_size=w, max_size=w),
                       min_size=h, max_size=h))),
    f=st.sampled_from(FEATURES), g=st.sampled_from(FEATURES), a=st.integers(-2, 1100),
    b=st.integers(-2, 30), c=st.integers(0, 9), d=st.integers(0, 9))
def test_when_cell_on_any_grid_changes_only_the_chosen_cells(
        grid: Any, f: str, g: str, a: int, b: int, c: int, d: int) -> None:
    names = ("black", "blue", "red", "green", "yellow", "grey", "magenta", "orange", "azure",
             "maroon")
    program = parse(f"(lambda (when-cell {f} {a} {g} {b} {names[c]} {names[d]} $0 $0))")
    out = run(program, [grid])
    fa, fb = feature(grid, f), feature(grid, g)
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            chosen = cell == c and fa[i][j] == a and fb[i][j] == b
            assert out[i][j] == (d if chosen else cell)


def test_a_rule_is_deduced_only_when_each_example_follows_from_the_others() -> None:
    # black cells between two blue ones (in a row) turn red: a rule the examples agree on
    xs = [[[1, 0, 1, 0, 0]], [[0, 1, 0, 1, 0]], [[1, 0, 1, 0, 1]]]
    ys = [[[1, 2, 1, 0, 0]], [[0, 1, 2, 1, 0]], [[1, 2, 1, 2, 1]]]
    step = cell_rule(tuple(map(grid_of, xs)), tuple(map(grid_of, ys)))
    assert step is not None
    assert run(step, [[[1, 0, 1, 0, 1, 0, 1]]]) == [[1, 2, 1, 2, 1, 2, 1]]
    # a change only one example shows cannot be predicted from the others: memorised, no rule
    ys[2] = [[1, 2, 1, 2, 3]]
    assert cell_rule(tuple(map(grid_of, xs)), tuple(map(grid_of, ys))) is None
    # one example, or nothing to change: no rule
    assert cell_rule((grid_of(xs[0]),), (grid_of(ys[0]),)) is None
    assert cell_rule(tuple(map(grid_of, xs)), tuple(map(grid_of, xs))) is None


_grids = st.integers(1, 6).flatmap(lambda h: st.integers(1, 6).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 4), min_size=w, max_size=w),
                       min_size=h, max_size=h)))


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(_grids.flatmap(lambda g: st.tuples(st.just(g), st.lists(
    st.lists(st.integers(0, 4), min_size=len(g[0]), max_size=len(g[0])),
    min_size=len(g), max_size=len(g)))), min_size=2, max_size=4), recolour=st.booleans())
def test_a_deduced_rule_gives_every_target(pairs: list[tuple[Any, Any]],
                                           recolour: bool) -> None:
    """Whatever the grids, a rule deduced from them turns each into its target; targets that
    follow a real rule (here: colour 1 with a coloured neighbour becomes 2) get one."""
    if recolour:  # a rule to find: targets made from the inputs
        step = parse("(lambda (when-cell neighbours4 1 anywhere 0 blue red $0 $0))")
        pairs = [(x, run(step, [x])) for x, _ in pairs]
    xs, ys = tuple(grid_of(x) for x, _ in pairs), tuple(grid_of(y) for _, y in pairs)
    rule = cell_rule(xs, ys)
    if rule is not None:
        for x, y in pairs:
            assert run(rule, [x]) == y


def test_deduced_primitives_run_but_are_never_searched() -> None:
    names = {p.name for p in PRIMITIVES}
    assert names == deduced_names() and "when-cell" in names
    with Library.create("sqlite://", ("arc",)) as lib:
        searched = {p.program.name for p in lib.grammar().productions
                    if hasattr(p.program, "name")}
    assert not names & searched and "recolor" in searched


@pytest.mark.parametrize("task_id", ["2281f1f4", "6d75e8bb", "b6afb2da", "d5d6de2d"])
def test_the_search_closes_real_tasks_by_a_cell_rule(task_id: str) -> None:
    """Training tasks no searched program reached in 15 s: a rule on the input solves them
    (the test grids included) within a few dozen programs."""
    task = {t.name: t for t in load_split("training")}[task_id]
    grammar = tailor(arc_grammar(None), task)
    result = EnumerativeSearcher().search(task, grammar, SearchBudget(timeout=30, top_k=1))
    assert result.solved and "when-cell" in str(result.best.program)  # type: ignore[union-attr]
    assert result.tried < 200
    assert solved(task, of_result(task, result))


def test_learning_keeps_what_was_searched_not_the_deduced_step() -> None:
    from hortus.learn import _searched

    program = parse("(lambda (when-cell neighbours4 4 anywhere 0 blue azure (flip-h $0) "
                     "(when-cell neighbours4 4 anywhere 0 red azure (flip-h $0) (flip-h $0))))")
    assert str(_searched(program)) == "(lambda (flip-h $0))"
    kept = parse("(lambda (recolor red blue (flip-h $0)))")  # a searchable step stays
    assert _searched(kept) == kept


def test_a_tiling_of_turned_copies_is_deduced_and_runs() -> None:
    program = parse("(lambda (vconcat (hconcat $0 (rot90 $0)) (hconcat (blank $0) "
                    "(flip-anti $0))))")
    xs = [[[1, 2], [3, 4]], [[5, 0], [0, 6]], [[7, 7], [0, 8]]]
    ys = [run(program, [x]) for x in xs]
    step = tiling(tuple(map(grid_of, xs)), tuple(map(grid_of, ys)))
    assert step == program
    assert tiling((grid_of(xs[0]),), (grid_of(xs[0]),)) is None  # no copies: no tiling
    # a block that is no symmetry of its value (here in the second pair only): no tiling
    ys[1][0][0] = 9
    assert tiling(tuple(map(grid_of, xs)), tuple(map(grid_of, ys))) is None
    wide = [[[1, 2, 3]], [[4, 5, 6]]]  # 1x3 grids: rot90 would change the block's shape
    assert str(tiling(tuple(map(grid_of, wide)), tuple(grid_of([r + r[::-1] for r in g])
                                                          for g in wide))) == \
        "(lambda (hconcat $0 (flip-h $0)))"


@pytest.mark.parametrize("task_id", ["46442a0e", "8d5021e8"])
def test_the_search_closes_real_tasks_by_a_tiling(task_id: str) -> None:
    task = {t.name: t for t in load_split("training")}[task_id]
    grammar = tailor(arc_grammar(None), task)
    result = EnumerativeSearcher().search(task, grammar, SearchBudget(timeout=30, top_k=1))
    assert result.solved and "vconcat" in str(result.best.program)  # type: ignore[union-attr]
    assert result.tried < 200 and solved(task, of_result(task, result))
