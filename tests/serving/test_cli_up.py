"""`entra-harness up --print-urls json` as a user runs it: a real process, real ports, Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.serving.up_process import harness_up


def test_up_prints_one_json_line_and_serves_every_tutorial_host(tmp_path: Path) -> None:
    with harness_up(tmp_path) as (info, client):
        assert set(info) >= {"tenant_id", "ca_certificate", "hosts", "credentials", "landing_page"}
        assert Path(info["ca_certificate"]).is_file()
        for host in (
            "login.microsoftonline.com",
            "myapps.microsoft.com",
            "graph.microsoft.com",
            "sso.ringcentral.com",
            "ssoeuro.ringcentral.com",
        ):
            assert host in info["hosts"]
        assert info["credentials"]["demo_user"]["userPrincipalName"] == "B.Simon@contoso.com"

        # The tutorial's App Federation Metadata Url, literally, with the BOM real Entra sends.
        graph = {"Authorization": f"Bearer {info['credentials']['graph_admin_token']}"}
        apps = client.get("https://login.microsoftonline.com/_mock/state").json()["apps"]
        assert [a["displayName"] for a in apps] == ["RingCentral"]
        metadata = client.get(
            f"https://login.microsoftonline.com/{info['tenant_id']}/federationmetadata/"
            f"2007-06/federationmetadata.xml?appid={apps[0]['appId']}"
        )
        assert metadata.content.startswith(b"\xef\xbb\xbf<?xml")
        user = client.get(
            "https://graph.microsoft.com/v1.0/users/B.Simon@contoso.com", headers=graph
        )
        assert user.status_code == 200
        assert client.get("https://sso.ringcentral.com/healthz").json()["status"] == "ok"
        landing = httpx.get(info["landing_page"])
        assert "B.Simon@contoso.com" in landing.text and "--host-resolver-rules" in landing.text
