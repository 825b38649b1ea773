"""Both SCIM stores keep ScimStore's contract; SQLite survives restarts, other processes and kill -9."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scim2_models import UniquenessException

from mock_scim.memory import MemoryStore
from mock_scim.sqlite import SqliteStore
from mock_scim.storage import ScimStore
from mock_scim.testing import T0, ScimStoreContract, run_together, user_keys


class TestMemoryStore(ScimStoreContract):
    @pytest.fixture
    def store(self) -> Iterator[ScimStore]:
        yield MemoryStore()


class TestSqliteStore(ScimStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[ScimStore]:
        store = SqliteStore(tmp_path / "scim.sqlite3")
        yield store
        store.close()


def test_sqlite_keeps_resources_when_reopened(tmp_path: Path) -> None:
    path = tmp_path / "scim.sqlite3"
    first = SqliteStore(path)
    created = first.create("User", {"userName": "bjensen"}, user_keys("bjensen"), T0)
    first.close()
    second = SqliteStore(path)
    assert second.get("User", created.id) == created
    with pytest.raises(UniquenessException):
        second.create("User", {}, user_keys("bjensen"), T0)
    second.close()


def test_sqlite_uniqueness_holds_across_connections_to_one_file(tmp_path: Path) -> None:
    """Two stores on one file stand for two server processes (gunicorn workers)."""
    path = tmp_path / "scim.sqlite3"
    stores = [SqliteStore(path), SqliteStore(path)]
    results = run_together(
        16, lambda i: stores[i % 2].create("User", {"n": i}, user_keys("same"), T0)
    )
    assert sum(1 for r in results if isinstance(r, UniquenessException)) == 15, results
    assert stores[0].count("User") == stores[1].count("User") == 1
    for store in stores:
        store.close()


def test_sqlite_refuses_a_file_of_another_layout(tmp_path: Path) -> None:
    path = tmp_path / "scim.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE resources (id TEXT)")
    with pytest.raises(RuntimeError, match="another layout"):
        SqliteStore(path)


def _open_at_once(path: str, barrier: Any, failures: Any) -> None:
    barrier.wait()
    try:
        SqliteStore(Path(path)).close()
    except sqlite3.OperationalError:
        failures.put(1)


def test_sqlite_opened_new_by_several_processes_at_once(tmp_path: Path) -> None:
    """A server's workers open the same new file together; each must get a working store
    (changing the journal mode to WAL once failed one of them: "database is locked")."""
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for attempt in range(12):
        barrier = context.Barrier(4)
        path = str(tmp_path / f"scim-{attempt}.sqlite3")
        workers = [
            context.Process(target=_open_at_once, args=(path, barrier, failures)) for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert failures.empty()
