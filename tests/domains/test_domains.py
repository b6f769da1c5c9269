"""Domains plug in: codecs, primitives and task sets come from a registry, not from if/elif."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hortus.domains as registry
from hortus.cli import app
from hortus.eval import codecs
from hortus.eval.values import ValueTypeError, to_internal, to_json
from hortus.lang import types
from hortus.lang.primitives import _registry
from hortus.lang.types import parse_type
from hortus.library import Library, LibraryError

runner = CliRunner()

# A domain as a third-party package would write it: a type with its codec, and a primitive.
PLUGIN = textwrap.dedent('''
    from hortus.domains import Domain
    from hortus.eval.codecs import Codec, bad
    from hortus.lang.primitives import prim

    COLOURS = ("red", "green", "blue")

    class ColourCodec(Codec):
        name = "colour"
        probes = ("red",)

        def to_internal(self, v, t):
            if v not in COLOURS:
                raise bad("a colour (red, green or blue)", v)
            return COLOURS.index(v)

        def to_external(self, v, t):
            return COLOURS[v]

        def to_json(self, v, t):
            return COLOURS[v]

        def sample(self, t, seeds, rng):
            return rng.randrange(3)

    PRIMITIVES = [prim("next-colour", "colour -> colour", lambda c: (c + 1) % 3,
                       "the next colour of red, green, blue")]

    DOMAIN = Domain(name="colours", summary="three colours", primitives=("colour_plugin",),
                    codecs=(ColourCodec(),), default=False)
''')


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The colour domain installed as an entry point, in fresh registries."""
    (tmp_path / "colour_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    point = metadata.EntryPoint("colours", "colour_plugin:DOMAIN", registry.ENTRY_POINTS)
    monkeypatch.setattr(registry.metadata, "entry_points",
                        lambda group: [point] if group == registry.ENTRY_POINTS else [])
    tables = (registry._loaded, _registry._builtins, codecs._CODECS, types.CONSTRUCTORS)
    saved = [dict(t) for t in tables]
    registry._loaded.clear()
    _registry._builtins.clear()
    yield
    for table, old in zip(tables, saved, strict=True):
        table.clear()
        table.update(old)  # type: ignore[attr-defined]


def test_the_built_in_domains_and_the_defaults() -> None:
    assert list(registry.domains()) == ["lists", "collections", "text", "tensors", "digits",
                                        "arc"]
    assert registry.default_names() == ("lists", "collections", "text")
    assert registry.parse_names("text, lists") == ("lists", "text")  # registry order
    with pytest.raises(registry.DomainError, match="no domain named 'nope'; known: lists"):
        registry.parse_names("lists,nope")
    assert set(registry.task_sets()) == {"lists", "hortus-lists", "arc-training",
                                         "arc-evaluation"}


def test_a_domain_codec_converts_its_types() -> None:
    t = parse_type("dict(str, set(int))")  # collections and text codecs inside a core list
    value = to_internal({"a": [2, 1, 2]}, t)
    assert to_json(value, t) == {"a": [1, 2]}
    with pytest.raises(ValueTypeError, match="expected a char"):
        to_internal(["ab"], parse_type("list(char)"))


def test_a_plugin_domain_plugs_in_everywhere(plugin: None, tmp_path: Path) -> None:
    assert "colours" in registry.domains()
    assert "colours" not in registry.default_names()  # default=False: asked for by name
    t = parse_type("list(colour)")
    assert to_internal(["red", "blue"], t) == (0, 2)
    assert to_json((1,), t) == ["green"]
    with pytest.raises(ValueTypeError, match="expected a colour"):
        to_internal(["pink"], t)
    import hortus

    program = hortus.parse("(lambda (map next-colour $0))")
    assert program(["red", "blue"]) == ["green", "red"]  # type: ignore[operator]
    # a library made with the domain holds its primitive; one made without does not
    with Library.create(tmp_path / "c.db", ("colours",)) as lib:
        names = {r.name for r in lib.routines()}
        assert "next-colour" in names and "map" in names and "chars" not in names
        assert lib.domains() == ("colours",)
    with Library.create(tmp_path / "d.db") as lib:
        assert "next-colour" not in {r.name for r in lib.routines()}


def test_a_plugin_that_clashes_or_does_not_load_is_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for value, message in (("hortus.domains.text:DOMAIN", "registered twice"),
                           ("no_such_module:DOMAIN", "does not load")):
        point = metadata.EntryPoint("lists" if "text" in value else "gone", value,
                                    registry.ENTRY_POINTS)
        monkeypatch.setattr(registry.metadata, "entry_points", lambda group, p=point: [p])
        monkeypatch.setattr(registry, "_loaded", {})
        with pytest.raises(registry.DomainError, match=message):
            registry.domains()


def test_a_library_is_made_with_its_domains(tmp_path: Path) -> None:
    with Library.create(tmp_path / "t.db", ("text",)) as lib:
        names = {r.name for r in lib.routines()}
        assert {"chars", "upper", "map", "+"} <= names and "set-union" not in names
        assert lib.domains() == ("text",) and lib.summary()["domains"] == "text"
    with pytest.raises(LibraryError, match="exists already"):
        Library.create(tmp_path / "t.db", ("lists",))
    with pytest.raises(LibraryError, match="no domain named 'nope'"):
        Library.create(tmp_path / "u.db", ("nope",))
    assert not (tmp_path / "u.db").exists()
    # a library made before domains existed holds every builtin: it reads as all three
    with Library.open(tmp_path / "old.db") as lib:
        pass
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("DELETE FROM meta WHERE key = 'domains'")
    with Library.open(tmp_path / "old.db") as lib:
        assert lib.domains() == ("lists", "collections", "text")


def test_library_init_and_domains_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    result = runner.invoke(app, ["library", "init", "-l", url, "--domain", "lists,text"])
    assert result.exit_code == 0, result.output
    assert "domains lists,text" in result.stdout
    again = runner.invoke(app, ["library", "init", "-l", url])
    assert again.exit_code == 2 and "exists already" in again.stderr
    bad = runner.invoke(app, ["library", "init", "-l", f"sqlite:///{tmp_path / 'm.db'}",
                              "--domain", "lists,,[x]"])
    assert bad.exit_code == 2 and "no domain named '[x]'" in bad.stderr
    listed = json.loads(runner.invoke(app, ["domains", "--json"]).stdout)
    assert [d["name"] for d in listed] == ["lists", "collections", "text", "tensors",
                                           "digits", "arc"]
    assert [d["default"] for d in listed] == [True, True, True, False, False, False]
    assert {"set", "dict", "graph"} <= set(listed[1]["types"])
