"""The SCIM protocol of one endpoint (RFC 7644): routing, validation, filtering, patching, listing."""

# Vendor differences come from the profile's data; every public method is a step a subclass may
# override. Errors are raised as SCIMException and mapped to bodies by the web layer.

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Filter,
    ForbiddenException,
    InvalidFilterException,
    InvalidValueException,
    InvalidVersionException,
    NotFoundException,
    NotImplementedException,
    Patch,
    PatchOp,
    PreconditionFailedException,
    Resource,
    SCIMException,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
)

from gallery import ScimProfile
from mock_kernel.clock import Clock, saml_instant

from .dumping import dump_resource
from .errors import MethodNotAllowedException
from .filtering import (
    CompiledFilter,
    FilterCompiler,
    UnknownAttributeException,
    index_attribute,
    sort_key,
)
from .patching import ENTRA_POLICY, apply_patch, manager_as_object, patch_model
from .projection import Project, Projector
from .ratelimit import UsagePlan
from .requests import ScimRequest, ScimResponse
from .rules import Rule, profile_rules
from .schema import LIST_RESPONSE, USER, ResourceSchema, build_schemas
from .storage import IndexKey, ScimStore, StoredResource
from .validation import read_request

SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ScimService:
    """One vendor's SCIM endpoint over a store."""

    def __init__(self, profile: ScimProfile, store: ScimStore, clock: Clock, token: str) -> None:
        self.profile = profile
        self.store = store
        self.clock = clock
        self.token = token
        self.schemas = build_schemas(profile)
        self.by_endpoint = {s.endpoint.strip("/").lower(): s for s in self.schemas.values()}
        self.filters = {
            name: FilterCompiler(
                schema,
                profile.filter_attributes if name == "User" else None,
                profile.filter_aliases if name == "User" else None,
            )
            for name, schema in self.schemas.items()
        }
        self.projectors = {name: Projector(schema) for name, schema in self.schemas.items()}
        self.patch_classes: dict[str, type[PatchOp[Any]]] = {
            name: patch_model(schema.model) for name, schema in self.schemas.items()
        }
        self.user_rules: list[Rule] = profile_rules(profile)
        self.usage_plan = UsagePlan(profile.rate_limits, clock)
        self._indexes = {
            name: [(spec, index_attribute(schema, spec.path)) for spec in schema.indexes]
            for name, schema in self.schemas.items()
        }
        self._write_client: str | None = None
        self._write_client_lock = threading.Lock()
        self.service_provider_config = self._service_provider_config()
        self._discovery = {name.lower(): name for name in profile.discovery}
        self._health = (profile.health_path or "").strip("/").lower()

    def reset(self) -> None:
        """Forget the write client and the rate-limit counters (the store is cleared apart)."""
        with self._write_client_lock:
            self._write_client = None
        self.usage_plan.reset()

    # dispatch
    def handle(self, request: ScimRequest) -> ScimResponse:
        """Route one request (RFC 7644 §3.2 endpoints, §4 discovery) to its operation."""
        segments = [s for s in request.path.split("/") if s]
        method = request.method.upper()
        if self._health and "/".join(segments).lower() == self._health:
            self._only(method, "GET")
            return ScimResponse(200)
        self.authenticate(request)
        headers = self.usage_plan.admit(write=method in WRITES and segments[-1:] != [".search"])
        response = self.route(request, method, segments)
        response.headers = {**headers, **response.headers}
        return response

    def route(self, request: ScimRequest, method: str, segments: list[str]) -> ScimResponse:
        first = segments[0].lower() if segments else ""
        discovery = self._discovery
        if first in discovery and len(segments) <= 2:
            self._only(method, "GET")
            return self.discovery(
                request, discovery[first], segments[1] if len(segments) > 1 else None
            )
        if first in ("bulk", "me") and len(segments) == 1:
            # RFC 7644 §3.7 and §3.11: not offered (ServiceProviderConfig says bulk is not).
            raise NotImplementedException(detail=f"/{segments[0]} is not supported")
        if first == ".search" and len(segments) == 1 and self.profile.root_search:
            self._only(method, "POST")
            return self.search_everything(request)
        schema = self.by_endpoint.get(first)
        if schema is None or len(segments) > 2:
            raise NotFoundException(detail=f"no SCIM endpoint /{'/'.join(segments)}")
        if len(segments) == 1:
            if method == "GET":
                self.allow(schema, "GET")
                return self.query(request, schema, dict(request.query))
            if method == "POST":
                self.allow(schema, "POST")
                self.claim_write(request)
                return self.create(request, schema)
            raise MethodNotAllowedException(detail=f"{schema.endpoint} takes GET and POST")
        if segments[1] == ".search":
            if not self.profile.search:
                raise NotFoundException(detail=f"no SCIM endpoint {schema.endpoint}/.search")
            self._only(method, "POST")
            self.allow(schema, "GET")
            return self.search(request, schema)
        resource_id = segments[1]
        if method == "GET":
            self.allow(schema, "GET")
            return self.read(request, schema, resource_id)
        if method not in ("PUT", "PATCH", "DELETE"):
            raise MethodNotAllowedException(
                detail=f"{schema.endpoint}/{{id}} takes GET, PUT, PATCH, DELETE"
            )
        self.allow(schema, method)
        self.claim_write(request)
        if method == "PUT":
            return self.replace(request, schema, resource_id)
        if method == "PATCH":
            return self.patch(request, schema, resource_id)
        return self.delete(request, schema, resource_id)

    @staticmethod
    def _only(method: str, allowed: str) -> None:
        if method != allowed:
            raise MethodNotAllowedException(detail=f"this endpoint only takes {allowed}")

    def allow(self, schema: ResourceSchema, method: str) -> None:
        """The profile's `methods`: Genesys Cloud groups are read and patched only. Others get
        405 (RFC 7644 §3.12; which status Genesys itself answers is an assumption)."""
        allowed = self.profile.methods.get(schema.name)
        if allowed is not None and method not in allowed:
            raise MethodNotAllowedException(
                detail=f"{schema.name} resources do not support {method} here"
            )

    # authentication and clients
    def authenticate(self, request: ScimRequest) -> None:
        """RFC 7644 §2: a bearer token (RFC 6750); anything else is 401."""
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.token.encode()
        ):
            raise UnauthorizedException(
                detail="Authorization failure: the bearer token is not valid"
            )

    def claim_write(self, request: ScimRequest) -> None:
        """8x8: "We do not support the use of multiple clients for POST/PATCH/PUT/DELETE
        operations"; the first client that writes (by User-Agent, an assumption) is the one."""
        if not self.profile.single_write_client:
            return
        client = request.header("user-agent") or ""
        with self._write_client_lock:
            if self._write_client is None:
                self._write_client = client
            elif self._write_client != client:
                raise ForbiddenException(
                    detail=f"only one client may write; {self._write_client!r} already does"
                )

    # reading
    def now(self) -> str:
        return saml_instant(self.clock.now())

    def document(
        self, schema: ResourceSchema, stored: StoredResource, base_url: str
    ) -> dict[str, Any]:
        """The full resource: its data, `id` and `meta` (RFC 7643 §3.1)."""
        data = stored.data
        meta = {
            "resourceType": schema.name,
            "created": stored.created,
            "lastModified": stored.last_modified,
            "location": f"{base_url}{schema.endpoint}/{stored.id}",
        }
        if self.profile.etag:
            meta["version"] = stored.etag
        document = {"schemas": data.pop("schemas", [schema.core_urn]), "id": stored.id}
        document.update(data)
        document["meta"] = meta
        return document

    def projector(self, schema: ResourceSchema, query: dict[str, Any]) -> Project:
        attributes = _text_list(query.get("attributes"))
        excluded = _text_list(query.get("excludedAttributes"))
        if not attributes and not excluded:
            return self.projectors[schema.name].default
        return self.projectors[schema.name].compile(attributes, excluded)

    def resource_response(
        self,
        request: ScimRequest,
        schema: ResourceSchema,
        stored: StoredResource,
        status: int = 200,
    ) -> ScimResponse:
        document = self.document(schema, stored, request.base_url)
        headers = {}
        if self.profile.etag:
            headers["ETag"] = stored.etag
        if status == 201:
            headers["Location"] = document["meta"]["location"]
        body = self.projector(schema, dict(request.query))(document)
        return ScimResponse(status, body, headers)

    def read(self, request: ScimRequest, schema: ResourceSchema, resource_id: str) -> ScimResponse:
        """RFC 7644 §3.4.1; If-None-Match with the current version answers 304 (§3.14)."""
        stored = self.store.get(schema.name, resource_id)
        if self.profile.etag and _matches(request.header("if-none-match"), stored.etag):
            return ScimResponse(304, None, {"ETag": stored.etag})
        return self.resource_response(request, schema, stored)

    def query(
        self, request: ScimRequest, schema: ResourceSchema, query: dict[str, Any]
    ) -> ScimResponse:
        """RFC 7644 §3.4.2: filter, sort, page (startIndex is 1-based, count at most
        maxResults), then shape each resource (attributes / excludedAttributes)."""
        start_index = max(1, _integer(query.get("startIndex"), 1, "startIndex"))
        default_count = self.profile.page_size or self.profile.max_results
        count = min(
            max(0, _integer(query.get("count"), default_count, "count")), self.profile.max_results
        )
        filter_text = query.get("filter")
        compiled = self.filters[schema.name].compile(str(filter_text)) if filter_text else None
        sort_by = query.get("sortBy") if self.profile.sort else None
        descending = str(query.get("sortOrder") or "ascending").lower() == "descending"
        project = self.projector(schema, query)
        total, page = self.select(
            request, schema, compiled, sort_by, descending, start_index - 1, count
        )
        body: dict[str, Any] = {
            "schemas": [LIST_RESPONSE],
            "totalResults": total,
            "itemsPerPage": len(page),
            "startIndex": start_index,
            "Resources": [project(document) for document in page],
        }
        return ScimResponse(200, body)

    def search(self, request: ScimRequest, schema: ResourceSchema) -> ScimResponse:
        """RFC 7644 §3.4.3: POST {endpoint}/.search with a SearchRequest body."""
        body = request.json()
        query = {key: value for key, value in body.items() if key != "schemas"}
        response = self.query(request, schema, query)
        return response

    def select(
        self,
        request: ScimRequest,
        schema: ResourceSchema,
        compiled: CompiledFilter | None,
        sort_by: Any,
        descending: bool,
        offset: int,
        count: int,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(totalResults, the page of full documents). Without filter or sort the store pages;
        otherwise candidates come from an index when the filter names an indexed `eq`."""
        matches: Callable[[dict[str, Any]], bool] | None = compiled.match if compiled else None
        if (
            matches is None
            and schema.name == "User"
            and self.profile.unfiltered_list == "active_only"
        ):
            # Genesys Cloud: a list without a filter shows active users only.
            def matches(document: dict[str, Any]) -> bool:
                return document.get("active") is not False

        if matches is None and not sort_by:
            total = self.store.count(schema.name)
            stored = self.store.page(schema.name, offset, count) if count else []
            return total, [self.document(schema, s, request.base_url) for s in stored]
        documents = self.matching(request, schema, compiled, matches)
        if sort_by:
            key = sort_key(schema, self.filters[schema.name], str(sort_by))
            documents = _ordered([(key(d), d) for d in documents], descending)
        return len(documents), documents[offset : offset + count]

    def matching(
        self,
        request: ScimRequest,
        schema: ResourceSchema,
        compiled: CompiledFilter | None,
        matches: Callable[[dict[str, Any]], bool] | None,
    ) -> list[dict[str, Any]]:
        documents = [
            self.document(schema, stored, request.base_url)
            for stored in self.candidates(schema, compiled)
        ]
        return documents if matches is None else [d for d in documents if matches(d)]

    def search_everything(self, request: ScimRequest) -> ScimResponse:
        """RFC 7644 §3.4.3 POST /.search: every resource type at once; an attribute one type
        lacks matches none of its resources (§3.4.2.1), one that no type has is invalidFilter."""
        query = {key: value for key, value in request.json().items() if key != "schemas"}
        start_index = max(1, _integer(query.get("startIndex"), 1, "startIndex"))
        default_count = self.profile.page_size or self.profile.max_results
        count = min(
            max(0, _integer(query.get("count"), default_count, "count")), self.profile.max_results
        )
        filter_text = query.get("filter")
        searched = [
            s for s in self.schemas.values() if "GET" in self.profile.methods.get(s.name, ("GET",))
        ]
        compiled: dict[str, CompiledFilter | None] = {}
        unknown = 0
        for schema in searched:
            if not filter_text:
                compiled[schema.name] = None
                continue
            try:
                compiled[schema.name] = self.filters[schema.name].compile(str(filter_text))
            except UnknownAttributeException:
                unknown += 1
                compiled[schema.name] = self.filters[schema.name].compile(
                    str(filter_text), lenient=True
                )
        if searched and unknown == len(searched):
            raise InvalidFilterException(
                detail=f"no resource type has the attributes of {filter_text}"
            )
        sort_by = query.get("sortBy") if self.profile.sort else None
        descending = str(query.get("sortOrder") or "ascending").lower() == "descending"
        keyed: list[tuple[tuple[int, Any], dict[str, Any]]] = []
        for schema in searched:
            found = compiled[schema.name]
            documents = self.matching(request, schema, found, found.match if found else None)
            key = None
            if sort_by:
                try:
                    key = sort_key(schema, self.filters[schema.name], str(sort_by))
                except UnknownAttributeException:
                    key = None
            keyed.extend(((key(d) if key else (1, "")), d) for d in documents)
        documents = _ordered(keyed, descending) if sort_by else [d for _, d in keyed]
        page = documents[start_index - 1 : start_index - 1 + count]
        resources = [
            self.projector(self.schemas[d["meta"]["resourceType"]], query)(d) for d in page
        ]
        body = {
            "schemas": [LIST_RESPONSE],
            "totalResults": len(documents),
            "itemsPerPage": len(resources),
            "startIndex": start_index,
            "Resources": resources,
        }
        return ScimResponse(200, body)

    def candidates(
        self, schema: ResourceSchema, compiled: CompiledFilter | None
    ) -> list[StoredResource]:
        if compiled is None or compiled.hint is None:
            return list(self.store.scan(schema.name))
        name, value = compiled.hint
        if name == "id":
            try:
                return [self.store.get(schema.name, value)]
            except NotFoundException:
                return []
        return self.store.find(schema.name, name, value)

    # writing
    def read_resource(self, request: ScimRequest, schema: ResourceSchema) -> dict[str, Any]:
        """The body of a POST or PUT, with Entra's dialect read (ENTRA-BEHAVIOUR §8): extra
        schema URNs without attributes (the ADSCIM Group URN) are dropped, a plain-string
        manager becomes {"value": id}."""
        body = manager_as_object(request.json(), request.base_url)
        known = {urn.lower() for urn in schema.schema_urns}
        present = {key.lower() for key in body}
        schemas = body.get("schemas")
        if isinstance(schemas, list):
            body["schemas"] = [
                urn
                for urn in schemas
                if not isinstance(urn, str) or urn.lower() in known or urn.lower() in present
            ]
        return body

    def validate(self, schema: ResourceSchema, body: dict[str, Any]) -> Resource[Any]:
        """A POST or PUT body as a resource (RFC 7643 §2.2: read-only values ignored, required
        ones present), or the SCIM error it deserves."""
        return read_request(schema.model, body, ENTRA_POLICY)

    def stored_form(self, schema: ResourceSchema, resource: Resource[Any]) -> dict[str, Any]:
        """What the store keeps: the attributes without `id` and `meta`, only those the vendor
        keeps (gallery `user_attributes` / `enterprise_attributes`)."""
        data = dump_resource(resource)
        for name in ("id", "meta", "groups"):
            data.pop(name, None)
        if schema.kept is None:
            return data
        kept_core = schema.kept.get(schema.core_urn)
        shaped: dict[str, Any] = {}
        for key, value in data.items():
            extension = schema.extension(key)
            if extension is not None:
                wanted = schema.kept.get(extension[0])
                if wanted is not None and isinstance(value, dict):
                    value = {k: v for k, v in value.items() if k.lower() in wanted}
                if value:
                    shaped[key] = value
            elif key == "schemas" or kept_core is None or key.lower() in kept_core:
                shaped[key] = value
        present = {key.lower() for key in shaped}
        shaped["schemas"] = [
            urn
            for urn in shaped.get("schemas", [])
            if urn == schema.core_urn or urn.lower() in present
        ]
        return shaped

    def check(self, schema: ResourceSchema, data: dict[str, Any]) -> None:
        """The vendor's rules for a User about to be written (400 invalidValue each)."""
        if schema.core_urn == USER:
            for rule in self.user_rules:
                rule(data)

    def index_keys(self, schema: ResourceSchema, data: dict[str, Any]) -> list[IndexKey]:
        """The store keys of a resource: its indexed values, in SCIM's comparison form."""
        keys: list[IndexKey] = []
        for spec, info in self._indexes[schema.name]:
            head, _, sub = spec.path.partition(".")
            value = data.get(head)
            values = value if isinstance(value, list) else [value]
            if sub:
                values = [v.get(sub) if isinstance(v, dict) else None for v in values]
            keys.extend(
                IndexKey(spec.path, info.comparable(v), spec.unique)
                for v in values
                if isinstance(v, str)
            )
        return keys

    def create(self, request: ScimRequest, schema: ResourceSchema) -> ScimResponse:
        """RFC 7644 §3.3: 201 with the resource, Location and ETag; 409 uniqueness."""
        resource = self.validate(schema, self.read_resource(request, schema))
        data = self.stored_form(schema, resource)
        if schema.core_urn == USER:
            for name, value in self.profile.defaults.items():
                data.setdefault(name, value)
        self.check(schema, data)
        stored = self.store.create(schema.name, data, self.index_keys(schema, data), self.now())
        return self.resource_response(request, schema, stored, 201)

    def precondition(self, request: ScimRequest, stored: StoredResource) -> int | None:
        """RFC 7644 §3.14: If-Match must name the current version; returns the version the
        write must still find, or None when the client gave no If-Match."""
        if_match = request.header("if-match")
        if not self.profile.etag or if_match is None:
            return None
        if not _matches(if_match, stored.etag):
            raise self.version_mismatch(stored)
        return stored.version

    def version_mismatch(self, stored: StoredResource) -> SCIMException:
        detail = f"the resource is at version {stored.etag}"
        if self.profile.version_mismatch == "invalidVers":
            return InvalidVersionException(detail=detail)
        return PreconditionFailedException(detail=detail)

    def rewrite(
        self,
        request: ScimRequest,
        schema: ResourceSchema,
        resource_id: str,
        change: Callable[[StoredResource], dict[str, Any]],
    ) -> StoredResource:
        """Read, change, write as one store transaction (ScimStore.update): writes of one
        resource are serialized, so a client that sent no If-Match never gets 412 for another
        client's write (issue 17); If-Match is checked inside the same transaction."""

        def step(stored: StoredResource) -> tuple[dict[str, Any], list[IndexKey]] | None:
            self.precondition(request, stored)
            data = change(stored)
            if data == stored.data:
                return None
            return data, self.index_keys(schema, data)

        return self.store.update(schema.name, resource_id, step, self.now())

    def current(self, schema: ResourceSchema, stored: StoredResource) -> Resource[Any]:
        return schema.model.model_validate(stored.data, scim_policy=ENTRA_POLICY)

    def replace(
        self, request: ScimRequest, schema: ResourceSchema, resource_id: str
    ) -> ScimResponse:
        """RFC 7644 §3.5.1: the new state, with immutable attributes unchanged (400 mutability)
        and read-only ones kept."""
        replacement = self.validate(schema, self.read_resource(request, schema))

        def change(stored: StoredResource) -> dict[str, Any]:
            new = replacement.model_copy(deep=True)
            new.replace(self.current(schema, stored))
            data = self.stored_form(schema, new)
            self.check(schema, data)
            return data

        stored = self.rewrite(request, schema, resource_id, change)
        return self.resource_response(request, schema, stored)

    def patch(self, request: ScimRequest, schema: ResourceSchema, resource_id: str) -> ScimResponse:
        """RFC 7644 §3.5.2, in Entra's dialect (mock_scim.patching): 200 with the resource."""
        body = request.json()

        def change(stored: StoredResource) -> dict[str, Any]:
            resource = self.current(schema, stored)
            apply_patch(self.patch_classes[schema.name], resource, body, request.base_url)
            data = self.stored_form(schema, resource)
            self.check(schema, data)
            return data

        stored = self.rewrite(request, schema, resource_id, change)
        return self.resource_response(request, schema, stored)

    def delete(
        self, request: ScimRequest, schema: ResourceSchema, resource_id: str
    ) -> ScimResponse:
        """RFC 7644 §3.6: 204, then 404 for the resource; 8x8 deactivates instead."""
        if self.profile.delete == "deactivate" and schema.core_urn == USER:
            self.rewrite(
                request, schema, resource_id, lambda stored: {**stored.data, "active": False}
            )
            return ScimResponse(204)
        stored = self.store.get(schema.name, resource_id)
        pinned = self.precondition(request, stored)
        try:
            self.store.delete(schema.name, resource_id, expected_version=pinned)
        except PreconditionFailedException:
            raise self.version_mismatch(self.store.get(schema.name, resource_id)) from None
        if schema.name == "User" and "Group" in self.schemas:
            self.forget_member(resource_id)
        return ScimResponse(204)

    def forget_member(self, member_id: str) -> None:
        """A deleted user leaves the groups it was a member of."""
        groups = self.schemas["Group"]

        def without(stored: StoredResource) -> tuple[dict[str, Any], list[IndexKey]]:
            members = [m for m in stored.data.get("members") or [] if m.get("value") != member_id]
            data = {**stored.data, "members": members}
            if not members:
                del data["members"]
            return data, self.index_keys(groups, data)

        for group in self.store.find("Group", "members.value", member_id):
            try:
                self.store.update("Group", group.id, without, self.now())
            except NotFoundException:
                continue  # deleted meanwhile: nothing to leave

    # discovery (RFC 7644 §4)
    def _service_provider_config(self) -> dict[str, Any]:
        profile = self.profile
        config = ServiceProviderConfig(
            patch=Patch(supported=profile.patch),
            bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
            filter=Filter(supported=True, max_results=profile.max_results),
            change_password=ChangePassword(supported=False),
            sort=Sort(supported=profile.sort),
            etag=ETag(supported=profile.etag),
            authentication_schemes=[
                AuthenticationScheme(
                    type=AuthenticationScheme.Type.oauthbearertoken,
                    name="OAuth Bearer Token",
                    description="The Secret Token given to the provisioning client",
                    primary=True,
                )
            ],
        )
        return config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)

    def discovery(self, request: ScimRequest, endpoint: str, item: str | None) -> ScimResponse:
        base_url = request.base_url
        if endpoint == "ServiceProviderConfig":
            if item is not None:
                raise NotFoundException(detail="no such endpoint")
            meta = {
                "resourceType": "ServiceProviderConfig",
                "location": f"{base_url}/ServiceProviderConfig",
            }
            return ScimResponse(200, {**self.service_provider_config, "meta": meta})
        documents: dict[str, dict[str, Any]] = {}
        if endpoint == "ResourceTypes":
            for schema in self.schemas.values():
                documents[schema.name] = {
                    **schema.resource_type_document,
                    "meta": {
                        "resourceType": "ResourceType",
                        "location": f"{base_url}/ResourceTypes/{schema.name}",
                    },
                }
        else:
            for schema in self.schemas.values():
                for document in schema.schema_documents:
                    documents[document["id"]] = {
                        **document,
                        "meta": {
                            "resourceType": "Schema",
                            "location": f"{base_url}/Schemas/{document['id']}",
                        },
                    }
        if item is not None:
            found = next((d for key, d in documents.items() if key.lower() == item.lower()), None)
            if found is None:
                raise NotFoundException(detail=f"no {endpoint} {item}")
            return ScimResponse(200, found)
        resources = list(documents.values())
        body = {
            "schemas": [LIST_RESPONSE],
            "totalResults": len(resources),
            "itemsPerPage": len(resources),
            "startIndex": 1,
            "Resources": resources,
        }
        return ScimResponse(200, body)


def _ordered(
    keyed: list[tuple[tuple[int, Any], dict[str, Any]]], descending: bool
) -> list[dict[str, Any]]:
    """RFC 7644 §3.4.2.3 order; resources without the attribute go last either way."""
    present = [pair for pair in keyed if pair[0][0] == 0]
    try:
        present.sort(key=lambda pair: pair[0][1], reverse=descending)
    except TypeError:
        present.sort(key=lambda pair: str(pair[0][1]), reverse=descending)
    return [d for _, d in present] + [d for k, d in keyed if k[0] != 0]


def _integer(value: Any, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise InvalidValueException(detail=f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidValueException(detail=f"{name} must be an integer, not {value!r}") from None


def _text_list(value: Any) -> str | None:
    """`attributes` as a query string ("a,b") or a SearchRequest list (["a", "b"])."""
    if value is None:
        return None
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _matches(header: str | None, etag: str) -> bool:
    """RFC 7232 §3.1 weak comparison of an If-Match / If-None-Match list with an ETag."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))
