"""The in-memory store: fast and gone with the process, for tests that do not restart."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from scim2_models import NotFoundException, UniquenessException

from .storage import Change, IndexKey, ScimStore, StoredResource, check_version, distinct_keys


@dataclass
class _Row:
    seq: int
    id: str
    version: int
    created: str
    last_modified: str
    # JSON text, so that every read hands out a fresh copy (ScimStore's contract).
    data: str
    keys: list[IndexKey] = field(default_factory=list)


class MemoryStore(ScimStore):
    """Resources in dicts behind one lock; keys in an index that also enforces uniqueness."""

    def __init__(self) -> None:
        # Reentrant: an update's change may read the store (service rules) under the lock.
        self._lock = threading.RLock()
        self._sequence = itertools.count(1)
        self._rows: dict[str, dict[str, _Row]] = {}
        self._index: dict[tuple[str, str, str], set[str]] = {}
        self._unique: dict[tuple[str, str, str], str] = {}

    @staticmethod
    def _resource(resource_type: str, row: _Row) -> StoredResource:
        return StoredResource(
            resource_type, row.id, row.version, row.created, row.last_modified, json.loads(row.data)
        )

    def _row(self, resource_type: str, resource_id: str) -> _Row:
        row = self._rows.get(resource_type, {}).get(resource_id)
        if row is None:
            raise NotFoundException(detail=f"{resource_type} {resource_id} not found")
        return row

    def _check_unique(self, resource_type: str, keys: list[IndexKey], owner: str | None) -> None:
        for key in keys:
            if key.unique:
                holder = self._unique.get((resource_type, key.name, key.value))
                if holder is not None and holder != owner:
                    raise UniquenessException(
                        detail=f"{key.name} {key.value!r} is already taken by another {resource_type}"
                    )

    def _add_keys(self, resource_type: str, row: _Row, keys: list[IndexKey]) -> None:
        row.keys = keys
        for key in keys:
            self._index.setdefault((resource_type, key.name, key.value), set()).add(row.id)
            if key.unique:
                self._unique[(resource_type, key.name, key.value)] = row.id

    def _drop_keys(self, resource_type: str, row: _Row) -> None:
        for key in row.keys:
            holders = self._index.get((resource_type, key.name, key.value))
            if holders is not None:
                holders.discard(row.id)
                if not holders:
                    del self._index[(resource_type, key.name, key.value)]
            if key.unique and self._unique.get((resource_type, key.name, key.value)) == row.id:
                del self._unique[(resource_type, key.name, key.value)]
        row.keys = []

    def create(
        self, resource_type: str, data: dict[str, Any], keys: Iterable[IndexKey], now: str
    ) -> StoredResource:
        distinct = distinct_keys(keys)
        text = json.dumps(data)
        with self._lock:
            self._check_unique(resource_type, distinct, None)
            row = _Row(next(self._sequence), str(uuid4()), 1, now, now, text)
            self._rows.setdefault(resource_type, {})[row.id] = row
            self._add_keys(resource_type, row, distinct)
            return self._resource(resource_type, row)

    def get(self, resource_type: str, resource_id: str) -> StoredResource:
        with self._lock:
            return self._resource(resource_type, self._row(resource_type, resource_id))

    def replace(
        self,
        resource_type: str,
        resource_id: str,
        data: dict[str, Any],
        keys: Iterable[IndexKey],
        now: str,
        expected_version: int | None = None,
    ) -> StoredResource:
        with self._lock:
            row = self._row(resource_type, resource_id)
            check_version(resource_type, resource_id, row.version, expected_version)
            return self._rewrite(resource_type, row, data, keys, now)

    def update(
        self, resource_type: str, resource_id: str, change: Change, now: str
    ) -> StoredResource:
        with self._lock:
            row = self._row(resource_type, resource_id)
            stored = self._resource(resource_type, row)
            changed = change(stored)
            if changed is None:
                return stored
            return self._rewrite(resource_type, row, *changed, now)

    def _rewrite(
        self,
        resource_type: str,
        row: _Row,
        data: dict[str, Any],
        keys: Iterable[IndexKey],
        now: str,
    ) -> StoredResource:
        distinct = distinct_keys(keys)
        text = json.dumps(data)
        self._check_unique(resource_type, distinct, row.id)
        # A new row rather than a changed one: a scan already under way keeps its snapshot.
        new = _Row(row.seq, row.id, row.version + 1, row.created, now, text)
        self._drop_keys(resource_type, row)
        self._rows[resource_type][row.id] = new
        self._add_keys(resource_type, new, distinct)
        return self._resource(resource_type, new)

    def delete(
        self, resource_type: str, resource_id: str, expected_version: int | None = None
    ) -> None:
        with self._lock:
            row = self._row(resource_type, resource_id)
            check_version(resource_type, resource_id, row.version, expected_version)
            self._drop_keys(resource_type, row)
            del self._rows[resource_type][resource_id]

    def find(self, resource_type: str, name: str, value: str) -> list[StoredResource]:
        with self._lock:
            rows = self._rows.get(resource_type, {})
            found = [
                rows[i] for i in self._index.get((resource_type, name, value), ()) if i in rows
            ]
            found.sort(key=lambda row: row.seq)
            return [self._resource(resource_type, row) for row in found]

    def page(self, resource_type: str, offset: int, limit: int) -> list[StoredResource]:
        with self._lock:
            rows = itertools.islice(
                self._rows.get(resource_type, {}).values(), offset, offset + limit
            )
            return [self._resource(resource_type, row) for row in rows]

    def scan(self, resource_type: str) -> Iterator[StoredResource]:
        with self._lock:
            rows = list(self._rows.get(resource_type, {}).values())
        for row in rows:
            yield self._resource(resource_type, row)

    def count(self, resource_type: str) -> int:
        with self._lock:
            return len(self._rows.get(resource_type, {}))

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._index.clear()
            self._unique.clear()
