"""Trained modules as library routines: stored with their weights, checked when read back."""

from __future__ import annotations

import json

import pytest

from hortus.lang.parse import parse
from hortus.lang.types import parse_type
from hortus.library import Library, LibraryError
from hortus.train import TrainConfig, train
from hortus.train.modules import ModuleError, from_bytes, load_modules, save_module, to_bytes
from hortus.train.templates import architecture_for, build
from hortus.train.trainer import Module

TP = parse_type("tensor(12) -> int")


@pytest.fixture
def module():
    arch = architecture_for(TP)
    return Module("n0", TP, arch, build(arch, seed=3))


def test_a_module_goes_into_the_library_and_comes_back_the_same(tmp_path, module):
    import torch

    lib = Library.create(f"sqlite:///{tmp_path / 'lib.db'}", ("lists", "tensors"))
    save_module(lib, "digit", module, {"task": "add2", "accuracy": 0.97})
    [routine] = [r for r in lib.routines() if r.kind == "neural"]
    assert routine.body == "??digit[tensor(12) -> int]"
    # the searcher proposes it like any routine: it is in the grammar
    assert any(str(p.program) == routine.body for p in lib.grammar().productions)
    lib.close()
    again = Library.open(f"sqlite:///{tmp_path / 'lib.db'}")
    loaded = load_modules(again)["digit"]
    x = torch.randn(5, 12)
    assert torch.equal(loaded.net(x), module.net(x))
    assert loaded.arch == module.arch
    _, provenance = from_bytes("digit", again.get_blob("module:digit").data)
    assert provenance == {"task": "add2", "accuracy": 0.97}
    again.close()


def test_a_reused_module_fills_its_hole_in_another_program(glyphs, tmp_path):
    request = parse_type("tensor(12) -> tensor(12) -> int")
    data = []
    for _ in range(400):
        (a, da), (b, db) = glyphs.draw(), glyphs.draw()
        data.append(((a, b), da + db))
    first = train(parse("(lambda (lambda (+ (??d $1) (??d $0))))"), request, data,
                  TrainConfig(seconds=15, target=0.95, stop_at_target=True))
    lib = Library.create(f"sqlite:///{tmp_path / 'lib.db'}", ("lists", "tensors"))
    save_module(lib, "digit", first.modules["d"])
    modules = load_modules(lib)
    lib.close()
    # a second task, never trained: the library's module answers it as it is
    program = parse("(lambda (lambda (gt? (??digit $0) (??digit $1))))")
    tests = [((a, b), da < db) for (a, da), (b, db) in
             ((glyphs.draw(), glyphs.draw()) for _ in range(200))]
    fit = train(program, parse_type("tensor(12) -> tensor(12) -> bool"), tests,
                TrainConfig(steps=0), modules=modules)
    assert fit.accuracy(tests) >= 0.9


def test_weights_that_do_not_match_their_architecture_are_refused(module):
    import torch

    good = to_bytes(module)
    other = Module("n0", TP, architecture_for(TP, width=32), build(architecture_for(TP, width=32)))
    header_len = int.from_bytes(good[:8], "little")
    meta = json.loads(good[8:8 + header_len])["__metadata__"]
    import safetensors.torch

    swapped = safetensors.torch.save({k: v.contiguous() for k, v in other.net.state_dict().items()},
                                     metadata=meta)
    with pytest.raises(ModuleError, match="do not match the architecture"):
        from_bytes("digit", swapped)
    nan = {k: torch.full_like(v, float("nan")) for k, v in module.net.state_dict().items()}
    with pytest.raises(ModuleError, match="not a finite number"):
        from_bytes("digit", safetensors.torch.save(nan, metadata=meta))
    with pytest.raises(ModuleError, match="not a safetensors file"):
        from_bytes("digit", b"\x00" * 7)
    with pytest.raises(ModuleError, match="bad metadata"):
        from_bytes("digit", safetensors.torch.save(dict(module.net.state_dict()),
                                                   metadata={"hortus": "{]"}))


def test_hostile_weights_write_nothing_to_the_library(tmp_path, module):
    lib = Library.create(f"sqlite:///{tmp_path / 'lib.db'}", ("lists", "tensors"))
    before = lib.routines()
    with pytest.raises(LibraryError, match="not safetensors"):
        lib.add_module("digit", TP, b"\xff" * 64, {})
    with pytest.raises(LibraryError, match="cannot name a neural routine"):
        lib.add_module("two words", TP, to_bytes(module), {})
    assert lib.routines() == before
    assert "module:digit" not in lib.blobs()
    lib.close()


def test_damaged_module_files_are_refused_cleanly(module):
    """Bit flips and truncations anywhere in a module file: it loads (the damage missed
    anything checked, e.g. a weight's low bits) or is a ModuleError; never anything else."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    good = to_bytes(module)

    @settings(max_examples=150, deadline=None)
    @given(at=st.integers(0, len(good) - 1), bit=st.integers(0, 7),
           cut=st.one_of(st.none(), st.integers(0, len(good) - 1)))
    def damaged(at, bit, cut):
        data = bytearray(good)
        data[at] ^= 1 << bit
        if cut is not None:
            data = data[:cut]
        try:
            loaded, _ = from_bytes("digit", bytes(data))
        except ModuleError:
            return
        assert loaded.arch == module.arch or loaded.arch.check() is None

    damaged()
