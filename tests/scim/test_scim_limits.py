"""Issue 17 on SCIM: writes of one resource serialized (no 412 without If-Match), bodies and the
request log bounded in bytes, JSON nesting bounded."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from gallery import ScimProfile
from mock_kernel.clock import Clock
from mock_scim.memory import MemoryStore
from mock_scim.request_log import RequestLog
from mock_scim.sqlite import SqliteStore
from mock_scim.storage import IndexKey, ScimStore, StoredResource
from mock_scim.target import ScimTarget
from mock_scim.web import create_scim_app

ROOT, PREFIX = "https://scim.example.test", "/scim/v2"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def call(target: ScimTarget, method: str, path: str, data: bytes | None = None, **headers: str):
    return Client(create_scim_app(target)).open(
        PREFIX + path,
        base_url=ROOT,
        method=method,
        data=data,
        headers={
            "Authorization": f"Bearer {target.token}",
            "Content-Type": "application/scim+json",
            **headers,
        },
    )


def new_user(target: ScimTarget) -> str:
    body = json.dumps({"schemas": [USER], "userName": "bjensen@example.com"}).encode()
    response = call(target, "POST", "/Users", body)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def retitle(title: str) -> bytes:
    operation = {"op": "replace", "path": "title", "value": title}
    return json.dumps({"schemas": [PATCH_OP], "Operations": [operation]}).encode()


class InterleavingStore(MemoryStore):
    """Another client's write lands between every read and write the service makes through
    `get` (what optimistic retries ran out of: 'the resource keeps changing')."""

    def __init__(self) -> None:
        super().__init__()
        self.interleave = False

    def get(self, resource_type: str, resource_id: str) -> StoredResource:
        stored = super().get(resource_type, resource_id)
        if self.interleave and resource_type == "User":
            keys = [IndexKey("userName", "bjensen@example.com", True)]
            super().replace(resource_type, resource_id, stored.data, keys, "other")
        return stored


def test_a_patch_without_if_match_is_never_412_however_often_others_write() -> None:
    store = InterleavingStore()
    target = ScimTarget("generic", ScimProfile(), Clock(), store)
    user_id = new_user(target)
    store.interleave = True
    response = call(target, "PATCH", f"/Users/{user_id}", retitle("Tour Guide"))
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Tour Guide"


def store_of(kind: str, tmp_path: Path) -> ScimStore:
    return MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "scim.db")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_forty_concurrent_patches_without_if_match_all_apply(kind: str, tmp_path: Path) -> None:
    """F5: 40 PATCHes of one user at once: every one 200, none lost (the version counts 40)."""
    target = ScimTarget("generic", ScimProfile(), Clock(), store_of(kind, tmp_path))
    user_id = new_user(target)
    statuses: list[int] = []
    start = threading.Barrier(40)

    def patch(n: int) -> None:
        start.wait()
        statuses.append(call(target, "PATCH", f"/Users/{user_id}", retitle(f"t{n}")).status_code)

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40
    assert target.store.get("User", user_id).version == 41
    target.close()


def test_if_match_with_a_stale_version_is_still_412() -> None:
    target = ScimTarget("generic", ScimProfile(), Clock())
    user_id = new_user(target)
    assert call(target, "PATCH", f"/Users/{user_id}", retitle("a")).status_code == 200
    stale = call(target, "PATCH", f"/Users/{user_id}", retitle("b"), **{"If-Match": 'W/"1"'})
    assert stale.status_code == 412
    assert target.store.get("User", user_id).data["title"] == "a"


def test_a_body_over_the_limit_is_413_with_a_scim_error_and_not_kept() -> None:
    """F6: RFC 7644 §3.12 413, answered before the body is stored or logged whole."""
    target = ScimTarget("generic", ScimProfile(), Clock())
    body = b'{"schemas":["' + USER.encode() + b'"],"userName":"' + b"x" * 3 * 1024 * 1024 + b'"}'
    response = call(target, "POST", "/Users", body)
    assert response.status_code == 413
    assert response.json["schemas"] == [ERROR]
    assert response.json["status"] == "413"
    assert target.store.count("User") == 0
    logged = target.log.since(0)[-1]
    assert len(logged.request_body) <= 64 * 1024


def test_json_nested_100000_deep_is_400_invalid_syntax() -> None:
    """F2 on SCIM: a RecursionError before; now the nesting bound's invalidSyntax."""
    target = ScimTarget("generic", ScimProfile(), Clock())
    deep = b"[" * 100_000 + b"]" * 100_000
    for method, path in (("POST", "/Users"), ("POST", "/.search"), ("PATCH", "/Users/x")):
        response = call(target, method, path, b'{"a":' + deep + b"}")
        assert response.status_code == 400, (method, path, response.json)
        assert response.json["scimType"] == "invalidSyntax"


def test_the_request_log_cuts_bodies_and_keeps_a_bounded_number_of_bytes() -> None:
    """F6: one large body is kept cut with its size noted; the log keeps at most its budget."""
    log = RequestLog(body_bytes=1000, log_bytes=10_000)
    headers: tuple[tuple[str, str], ...] = ()
    log.record("t", "POST", "u", headers, b"a" * 5000, 201, headers, b"{}")
    entry: dict[str, Any] = log.since(0)[0].as_dict()
    assert entry["request"]["truncated"] == {"originalBytes": 5000, "keptBytes": 1000}
    assert "truncated" not in entry["response"]
    for _ in range(50):
        log.record("t", "POST", "u", headers, b"b" * 5000, 201, headers, b"{}")
    kept = log.since(0)
    assert sum(len(e.request_body) + len(e.response_body) for e in kept) <= 10_000
    assert kept[-1].seq == 51
