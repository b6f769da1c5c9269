"""Library files carry neural routines with their weights, and the programs that call them."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")

from hortus.domains._arrays import Array  # noqa: E402
from hortus.lang.parse import parse  # noqa: E402
from hortus.lang.types import parse_type  # noqa: E402
from hortus.library import Library  # noqa: E402
from hortus.library.portable import (  # noqa: E402
    MANIFEST,
    LibraryFileError,
    export_library,
    import_library,
)
from hortus.search._base import Candidate, SearchResult  # noqa: E402
from hortus.tasks.task import Task  # noqa: E402
from hortus.train.modules import load_modules, save_module  # noqa: E402
from hortus.train.templates import architecture_for, build  # noqa: E402
from hortus.train.trainer import Module  # noqa: E402

DIGIT = parse_type("tensor(12) -> int")
ADD2 = "(lambda (lambda (+ (??digit[tensor(12) -> int] $1) (??digit[tensor(12) -> int] $0))))"
LINE = "(lambda (+. 0.5 (*. 2.0 $0)))"  # float -> float, its constants fitted


def module(seed: int, tp: Any = DIGIT) -> Module:
    arch = architecture_for(tp)
    return Module("n0", tp, arch, build(arch, seed=seed))


def add2_task() -> Task:
    rng = np.random.default_rng(0)
    pairs = [((Array(rng.normal(size=12)), Array(rng.normal(size=12))), k % 7)
             for k in range(4)]
    return Task.from_examples(pairs, name="add2", request="tensor(12) -> tensor(12) -> int")


def line_task() -> Task:  # outputs the fitted program gives up to rounding
    return Task.from_examples([(x, 0.5 + 2.0 * x + 1e-5) for x in (0.0, 1.0, 2.5)],
                              name="line", request="float -> float")


def source(path: Path, seed: int = 3) -> Library:
    lib = Library.create(f"sqlite:///{path}", ("lists", "tensors"))
    save_module(lib, "digit", module(seed), {"task": "add2", "accuracy": 0.9})
    run = lib.start_run("solve", {})
    for task, text in ((add2_task(), ADD2), (line_task(), LINE)):
        lib.add_result(run, task, SearchResult(task.name, [Candidate(parse(text), -3.0, 1.0, 9)],
                                               9, 1.0, None))
    return lib


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("modules")
    with source(folder / "source.db") as lib:
        summary = export_library(lib, folder / "lib.zip")
    assert summary.modules == ("digit",) and summary.blobs == () and not summary.skipped
    assert summary.tasks == 2 and summary.solutions == 2
    return folder / "lib.zip"


def outputs(lib: Library, name: str) -> Any:
    x = torch.randn(5, 12, generator=torch.Generator().manual_seed(1))
    return load_modules(lib)[name].net(x)


def recorded(lib: Library) -> dict[str, str]:
    return {s.task: s.program for s in lib.solutions()}


def test_a_module_and_the_programs_calling_it_round_trip(exported: Path, tmp_path: Path) -> None:
    with source(tmp_path / "again.db") as original:
        want = outputs(original, "digit")
    with Library.create(f"sqlite:///{tmp_path / 'fresh.db'}", ("lists", "tensors")) as lib:
        summary = import_library(lib, exported)
        assert summary.modules == ("digit",) and summary.solutions == 2
        [routine] = [r for r in lib.routines() if r.kind == "neural"]
        assert routine.provenance["task"] == "add2" and "imported_from" in routine.provenance
        assert torch.equal(outputs(lib, "digit"), want)
        assert recorded(lib) == {"add2": ADD2, "line": LINE}  # the float fit is within tolerance
        # the library it makes exports the same again
        again = export_library(lib, tmp_path / "again.zip")
        assert again.modules == ("digit",)


def test_same_weights_are_the_librarys_module_and_programs_follow_its_name(
        exported: Path, tmp_path: Path) -> None:
    with Library.create(f"sqlite:///{tmp_path / 't.db'}", ("lists", "tensors")) as lib:
        # the same module file (weights and provenance), another name: the file came back
        save_module(lib, "seen", module(3), {"task": "add2", "accuracy": 0.9})
        summary = import_library(lib, exported)
        assert summary.modules == () and ("digit", "seen") in summary.skipped
        assert recorded(lib)["add2"] == ADD2.replace("??digit", "??seen")


def test_a_name_clash_is_refused_or_renamed_with_the_programs(exported: Path,
                                                               tmp_path: Path) -> None:
    with Library.create(f"sqlite:///{tmp_path / 't.db'}", ("lists", "tensors")) as lib:
        save_module(lib, "digit", module(4), {})  # other weights under the file's name
        before = [r.name for r in lib.routines()], lib.summary()
        with pytest.raises(LibraryFileError, match=r"modules\[0\].*named 'digit'.*rename"):
            import_library(lib, exported)
        assert ([r.name for r in lib.routines()], lib.summary()) == before
        summary = import_library(lib, exported, rename=True)
        assert summary.modules == ("digit-2",) and ("digit", "digit-2") in summary.renamed
        assert recorded(lib)["add2"] == ADD2.replace("??digit", "??digit-2")
        assert set(load_modules(lib)) == {"digit", "digit-2"}


def rewritten(exported: Path, tmp_path: Path, change: Any,
              member: tuple[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(exported) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members[MANIFEST])
    change(manifest)
    members[MANIFEST] = json.dumps(manifest).encode()
    if member is not None:
        members[member[0]] = member[1]
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _swap_weights(m: dict[str, Any], data: bytes) -> None:
    import hashlib

    entry = m["modules"][0]
    entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()


def _call(text: str) -> Any:
    def change(m: dict[str, Any]) -> None:
        [task] = [t for t in m["tasks"] if t["name"] == "add2"]
        task["solution"]["program"] = text
    return change


def _module_blob(m: dict[str, Any]) -> None:
    entry = dict(m["modules"].pop())
    m["blobs"].append({"name": "module:digit", "kind": "safetensors", "meta": {},
                       **{k: entry[k] for k in ("member", "size", "sha256")}})


@pytest.mark.parametrize("case,match", [
    ("other-module", r"modules\[0\] 'digit'.*weights are for tensor\(7\) -> int"),
    ("mismatched", r"modules\[0\] 'digit'.*do not match the architecture"),
    ("declared-type", r"modules\[0\] 'digit'.*has type tensor\(3\) -> int"),
    ("unknown-hole", r"tasks\[0\].*hole \?\?nope.*not a typed call of a neural routine"),
    ("wrong-type", r"tasks\[0\].*calls the neural routine 'digit' at type tensor\(5\)"),
    ("module-blob", r"blobs\[0\] is named 'module:digit'"),
    ("bad-name", r"'no such'"),
])
def test_hostile_modules_are_refused_and_nothing_is_written(case: str, match: str,
                                                            exported: Path,
                                                            tmp_path: Path) -> None:
    import safetensors.torch

    from hortus._safetensors import METADATA, check_safetensors
    from hortus.train.modules import to_bytes

    with zipfile.ZipFile(exported) as zf:
        manifest_member = json.loads(zf.read(MANIFEST))["modules"][0]["member"]
        mine = zf.read(manifest_member)
    alien = module(5, parse_type("tensor(7) -> int"))
    weights = {"other-module": to_bytes(alien),  # a whole module of another type
               "mismatched": safetensors.torch.save(  # our metadata, another's tensors
                   {k: v.contiguous() for k, v in alien.net.state_dict().items()},
                   metadata=check_safetensors(mine)[METADATA])}
    changes: dict[str, Any] = {
        "other-module": lambda m: _swap_weights(m, weights["other-module"]),
        "mismatched": lambda m: _swap_weights(m, weights["mismatched"]),
        "declared-type": lambda m: m["modules"][0].update(type="tensor(3) -> int"),
        "unknown-hole": _call("(lambda (lambda (+ (??nope[tensor(12) -> int] $1) 1)))"),
        "wrong-type": _call("(lambda (lambda (??digit[tensor(5) -> int] $1)))"),
        "module-blob": _module_blob,
        "bad-name": lambda m: m["modules"][0].update(name="no such"),
    }
    member = (manifest_member, weights[case]) if case in weights else None
    path = rewritten(exported, tmp_path, changes[case], member)
    with Library.create(f"sqlite:///{tmp_path / 't.db'}", ("lists", "tensors")) as lib:
        before = [r.name for r in lib.routines()], lib.summary(), lib.blobs()
        with pytest.raises(LibraryFileError, match=match):
            import_library(lib, path)
        assert ([r.name for r in lib.routines()], lib.summary(), lib.blobs()) == before


def test_a_file_with_modules_needs_torch_to_be_read(exported: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "hortus.train.modules", None)  # as if torch were absent
    with Library.create(f"sqlite:///{tmp_path / 't.db'}", ("lists", "tensors")) as lib:
        with pytest.raises(LibraryFileError, match=r"needs PyTorch.*hortus\[digits\]"):
            import_library(lib, exported)
        assert not [r for r in lib.routines() if r.kind == "neural"]


_texts = st.sampled_from(["digit", "digit-2", "no such", "", "??digit", "tensor(12) -> int",
                          "int", "tensor(12) -> bool", ADD2, ADD2.replace("12", "7"),
                          "(lambda (lambda (??digit[tensor(12) -> int] $0)))", "(lambda 1)"])
_values = _texts | st.integers(-3, 3) | st.floats(allow_nan=True) | st.none() | \
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2) | st.lists(st.integers(),
                                                                               max_size=2)


@st.composite
def _damaged(draw: st.DrawFn, exported: Path, tmp: Path) -> Path:
    """The file with its module entry, the program that calls it, or its weights damaged."""
    import hashlib

    with zipfile.ZipFile(exported) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members[MANIFEST])
    entry = manifest["modules"][0]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["entry", "entry", "program", "weights", "drop"]))
        if kind == "entry":
            entry[draw(st.sampled_from(sorted(entry)))] = draw(_values)
        elif kind == "program":
            manifest["tasks"][0]["solution"]["program"] = draw(_texts)
        elif kind == "drop":
            del entry[draw(st.sampled_from(sorted(entry)))]
        elif isinstance(entry.get("member"), str) and entry["member"] in members:
            data = bytearray(members[entry["member"]])
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
            members[entry["member"]] = bytes(data)
            if draw(st.booleans()):  # the listed hash kept in step with the change
                entry["sha256"] = hashlib.sha256(data).hexdigest()
    members[MANIFEST] = json.dumps(manifest).encode()
    path = tmp / f"damaged-{draw(st.integers(0, 10**9))}.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@settings(max_examples=int(os.environ.get("HORTUS_FUZZ_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_modules_import_whole_or_not_at_all(exported: Path, data: st.DataObject) -> None:
    """A damaged module entry, weights or calling program: imported, and every module loads;
    or refused naming the file, and the library as it was."""
    with tempfile.TemporaryDirectory() as folder:
        path = data.draw(_damaged(exported, Path(folder)))
        with Library.create("sqlite://", ("lists", "tensors")) as lib:
            before = [r.name for r in lib.routines()], lib.summary(), lib.blobs()
            try:
                import_library(lib, path, rename=True)
            except LibraryFileError as e:
                assert str(path) in str(e)
                assert ([r.name for r in lib.routines()], lib.summary(), lib.blobs()) == before
            load_modules(lib)
            lib.grammar()


def test_cli_export_and_import_name_the_modules(exported: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hortus.cli import app

    runner = CliRunner()
    out = tmp_path / "cli.zip"
    source = f"sqlite:///{exported.parent / 'source.db'}"
    result = runner.invoke(app, ["library", "export", str(out), "--library", source])
    assert result.exit_code == 0 and "1 neural modules" in result.output, result.output
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["library", "init", "--library", url, "--domain",
                                 "lists,tensors"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["library", "import", str(out), "--library", url])
    assert result.exit_code == 0 and "neural modules added" in result.output, result.output
    assert "digit" in result.output
    result = runner.invoke(app, ["library", "import", str(out), "--library", url, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["modules"] == []
