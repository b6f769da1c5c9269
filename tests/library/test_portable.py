"""Library files: export and import round trip, merge policy, and hostile files refused cleanly."""

from __future__ import annotations

import io
import json
import os
import struct
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hortus.cli import app
from hortus.lang.parse import parse
from hortus.lang.program import Routine
from hortus.library import Library, LibraryError, NewRoutine
from hortus.library.portable import (
    MANIFEST,
    ImportSummary,
    LibraryFileError,
    Limits,
    check_safetensors,
    export_library,
    import_library,
)
from hortus.prior.grammar import VARIABLE, Grammar, key_of
from hortus.search._base import Candidate, SearchResult
from hortus.tasks.task import Task

MAP_ADD = "(lambda (lambda (map (lambda (+ $0 $1)) $1)))"  # list(int) -> int -> list(int)
ADD_TWICE = f"(lambda (lambda (#{MAP_ADD} (#{MAP_ADD} $1 $0) $0)))"
SUM = "(lambda (fold $0 0 (lambda (lambda (+ $0 $1)))))"  # list(int) -> int


def safetensors(tensors: dict[str, tuple[str, list[int], bytes]],
                header_extra: dict[str, Any] | None = None) -> bytes:
    """A safetensors file written by hand (the format: u64 header length, JSON, raw data)."""
    header: dict[str, Any] = dict(header_extra or {})
    data, offset = b"", 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset,
                                                                          offset + len(raw)]}
        data, offset = data + raw, offset + len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


MODEL = safetensors({"w": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)),
                     "b": ("I64", [1], struct.pack("<q", 7))},
                    {"__metadata__": {"hortus": "{}"}})


def build_source(path: Path) -> Library:
    lib = Library.open(path)
    lib.add_routine(Routine(parse(MAP_ADD)), "map-add", -0.5,
                    {"iteration": 0, "run": 1, "uid": "abc", "tasks": ["add-1"]})
    lib.add_routine(Routine(parse(ADD_TWICE)), "add-twice", -1.25, {"iteration": 1})
    grammar = lib.grammar()
    weights = {"map": -2.0, "+": -0.25}
    productions = tuple(p if p.key not in weights else
                        type(p)(p.program, p.tp, weights[p.key]) for p in grammar.productions)
    map_add = key_of(Routine(parse(MAP_ADD)))
    lib.save_grammar(Grammar(productions, -0.75, {("map", 0): {"+": -1.5, VARIABLE: -0.1},
                                                  (map_add, 1): {"1": -3.0}}))
    lib.put_blob("recognition", MODEL, "safetensors", {"run": 1, "iteration": 2})
    lib.put_blob("notes", b"plain bytes", "raw", {})
    run = lib.start_run("solve", {})
    for k in (1, 2):
        task = Task.from_examples([([1, 2], [1 + k, 2 + k])], name=f"add-{k}")
        program = parse(f"(lambda (#{MAP_ADD} $0 {k}))")
        lib.add_result(run, task, SearchResult(task.name, [Candidate(program, -3.0, 0.1, 9)],
                                               9, 0.2, None))
    lost = Task.from_examples([([3], 9)], name="lost")
    lib.add_result(run, lost, SearchResult(lost.name, [], 100, 1.0, "time"))
    return lib


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("source")
    with build_source(folder / "source.db") as lib:
        summary = export_library(lib, folder / "lib.zip")
    assert summary.routines == 2 and summary.blobs == ("recognition",)
    assert summary.tasks == 3 and summary.solutions == 2
    assert any("notes" in s and "raw" in s for s in summary.skipped)
    return folder / "lib.zip"


def manifest_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        data: dict[str, Any] = json.loads(zf.read(MANIFEST))
        return data


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def variant(exported: Path, tmp_path: Path, change: Callable[[dict[str, Any]], Any],
            blob: bytes = MODEL) -> Path:
    """The exported file with its manifest changed (blob size and hash kept in step)."""
    manifest = manifest_of(exported)
    change(manifest)
    members = {MANIFEST: json.dumps(manifest).encode()}
    for b in manifest.get("blobs", []) if isinstance(manifest, dict) else []:
        if isinstance(b, dict) and isinstance(b.get("member"), str):
            members[b["member"]] = blob
    return write_zip(tmp_path / "variant.zip", members)


def grammar_state(lib: Library) -> tuple[Any, ...]:
    g = lib.grammar()
    prods = sorted((p.key, getattr(p.program, "name", None), p.logweight)
                   for p in g.productions)
    return prods, g.log_variable, {k: dict(v) for k, v in g.bigram.items()}


def snapshot(lib: Library) -> tuple[Any, ...]:
    blobs = [(b.data, b.kind, b.meta) if b else None
             for b in (lib.get_blob(n) for n in ("recognition", "mine"))]
    return (grammar_state(lib), [(r.name, r.provenance) for r in lib.routines()], lib.meta(),
            lib.summary(), blobs, [t.digest for t in lib.tasks()])


@pytest.fixture
def target(tmp_path: Path) -> Any:
    with Library.open(tmp_path / "target.db") as lib:
        lib.add_routine(Routine(parse(SUM)), "my-sum", -0.3)
        lib.put_blob("mine", MODEL, "safetensors", {"mine": True})
        yield lib


# ---------------------------------------------------------------- round trip and merge policy


def test_round_trip_into_a_fresh_library(exported: Path, tmp_path: Path) -> None:
    with Library.open(tmp_path / "fresh.db") as lib:
        summary = import_library(lib, exported, replace_weights=True)
        assert summary.added == ("map-add", "add-twice") and summary.weights_replaced
        assert (summary.tasks, summary.solutions, summary.blobs_added) == (3, 2, ("recognition",))
        with Library.open(exported.parent / "source.db") as source:
            assert grammar_state(lib) == grammar_state(source)
            for name in ("recognition",):
                a, b = lib.get_blob(name), source.get_blob(name)
                assert a is not None and b is not None
                assert (a.data, a.kind, a.meta) == (b.data, b.kind, b.meta)
            assert {t.digest for t in lib.tasks()} == {t.digest for t in source.tasks()}
            assert lib.get_blob("notes") is None  # not safetensors: not exported
        routines = {r.name: r for r in lib.routines() if r.kind == "invented"}
        assert routines["map-add"].provenance["uid"] == "abc"
        assert routines["map-add"].provenance["imported_from"] == "lib.zip"
        assert {s.task: s.program for s in lib.solutions()} == {
            "add-1": f"(lambda (#{MAP_ADD} $0 1))", "add-2": f"(lambda (#{MAP_ADD} $0 2))"}
        (run,) = lib.runs()
        assert (run.command, run.config["file"], summary.run_id) == ("import", "lib.zip", run.id)
        # importing again changes nothing: same bodies, same blob, same solutions
        again = import_library(lib, exported, replace_weights=True)
        assert again.added == () and [s[1] for s in again.skipped] == ["map-add", "add-twice"]
        assert (again.tasks, again.solutions, again.run_id, again.blobs_added) == (0, 0, None, ())
        assert len(lib.runs()) == 1


def test_without_replace_weights_only_imported_routines_get_the_files_weights(
        exported: Path, target: Library) -> None:
    before = grammar_state(target)
    summary = import_library(target, exported, tasks=False)
    assert not summary.weights_replaced and summary.tasks == 0 and summary.run_id is None
    prods, log_variable, bigram = grammar_state(target)
    assert (log_variable, bigram) == (before[1], before[2])
    weights = {name: w for _, name, w in prods}
    assert weights["map"] == 0.0 and weights["my-sum"] == -0.3
    assert weights["map-add"] == -0.5 and weights["add-twice"] == -1.25
    assert target.tasks() == []


def test_same_body_is_skipped_and_a_name_clash_is_an_error_or_renamed(
        exported: Path, tmp_path: Path) -> None:
    with Library.open(tmp_path / "t.db") as lib:
        lib.add_routine(Routine(parse(MAP_ADD)), "my-map-add", -9.0)
        lib.add_routine(Routine(parse(SUM)), "add-twice")
        before = snapshot(lib)
        with pytest.raises(LibraryFileError, match=r"lib\.zip.*'add-twice' with a different "
                                                   r"body.*rename"):
            import_library(lib, exported)
        assert snapshot(lib) == before
        summary = import_library(lib, exported, rename=True)
        assert summary.skipped == (("map-add", "my-map-add"),)
        assert summary.renamed == (("add-twice", "add-twice-2"),)
        assert summary.added == ("add-twice-2",)
        weights = {r.name: r.weight for r in lib.routines()}
        assert weights["my-map-add"] == -9.0  # an existing routine keeps its name and weight


def test_blobs_of_the_same_name_are_kept_unless_weights_are_replaced(
        exported: Path, tmp_path: Path) -> None:
    other = safetensors({"w": ("F32", [1], struct.pack("<f", 5))})
    with Library.open(tmp_path / "t.db") as lib:
        lib.put_blob("recognition", other, "safetensors", {"mine": 1})
        assert import_library(lib, exported, tasks=False).blobs_kept == ("recognition",)
        blob = lib.get_blob("recognition")
        assert blob is not None and blob.data == other
        summary = import_library(lib, exported, tasks=False, replace_weights=True)
        assert summary.blobs_replaced == ("recognition",) and summary.blobs_added == ()
        blob = lib.get_blob("recognition")
        assert blob is not None and blob.data == MODEL and blob.meta == {"run": 1,
                                                                         "iteration": 2}


def test_merge_writes_everything_or_nothing(tmp_path: Path) -> None:
    with Library.open(tmp_path / "t.db") as lib:
        before = snapshot(lib)
        task = Task.from_examples([([1], [2])], name="inc")
        result = SearchResult("inc", [Candidate(parse(MAP_ADD), -1.0, 0.1, 1)], 1, 0.1, None)
        ok = NewRoutine(Routine(parse(MAP_ADD)), "map-add")
        clash = NewRoutine(Routine(parse(SUM)), "map-add")
        with pytest.raises(LibraryError, match="already has a routine named 'map-add'"):
            lib.merge([ok, clash], blobs=[("recognition", MODEL, "safetensors", {})],
                      tasks=[task], results=[(task, result)])
        assert snapshot(lib) == before and lib.runs() == []
        run = lib.merge([ok], results=[(task, result)], run=("import", {"file": "x"}))
        assert run is not None and lib.runs()[0].status == "done"
        assert [s.task for s in lib.searches(run)] == ["inc"]


# ---------------------------------------------------------------- safetensors


def test_safetensors_check_accepts_real_files_and_refuses_lies() -> None:
    check_safetensors(MODEL)
    check_safetensors(safetensors({}))
    np = pytest.importorskip("numpy")
    st = pytest.importorskip("safetensors.numpy")
    check_safetensors(st.save({"a": np.zeros((3, 5), dtype=np.float32),
                               "b": np.arange(4, dtype=np.int64)}, metadata={"k": "v"}))
    bad = {
        "short": b"\x01\x00",
        "header": struct.pack("<Q", 1 << 60) + b"{}",
        "json": struct.pack("<Q", 4) + b"{{{{",
        "shape": safetensors({"w": ("F32", [10**9, 10**9], b"\x00" * 8)}),
        "dtype": safetensors({"w": ("F33", [1], b"\x00" * 4)}),
        "hole": MODEL[:-8] + b"\x00" * 16,
    }
    for name, data in bad.items():
        with pytest.raises(ValueError):
            check_safetensors(data)
        assert name


# ---------------------------------------------------------------- hostile files


def _refused(lib: Library, path: Path, match: str, **options: Any) -> None:
    before = snapshot(lib)
    with pytest.raises(LibraryFileError, match=match) as info:
        import_library(lib, path, **options)
    assert str(path) in str(info.value)
    assert snapshot(lib) == before


def test_not_a_zip_truncated_or_missing(exported: Path, target: Library, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip file at all")
    _refused(target, junk, "not a zip file")
    cut = tmp_path / "cut.zip"
    data = exported.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    _refused(target, cut, "not a zip file|damaged")
    _refused(target, tmp_path / "absent.zip", "no such file")
    _refused(target, tmp_path, "not a regular file")
    empty = write_zip(tmp_path / "empty.zip", {"readme.txt": b"hi"})
    _refused(target, empty, "no hortus-library.json member")


def test_zip_bomb_is_refused_before_inflating(exported: Path, target: Library,
                                              tmp_path: Path) -> None:
    members = {MANIFEST: json.dumps(manifest_of(exported)).encode(),
               "recognition.safetensors": MODEL, "bomb.safetensors": bytes(40 << 20)}
    _refused(target, write_zip(tmp_path / "bomb.zip", members), "expands .* zip bomb")


def test_member_larger_than_it_declares(exported: Path, target: Library,
                                        tmp_path: Path) -> None:
    manifest = json.dumps(manifest_of(exported)).encode()
    path = write_zip(tmp_path / "liar.zip", {MANIFEST: manifest,
                                             "recognition.safetensors": MODEL})
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")  # the manifest's central directory entry
    struct.pack_into("<I", data, central + 24, 10)  # uncompressed size: 10 bytes
    path.write_bytes(bytes(data))
    _refused(target, path, "damaged|holds more|declares")


@pytest.mark.parametrize("name", ["../evil.safetensors", "/etc/passwd", "a/b.safetensors",
                                  "..\\evil.safetensors", "dir/", "C:evil"])
def test_path_names_are_refused(name: str, exported: Path, target: Library,
                                tmp_path: Path) -> None:
    members = {MANIFEST: json.dumps(manifest_of(exported)).encode(),
               "recognition.safetensors": MODEL, name: MODEL}
    _refused(target, write_zip(tmp_path / "paths.zip", members), "is not allowed")


def test_unexpected_duplicate_and_missing_members(exported: Path, target: Library,
                                                  tmp_path: Path) -> None:
    manifest = json.dumps(manifest_of(exported)).encode()
    extra = write_zip(tmp_path / "extra.zip", {MANIFEST: manifest,
                                               "recognition.safetensors": MODEL,
                                               "other.safetensors": MODEL})
    _refused(target, extra, "unexpected member 'other.safetensors'")
    missing = write_zip(tmp_path / "missing.zip", {MANIFEST: manifest})
    _refused(target, missing, "member 'recognition.safetensors' .* is missing")
    dup = tmp_path / "dup.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(dup, "w") as zf:
        zf.writestr(MANIFEST, manifest)
        zf.writestr("recognition.safetensors", MODEL)
        zf.writestr("recognition.safetensors", MODEL)
    _refused(target, dup, "appears twice")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set the manifest field at a dotted path (numbers index arrays)."""
    def change(manifest: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = manifest
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return change


HOSTILE_MANIFESTS = {
    "format": (_set("format", "zip"), "does not say format"),
    "version": (_set("version", "1"), "not an integer"),
    "future": (_set("version", 2), "format version 2"),
    "routines-type": (_set("routines", {}), r"routines must be an array"),
    "weight-type": (_set("routines.0.weight", "heavy"), r"routines\[0\]\.weight must be a "
                                                       r"number"),
    "weight-bool": (_set("routines.0.weight", True), "must be a number"),
    "name-type": (_set("routines.0.name", 7), r"routines\[0\]\.name must be a string"),
    "name-primitive": (_set("routines.0.name", "map"), "already has a primitive named 'map'"),
    "name-builtin": (_set("routines.0.name", "true"), "'true' is the name of a built-in"),
    "name-space": (_set("routines.0.name", "two words"), "cannot name a routine"),
    "bigram-parent-var": (_set("bigram.0.parent", "$var"), "variables take no arguments"),
    "name-long": (_set("routines.0.name", "x" * 300), "1 to 255 characters"),
    "unknown-field": (_set("routines.0.code", "import os"), "unknown field 'code'"),
    "missing-field": (lambda m: m["routines"][0].pop("body"), "lacks the field 'body'"),
    "provenance": (_set("routines.0.provenance", [1]), "provenance must be an object"),
    "bigram-arg": (_set("bigram.0.arg", -1), r"bigram\[0\]\.arg must be between"),
    "bigram-key": (_set("bigram.0.parent", "(lambda $0)"), "neither a primitive nor a routine"),
    "blob-size": (_set("blobs.0.size", 3), "does not match the size and sha256"),
    "blob-kind": (_set("blobs.0.kind", "pickle"), "only 'safetensors' blobs"),
    "blob-member": (_set("blobs.0.member", "../x.safetensors"), "is not a plain|not allowed"),
    "syntax": (_set("routines.0.body", "(lambda (map $0"), "map-add.*does not parse"),
    "ill-typed": (_set("routines.0.body", "(lambda (+ $0 empty))"), "does not type-check"),
    "free-variable": (_set("routines.0.body", "(map $0 $1)"), "does not type-check"),
    "hole": (_set("routines.0.body", "(lambda ??)"), "hole"),
    "unknown-primitive": (_set("routines.0.body", "(lambda (frobnicate $0))"),
                          "unknown primitive or routine 'frobnicate'"),
    "primitive-not-here": (_set("routines.0.body", "(lambda (if true $0 $0))"),
                           "uses the primitive 'true', which the importing library does not"),
    "primitive-listed": (lambda m: m["primitives"].append({"name": "true", "type": "bool",
                                                           "weight": 0.0}),
                         "'true' is not a primitive of the importing library"),
    "declared-type": (_set("routines.0.type", "int -> int"), "is declared int -> int"),
    "duplicate-name": (lambda m: m["routines"].append(dict(m["routines"][0], body=SUM,
                                                           type="list(int) -> int")),
                       "appears twice"),
    "task": (_set("tasks.0.examples.0.output", "seven"), r"tasks\[0\].*not a valid task"),
    "solution": (_set("tasks.0.solution.program", "(lambda (+ $0 1))"),
                 "solution does not type-check"),
    "nesting": (_set("routines.0.provenance", json.loads("[" * 200 + "]" * 200)),
                "nests deeper"),
    # weights that mean nothing, and break every search's arithmetic
    "weight-huge": (_set("routines.0.weight", 1e308),
                    r"routines\[0\]\.weight must be a finite number between -100 and 100"),
    "weight-low": (_set("primitives.0.weight", -101), r"primitives\[0\]\.weight must be"),
    "weight-digits": (_set("routines.1.weight", 10**400), r"routines\[1\]\.weight must be a "
                                                          r"finite number between"),
    "time-digits": (_set("tasks.0.solution.time", 10**400), r"solution\.time must be a finite "
                                                            r"number >= 0"),
    "variable-weight": (_set("log_variable", 1e300), "log_variable must be a finite number"),
    "bigram-weight": (_set("bigram.0.weight", -1e308), r"bigram\[0\]\.weight must be"),
    # solutions that do not solve their task
    "solution-wrong": (_set("tasks.0.solution.program", f"(lambda (#{MAP_ADD} $0 5))"),
                       r"tasks\[0\] 'add-1': the solution does not fit example 1"),
    "solution-fails": (_set("tasks.0.solution.program", f"(lambda (#{MAP_ADD} $0 (car empty)))"),
                       r"tasks\[0\] 'add-1': the solution fails on example 1 of its task: car "
                       r"of an empty list"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_MANIFESTS))
def test_hostile_manifests_are_refused(case: str, exported: Path, target: Library,
                                       tmp_path: Path) -> None:
    change, message = HOSTILE_MANIFESTS[case]
    _refused(target, variant(exported, tmp_path, change), message, replace_weights=True)


def test_solutions_are_checked_under_one_budget_for_the_whole_file(
        exported: Path, target: Library, tmp_path: Path) -> None:
    doubling = "((iterate 60 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) 0)"
    looping = variant(exported, tmp_path, _set("tasks.1.solution.program",
                                               f"(lambda (#{MAP_ADD} $0 {doubling}))"))
    small = Limits(check_steps=20_000)
    _refused(target, looping, r"tasks\[1\] 'add-2': the solution ran past the budget for "
                              r"checking solutions on their examples, 20,000 steps and 60 s in "
                              r"all, on example 1 \(steps budget exceeded", limits=small)
    # the two honest solutions take 4 steps each: 2 calls of map-add's lambdas, map of 2
    tight = Limits(check_steps=7)
    _refused(target, exported, r"tasks\[1\] 'add-2': the solution ran past", limits=tight)
    assert import_library(target, exported, limits=Limits(check_steps=8)).solutions == 2


def test_bad_json_and_bad_blob_bytes(exported: Path, target: Library, tmp_path: Path) -> None:
    text = json.dumps(manifest_of(exported))
    nan = write_zip(tmp_path / "nan.zip", {MANIFEST: text.replace('"weight": -0.5', '"weight": '
                                                                                     'NaN'),
                                           "recognition.safetensors": MODEL})
    _refused(target, nan, "not valid JSON.*NaN")
    latin = write_zip(tmp_path / "latin.zip", {MANIFEST: b"\xff\xfe{}"})
    _refused(target, latin, "not UTF-8")
    corrupt = b"\x00" * len(MODEL)
    _refused(target, variant(exported, tmp_path, _set("blobs.0.sha256", _sha(corrupt)),
                             corrupt), "not valid safetensors")
    absurd = struct.pack("<Q", 1 << 62) + MODEL[8:]
    _refused(target, variant(exported, tmp_path, _set("blobs.0.sha256", _sha(absurd)),
                             absurd), "header claims")


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- command line


def test_cli_export_and_import(exported: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    source = f"sqlite:///{exported.parent / 'source.db'}"
    out = tmp_path / "cli.zip"
    result = runner.invoke(app, ["library", "export", str(out), "--library", source])
    assert result.exit_code == 0, result.output
    assert manifest_of(out)["routines"][0]["name"] == "map-add"
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["library", "import", str(out), "--library", url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == ["map-add", "add-twice"]
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"junk")
    result = runner.invoke(app, ["library", "import", str(junk), "--library", url])
    assert result.exit_code == 2
    assert "junk.zip" in result.stderr and "not a zip file" in result.stderr


def test_summary_is_json_ready(exported: Path, tmp_path: Path) -> None:
    with Library.open(tmp_path / "t.db") as lib:
        summary = import_library(lib, exported)
    assert isinstance(summary, ImportSummary)
    assert json.loads(json.dumps(summary.to_json()))["added"] == ["map-add", "add-twice"]


# ---------------------------------------------------------------- fuzzing library files

FUZZ_EXAMPLES = int(os.environ.get("HORTUS_FUZZ_EXAMPLES", "30"))

_leaves = (st.none() | st.booleans() | st.integers() | st.integers(-10**400, 10**400)
           | st.floats() | st.sampled_from([1e308, -1e308, 100.0, -100.0, 2**63])
           | st.text(max_size=12)
           | st.sampled_from(["", "int", "list(int) -> int", "t0 -> t0", "$var", "map", "+",
                             "(lambda $0)", "(lambda (car empty))", MAP_ADD, ADD_TWICE, SUM,
                             "(iterate 1000000000 (lambda (+ $0 1)) 0)",
                             "((iterate 60 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) 0)",
                             "recognition.safetensors", "safetensors", "\ud800", "[/]"]))
_json = st.recursive(_leaves, lambda kids: st.lists(kids, max_size=3)
                     | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=12)
_deep = st.integers(1, 100).map(lambda n: json.loads("[" * n + "]" * n))
_programs = st.sampled_from([
    "(lambda $0)", "(lambda (car empty))", MAP_ADD, ADD_TWICE, SUM, f"(lambda (#{MAP_ADD} $0 1))",
    f"(lambda (#{MAP_ADD} $0 2))", f"(lambda (#{MAP_ADD} $0 5))", "(lambda (map (lambda (+ $0 "
    "1)) $0))", "(iterate 1000000000 (lambda (+ $0 1)) 0)", "(lambda (repeat 3000 (repeat 3000 "
    "$0)))", "((iterate 60 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 1))) 0)",
    "(lambda (lambda ((iterate 60 (lambda (lambda ($1 ($1 $0)))) (lambda (+ $0 $1))) 0)))",
    "int", "list(int) -> list(int)", "list(int) -> int -> list(int)", "$var", "map", "+"])
_numbers = (st.floats() | st.integers(-10**400, 10**400) | st.floats(-120, 120)
            | st.sampled_from([0, -1, 1e308, -1e308, 100.0, -100.0, 2**63]))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, as the keys and indices that lead there."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _like(draw: st.DrawFn, old: Any) -> Any:
    """A value of the kind that was there (often), or of any kind."""
    if isinstance(old, bool) or not draw(st.integers(0, 3)):
        return draw(_json | _deep)
    if isinstance(old, int | float):
        return draw(_numbers)
    if isinstance(old, str):
        return draw(_programs | st.text(max_size=12))
    return draw(_json | _deep)


@st.composite
def _mutated(draw: st.DrawFn, exported: Path) -> bytes:
    """The exported file, damaged: its manifest's fields changed or removed, its bytes
    flipped or cut short, its blob altered."""
    manifest = manifest_of(exported)
    kind = draw(st.sampled_from(["set"] * 6 + ["delete", "flip", "cut", "blob"]))
    if kind in ("flip", "cut"):
        data = bytearray(exported.read_bytes())
        if kind == "cut":
            return bytes(data[:draw(st.integers(0, len(data) - 1))])
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    blob = MODEL
    for _ in range(draw(st.integers(1, 3))):
        if kind == "blob":
            data = bytearray(blob)
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
            blob = bytes(data)
            if draw(st.booleans()):  # the listed size and hash kept in step with the change
                manifest["blobs"][0]["sha256"] = _sha(blob)
            break
        # a part of the manifest (those with programs and numbers more often), a place in it
        section = draw(st.sampled_from([k for k in sorted(manifest) for _ in range(
            3 if k in ("routines", "tasks", "bigram") else 1)]))
        path = draw(st.sampled_from(_paths(manifest[section], (section,))))
        parent: Any = manifest
        for key in path[:-1]:
            parent = parent[key]
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = _like(draw, parent[path[-1]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, allow_nan=True))
        zf.writestr("recognition.safetensors", blob)
    return buffer.getvalue()


def _searches_fine(lib: Library) -> None:
    from hortus.search import EnumerativeSearcher, SearchBudget

    task = Task.from_examples([([1, 2], [2, 3]), ([5], [6])], name="inc")
    grammar = lib.grammar()
    result = EnumerativeSearcher().search(task, grammar, SearchBudget(timeout=0.2,
                                                                      max_programs=3_000))
    assert result.cut != "error", result
    for record in lib.tasks():
        record.task()


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), replace=st.booleans())
def test_fuzzed_library_files_import_whole_or_not_at_all(exported: Path, data: st.DataObject,
                                                         replace: bool) -> None:
    """Whatever a library file holds: imported, and the library still searches; or refused
    with a LibraryError naming the file, and the library unchanged."""
    raw = data.draw(_mutated(exported))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.zip"
        path.write_bytes(raw)
        with Library.open("sqlite://") as lib:
            lib.add_routine(Routine(parse(SUM)), "my-sum", -0.3)
            before = snapshot(lib)
            try:
                import_library(lib, path, replace_weights=replace, rename=True)
            except LibraryError as e:
                assert str(path) in str(e)
                assert snapshot(lib) == before
            _searches_fine(lib)
