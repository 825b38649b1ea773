"""The contract every ScimStore keeps, as a test suite each store's tests subclass."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from scim2_models import NotFoundException, PreconditionFailedException, UniquenessException

from .storage import IndexKey, ScimStore

T0 = "2026-01-01T00:00:00.000Z"
T1 = "2026-01-01T00:00:01.000Z"


def user_keys(user_name: str, *emails: str) -> list[IndexKey]:
    return [IndexKey("userName", user_name, unique=True)] + [
        IndexKey("emails.value", email) for email in emails
    ]


def run_together(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run `action(i)` in `count` threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = action(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class ScimStoreContract:
    """Subclass with a `store` fixture that yields an empty store (see ScimStore's docstring)."""

    def test_create_gives_id_version_and_times(self, store: ScimStore) -> None:
        created = store.create("User", {"userName": "bjensen"}, user_keys("bjensen"), T0)
        assert created.id and created.version == 1
        assert (created.created, created.last_modified) == (T0, T0)
        assert created.etag == 'W/"1"'
        assert store.get("User", created.id) == created

    def test_ids_are_unique(self, store: ScimStore) -> None:
        ids = {store.create("User", {"n": i}, [], T0).id for i in range(20)}
        assert len(ids) == 20

    def test_data_is_copied_both_ways(self, store: ScimStore) -> None:
        data: dict[str, Any] = {"userName": "bjensen", "emails": [{"value": "a@x"}]}
        created = store.create("User", data, [], T0)
        data["emails"].append({"value": "b@x"})
        created.data["userName"] = "changed"
        fetched = store.get("User", created.id)
        assert fetched.data == {"userName": "bjensen", "emails": [{"value": "a@x"}]}
        fetched.data["emails"].clear()
        assert store.get("User", created.id).data["emails"] == [{"value": "a@x"}]

    def test_replace_keeps_id_and_created_and_bumps_version(self, store: ScimStore) -> None:
        created = store.create("User", {"userName": "a"}, user_keys("a"), T0)
        replaced = store.replace("User", created.id, {"userName": "b"}, user_keys("b"), T1)
        assert (replaced.id, replaced.version) == (created.id, 2)
        assert (replaced.created, replaced.last_modified) == (T0, T1)
        assert store.get("User", created.id) == replaced

    def test_unknown_ids_and_other_types_are_not_found(self, store: ScimStore) -> None:
        created = store.create("User", {}, [], T0)
        with pytest.raises(NotFoundException):
            store.get("User", "nope")
        with pytest.raises(NotFoundException):
            store.get("Group", created.id)
        with pytest.raises(NotFoundException):
            store.replace("User", "nope", {}, [], T1)
        with pytest.raises(NotFoundException):
            store.delete("Group", created.id)

    def test_delete_removes_the_resource_and_its_keys(self, store: ScimStore) -> None:
        created = store.create("User", {}, user_keys("a", "a@x"), T0)
        store.delete("User", created.id)
        with pytest.raises(NotFoundException):
            store.get("User", created.id)
        assert store.find("User", "emails.value", "a@x") == []
        assert store.create("User", {}, user_keys("a"), T1).version == 1

    def test_a_taken_unique_key_refuses_a_create_and_stores_nothing(self, store: ScimStore) -> None:
        store.create("User", {}, user_keys("a"), T0)
        with pytest.raises(UniquenessException):
            store.create("User", {}, user_keys("a", "other@x"), T0)
        assert store.count("User") == 1
        assert store.find("User", "emails.value", "other@x") == []

    def test_a_taken_unique_key_refuses_a_replace_and_changes_nothing(
        self, store: ScimStore
    ) -> None:
        store.create("User", {}, user_keys("a"), T0)
        second = store.create("User", {"n": 2}, user_keys("b"), T0)
        with pytest.raises(UniquenessException):
            store.replace("User", second.id, {"n": 3}, user_keys("a"), T1)
        assert store.get("User", second.id) == second
        assert [r.id for r in store.find("User", "userName", "b")] == [second.id]

    def test_a_resource_may_keep_its_own_unique_key(self, store: ScimStore) -> None:
        created = store.create("User", {}, user_keys("a"), T0)
        assert store.replace("User", created.id, {"x": 1}, user_keys("a"), T1).version == 2

    def test_a_released_unique_key_can_be_taken(self, store: ScimStore) -> None:
        first = store.create("User", {}, user_keys("a"), T0)
        store.replace("User", first.id, {}, user_keys("renamed"), T1)
        assert store.create("User", {}, user_keys("a"), T1).version == 1

    def test_uniqueness_is_per_resource_type_and_repeated_keys_are_one(
        self, store: ScimStore
    ) -> None:
        store.create("User", {}, [IndexKey("externalId", "x", unique=True)], T0)
        store.create("Group", {}, [IndexKey("externalId", "x", unique=True)], T0)
        twice = [IndexKey("emails.value", "a@x", unique=True)] * 2
        assert store.create("User", {}, twice, T0).version == 1

    def test_non_unique_keys_are_shared_and_found_in_creation_order(self, store: ScimStore) -> None:
        first = store.create("User", {"n": 1}, user_keys("a", "team@x"), T0)
        second = store.create("User", {"n": 2}, user_keys("b", "team@x"), T0)
        store.replace("User", first.id, {"n": 1}, user_keys("a", "team@x"), T1)
        assert [r.id for r in store.find("User", "emails.value", "team@x")] == [first.id, second.id]
        assert store.find("User", "emails.value", "nobody@x") == []

    def test_versions_are_checked_atomically(self, store: ScimStore) -> None:
        created = store.create("User", {}, [], T0)
        with pytest.raises(PreconditionFailedException):
            store.replace("User", created.id, {"x": 1}, [], T1, expected_version=7)
        with pytest.raises(PreconditionFailedException):
            store.delete("User", created.id, expected_version=7)
        assert store.get("User", created.id) == created
        store.replace("User", created.id, {"x": 1}, [], T1, expected_version=1)
        store.delete("User", created.id, expected_version=2)
        assert store.count("User") == 0

    def test_page_scan_and_count_follow_creation_order(self, store: ScimStore) -> None:
        ids = [store.create("User", {"n": i}, [], T0).id for i in range(7)]
        store.create("Group", {}, [], T0)
        store.replace("User", ids[0], {"n": 0}, [], T1)
        assert store.count("User") == 7 and store.count("Group") == 1
        assert [r.id for r in store.scan("User")] == ids
        assert [r.id for r in store.page("User", 2, 3)] == ids[2:5]
        assert [r.id for r in store.page("User", 5, 10)] == ids[5:]
        assert store.page("User", 9, 10) == []

    def test_clear_removes_everything(self, store: ScimStore) -> None:
        store.create("User", {}, user_keys("a"), T0)
        store.create("Group", {}, [], T0)
        store.clear()
        assert store.count("User") == store.count("Group") == 0
        assert store.find("User", "userName", "a") == []
        store.create("User", {}, user_keys("a"), T0)

    def test_concurrent_creates_of_one_unique_key_succeed_once(self, store: ScimStore) -> None:
        results = run_together(
            24, lambda i: store.create("User", {"n": i}, user_keys("same", f"{i}@x"), T0)
        )
        refused = [r for r in results if isinstance(r, UniquenessException)]
        assert len(refused) == 23, results
        assert store.count("User") == 1

    def test_concurrent_replaces_of_one_version_succeed_once(self, store: ScimStore) -> None:
        created = store.create("User", {}, [], T0)
        results = run_together(
            12, lambda i: store.replace("User", created.id, {"n": i}, [], T1, expected_version=1)
        )
        assert sum(1 for r in results if isinstance(r, PreconditionFailedException)) == 11
        assert store.get("User", created.id).version == 2

    def test_update_reads_changes_and_writes_in_one_step(self, store: ScimStore) -> None:
        created = store.create("User", {"n": 0}, user_keys("a"), T0)
        updated = store.update(
            "User", created.id, lambda s: ({"n": s.data["n"] + 1}, user_keys("b")), T1
        )
        assert (updated.version, updated.data, updated.last_modified) == (2, {"n": 1}, T1)
        assert [r.id for r in store.find("User", "userName", "b")] == [created.id]
        assert store.find("User", "userName", "a") == []

    def test_update_of_nothing_or_a_failing_change_writes_nothing(self, store: ScimStore) -> None:
        created = store.create("User", {"n": 0}, [], T0)
        assert store.update("User", created.id, lambda s: None, T1) == created

        def refuse(_: Any) -> None:
            raise PreconditionFailedException(detail="no")

        with pytest.raises(PreconditionFailedException):
            store.update("User", created.id, refuse, T1)
        other = store.create("User", {}, user_keys("taken"), T0)
        with pytest.raises(UniquenessException):
            store.update("User", created.id, lambda s: ({"n": 9}, user_keys("taken")), T1)
        assert store.get("User", created.id) == created
        assert store.find("User", "userName", "taken")[0].id == other.id
        with pytest.raises(NotFoundException):
            store.update("User", "missing", lambda s: None, T1)

    def test_concurrent_updates_all_apply(self, store: ScimStore) -> None:
        """Issue 17 F5: updates of one resource are serialized, none lost, none refused."""
        created = store.create("User", {"n": 0}, [], T0)
        results = run_together(
            16,
            lambda i: store.update("User", created.id, lambda s: ({"n": s.data["n"] + 1}, []), T1),
        )
        assert [r for r in results if isinstance(r, Exception)] == []
        final = store.get("User", created.id)
        assert (final.data["n"], final.version) == (16, 17)
