"""`entra-harness up` shows who can sign in: an administrator who reaches the admin center beside
the demo user, and with --empty only what exists (issue 20, Deliver 1)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.serving.up_process import harness_up

ADMIN_ROLES = ["Cloud Application Administrator", "User Administrator"]


def test_up_shows_an_administrator_beside_the_demo_user(tmp_path: Path) -> None:
    with harness_up(tmp_path, "--provisioning-poll-seconds", "0") as (info, client):
        credentials = info["credentials"]
        admin = credentials["administrator"]
        assert admin["roles"] == ADMIN_ROLES
        assert credentials["demo_user"]["userPrincipalName"] == "B.Simon@contoso.com"
        graph = {"Authorization": f"Bearer {credentials['graph_admin_token']}"}
        user = client.get(
            f"https://graph.microsoft.com/v1.0/users/{admin['userPrincipalName']}", headers=graph
        )
        assert user.status_code == 200
        landing = httpx.get(info["landing_page"]).text
        assert admin["userPrincipalName"] in landing and admin["password"] in landing
        assert "Cloud Application Administrator, User Administrator" in landing
        assert "B.Simon@contoso.com" in landing


def test_up_empty_shows_only_the_administrator(tmp_path: Path) -> None:
    with harness_up(tmp_path, "--empty", "--provisioning-poll-seconds", "0") as (info, client):
        assert "demo_user" not in info["credentials"]
        graph = {"Authorization": f"Bearer {info['credentials']['graph_admin_token']}"}
        users = client.get("https://graph.microsoft.com/v1.0/users", headers=graph).json()
        assert [u["userPrincipalName"] for u in users["value"]] == ["admin@contoso.com"]
        landing = httpx.get(info["landing_page"]).text
        assert "admin@contoso.com" in landing
        assert "B.Simon" not in landing
