"""Learning runs over a mix of list tasks and hybrid tasks (tensor inputs, float outputs).

Hybrid tasks are searched in the learning process by the hybrid searcher; their new modules
become neural routines, their programs are judged by held-out accuracy, and abstraction treats
a neural routine as a leaf. The tensors are synthetic "digits" (one noisy cluster per class,
as in ``tests/train/conftest.py``), so a network learns them in a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("torch")
pytest.importorskip("stitch_core")

from typer.testing import CliRunner  # noqa: E402

from hortus.cli import app  # noqa: E402
from hortus.lang.parse import parse  # noqa: E402
from hortus.lang.types import parse_type  # noqa: E402
from hortus.learn import LearnConfig, Learner  # noqa: E402
from hortus.library import Library  # noqa: E402
from hortus.search import Candidate, SearchResult  # noqa: E402
from hortus.tasks import bundled  # noqa: E402
from hortus.tasks.task import Example, Task  # noqa: E402

PAIR = "tensor(12) -> tensor(12) -> int"
H = "??add2-n0[tensor(12) -> int]"


def glyphs(n: int, arity: int, seed: int = 0) -> list[tuple[list[Any], list[int]]]:
    """``n`` draws of ``arity`` noisy copies of one of ten prototype vectors, with their
    classes."""
    from hortus.domains._arrays import Array

    gen = np.random.default_rng(seed)
    protos = gen.normal(size=(10, 12))
    out = []
    for _ in range(n):
        digits = [int(d) for d in gen.integers(10, size=arity)]
        out.append(([Array(protos[d] + 0.35 * gen.normal(size=12)) for d in digits], digits))
    return out


def glyph_task(name: str, request: str, n: int, f: Callable[..., int], seed: int = 0) -> Task:
    arity = request.count("->")
    examples = [Example(tuple(xs), f(*ds)) for xs, ds in glyphs(n, arity, seed)]
    return Task.build(name, examples, parse_type(request))


def list_tasks() -> list[Task]:
    by_name = {t.name: t for t in bundled("lists")}
    return [by_name[n] for n in ("len", "sum", "add-k with k=1")]


class Crash(Exception):
    pass


class CrashAfter:
    """Raises when the phase ``phase`` of iteration 0 has recorded ``after`` searches."""

    def __init__(self, phase: str, after: int) -> None:
        self.phase, self.after, self.seen = phase, after, 0

    def phase_started(self, iteration: int, phase: str, total: int) -> None:
        pass

    def advanced(self, iteration: int, phase: str, detail: str) -> None:
        if (iteration, phase) == (0, self.phase):
            self.seen += 1
            if self.seen == self.after:
                raise Crash

    def phase_done(self, iteration: int, phase: str, stats: dict[str, Any]) -> None:
        pass

    def iteration_done(self, row: Any) -> None:
        pass


def test_a_learning_run_searches_a_hybrid_task_keeps_its_module_and_resumes(
        tmp_path: Path) -> None:
    from hortus.train.solving import judge_hybrid

    add2 = glyph_task("add2", PAIR, 200, lambda a, b: a + b)
    tasks = [*list_tasks(), add2]
    # 150 examples seen: the list tasks see all theirs (15), add2 is judged on 50 held out
    config = LearnConfig(iterations=1, timeout=12, max_programs=5000, seen_examples=150,
                         prior="recognition", dreams=20, jobs=1, hybrid={"candidates": 1})
    with Library.open(tmp_path / "lib.db") as lib:
        learner = Learner.start(lib, tasks, config, CrashAfter("wake", len(tasks)))
        with pytest.raises(Crash):  # killed once every search of the wake is recorded
            learner.run()
        Learner.resume(lib).run()
        (run,) = lib.runs()
        assert run.command == "learn" and run.status == "done"
        assert [p.phase for p in lib.phases(run.id)] == ["wake", "abstraction", "dreams"]
        # searched once, in the learning run, and not again when it resumed
        (search,) = [s for s in lib.searches() if s.task == "add2"]
        assert search.run_id == run.id and search.solved
        assert search.stats["searcher"] == "hybrid" and search.stats["phase"] == "wake"
        assert search.stats["held_accuracy"] >= 0.5 and search.stats["right"] is True
        # its module is a neural routine, and the recorded program calls it
        (neural,) = [r for r in lib.routines() if r.kind == "neural"]
        assert neural.name == "add2-n0" and neural.provenance["task"] == "add2"
        (solution,) = [s for s in lib.solutions() if s.task == "add2"]
        assert H in solution.program
        corpus = lib.phases(run.id)[1].stats["corpus"]
        assert ["add2", solution.program] in corpus
        # judged again from the library's module alone (no trained program at hand): the same
        stored = SearchResult("add2", [Candidate(parse(solution.program), 0.0, 0.0, 1)], 1, 0.0,
                              None)
        right, accuracy = judge_hybrid(stored, add2.split(150)[1], lib)
        assert right and accuracy == pytest.approx(search.stats["held_accuracy"], abs=0.02)


def test_abstractions_may_call_a_neural_routine_and_run(tmp_path: Path) -> None:
    from hortus.train.modules import save_module
    from hortus.train.templates import architecture_for, build
    from hortus.train.trainer import Module

    tp = parse_type("tensor(12) -> int")
    arch = architecture_for(tp)
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    programs = {
        "add2": (PAIR, f"(lambda (lambda (+ ({H} $1) ({H} $0))))"),
        "add3": (f"tensor(12) -> {PAIR}", f"(lambda (lambda (lambda (+ ({H} $2) (+ ({H} $1) "
                                          f"({H} $0))))))"),
        "inc-add2": (PAIR, f"(lambda (lambda (+ 1 (+ ({H} $1) ({H} $0)))))"),
    }
    tasks = {name: glyph_task(name, request, 4, lambda *ds: sum(ds))
             for name, (request, _) in programs.items()}
    with Library.open(url) as lib:
        save_module(lib, "add2-n0", Module("add2-n0", tp, arch, build(arch)))
        learner = Learner.start(lib, list(tasks.values()),
                                LearnConfig(iterations=1, prior="library", new_routines=2))
        for name, (_, text) in programs.items():  # as if the wake had found them
            lib.add_result(learner.run_id, tasks[name], SearchResult(
                name, [Candidate(parse(text), 0.0, 0.0, 1)], 1, 0.0, None,
                {"iteration": 0, "phase": "wake"}))
        lib.complete_phase(learner.run_id, 0, "wake", {"solved_so_far": 3})
        (row,) = learner.run()
        assert any(H in r["body"] for r in row.new_routines), row.new_routines
        (routine,) = [r for r in lib.routines() if r.kind == "invented" and H in (r.body or "")]
        assert routine.type == PAIR
        assert any(getattr(p.program, "name", None) == routine.name
                   for p in lib.grammar().productions)
        corpus = lib.phases(learner.run_id)[-1].stats["corpus"]  # routines inline: #body
        assert any(f"#{routine.body}" in text for _, text in corpus)
    (a, b), _ = glyphs(1, 2, seed=1)[0]
    ran = CliRunner().invoke(app, ["run", f"(lambda (lambda ({routine.name} $1 $0)))",
                                   json.dumps(a.tolist()), json.dumps(b.tolist()),
                                   "--library", url])
    assert ran.exit_code == 0, ran.output
    assert 0 <= int(ran.stdout) <= 18


def test_a_hybrid_program_is_judged_by_its_held_out_accuracy() -> None:
    from hortus.train.solving import judge_hybrid

    def result(text: str | None) -> SearchResult:
        found = [] if text is None else [Candidate(parse(text), 0.0, 0.0, 1)]
        return SearchResult("t", found, 1, 0.0, None)

    floats = Task.build("scale", [Example((x,), 2.5 * x) for x in (1.0, 2.0, -4.0, 0.5)],
                        parse_type("float -> float"))
    # fitted constants: right only when every held-out output is within the tolerance
    assert judge_hybrid(result("(lambda (*. $0 2.5))"), floats, None) == (True, 1.0)
    close = "(lambda (*. $0 2.5001))"  # errors of at most 4e-4: within the judge's tolerance
    assert judge_hybrid(result(close), floats, None) == (True, 1.0)
    assert judge_hybrid(result("(lambda (*. $0 2.0))"), floats, None) == (False, 0.0)
    assert judge_hybrid(result("(lambda (+. $0 3.0))"), floats, None) == (False, 0.25)
    # nothing found, nothing to judge, a hole that nothing fills
    assert judge_hybrid(result(None), floats, None) == (False, None)
    assert judge_hybrid(result("(lambda (*. $0 2.0))"), None, None) == (True, None)
    add2 = glyph_task("add2", PAIR, 5, lambda a, b: a + b)
    assert judge_hybrid(result(f"(lambda (lambda (+ ({H} $1) ({H} $0))))"), add2, None
                        ) == (False, 0.0)


def test_a_float_task_is_fitted_and_judged_on_its_held_out_examples(tmp_path: Path) -> None:
    scale = Task.build("scale", [Example((float(x),), 2.5 * x) for x in range(-3, 9)],
                       parse_type("float -> float"))
    config = LearnConfig(iterations=1, timeout=4, seen_examples=8, prior="library")
    with Library.create(f"sqlite:///{tmp_path / 'lib.db'}", ("lists", "tensors")) as lib:
        (row,) = Learner.start(lib, [scale], config).run()
        assert row.train_solved == 1
        (search,) = lib.searches()
        assert search.stats["right"] is True and search.stats["held_accuracy"] == 1.0
        (solution,) = lib.solutions()
        assert "(*. " in solution.program  # times a fitted constant, about 2.5


def test_learn_config_checks_the_hybrid_options() -> None:
    with pytest.raises(ValueError, match="hybrid takes the options"):
        LearnConfig(hybrid={"candidatez": 2})
    assert LearnConfig.from_json({"hybrid": {"candidates": 2}}).hybrid == {"candidates": 2}


def test_hortus_learn_takes_a_task_file_with_a_hybrid_task(tmp_path: Path) -> None:
    """The hybrid task's tensors in the .npz beside the task file, as `hortus digits make`
    writes them; `--hybrid` sets the hybrid searcher's options."""
    arrays: dict[str, Any] = {}
    rows = []
    for k, (xs, ds) in enumerate(glyphs(160, 2)):
        for j, x in enumerate(xs):
            arrays[f"a{k}_{j}"] = x.data
        rows.append({"inputs": [{"$array": f"a{k}_{j}"} for j in range(2)],
                     "output": sum(ds)})
    lists = [{"name": f"add-{k}", "examples": [{"i": [1, 2], "o": [1 + k, 2 + k]},
                                               {"i": [5], "o": [5 + k]}, {"i": [], "o": []}]}
             for k in (1, 2)]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([*lists, {"name": "add2", "type": PAIR, "examples": rows}]))
    with (tmp_path / "tasks.npz").open("wb") as f:
        np.savez_compressed(f, **arrays)
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    runner = CliRunner()
    bad = runner.invoke(app, ["learn", str(path), "--library", url, "--hybrid", "nope=1"])
    assert bad.exit_code == 2 and "hybrid takes the options" in bad.stderr
    result = runner.invoke(app, ["learn", str(path), "--library", url, "--iterations", "1",
                                 "--timeout", "6", "--prior", "library", "--jobs", "1",
                                 "--max-programs", "5000", "--hybrid", "candidates=1"])
    assert result.exit_code == 0, result.output
    assert "After iteration 0" in result.stdout
    with Library.open(url) as lib:
        (search,) = [s for s in lib.searches() if s.task == "add2"]
        assert search.stats["searcher"] == "hybrid"
        assert "held_accuracy" in search.stats
        assert search.solved == any(r.kind == "neural" for r in lib.routines())
