"""`entra-harness up` runs provisioning cycles by itself: Provisioning Status On is enough."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from harness.clients.tenant_admin import TenantAdmin
from tests.serving.up_process import harness_up

GRAPH = "https://graph.microsoft.com/v1.0"


def test_up_starts_the_background_provisioning_scheduler(tmp_path: Path) -> None:
    with harness_up(tmp_path, "--empty", "--provisioning-poll-seconds", "0.2") as (info, client):
        token = info["credentials"]["graph_admin_token"]
        admin = TenantAdmin(client, token, info["tenant_id"])
        headers = {"Authorization": f"Bearer {token}"}
        user = admin.create_user(
            "Passw0rd!1",
            userPrincipalName="ada@contoso.com",
            displayName="Ada",
            mail="ada@contoso.com",
            givenName="Ada",
            surname="Lovelace",
        )
        app = admin.add_gallery_app("RingCentral")
        admin.assign(app, user["id"])
        base = f"{GRAPH}/servicePrincipals/{app.service_principal_id}/synchronization"
        job = client.post(f"{base}/jobs", headers=headers, json={}).json()
        secrets = [
            {"key": "BaseAddress", "value": info["scim_tenant_urls"]["ringcentral"]},
            {"key": "SecretToken", "value": info["credentials"]["scim_tokens"]["ringcentral"]},
        ]
        client.put(f"{base}/secrets", headers=headers, json={"value": secrets})
        # Only Provisioning Status On: nobody calls /_mock/provisioning/run-due.
        started = client.post(f"{base}/jobs/{job['id']}/start", headers=headers)
        assert started.status_code == 204

        last: dict[str, Any] | None = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status = client.get(f"{base}/jobs/{job['id']}", headers=headers).json()["status"]
            last = status["lastExecution"]
            if last and last["state"] != "InProgress":
                break
            time.sleep(0.2)
        assert last is not None, "no cycle ran: the background scheduler is not running"
        assert last["state"] == "Succeeded" and last["countExported"] == 1
        stored = client.get("https://platform.ringcentral.com/_mock/scim/User").json()
        assert [u["userName"] for u in stored["Resources"]] == ["ada@contoso.com"]
