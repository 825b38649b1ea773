"""Provisioning state behind one lock with reset(): jobs, links, escrows, logs, outbox, trace."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from .delta import Delta
from .mappings import ObjectMapping
from .scim_requests import SCIM_COMPLIANCE_FLAG
from .scoping import DefaultAccessRule, ScopeDecision

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass
class ProvisioningSettings:
    """Every duration and threshold of the service, as settings (ENTRA-BEHAVIOUR §8: "In a mock,
    every one of these durations and thresholds is a setting")."""

    # Tutorials 001/003: "subsequent cycles … occur about every 40 minutes".
    cycle_interval: timedelta = timedelta(minutes=40)
    # Docs "Quarantine": "the frequency of incremental cycles is gradually reduced to once per
    # day"; here the reduction is immediate (§8 "cycles then slow to daily").
    quarantine_interval: timedelta = DAY
    # "If the provisioning job stays in quarantine for more than four weeks, the provisioning job
    # is disabled".
    quarantine_disable_after: timedelta = timedelta(weeks=4)
    # Docs "Retry duration": 6 h, 12 h and 24 h after the failure, then every 24 h for 28 days.
    escrow_retries: tuple[timedelta, ...] = (6 * HOUR, 12 * HOUR, 24 * HOUR)
    escrow_daily: timedelta = DAY
    escrow_give_up_after: timedelta = timedelta(days=28)
    # Docs "Escrow thresholds": 5,000 failures start the evaluation; > 40 % failed or > 40,000
    # failures quarantine (reference failures excluded); 60,000 of any kind always does.
    quarantine_min_failures: int = 5000
    quarantine_failure_ratio: float = 0.4
    quarantine_total_failures: int = 40000
    quarantine_absolute_failures: int = 60000
    # Docs "Restore or remove a recently deleted user": hard deleted 30 days after a soft delete.
    hard_delete_after: timedelta = timedelta(days=30)
    # The gallery bar asks a SCIM endpoint to take 25 requests/s; the client stays within that.
    max_parallel_requests: int = 8
    max_requests_per_second: float | None = 25.0
    request_timeout_seconds: float = 10.0
    # Retries within an export for 5xx, timeouts, connection errors and 429.
    retry_attempts: int = 3
    retry_backoff_seconds: float = 0.2
    # (assumption) whether a 429's Retry-After is honoured, and the longest wait it may impose.
    honour_retry_after: bool = True
    max_retry_after_seconds: float = 60.0
    # ENTRA-BEHAVIOUR §8: Default Access users skipped (2019) or treated like any role (now).
    default_access: DefaultAccessRule = "entitled"
    # Docs (SCIM compliance flag): "this feature flag currently doesn't work with on-demand
    # provisioning".
    on_demand_honours_scim_flag: bool = False

    def update(self, values: dict[str, Any]) -> ProvisioningSettings:
        """A copy with `values` applied; durations may be given in seconds."""
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if name not in known:
                raise KeyError(f"unknown provisioning setting {name!r}; known: {sorted(known)}")
            current = getattr(self, name)
            if isinstance(current, timedelta):
                value = timedelta(seconds=float(value))
            elif isinstance(current, tuple):
                value = tuple(timedelta(seconds=float(v)) for v in value)
            elif name == "default_access" and value not in ("entitled", "not_entitled"):
                raise ValueError("default_access is 'entitled' or 'not_entitled'")
            changes[name] = value
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, timedelta):
                value = value.total_seconds()
            elif isinstance(value, tuple):
                value = [v.total_seconds() for v in value]
            data[item.name] = value
        return data


@dataclass
class Credentials:
    """Admin Credentials: Tenant URL and Secret Token, or OAuth client credentials."""

    tenant_url: str | None = None
    secret_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_endpoint: str | None = None

    @property
    def scim_compliant(self) -> bool:
        """The `aadOptscim062020` flag in the tenant URL (ENTRA-BEHAVIOUR §8)."""
        query = urlsplit(self.tenant_url or "").query
        return SCIM_COMPLIANCE_FLAG.lower() in [
            p.split("=", 1)[0].lower() for p in query.split("&")
        ]

    @property
    def base_url(self) -> str:
        """The tenant URL without its query (the flags are for Entra, not the target)."""
        parts = urlsplit((self.tenant_url or "").strip())
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))

    @property
    def uses_oauth(self) -> bool:
        return bool(self.client_id and self.token_endpoint) and not self.secret_token


@dataclass
class TargetLink:
    """The service's cached link between a source object and its target object (the id it got
    on create or match, "used from then on"), with what it last exported."""

    kind: Literal["User", "Group"]
    source_id: str
    target_id: str
    display: str
    disabled: bool = False
    members: set[str] = field(default_factory=set)
    manager_target_id: str | None = None


@dataclass
class EscrowEntry:
    """An object whose export failed, waiting for its next retry (docs "Retry duration")."""

    kind: Literal["User", "Group"]
    source_id: str
    first_failure: datetime
    next_attempt: datetime
    attempts: int
    error_code: str
    reason: str
    reference: bool = False


@dataclass
class Quarantine:
    """Graph synchronizationQuarantine, plus the failure that caused it."""

    reason: str
    error_code: str
    detail: str
    series_began: datetime
    current_began: datetime
    next_attempt: datetime
    series_count: int = 1


@dataclass
class Watermark:
    """Where the next incremental cycle starts: when, each object's state as then seen, and the
    directory's change number then (None: the next cycle evaluates every user)."""

    taken_at: datetime
    fingerprints: dict[str, str] = field(default_factory=dict)
    delta: Delta | None = field(default=None, repr=False, compare=False)


@dataclass
class Progress:
    cycle_id: str
    kind: str
    total: int = 0
    processed: int = 0
    phase: str = "import"


@dataclass
class CycleSummary:
    """One cycle: what it did, for the progress bar, the job status and the tests."""

    cycle_id: str
    kind: Literal["Initial", "Incremental"]
    began: datetime
    ended: datetime | None = None
    state: str = "InProgress"  # Succeeded, EntryLevelErrors, Failed, Quarantined
    total: int = 0
    processed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    error: dict[str, Any] | None = None

    def count(self, key: str, by: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + by

    def as_json(self) -> dict[str, Any]:
        return {
            "cycleId": self.cycle_id,
            "kind": self.kind,
            "began": self.began.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "state": self.state,
            "total": self.total,
            "processed": self.processed,
            "counts": dict(self.counts),
            "error": self.error,
        }


@dataclass
class ProvisioningJob:
    """A provisioning job of one enterprise app (Provisioning Mode: Automatic)."""

    id: str
    service_principal_id: str
    template_id: str
    app_display_name: str
    users: ObjectMapping
    groups: ObjectMapping
    settings: ProvisioningSettings
    credentials: Credentials = field(default_factory=Credentials)
    notification_email: str | None = None
    notify_on_failure: bool = False
    sync_all: bool = False
    # schedule.state: Active (Provisioning Status On), Paused (Off), Disabled (after 4 weeks in
    # quarantine).
    schedule_state: Literal["Active", "Paused", "Disabled"] = "Paused"
    next_run: datetime | None = None
    links: dict[str, TargetLink] = field(default_factory=dict)
    watermark: Watermark | None = None
    escrows: dict[str, EscrowEntry] = field(default_factory=dict)
    pending_references: set[str] = field(default_factory=set)
    quarantine: Quarantine | None = None
    quarantine_mailed_reason: str | None = None
    progress: Progress | None = None
    history: list[CycleSummary] = field(default_factory=list)
    last_successful: CycleSummary | None = None
    last_with_exports: CycleSummary | None = None
    successive_failures: int = 0
    steady_state_first: datetime | None = None
    steady_state_last: datetime | None = None
    oauth_token: tuple[str, datetime] | None = None
    # Caches (any entry may be dropped): per kind and object, the configuration digest, the source
    # copy and the digest of what its plan was computed from (None: not computed yet, see
    # ProvisioningEngine._plan), and the plan's scope decision, deprovision flag and fingerprint,
    # so an incremental cycle recomputes only objects whose inputs changed; and per user, what
    # the import copied last time (source.SourceCache).
    plan_inputs: dict[str, dict[str, tuple[str, Any, str | None, ScopeDecision, bool, str]]] = (
        field(default_factory=dict, repr=False, compare=False)
    )
    source_cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def status_code(self) -> str:
        """Graph synchronizationStatus.code."""
        if self.quarantine is not None and self.schedule_state == "Active":
            return "Quarantine"
        if self.schedule_state != "Active":
            return "Paused" if self.history else "NotRun"
        return "Active" if self.history else "NotRun"

    @property
    def last_execution(self) -> CycleSummary | None:
        return self.history[-1] if self.history else None


@dataclass
class Mail:
    """A notification email the service sent (the tests' outbox)."""

    to: list[str]
    subject: str
    body: str
    sent_at: datetime
    sender: str = "azure-noreply@microsoft.com"

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.sender,
            "to": self.to,
            "subject": self.subject,
            "body": self.body,
            "sentDateTime": self.sent_at.isoformat(),
        }


@dataclass
class TracedRequest:
    """One request the service sent to a target, with what came back."""

    job_id: str
    at: str
    method: str
    url: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int | None
    response: Any
    duration_ms: float
    attempt: int = 1
    waited_seconds: float = 0.0
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "jobId": self.job_id,
            "at": self.at,
            "method": self.method,
            "url": self.url,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "status": self.status,
            "response": self.response,
            "durationMs": round(self.duration_ms, 2),
            "attempt": self.attempt,
            "waitedSeconds": self.waited_seconds,
            "error": self.error,
        }


class ProvisioningState:
    """All provisioning state of one tenant behind one lock (moto's reset-able backend)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.jobs: dict[str, ProvisioningJob] = {}
            # Graph provisioningObjectSummary entries, oldest first.
            self.logs: list[dict[str, Any]] = []
            # Graph directoryAudit entries of category ProvisioningManagement.
            self.audits: list[dict[str, Any]] = []
            self.outbox: list[Mail] = []
            self.trace: deque[TracedRequest] = deque(maxlen=20000)
            # Settings every new job starts with (tests change them before creating jobs).
            self.default_settings = ProvisioningSettings()
            # One lock per job: a cycle and an on-demand run never write at the same time.
            self.run_locks: dict[str, threading.Lock] = {}

    def job_for_app(self, service_principal_id: str) -> ProvisioningJob | None:
        return next(
            (j for j in self.jobs.values() if j.service_principal_id == service_principal_id), None
        )

    def run_lock(self, job_id: str) -> threading.Lock:
        with self.lock:
            return self.run_locks.setdefault(job_id, threading.Lock())
