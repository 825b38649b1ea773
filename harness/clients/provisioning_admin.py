"""The Provisioning blade as scenarios drive it: Graph's synchronization API and /_mock/provisioning."""
# Graph "synchronization" resource (jobs, secrets, validateCredentials, schema, start/pause/restart),
# auditLogs/provisioning and directoryAudits; the tenant's /_mock/provisioning controls run cycles
# on the harness clock and read the notification outbox.

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from harness.clients.tenant_admin import GRAPH, AppHandle, GraphError

CONTROL = "https://login.microsoftonline.com/_mock/provisioning"


@dataclass(frozen=True)
class JobHandle:
    """An enterprise app's provisioning job: the app and the job id Graph gave it."""

    app: AppHandle
    job_id: str

    @property
    def base(self) -> str:
        return f"/servicePrincipals/{self.app.service_principal_id}/synchronization"

    @property
    def path(self) -> str:
        return f"{self.base}/jobs/{self.job_id}"


class ProvisioningAdmin:
    def __init__(self, client: httpx.Client, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def graph(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One Graph call, the response returned as is (refusals are what some steps check)."""
        return self.client.request(method, GRAPH + path, headers=self.headers, **kwargs)

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        """A Graph call that must succeed (GraphError otherwise); the JSON it answered."""
        if body is not None:
            kwargs["json"] = body
        response = self.graph(method, path, **kwargs)
        if response.status_code >= 400:
            raise GraphError(response)
        return response.json() if response.content else None

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, CONTROL + path, **kwargs)
        response.raise_for_status()
        return response.json()

    # Provisioning Mode: Automatic, Admin Credentials, Settings

    def create_job(self, app: AppHandle) -> JobHandle:
        """Provisioning Mode: Automatic (the gallery app's template and default mappings)."""
        created = self.call(
            "POST", f"/servicePrincipals/{app.service_principal_id}/synchronization/jobs"
        )
        return JobHandle(app, created["id"])

    def save_secrets(self, job: JobHandle, **secrets: str) -> None:
        """PUT …/synchronization/secrets: BaseAddress, SecretToken, SyncNotificationSettings…"""
        body = {"value": [{"key": key, "value": value} for key, value in secrets.items()]}
        self.call("PUT", f"{job.base}/secrets", json=body)

    def save_credentials(self, job: JobHandle, tenant_url: str, secret_token: str) -> None:
        self.save_secrets(job, BaseAddress=tenant_url, SecretToken=secret_token)

    def save_notification(self, job: JobHandle, email: str, on_failure: bool = True) -> None:
        """Notification Email and "Send an email notification when a failure occurs"."""
        setting = json.dumps({"Enabled": on_failure, "Recipients": email})
        self.save_secrets(job, SyncNotificationSettings=setting)

    def test_connection(
        self, job: JobHandle, tenant_url: str | None = None, secret_token: str | None = None
    ) -> httpx.Response:
        """Test Connection: with what is typed in the form, or (no arguments) what was saved."""
        if tenant_url is None and secret_token is None:
            body: dict[str, Any] = {"useSavedCredentials": True}
        else:
            typed = {"BaseAddress": tenant_url, "SecretToken": secret_token}
            body = {
                "useSavedCredentials": False,
                "credentials": [{"key": k, "value": v} for k, v in typed.items() if v is not None],
            }
        return self.graph("POST", f"{job.path}/validateCredentials", json=body)

    def start(self, job: JobHandle) -> None:
        """Provisioning Status: On."""
        self.call("POST", f"{job.path}/start")

    def pause(self, job: JobHandle) -> None:
        """Provisioning Status: Off."""
        self.call("POST", f"{job.path}/pause")

    def job(self, job: JobHandle) -> dict[str, Any]:
        return self.call("GET", job.path)

    def schema(self, job: JobHandle) -> dict[str, Any]:
        return self.call("GET", f"{job.path}/schema")

    def user_mapping(self, job: JobHandle) -> dict[str, Any]:
        """The objectMapping "Synchronize … Users to <app>" of the job's schema."""
        mappings = self.schema(job)["synchronizationRules"][0]["objectMappings"]
        return next(m for m in mappings if m["sourceObjectName"] == "User")

    def save_user_mapping(self, job: JobHandle, mapping: dict[str, Any]) -> None:
        schema = self.schema(job)
        rule = schema["synchronizationRules"][0]
        rule["objectMappings"] = [
            mapping if m["sourceObjectName"] == "User" else m for m in rule["objectMappings"]
        ]
        self.call("PUT", f"{job.path}/schema", json=schema)

    # Monitoring: provisioning logs, audit logs, the notification outbox

    def logs(self, job: JobHandle) -> list[dict[str, Any]]:
        """provisioningObjectSummary entries of the job, oldest first."""
        found = self.call(
            "GET", "/auditLogs/provisioning", params={"$filter": f"jobId eq '{job.job_id}'"}
        )
        return list(reversed(found["value"]))

    def audits(self) -> list[dict[str, Any]]:
        """The provisioning service's directory audit entries, oldest first."""
        found = self.call(
            "GET",
            "/auditLogs/directoryAudits",
            params={"$filter": "category eq 'ProvisioningManagement'"},
        )
        return list(reversed(found["value"]))

    def outbox(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "/outbox")["messages"])

    # The harness's own controls: cycles on the harness clock, settings Graph does not expose

    def run_due(self) -> list[dict[str, Any]]:
        """Every cycle due on the harness clock, run now (what the service's scheduler does)."""
        return list(self._control("POST", "/run-due")["cycles"])

    def settings(self, job: JobHandle, **values: Any) -> dict[str, Any]:
        """Timings, thresholds and the Default Access rule of one job."""
        return dict(self._control("POST", f"/jobs/{job.job_id}/settings", json=values))
