"""A simulated tenant whose one provisioning job targets an external SCIM endpoint (check-scim)."""

# Everything goes through the real engine (mock_idp.provisioning): the directory is changed as an
# admin would, then one cycle runs on the tenant's frozen clock, 40 minutes later each time.

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_idp import admin
from mock_idp.directory import Group, User
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


class SimulatedTenant:
    """A tenant with a non-gallery app whose job has Entra's default SCIM mappings
    (ENTRA-BEHAVIOUR §8), pointed at `url` with `token`."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        flag: bool,
        groups: bool,
        http_factory: Callable[[], ScimHttp],
        timeout: float = 10.0,
    ) -> None:
        self.clock = Clock()
        self.clock.freeze(datetime.now(UTC).replace(microsecond=0))
        self.tenant = Tenant(self.clock, http_client_factory=http_factory)
        # Retry waits are real (a 429's Retry-After is honoured up to 5 s) so a rate-limited
        # staging endpoint is not hammered; backoff between 5xx retries stays short.
        self.service = ProvisioningService(self.tenant)
        self.app = admin.add_custom_app(self.tenant, APP_NAME)
        self.role = self.app.app_roles[0].id
        self.job: ProvisioningJob = self.service.create_job(self.app)
        self.job.groups.enabled = groups
        self.service.save_credentials(
            self.job, {"BaseAddress": tenant_url(url, flag), "SecretToken": token}
        )
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
        admin.assign(self.tenant, self.app, user.id, self.role)
        return user

    def update(self, user: User, **properties: Any) -> None:
        admin.update_user(self.tenant, user.id, **properties)

    def group(self, name: str) -> Group:
        group = admin.create_group(self.tenant, name)
        admin.assign(self.tenant, self.app, group.id, self.role)
        return group

    # the engine
    def cycle(self) -> CycleSummary:
        """Move the clock to the next cycle and run it (the first one is due at once)."""
        if self.job.watermark is not None:
            self.clock.advance(timedelta(minutes=40))
        summary = self.service.run_cycle(self.job)
        assert summary is not None
        return summary

    def test_connection(self, token: str | None = None) -> ConnectionResult:
        from dataclasses import replace

        if token is None:
            return self.service.validate_credentials(self.job)
        return self.service.validate_credentials(
            self.job, replace(self.job.credentials, secret_token=token)
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
