"""The tenant's state as entities: (section, id) -> Graph-shaped JSON, in the tenant's order.

One walk serves both the snapshot file (sections as lists) and the SQLite store (one row per
entity, written when its JSON changed). Sign-in sessions, the SAML log, one-shot Response
overrides and the provisioning request trace are the running process's, not the tenant's."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .apps_json import app_data, app_from_data, certificate_data, certificate_from_data
from .directory_json import group_data, group_from_data, user_data, user_from_data
from .provisioning_json import (
    job_data,
    job_from_data,
    mail_data,
    mail_from_data,
    settings_from_data,
)

if TYPE_CHECKING:
    from ..directory import Group, User
    from ..provisioning.state import Mail, ProvisioningState
    from ..tenant import Tenant

# In loading order: users before the groups naming them, apps before the jobs of their service
# principals.
SECTIONS = (
    "tenant",
    "users",
    "groups",
    "applications",
    "claimsMappingPolicies",
    "provisioningSettings",
    "provisioningJobs",
    "provisioningLogs",
    "provisioningAudits",
    "notificationMails",
)
Sections = dict[str, list[dict[str, Any]]]


Render = Callable[[Any, bool], dict[str, Any]]


class Entity(NamedTuple):
    """One entity: where it goes, what tells it unchanged without rendering it (its first item
    compared by identity, the others by value; None: always rendered), and how to render it
    (`render(subject, include_keys)`). A tuple of module functions, no closure: a save after
    each request walks every entity."""

    section: str
    id: str
    token: tuple[Any, ...] | None
    render: Render
    subject: Any


def _position(index: int) -> str:
    return f"{index:09d}"


def _user(user: User, include_keys: bool) -> dict[str, Any]:
    return user_data(user)


def _group(group: Group, include_keys: bool) -> dict[str, Any]:
    return group_data(group)


def _copy(entry: dict[str, Any], include_keys: bool) -> dict[str, Any]:
    return copy.deepcopy(entry)


def _as_is(entry: dict[str, Any], include_keys: bool) -> dict[str, Any]:
    return entry


def _mail(mail: Mail, include_keys: bool) -> dict[str, Any]:
    return mail_data(mail)


def _default_settings(state: ProvisioningState, include_keys: bool) -> dict[str, Any]:
    return {"id": "default", **state.default_settings.as_json()}


def _tenant_settings(tenant: Tenant, include_keys: bool) -> dict[str, Any]:
    signing = tenant._tenant_certificate
    return {
        "id": "settings",
        "tenantId": tenant.tenant_id,
        "postedErrors": sorted(tenant.settings.posted_errors),
        "federationSigningCertificate": None
        if signing is None
        else certificate_data(signing, include_keys),
    }


def walk(tenant: Tenant, visit: Callable[[Entity], None]) -> None:
    """Visit every entity, each under the lock that guards it (the tenant's, then the
    provisioning state's: never both at once, as the service takes them one at a time)."""
    with tenant.lock:
        for entity in _tenant_entities(tenant):
            visit(entity)
    with tenant.provisioning.lock:
        for entity in _provisioning_entities(tenant.provisioning):
            visit(entity)


def _tenant_entities(tenant: Tenant) -> Iterator[Entity]:
    yield Entity("tenant", "settings", None, _tenant_settings, tenant)
    for user in list(tenant.directory.users.values()):
        # A user's version changes with each assignment to a property (directory.User); its
        # roles list is changed in place, so it is part of the token.
        token = (user, user.version, tuple(user.directory_roles))
        yield Entity("users", user.id, token, _user, user)
    for group in list(tenant.directory.groups.values()):
        yield Entity("groups", group.id, None, _group, group)
    for app in list(tenant.apps.values()):
        yield Entity("applications", app.object_id, None, app_data, app)
    for policy_id, policy in list(tenant.claims_mapping_policies.items()):
        yield Entity("claimsMappingPolicies", policy_id, None, _copy, policy)


def _provisioning_entities(state: ProvisioningState) -> Iterator[Entity]:
    yield Entity("provisioningSettings", "default", None, _default_settings, state)
    for job in list(state.jobs.values()):
        yield Entity("provisioningJobs", job.id, None, job_data, job)
    # Log entries, audits and mails are appended and never changed: each is known by identity.
    for section, entries in (
        ("provisioningLogs", state.logs),
        ("provisioningAudits", state.audits),
    ):
        for index, entry in enumerate(list(entries)):
            yield Entity(section, _position(index), (entry,), _as_is, entry)
    for index, mail in enumerate(list(state.outbox)):
        yield Entity("notificationMails", _position(index), (mail,), _mail, mail)


def sections(tenant: Tenant, include_keys: bool) -> Sections:
    """Every entity rendered, by section, in the tenant's order (the snapshot's body)."""
    found: Sections = {section: [] for section in SECTIONS}
    walk(tenant, lambda e: found[e.section].append(e.render(e.subject, include_keys)))
    return found


def _same(token: tuple[Any, ...] | None, known: tuple[Any, ...] | None) -> bool:
    return (
        token is not None and known is not None and token[0] is known[0] and token[1:] == known[1:]
    )


class RenderedCache:
    """Per entity, the token and JSON text last rendered: a user unchanged since the last
    write is not rendered again (what keeps a write after each request cheap)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[tuple[Any, ...] | None, str]] = {}

    def texts(self, tenant: Tenant) -> dict[tuple[str, str], str]:
        """(section, id) -> compact JSON of every entity, private keys included (the state
        directory is the tenant's own, as its memory is)."""
        texts: dict[tuple[str, str], str] = {}
        known = self._known

        def visit(entity: Entity) -> None:
            key = (entity.section, entity.id)
            cached = known.get(key)
            if cached is not None and _same(entity.token, cached[0]):
                texts[key] = cached[1]
                return
            data = entity.render(entity.subject, True)
            text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
            known[key] = (entity.token, text)
            texts[key] = text

        walk(tenant, visit)
        for gone in known.keys() - texts.keys():
            del known[gone]
        return texts


def load_sections(tenant: Tenant, found: Sections) -> None:
    """Replace the tenant's state by `found` (a reset, then each section in order). A job's
    cycle that was running is not resumed mid-way; the job runs again when due."""
    with tenant.lock:
        tenant.reset()
        for settings in found.get("tenant", []):
            tenant.tenant_id = settings["tenantId"]
            tenant.settings.posted_errors = set(settings.get("postedErrors", []))
            signing = settings.get("federationSigningCertificate")
            tenant._tenant_certificate = (
                None if signing is None else certificate_from_data(signing, tenant.keys.take)
            )
        users = tenant.directory.users
        for data in found.get("users", []):
            user = user_from_data(data)
            users[user.id] = user
        for data in found.get("groups", []):
            group = group_from_data(data)
            tenant.directory.groups[group.id] = group
        for data in found.get("applications", []):
            app = app_from_data(data, tenant.keys.take)
            tenant.apps[app.object_id] = app
        for data in found.get("claimsMappingPolicies", []):
            tenant.claims_mapping_policies[data["id"]] = copy.deepcopy(data)
    state = tenant.provisioning
    with state.lock:
        for data in found.get("provisioningSettings", []):
            state.default_settings = settings_from_data(
                {k: v for k, v in data.items() if k != "id"}
            )
        for data in found.get("provisioningJobs", []):
            job = job_from_data(data)
            state.jobs[job.id] = job
        # Copies: a fixture hands the same parsed snapshot to every test.
        state.logs.extend(copy.deepcopy(found.get("provisioningLogs", [])))
        state.audits.extend(copy.deepcopy(found.get("provisioningAudits", [])))
        state.outbox.extend(mail_from_data(m) for m in found.get("notificationMails", []))
