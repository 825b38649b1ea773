"""The planted flaws (and legitimate variants) of the red-team servers: each a layer in front of scim2-server."""

# Each flaw is one thing real SCIM servers get wrong that Entra's provisioning service trips
# on (ENTRA-BEHAVIOUR §8; Microsoft's "Develop and plan provisioning for a SCIM endpoint" and
# "Known issues and resolutions with SCIM 2.0 protocol compliance"). Each variant is something
# different but legitimate that check-scim must not flag.

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from tests.checks.scim_redteam.exchange import SCIM_JSON, Handler, Layer, Reply, Request, scim_error

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@dataclass(frozen=True)
class Planted:
    name: str
    what: str  # the server's behaviour
    entra: str  # what Entra's provisioning service does with it (empty for a variant)
    make: Callable[[str], Layer]  # the layer, given the endpoint's real token
    flawed: bool = True  # False: a legitimate variant that must pass
    wires: str = "both"  # the wires the flaw shows in: default, flag or both


def _operations(request: Request) -> list[dict[str, Any]]:
    document = request.json() if request.method == "PATCH" else None
    if not isinstance(document, dict):
        return []
    return [o for o in document.get("Operations") or [] if isinstance(o, dict)]


def _with_operations(request: Request, operations: list[dict[str, Any]]) -> Request:
    return request.with_json({**request.json(), "Operations": operations})


def _filter_value(request: Request, attribute: str) -> str | None:
    """The value of `attribute eq "…"` in the request's filter, if that is the filter."""
    expression = request.params.get("filter", "")
    head, _, value = expression.partition(" eq ")
    if head.strip().lower() != attribute.lower() or not value:
        return None
    return value.strip().strip('"')


def _dropping(request: Request, inner: Handler, drop: Callable[[dict[str, Any]], bool]) -> Reply:
    """PATCH without the operations `drop` picks; when none is left, the resource as it is."""
    operations = _operations(request)
    kept = [o for o in operations if not drop(o)]
    if len(kept) == len(operations):
        return inner(request)
    if not kept:
        return inner(Request("GET", request.path, "", request.headers))
    return inner(_with_operations(request, kept))


def _path(operation: dict[str, Any]) -> str:
    return str(operation.get("path") or "").lower()


def _value_keys(operation: dict[str, Any]) -> list[str]:
    value = operation.get("value")
    return [str(k).lower() for k in value] if isinstance(value, dict) else []


def _strip_keys(operation: dict[str, Any], unwanted: Callable[[str], bool]) -> dict[str, Any]:
    value = operation.get("value")
    if operation.get("path") or not isinstance(value, dict):
        return operation
    return {**operation, "value": {k: v for k, v in value.items() if not unwanted(k.lower())}}


# --- the flaws ---------------------------------------------------------------------------


def username_filter_case_sensitive(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    wanted = _filter_value(request, "userName")
    if request.method != "GET" or wanted is None or reply.status != 200:
        return reply
    listing = reply.json()
    found = [r for r in listing.get("Resources", []) if r.get("userName") == wanted]
    return reply.with_json({**listing, "Resources": found, "totalResults": len(found)})


def externalid_filter_refused(request: Request, inner: Handler) -> Reply:
    if request.method == "GET" and "externalid" in request.params.get("filter", "").lower():
        return scim_error(400, "filtering on externalId is not supported", "invalidFilter")
    return inner(request)


def capitalised_ops_refused(request: Request, inner: Handler) -> Reply:
    for operation in _operations(request):
        if operation.get("op") not in ("add", "remove", "replace"):
            return scim_error(400, f"unknown op {operation.get('op')!r}", "invalidSyntax")
    return inner(request)


def pathless_patch_refused(request: Request, inner: Handler) -> Reply:
    if any(not o.get("path") for o in _operations(request)):
        return scim_error(400, "every operation needs a path", "noTarget")
    return inner(request)


def member_filter_remove_refused(request: Request, inner: Handler) -> Reply:
    if any(_path(o).startswith("members[") for o in _operations(request)):
        return scim_error(400, "filters in member paths are not supported", "invalidPath")
    return inner(request)


def value_list_remove_refused(request: Request, inner: Handler) -> Reply:
    for operation in _operations(request):
        removal = str(operation.get("op", "")).lower() == "remove"
        if removal and _path(operation) == "members" and operation.get("value"):
            return scim_error(400, "a remove operation carries no value", "invalidValue")
    return inner(request)


def total_results_page_size(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    listing = reply.json() if request.method == "GET" and reply.status == 200 else None
    if isinstance(listing, dict) and "Resources" in listing:
        return reply.with_json({**listing, "totalResults": len(listing["Resources"])})
    return reply


def start_index_zero_based(request: Request, inner: Handler) -> Reply:
    asked = request.params.get("startIndex")
    if request.method != "GET" or not asked or not asked.isdigit():
        return inner(request)
    query = urlencode({**request.params, "startIndex": str(int(asked) + 1)})
    reply = inner(Request(request.method, request.path, query, request.headers))
    listing = reply.json() if reply.status == 200 else None
    if isinstance(listing, dict):
        return reply.with_json({**listing, "startIndex": int(asked)})
    return reply


def list_without_schemas(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    listing = reply.json() if request.method == "GET" and reply.status == 200 else None
    if isinstance(listing, dict) and LIST_SCHEMA in listing.get("schemas", []):
        return reply.with_json({k: v for k, v in listing.items() if k != "schemas"})
    return reply


def errors_text_plain(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    if reply.status >= 400:
        reply.headers["content-type"] = "text/plain; charset=utf-8"
    return reply


def unknown_id_200_empty(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    if reply.status == 404 and request.resource_id:
        return Reply(200, b"", {"content-type": SCIM_JSON})
    return reply


def get_returns_other_id(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    if request.method == "GET" and request.resource_id and reply.status == 200:
        return reply.with_json({**reply.json(), "id": f"usr_{request.resource_id}"})
    return reply


def user_delete_ignored(request: Request, inner: Handler) -> Reply:
    if request.method == "DELETE" and request.resource == "Users" and request.resource_id:
        found = inner(Request("GET", request.path, "", request.headers))
        if found.status == 200:
            return Reply(204)
    return inner(request)


def conflict_as_400(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    if reply.status == 409:
        return scim_error(400, "a user with this userName already exists", "invalidValue")
    return reply


def externalid_dropped(request: Request, inner: Handler) -> Reply:
    if request.resource == "Users" and request.method in ("POST", "PUT"):
        document = request.json()
        if isinstance(document, dict):
            request = request.with_json({k: v for k, v in document.items() if k != "externalId"})
    if request.resource == "Users" and request.method == "PATCH":
        return _dropping(request, inner, lambda o: _path(o) == "externalid")
    return inner(request)


def group_rename_ignored(request: Request, inner: Handler) -> Reply:
    if request.resource != "Groups":
        return inner(request)
    operations = [_strip_keys(o, lambda k: k == "displayname") for o in _operations(request)]
    if operations:
        request = _with_operations(request, [o for o in operations if o.get("value") != {}])
    return _dropping(request, inner, lambda o: _path(o) == "displayname")


def enterprise_extension_dropped(request: Request, inner: Handler) -> Reply:
    if request.resource != "Users":
        return inner(request)
    document = request.json() if request.method in ("POST", "PUT") else None
    if isinstance(document, dict):
        kept = {k: v for k, v in document.items() if k != ENTERPRISE}
        kept["schemas"] = [s for s in document.get("schemas", []) if s != ENTERPRISE]
        return inner(request.with_json(kept))
    enterprise = ENTERPRISE.lower()
    operations = [_strip_keys(o, lambda k: k.startswith(enterprise)) for o in _operations(request)]
    if operations:
        request = _with_operations(request, [o for o in operations if o.get("value") != {}])
    return _dropping(
        request, inner, lambda o: _path(o).startswith(enterprise) and "manager" not in _path(o)
    )


def _no_primary(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: v for k, v in e.items() if k != "primary"} for e in value]
    return value


def emails_primary_lost(request: Request, inner: Handler) -> Reply:
    document = request.json() if request.method in ("POST", "PUT") else None
    if request.resource == "Users" and isinstance(document, dict) and "emails" in document:
        return inner(request.with_json({**document, "emails": _no_primary(document["emails"])}))
    if request.resource == "Users" and _operations(request):
        operations = [
            {**o, "value": _no_primary(o.get("value"))} if _path(o) == "emails" else o
            for o in _operations(request)
        ]
        request = _with_operations(request, operations)
    return inner(request)


def unknown_attribute_500(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    document = reply.json() if reply.status == 400 and reply.body else None
    if isinstance(document, dict) and document.get("scimType") in ("invalidPath", "noTarget"):
        return scim_error(500, "NullReferenceException: attribute not found")
    return reply


def bearer_prefix_only(token: str) -> Layer:
    """Any token is let in once the header says Bearer: the scheme is checked, not the token."""

    def layer(request: Request, inner: Handler) -> Reply:
        if request.headers.get("authorization", "").startswith("Bearer "):
            request = replace(
                request, headers={**request.headers, "authorization": f"Bearer {token}"}
            )
        return inner(request)

    return layer


class _Bucket:
    """A token bucket of `rate` requests a second."""

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.at, self.lock = rate, rate, time.monotonic(), threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


def throttled_without_retry_after(token: str) -> Layer:
    bucket = _Bucket(12.0)

    def layer(request: Request, inner: Handler) -> Reply:
        if not bucket.take():
            return scim_error(429, "too many requests")  # and no Retry-After
        return inner(request)

    return layer


def slow_queries(request: Request, inner: Handler) -> Reply:
    if request.method == "GET" and "filter" in request.params:
        time.sleep(0.45)  # 8 requests in flight then get ~18 answers a second, under Entra's 25
    return inner(request)


def active_false_ignored(request: Request, inner: Handler) -> Reply:
    def disables(operation: dict[str, Any]) -> bool:
        value = operation.get("value")
        if _path(operation) == "active":
            return str(value).lower() == "false"
        return isinstance(value, dict) and str(value.get("active", "")).lower() == "false"

    return _dropping(request, inner, disables)


def member_add_replaces(request: Request, inner: Handler) -> Reply:
    operations = [
        {**o, "op": "replace"}
        if str(o.get("op", "")).lower() == "add" and _path(o) == "members"
        else o
        for o in _operations(request)
    ]
    if operations:
        request = _with_operations(request, operations)
    return inner(request)


def if_match_required(request: Request, inner: Handler) -> Reply:
    if request.method in ("PATCH", "PUT", "DELETE") and "if-match" not in request.headers:
        return scim_error(428, "If-Match is required")
    return inner(request)


def excluded_members_ignored(request: Request, inner: Handler) -> Reply:
    if request.resource == "Groups" and "excludedAttributes" in request.params:
        params = {k: v for k, v in request.params.items() if k != "excludedAttributes"}
        request = Request(request.method, request.path, urlencode(params), request.headers)
    return inner(request)


# --- legitimate variants -----------------------------------------------------------------


def clean(request: Request, inner: Handler) -> Reply:
    return inner(request)


def create_200(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    if request.method == "POST" and reply.status == 201:
        reply.status = 200
    return reply


MINIMAL = {"schemas", "id", "userName", "displayName", "meta"}


def minimal_echo(request: Request, inner: Handler) -> Reply:
    """POST answers only the id and the naming attribute; PATCH answers 204 (Entra reads only
    the id from a create and nothing from a PATCH)."""
    reply = inner(request)
    if request.method == "PATCH" and reply.status == 200:
        return Reply(204)
    if request.method == "POST" and reply.status == 201 and request.resource in ("Users", "Groups"):
        return reply.with_json({k: v for k, v in reply.json().items() if k in MINIMAL})
    return reply


def patch_204(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    return Reply(204) if request.method == "PATCH" and reply.status == 200 else reply


def etags_off(request: Request, inner: Handler) -> Reply:
    reply = inner(request)
    reply.headers.pop("etag", None)
    document = reply.json() if reply.body and reply.status < 300 else None
    if not isinstance(document, dict):
        return reply
    if request.path.startswith("/ServiceProviderConfig"):
        return reply.with_json({**document, "etag": {"supported": False}})

    def unversioned(resource: dict[str, Any]) -> dict[str, Any]:
        meta = {k: v for k, v in resource.get("meta", {}).items() if k != "version"}
        return {**resource, "meta": meta} if "meta" in resource else resource

    if "Resources" in document:
        resources = [unversioned(r) for r in document["Resources"]]
        return reply.with_json({**document, "Resources": resources})
    return reply.with_json(unversioned(document))


def manager_complex_refused(request: Request, inner: Handler) -> Reply:
    """Takes the manager only as Entra writes it, a plain string id."""
    for operation in _operations(request):
        if _path(operation).endswith(":manager") and isinstance(operation.get("value"), dict):
            return scim_error(400, "manager must be a user id", "invalidValue")
    return inner(request)


def fixed(layer: Layer) -> Callable[[str], Layer]:
    """A layer that needs nothing of the endpoint."""
    return lambda token: layer


PLANTED = (
    Planted(
        "username-filter-case-sensitive",
        'userName eq "…" matches only the exact case (RFC 7643 §4.1.1: caseExact false)',
        "a user whose UPN changed case is not matched: a second create, 409, escrow",
        fixed(username_filter_case_sensitive),
    ),
    Planted(
        "externalid-filter-refused",
        'filter=externalId eq "…" answers 400 invalidFilter',
        "nothing under Entra's default mapping, which matches on userName only (ENTRA-BEHAVIOUR"
        " §8; RingCentral filters on userName only): a job matching on externalId fails every"
        " user, which check-scim checks when the job matches on it",
        fixed(externalid_filter_refused),
        flawed=False,
    ),
    Planted(
        "capitalised-ops-refused",
        'PATCH op "Replace"/"Add"/"Remove" refused with 400 (only lower case taken)',
        "the default wire sends capitalised ops (Known issues: ops are case-insensitive):"
        " every update escrowed",
        fixed(capitalised_ops_refused),
        wires="default",
    ),
    Planted(
        "pathless-patch-refused",
        "PATCH replace without a path (a value object) refused with 400 noTarget",
        "with aadOptscim062020 several attributes go in one path-less replace: updates escrowed",
        fixed(pathless_patch_refused),
        wires="flag",
    ),
    Planted(
        "member-filter-remove-refused",
        'PATCH remove path members[value eq "…"] refused with 400',
        "with aadOptscim062020 member removal is only this form: members never leave",
        fixed(member_filter_remove_refused),
        wires="flag",
    ),
    Planted(
        "value-list-remove-refused",
        'PATCH Remove path "members" with a value list refused (scim2-server as shipped)',
        "the default wire removes members this way: members never leave",
        fixed(value_list_remove_refused),
        wires="default",
    ),
    Planted(
        "total-results-page-size",
        "totalResults is the page's size, not the number of matches",
        "pagination stops after the first page (SCIM_User_Pagination_Test)",
        fixed(total_results_page_size),
    ),
    Planted(
        "start-index-zero-based",
        "startIndex read as 0-based: page 1 skips the first resource",
        "one resource per page is never seen",
        fixed(start_index_zero_based),
    ),
    Planted(
        "list-without-schemas",
        "ListResponse without its schemas (RFC 7644 §3.4.2)",
        "RFC 7644 non-compliance the validator reports",
        fixed(list_without_schemas),
    ),
    Planted(
        "errors-text-plain",
        "error responses as text/plain (the body is SCIM JSON)",
        "every response must be application/scim+json (ENTRA-BEHAVIOUR §8)",
        fixed(errors_text_plain),
    ),
    Planted(
        "unknown-id-200-empty",
        "an unknown id answers 200 with an empty body instead of 404",
        "a deleted object looks present; deletes are never confirmed",
        fixed(unknown_id_200_empty),
    ),
    Planted(
        "get-returns-other-id",
        "GET /Users/{id} answers a resource whose id differs from the one asked for",
        "the id Entra cached is not the resource's: later updates go nowhere",
        fixed(get_returns_other_id),
    ),
    Planted(
        "user-delete-ignored",
        "DELETE /Users/{id} answers 204 and deletes nothing",
        "a hard-deleted user stays at the vendor, able to sign in",
        fixed(user_delete_ignored),
    ),
    Planted(
        "conflict-as-400",
        "a taken userName answers 400 invalidValue instead of 409 uniqueness",
        "Entra cannot tell a conflict from a bad request: escrow instead of EntryConflict",
        fixed(conflict_as_400),
    ),
    Planted(
        "externalid-dropped",
        "externalId dropped on create and update",
        "mailNickname never reaches the vendor (silent, wrong data)",
        fixed(externalid_dropped),
    ),
    Planted(
        "group-rename-ignored",
        "PATCH of a group's displayName answers success and changes nothing",
        "renamed groups keep their old name (silent)",
        fixed(group_rename_ignored),
    ),
    Planted(
        "enterprise-extension-dropped",
        "the enterprise extension (department, employeeNumber) dropped on create and update",
        "silent wrong data for every enterprise attribute",
        fixed(enterprise_extension_dropped),
    ),
    Planted(
        "emails-primary-lost",
        "emails lose primary: true",
        "the work address Entra marks primary is not primary at the vendor (silent)",
        fixed(emails_primary_lost),
    ),
    Planted(
        "unknown-attribute-500",
        "a PATCH or POST naming an unknown attribute answers 500 instead of 400",
        "a 5xx is retried, then escrowed, instead of failing once with a clear reason",
        fixed(unknown_attribute_500),
    ),
    Planted(
        "bearer-prefix-only",
        "any token is let in once the header says Bearer",
        "anyone can provision users (credentials are not checked)",
        bearer_prefix_only,
    ),
    Planted(
        "throttled-without-retry-after",
        "429 above 12 requests/s, without Retry-After",
        "Entra sends 25/s: requests retried and delayed; no Retry-After to pace them",
        throttled_without_retry_after,
        wires="default",
    ),
    Planted(
        "slow-queries",
        "every filtered GET takes 450 ms",
        "at 8 in flight under 25 requests/s: cycles overrun, Test Connection near its timeout",
        fixed(slow_queries),
        wires="default",
    ),
    Planted(
        "active-false-ignored",
        "PATCH active false (string or boolean) answers success and changes nothing",
        "unassigned or disabled users stay active at the vendor",
        fixed(active_false_ignored),
    ),
    Planted(
        "member-add-replaces",
        "PATCH add members replaces the member list",
        "each membership added removes the ones added before",
        fixed(member_add_replaces),
    ),
    Planted(
        "if-match-required",
        "PATCH and DELETE without If-Match answer 428",
        "Entra never sends If-Match: every update and delete fails",
        fixed(if_match_required),
    ),
    Planted(
        "excluded-members-ignored",
        "excludedAttributes=members ignored on group queries",
        "Microsoft's SCIM doc requires it: large groups answered whole on every match query",
        fixed(excluded_members_ignored),
    ),
    Planted("clean", "scim2-server readied for Entra", "", fixed(clean), flawed=False),
    Planted(
        "create-200", "creates answer 200 (Entra accepts 200 or 201)", "", fixed(create_200), False
    ),
    Planted(
        "minimal-echo",
        "POST answers only id, schemas, userName/displayName, meta; PATCH answers 204",
        "",
        fixed(minimal_echo),
        False,
    ),
    Planted("patch-204", "every PATCH answers 204 No Content", "", fixed(patch_204), False),
    Planted(
        "etags-off", "no ETags, no meta.version, etag unsupported", "", fixed(etags_off), False
    ),
    Planted(
        "manager-complex-refused",
        'the manager only as a plain string id ({"value": id} refused): all Entra sends',
        "",
        fixed(manager_complex_refused),
        False,
    ),
)
BY_NAME = {planted.name: planted for planted in PLANTED}
