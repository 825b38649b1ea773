"""kill -9 of `up --state DIR` while Graph and the admin center write: after a restart on the
same directory, every write that was acknowledged is there (issue 22)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from harness.clients.tenant_admin import AdminCenter, GraphError
from tests.state.up_state import up_with_state

WRITES_BEFORE_KILL = 30


def test_kill_9_during_graph_and_admin_center_writes_loses_nothing_acknowledged(
    tmp_path: Path,
) -> None:
    acknowledged_users: list[str] = []
    acknowledged_claims: list[str] = []
    failures: list[BaseException] = []
    with up_with_state(tmp_path, "--empty") as running:
        admin = running.admin
        app = admin.add_gallery_app("RingCentral")
        center = AdminCenter(running.client, running.info["credentials"]["graph_admin_token"])
        stop = threading.Event()

        def graph_writes() -> None:
            number = 0
            while not stop.is_set():
                upn = f"user{number}@contoso.com"
                try:
                    admin.create_user("Passw0rd!1", userPrincipalName=upn, displayName=upn)
                except (httpx.HTTPError, GraphError) as error:
                    failures.append(error)
                    return  # the server is gone: this write was not acknowledged
                acknowledged_users.append(upn)
                number += 1

        def admin_center_writes() -> None:
            number = 0
            while not stop.is_set():
                name = f"claim{number}"
                try:
                    center.add_claim(app, name=name, constant=f"value{number}")
                except (httpx.HTTPError, GraphError) as error:
                    failures.append(error)
                    return
                acknowledged_claims.append(name)
                number += 1

        writers = [
            threading.Thread(target=graph_writes),
            threading.Thread(target=admin_center_writes),
        ]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while min(len(acknowledged_users), len(acknowledged_claims)) < WRITES_BEFORE_KILL:
            assert not failures, f"a write failed before the kill: {failures[0]!r}"
            assert time.monotonic() < deadline, "the writes are too slow"
            time.sleep(0.01)
        running.kill_9()  # mid-write: both writers have requests in flight
        stop.set()
        for writer in writers:
            writer.join(timeout=30)

    with up_with_state(tmp_path) as restarted:
        users = {u["userPrincipalName"] for u in restarted.admin._call("GET", "/users")["value"]}
        missing_users = [upn for upn in acknowledged_users if upn not in users]
        center = AdminCenter(restarted.client, restarted.info["credentials"]["graph_admin_token"])
        claims = center.saml(app)["attributesAndClaims"]["claims"]
        names = {claim["name"] for claim in claims}
        missing_claims = [name for name in acknowledged_claims if name not in names]
        print(
            f"acknowledged before kill -9: {len(acknowledged_users)} users, "
            f"{len(acknowledged_claims)} claims; restart took {restarted.started_in:.1f} s"
        )
    assert missing_users == [] and missing_claims == []
    # Unacknowledged writes may have landed; nothing appears that was never sent.
    assert len(users - set(acknowledged_users)) <= 1 + 1  # the in-flight one, and admin@
