"""The recognition model: task features, training, per-task grammars, safe serialisation."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from dataclasses import asdict, replace

import pytest
import safetensors.torch
import torch

from hortus.lang.parse import parse
from hortus.lang.primitives import lookup
from hortus.lang.program import Program, Routine
from hortus.prior.cfg import CFG
from hortus.prior.features import (
    MARKER,
    GenericFeatures,
    features_from_description,
)
from hortus.prior.grammar import VARIABLE, Grammar, Production, key_of
from hortus.prior.recognition import (
    RecognitionConfig,
    RecognitionModel,
    RecognitionPrior,
)
from hortus.tasks.task import Task

NAMES = ("reverse", "sort", "cdr", "cons", "car", "empty", "map", "+", "0", "1", "length",
         "append")
REVERSE, SORT = parse("(lambda (reverse $0))"), parse("(lambda (sort $0))")
TINY = RecognitionConfig(embedding_size=16, hidden_size=32, epochs=30, batch_size=8,
                         learning_rate=1e-2, validation=0.0, max_examples=6, max_tokens=32,
                         threads=1, max_contexts=1000)  # every context used gets a table


def family(kind: str, k: int, seed: int) -> Task:
    """A task whose outputs are its inputs reversed (small numbers) or sorted (larger ones)."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(5):
        xs = [rng.randrange(0, 10) if kind == "rev" else rng.randrange(20, 60)
              for _ in range(rng.randrange(2, 7))]
        pairs.append((xs, xs[::-1] if kind == "rev" else sorted(xs)))
    return Task.from_examples(pairs, f"{kind}-{k}", "list(int) -> list(int)")


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar.uniform([lookup(n) for n in NAMES])


@pytest.fixture(scope="module")
def data() -> list[tuple[Task, Program]]:
    return ([(family("rev", k, k), REVERSE) for k in range(12)]
            + [(family("sort", k, 100 + k), SORT) for k in range(12)])


@pytest.fixture(scope="module")
def model(grammar: Grammar, data: list[tuple[Task, Program]]) -> RecognitionModel:
    return RecognitionModel(TINY).fit(grammar, data)


# ------------------------------------------------------------------ features


def test_generic_features_write_every_example_within_the_vocabulary() -> None:
    features = GenericFeatures(max_int=8, max_tokens=24)
    task = Task.from_examples([(([1, -3, 1000], "ab"), {(1, 2)}), (([], "x"), set())],
                              request="list(int) -> str -> set(pair(int, int))")
    seqs = features.tokens(task)
    assert len(seqs) == 2
    for seq in seqs:
        assert 0 < len(seq) <= 24
        assert all(0 < t < features.vocabulary_size for t in seq)
        assert seq[0] == MARKER["EXAMPLE"] and seq[-1] == MARKER["END"]
        assert MARKER["INPUT_SEP"] in seq and MARKER["OUTPUT"] in seq
    assert MARKER["BIG_POS"] in seqs[0] and MARKER["SET_OPEN"] in seqs[0]
    assert seqs[0] != seqs[1]


def test_a_long_input_does_not_crowd_out_the_output() -> None:
    features = GenericFeatures(max_tokens=32)
    seq = features.tokens(Task.from_examples([(list(range(200)), 7)]))[0]
    assert len(seq) <= 32
    assert MARKER["TRUNC"] in seq
    assert seq[-3:] == [MARKER["OUTPUT"], features.tokens(
        Task.from_examples([([], 7)]))[0][-2], MARKER["END"]]


def test_feature_descriptions_round_trip_and_reject_unknown_extractors() -> None:
    features = GenericFeatures(max_int=10, max_tokens=40)
    again = features_from_description(features.describe())
    assert again.describe() == features.describe()
    for bad in ({"name": "mystery"}, {**features.describe(), "max_int": -1}, None,
                {**features.describe(), "vocabulary_size": 3}):
        with pytest.raises(ValueError):
            features_from_description(bad)


# ------------------------------------------------------------------ learning


def test_each_family_gets_its_own_program(grammar: Grammar, model: RecognitionModel) -> None:
    for kind, right, wrong in (("rev", REVERSE, SORT), ("sort", SORT, REVERSE)):
        task = family(kind, 99, 999)  # held out
        predicted = CFG(model.predict(grammar, task), task.request)
        plain = CFG(grammar, task.request)
        assert predicted.logprob(right) > predicted.logprob(wrong) + 2.0
        assert predicted.logprob(right) > plain.logprob(right) + 2.0


def test_each_context_used_in_training_gets_a_table(grammar: Grammar, model: RecognitionModel,
                                                    data: list[tuple[Task, Program]]) -> None:
    predicted = model.predict(grammar, data[0][0])
    assert [p.program for p in predicted.productions] == [p.program for p in grammar.productions]
    # the training programs are (reverse $0) and (sort $0): every other slot reads the
    # default row, which was trained on all of them
    assert set(predicted.bigram) == {("reverse", 0), ("sort", 0)}
    for table in predicted.bigram.values():
        assert set(table) == {*NAMES, VARIABLE}
        assert all(math.isfinite(w) for w in table.values())
    assert math.isfinite(predicted.log_variable)
    # a batch gives the same grammars as one task at a time
    many = model.predict_many(grammar, [t for t, _ in data[:3]])
    for g, (task, _) in zip(many, data[:3], strict=True):
        one = model.predict(grammar, task)
        assert g.weights(None) == pytest.approx(one.weights(None))
        assert g.bigram[("sort", 0)] == pytest.approx(one.bigram[("sort", 0)])


def test_only_the_most_used_contexts_get_tables(grammar: Grammar, model: RecognitionModel,
                                                data: list[tuple[Task, Program]]) -> None:
    limited = RecognitionModel.from_bytes(model.to_bytes())
    limited.config_ = replace(limited.config_, max_contexts=1)
    predicted = limited.predict(grammar, data[0][0])
    contexts = [c for c in limited.vocabulary_.contexts if c is not None]
    ranked = sorted(contexts, key=lambda c: -limited.context_uses_[
        limited.vocabulary_.contexts.index(c)])
    assert set(predicted.bigram) == set(ranked[:1])
    # the tables kept are the full model's tables for those contexts
    full = model.predict(grammar, data[0][0])
    for ctx in ranked[:1]:
        assert predicted.bigram[ctx] == pytest.approx(full.bigram[ctx])


def test_productions_the_model_never_saw_keep_the_grammars_weight(
        grammar: Grammar, model: RecognitionModel, data: list[tuple[Task, Program]]) -> None:
    routine = Routine(parse("(lambda (cdr (reverse $0)))"), "rest-reversed")
    grown = Grammar((*grammar.productions, Production(routine, routine.type, -1.5)),
                    bigram={("mystery", 0): {"sort": 3.0}})
    predicted = model.predict(grown, family("sort", 7, 7))
    assert predicted.by_key()[key_of(routine)].logweight == -1.5
    assert predicted.bigram[("mystery", 0)] == {"sort": 3.0}  # the grammar's own table
    assert predicted.bigram[("sort", 0)][key_of(routine)] == grown.weights(None)[key_of(routine)]
    task = family("sort", 8, 8)
    assert CFG(predicted, task.request).logprob(SORT) > CFG(grown, task.request).logprob(SORT)


def test_training_is_deterministic_and_leaves_global_randomness_alone(
        grammar: Grammar, data: list[tuple[Task, Program]], model: RecognitionModel) -> None:
    config = replace(TINY, epochs=3)
    state, threads = torch.get_rng_state(), torch.get_num_threads()
    a = RecognitionModel(config).fit(grammar, data).net_.state_dict()
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads and not torch.are_deterministic_algorithms_enabled()
    b = RecognitionModel(config).fit(grammar, data).net_.state_dict()
    c = RecognitionModel(replace(config, seed=1)).fit(grammar, data).net_.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_progress_and_validation(grammar: Grammar, data: list[tuple[Task, Program]]) -> None:
    seen: list[tuple[int, int, float]] = []
    config = replace(TINY, epochs=50, validation=0.25, patience=2)
    fitted = RecognitionModel(config).fit(grammar, data[:-2], dreams=data[-2:],
                                          progress=lambda *a: seen.append(a))
    assert [s for s, _, _ in seen] == list(range(1, len(fitted.losses_) + 1))
    assert all(total == seen[0][1] for _, total, _ in seen)
    assert len(fitted.losses_) < seen[0][1]  # stopped early: the toy is learnt fast
    # the loss at the chosen mix; mix 1 is the best epoch's own loss
    assert fitted.validation_loss_ == fitted.mix_losses_[fitted.mix_]
    assert fitted.mix_losses_[1.0] == pytest.approx(min(fitted.validation_losses_))
    assert fitted.final_loss_ < fitted.losses_[0]


def test_held_out_solved_tasks_choose_how_much_the_model_counts(
        grammar: Grammar, data: list[tuple[Task, Program]]) -> None:
    config = replace(TINY, validation=0.25)
    good = RecognitionModel(config).fit(grammar, data)
    assert good.mix_ >= 0.75  # the families are easy to tell apart
    assert good.held_out_ == 6 and good.held_out_solved_
    # Dreams that contradict the solved tasks mislead the network; the held-out solved tasks
    # (never dreams) notice, and the grammar's own weights take over.
    swapped = [(t, SORT if p == REVERSE else REVERSE) for t, p in data]
    misled = RecognitionModel(config).fit(grammar, data, dreams=swapped * 3)
    assert misled.mix_ < good.mix_
    assert misled.held_out_ == 6 and misled.held_out_solved_  # the solved tasks', not dreams
    # with fewer than 10 solved tasks, pairs are held out from everything
    few = RecognitionModel(config).fit(grammar, data[:4], dreams=data[4:])
    assert few.held_out_ == 6 and not few.held_out_solved_
    assert misled.mix_losses_[misled.mix_] == min(misled.mix_losses_.values())
    loaded = RecognitionModel.from_bytes(misled.to_bytes())
    assert loaded.mix_ == misled.mix_


def replace_mix(model: RecognitionModel, mix: float) -> RecognitionModel:
    out = RecognitionModel.from_bytes(model.to_bytes())
    out.mix_ = mix
    return out


def test_a_mix_between_zero_and_one_lies_between_grammar_and_network(
        grammar: Grammar, model: RecognitionModel) -> None:
    task = family("rev", 50, 50)
    scores = [CFG(replace_mix(model, m).predict(grammar, task), task.request).logprob(REVERSE)
              for m in (0.0, 0.5, 1.0)]
    assert scores[0] < scores[1] < scores[2]
    assert replace_mix(model, 0.0).predict(grammar, task) is grammar  # one grammar, one compile


def test_transformer_encoder_trains_and_round_trips(grammar: Grammar,
                                                    data: list[tuple[Task, Program]]) -> None:
    config = replace(TINY, encoder="transformer", heads=2, epochs=2)
    fitted = RecognitionModel(config).fit(grammar, data)
    loaded = RecognitionModel.from_bytes(fitted.to_bytes())
    tasks = [t for t, _ in data]
    assert torch.equal(fitted.logits(tasks), loaded.logits(tasks))
    assert torch.isfinite(fitted.logits(tasks)).all()


def test_underivable_pairs_are_skipped_and_nothing_derivable_is_an_error(
        grammar: Grammar, data: list[tuple[Task, Program]]) -> None:
    wrong = parse("(lambda (length $0))")  # returns an int, not a list
    fitted = RecognitionModel(replace(TINY, epochs=1)).fit(grammar, [*data, (data[0][0], wrong)])
    assert fitted.skipped_ == 1
    with pytest.raises(ValueError, match="derivation"):
        RecognitionModel(TINY).fit(grammar, [(data[0][0], wrong)])
    with pytest.raises(RuntimeError, match="not fitted"):
        RecognitionModel(TINY).predict(grammar, data[0][0])


def test_recognition_prior(grammar: Grammar, model: RecognitionModel,
                           data: list[tuple[Task, Program]]) -> None:
    prior = RecognitionPrior(model, grammar)
    assert prior.name == "recognition"
    task = data[0][0]
    assert prior.grammar_for(task).weights(None) == model.predict(grammar, task).weights(None)
    assert len(prior.grammars_for([t for t, _ in data])) == len(data)


# ------------------------------------------------------------------ serialisation


def test_bytes_round_trip_gives_identical_predictions(grammar: Grammar, model: RecognitionModel,
                                                      data: list[tuple[Task, Program]]) -> None:
    loaded = RecognitionModel.from_bytes(model.to_bytes())
    assert loaded.config_ == model.config_
    tasks = [t for t, _ in data]
    assert torch.equal(loaded.logits(tasks), model.logits(tasks))
    a, b = model.predict(grammar, tasks[0]), loaded.predict(grammar, tasks[0])
    assert a.weights(None) == b.weights(None) and a.bigram == b.bigram


def _resave(model: RecognitionModel, tensors: dict[str, torch.Tensor] | None = None,
            meta: dict[str, object] | None = None) -> bytes:
    """The model's bytes with some tensors or metadata replaced."""
    data = model.to_bytes()
    header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])
    original = json.loads(header["__metadata__"]["hortus"])
    state = {k: v.clone() for k, v in model.net_.state_dict().items()}
    return safetensors.torch.save({**state, **(tensors or {})},
                                  metadata={"hortus": json.dumps({**original, **(meta or {})})})


def test_a_model_saved_before_a_setting_existed_loads_with_its_default(
        model: RecognitionModel) -> None:
    older = {k: v for k, v in asdict(model.config_).items() if k not in ("threads", "max_contexts")}
    loaded = RecognitionModel.from_bytes(_resave(model, meta={"config": older}))
    assert loaded.config_.max_contexts == RecognitionConfig().max_contexts


def test_hostile_or_damaged_bytes_raise_value_error(model: RecognitionModel) -> None:
    good = model.to_bytes()
    out = model.net_.out.weight
    bad_cases = [
        b"", b"12345678", good[:100], good[:-10], b"\xff" * 64,
        (10**12).to_bytes(8, "little") + b"{}",
        (8).to_bytes(8, "little") + b"\xff" * 8,
        (2000).to_bytes(8, "little") + b"[" * 1000 + b"]" * 1000,
        len(b'{"a": 1}').to_bytes(8, "little") + b'{"a": 1}',
        _resave(model, tensors={"out.weight": torch.zeros(out.shape[0] + 1, out.shape[1])}),
        _resave(model, tensors={"out.weight": torch.full(out.shape, math.nan)}),
        _resave(model, tensors={"extra": torch.zeros(2)}),
        _resave(model, tensors={"out.weight": out.double()}),
        _resave(model, meta={"format": "something-else"}),
        _resave(model, meta={"config": {**asdict(model.config_), "hidden_size": 10**9}}),
        _resave(model, meta={"config": {**asdict(model.config_), "encoder": "lstm"}}),
        _resave(model, meta={"config": {**asdict(model.config_), "extra": 1}}),
        _resave(model, meta={"mix": 1.5}),
        _resave(model, meta={"mix": "all"}),
        _resave(model, meta={"productions": ["reverse"]}),
        _resave(model, meta={"contexts": [None, ["nothing", 0]]}),
        _resave(model, meta={"features": {"name": "mystery"}}),
    ]
    rng = random.Random(0)
    bad_cases += [bytes(rng.randrange(256) for _ in range(n)) for n in (8, 64, 4096)]
    for data in bad_cases:
        with pytest.raises(ValueError):
            RecognitionModel.from_bytes(data)
    with pytest.raises(ValueError, match="trained with features"):
        RecognitionModel.from_bytes(good, features=GenericFeatures(max_int=3))


def test_importing_hortus_does_not_import_torch() -> None:
    code = ("import sys, hortus, hortus.prior, hortus.prior.dreams, hortus.prior.features, "
            "hortus.prior.fit; assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_model_starts_from_weights_refit_without_its_held_out_tasks(
        grammar: Grammar, data: list[tuple[Task, Program]]) -> None:
    # untrained (0 epochs), the model predicts the grammar it starts from: the uniform
    # grammar refit on the solved tasks not held out, so reverse and sort gain weight
    config = replace(TINY, epochs=0, validation=0.25, choose_mix=False)
    untrained = RecognitionModel(config).fit(grammar, data)
    assert untrained.held_out_solved_ and untrained.mix_ == 1.0
    task = data[0][0]
    predicted = CFG(untrained.predict(grammar, task), task.request)
    assert predicted.logprob(REVERSE) > CFG(grammar, task.request).logprob(REVERSE) + 1.0
