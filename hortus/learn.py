"""The lifelong loop: wake, abstraction, dreams, test; every phase committed, every run resumable.

One iteration:

1. **wake**: search the training tasks (a seeded batch of them) with the current prior;
   every search is recorded in the library as it finishes.
2. **abstraction**: compress the best program of every solved training task into new routines
   (Stitch), rewrite the programs with them, refit the grammar's weights on the rewritten
   corpus; routines and weights are stored in one transaction.
3. **dreams**: sample programs from the new grammar, run them on task-like inputs, and train
   the recognition model on them and on the solved tasks (only with the recognition prior).
4. **test**: search the held-out test tasks with what was learned (when there are any).

Tasks whose inputs hold images or tensors, or whose output is a float (*hybrid* tasks,
:func:`hortus.train.solving.is_hybrid`), are searched in this process by the hybrid searcher,
one at a time, with the library's trained modules on offer; a module it trains is stored as a
neural routine at once, and the recorded program calls it. Such a program is judged on
held-out examples by its accuracy (:func:`hortus.train.solving.judge_hybrid`), and takes part
in abstraction like any other: a neural routine is a leaf, as a primitive is.

All state lives in the library: a run killed anywhere continues with :meth:`Learner.resume`
after its last completed phase (searches of an unfinished phase that were already recorded are
not repeated), so it ends with the library an uninterrupted run would have built, exactly so
when searches are bounded by programs tried rather than by time.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

from hortus.eval.judge import right_on
from hortus.lang.parse import parse
from hortus.lang.program import Program, Routine, show
from hortus.library import Library, LibraryError, NewRoutine
from hortus.prior import Grammar, Prior, Production, UniformPrior
from hortus.prior.fit import fit
from hortus.search import SearchBudget, SearchResult
from hortus.solving import MODEL_BLOB, PRIORS, load_prior, solve_many
from hortus.tasks.task import Task

PHASES = ("wake", "abstraction", "dreams", "test")


@dataclass(frozen=True)
class LearnConfig:
    iterations: int = 3  # wake/abstraction/dreams/test cycles
    timeout: float = 10.0  # seconds of search per task
    batch: int | None = None  # training tasks searched per wake (a seeded sample); None: all
    test_split: float = 0.0  # fraction of the tasks held out for testing
    seed: int = 0  # every random choice derives from it
    prior: str = "recognition"  # prior of wake and test searches: uniform, library, recognition
    abstraction: bool = True  # learn new routines (off: only the weights are refit)
    seen_examples: int | None = None  # examples a search sees; the rest judge its program
    max_programs: int | None = None  # stop each search after this many programs (reproducible)
    new_routines: int = 5  # abstractions sought per iteration
    max_arity: int = 3  # arguments of a new routine at most
    dreams: int = 500  # dreams sampled per iteration for the recognition model
    jobs: int | None = None  # parallel searches (default: all cores)
    hybrid: dict[str, Any] = field(default_factory=dict)  # HybridConfig options (hybrid tasks)

    def __post_init__(self) -> None:
        if self.prior not in PRIORS:
            raise ValueError(f"prior must be one of {', '.join(PRIORS)}, not {self.prior!r}")
        if self.iterations < 0 or self.timeout <= 0 or not 0 <= self.test_split < 1:
            raise ValueError("iterations >= 0, timeout > 0 and 0 <= test_split < 1 are needed")
        from hortus.train.search import HybridSearcher  # no torch until a search starts

        HybridSearcher.from_options(self.hybrid)  # unknown options fail now, not mid-run

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearnConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class Events(Protocol):
    """What a learning run reports as it goes (the CLI draws progress bars from it)."""

    def phase_started(self, iteration: int, phase: str, total: int) -> None: ...
    def advanced(self, iteration: int, phase: str, detail: str) -> None: ...
    def phase_done(self, iteration: int, phase: str, stats: dict[str, Any]) -> None: ...
    def iteration_done(self, row: IterationRow) -> None: ...


class _Quiet:
    def phase_started(self, iteration: int, phase: str, total: int) -> None:
        pass

    def advanced(self, iteration: int, phase: str, detail: str) -> None:
        pass

    def phase_done(self, iteration: int, phase: str, stats: dict[str, Any]) -> None:
        pass

    def iteration_done(self, row: IterationRow) -> None:
        pass


@dataclass
class IterationRow:
    """One line of the learning table."""

    iteration: int
    train_solved: int
    train_tasks: int
    test_solved: int | None
    test_right: int | None
    test_tasks: int
    library_size: int  # invented routines
    new_routines: list[dict[str, Any]] = field(default_factory=list)


class Learner:
    """Runs (or resumes) one learning run against a library."""

    def __init__(self, library: Library, run_id: int, config: LearnConfig, train: list[Task],
                 test: list[Task], events: Events | None = None) -> None:
        self.library, self.run_id, self.config = library, run_id, config
        self.train, self.test = train, test
        self.events: Events = events or _Quiet()

    # ------------------------------------------------------------ starting and resuming

    @classmethod
    def start(cls, library: Library, tasks: Sequence[Task], config: LearnConfig,
              events: Events | None = None, source: str = "") -> Learner:
        """A new run over ``tasks``: the train/test split is drawn now and stored with it."""
        if not tasks:
            raise ValueError("no tasks to learn from")
        names = [t.name for t in tasks]
        if len(set(names)) != len(names):
            raise ValueError("task names must be unique within a learning run")
        order = list(range(len(tasks)))
        random.Random(f"{config.seed}:split").shuffle(order)
        n_test = round(len(tasks) * config.test_split)
        test_ids = sorted(order[:n_test])
        train = [tasks[k] for k in range(len(tasks)) if k not in set(test_ids)]
        test = [tasks[k] for k in test_ids]
        ids = {t.name: library.add_task(t) for t in tasks}
        run_id = library.start_run("learn", {
            **asdict(config), "source": source,
            "train": [ids[t.name] for t in train], "test": [ids[t.name] for t in test]})
        return cls(library, run_id, config, train, test, events)

    @classmethod
    def resume(cls, library: Library, run_id: int | None = None,
               events: Events | None = None) -> Learner:
        """The learning run ``run_id`` (default: the latest unfinished one), ready to go on."""
        runs = [r for r in library.runs() if r.command == "learn"]
        if run_id is not None:
            runs = [r for r in runs if r.id == run_id]
        else:
            runs = [r for r in runs if r.status != "done"]
        if not runs:
            raise LibraryError("no learning run to resume" if run_id is None
                               else f"no learning run {run_id} in the library")
        run = runs[-1]
        by_id = {t.id: t for t in library.tasks()}
        try:
            train = [by_id[i].task() for i in run.config["train"]]
            test = [by_id[i].task() for i in run.config["test"]]
        except KeyError as e:
            raise LibraryError(f"learning run {run.id} names task {e} that the library "
                               f"does not hold") from None
        return cls(library, run.id, LearnConfig.from_json(run.config), train, test, events)

    # ------------------------------------------------------------ the loop

    def run(self) -> list[IterationRow]:
        """Every iteration's phases not yet done; the learning table of the whole run."""
        try:
            for i in range(self.config.iterations):
                for phase in PHASES:
                    if not self._done(i, phase) and self._needed(phase):
                        stats = getattr(self, f"_{phase}")(i)
                        self.events.phase_done(i, phase, stats)
                self.events.iteration_done(self.table()[i])
        except BaseException:
            self.library.finish_run(self.run_id, {"stopped": True}, status="failed")
            raise
        rows = self.table()
        self.library.finish_run(self.run_id, {"iterations": len(rows),
                                              "table": [asdict(r) for r in rows]})
        return rows

    def _done(self, iteration: int, phase: str) -> bool:
        return any(p.iteration == iteration and p.phase == phase
                   for p in self.library.phases(self.run_id))

    def _needed(self, phase: str) -> bool:
        if phase == "dreams":
            return self.config.prior == "recognition"
        if phase == "test":
            return bool(self.test)
        return True

    def table(self) -> list[IterationRow]:
        by_iteration: dict[int, dict[str, dict[str, Any]]] = {}
        for p in self.library.phases(self.run_id):
            by_iteration.setdefault(p.iteration, {})[p.phase] = p.stats
        rows = []
        size = 0
        for i in sorted(by_iteration):
            phases = by_iteration[i]
            wake, abstraction, test = (phases.get(k, {}) for k in ("wake", "abstraction",
                                                                    "test"))
            size = abstraction.get("library_size", size)
            rows.append(IterationRow(i, wake.get("solved_so_far", 0), len(self.train),
                                     test.get("solved"), test.get("right"), len(self.test),
                                     size, abstraction.get("new_routines", [])))
        return rows

    # ------------------------------------------------------------ phases

    def _wake(self, i: int) -> dict[str, Any]:
        tasks = self.train
        if self.config.batch is not None and self.config.batch < len(tasks):
            rng = random.Random(f"{self.config.seed}:batch:{i}")
            tasks = rng.sample(tasks, self.config.batch)
        started = time.perf_counter()
        results = self._search(i, "wake", tasks)
        solved_so_far = {s.task for s in self.library.searches(self.run_id)
                         if s.solved and s.stats.get("phase") == "wake"}
        stats = _search_stats(results, started)
        stats["solved_so_far"] = len(solved_so_far)
        self.library.complete_phase(self.run_id, i, "wake", stats)
        return stats

    def _abstraction(self, i: int) -> dict[str, Any]:
        start = time.perf_counter()
        grammar = self.library.grammar()
        corpus, names = self._corpus(grammar)
        new: list[NewRoutine] = []
        learned: list[dict[str, Any]] = []
        stats: dict[str, Any] = {"programs": len(corpus)}
        rewritten = [p for _, p in corpus]
        if self.config.abstraction and corpus:
            from hortus.abstraction.stitch import StitchCompressor

            # neural routines are not in the namespace (they are holes), but their names are
            taken = set(grammar.namespace()) | {r.name for r in self.library.routines()}
            compression = StitchCompressor(self.config.new_routines, self.config.max_arity
                                           ).compress(corpus, names, taken)
            stats.update(compression.stats)
            # A routine the library already has (an earlier run's, its body built from
            # primitives again by this run's searches) is found again, not added again: the
            # programs and the new routines' bodies call the library's copy.
            known = {p.program for p in grammar.productions if isinstance(p.program, Routine)}
            fresh = [a for a in compression.abstractions if a.routine not in known]
            stats["found_again"] = [show(a.routine.body) for a in compression.abstractions
                                    if a.routine in known]
            added = []
            for a in fresh:
                routine = Routine(_named(a.routine.body, grammar), a.routine.name)
                added.append(Production(routine, a.type))
                new.append(NewRoutine(routine, routine.name or a.uid, 0.0, {
                    "iteration": i, "run": self.run_id, "uid": a.uid, "uses": a.uses,
                    "tasks": list(a.tasks)}))
                learned.append({"name": routine.name, "type": str(a.type), "uses": a.uses,
                                "body": show(routine.body, names=True)})
            grammar = Grammar((*grammar.productions, *added), grammar.log_variable,
                              grammar.bigram)
            rewritten = [_named(p, grammar) for p in compression.rewritten]
        fitted = fit(grammar, [(req, p) for (req, _), p in zip(corpus, rewritten, strict=True)])
        invented = sum(isinstance(p.program, Routine) for p in fitted.productions)
        stats.update({
            "new_routines": learned, "library_size": invented,
            "seconds": time.perf_counter() - start,
            "corpus": [[name, show(p)] for name, p in zip(names, rewritten, strict=True)],
        })
        self.library.complete_phase(self.run_id, i, "abstraction", stats, routines=new,
                                    grammar=fitted)
        return stats

    def _dreams(self, i: int) -> dict[str, Any]:
        try:
            from hortus.prior.recognition import RecognitionConfig, RecognitionModel
        except ImportError as e:
            raise ValueError(f"the recognition prior needs PyTorch ({e}): "
                             f"pip install 'hortus[learn]'") from None
        from hortus.prior.dreams import dream

        start = time.perf_counter()
        grammar = self.library.grammar()
        corpus = self._phase_stats(i, "abstraction").get("corpus", [])
        # Hybrid tasks are left out: the model guides only the enumerative searches (a hybrid
        # search starts from the library's weights), and its features read an array as one
        # unknown token, so a hybrid task or a dream on images would teach it nothing.
        train = self._plain(self.train)
        by_name = {t.name: t for t in train}
        namespace = grammar.namespace()
        data = [(by_name[name], parse(text, namespace)) for name, text in corpus
                if name in by_name]
        seed = self.config.seed * 10_007 + i
        self.events.phase_started(i, "dreams", self.config.dreams)
        dreamt = dream(grammar, self._seen(train), n=self.config.dreams, seed=seed,
                       max_samples=50 * self.config.dreams,
                       progress=lambda kept: self.events.advanced(i, "dreams", "dreamt"))
        steps: list[int] = []

        def trained(step: int, total: int, loss: float) -> None:
            if not steps:  # the bar of the training steps replaces that of the dreams
                self.events.phase_started(i, "training", total)
            steps.append(step)
            self.events.advanced(i, "training", f"loss {loss:.3f}")

        model = RecognitionModel(RecognitionConfig(seed=seed)).fit(
            grammar, data, dreams=dreamt.dreams, progress=trained)
        stats = {"dreams": len(dreamt.dreams), "solved_examples": len(data),
                 "loss": _finite(model.final_loss_),
                 "held_out_loss": _finite(model.validation_loss_),
                 "mix": model.mix_, "seconds": time.perf_counter() - start}
        self.library.complete_phase(self.run_id, i, "dreams", stats, blobs=[
            (MODEL_BLOB, model.to_bytes(), "safetensors", {"run": self.run_id, "iteration": i})])
        return stats

    def _test(self, i: int) -> dict[str, Any]:
        started = time.perf_counter()
        results = self._search(i, "test", self.test)
        stats = _search_stats(results, started)
        stats["right"] = sum(bool(r.stats.get("right")) for r in results)
        self.library.complete_phase(self.run_id, i, "test", stats)
        return stats

    # ------------------------------------------------------------ helpers

    def prior(self) -> Prior:
        """The configured prior; the library's weights until this run trained a model."""
        name = self.config.prior
        if name == "recognition":
            blob = self.library.get_blob(MODEL_BLOB)
            if blob is None or blob.meta.get("run") != self.run_id:
                name = "library"
        return load_prior(name, self.library)

    def _search(self, i: int, phase: str, tasks: list[Task]) -> list[SearchResult]:
        """Search ``tasks``, skipping those this phase already searched (a resumed run):
        ordinary tasks in worker processes, hybrid ones here, one at a time."""
        done = {s.task: s for s in self.library.searches(self.run_id)
                if s.stats.get("iteration") == i and s.stats.get("phase") == phase}
        results = [_recorded(s) for name, s in done.items()
                   if name in {t.name for t in tasks}]
        todo = [t for t in self._seen(tasks) if t.name not in done]
        plain = self._plain(todo)
        hybrid_names = {t.name for t in todo} - {t.name for t in plain}
        hybrid = [t for t in todo if t.name in hybrid_names]
        self.events.phase_started(i, phase, len(tasks))
        for _ in results:
            self.events.advanced(i, phase, "already searched")
        held = {t.name: t for t in self._held_out(tasks)}

        def record(task: Task, result: SearchResult) -> None:
            # judged now: a resumed run does not load programs back
            if task.name in hybrid_names:
                right, accuracy = self._judge_hybrid(result, held.get(task.name))
                result.stats.update({"searcher": "hybrid", "held_accuracy": accuracy})
            else:
                right = right_on(result.best.program if result.best else None,
                                 held.get(result.task))
            result.stats.update({"iteration": i, "phase": phase, "right": right,
                                 "found": result.best.time if result.best else None})
            self.library.add_result(self.run_id, task, result)
            self.events.advanced(i, phase, "solved" if result.solved else "not solved")

        if plain:
            chosen = self.prior().grammars_for(plain)
            shared = chosen if isinstance(chosen, Grammar) else None
            grammars = None if isinstance(chosen, Grammar) else chosen
            budget = SearchBudget(timeout=self.config.timeout,
                                  max_programs=self.config.max_programs)
            results += solve_many(plain, None, budget=budget, jobs=self.config.jobs,
                                  grammar=shared, grammars=grammars, record=False,
                                  on_result=lambda k, r: record(plain[k], r))
        for task in hybrid:
            result = self._search_hybrid(task)
            record(task, result)
            results.append(result)
        return results

    def _search_hybrid(self, task: Task) -> SearchResult:
        """One hybrid search, with the modules and the grammar of the library as it is now
        (an earlier hybrid search may have added a neural routine); its new modules are
        stored and the program renamed to call them, the result is left to record."""
        try:
            import torch  # noqa: F401
        except ImportError as e:
            raise ValueError(f"task {task.name!r} reads images or tensors or returns floats, "
                             f"which needs PyTorch ({e}): pip install 'hortus[learn]'") from None
        from hortus.train import HoleTypeError, TrainError
        from hortus.train.solving import search_hybrid

        try:
            return search_hybrid(task, self.library, self.config.timeout, self.config.hybrid,
                                 grammar=self._hybrid_grammar())
        except (TrainError, HoleTypeError) as e:  # this task cannot be searched: not solved
            return SearchResult(task.name, [], 0, 0.0, None, {"error": str(e)})

    def _hybrid_grammar(self) -> Grammar:
        """The grammar of a hybrid search: the prior's, except that the recognition prior
        gives the library's weights (its model learns from the enumerative searches and reads
        an array as one unknown token: it has nothing to say about a hybrid task)."""
        grammar = self.library.grammar()
        if self.config.prior == "uniform":
            return UniformPrior(grammar).grammar
        return grammar

    def _judge_hybrid(self, result: SearchResult, held: Task | None
                      ) -> tuple[bool, float | None]:
        from hortus.train.solving import judge_hybrid

        return judge_hybrid(result, held, self.library, self.config.hybrid)

    def _corpus(self, grammar: Grammar) -> tuple[list[tuple[Any, Program]], list[str]]:
        """The best program of every training task this run solved (latest search first)."""
        train = {t.name: t for t in self.train}
        namespace = grammar.namespace()
        best: dict[str, Program] = {}
        for s in self.library.solutions():
            if s.run_id == self.run_id and s.rank == 1 and s.task in train and s.task not in best:
                best[s.task] = _named(_searched(parse(s.program, namespace)), grammar)
        names = sorted(best)
        return [(train[n].request, best[n]) for n in names], names

    def _phase_stats(self, i: int, phase: str) -> dict[str, Any]:
        for p in self.library.phases(self.run_id):
            if p.iteration == i and p.phase == phase:
                return p.stats
        return {}

    def _plain(self, tasks: list[Task]) -> list[Task]:
        """The tasks that are not hybrid (those the enumerative searchers take)."""
        from hortus.train.solving import is_hybrid

        return [t for t in tasks if not is_hybrid(t)]

    def _seen(self, tasks: list[Task]) -> list[Task]:
        n = self.config.seen_examples
        return tasks if n is None else [t.split(n)[0] for t in tasks]

    def _held_out(self, tasks: list[Task]) -> list[Task]:
        n = self.config.seen_examples
        return tasks if n is None else [t.split(n)[1] for t in tasks]


def _named(program: Program, grammar: Grammar) -> Program:
    """``program`` with every routine replaced by the library's named one with the same body."""
    from hortus.lang.program import Apply, Lambda

    named = {p.program: p.program for p in grammar.productions if isinstance(p.program, Routine)}

    def go(q: Program) -> Program:
        if isinstance(q, Routine):
            return named.get(q, q)
        if isinstance(q, Apply):
            return Apply(go(q.f), go(q.x))
        if isinstance(q, Lambda):
            return Lambda(go(q.body))
        return q

    return go(program)


def _searched(program: Program) -> Program:
    """``program`` without the steps deduced from its task's examples (calls of a domain's
    deduced primitives, :attr:`hortus.domains.Domain.deduced`, each replaced by the value it
    changes, its last argument): what the search found, for abstraction and the prior."""
    from hortus.domains import deduced_names
    from hortus.lang.program import Apply, Lambda, Primitive, spine
    from hortus.lang.types import arguments

    deduced = deduced_names()

    def go(q: Program) -> Program:
        if isinstance(q, Apply):
            head, args = spine(q)
            if (isinstance(head, Primitive) and head.name in deduced
                    and len(args) == len(arguments(head.tp))):
                return go(args[-1])
            return Apply(go(q.f), go(q.x))
        if isinstance(q, Lambda):
            return Lambda(go(q.body))
        return q

    return go(program) if deduced else program


def _recorded(s: Any) -> SearchResult:
    """A search already in the library, as a result (programs are not needed again)."""
    return SearchResult(s.task, [], s.tried, s.time, s.cut, {**s.stats, "solved": s.solved})


def _solved(r: SearchResult) -> bool:
    return r.solved or bool(r.stats.get("solved"))


def _search_stats(results: list[SearchResult], started: float) -> dict[str, Any]:
    """Counts and times of a search phase; ``seconds`` is its wall time (in this process: a
    resumed phase counts from the resume), ``search_seconds`` the searches' own times summed
    over the workers."""
    times = sorted(r.best.time if r.best else r.time for r in results if _solved(r))
    return {"tasks": len(results), "solved": sum(_solved(r) for r in results),
            "median_time": statistics.median(times) if times else None, "times": times,
            "seconds": time.perf_counter() - started,
            "search_seconds": sum(r.time for r in results)}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None
