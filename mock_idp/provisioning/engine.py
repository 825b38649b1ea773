"""The cycle engine: import, scope, match, export, references, memberships, escrow and quarantine."""
# Docs "How Application Provisioning works", "Application provisioning in quarantine status"; ENTRA-BEHAVIOUR §8.

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from ..enterprise_apps import DEFAULT_ACCESS_ROLE_ID, EnterpriseApp
from ..ids import new_guid
from .delta import Delta, Observed, soft_deleted
from .errors import (
    ESCROW_PROPORTION,
    QUARANTINE_EXCEPTION,
    TOTAL_ESCROW,
    ProvisioningFailure,
)
from .exports import CycleAborted, Exporter, Kind, Outcome, Plan
from .logs import audit_entry, graph_time
from .mappings import VOLATILE_CALL
from .pool import apply_in_order
from .scim_client import ScimClient
from .scoping import ScopeDecision, decide_scope
from .source import SourceObject, import_source
from .state import (
    CycleSummary,
    EscrowEntry,
    Mail,
    Progress,
    ProvisioningJob,
    Quarantine,
    TargetLink,
    TracedRequest,
    Watermark,
)

if TYPE_CHECKING:
    from ..tenant import Tenant
    from .wire import ScimHttp

LOG = logging.getLogger(__name__)


@dataclass
class ConnectionResult:
    """Test Connection's verdict, as the portal shows it."""

    success: bool
    message: str
    code: str | None = None
    details: list[str] = field(default_factory=list)


def _fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass
class Imported:
    """A cycle's import: every user and group as the source has them, which users were read
    again (None: all of them), and the delta the next cycle starts from if this one completes."""

    users: dict[str, SourceObject]
    groups: dict[str, SourceObject]
    changed: set[str] | None
    delta: Delta
    # The groups the last cycle planned (an incremental cycle drops those it no longer plans).
    groups_before: set[str] = field(default_factory=set)


class _PlansOnDemand(dict[str, Plan]):
    """The plans an incremental cycle evaluated; `get` plans any other user when asked (a group's
    members), from the copy the import kept, which the memo recognises."""

    def __init__(self, plans: dict[str, Plan], plan: Callable[[str], Plan | None]) -> None:
        super().__init__(plans)
        self._plan = plan

    def get(self, source_id: str, default: Any = None) -> Any:
        if source_id not in self:
            plan = self._plan(source_id)
            if plan is None:
                return default
            self[source_id] = plan
        return self[source_id]


class _Planning:
    """One kind's plans of a full walk, made one by one as they are iterated (a cycle sends the
    first users' requests while it plans the rest); how many there will be is known first, from
    what decides whether an object has a plan at all (its link, its roles, "Sync all")."""

    def __init__(
        self, engine: ProvisioningEngine, kind: Kind, objects: dict[str, SourceObject]
    ) -> None:
        self.engine, self.kind, self.objects = engine, kind, objects
        job, link = engine.job, engine._link
        self.ids = [
            s
            for s, source in objects.items()
            if source.role_ids or job.sync_all or link(kind, s) is not None
        ]
        self.ids += [s for s, k in job.links.items() if k.kind == kind and s not in objects]
        self.plans: dict[str, Plan] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Plan]:
        engine, kind, objects, plans = self.engine, self.kind, self.objects, self.plans
        for source_id in self.ids:
            plan = engine._plan(kind, source_id, objects.get(source_id))
            if plan is not None:  # (None: its link was dropped meanwhile, by a restart)
                plans[source_id] = plan
                yield plan
        memo = engine.job.plan_inputs.setdefault(kind, {})
        for gone in memo.keys() - objects.keys():
            del memo[gone]


class ProvisioningEngine:
    """Runs one job's cycles, on-demand exports and connection tests against its target."""

    def __init__(
        self,
        tenant: Tenant,
        job: ProvisioningJob,
        *,
        http_factory: Callable[[], ScimHttp],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tenant = tenant
        self.job = job
        self.state = tenant.provisioning
        self.settings = job.settings
        self.clock = tenant.clock
        self.http_factory = http_factory
        self.sleep = sleep
        self.exports = Exporter(tenant, job)

    # --- plumbing ----------------------------------------------------------------------------

    @property
    def app(self) -> EnterpriseApp:
        return self.tenant.find_app(self.job.service_principal_id)

    @property
    def app_name(self) -> str:
        return self.job.app_display_name

    def _record(self, traced: TracedRequest) -> None:
        with self.state.lock:
            self.state.trace.append(traced)

    def _token_cache(self, value: tuple[str, datetime] | None) -> tuple[str, datetime] | None:
        with self.state.lock:
            if value is not None:
                self.job.oauth_token = value
            return self.job.oauth_token

    def _client(
        self,
        http: ScimHttp,
        *,
        compliant: bool | None = None,
        abort: threading.Event | None = None,
    ) -> ScimClient:
        return ScimClient(
            job_id=self.job.id,
            app_name=self.app_name,
            credentials=self.job.credentials,
            settings=self.settings,
            http=http,
            clock=self.clock,
            record=self._record,
            sleep=self.sleep,
            abort=abort,
            compliant=compliant,
            token_cache=self._token_cache,
        )

    def _audit(self, activity: str, reason: str = "", **details: Any) -> None:
        with self.state.lock:
            self.state.audits.append(
                audit_entry(
                    activity=activity,
                    at=self.clock.now(),
                    service_principal_id=self.job.service_principal_id,
                    app_name=self.app_name,
                    job_id=self.job.id,
                    initiated_by="system",
                    reason=reason,
                    details=details,
                )
            )

    # --- plans -------------------------------------------------------------------------------

    def _decision(self, kind: Kind, source: SourceObject) -> ScopeDecision:
        return decide_scope(
            sync_all=self.job.sync_all,
            role_ids=list(source.role_ids),
            default_access_role_id=DEFAULT_ACCESS_ROLE_ID,
            rule=self.settings.default_access,
            filters=self.exports.mapping(kind).scoping_filters,
            attributes=source.attributes,
        )

    def _plan(
        self, kind: Kind, source_id: str, source: SourceObject | None, force: bool = False
    ) -> Plan | None:
        link = self._link(kind, source_id)
        if source is None:
            if link is None:
                return None
            return Plan(kind, source_id, None, link, None, True, "gone")
        if not source.role_ids and not self.job.sync_all and link is None and not force:
            # Docs: with "Sync only assigned users and groups" unassigned objects aren't imported
            # (decide_scope's `assigned` is whether the object holds a role).
            return None
        # Scope and fingerprint are pure functions of the object's source and the job's
        # configuration: an object whose inputs are those of the last cycle keeps its plan, so an
        # incremental cycle evaluates the mappings of the changed objects only.
        memo = self.job.plan_inputs.setdefault(kind, {})
        known = memo.get(source_id)
        configuration = self._configuration
        inputs: str | None
        if known is None:
            # Nothing to compare with: the digest waits until a later cycle compares (an initial
            # cycle computes none).
            inputs, hit = None, False
        elif known[0] == configuration and known[1] is source:
            # The very copy the import kept because the user did not change (source.py).
            inputs, hit = known[2], True
        else:
            inputs = self._inputs(kind, source)
            # (A digest of another configuration never matches: it is part of the digest.)
            before = known[2]
            if before is None and known[0] == configuration:
                before = self._inputs(kind, known[1])
            hit = before == inputs
        fingerprint: str | None = None
        if known is not None and hit:
            _, _, _, decision, deprovision, fingerprint = known
        else:
            decision = self._decision(kind, source)
            deprovision = not decision.in_scope or source.soft_deleted
        attributes = dict(source.attributes)
        if deprovision:
            attributes["IsSoftDeleted"] = "True"
        values: dict[str, Any] | None = None
        if fingerprint is None:
            members: list[str] = sorted(source.member_ids)
            values = self.exports.desired(kind, attributes, on_create=False)
            fingerprint = _fingerprint(
                {
                    "decision": decision.details(),
                    "deprovision": deprovision,
                    "values": values,
                    "manager": source.manager_id,
                    "members": members,
                }
            )
        if not hit or known is None or known[1] is not source:
            memo[source_id] = (configuration, source, inputs, decision, deprovision, fingerprint)
        return Plan(
            kind, source_id, source, link, decision, deprovision, fingerprint, attributes, values
        )

    @cached_property
    def _configuration(self) -> str:
        """What decides a plan besides the object itself: scope settings, scoping filters and
        mappings. An expression calling Now() or Guid() may give another value each time, so
        then no plan is reused, as before plans were kept. One engine runs one cycle."""
        job = self.job
        text = repr((job.sync_all, self.settings.default_access, job.users, job.groups))
        if VOLATILE_CALL.search(text):
            text += new_guid()
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _inputs(self, kind: Kind, source: SourceObject) -> str:
        """A digest of everything a plan is computed from."""
        text = repr(
            (
                self._configuration,
                kind,
                source.attributes,
                source.role_ids,
                source.soft_deleted,
                source.manager_id,
                source.member_ids,
            )
        )
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _link(self, kind: Kind, source_id: str) -> TargetLink | None:
        link = self.job.links.get(source_id)
        return link if link is not None and link.kind == kind else None

    def _plans(self, kind: Kind, objects: dict[str, SourceObject]) -> dict[str, Plan]:
        planned = _Planning(self, kind, objects)
        for _ in planned:
            pass
        return planned.plans

    def _basis(self, app: EnterpriseApp) -> str:
        """What every user's plan reads besides the user: while it stays, an incremental cycle
        evaluates only changed users; any change (mappings, scoping filters, scope, Default
        Access rule, the app's roles, the hard-delete delay) and every user is evaluated again."""
        roles = [(r.id, r.value, r.display_name) for r in app.app_roles]
        text = repr((self._configuration, app.object_id, roles, self.settings.hard_delete_after))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _import(self, now: datetime) -> Imported:
        """Call under the tenant's lock. An incremental cycle whose watermark carries a delta of
        the same basis reads again only the users changed since it; otherwise every user."""
        job, directory, app = self.job, self.tenant.directory, self.app
        hard_delete_after = self.settings.hard_delete_after
        # Taken before reading: a change made after it is found by the next cycle.
        sequence = directory.changes.mark()
        observed = Observed.of(directory, app)
        basis = self._basis(app)
        last = job.watermark.delta if job.watermark is not None else None
        if last is None or last.basis != basis or last.log_id != directory.changes.id:
            snapshot = import_source(directory, app, now, hard_delete_after, cache=job.source_cache)
            delta = Delta(
                directory.changes.id,
                sequence,
                basis,
                snapshot.users,
                observed,
                soft_deleted(directory),
                set(),
            )
            return Imported(snapshot.users, snapshot.groups, None, delta)

        def tracked(user_id: str) -> bool:
            link = job.links.get(user_id)
            return user_id in last.users or (link is not None and link.kind == "User")

        changed = last.changed(directory, observed, now, hard_delete_after, tracked)
        snapshot = import_source(
            directory, app, now, hard_delete_after, cache=job.source_cache, only=changed
        )
        # Copies, so that a cycle that does not complete leaves the watermark's delta as it was.
        users, deleted = dict(last.users), dict(last.soft_deleted)
        for user_id in changed:
            source = snapshot.users.get(user_id)
            if source is None:
                users.pop(user_id, None)
            else:
                users[user_id] = source
            user = directory.users.get(user_id)
            if user is not None and user.deleted_at is not None:
                deleted[user_id] = user.deleted_at
            else:
                deleted.pop(user_id, None)
        delta = Delta(directory.changes.id, sequence, basis, users, observed, deleted, set())
        return Imported(users, snapshot.groups, changed, delta, set(last.groups))

    def _changed_plans(self, imported: Imported, now: datetime) -> dict[str, Plan]:
        """Plans of the changed users, and of users whose escrow retry or pending reference is
        due or that provision on demand wrote to since the watermark."""
        assert imported.changed is not None and self.job.watermark is not None
        job, last = self.job, self.job.watermark.delta
        assert last is not None
        ids = set(imported.changed) | last.revisit
        ids.update(
            sid
            for sid, escrow in job.escrows.items()
            if escrow.kind == "User" and escrow.next_attempt <= now
        )
        ids.update(s for s in job.pending_references if self._reference_due(s, now))
        plans = {}
        for source_id in ids:
            plan = self._plan("User", source_id, imported.users.get(source_id))
            if plan is not None:
                plans[source_id] = plan
        memo = job.plan_inputs.setdefault("User", {})
        for gone in imported.changed - imported.users.keys():
            memo.pop(gone, None)
        imported.changed = ids
        return plans

    def _selected(self, plans: dict[str, Plan], initial: bool, now: datetime) -> list[Plan]:
        """Initial: everything. Incremental: what changed since the watermark, and escrows due."""
        if initial or self.job.watermark is None:
            return list(plans.values())
        seen = self.job.watermark.fingerprints
        chosen = []
        for source_id, plan in plans.items():
            escrow = self.job.escrows.get(source_id)
            due = escrow is not None and not escrow.reference and escrow.next_attempt <= now
            if seen.get(source_id) != plan.fingerprint or due:
                chosen.append(plan)
        return chosen

    # --- applying outcomes -------------------------------------------------------------------

    def _escrow_due(self, entry: EscrowEntry) -> datetime:
        """Docs "Retry duration": 6 h, 12 h, 24 h after the first failure, then every 24 h."""
        retries = self.settings.escrow_retries
        if entry.attempts <= len(retries):
            return entry.first_failure + retries[entry.attempts - 1]
        extra = entry.attempts - len(retries)
        return entry.first_failure + retries[-1] + extra * self.settings.escrow_daily

    def _apply(
        self, outcome: Outcome, summary: CycleSummary | None, fingerprints: dict[str, str] | None
    ) -> None:
        plan = outcome.plan
        now = self.clock.now()
        with self.state.lock:
            if outcome.entry is not None:
                self.state.logs.append(outcome.entry)
            if outcome.drop_link:
                self.job.links.pop(plan.source_id, None)
                self.job.pending_references.discard(plan.source_id)
            elif outcome.link is not None:
                self.job.links[plan.source_id] = outcome.link
            if outcome.manager_pending:
                self.job.pending_references.add(plan.source_id)
            elif outcome.reference and outcome.status in ("success", "unchanged"):
                self.job.pending_references.discard(plan.source_id)
            if outcome.status == "failure" and outcome.failure is not None:
                escrow = self.job.escrows.get(plan.source_id)
                if escrow is None:
                    escrow = EscrowEntry(
                        plan.kind,
                        plan.source_id,
                        now,
                        now,
                        0,
                        outcome.failure.code,
                        outcome.failure.reason,
                        reference=outcome.reference,
                    )
                    self.job.escrows[plan.source_id] = escrow
                escrow.attempts += 1
                escrow.error_code, escrow.reason = outcome.failure.code, outcome.failure.reason
                escrow.next_attempt = self._escrow_due(escrow)
            elif outcome.status in ("success", "skipped") and not outcome.reference:
                self.job.escrows.pop(plan.source_id, None)
            elif outcome.status == "success" and outcome.reference:
                escrow = self.job.escrows.get(plan.source_id)
                if escrow is not None and escrow.reference:
                    self.job.escrows.pop(plan.source_id, None)
            if fingerprints is not None and not outcome.reference:
                fingerprints[plan.source_id] = plan.fingerprint
            if summary is not None and outcome.status not in ("pending", "unchanged"):
                if outcome.status == "failure":
                    key = "failed"
                elif outcome.status == "skipped":
                    key = "skipped"
                else:
                    key = "references" if outcome.reference else outcome.action
                summary.count(key)
                if outcome.status == "success" and outcome.action != "other":
                    summary.count("exported")

    def _run(
        self,
        tasks: Iterable[Plan],
        work: Callable[[Plan], Outcome | None],
        summary: CycleSummary,
        fingerprints: dict[str, str],
        abort: threading.Event,
        counts_progress: bool,
        local: Callable[[Plan], bool] | None = None,
    ) -> ProvisioningFailure | None:
        """Bounded parallelism; one task per object, so never two writes to one object at once.
        Tasks go out as `tasks` yields them (a full walk plans while the first are sent);
        outcomes are applied in the tasks' order, by the worker that finds them due. Tasks that
        `local` says send nothing run in their turn, without a worker of their own."""
        stop: ProvisioningFailure | None = None

        def apply(plan: Plan, outcome: Outcome | None, error: BaseException | None) -> None:
            nonlocal stop
            if isinstance(error, CycleAborted):
                abort.set()
                stop = stop or error.failure
                return
            if isinstance(error, Exception):  # a bug must not lose the rest of the cycle
                LOG.error(
                    "provisioning %s %s failed unexpectedly",
                    plan.kind,
                    plan.source_id,
                    exc_info=error,
                )
                failure = ProvisioningFailure("InternalError", f"{type(error).__name__}: {error}")
                outcome = Outcome(plan, "other", "failure", failure=failure, link=plan.link)
            elif error is not None:
                raise error
            if outcome is not None:
                self._apply(outcome, summary, fingerprints)
            if counts_progress:
                with self.state.lock:
                    summary.processed += 1
                    if self.job.progress is not None:
                        self.job.progress.processed = summary.processed

        apply_in_order(tasks, work, self.settings.max_parallel_requests, apply, local)
        return stop

    # --- a cycle -----------------------------------------------------------------------------

    def run_cycle(self) -> CycleSummary:
        """Initial (no watermark) or incremental cycle; users, references, groups, memberships."""
        job = self.job
        now = self.clock.now()
        kind: Literal["Initial", "Incremental"] = (
            "Initial" if job.watermark is None else "Incremental"
        )
        summary = CycleSummary(new_guid(), kind, now)
        with self.tenant.lock:
            imported = self._import(now)
        self._expire_escrows(now)
        users: dict[str, Plan]
        work_users: _Planning | list[Plan]
        if kind == "Initial":
            # An initial cycle exports every plan: its users are planned as the pool sends them.
            work_users = _Planning(self, "User", imported.users)
            users = evaluated = work_users.plans
        else:
            if imported.changed is None:
                users = evaluated = self._plans("User", imported.users)
            else:
                evaluated = self._changed_plans(imported, now)
                users = _PlansOnDemand(
                    evaluated, lambda sid: self._plan("User", sid, imported.users.get(sid))
                )
            work_users = self._selected(evaluated, False, now)
        groups = self._plans("Group", imported.groups) if job.groups.enabled else {}
        work_groups = self._selected(groups, kind == "Initial", now)
        summary.total = len(work_users) + len(work_groups)
        with self.state.lock:
            job.progress = Progress(summary.cycle_id, kind, summary.total, 0, "users")
        fingerprints: dict[str, str] = {}
        abort = threading.Event()
        stop: ProvisioningFailure | None = None
        with self.http_factory() as http:
            client = self._client(http, abort=abort)
            cycle = summary.cycle_id
            stop = self._run(
                work_users,
                lambda p: self.exports.process_user(client, p, cycle),
                summary,
                fingerprints,
                abort,
                True,
            )
            if stop is None:
                self._set_phase("references")
                # (Iterating a _Planning again would plan again: its plans are every user's.)
                changed = (
                    set(users)
                    if isinstance(work_users, _Planning)
                    else {p.source_id for p in work_users}
                )
                pending = changed | {
                    s for s in job.pending_references if self._reference_due(s, now)
                }
                stop = self._run(
                    [users[s] for s in sorted(pending) if s in users],
                    lambda p: self.exports.resolve_manager(client, p, cycle),
                    summary,
                    fingerprints,
                    abort,
                    False,
                    local=self.exports.settled_manager,
                )
            if stop is None and job.groups.enabled:
                self._set_phase("groups")
                stop = self._run(
                    work_groups,
                    lambda p: self.exports.process_group(client, p, cycle),
                    summary,
                    fingerprints,
                    abort,
                    True,
                )
            if stop is None and job.groups.enabled:
                self._set_phase("memberships")
                changed = {p.source_id for p in work_groups}
                stop = self._run(
                    [
                        p
                        for p in groups.values()
                        if p.source_id in changed or self._reference_due(p.source_id, now)
                    ],
                    lambda p: self.exports.sync_members(client, p, users, cycle),
                    summary,
                    fingerprints,
                    abort,
                    False,
                )
        self._finish(summary, imported, evaluated, groups, fingerprints, stop)
        return summary

    def _reference_due(self, source_id: str, now: datetime) -> bool:
        """A failed reference (manager, members) waits for its escrow retry like any export."""
        escrow = self.job.escrows.get(source_id)
        return escrow is None or not escrow.reference or escrow.next_attempt <= now

    def _set_phase(self, phase: str) -> None:
        with self.state.lock:
            if self.job.progress is not None:
                self.job.progress.phase = phase

    def _expire_escrows(self, now: datetime) -> None:
        """Docs: retries "go on for 28 days after the first failure after which the escrow entry
        is removed"."""
        with self.state.lock:
            for source_id, entry in list(self.job.escrows.items()):
                if now - entry.first_failure >= self.settings.escrow_give_up_after:
                    del self.job.escrows[source_id]
                    self._audit(
                        "Escrow expired",
                        f"{entry.kind} {source_id} failed for "
                        f"{self.settings.escrow_give_up_after.days} days ({entry.error_code}); "
                        "its retries stop.",
                        ErrorCode=entry.error_code,
                    )

    def _finish(
        self,
        summary: CycleSummary,
        imported: Imported,
        users: dict[str, Plan],
        groups: dict[str, Plan],
        fingerprints: dict[str, str],
        stop: ProvisioningFailure | None,
    ) -> None:
        job = self.job
        now = self.clock.now()
        summary.ended = now
        with self.state.lock:
            if stop is not None:
                summary.state = "Failed"
                summary.error = {"code": stop.code, "message": stop.reason}
                job.successive_failures += 1
                self._quarantine(QUARANTINE_EXCEPTION, stop.code, stop.reason, now)
            else:
                previous = job.watermark.fingerprints if job.watermark else {}
                if imported.changed is None:
                    kept = {
                        sid: fingerprints.get(sid, previous.get(sid, ""))
                        for sid in [*users, *groups]
                    }
                    imported.delta.groups = set(groups)
                    job.watermark = Watermark(
                        now, {k: v for k, v in kept.items() if v}, delta=imported.delta
                    )
                elif job.watermark is not None:  # (None: restarted meanwhile; that stands)
                    # Users not evaluated keep theirs; the evaluated and every group as above.
                    kept = dict(previous)
                    for sid in imported.changed | imported.groups_before | groups.keys():
                        planned = sid in users or sid in groups
                        kept[sid] = fingerprints.get(sid, previous.get(sid, "")) if planned else ""
                    imported.delta.groups = set(groups)
                    # A delta cleared meanwhile (escrows or links cleared) stays cleared.
                    job.watermark = Watermark(
                        now,
                        {k: v for k, v in kept.items() if v},
                        delta=imported.delta if job.watermark.delta is not None else None,
                    )
                summary.state = "EntryLevelErrors" if summary.counts.get("failed") else "Succeeded"
                job.successive_failures = 0
                reason = self._threshold_reason()
                if reason is not None:
                    failures = sum(1 for e in job.escrows.values() if not e.reference)
                    self._quarantine(
                        reason,
                        reason,
                        f"{failures} of the objects in scope failed to provision "
                        f"({len(job.escrows)} escrows in all).",
                        now,
                    )
                elif job.quarantine is not None:
                    self._lift_quarantine()
                if job.quarantine is None:
                    job.next_run = now + self.settings.cycle_interval
                    if summary.state == "Succeeded":
                        job.steady_state_first = job.steady_state_first or now
                        job.steady_state_last = now
                    job.last_successful = (
                        summary if summary.state == "Succeeded" else job.last_successful
                    )
                if summary.counts.get("exported"):
                    job.last_with_exports = summary
            job.progress = None
            job.history.append(summary)
            del job.history[:-50]

    def _threshold_reason(self) -> str | None:
        """Docs "Escrow thresholds" (reference failures not counted toward 40 % / 40,000)."""
        settings = self.settings
        escrows = list(self.job.escrows.values())
        failures = sum(1 for e in escrows if not e.reference)
        tracked = len(self.job.links) + failures
        if len(escrows) > settings.quarantine_absolute_failures:
            return TOTAL_ESCROW
        if failures < settings.quarantine_min_failures:
            return None
        if failures > settings.quarantine_total_failures:
            return TOTAL_ESCROW
        if tracked and failures / tracked > settings.quarantine_failure_ratio:
            return ESCROW_PROPORTION
        return None

    def _quarantine(self, reason: str, code: str, detail: str, now: datetime) -> None:
        """Quarantine: cycles slow to daily, a one-time mail, disabled after four weeks."""
        job = self.job
        current = job.quarantine
        next_attempt = now + self.settings.quarantine_interval
        if current is None:
            job.quarantine = Quarantine(reason, code, detail, now, now, next_attempt)
            self._audit("Quarantine", detail, QuarantineReason=reason, ErrorCode=code)
        else:
            current.reason, current.error_code, current.detail = reason, code, detail
            current.current_began, current.next_attempt = now, next_attempt
            current.series_count += 1
        job.next_run = next_attempt
        assert job.quarantine is not None
        if now - job.quarantine.series_began >= self.settings.quarantine_disable_after:
            job.schedule_state = "Disabled"
            job.next_run = None
            self._audit(
                "Disable provisioning",
                "The job stayed in quarantine for more than four weeks and was disabled.",
                QuarantineReason=reason,
            )
        self._notify(job.quarantine)

    def _lift_quarantine(self) -> None:
        job = self.job
        assert job.quarantine is not None
        self._audit(
            "Quarantine lifted",
            "A cycle completed without the failures that caused quarantine.",
            QuarantineReason=job.quarantine.reason,
        )
        job.quarantine = None
        job.quarantine_mailed_reason = None

    def _notify(self, quarantine: Quarantine) -> None:
        """Docs: "a one-time notification email is sent. If the quarantine reason changes, an
        updated email is sent"; only with a Notification Email and the failure box checked."""
        job = self.job
        if not (job.notify_on_failure and job.notification_email):
            return
        if job.quarantine_mailed_reason == quarantine.reason:
            return
        job.quarantine_mailed_reason = quarantine.reason
        recipients = [
            a.strip() for a in job.notification_email.replace(";", ",").split(",") if a.strip()
        ]
        self.state.outbox.append(
            Mail(
                to=recipients,
                subject=f"Provisioning of {self.app_name} has been placed in quarantine",
                body=(
                    f"The provisioning job {job.id} of {self.app_name} in tenant "
                    f"{self.tenant.tenant_id} is in quarantine.\n"
                    f"Reason: {quarantine.reason}\nError code: {quarantine.error_code}\n"
                    f"{quarantine.detail}\n"
                    f"Next attempt: {graph_time(quarantine.next_attempt)}. Cycles run once a day "
                    "until the problem is fixed; after four weeks in quarantine the job is "
                    "disabled. Fix the cause (for example the Admin Credentials) and restart "
                    "provisioning."
                ),
                sent_at=self.clock.now(),
            )
        )

    # --- provision on demand -----------------------------------------------------------------

    def provision_on_demand(
        self, object_id: str, object_type: str, members: list[str]
    ) -> list[dict[str, Any]]:
        """One user, or one group with up to 5 of its members, now (Graph provisionOnDemand)."""
        kind: Kind = "Group" if object_type.lower() == "group" else "User"
        if kind == "User" and members:
            raise ValueError("Members can only be given for a group.")
        if len(members) > 5:
            raise ValueError("Provision on demand takes a group with up to 5 members.")
        now = self.clock.now()
        cycle = new_guid()
        with self.tenant.lock:
            snapshot = import_source(
                self.tenant.directory, self.app, now, self.settings.hard_delete_after
            )
        objects = snapshot.users if kind == "User" else snapshot.groups
        if object_id not in objects and object_id not in self.job.links:
            raise LookupError(f"No {kind.lower()} {object_id} in the directory.")
        source = objects.get(object_id)
        if kind == "Group" and source is not None:
            outside = [m for m in members if m not in source.member_ids]
            if outside:
                raise ValueError(f"Not members of the group: {', '.join(outside)}")
        compliant = (
            self.job.credentials.scim_compliant
            if self.settings.on_demand_honours_scim_flag
            else False
        )
        user_plans = {
            uid: plan
            for uid in ([object_id] if kind == "User" else members)
            if (plan := self._plan("User", uid, snapshot.users.get(uid), force=True)) is not None
        }
        entries: list[dict[str, Any]] = []

        def keep(outcome: Outcome | None) -> None:
            if outcome is None:
                return
            self._apply(outcome, None, None)
            if outcome.entry is not None:
                entries.append(outcome.entry)

        def fingerprint(plan: Plan) -> None:
            with self.state.lock:
                if self.job.watermark is not None:
                    self.job.watermark.fingerprints[plan.source_id] = plan.fingerprint
                    if self.job.watermark.delta is not None and plan.kind == "User":
                        self.job.watermark.delta.revisit.add(plan.source_id)

        with self.state.run_lock(self.job.id), self.http_factory() as http:
            client = self._client(http, compliant=compliant)
            try:
                if kind == "Group":
                    plan = self._plan("Group", object_id, source, force=True)
                    assert plan is not None
                    keep(self.exports.process_group(client, plan, cycle, on_demand=True))
                    fingerprint(plan)
                for plan in user_plans.values():
                    keep(self.exports.process_user(client, plan, cycle, on_demand=True))
                    fingerprint(plan)
                    keep(self.exports.resolve_manager(client, plan, cycle, on_demand=True))
                if kind == "Group":
                    group_plan = self._plan("Group", object_id, source, force=True)
                    assert group_plan is not None
                    keep(
                        self.exports.sync_members(
                            client, group_plan, user_plans, cycle, only=set(members), on_demand=True
                        )
                    )
            except CycleAborted as aborted:
                # On demand shows the failure; it does not quarantine the job.
                raise aborted.failure from None
        return entries

    # --- test connection ---------------------------------------------------------------------

    def test_connection(self) -> ConnectionResult:
        """Test Connection: `GET /Users?filter=userName eq "<random guid>"` must answer 200 with an
        empty ListResponse; groups are probed too when group provisioning is on."""
        credentials = self.job.credentials
        if not credentials.tenant_url:
            return ConnectionResult(False, "The Tenant URL is required.", "MissingTenantUrl")
        if not (credentials.secret_token or credentials.uses_oauth):
            return ConnectionResult(False, "The Secret Token is required.", "MissingSecretToken")
        probes = [("Users", "userName")]
        if self.job.groups.enabled:
            probes.append(("Groups", "displayName"))
        one_try = self.settings.update({"retry_attempts": 0})
        with self.http_factory() as http:
            client = self._client(http)
            client.settings = one_try
            details = []
            for resource, attribute in probes:
                guid = new_guid()
                try:
                    found = client.query(
                        resource, attribute, guid, exclude_members=resource == "Groups"
                    )
                except ProvisioningFailure as failure:
                    return self._connection_failure(failure, credentials.base_url)
                if found:
                    return ConnectionResult(
                        False,
                        f"{self.app_name} returned {len(found)} {resource.lower()} for a filter "
                        f'on a random value ({attribute} eq "{guid}"); a SCIM endpoint must apply '
                        "the filter and answer an empty ListResponse.",
                        "SystemForCrossDomainIdentityManagementServiceIncompatible",
                    )
                details.append(f'GET /{resource}?filter={attribute} eq "{guid}" → 200, 0 results')
        return ConnectionResult(
            True, "The supplied credentials are authorized to enable provisioning.", None, details
        )

    def _connection_failure(self, failure: ProvisioningFailure, url: str) -> ConnectionResult:
        if failure.code == "Unauthorized":
            message = (
                "You appear to have entered invalid credentials. Please confirm you are using "
                "the correct information for an administrative account. "
                f"({self.app_name} answered HTTP {failure.status}.)"
            )
        elif failure.code in ("WebExceptionProtocolError", "Timeout"):
            message = (
                f"We could not reach {url}. Check that the Tenant URL is correct and that the "
                f"service is reachable. ({failure.reason})"
            )
        elif failure.status == 404:
            message = (
                f"{self.app_name} answered HTTP 404 Not Found to a query at {url}. Check the "
                "Tenant URL: a SCIM endpoint answers queries with 200 and an empty ListResponse "
                "when nothing matches."
            )
        else:
            message = f"Test Connection failed: {failure.reason}"
        return ConnectionResult(False, message, failure.code)
