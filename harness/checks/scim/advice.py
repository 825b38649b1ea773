"""What Entra does in production with a failing exchange, and the usual fix, for each SCIM check."""

# Entra's reactions are ENTRA-BEHAVIOUR §8: 401/403 and a 404 on a query quarantine the job (an
# email to the notification address, cycles slowed to daily, disabled after 4 weeks); 5xx,
# timeouts and 429 are retried; a refused object goes to escrow (retried 6 h, 12 h, 24 h after,
# then daily for 28 days); a 2xx that did not do the change is logged as success.

from __future__ import annotations

from harness.checks.scim.probe import Exchange

FIX: dict[str, str] = {
    "test-connection": "answer a filter that matches nothing with 200 and an empty ListResponse",
    "credentials": "check the bearer token on every request: 401 for a wrong or missing one",
    "oauth-client-credentials": "issue tokens by the client credentials grant "
    "(RFC 6749 §4.4) with expires_in between 3600 and 21600 seconds; accept them at /Users",
    "user-create": "return 201 (or 200) with the resource and its id; keep what Entra sends",
    "user-update": "apply Replace/Add on every mapped path, value paths such as "
    'emails[type eq "work"].value and addresses[type eq "work"].locality included; keep the '
    "work address primary",
    "manager-set": "accept the manager as a plain string id in Add/Replace",
    "manager-change": "accept the manager as a plain string id in Add/Replace",
    "manager-remove": "accept Remove of the manager path (and Replace with an empty value)",
    "null-update": "treat an empty string and null as clearing the attribute",
    "user-disable": 'read "True"/"False" as booleans; keep disabled users in GET and filter',
    "user-restore": 'read "True"/"False" as booleans; re-activate on active true',
    "user-reassign": 'read "True"/"False" as booleans; re-activate on active true',
    "user-delete": "DELETE /Users/{id}: 204, then 404",
    "pod-user": "the same requests as a cycle, at once: filter 200, POST 201 with id",
    "pod-group": "accept the group POST with the ADSCIM schema, then the members PATCH; honour "
    "excludedAttributes=members on group queries",
    "group-create": "ignore the extra urn:…ADSCIM/2.0/Group schema; 201 with id",
    "group-match": "filter displayName eq with excludedAttributes=members answers the group",
    "group-add-member": 'accept members [{"$ref": null, "value": id}]; Add adds to the members, '
    "never replaces them (RFC 7644 §3.5.2.1)",
    "group-remove-member": 'support Remove path members with a value list and members[value eq "id"]',
    "group-update": "apply Replace of displayName",
    "group-delete": "DELETE /Groups/{id}: 204, then 404",
    "group-restore": "after a DELETE, accept a new POST of the same displayName and its "
    "members PATCH",
    "schema-discovery": "describe every mapped attribute in /Schemas (RFC 7643 §7)",
    "scim-user-create": "POST /Users answers 201 (or 200) with id and the userName sent",
    "scim-user-update": "PATCH Replace of each single-valued attribute, read back by GET",
    "scim-group-create": "POST /Groups answers 201 (or 200) with id and the displayName sent",
    "scim-group-update": "PATCH Replace of displayName and externalId, read back by GET",
    "scim-update-manager": 'accept manager Add, Replace, and Replace with "" (clears it)',
    "user-pagination": "1-based startIndex echoed, at most count resources, stable order",
    "group-pagination": "1-based startIndex echoed, at most count resources, stable order",
    "duplicate-409": "a taken userName: 409 with scimType uniqueness, never a second user",
    "rfc-created-201": "answer a create with 201 Created (RFC 7644 §3.3)",
    "rfc-content-type": "send application/scim+json on every body (RFC 7644 §3.1)",
    "rfc-error-body": "errors: the Error schema, status as a string, detail, scimType (§3.12)",
    "rfc-bad-request": "a body you cannot read is a 400 SCIM error (invalidSyntax/invalidValue), "
    "never a 5xx or an HTML page",
    "rfc-filter": "userName eq is exact and case-insensitive (externalId eq too when the job "
    "matches on it); no match is 200 and empty",
    "rfc-attributes": "answer GET /Users/{id} with that id and the externalId stored (RFC 7643 "
    "§3.1); honour attributes and excludedAttributes (RFC 7644 §3.4.2.5)",
    "rfc-not-found": "404 for an unknown id on GET, PATCH and DELETE",
    "service-provider-config": "serve /ServiceProviderConfig with patch and filter supported",
    "throughput": "serve at least 25 requests/s; throttle with 429 and Retry-After only above it",
}

# What Entra does when the check's change did not happen although the target answered 2xx.
SILENT = "Entra logs success and the app keeps the wrong data (no error, no retry)"
# Checks whose failure Entra cannot notice at all.
UNNOTICED: dict[str, str] = {
    "credentials": "Entra notices nothing; anyone holding the URL reads and writes your users",
    "duplicate-409": "Entra never sees the conflict: a second user with the same userName appears",
    "throughput": "cycles take longer; 429s are retried after Retry-After, then escrowed",
    "federated-identity": "",
}


def in_production(check: str, exchange: Exchange | None) -> str:
    """Entra's reaction to the exchange that went wrong (or to a silently ignored change)."""
    if check in UNNOTICED:
        return UNNOTICED[check]
    if exchange is None or (exchange.status is not None and exchange.status < 400):
        if check.startswith("rfc-") or check == "service-provider-config":
            return "RFC 7644 conformance: other SCIM clients may fail where Entra does not"
        return SILENT
    status, path = exchange.status, exchange.path
    if status is None:
        return "timeout or connection failure: retried, then the object goes to escrow"
    if status in (401, 403):
        return "the job is quarantined (invalid credentials); the admin is emailed"
    if status == 404 and exchange.method == "GET" and "filter=" in path:
        return "a 404 on a query quarantines the job; the admin is emailed"
    if status == 429:
        return "retried after Retry-After; still refused: the object goes to escrow"
    if status >= 500:
        return "retried; still failing: the object goes to escrow (6 h, 12 h, 24 h, then daily)"
    if status >= 400:
        return (
            "the object's export fails (provisioning log: failure) and goes to escrow, retried "
            "6 h, 12 h, 24 h after, then daily for 28 days"
        )
    return SILENT


def details(check: str, exchanges: list[Exchange]) -> dict[str, str]:
    """The request that went wrong, the response, Entra's reaction and the fix. The offending
    request is the engine's last refused one (an export that failed), else the check's last
    request (a check stops at the answer it cannot accept)."""
    engine = [e for e in exchanges if e.by != "check-scim"]
    refused = [e for e in engine if (e.status or 500) >= 400]
    writes = [e for e in engine if e.method != "GET"]
    chosen = refused or writes or exchanges
    exchange = chosen[-1] if chosen else None
    shown: dict[str, str] = {}
    if exchange is not None:
        shown["request"] = f"{exchange.request_text()} (sent by {exchange.by})"
        shown["response"] = exchange.response_text()
    if not refused and writes and exchanges[-1].by == "check-scim":
        # The engine's change was accepted; what the target then answered shows it was not made.
        shown["read back"] = f"{exchanges[-1].request_text()}: {exchanges[-1].response_text()}"
    production = in_production(check, exchange)
    if production:
        shown["in production"] = production
    if check in FIX:
        shown["fix"] = FIX[check]
    return shown
