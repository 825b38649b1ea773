"""`entra-harness up` runs provisioning cycles by itself: Provisioning Status On is enough."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness.hostmap import HostMap, http_client
from harness.tenant_admin import TenantAdmin
from harness.tls import TestCertificateAuthority

GRAPH = "https://graph.microsoft.com/v1.0"


def test_up_starts_the_background_provisioning_scheduler(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "up",
            "--print-urls",
            "json",
            "--empty",
            "--provisioning-poll-seconds",
            "0.2",
            "--state-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        host_map = HostMap({h: int(a.rsplit(":", 1)[1]) for h, a in info["hosts"].items()})
        ca = TestCertificateAuthority(list(info["hosts"]), Path(info["ca_certificate"]).parent)
        token = info["credentials"]["graph_admin_token"]
        with http_client(host_map, ca.client_context()) as client:
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
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
