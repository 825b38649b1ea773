"""A simulated tenant whose one provisioning job targets an external SCIM endpoint (check-scim)."""

# Everything goes through the real engine (mock_idp.provisioning): the directory is changed as an
# admin would, then one cycle runs on the tenant's frozen clock, 40 minutes later each time.

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_idp import admin
from mock_idp.directory import Group, User
from mock_idp.enterprise_apps import Assignment, EnterpriseApp
from mock_idp.provisioning.engine import ConnectionResult
from mock_idp.provisioning.scim_requests import SCIM_COMPLIANCE_FLAG
from mock_idp.provisioning.service import ProvisioningService
from mock_idp.provisioning.state import CycleSummary, ProvisioningJob
from mock_idp.provisioning.wire import ScimHttp
from mock_idp.tenant import Tenant
from mock_kernel.clock import Clock

APP_NAME = "SCIM endpoint under test"


def tenant_url(url: str, flag: bool) -> str:
    """The Tenant URL as the admin types it: with `?aadOptscim062020` for the compliant wire."""
    if not flag:
        return url
    return f"{url}{'&' if '?' in url else '?'}{SCIM_COMPLIANCE_FLAG}"


def add_app(tenant: Tenant, gallery_app: str | None) -> EnterpriseApp:
    """A non-gallery app (Entra's default SCIM mappings, ENTRA-BEHAVIOUR §8), or the gallery app
    named by key or name, whose job starts with that app's mappings (--app)."""
    if not gallery_app:
        return admin.add_custom_app(tenant, APP_NAME)
    wanted = gallery_app.lower()
    for key, template in tenant.gallery.items():
        if wanted in (key.lower(), template.name.lower()):
            return admin.add_gallery_app(tenant, template.template_id, None)
    known = ", ".join(sorted(tenant.gallery))
    raise ValueError(f"--app {gallery_app!r} is not a gallery app here (known: {known})")


class SimulatedTenant:
    """A tenant with one app whose provisioning job targets `url`, with a Secret Token or the
    OAuth client credentials (`oauth`: token endpoint, client id, client secret)."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        flag: bool,
        groups: bool,
        http_factory: Callable[[], ScimHttp],
        timeout: float = 10.0,
        gallery_app: str | None = None,
        oauth: tuple[str, str, str] | None = None,
    ) -> None:
        self.clock = Clock()
        self.clock.freeze(datetime.now(UTC).replace(microsecond=0))
        self.tenant = Tenant(self.clock, http_client_factory=http_factory)
        # Retry waits are real (a 429's Retry-After is honoured up to 5 s) so a rate-limited
        # staging endpoint is not hammered; backoff between 5xx retries stays short.
        self.service = ProvisioningService(self.tenant)
        self.app = add_app(self.tenant, gallery_app)
        self.role = self.app.app_roles[0].id
        self.job: ProvisioningJob = self.service.create_job(self.app)
        self.job.groups.enabled = groups and self.job.groups.enabled
        self.assignments: dict[str, Assignment] = {}
        secrets = {"BaseAddress": tenant_url(url, flag)}
        if oauth:
            token_url, client_id, client_secret = oauth
            secrets |= {
                "TokenEndpoint": token_url,
                "ClientIdentifier": client_id,
                "ClientSecret": client_secret,
            }
        else:
            secrets["SecretToken"] = token
        self.service.save_credentials(self.job, secrets)
        self.service.update_settings(
            self.job,
            {
                "max_parallel_requests": 4,
                "max_requests_per_second": None,
                "retry_backoff_seconds": 0.1,
                "max_retry_after_seconds": 5.0,
                "request_timeout_seconds": timeout,
            },
        )
        self.service.start(self.job)

    # the directory, as an admin changes it
    def user(self, upn: str, **properties: Any) -> User:
        given, _, _ = upn.partition("@")
        defaults = {
            "display_name": given,
            "mail": upn,
            "given_name": given.rsplit("-", 1)[-1].capitalize(),
            "surname": "Harness",
        }
        user = admin.create_user(
            self.tenant,
            user_principal_name=upn,
            password="Harness-Passw0rd!",
            **{**defaults, **properties},
        )
        self.assign(user.id)
        return user

    def assign(self, principal_id: str) -> None:
        self.assignments[principal_id] = admin.assign(
            self.tenant, self.app, principal_id, self.role
        )

    def unassign(self, principal_id: str) -> None:
        admin.unassign(self.tenant, self.app, self.assignments.pop(principal_id).id)

    def update(self, user: User, **properties: Any) -> None:
        admin.update_user(self.tenant, user.id, **properties)

    def group(self, name: str) -> Group:
        group = admin.create_group(self.tenant, name)
        self.assign(group.id)
        return group

    # the engine
    def cycle(self) -> CycleSummary:
        """Move the clock to the next cycle and run it (the first one is due at once)."""
        if self.job.watermark is not None:
            self.clock.advance(timedelta(minutes=40))
        summary = self.service.run_cycle(self.job)
        assert summary is not None
        return summary

    def on_demand(
        self, object_id: str, object_type: str, members: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Provision on demand (Graph provisionOnDemand): no cycle, no clock move."""
        return self.service.provision_on_demand(self.job, object_id, object_type, members or [])

    def mapped_targets(self, kind: str) -> list[str]:
        """The target attribute paths the job's enabled mappings write."""
        mapping = self.job.users if kind == "User" else self.job.groups
        if not mapping.enabled:
            return []
        return [m.target for m in mapping.mappings if m.type != "None"]

    def matching_targets(self, kind: str) -> list[str]:
        """The target attributes the job matches on, in precedence order (the filters it sends
        before a create, ENTRA-BEHAVIOUR §8)."""
        mapping = self.job.users if kind == "User" else self.job.groups
        return [m.target for m in mapping.matching()] if mapping.enabled else []

    def trace_since(self, count: int) -> list[Any]:
        """The SCIM requests the engine sent after the first `count` (with their answers)."""
        return list(self.tenant.provisioning.trace)[count:]

    @property
    def trace_count(self) -> int:
        return len(self.tenant.provisioning.trace)

    def test_connection(self, token: str | None = None) -> ConnectionResult:
        from dataclasses import replace

        if token is None:
            return self.service.validate_credentials(self.job)
        return self.service.validate_credentials(
            self.job, replace(self.job.credentials, secret_token=token, client_id=None)
        )

    def target_id(self, source_id: str) -> str | None:
        link = self.job.links.get(source_id)
        return link.target_id if link else None

    def logs_since(self, count: int, source_id: str) -> list[dict[str, Any]]:
        """Provisioning log entries of one object written after the first `count` entries."""
        entries = list(self.tenant.provisioning.logs)[count:]
        return [e for e in entries if e["sourceIdentity"]["id"] == source_id]

    @property
    def log_count(self) -> int:
        return len(self.tenant.provisioning.logs)
