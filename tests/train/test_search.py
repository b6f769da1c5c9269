"""The hybrid searcher finds the structure; the holes are trained inside it."""

from __future__ import annotations

import numpy as np
import pytest

from hortus.lang.parse import parse
from hortus.lang.primitives._registry import domain_set, lookup
from hortus.lang.types import parse_type
from hortus.prior.grammar import Grammar
from hortus.search import SearchBudget
from hortus.tasks.task import Example, Task
from hortus.train import TrainConfig
from hortus.train.search import HybridConfig, HybridSearcher, compose, holes_for, latent_type
from hortus.train.trainer import task_examples

GRAMMAR = None
W = np.array([0.5, -1.0, 1.5, 0.25])  # the hidden weights of the real-valued tasks


@pytest.fixture
def warm():
    """torch imported and its optimiser made before a search's clock starts, as
    ``search_hybrid`` does: on a busy machine that alone can take seconds."""
    from hortus.train.solving import _warm_up

    _warm_up()


def grammar():
    global GRAMMAR
    if GRAMMAR is None:
        GRAMMAR = Grammar.uniform([lookup(n) for n in domain_set(("lists", "tensors"))])
    return GRAMMAR


def task_of(glyphs, name, request, n, f, lists=None):
    examples = []
    for _ in range(n):
        if lists:
            items = [glyphs.draw() for _ in range(glyphs.rng.randint(*lists))]
            examples.append(Example(([x for x, _ in items],), f([d for _, d in items])))
        else:
            (a, da), (b, db) = glyphs.draw(), glyphs.draw()
            examples.append(Example((a, b), f(da, db)))
    return Task.build(name, examples, parse_type(request))


def test_programs_over_classes_become_hybrid_programs():
    request = parse_type("list(tensor(12)) -> tensor(12) -> int")
    holes = holes_for(request)
    assert [str(h) for h in holes] == ["??n0[tensor(12) -> int]"]
    assert latent_type(request.args[0]) == parse_type("list(int)")
    latent = parse("(lambda (lambda (+ $0 (sum $1))))")
    assert str(compose(latent, request, holes)) == (
        "(lambda (lambda (+ (??n0[tensor(12) -> int] $0) "
        "(sum (map (lambda (??n0[tensor(12) -> int] $0)) $1)))))")


def test_the_structure_of_add2_is_searched_and_its_hole_trained(glyphs):
    task = task_of(glyphs, "add2", "tensor(12) -> tensor(12) -> int", 500, lambda a, b: a + b)
    searcher = HybridSearcher(HybridConfig(candidates=3),
                              TrainConfig(target=0.95, stop_at_target=True))
    result = searcher.search(task, grammar(), SearchBudget(timeout=30))
    assert result.solved
    program = str(result.best.program).replace("??n0[tensor(12) -> int]", "h")
    assert program in ("(lambda (lambda (+ (h $0) (h $1))))",
                       "(lambda (lambda (+ (h $1) (h $0))))")
    assert result.trained.report.accuracy >= 0.9
    # only skeletons that can give every sum in the sample are trained at all
    assert all("(- " not in c and "gt?" not in c for c in result.stats["candidates"])


def test_a_reused_module_needs_no_training_to_rank_the_skeletons(glyphs):
    first = task_of(glyphs, "add2", "tensor(12) -> tensor(12) -> int", 500,
                    lambda a, b: a + b)
    s1 = HybridSearcher(HybridConfig(candidates=2), TrainConfig(target=0.95,
                                                                stop_at_target=True))
    trained = s1.search(first, grammar(), SearchBudget(timeout=30)).trained
    modules = {"digit": trained.modules["n0"]}
    modules["digit"].name = "digit"
    second = task_of(glyphs, "max", "list(tensor(12)) -> int", 300, max, lists=(2, 5))
    s2 = HybridSearcher(HybridConfig(candidates=3), TrainConfig(target=0.9,
                                                                stop_at_target=True),
                        modules=modules)
    result = s2.search(second, grammar(), SearchBudget(timeout=30))
    assert result.solved
    assert "(max (map (lambda (??digit" in str(result.best.program)
    assert max(r["accuracy"] for r in result.stats["ranked"]) >= 0.8
    assert result.trained.report.reached is not None


# ------------------------------------------------------------------ float-headed holes

def real_task(name, n, f, inputs=1, seed=0):
    """Random vectors in, ``f`` of them out (a real number): nothing for classes to explain."""
    from hortus.domains._arrays import Array

    gen = np.random.default_rng(seed)
    examples = [Example(tuple(Array(gen.normal(size=4)) for _ in range(inputs)), 0.0)
                for _ in range(n)]
    examples = [Example(e.inputs, float(f(*(x.data for x in e.inputs)))) for e in examples]
    request = " -> ".join(["tensor(4)"] * inputs + ["float"])
    return Task.build(name, examples, parse_type(request))


def float_searcher(**options):
    """Short runs of 80 steps, a full run of at most 1,000 that stops at 70% within 1%."""
    return HybridSearcher(HybridConfig(**{"candidates": 3, "rank_steps": 80, **options}),
                          TrainConfig(steps=1000, lr=1e-2, target=0.7, stop_at_target=True))


def test_float_skeletons_are_screened_for_a_gradient_and_up_to_the_heads_affine_maps():
    from hortus.train.search import FLOAT as HEAD

    task = real_task("sum2", 60, lambda a, b: a @ W + b @ W, inputs=2)
    holes = holes_for(task.request, head=HEAD)
    assert [str(h) for h in holes] == ["??n0[tensor(4) -> float]"]
    assert latent_type(parse_type("list(tensor(4))"), HEAD) == parse_type("list(float)")
    searcher = HybridSearcher(HybridConfig(candidates=8))
    sample = task_examples(task)[:40]
    # screening gets a quarter of the budget: generous, so that a loaded machine (the other
    # test worker training a network) still screens all 8 before time runs out
    kept, _ = searcher._float_candidates(task, grammar(), holes, sample, SearchBudget(40), 8)
    shown = [str(p).replace("??n0[tensor(4) -> float]", "h") for p, _ in kept]
    assert shown[0] == "(lambda (lambda (+. (h $0) (h $1))))"
    # the head absorbs a sign, a factor and an offset: one of each family is trained
    assert sum(s.startswith("(lambda (lambda (-. (h") for s in shown) == 1
    assert not any("(float " in s or "round" in s for s in shown)
    assert all("$0" in s and "$1" in s for s in shown)  # those that read both come first


def test_a_real_valued_output_is_learned_through_a_float_headed_hole(warm):
    task = real_task("triple-dot", 300, lambda x: 3 * (x @ W))
    result = float_searcher().search(task, grammar(), SearchBudget(timeout=10))
    assert result.solved
    assert str(result.best.program) == "(lambda (??n0[tensor(4) -> float] $0))"
    assert all("-> int]" not in c for c in result.stats["candidates"])  # nothing to classify
    assert result.stats["train"]["method"] == "gradient"
    fresh = task_examples(real_task("triple-dot", 200, lambda x: 3 * (x @ W), seed=1))
    assert result.trained.accuracy(fresh) >= 0.5


def test_two_inputs_share_one_regressor_and_the_searcher_finds_their_sum(warm):
    task = real_task("sum2", 300, lambda a, b: a @ W + b @ W, inputs=2)
    result = float_searcher().search(task, grammar(), SearchBudget(timeout=12))
    assert result.solved
    program = str(result.best.program).replace("??n0[tensor(4) -> float]", "h")
    assert program in ("(lambda (lambda (+. (h $0) (h $1))))",
                       "(lambda (lambda (+. (h $1) (h $0))))")
    ranked = sorted(result.stats["ranked"], key=lambda r: -r["score"])
    assert ranked[0]["program"] == str(result.best.program)
    assert ranked[0]["rmse"] < ranked[1]["rmse"] / 2  # the error tells them apart early


def test_a_float_module_is_reused_as_it_is_to_rank_the_skeletons(warm):
    from hortus.train import train
    from hortus.train.search import FLOAT as HEAD

    single = real_task("dot", 300, lambda x: x @ W)
    fit = train(parse("(lambda (??dot $0))"), single.request, task_examples(single),
                TrainConfig(steps=1000, lr=1e-2, target=0.6, stop_at_target=True))
    module = fit.modules["dot"]
    assert module.arch.head == "float"
    task = real_task("sum2", 200, lambda a, b: a @ W + b @ W, inputs=2, seed=3)
    assert [h.name for h in holes_for(task.request, {"dot": module}, HEAD)] == ["dot"]
    searcher = float_searcher(known_candidates=3)
    searcher.modules = {"dot": module}
    # generous: screening gets a quarter of it, and a loaded machine (the other test worker
    # training a network) once left it no candidate at 10 s
    result = searcher.search(task, grammar(), SearchBudget(timeout=40))
    assert result.solved
    assert "(+. (??dot[tensor(4) -> float] $" in str(result.best.program)
    # ranked as it is, with no training: the sum is nearly right already, the others far off
    best, *others = sorted(result.stats["ranked"], key=lambda r: -r["score"])
    assert best["program"] == str(result.best.program) and best["accuracy"] > 0.1
    assert all(best["rmse"] < r["rmse"] / 10 for r in others)


def test_float_outputs_that_repeat_are_offered_holes_over_classes_too(glyphs, warm):
    # the float sum of two digits: 19 values, which classes explain exactly
    task = task_of(glyphs, "add2f", "tensor(12) -> tensor(12) -> float", 300,
                   lambda a, b: float(a + b))
    searcher = HybridSearcher(HybridConfig(candidates=2, rank_steps=20),
                              TrainConfig(steps=20))
    result = searcher.search(task, grammar(), SearchBudget(timeout=15))
    first, second = result.stats["candidates"]  # the two kinds share the places
    assert first == ("(lambda (lambda (float (+ (??n0[tensor(12) -> int] $0) "
                     "(??n0[tensor(12) -> int] $1)))))")
    assert "??n0[tensor(12) -> float]" in second
