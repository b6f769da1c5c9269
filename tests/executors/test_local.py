"""The local executor: inline for one job, a process pool otherwise."""

from __future__ import annotations

import os

import pytest

from hortus.executors import LocalExecutor

_state: dict[str, int] = {}


def _setup(value: int) -> None:
    _state["value"] = value


def _job(x: int) -> tuple[int, int]:
    return x * _state["value"], os.getpid()


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_item_once_with_its_index(jobs: int) -> None:
    items = list(range(13))
    out = dict(LocalExecutor(jobs).map_unordered(_job, items, setup=_setup, setup_args=(3,)))
    assert sorted(out) == items
    assert all(out[i][0] == 3 * i for i in items)


def test_two_jobs_use_other_processes() -> None:
    out = dict(LocalExecutor(2).map_unordered(_job, list(range(8)), setup=_setup,
                                              setup_args=(1,)))
    assert os.getpid() not in {pid for _, pid in out.values()}


def test_default_is_all_cores() -> None:
    assert LocalExecutor().workers >= 1
