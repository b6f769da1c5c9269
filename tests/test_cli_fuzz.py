"""Fuzzing ``hortus run``: any program text and inputs end in exit 0, 2 or 3, never a traceback."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hortus.cli import app
from hortus.lang.primitives import builtins

EXAMPLES = int(os.environ.get("HORTUS_FUZZ_EXAMPLES", "80"))
runner = CliRunner()


def _applied(name: str) -> str:
    """``name`` applied to as many inputs as it takes: ``(lambda (lambda (+ $1 $0)))``."""
    arity = builtins()[name].arity
    if arity == 0:
        return name
    args = " ".join(f"${k}" for k in reversed(range(arity)))
    return "(lambda " * arity + f"({name} {args})" + ")" * arity


_programs = st.sampled_from(sorted(builtins())).map(_applied) | st.sampled_from([
    "(lambda (map (lambda (+ $0 1)) $0))", "(lambda (map set-intersect $0))", "[/]",
    "(lambda (upper $0))", "(lambda (fold $0 0 (lambda (lambda (+ $0 $1)))))", "(lambda $0)",
    "(lambda (lambda $0))", "(lambda (range $0))", "(lambda (int->char $0))", "(lambda",
    "(lambda (+ " + "9" * 5000 + " $0))", "(lambda " * 300 + "$0" + ")" * 300,
    "(lambda " + "(car " * 250 + "$0" + ")" * 250 + ")", "(lambda ??[list(int)])",
]) | st.text(max_size=30)

_json_values: st.SearchStrategy[Any] = st.recursive(
    st.integers(-10**30, 10**30) | st.booleans() | st.text(max_size=5) | st.none()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=10)
_inputs = _json_values.map(json.dumps) | st.sampled_from([
    "NaN", "[Infinity]", "9" * 5000, "[" * 900 + "]" * 900, '"\\ud800"', "[bold]", "[/]",
    '"ß"', "[[7]]", "", "{", '"a"', "[[1, 2], [2, 3]]",
]) | st.text(max_size=12)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=_programs, inputs=st.lists(_inputs, max_size=3))
def test_run_exits_cleanly_whatever_it_is_given(program: str, inputs: list[str]) -> None:
    result = runner.invoke(app, ["run", "--timeout", "1", "--steps", "20000", "--", program,
                                 *inputs])
    assert result.exit_code in (0, 2, 3), (result.output, result.exception)
    assert "Traceback" not in result.output
