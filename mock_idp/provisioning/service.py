"""A tenant's provisioning jobs: credentials, settings, status, mappings, on demand, due cycles."""
# Docs "Configure automatic user provisioning"; Graph synchronizationJob.

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mock_kernel.limits import load_json

from ..errors import TenantError
from .collector import collector_paused
from .engine import ConnectionResult, ProvisioningEngine
from .logs import audit_entry
from .mappings import MappingError, ObjectMapping, object_mapping_from_data
from .state import Credentials, CycleSummary, ProvisioningJob, ProvisioningSettings

if TYPE_CHECKING:
    from ..enterprise_apps import EnterpriseApp
    from ..tenant import Tenant

# Docs "Known issues … SCIM 2.0 protocol compliance": new SCIM jobs have ids starting "scim".
CUSTOM_TEMPLATE = "scim"
LOG = logging.getLogger(__name__)


@dataclass
class JobError(TenantError):
    """A refused job operation, with the Graph error code and status it maps to."""

    code: str
    message: str
    status: int = 400


class ProvisioningService:
    """Operations on a tenant's provisioning jobs; state lives in `tenant.provisioning`."""

    def __init__(self, tenant: Tenant, sleep: Callable[[float], None] = time.sleep) -> None:
        self.tenant = tenant
        self.state = tenant.provisioning
        self.sleep = sleep

    # jobs

    def engine(self, job: ProvisioningJob) -> ProvisioningEngine:
        return ProvisioningEngine(
            self.tenant, job, http_factory=self.tenant.http_client_factory, sleep=self.sleep
        )

    def job(self, job_id: str, service_principal_id: str | None = None) -> ProvisioningJob:
        job = self.state.jobs.get(job_id)
        if job is None or (
            service_principal_id is not None
            and service_principal_id not in (job.service_principal_id, self._app(job).app_id)
        ):
            raise JobError("NotFound", f"The synchronization job {job_id} does not exist.", 404)
        return job

    def _app(self, job: ProvisioningJob) -> EnterpriseApp:
        return self.tenant.find_app(job.service_principal_id)

    def jobs_of(self, app: EnterpriseApp) -> list[ProvisioningJob]:
        return [j for j in self.state.jobs.values() if j.service_principal_id == app.object_id]

    def template_id(self, app: EnterpriseApp) -> str:
        gallery = self.tenant.gallery.get(app.gallery_key or "")
        profile = gallery.provisioning if gallery else {}
        return str(profile.get("template_id", CUSTOM_TEMPLATE))

    def create_job(self, app: EnterpriseApp, template_id: str | None = None) -> ProvisioningJob:
        """Provisioning Mode: Automatic. Mappings start as the gallery app's defaults."""
        expected = self.template_id(app)
        template = template_id or expected
        if template not in (expected, CUSTOM_TEMPLATE):
            raise JobError(
                "BadRequest", f"Unknown synchronization template {template!r} for this app.", 400
            )
        gallery = self.tenant.gallery.get(app.gallery_key or "")
        profile: dict[str, Any] = dict(gallery.provisioning) if gallery else {}
        if template == CUSTOM_TEMPLATE and template != expected:
            profile = {}
        try:
            users = object_mapping_from_data(profile.get("users", {}), "User", app.display_name)
            groups = object_mapping_from_data(profile.get("groups", {}), "Group", app.display_name)
        except MappingError as error:  # gallery data is checked like an admin's Save
            raise JobError("BadRequest", f"Gallery mappings are invalid: {error}", 500) from None
        with self.state.lock:
            if self.jobs_of(app):
                raise JobError(
                    "Conflict", "A provisioning job already exists for this application.", 409
                )
            tenant_hex = self.tenant.tenant_id.replace("-", "")
            job = ProvisioningJob(
                id=f"{template}.{tenant_hex}.{app.app_id}",
                service_principal_id=app.object_id,
                template_id=template,
                app_display_name=app.display_name,
                users=users,
                groups=groups,
                settings=self.state.default_settings,
            )
            self.state.jobs[job.id] = job
            self._audit(job, "Add provisioning configuration")
        return job

    def delete_job(self, job: ProvisioningJob) -> None:
        with self.state.lock:
            self.state.jobs.pop(job.id, None)
            self._audit(job, "Delete provisioning configuration")

    def _audit(
        self,
        job: ProvisioningJob,
        activity: str,
        modified: dict[str, tuple[Any, Any]] | None = None,
        **details: Any,
    ) -> None:
        self.state.audits.append(
            audit_entry(
                activity=activity,
                at=self.tenant.clock.now(),
                service_principal_id=job.service_principal_id,
                app_name=job.app_display_name,
                job_id=job.id,
                modified=modified,
                details=details,
            )
        )

    # admin credentials and settings

    def save_credentials(self, job: ProvisioningJob, secrets: dict[str, str]) -> None:
        """Graph synchronization secrets (PUT …/synchronization/secrets): BaseAddress,
        SecretToken, OAuth client credentials, SyncNotificationSettings, SyncAll."""
        names = {
            "BaseAddress": "tenant_url",
            "SecretToken": "secret_token",
            "ClientIdentifier": "client_id",
            "ClientSecret": "client_secret",
            "TokenEndpoint": "token_endpoint",
            "Oauth2TokenExchangeUri": "token_endpoint",
        }
        unknown = sorted(set(secrets) - set(names) - {"SyncNotificationSettings", "SyncAll"})
        if unknown:
            raise JobError("BadRequest", f"Unknown synchronization secrets: {unknown}", 400)
        with self.state.lock:
            credentials = job.credentials
            changed: dict[str, tuple[Any, Any]] = {}
            for key, attribute in names.items():
                if key in secrets:
                    old = getattr(credentials, attribute)
                    setattr(credentials, attribute, secrets[key] or None)
                    shown = "*****" if "Secret" in key else secrets[key]
                    changed[key] = ("*****" if "Secret" in key and old else old, shown)
            if changed:
                job.oauth_token = None
            if "SyncNotificationSettings" in secrets:
                try:
                    notification = load_json(secrets["SyncNotificationSettings"] or "{}")
                    if not isinstance(notification, dict):
                        raise ValueError("not an object")
                except ValueError:
                    raise JobError(
                        "BadRequest", "SyncNotificationSettings must be a JSON object.", 400
                    ) from None
                self._set_notification(
                    job,
                    notification.get("Recipients"),
                    bool(notification.get("Enabled", False)),
                    changed,
                )
            if "SyncAll" in secrets:
                self._set_scope(job, str(secrets["SyncAll"]).lower() == "true", changed)
            self._audit(job, "Update provisioning setting or credentials", changed)

    def _set_notification(
        self,
        job: ProvisioningJob,
        email: str | None,
        enabled: bool,
        changed: dict[str, tuple[Any, Any]],
    ) -> None:
        changed["NotificationEmail"] = (job.notification_email, email)
        changed["SendEmailOnFailure"] = (job.notify_on_failure, enabled)
        job.notification_email = email or None
        job.notify_on_failure = enabled

    def _set_scope(
        self, job: ProvisioningJob, sync_all: bool, changed: dict[str, tuple[Any, Any]]
    ) -> None:
        if sync_all != job.sync_all:
            changed["Scope"] = (
                "Sync all users and groups" if job.sync_all else "Sync only assigned",
                "Sync all users and groups" if sync_all else "Sync only assigned",
            )
            job.sync_all = sync_all
            # Docs: changing what is in scope triggers a new initial cycle.
            self._clear(job, watermark=True, escrows=False, quarantine=False, links=False)

    def configure(
        self,
        job: ProvisioningJob,
        *,
        notification_email: str | None = None,
        notify_on_failure: bool | None = None,
        sync_all: bool | None = None,
    ) -> None:
        """The Settings section: Notification Email, "Send an email notification when a failure
        occurs", Scope."""
        with self.state.lock:
            changed: dict[str, tuple[Any, Any]] = {}
            if notification_email is not None or notify_on_failure is not None:
                self._set_notification(
                    job,
                    notification_email
                    if notification_email is not None
                    else job.notification_email,
                    notify_on_failure if notify_on_failure is not None else job.notify_on_failure,
                    changed,
                )
            if sync_all is not None:
                self._set_scope(job, sync_all, changed)
            self._audit(job, "Update provisioning setting or credentials", changed)

    def update_settings(self, job: ProvisioningJob, values: dict[str, Any]) -> ProvisioningSettings:
        """The harness's own settings (timings, thresholds, rate, Default Access rule)."""
        try:
            updated = job.settings.update(values)
        except (KeyError, ValueError, TypeError) as error:
            raise JobError("BadRequest", str(error), 400) from None
        with self.state.lock:
            before = job.settings.as_json()
            job.settings = updated
            after = updated.as_json()
            self._audit(
                job,
                "Update provisioning setting or credentials",
                {k: (before[k], after[k]) for k in after if before[k] != after[k]},
            )
        return updated

    def validate_credentials(
        self, job: ProvisioningJob, credentials: Credentials | None = None
    ) -> ConnectionResult:
        """Test Connection, with the saved Admin Credentials or ones not saved yet."""
        probe = job if credentials is None else replace(job, credentials=credentials)
        result = self.engine(probe).test_connection()
        with self.state.lock:
            self._audit(
                job,
                "Test connection",
                Result="Success" if result.success else "Failure",
                ErrorCode=result.code,
            )
        return result

    # provisioning status

    def start(self, job: ProvisioningJob) -> None:
        """Provisioning Status: On. The first cycle is due now; a disabled job starts afresh."""
        with self.state.lock:
            previous = job.schedule_state
            if previous == "Disabled":
                self._clear(job, watermark=False, escrows=False, quarantine=True, links=False)
            job.schedule_state = "Active"
            if job.next_run is None or previous != "Active":
                job.next_run = self.tenant.clock.now()
            self._audit(job, "Start provisioning", {"ProvisioningStatus": (previous, "Active")})

    def pause(self, job: ProvisioningJob) -> None:
        """Provisioning Status: Off."""
        with self.state.lock:
            previous = job.schedule_state
            job.schedule_state = "Paused"
            self._audit(job, "Pause provisioning", {"ProvisioningStatus": (previous, "Paused")})

    def restart(self, job: ProvisioningJob, reset_scope: str | None = None) -> None:
        """Restart provisioning: clears the watermark, escrows and quarantine (docs); with Graph's
        `resetScope` only the parts named; `Full` also forgets the links to target objects."""
        parts = {p.strip() for p in (reset_scope or "").split(",") if p.strip()}
        known = {"Watermark", "Escrows", "QuarantineState", "Full", "ConnectorDataStore"}
        if parts - known:
            raise JobError("BadRequest", f"Unknown resetScope {sorted(parts - known)}", 400)
        everything = not parts or "Full" in parts
        with self.state.lock:
            self._clear(
                job,
                watermark=everything or "Watermark" in parts,
                escrows=everything or "Escrows" in parts,
                quarantine=everything or "QuarantineState" in parts,
                links="Full" in parts or "ConnectorDataStore" in parts,
            )
            if job.schedule_state == "Disabled":
                job.schedule_state = "Active"
            if job.schedule_state == "Active":
                job.next_run = self.tenant.clock.now()
            self._audit(job, "Restart provisioning", ResetScope=reset_scope or "Default")

    def _clear(
        self,
        job: ProvisioningJob,
        *,
        watermark: bool,
        escrows: bool,
        quarantine: bool,
        links: bool,
    ) -> None:
        if watermark:
            job.watermark = None
            if job.schedule_state == "Active":
                job.next_run = self.tenant.clock.now()
        if escrows:
            job.escrows.clear()
            job.pending_references.clear()
        if quarantine:
            job.quarantine = None
            job.quarantine_mailed_reason = None
        if links:
            job.links.clear()
        if job.watermark is not None:
            # What the next incremental cycle skips was decided with what was just cleared.
            job.watermark.delta = None

    # mappings

    def update_mappings(
        self, job: ProvisioningJob, users: ObjectMapping | None, groups: ObjectMapping | None
    ) -> None:
        """Save on the Attribute Mapping page: validated, then a new initial cycle (docs: "a change
        in attribute mappings or scoping filters … clears any stored watermark")."""
        try:
            for mapping in (users, groups):
                if mapping is not None:
                    mapping.validate()
        except MappingError as error:
            raise JobError("BadRequest", str(error), 400) from None
        with self.state.lock:
            if users is not None:
                job.users = users
            if groups is not None:
                job.groups = groups
            self._clear(job, watermark=True, escrows=False, quarantine=False, links=False)
            self._audit(job, "Update attribute mappings")

    # running

    def run_cycle(self, job: ProvisioningJob) -> CycleSummary | None:
        """Run one cycle now unless one is running."""
        lock = self.state.run_lock(job.id)
        if not lock.acquire(blocking=False):
            return None
        try:
            with collector_paused():
                return self.engine(job).run_cycle()
        finally:
            lock.release()

    def due_jobs(self, now: datetime) -> list[ProvisioningJob]:
        with self.state.lock:
            return [
                j
                for j in self.state.jobs.values()
                if j.schedule_state == "Active" and j.next_run is not None and j.next_run <= now
            ]

    def run_due(self) -> list[CycleSummary]:
        """Every job whose next cycle is due on the tenant's clock runs one cycle."""
        summaries = []
        for job in self.due_jobs(self.tenant.clock.now()):
            summary = self.run_cycle(job)
            if summary is not None:
                summaries.append(summary)
        return summaries

    def provision_on_demand(
        self, job: ProvisioningJob, object_id: str, object_type: str, members: list[str]
    ) -> list[dict[str, Any]]:
        try:
            return self.engine(job).provision_on_demand(object_id, object_type, members)
        except (ValueError, LookupError) as error:
            raise JobError("BadRequest", str(error), 400) from None


class ProvisioningScheduler:
    """A background thread that runs due cycles every `poll_seconds` (for `entra-harness up`);
    tests use `ProvisioningService.run_due` or `/_mock/provisioning/run-due` instead."""

    def __init__(self, tenant: Tenant, poll_seconds: float = 5.0) -> None:
        self.service = ProvisioningService(tenant)
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> ProvisioningScheduler:
        if not self.running:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="entra-provisioning", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                if self.service.run_due():
                    self.service.tenant.changed()
            except Exception:  # keep serving; the cycle logged what it could
                LOG.exception("provisioning scheduler")
