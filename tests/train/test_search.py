"""The hybrid searcher finds the structure; the holes are trained inside it."""

from __future__ import annotations

from hortus.lang.parse import parse
from hortus.lang.primitives._registry import domain_set, lookup
from hortus.lang.types import parse_type
from hortus.prior.grammar import Grammar
from hortus.search import SearchBudget
from hortus.tasks.task import Example, Task
from hortus.train import TrainConfig
from hortus.train.search import HybridConfig, HybridSearcher, compose, holes_for, latent_type

GRAMMAR = None


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
