"""check-scim's direct checks: discovery, pagination, uniqueness (gallery) and RFC 7644 conformance."""

# Sent straight to the endpoint as Microsoft's validation sends its "SCIM direct compliance" tests
# (discoverability, pagination) and as RFC 7644 describes responses: media type (§3.1), errors
# with scimType (§3.12), filters (§3.4.2.2), paging (§3.4.2.4), attributes (§3.4.2.5), 404 (§3.12).

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.checks.scim.direct_tests import DirectTests, schema_list
from harness.checks.scim.discovery import attribute_key, discoverable
from harness.checks.scim.oauth import OAuthClient
from harness.checks.scim.probe import (
    ERROR,
    GROUP,
    LIST_RESPONSE,
    SPC,
    USER,
    CheckFailed,
    ScimProbe,
    Tracker,
    group_body,
    user_body,
)
from harness.checks.scim.recorder import Recorder, expect
from harness.checks.scim.robustness import bad_requests, throughput

GALLERY, RFC = "gallery", "rfc7644"
# SCIM_User/Group_Pagination_Test: at least 11 resources, pages of 5 (startIndex = page * 5 + 1).
PAGE = 5
AT_LEAST = 11
MOST_PAGES = 40


@dataclass
class ConformanceOptions:
    run_id: str
    domain: str
    groups: bool
    create_groups: bool  # False: the target's groups are made outside SCIM
    # Target attribute paths of the job's mappings (Schema_Discoverability_Test checks each).
    mapped_user_attributes: list[str] = field(default_factory=list)
    mapped_group_attributes: list[str] = field(default_factory=list)
    # The attributes the job matches users on: Entra filters on each before a create.
    matching_user_attributes: list[str] = field(default_factory=list)
    manager_mapped: bool = True
    throughput_seconds: float = 2.0
    oauth: OAuthClient | None = None


class Conformance:
    def __init__(self, probe: ScimProbe, recorder: Recorder, options: ConformanceOptions) -> None:
        self.probe = probe
        self.r = recorder
        self.o = options
        self.run_id = options.run_id
        self.domain = options.domain
        self.groups = options.groups
        self.create_groups = options.create_groups
        self.tracker = Tracker(probe)
        self._schemas: list[dict[str, Any]] | None = None
        self.direct = DirectTests(probe, self.tracker, self.run_id, self.domain, self.schemas)

    def user_name(self, name: str) -> str:
        return f"eh{self.run_id}-{name}@{self.domain}"

    def schemas(self) -> list[dict[str, Any]] | None:
        if self._schemas is None:
            self._schemas = schema_list(self.probe)
        return self._schemas

    def run(self) -> None:
        r, d = self.r, self.direct
        r.run(
            "service-provider-config",
            RFC,
            "GET /ServiceProviderConfig: 200, patch and filter supported",
            self.service_provider_config,
        )
        r.run(
            "schema-discovery",
            GALLERY,
            "GET /Schemas describes every mapped attribute; /ResourceTypes lists the types",
            self.schema_discovery,
        )
        r.run(
            "scim-user-create",
            GALLERY,
            "POST /Users: 200 or 201, an id, the userName sent",
            d.user_create,
        )
        made = ["scim-user-create"]
        r.run(
            "rfc-created-201", RFC, "POST /Users answers 201 (RFC 7644 §3.3)", d.created_201, made
        )
        r.run(
            "scim-user-update",
            GALLERY,
            "PATCH of every single-valued attribute, each read back",
            d.user_update,
            made,
        )
        r.run(
            "scim-update-manager",
            GALLERY,
            "manager Add, Replace, Replace with empty: each read back",
            d.update_manager,
            made,
        )
        r.run(
            "scim-group-create",
            GALLERY,
            "POST /Groups: 200 or 201, an id, the displayName sent",
            d.group_create,
        )
        r.run(
            "scim-group-update",
            GALLERY,
            "PATCH of displayName and externalId, read back",
            d.group_update,
            ["scim-group-create"],
        )
        r.run(
            "user-pagination",
            GALLERY,
            f"pages of count={PAGE} by startIndex over at least {AT_LEAST}: no repeats, all found",
            lambda: self.pagination("/Users"),
        )
        r.run(
            "group-pagination",
            GALLERY,
            f"pages of count={PAGE} by startIndex over at least {AT_LEAST}: no repeats, all found",
            lambda: self.pagination("/Groups"),
        )
        r.run(
            "duplicate-409",
            GALLERY,
            "a second POST of a userName: 409 scimType uniqueness",
            self.duplicate,
            made,
        )
        r.run(
            "rfc-content-type",
            RFC,
            "every body is application/scim+json",
            self.content_type,
            made,
        )
        r.run(
            "rfc-error-body",
            RFC,
            "errors carry the Error schema, status as a string, scimType",
            self.error_body,
        )
        r.run(
            "rfc-bad-request",
            RFC,
            "malformed JSON, a wrong type, an unknown attribute: 400 SCIM error, never 5xx/HTML",
            lambda: bad_requests(self.probe, self.tracker, self.run_id, self.domain),
        )
        r.run(
            "rfc-filter",
            RFC,
            "eq filters: userName exact and case-insensitive (externalId when matched on), none found is 200",
            self.filters,
            made,
        )
        r.run(
            "rfc-attributes",
            RFC,
            "GET by id answers that id (and the externalId sent); attributes and excludedAttributes shape the resource",
            self.attributes,
            made,
        )
        r.run("rfc-not-found", RFC, "404 for an unknown id (GET, PATCH, DELETE)", self.not_found)
        r.run(
            "throughput",
            GALLERY,
            f"at least 25 requests/s for {self.o.throughput_seconds:g} s (Test Connection's filter)",
            lambda: throughput(self.probe, self.o.throughput_seconds),
        )
        r.run(
            "oauth-client-credentials",
            GALLERY,
            "a token by client credentials, lifetime 60-360 min, accepted at /Users",
            self.oauth_client_credentials,
        )
        r.run(
            "federated-identity",
            GALLERY,
            "workload identity federation",
            lambda: "not applicable",
        )
        self.tracker.clean_up()

    # --- set-up ------------------------------------------------------------------------------

    def probe_user(self) -> dict[str, Any]:
        """The user scim-user-create made (the checks that use it need that check)."""
        assert self.direct.user is not None
        return self.direct.user

    # --- discovery ---------------------------------------------------------------------------

    def service_provider_config(self) -> str:
        config = self.probe.get("/ServiceProviderConfig")
        expect(SPC in (config.get("schemas") or []), f"schemas is {config.get('schemas')}")
        patch = (config.get("patch") or {}).get("supported")
        filtering = (config.get("filter") or {}).get("supported")
        expect(patch is True, f"patch.supported is {patch!r}: Entra updates by PATCH")
        expect(filtering is True, f"filter.supported is {filtering!r}: Entra matches by filter")
        return f"patch and filter supported, maxResults {(config.get('filter') or {}).get('maxResults')}"

    def schema_discovery(self) -> str:
        """Schema_Discoverability_Test: /Schemas flattened into attribute paths (`name.givenName`,
        `emails[type eq "work"].value`, `urn:…:User:department`); every mapped target attribute
        must be among them, compared case-insensitively."""
        wanted = [USER] + ([GROUP] if self.groups else [])
        schemas = self.schemas()
        if schemas is None:
            self.probe.get("/Schemas")  # fails with what it answered
            raise CheckFailed("GET /Schemas has no Resources list")
        ids = {str(s.get("id")) for s in schemas}
        missing = [w for w in wanted if w not in ids]
        expect(not missing, f"/Schemas lacks {missing}")
        known = discoverable(schemas)
        mapped = self.o.mapped_user_attributes + (
            [f"{GROUP}:{a}" for a in self.o.mapped_group_attributes] if self.groups else []
        )
        lacking = [a for a in mapped if attribute_key(a) not in known]
        expect(not lacking, f"/Schemas does not describe the mapped {lacking}")
        types = self.probe.get("/ResourceTypes")
        names = {str(t.get("name")) for t in types.get("Resources") or []}
        wanted_types = ["User"] + (["Group"] if self.groups else [])
        expect(set(wanted_types) <= names, f"/ResourceTypes lists {sorted(names)}")
        return f"{len(ids)} schemas describe all {len(mapped)} mapped attributes"

    # --- pagination --------------------------------------------------------------------------

    def pagination(self, endpoint: str) -> str:
        """SCIM_User/Group_Pagination_Test: at least AT_LEAST resources (throwaway ones made if
        fewer exist), then every page by startIndex/count: each echoes its startIndex, holds at
        most `count`, repeats nothing; all pages together hold totalResults; past the end is 200
        with no resources (RFC 7644 §3.4.2.4)."""
        is_users = endpoint == "/Users"
        total = self._total(endpoint)
        made = max(AT_LEAST - total, 0) if is_users or self.create_groups else 0
        for index in range(made):
            if is_users:
                user_name = self.user_name(f"page{index}")
                self.tracker.create(
                    endpoint,
                    user_body(user_name),
                    user_name,
                    ("userName", user_name),
                    need_id=False,
                )
            elif self.create_groups:
                name = f"eh{self.run_id} page{index}"
                self.tracker.create(
                    endpoint, group_body(name), name, ("displayName", name), need_id=False
                )
        total = self._total(endpoint)
        expect(
            total >= 2 or not made,
            f"totalResults {total} at {endpoint} after {made} were created: totalResults must "
            "count every match, not the page (RFC 7644 §3.4.2)",
        )
        expect(total >= 2, f"only {total} resources at {endpoint}: one page cannot show paging")
        count = PAGE if total > PAGE else 1
        seen: list[str] = []
        start, pages = 1, 0
        while start <= total and pages < MOST_PAGES:
            page = self.probe.get(endpoint, startIndex=str(start), count=str(count))
            resources = page.get("Resources") or []
            echoed = page.get("startIndex")
            expect(echoed == start, f"startIndex={start} answered startIndex {echoed!r}")
            expect(
                0 < len(resources) <= count,
                f"startIndex={start}&count={count} gave {len(resources)} resources of {total}",
            )
            ids = [str(x.get("id")) for x in resources]
            repeated = set(ids) & set(seen)
            expect(
                not repeated, f"startIndex={start} repeats {sorted(repeated)} from earlier pages"
            )
            seen += ids
            start += count
            pages += 1
        if pages < MOST_PAGES:
            expect(len(seen) == total, f"{len(seen)} resources on all pages, totalResults {total}")
        past = self.probe.get(endpoint, startIndex=str(total + 1), count=str(count))
        expect(
            not past.get("Resources"), f"startIndex={total + 1} (past the end) returned resources"
        )
        return f"{pages} pages of {count} over {total} resources"

    def _total(self, endpoint: str) -> int:
        body = self.probe.get(endpoint, startIndex="1", count="1")
        total = body.get("totalResults")
        if not isinstance(total, int):
            raise CheckFailed(f"GET {endpoint}: totalResults is {total!r}")
        expect(
            LIST_RESPONSE in (body.get("schemas") or []), f"GET {endpoint} is not a ListResponse"
        )
        return total

    # --- uniqueness --------------------------------------------------------------------------

    def duplicate(self) -> str:
        user = self.probe_user()
        user_name = str(user["userName"])
        answer = self.probe.send("POST", "/Users", user_body(user_name))
        body = answer.body if isinstance(answer.body, dict) else {}
        returned = str(body.get("id") or "")
        if answer.status in (200, 201) and returned == str(user["id"]):
            # The existing user handed back: nothing new to delete (deleting it would remove
            # the user the later checks read).
            raise CheckFailed(
                f"the second POST of {user_name} answered {answer.status} with the existing "
                f"user ({returned}) instead of 409"
            )
        if answer.status in (200, 201) and returned:
            # A second user: ours, removed at once so the filter checks see one user.
            self.probe.delete("/Users", returned)
        elif answer.status in (200, 201):
            self.tracker.forget_by_name("/Users", "userName", user_name)
        expect(answer.status == 409, f"the second POST of {user_name} answered {answer.describe()}")
        scim_type = body.get("scimType")
        expect(scim_type == "uniqueness", f"409 with scimType {scim_type!r}, not 'uniqueness'")
        return "409 uniqueness"

    def oauth_client_credentials(self) -> str:
        """Validate_Credentials_Test: the token endpoint answers the client credentials grant
        with a token valid 60 to 360 minutes, and /Users accepts it."""
        oauth = self.o.oauth
        assert oauth is not None  # skipped without --token-url
        token = oauth.fetch(self.probe)
        minutes = token.lifetime / 60
        expect(
            60 <= minutes <= 360,
            f"the token endpoint gave a token valid {minutes:g} minutes (expires_in "
            f"{token.lifetime:g}); Microsoft's validation wants 60 to 360",
        )
        answer = self.probe.send("GET", "/Users", params={"count": "1"}, token=token.value)
        expect(
            200 <= answer.status < 300, f"GET /Users with the token answered {answer.describe()}"
        )
        return f"token valid {minutes:g} minutes, accepted at /Users"

    # --- RFC 7644 ----------------------------------------------------------------------------

    def content_type(self) -> str:
        user = self.probe_user()
        wrong = []

        def created(user_name: str) -> Any:
            answer = self.probe.send("POST", "/Users", user_body(user_name))
            returned = answer.body.get("id") if isinstance(answer.body, dict) else None
            if answer.status in (200, 201) and returned and returned != user["id"]:
                self.probe.delete("/Users", str(returned))  # ours; gone before the filter checks
            elif answer.status in (200, 201) and not returned:
                self.tracker.forget_by_name("/Users", "userName", user_name)
            return answer

        requests: list[tuple[str, Callable[[], Any]]] = [
            ("POST /Users", lambda: created(self.user_name("ctype"))),
            (
                "GET /Users?filter",
                lambda: self.probe.send(
                    "GET", "/Users", params={"filter": f'userName eq "{user["userName"]}"'}
                ),
            ),
            ("GET /Users/{id}", lambda: self.probe.send("GET", f"/Users/{user['id']}")),
            ("GET /Users/{unknown}", lambda: self.probe.send("GET", f"/Users/{uuid.uuid4()}")),
            ("POST /Users (taken)", lambda: created(str(user["userName"]))),
        ]
        for label, send in requests:
            answer = send()
            if answer.text and not answer.scim_json:
                wrong.append(f"{label}: {answer.content_type or 'none'}")
        expect(not wrong, "; ".join(wrong))
        return f"{len(requests)} responses application/scim+json"

    def error_body(self) -> str:
        """RFC 7644 §3.12: the Error schema, `status` as a JSON string equal to the HTTP status,
        a `detail`, and `scimType` where the RFC defines one (invalidFilter here)."""
        seen = []
        for label, answer, scim_type in (
            ("GET /Users/{unknown}", self.probe.send("GET", f"/Users/{uuid.uuid4()}"), None),
            (
                "a malformed filter",
                self.probe.send("GET", "/Users", params={"filter": "userName eq"}),
                "invalidFilter",
            ),
        ):
            body = answer.body if isinstance(answer.body, dict) else {}
            expect(answer.status >= 400, f"{label} answered {answer.status}")
            expect(
                ERROR in (body.get("schemas") or []), f"{label}: schemas {body.get('schemas')!r}"
            )
            expect(
                body.get("status") == str(answer.status),
                f"{label}: status {body.get('status')!r} in an HTTP {answer.status} body",
            )
            expect(bool(body.get("detail")), f"{label}: no detail")
            if scim_type:
                expect(answer.status == 400, f"{label} answered {answer.describe()}, not 400")
                expect(
                    body.get("scimType") == scim_type,
                    f"{label}: scimType {body.get('scimType')!r}, not {scim_type!r}",
                )
            seen.append(f"{label} {answer.status}")
        return "SCIM error bodies: " + ", ".join(seen)

    def filters(self) -> str:
        user = self.probe_user()
        name = str(user["userName"])
        exact = self.probe.query("/Users", f'userName eq "{name}"')
        expect([u.get("id") for u in exact] == [user["id"]], f"userName eq found {len(exact)}")
        upper = self.probe.query("/Users", f'userName eq "{name.upper()}"')
        expect(
            [u.get("id") for u in upper] == [user["id"]],
            f"userName eq in upper case found {len(upper)} (userName is caseExact false, RFC 7643 §4.1.1)",
        )
        matching = [a.lower() for a in self.o.matching_user_attributes]
        if "externalid" in matching:
            self._external_id_filter(user)
        nobody = self.probe.send(
            "GET", "/Users", params={"filter": f'userName eq "{uuid.uuid4()}"'}
        )
        expect(
            nobody.status == 200,
            f"a filter matching nothing answered {nobody.describe()}, not 200 (Entra quarantines a 404 on a query)",
        )
        body = nobody.body if isinstance(nobody.body, dict) else {}
        expect(
            body.get("totalResults") == 0 and not body.get("Resources"),
            f"a filter matching nothing returned {body.get('totalResults')!r} results",
        )
        return "exact, case-insensitive and empty results as expected" + (
            "; externalId eq finds the user" if "externalid" in matching else ""
        )

    def _external_id_filter(self, user: dict[str, Any]) -> None:
        """A job that matches on externalId filters on it before every create (ENTRA-BEHAVIOUR
        §8; Microsoft, "Develop and plan provisioning for a SCIM endpoint": users are queried
        by userName and externalId). Only then: Entra's default mapping matches on userName
        alone, and vendors that filter on userName only (RingCentral) work with it."""
        external_id = str(user_body(str(user["userName"]))["externalId"])
        by_external = self.probe.send(
            "GET", "/Users", params={"filter": f'externalId eq "{external_id}"'}
        )
        listed = by_external.body.get("Resources") if isinstance(by_external.body, dict) else None
        expect(
            by_external.status == 200,
            f'externalId eq "{external_id}" answered {by_external.describe()}, not 200',
        )
        expect(
            [u.get("id") for u in listed or []] == [user["id"]],
            f'externalId eq "{external_id}" (sent on create) found {len(listed or [])}',
        )

    def attributes(self) -> str:
        user = self.probe_user()
        # RFC 7643 §3.1: id is the service provider's stable identifier; Entra keeps the id a
        # create returned and addresses the user by it from then on.
        whole = self.probe.get(f"/Users/{user['id']}")
        expect(
            str(whole.get("id")) == str(user["id"]),
            f"GET /Users/{user['id']} answered a resource with id {whole.get('id')!r}",
        )
        if "externalid" in [a.lower() for a in self.o.mapped_user_attributes]:
            # The job writes externalId (the default mapping: mailNickname); a target that drops
            # it keeps wrong data silently. The probe user was created with one.
            sent = user_body(str(user["userName"]))["externalId"]
            expect(
                whole.get("externalId") == sent,
                f"externalId read back {whole.get('externalId')!r}, sent {sent!r} on create",
            )
        only = self.probe.get(f"/Users/{user['id']}", attributes="userName")
        expect(
            "userName" in only and "id" in only,
            f"attributes=userName dropped userName or id: {sorted(only)}",
        )
        extra = [k for k in ("emails", "name", "displayName") if k in only]
        expect(not extra, f"attributes=userName still returned {extra}")
        without = self.probe.get(f"/Users/{user['id']}", excludedAttributes="emails")
        expect("emails" not in without, "excludedAttributes=emails still returned emails")
        expect("userName" in without, "excludedAttributes=emails dropped userName")
        listed = self.probe.query(
            "/Users", f'userName eq "{user["userName"]}"', attributes="userName"
        )
        expect(
            bool(listed) and "name" not in listed[0], "a filtered list ignored attributes=userName"
        )
        return "attributes and excludedAttributes honoured on GET and list"

    def not_found(self) -> str:
        missing = str(uuid.uuid4())
        seen = []
        for method, body in (
            ("GET", None),
            (
                "PATCH",
                {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "replace", "path": "displayName", "value": "x"}],
                },
            ),
            ("DELETE", None),
        ):
            answer = self.probe.send(method, f"/Users/{missing}", body)
            expect(
                answer.status == 404, f"{method} /Users/{{unknown}} answered {answer.describe()}"
            )
            seen.append(method)
        if self.groups:
            answer = self.probe.send("GET", f"/Groups/{missing}")
            expect(answer.status == 404, f"GET /Groups/{{unknown}} answered {answer.describe()}")
            seen.append("GET /Groups")
        return "404 for " + ", ".join(seen)
