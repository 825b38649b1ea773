"""The provisioning service through Graph and /_mock/provisioning over HTTPS (tutorial 001's admin flow)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.clients.session import Harness
from tests.provisioning.test_provisioning_targets import RecordingScimTarget

GRAPH = "https://graph.microsoft.com/v1.0"
CONTROL = "https://login.microsoftonline.com/_mock/provisioning"


@pytest.fixture
def target() -> Iterator[RecordingScimTarget]:
    recording = RecordingScimTarget()
    yield recording
    recording.close()


def graph(harness: Harness, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return harness.http.request(method, GRAPH + path, headers=harness.admin.headers, **kwargs)


def control(harness: Harness, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return harness.http.request(method, CONTROL + path, **kwargs)


def user(harness: Harness, name: str, **properties: Any) -> dict[str, Any]:
    upn = f"{name}@contoso.com"
    return harness.admin.create_user(
        "Passw0rd!", userPrincipalName=upn, displayName=name.capitalize(), mail=upn, **properties
    )


def provisioning_app(
    harness: Harness, target: RecordingScimTarget, name: str = "RingCentral"
) -> tuple[Any, str]:
    """Tutorial 001 steps 3–7: Provisioning Mode Automatic, Admin Credentials, Test Connection,
    Notification Email, Save."""
    app = harness.admin.add_gallery_app(name)
    sp = app.service_principal_id
    created = graph(harness, "POST", f"/servicePrincipals/{sp}/synchronization/jobs", json={})
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]
    secrets = {
        "value": [
            {"key": "BaseAddress", "value": target.url},
            {"key": "SecretToken", "value": target.token},
            {
                "key": "SyncNotificationSettings",
                "value": json.dumps({"Enabled": True, "Recipients": "ops@contoso.com"}),
            },
        ]
    }
    saved = graph(harness, "PUT", f"/servicePrincipals/{sp}/synchronization/secrets", json=secrets)
    assert saved.status_code == 204, saved.text
    return app, job_id


def test_tutorial_001_admin_flow_through_graph(
    harness: Harness, target: RecordingScimTarget
) -> None:
    app, job_id = provisioning_app(harness, target)
    sp = app.service_principal_id
    base = f"/servicePrincipals/{sp}/synchronization/jobs/{job_id}"
    assert job_id.startswith("ringcentral.")
    tested = graph(
        harness, "POST", f"{base}/validateCredentials", json={"useSavedCredentials": True}
    )
    assert tested.status_code == 204
    ada = user(harness, "ada", givenName="Ada", surname="Lovelace", jobTitle="Engineer")
    harness.admin.assign(app, ada["id"])

    assert graph(harness, "POST", f"{base}/start").status_code == 204
    cycles = control(harness, "POST", "/run-due").json()["cycles"]
    assert [c["kind"] for c in cycles] == ["Initial"]
    assert cycles[0]["counts"] == {"create": 1, "exported": 1}

    job = graph(harness, "GET", base).json()
    assert job["schedule"] == {"expiration": None, "interval": "PT40M", "state": "Active"}
    assert job["status"]["code"] == "Active"
    assert job["status"]["lastExecution"]["state"] == "Succeeded"
    assert job["status"]["lastExecution"]["countExported"] == 1
    assert job["harness"]["notificationEmail"] == "ops@contoso.com"
    assert job["harness"]["scope"] == "AssignedUsersAndGroups"
    # The 16 attributes of tutorial 001 (RingCentral's gallery mappings) went out on create.
    created = target.bodies("POST", "^/Users$")[0]
    assert created["userName"] == "ada@contoso.com" and created["title"] == "Engineer"
    assert created["name"] == {"givenName": "Ada", "familyName": "Lovelace"}

    logs = graph(harness, "GET", "/auditLogs/provisioning").json()["value"]
    assert [(e["provisioningAction"], e["provisioningStatusInfo"]["status"]) for e in logs] == [
        ("create", "success")
    ]
    assert logs[0]["jobId"] == job_id and logs[0]["servicePrincipal"]["id"] == sp
    traced = control(harness, "GET", "/requests", params={"jobId": job_id}).json()["requests"]
    assert [(t["method"], t["path"]) for t in traced] == [
        ("GET", "/Users"),  # Test Connection
        ("GET", "/Users"),
        ("POST", "/Users"),
    ]
    assert traced[-1]["body"] == created and traced[-1]["status"] == 201

    assert graph(harness, "POST", f"{base}/pause").status_code == 204
    assert graph(harness, "GET", base).json()["schedule"]["state"] == "Paused"
    audits = graph(
        harness,
        "GET",
        "/auditLogs/directoryAudits",
        params={"$filter": "category eq 'ProvisioningManagement'"},
    ).json()["value"]
    assert {"Add provisioning configuration", "Start provisioning", "Pause provisioning"} <= {
        a["activityDisplayName"] for a in audits
    }


def test_test_connection_refusals_come_back_as_graph_errors(
    harness: Harness, target: RecordingScimTarget
) -> None:
    app, job_id = provisioning_app(harness, target)
    base = f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs/{job_id}"
    wrong = {
        "useSavedCredentials": False,
        "credentials": [
            {"key": "BaseAddress", "value": target.url},
            {"key": "SecretToken", "value": "not-the-token"},
        ],
    }
    refused = graph(harness, "POST", f"{base}/validateCredentials", json=wrong)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "Unauthorized"
    assert "invalid credentials" in refused.json()["error"]["message"]


def test_bad_token_quarantine_and_the_outbox(harness: Harness, target: RecordingScimTarget) -> None:
    app, job_id = provisioning_app(harness, target)
    sp = app.service_principal_id
    graph(
        harness,
        "PUT",
        f"/servicePrincipals/{sp}/synchronization/secrets",
        json={"value": [{"key": "SecretToken", "value": "expired"}]},
    )
    ada = user(harness, "ada")
    harness.admin.assign(app, ada["id"])
    graph(harness, "POST", f"/servicePrincipals/{sp}/synchronization/jobs/{job_id}/start")
    control(harness, "POST", "/run-due")
    job = graph(harness, "GET", f"/servicePrincipals/{sp}/synchronization/jobs/{job_id}").json()
    assert job["status"]["code"] == "Quarantine"
    assert job["status"]["quarantine"]["reason"] == "EncounteredQuarantineException"
    assert job["schedule"]["interval"] == "P1D"
    mails = control(harness, "GET", "/outbox").json()["messages"]
    assert [m["to"] for m in mails] == [["ops@contoso.com"]]
    assert mails[0]["from"] == "azure-noreply@microsoft.com"


def test_mappings_are_validated_on_save_and_trigger_an_initial_cycle(
    harness: Harness, target: RecordingScimTarget
) -> None:
    app, job_id = provisioning_app(harness, target)
    base = f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs/{job_id}"
    schema = graph(harness, "GET", f"{base}/schema").json()
    users = schema["synchronizationRules"][0]["objectMappings"][0]
    assert users["name"] == "Synchronize Azure Active Directory Users to RingCentral"
    assert len(users["attributeMappings"]) == 16
    users["attributeMappings"].append(
        {
            "targetAttributeName": "nickName",
            "source": {"type": "Function", "expression": 'Append([givenName], "!"'},
            "flowType": "Always",
        }
    )
    refused = graph(harness, "PUT", f"{base}/schema", json=schema)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "position 23" in error["message"]
    assert error["details"] == [{"code": "InvalidExpression", "target": "nickName", "position": 23}]

    users["attributeMappings"][-1]["source"]["expression"] = 'Append([givenName], "!")'
    users["scope"]["groups"] = [
        {
            "name": "Sales",
            "clauses": [
                {
                    "operatorName": "EQUALS",
                    "sourceOperandName": "department",
                    "targetOperand": {"values": ["Sales"]},
                }
            ],
        }
    ]
    assert graph(harness, "PUT", f"{base}/schema", json=schema).status_code == 204
    saved = graph(harness, "GET", f"{base}/schema").json()["synchronizationRules"][0][
        "objectMappings"
    ][0]
    assert saved["attributeMappings"][-1]["source"]["expression"] == 'Append([givenName], "!")'
    assert saved["scope"]["groups"][0]["clauses"][0]["sourceOperandName"] == "department"

    parsed = graph(
        harness,
        "POST",
        f"{base}/schema/parseExpression",
        json={
            "expression": 'Switch([department], "other", "Sales", "S")',
            "testInputObject": {"properties": [{"key": "department", "value": "Sales"}]},
        },
    ).json()
    assert parsed["parsingSucceeded"] and parsed["evaluationResult"] == ["S"]
    bad = graph(
        harness, "POST", f"{base}/schema/parseExpression", json={"expression": "Left([mail]"}
    ).json()
    assert bad["parsingSucceeded"] is False and bad["error"]["position"] == 11


def test_provision_on_demand_through_graph(harness: Harness, target: RecordingScimTarget) -> None:
    app, job_id = provisioning_app(harness, target)
    ada = user(harness, "ada")
    harness.admin.assign(app, ada["id"])
    answer = graph(
        harness,
        "POST",
        f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs/{job_id}/provisionOnDemand",
        json={
            "parameters": [
                {"ruleId": "rule", "subjects": [{"objectId": ada["id"], "objectTypeName": "User"}]}
            ]
        },
    )
    assert answer.status_code == 200, answer.text
    key, value = json.loads(answer.json()["key"]), json.loads(answer.json()["value"])
    assert key == {"result": "Success", "details": {}}
    assert value["action"] == "Create"
    assert [s["type"] for s in value["provisioningSteps"]] == [
        "Import",
        "Scoping",
        "Matching",
        "Processing",
        "Export",
    ]
    assert len(target.users) == 1


def test_logs_download_as_csv_zip_and_json(harness: Harness, target: RecordingScimTarget) -> None:
    app, job_id = provisioning_app(harness, target)
    ada = user(harness, "ada")
    harness.admin.assign(app, ada["id"])
    sp = app.service_principal_id
    graph(harness, "POST", f"/servicePrincipals/{sp}/synchronization/jobs/{job_id}/start")
    control(harness, "POST", "/run-due")
    download = graph(harness, "GET", "/auditLogs/provisioning", params={"$format": "csv"})
    assert download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert sorted(names) == [
        "ProvisioningLogs.csv",
        "ProvisioningLogs_ModifiedProperties.csv",
        "ProvisioningLogs_ProvisioningSteps.csv",
    ]
    as_json = graph(harness, "GET", "/auditLogs/provisioning", params={"$format": "json"})
    assert [e["provisioningAction"] for e in as_json.json()] == ["create"]
    filtered = graph(
        harness,
        "GET",
        "/auditLogs/provisioning",
        params={"$filter": f"jobId eq '{job_id}' and provisioningAction eq 'delete'"},
    )
    assert filtered.json()["value"] == []


def test_job_settings_through_the_control(harness: Harness, target: RecordingScimTarget) -> None:
    app, job_id = provisioning_app(harness, target)
    changed = control(
        harness,
        "POST",
        f"/jobs/{job_id}/settings",
        json={"cycle_interval": 600, "default_access": "not_entitled"},
    )
    assert changed.json()["cycle_interval"] == 600.0
    job = graph(
        harness,
        "GET",
        f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs/{job_id}",
    ).json()
    assert job["schedule"]["interval"] == "PT10M"
    assert job["synchronizationJobSettings"] == [
        {"name": "DefaultAccessRule", "value": "not_entitled"}
    ]
    unknown = control(harness, "POST", f"/jobs/{job_id}/settings", json={"no_such": 1})
    assert unknown.status_code == 400


def test_a_second_job_for_the_app_is_refused(harness: Harness, target: RecordingScimTarget) -> None:
    app, _ = provisioning_app(harness, target)
    again = graph(
        harness,
        "POST",
        f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs",
        json={},
    )
    assert again.status_code == 409


def test_provisioning_routes_need_the_graph_token(harness: Harness) -> None:
    assert harness.http.get(GRAPH + "/auditLogs/provisioning").status_code == 401


def test_the_background_scheduler_runs_due_cycles(
    harness: Harness, target: RecordingScimTarget
) -> None:
    """What `entra-harness up` uses: a thread that runs due cycles on the tenant's clock."""
    import time

    app, job_id = provisioning_app(harness, target)
    ada = user(harness, "ada")
    harness.admin.assign(app, ada["id"])
    graph(
        harness,
        "POST",
        f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs/{job_id}/start",
    )
    started = control(harness, "POST", "/scheduler", json={"running": True, "poll_seconds": 0.05})
    try:
        assert started.json() == {"running": True}
        deadline = time.monotonic() + 10
        while not target.users and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stopped = control(harness, "POST", "/scheduler", json={"running": False})
    assert stopped.json() == {"running": False}
    assert [u["userName"] for u in target.users.values()] == ["ada@contoso.com"]


def test_scope_sync_all_is_a_secret(harness: Harness, target: RecordingScimTarget) -> None:
    app, job_id = provisioning_app(harness, target)
    sp = app.service_principal_id
    user(harness, "ada")  # not assigned
    secrets = {"value": [{"key": "SyncAll", "value": "true"}]}
    assert (
        graph(
            harness, "PUT", f"/servicePrincipals/{sp}/synchronization/secrets", json=secrets
        ).status_code
        == 204
    )
    job = graph(harness, "GET", f"/servicePrincipals/{sp}/synchronization/jobs/{job_id}").json()
    assert job["harness"]["scope"] == "AllUsersAndGroups"
    graph(harness, "POST", f"/servicePrincipals/{sp}/synchronization/jobs/{job_id}/start")
    control(harness, "POST", "/run-due")
    assert [u["userName"] for u in target.users.values()] == ["ada@contoso.com"]
