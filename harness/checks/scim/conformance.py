"""check-scim's direct checks: discovery, pagination, uniqueness (gallery) and RFC 7644 conformance."""

# Sent straight to the endpoint as Microsoft's validation sends its "SCIM direct compliance" tests
# (discoverability, pagination) and as RFC 7644 describes responses: media type (§3.1), errors
# with scimType (§3.12), filters (§3.4.2.2), paging (§3.4.2.4), attributes (§3.4.2.5), 404 (§3.12).

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from harness.checks.scim.probe import (
    ERROR,
    GROUP,
    LIST_RESPONSE,
    SPC,
    USER,
    CheckFailed,
    ScimProbe,
    group_body,
)
from harness.checks.scim.recorder import Recorder, expect

GALLERY, RFC = "gallery", "rfc7644"
PAGE = 2  # small pages, so a few objects make several pages
MOST_PAGES = 20


class Conformance:
    def __init__(
        self,
        probe: ScimProbe,
        recorder: Recorder,
        run_id: str,
        domain: str,
        groups: bool,
        create_groups: bool,
    ) -> None:
        self.probe = probe
        self.r = recorder
        self.run_id = run_id
        self.domain = domain
        self.groups = groups
        self.create_groups = create_groups
        self._user: dict[str, Any] | None = None
        self.made: list[tuple[str, str]] = []  # (endpoint, id) to delete at the end

    def user_name(self, name: str) -> str:
        return f"eh{self.run_id}-{name}@{self.domain}"

    def run(self) -> None:
        r = self.r
        r.run(
            "service-provider-config",
            RFC,
            "GET /ServiceProviderConfig: 200, patch and filter supported",
            self.service_provider_config,
        )
        r.run(
            "schema-discovery",
            GALLERY,
            "GET /Schemas and /ResourceTypes list the resource types",
            self.schema_discovery,
        )
        r.run(
            "user-pagination",
            GALLERY,
            "pages of count=2 by startIndex, no repeats, all found",
            lambda: self.pagination("/Users"),
        )
        r.run(
            "group-pagination",
            GALLERY,
            "pages of count=2 by startIndex, no repeats, all found",
            lambda: self.pagination("/Groups"),
        )
        r.run(
            "duplicate-409",
            GALLERY,
            "a second POST of a userName: 409 scimType uniqueness",
            self.duplicate,
        )
        r.run("rfc-content-type", RFC, "every body is application/scim+json", self.content_type)
        r.run(
            "rfc-error-body",
            RFC,
            "errors carry the Error schema, status as a string, scimType",
            self.error_body,
        )
        r.run(
            "rfc-filter",
            RFC,
            "eq filters: exact, case-insensitive userName, none found is 200",
            self.filters,
        )
        r.run(
            "rfc-attributes",
            RFC,
            "attributes and excludedAttributes shape the resource",
            self.attributes,
        )
        r.run("rfc-not-found", RFC, "404 for an unknown id (GET, PATCH, DELETE)", self.not_found)
        for endpoint, resource_id in reversed(self.made):
            self.probe.delete(endpoint, resource_id)

    # --- set-up ------------------------------------------------------------------------------

    def probe_user(self) -> dict[str, Any]:
        """One user for the RFC checks, made on first use."""
        if self._user is None:
            self._user = self.probe.create_user(self.user_name("probe"))
            self.made.append(("/Users", self._user["id"]))
        return self._user

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
        wanted = [USER] + ([GROUP] if self.groups else [])
        schemas = self.probe.get("/Schemas")
        ids = {str(s.get("id")) for s in schemas.get("Resources") or []}
        missing = [w for w in wanted if w not in ids]
        expect(not missing, f"/Schemas lacks {missing}")
        users = next(s for s in schemas["Resources"] if s.get("id") == USER)
        names = {str(a.get("name")).lower() for a in users.get("attributes") or []}
        lacking = [a for a in ("username", "active", "emails", "name") if a not in names]
        expect(not lacking, f"the User schema does not describe {lacking}")
        types = self.probe.get("/ResourceTypes")
        names = {str(t.get("name")) for t in types.get("Resources") or []}
        wanted_types = ["User"] + (["Group"] if self.groups else [])
        expect(set(wanted_types) <= names, f"/ResourceTypes lists {sorted(names)}")
        return f"{len(ids)} schemas, resource types {sorted(names)}"

    # --- pagination --------------------------------------------------------------------------

    def pagination(self, endpoint: str) -> str:
        """SCIM_User/Group_Pagination_Test: at least two pages by startIndex/count; each page
        echoes its startIndex, holds at most `count`, repeats nothing; all pages together hold
        totalResults; past the end is 200 with no resources (RFC 7644 §3.4.2.4)."""
        is_users = endpoint == "/Users"
        if not is_users and not self.groups:
            raise CheckFailed("groups are off")  # never reached: skipped by option
        total = self._total(endpoint)
        made = 0
        while total < 2 * PAGE + 1 and made < 2 * PAGE + 1:
            if is_users:
                created = self.probe.create_user(self.user_name(f"page{made}"))
            elif self.create_groups:
                answer = self.probe.send(
                    "POST", "/Groups", group_body(f"eh{self.run_id} page{made}")
                )
                expect(answer.status == 201, f"POST /Groups answered {answer.describe()}")
                created = answer.body
            else:
                break
            self.made.append((endpoint, created["id"]))
            made += 1
            total = self._total(endpoint)
        count = PAGE if total > PAGE else 1
        expect(total >= 2, f"only {total} resources at {endpoint}: one page cannot show paging")
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
        user_name = self.probe_user()["userName"]
        answer = self.probe.send("POST", "/Users", self._user_body(user_name))
        if answer.status in (200, 201) and isinstance(answer.body, dict) and answer.body.get("id"):
            # A second user with the same userName would spoil the filter checks that follow.
            self.probe.delete("/Users", str(answer.body["id"]))
        expect(answer.status == 409, f"the second POST of {user_name} answered {answer.describe()}")
        scim_type = answer.body.get("scimType") if isinstance(answer.body, dict) else None
        expect(scim_type == "uniqueness", f"409 with scimType {scim_type!r}, not 'uniqueness'")
        return "409 uniqueness"

    @staticmethod
    def _user_body(user_name: str) -> dict[str, Any]:
        from harness.checks.scim.probe import user_body

        return user_body(user_name)

    # --- RFC 7644 ----------------------------------------------------------------------------

    def content_type(self) -> str:
        user = self.probe_user()
        wrong = []

        def created(user_name: str) -> Any:
            answer = self.probe.send("POST", "/Users", self._user_body(user_name))
            if isinstance(answer.body, dict) and answer.body.get("id"):
                self.probe.delete("/Users", str(answer.body["id"]))
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
            (
                "POST /Users (taken)",
                lambda: created(str(user["userName"])),
            ),
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
        return "exact, case-insensitive and empty results as expected"

    def attributes(self) -> str:
        user = self.probe_user()
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
