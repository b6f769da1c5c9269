"""``hortus solve`` says when a task is ambiguous, and ``--ask`` settles it with the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hortus.cli import app

runner = CliRunner()

# sort or reverse? Both fit.
AMBIGUOUS = '{"name": "sort-or-reverse", "examples": [{"i": [3, 1], "o": [1, 3]}, ' \
            '{"i": [9, 4], "o": [4, 9]}]}'


@pytest.fixture
def task(tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "t.jsonl"
    path.write_text(AMBIGUOUS)
    return str(path), f"sqlite:///{tmp_path / 'lib.db'}"


def test_json_carries_ambiguity_alternatives_and_the_question(task: tuple[str, str]) -> None:
    path, url = task
    result = runner.invoke(app, ["solve", path, "-l", url, "--timeout", "5", "--jobs", "1",
                                 "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["ambiguous"] is True
    programs = {row["program"], *(a["program"] for a in row["alternatives"])}
    assert {"(lambda (sort $0))", "(lambda (reverse $0))"} <= programs
    assert all(a["logprior"] < 0 for a in row["alternatives"])
    (xs,) = row["question"]["input"]
    answers = {json.dumps(o["output"]) for o in row["question"]["outputs"]}
    assert {json.dumps(sorted(xs)), json.dumps(xs[::-1])} <= answers


def test_the_table_shows_the_question(task: tuple[str, str]) -> None:
    path, url = task
    result = runner.invoke(app, ["solve", path, "-l", url, "--timeout", "5", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "ambiguous" in result.stdout and "disagree on input" in result.stdout
    assert "(lambda (sort $0))" in result.stdout and "(lambda (reverse $0))" in result.stdout


def test_ask_adds_the_answer_and_searches_until_no_question_is_left(
        task: tuple[str, str]) -> None:
    path, url = task
    first = json.loads(runner.invoke(app, ["solve", path, "-l", url, "--timeout", "5",
                                           "--jobs", "1", "--json"]).stdout)
    (xs,) = first["question"]["input"]
    # a bad answer is refused and asked again; then the user answers as a sort would
    answers = f"[1, 2\n{json.dumps(sorted(xs))}\n"
    result = runner.invoke(app, ["solve", path, "-l", url, "--timeout", "5", "--jobs", "1",
                                 "--ask", "--json"], input=answers)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.strip().splitlines()[-1])
    assert row["program"] == "(lambda (sort $0))" and row["ambiguous"] is False
    assert "not taken" in result.stderr


def test_ask_stops_on_an_empty_answer_or_end_of_input(task: tuple[str, str]) -> None:
    path, url = task
    for answers in ("\n", ""):
        result = runner.invoke(app, ["solve", path, "-l", url, "--timeout", "5", "--jobs",
                                     "1", "--ask", "--json"], input=answers)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout.strip().splitlines()[-1])["ambiguous"] is True


def test_the_table_says_which_example_a_fragile_program_hinges_on(tmp_path: Path) -> None:
    path = tmp_path / "thin.jsonl"
    path.write_text('{"name": "thin", "examples": [{"i": [2], "o": 2}, '
                    '{"i": [2, 5], "o": 7}]}')
    result = runner.invoke(app, ["solve", str(path), "-l", f"sqlite:///{tmp_path / 'l.db'}",
                                 "--timeout", "5", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "fragile" in result.stdout and "without example 2" in result.stdout
    assert "(lambda 2)" in result.stdout


def test_set_passes_searcher_options_and_refuses_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "thin.jsonl"
    path.write_text('{"name": "thin", "examples": [{"i": [2], "o": 2}, '
                    '{"i": [2, 5], "o": 7}]}')
    base = ["solve", str(path), "-l", f"sqlite:///{tmp_path / 'l.db'}", "--timeout", "5",
            "--jobs", "1", "--json"]
    result = runner.invoke(app, [*base, "--set", "leave_one_out=false", "--set",
                                 "ranking=prior"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["fragile"] is False
    for bad, message in (("explore=far", "explore: 'far' is not a number"),
                         ("explore", "expected KEY=VALUE"), ("speed=3", "unknown options")):
        result = runner.invoke(app, [*base, "--set", bad])
        assert result.exit_code == 2 and message in result.stderr, result.output
        assert "Traceback" not in result.output


def test_set_merges_into_grammar_options_given_by_their_own_flags() -> None:
    from hortus.cli._app import searcher_options

    options = searcher_options(['cfg={"grow_size": 5}', "explore=2.5", "ranking=prior"],
                               cfg={"grow_types": 0})
    assert options == {"cfg": {"grow_types": 0, "grow_size": 5}, "explore": 2.5,
                       "ranking": "prior"}
