"""One object's export to a SCIM target: users created, updated, disabled or deleted, groups, references."""
# ENTRA-BEHAVIOUR §8 (sequences and wire shapes); docs "How Application Provisioning works".

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from ..enterprise_apps import EnterpriseApp
from .errors import SCIM_MULTIPLE_ENTRIES, ProvisioningFailure
from .expressions import is_true
from .logs import ObjectLog
from .mappings import VOLATILE_CALL, AttributeMapping, ObjectMapping, evaluate_mapping, values_of
from .scim_client import Aborted, ScimClient
from .scim_requests import (
    Change,
    add_members_request,
    group_resource,
    patch_request,
    read_path,
    remove_attribute_request,
    remove_members_request,
    user_resource,
)
from .scoping import ScopeDecision
from .source import SourceObject
from .state import ProvisioningJob, TargetLink

if TYPE_CHECKING:
    from ..tenant import Tenant

Kind = Literal["User", "Group"]
ENTRA = "Microsoft Entra ID"


@dataclass
class Plan:
    """One object's situation at import: its source, its link, scope, and state fingerprint."""

    kind: Kind
    source_id: str
    source: SourceObject | None
    link: TargetLink | None
    decision: ScopeDecision | None
    deprovision: bool
    fingerprint: str
    attributes: dict[str, Any] = field(default_factory=dict)
    # The update values (desired, not on create) the fingerprint was computed from this cycle.
    values: dict[str, Any] | None = None

    @property
    def display(self) -> str:
        if self.source is not None:
            return self.source.display
        return self.link.display if self.link else self.source_id


@dataclass
class Outcome:
    """What one export did: its log entry, and the link, escrow and reference changes it implies."""

    plan: Plan
    action: str
    status: str  # success, failure, skipped
    entry: dict[str, Any] | None = None
    failure: ProvisioningFailure | None = None
    link: TargetLink | None = None
    drop_link: bool = False
    manager_pending: bool = False
    reference: bool = False


class CycleAborted(Exception):
    """A quarantine failure (credentials, a 404 on a query): the cycle stops."""

    def __init__(self, failure: ProvisioningFailure) -> None:
        super().__init__(str(failure))
        self.failure = failure


def _same(mapping: AttributeMapping | None, wanted: Any, current: Any) -> bool:
    """Whether the target already holds the wanted value (booleans and multi-values by meaning)."""
    if current is None:
        return wanted is None
    if mapping is not None and mapping.target_kind == "Boolean":
        return is_true(wanted) == is_true(current)
    if isinstance(wanted, list) or isinstance(current, list):

        def values(items: Any) -> list[str]:
            return sorted(
                str(i.get("value") if isinstance(i, dict) else i)
                for i in (items if isinstance(items, list) else [items])
            )

        return values(wanted) == values(current)
    return str(wanted) == str(current)


class Exporter:
    """One job's per-object exports to its target; the engine decides what to export and when."""

    def __init__(self, tenant: Tenant, job: ProvisioningJob) -> None:
        self.tenant = tenant
        self.job = job
        self.clock = tenant.clock
        # What the mappings give every object, worked out once: one engine (and its exporter)
        # runs one cycle, as ProvisioningEngine._configuration assumes.
        self._flowing: dict[Kind, list[AttributeMapping]] = {}
        self._same_values: dict[tuple[Kind, bool], bool] = {}
        self._imported: dict[Kind, list[str]] = {}
        self._values: dict[tuple[Kind, bool], Callable[[dict[str, Any], datetime], Any]] = {}

    @property
    def app(self) -> EnterpriseApp:
        return self.tenant.find_app(self.job.service_principal_id)

    @property
    def app_name(self) -> str:
        return self.job.app_display_name

    def _log(self, plan: Plan, cycle_id: str, on_demand: bool) -> ObjectLog:
        log = ObjectLog(
            tenant_id=self.tenant.tenant_id,
            job_id=self.job.id,
            cycle_id=cycle_id,
            service_principal_id=self.job.service_principal_id,
            app_name=self.app_name,
            app_id=self.app.app_id,
            kind=plan.kind,
            source_id=plan.source_id,
            source_display=plan.display,
            started=self.clock.now(),
            on_demand=on_demand,
        )
        if plan.link is not None:
            log.target_id = plan.link.target_id
        return log

    def mapping(self, kind: Kind) -> ObjectMapping:
        return self.job.users if kind == "User" else self.job.groups

    def desired(self, kind: Kind, attributes: dict[str, Any], on_create: bool) -> dict[str, Any]:
        """Target values of the non-reference mappings that flow in this export."""
        evaluate = self._values.get((kind, on_create))
        if evaluate is None:
            evaluate = values_of(self._flowing_mappings(kind), on_create)
            self._values[(kind, on_create)] = evaluate
        return evaluate(attributes, self.clock.now())

    def _flowing_mappings(self, kind: Kind) -> list[AttributeMapping]:
        """The non-reference mappings: their values flow in an export."""
        flowing = self._flowing.get(kind)
        if flowing is None:
            flowing = [m for m in self.mapping(kind).mappings if not m.is_reference]
            self._flowing[kind] = flowing
        return flowing

    def planned(self, plan: Plan, on_create: bool) -> dict[str, Any]:
        """desired() for the plan: the values its fingerprint was computed from when evaluating
        again would give the same (no Now()/Guid(); on create, no creation-only mapping and no
        default value either)."""
        key = (plan.kind, on_create)
        same = self._same_values.get(key)
        if same is None:
            same = not any(
                (m.type == "Expression" and VOLATILE_CALL.search(m.source or ""))
                or (on_create and (m.apply != "Always" or m.default_value is not None))
                for m in self._flowing_mappings(plan.kind)
            )
            self._same_values[key] = same
        if same and plan.values is not None:
            return dict(plan.values)
        return self.desired(plan.kind, plan.attributes, on_create)

    def _changes(
        self, kind: Kind, desired: dict[str, Any], resource: dict[str, Any]
    ) -> list[Change]:
        """PATCH only the changed attributes (ENTRA-BEHAVIOUR §8 "Update")."""
        mapping = self.mapping(kind)
        changes = []
        for path, value in desired.items():
            current = read_path(resource, path)
            if not _same(mapping.mapping_for(path), value, current):
                changes.append(Change(path, value, add=current is None))
        return changes

    @property
    def _active_path(self) -> str:
        mapping = self.job.users.mapping_for("active")
        return mapping.target if mapping else "active"

    @cached_property
    def _manager_mapping(self) -> AttributeMapping | None:
        return next(
            (m for m in self.job.users.mappings if m.is_reference and m.source == "manager"), None
        )

    # --- users -------------------------------------------------------------------------------

    def _update(
        self,
        client: ScimClient,
        log: ObjectLog,
        plan: Plan,
        changes: list[Change],
        resource: dict[str, Any],
        link: TargetLink,
        **outcome: Any,
    ) -> Outcome:
        """PATCH only the changed attributes (ENTRA-BEHAVIOUR §8 "Update"), each one logged."""
        what = f"{plan.kind} '{plan.display}'"
        log.step(
            "processing",
            "EntrySynchronizationUpdate",
            "success",
            f"{what} will be updated in {self.app_name}",
        )
        body = patch_request(changes, client.compliant)
        client.patch(f"{plan.kind}s", link.target_id, body)
        for change in changes:
            log.modify(change.path, read_path(resource, change.path), change.value)
        return self._exported(
            log, plan, "update", f"{what} was updated in {self.app_name}", link, **outcome
        )

    def _exported(
        self,
        log: ObjectLog,
        plan: Plan,
        action: str,
        description: str,
        link: TargetLink | None,
        **outcome: Any,
    ) -> Outcome:
        """A write the target accepted: its export step, the log summary and the outcome."""
        details = {"ReportableIdentifier": plan.display}
        if action == "create" and link is not None:
            details["id"] = link.target_id
        event = "EntryExportAdd" if action == "create" else "EntryExportUpdate"
        log.step("export", event, "success", description, details)
        entry = log.summary(action, "success", self.clock.now())
        return Outcome(plan, action, "success", entry, link=link, **outcome)

    def _failed(
        self, log: ObjectLog, plan: Plan, action: str, what: str, failure: ProvisioningFailure
    ) -> Outcome:
        log.step(
            "export",
            f"EntryExport{action.capitalize()}",
            "failure",
            f"Failed to {what} {plan.kind} '{plan.display}' in {self.app_name}",
            {"ReportableIdentifier": plan.display},
        )
        entry = log.summary(action, "failure", self.clock.now(), failure)
        return Outcome(plan, action, "failure", entry, failure, link=plan.link)

    def _skipped(
        self,
        log: ObjectLog,
        plan: Plan,
        description: str,
        reason: str,
        link: TargetLink | None = None,
    ) -> Outcome:
        log.step(
            "processing", "EntrySynchronizationSkip", "skipped", description, {"SkipReason": reason}
        )
        code = reason if reason in ("ImportSkipped",) else "EntrySynchronizationSkipped"
        entry = log.summary("other", "skipped", self.clock.now(), skip_reason=code)
        return Outcome(plan, "other", "skipped", entry, link=link or plan.link)

    def _linked_log(self, plan: Plan, target_id: str, cycle_id: str, on_demand: bool) -> ObjectLog:
        """The log of a second-pass export (references, memberships) of an object the target
        already holds: its import step names no attributes."""
        log = self._log(plan, cycle_id, on_demand)
        log.target_id = target_id
        log.step(
            "import",
            "EntryImport",
            "success",
            f"Retrieved {plan.kind} '{plan.display}' from {ENTRA}",
        )
        return log

    def _import_steps(self, log: ObjectLog, plan: Plan) -> None:
        assert plan.source is not None and plan.decision is not None
        names = self._imported.get(plan.kind)
        if names is None:
            source_attributes = self.mapping(plan.kind).source_attributes()
            names = [n for n in ["objectId", *source_attributes] if n != "appRoleAssignments"]
            self._imported[plan.kind] = names
        log.step(
            "import",
            "EntryImport",
            "success",
            f"Retrieved {plan.kind} '{plan.display}' from {ENTRA}",
            {name: plan.source.attributes.get(name) for name in names},
        )
        log.step(
            "scoping",
            "EntrySynchronizationScoping",
            "success",
            f"Determine if {plan.kind} in scope by evaluating against each scoping filter",
            {"IsActive": not plan.source.soft_deleted, **plan.decision.details()},
        )

    def process_user(
        self, client: ScimClient, plan: Plan, cycle_id: str, on_demand: bool = False
    ) -> Outcome | None:
        log = self._log(plan, cycle_id, on_demand)
        try:
            if plan.source is None:
                return self._delete(client, log, plan, "Users")
            self._import_steps(log, plan)
            if plan.deprovision:
                return self._disable_user(client, log, plan)
            return self._export_user(client, log, plan)
        except Aborted:
            return None

    def _delete(self, client: ScimClient, log: ObjectLog, plan: Plan, resource: str) -> Outcome:
        """Hard-deleted user, or a group out of scope: DELETE (ENTRA-BEHAVIOUR §8 "Delete")."""
        assert plan.link is not None
        reason = "deleted" if plan.source is None else "out of scope"
        log.step(
            "import",
            "EntryImportDelete",
            "success",
            f"Received {plan.kind} '{plan.display}' change of type (Delete) from {ENTRA}",
        )
        if "Delete" not in self.mapping(plan.kind).actions:
            return self._skipped(
                log,
                plan,
                f"Delete is not a target object action of {self.app_name}",
                "DeleteNotEnabled",
            )
        log.step(
            "processing",
            "EntrySynchronizationDelete",
            "success",
            f"{plan.kind} '{plan.display}' will be deleted in {self.app_name} ({plan.kind} is "
            f"{reason} in {ENTRA})",
        )
        try:
            client.delete(resource, plan.link.target_id)
        except ProvisioningFailure as failure:
            if failure.code != "InvalidAnchor":
                if failure.quarantine:
                    raise CycleAborted(failure) from None
                return self._failed(log, plan, "delete", "delete", failure)
        log.step(
            "export",
            "EntryExportDelete",
            "success",
            f"{plan.kind} '{plan.display}' was deleted in {self.app_name}",
            {"ReportableIdentifier": plan.display},
        )
        log.modify("objectId", plan.source_id, None)
        entry = log.summary("delete", "success", self.clock.now())
        return Outcome(plan, "delete", "success", entry, drop_link=True)

    def _disable_user(self, client: ScimClient, log: ObjectLog, plan: Plan) -> Outcome:
        """Unassigned, scoped out, soft deleted or accountEnabled false: PATCH active false."""
        assert plan.decision is not None
        link = plan.link
        why = (
            "not effectively entitled"
            if plan.decision.reason == "NotEffectivelyEntitled"
            else "not assigned"
            if plan.decision.reason == "NotAssigned"
            else "out of the scoping filters"
            if plan.decision.reason == "ScopingFilter"
            else "soft deleted or disabled"
        )
        if link is None:
            reason = plan.decision.reason or "NotActive"
            if reason == "NotEffectivelyEntitled":
                # Tutorials 001/003: users with only Default Access "are excluded from
                # provisioning and marked as not effectively entitled in the provisioning logs".
                text = (
                    f"{plan.kind} '{plan.display}' was skipped: it is not effectively entitled "
                    f"for provisioning (assigned only the Default Access role)"
                )
            else:
                text = f"{plan.kind} '{plan.display}' was skipped: it is {why} in {ENTRA}"
            return self._skipped(log, plan, text, reason)
        if link.disabled:
            return self._skipped(
                log,
                plan,
                f"{plan.kind} '{plan.display}' is already disabled in {self.app_name}",
                "RedundantExport",
            )
        if "Update" not in self.job.users.actions:
            return self._skipped(
                log,
                plan,
                f"Update is not a target object action of {self.app_name}",
                "UpdateNotEnabled",
            )
        log.step(
            "processing",
            "EntrySynchronizationUpdate",
            "success",
            f"User '{plan.display}' will be disabled in {self.app_name} (User is {why} in {ENTRA})",
        )
        body = patch_request([Change(self._active_path, False, add=False)], client.compliant)
        try:
            client.patch("Users", link.target_id, body)
        except ProvisioningFailure as failure:
            if failure.quarantine:
                raise CycleAborted(failure) from None
            return self._failed(log, plan, "disable", "disable", failure)
        log.modify(self._active_path, True, False)
        description = f"User '{plan.display}' was disabled in {self.app_name}"
        return self._exported(log, plan, "disable", description, replace(link, disabled=True))

    def _match(
        self, client: ScimClient, plan: Plan, resource: str
    ) -> tuple[dict[str, Any] | None, bool]:
        """Query the target with each matching attribute in precedence order until one matches
        (ENTRA-BEHAVIOUR §8 "Create"); (found, had_a_value)."""
        mapping = self.mapping(plan.kind)
        had_value = False
        for matching in mapping.matching():
            flows, value = evaluate_mapping(
                matching, plan.attributes, on_create=True, now=self.clock.now()
            )
            if not flows:
                continue
            had_value = True
            found = client.query(
                resource, matching.target, str(value), exclude_members=resource == "Groups"
            )
            if len(found) > 1:
                raise ProvisioningFailure(
                    "DuplicateTargetEntries",
                    f"The operation couldn't be completed because more than one {plan.kind} in "
                    f'{self.app_name} was found with {matching.target} eq "{value}".',
                )
            if found:
                if resource == "Groups" and found[0].get("members"):
                    # Docs: a group query with members excluded that still returns members.
                    raise ProvisioningFailure(
                        SCIM_MULTIPLE_ENTRIES,
                        f"{self.app_name} returned the members of group '{plan.display}' although "
                        "the request excluded them (excludedAttributes=members).",
                    )
                return found[0], True
        return None, had_value

    def _export_user(self, client: ScimClient, log: ObjectLog, plan: Plan) -> Outcome:
        link = plan.link
        resource: dict[str, Any] | None = None
        action = "update"
        try:
            if link is not None:
                try:
                    resource = client.get("Users", link.target_id)
                except ProvisioningFailure as failure:
                    if failure.code != "InvalidAnchor":
                        raise
                    link = None  # the cached id is gone: match again
            if link is None:
                resource, had_value = self._match(client, plan, "Users")
                if not had_value:
                    log.step(
                        "matching",
                        "EntryImport",
                        "skipped",
                        f"User '{plan.display}' has no value for any matching attribute",
                    )
                    return self._skipped(
                        log,
                        plan,
                        f"User '{plan.display}' has no value for any matching attribute",
                        "ImportSkipped",
                    )
                if resource is not None:
                    link = TargetLink("User", plan.source_id, str(resource["id"]), plan.display)
            if resource is not None:
                log.target_id = str(resource.get("id", ""))
                log.step(
                    "matching",
                    "EntryImport",
                    "success",
                    f"Retrieved '{plan.display}' from {self.app_name}",
                    {"id": resource.get("id"), "active": resource.get("active")},
                )
            else:
                log.step(
                    "matching",
                    "EntryImportObjectNotFound",
                    "success",
                    f"No matching User was found in {self.app_name}",
                )
            manager = self._manager_mapping
            pending = bool(manager and plan.source and plan.source.manager_id)
            if resource is None:
                action = "create"
                return self._create(client, log, plan, "Users", pending)
            desired = self.planned(plan, on_create=False)
            changes = self._changes("User", desired, resource)
            assert link is not None
            link = replace(link, disabled=False)
            if manager is not None:
                link.manager_target_id = read_path(resource, manager.target)
            if not changes:
                skipped = self._skipped(
                    log,
                    plan,
                    "The state of the user in both the source and target systems already match. "
                    f"No change to the User '{plan.display}' currently needs to be made.",
                    "RedundantExport",
                    link,
                )
                skipped.manager_pending = pending
                return skipped
            if "Update" not in self.job.users.actions:
                return self._skipped(
                    log,
                    plan,
                    f"Update is not a target object action of {self.app_name}",
                    "UpdateNotEnabled",
                    link,
                )
            return self._update(client, log, plan, changes, resource, link, manager_pending=pending)
        except ProvisioningFailure as failure:
            if failure.quarantine:
                raise CycleAborted(failure) from None
            return self._failed(log, plan, action, action, failure)

    def _create(
        self, client: ScimClient, log: ObjectLog, plan: Plan, resource: str, manager_pending: bool
    ) -> Outcome:
        mapping = self.mapping(plan.kind)
        if "Create" not in mapping.actions:
            return self._skipped(
                log,
                plan,
                f"Create is not a target object action of {self.app_name}",
                "CreateNotEnabled",
            )
        desired = self.planned(plan, on_create=True)
        missing = [m.target for m in mapping.matching()[:1] if m.target not in desired]
        if missing:
            failure = ProvisioningFailure(
                "MandatoryFieldsMissing",
                f"The {plan.kind} couldn't be created because required values are missing: "
                f"{', '.join(missing)}.",
            )
            return self._failed(log, plan, "create", "create", failure)
        log.step(
            "processing",
            "EntrySynchronizationAdd",
            "success",
            f"{plan.kind} '{plan.display}' will be created in {self.app_name} ({plan.kind} is "
            f"active and assigned in {ENTRA}, but no matching {plan.kind} was found in "
            f"{self.app_name})",
        )
        body = user_resource(desired) if resource == "Users" else group_resource(desired)
        created = client.create(resource, body)
        target_id = str(created["id"])
        log.target_id = target_id
        for path, value in desired.items():
            log.modify(path, None, value)
        link = TargetLink(plan.kind, plan.source_id, target_id, plan.display)
        description = f"{plan.kind} '{plan.display}' was created in {self.app_name}"
        return self._exported(
            log, plan, "create", description, link, manager_pending=manager_pending
        )

    # --- references (second pass) -----------------------------------------------------------

    def settled_manager(self, plan: Plan) -> bool:
        """Whether resolving the manager of `plan` needs no request (most users of a cycle: the
        engine then resolves them without its pool)."""
        return not isinstance(self._manager_reference(plan), tuple)

    def _manager_reference(
        self, plan: Plan
    ) -> Outcome | tuple[AttributeMapping, TargetLink, TargetLink | None] | None:
        """The outcome when no request is needed, else what the request needs: the mapping, the
        user's link and its manager's (None: the manager is to be removed)."""
        manager = self._manager_mapping
        link = self.job.links.get(plan.source_id)
        if manager is None or plan.source is None or link is None or plan.deprovision:
            return None
        if plan.source.manager_id is None:
            if link.manager_target_id is None:
                return Outcome(plan, "other", "unchanged", link=link, reference=True)
            return manager, link, None
        manager_link = self.job.links.get(plan.source.manager_id)
        if manager_link is None:
            return Outcome(plan, "other", "pending", manager_pending=True, reference=True)
        if link.manager_target_id == manager_link.target_id:
            return Outcome(plan, "other", "unchanged", link=link, reference=True)
        return manager, link, manager_link

    def resolve_manager(
        self, client: ScimClient, plan: Plan, cycle_id: str, on_demand: bool = False
    ) -> Outcome | None:
        """Manager is written once both users exist, as a plain string id (ENTRA-BEHAVIOUR §8)."""
        reference = self._manager_reference(plan)
        if reference is None or isinstance(reference, Outcome):
            return reference
        manager, link, manager_link = reference
        if manager_link is None:
            return self._remove_manager(client, plan, link, manager, cycle_id, on_demand)
        log = self._linked_log(plan, link.target_id, cycle_id, on_demand)
        log.step(
            "referenceResolution",
            "EntryReferenceResolve",
            "success",
            f"Resolved reference attribute manager of '{plan.display}' to "
            f"'{manager_link.display}' ({manager_link.target_id}) in {self.app_name}",
            {"manager": manager_link.target_id},
        )
        change = Change(manager.target, manager_link.target_id, add=link.manager_target_id is None)
        try:
            client.patch("Users", link.target_id, patch_request([change], client.compliant))
        except Aborted:
            return None
        except ProvisioningFailure as failure:
            if failure.quarantine:
                raise CycleAborted(failure) from None
            outcome = self._failed(log, plan, "update", "update the manager of", failure)
            outcome.reference = True
            return outcome
        log.modify(manager.target, link.manager_target_id, manager_link.target_id)
        return self._exported(
            log,
            plan,
            "update",
            f"User '{plan.display}' was updated in {self.app_name}",
            replace(link, manager_target_id=manager_link.target_id),
            reference=True,
        )

    def _remove_manager(
        self,
        client: ScimClient,
        plan: Plan,
        link: TargetLink,
        manager: AttributeMapping,
        cycle_id: str,
        on_demand: bool,
    ) -> Outcome | None:
        """The manager was cleared in Entra: the target drops it (logged as manager → empty)."""
        log = self._linked_log(plan, link.target_id, cycle_id, on_demand)
        try:
            client.patch(
                "Users", link.target_id, remove_attribute_request(manager.target, client.compliant)
            )
        except Aborted:
            return None
        except ProvisioningFailure as failure:
            if failure.quarantine:
                raise CycleAborted(failure) from None
            outcome = self._failed(log, plan, "update", "remove the manager of", failure)
            outcome.reference = True
            return outcome
        log.modify(manager.target, link.manager_target_id, None)
        return self._exported(
            log,
            plan,
            "update",
            f"User '{plan.display}' was updated in {self.app_name}",
            replace(link, manager_target_id=None),
            reference=True,
        )

    # --- groups and memberships --------------------------------------------------------------

    def process_group(
        self, client: ScimClient, plan: Plan, cycle_id: str, on_demand: bool = False
    ) -> Outcome | None:
        log = self._log(plan, cycle_id, on_demand)
        try:
            if plan.source is None or (plan.deprovision and plan.link is not None):
                # (assumption) a group that leaves scope is deleted in the target: groups have no
                # "active" to clear.
                return self._delete(client, log, plan, "Groups")
            self._import_steps(log, plan)
            if plan.deprovision:
                assert plan.decision is not None
                return self._skipped(
                    log,
                    plan,
                    f"Group '{plan.display}' was skipped: it is not in scope "
                    f"({plan.decision.reason})",
                    plan.decision.reason or "NotInScope",
                )
            return self._export_group(client, log, plan)
        except Aborted:
            return None

    def _export_group(self, client: ScimClient, log: ObjectLog, plan: Plan) -> Outcome:
        link = plan.link
        resource: dict[str, Any] | None = None
        try:
            if link is not None:
                try:
                    resource = client.get("Groups", link.target_id, exclude_members=True)
                except ProvisioningFailure as failure:
                    if failure.code != "InvalidAnchor":
                        raise
                    link = None
            if link is None:
                resource, _ = self._match(client, plan, "Groups")
                if resource is not None:
                    link = TargetLink("Group", plan.source_id, str(resource["id"]), plan.display)
            if resource is None:
                return self._create(client, log, plan, "Groups", False)
            assert link is not None
            log.target_id = link.target_id
            log.step(
                "matching",
                "EntryImport",
                "success",
                f"Retrieved '{plan.display}' from {self.app_name}",
                {"id": link.target_id},
            )
            changes = self._changes("Group", self.planned(plan, on_create=False), resource)
            if not changes or "Update" not in self.job.groups.actions:
                return self._skipped(
                    log,
                    plan,
                    f"No change to the Group '{plan.display}' currently needs to be made.",
                    "RedundantExport",
                    link,
                )
            return self._update(client, log, plan, changes, resource, link)
        except ProvisioningFailure as failure:
            if failure.quarantine:
                raise CycleAborted(failure) from None
            return self._failed(
                log, plan, "create" if link is None else "update", "provision", failure
            )

    def _desired_members(
        self, group: SourceObject, users: dict[str, Plan], only: set[str] | None = None
    ) -> set[str]:
        """Direct user members that exist in the target and are in scope; a disabled or soft
        deleted member stays a member (Entra keeps the membership, the target user is inactive)."""
        wanted = set()
        for member in group.member_ids:
            if only is not None and member not in only:
                continue
            plan = users.get(member)
            link = self.job.links.get(member)
            if plan is None or link is None or link.kind != "User":
                continue
            if plan.decision is None or not plan.decision.in_scope:
                continue
            wanted.add(link.target_id)
        return wanted

    def sync_members(
        self,
        client: ScimClient,
        plan: Plan,
        users: dict[str, Plan],
        cycle_id: str,
        *,
        only: set[str] | None = None,
        on_demand: bool = False,
    ) -> Outcome | None:
        """Memberships after users and groups: Add with `$ref: null`, Remove per wire mode."""
        link = self.job.links.get(plan.source_id)
        if plan.source is None or link is None or plan.deprovision:
            return None
        if self.job.groups.mapping_for("members") is None:
            return None
        wanted = self._desired_members(plan.source, users, only)
        current = set(link.members)
        added = sorted(wanted - current)
        removed = [] if only is not None else sorted(current - wanted)
        if not added and not removed:
            return None
        log = self._linked_log(plan, link.target_id, cycle_id, on_demand)
        log.step(
            "processing",
            "EntrySynchronizationUpdate",
            "success",
            f"The members of Group '{plan.display}' will be updated in {self.app_name}",
            {"added": len(added), "removed": len(removed)},
        )
        members = set(current)
        try:
            if added:
                client.patch("Groups", link.target_id, add_members_request(added, client.compliant))
                members |= set(added)
            if removed:
                client.patch(
                    "Groups", link.target_id, remove_members_request(removed, client.compliant)
                )
                members -= set(removed)
        except Aborted:
            return None
        except ProvisioningFailure as failure:
            if failure.quarantine:
                raise CycleAborted(failure) from None
            outcome = self._failed(log, plan, "update", "update the members of", failure)
            outcome.reference = True
            outcome.link = replace(link, members=members)
            return outcome
        log.modify("members", sorted(current), sorted(members))
        return self._exported(
            log,
            plan,
            "update",
            f"The members of Group '{plan.display}' were updated in {self.app_name}",
            replace(link, members=members),
            reference=True,
        )
