"""Real-valued constants: by gradient where differentiable, by CMA-ES where not; searched."""

from __future__ import annotations

import pytest

from hortus.lang.parse import parse
from hortus.lang.primitives._registry import float_literal
from hortus.lang.types import parse_type
from hortus.search import SearchBudget
from hortus.tasks.task import Example, Task
from hortus.train import TrainError
from hortus.train.constants import fit_constants, substitute

pytest.importorskip("cmaes")

FLOATS = parse_type("float -> float")


def test_a_differentiable_program_gets_its_constants_by_gradient():
    program = parse("(lambda (+. (*. ??a $0) ??b))")
    xs = [0.5 * k - 2 for k in range(9)]
    fit = fit_constants(program, FLOATS, [((x,), 1.5 * x - 0.25) for x in xs], seconds=10)
    assert fit.method == "gradient"
    assert fit.values["a"] == pytest.approx(1.5, abs=1e-3)
    assert fit.values["b"] == pytest.approx(-0.25, abs=1e-3)
    assert fit.loss < 1e-6


def test_a_threshold_is_fit_by_cmaes_where_there_is_no_gradient():
    program = parse("(lambda (gt.? $0 ??t))")
    xs = [k / 4 for k in range(-8, 9)]
    fit = fit_constants(program, parse_type("float -> bool"), [((x,), x > 0.6) for x in xs],
                        seconds=10)
    assert fit.method == "cmaes"
    assert fit.loss == 0
    assert 0.5 <= fit.values["t"] < 0.75


def test_fitted_constants_become_literals_that_print_parse_and_run():
    program = substitute(parse("(lambda (+. (*. ??a $0) ??b))"), {"a": 1.5, "b": -0.25})
    assert str(program) == "(lambda (+. (*. 1.5 $0) -0.25))"
    assert parse(str(program)) == program
    assert program(2.0) == 2.75
    assert float_literal(3.0).name == "3.0"
    with pytest.raises(ValueError, match="finite"):
        float_literal(float("nan"))


def test_fitting_needs_float_constants():
    with pytest.raises(TrainError, match="no float constants"):
        fit_constants(parse("(lambda (+. $0 $0))"), FLOATS, [((1.0,), 2.0)])


def test_the_hybrid_searcher_finds_a_line_with_its_constants():
    from hortus.lang.primitives._registry import lookup
    from hortus.prior.grammar import Grammar
    from hortus.train.search import HybridSearcher

    # the float primitives alone: the test is about constants, not about a large grammar
    grammar = Grammar.uniform([lookup(n) for n in ("+.", "-.", "*.", "/.", "float", "round")])
    xs = [0.5 * k - 2 for k in range(9)]
    task = Task.build("line", [Example((x,), 2.5 * x + 1.0) for x in xs], FLOATS)
    result = HybridSearcher().search(task, grammar, SearchBudget(timeout=20))
    assert result.solved, result.stats
    program = result.best.program
    for x in (-7.0, 0.3, 11.0):  # far outside the examples
        assert program(x) == pytest.approx(2.5 * x + 1.0, abs=1e-4)
