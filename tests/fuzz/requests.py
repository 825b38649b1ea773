"""Hypothesis strategies of the fuzz tier: bad and odd requests for one route (path values, query,
headers, JSON of any shape and depth, forms, XML, oversized bodies, SAML messages)."""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field

from hypothesis import strategies as st

from .routes import Route

# Property names the mocks read (Graph, admin API, controls, console API, SCIM): a random object
# with these keys reaches the validation of real fields, not only "unknown property".
FIELD_NAMES = [
    "displayName",
    "userPrincipalName",
    "passwordProfile",
    "password",
    "accountEnabled",
    "businessPhones",
    "mail",
    "replyUrls",
    "identifiers",
    "url",
    "index",
    "isDefault",
    "signOnUrl",
    "relayState",
    "logoutUrl",
    "signingOption",
    "signingAlgorithm",
    "source",
    "format",
    "groups",
    "name",
    "constant",
    "namespace",
    "transformations",
    "method",
    "parameters",
    "certificate",
    "assignmentRequired",
    "visibleToUsers",
    "web",
    "redirectUris",
    "identifierUris",
    "appRoles",
    "id",
    "value",
    "tags",
    "samlSingleSignOnSettings",
    "loginUrl",
    "preferredSingleSignOnMode",
    "preferredTokenSigningKeyThumbprint",
    "endDateTime",
    "principalId",
    "appRoleId",
    "roleDefinitionId",
    "definition",
    "@odata.id",
    "members@odata.bind",
    "templateId",
    "criteria",
    "resetScope",
    "key",
    "credentials",
    "useSavedCredentials",
    "synchronizationRules",
    "objectMappings",
    "sourceObjectName",
    "expression",
    "targetAttributeDefinition",
    "testInputObject",
    "properties",
    "subjects",
    "objectId",
    "objectTypeName",
    "links",
    "members",
    "freeze",
    "set",
    "advance_seconds",
    "reset",
    "enforced",
    "jobId",
    "running",
    "poll_seconds",
    "email",
    "display_name",
    "active",
    "user_name",
    "sso_url",
    "entity_id",
    "slo_url",
    "organization_name",
    "email_attribute",
    "sso_enabled",
    "schemas",
    "userName",
    "Operations",
    "op",
    "path",
    "emails",
    "filter",
    "startIndex",
    "count",
    "signing",
    "status",
    "age_seconds",
    "audience",
    "issuer",
    "extra_claims",
    "remove_claims",
]
QUERY_NAMES = [
    "since",
    "$top",
    "$filter",
    "$format",
    "region",
    "ctx",
    "code",
    "redirect_uri",
    "client_id",
    "SAMLRequest",
    "SAMLResponse",
    "RelayState",
    "appid",
    "relaystate",
    "next",
    "filter",
    "attributes",
    "excludedAttributes",
    "startIndex",
    "count",
    "sortBy",
    "sortOrder",
    "jobId",
    "status",
    "action",
    "target",
]

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "x", "2026-01-01T00:00:00Z", "https://evil.example/", "0", "-1", "1e400"]),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), inner, max_size=5
        ),
    ),
    max_leaves=14,
)
json_objects = st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6)

AUTHN_REQUEST = (
    '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
    'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="id1" Version="2.0" '
    'IssueInstant="2026-11-23T12:00:00Z" AssertionConsumerServiceURL="{acs}">'
    "<saml:Issuer>{issuer}</saml:Issuer>"
    '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"/>'
    "</samlp:AuthnRequest>"
)
XML_ATTACKS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;&c;&c;</l>',
    "<a>" * 5000,
    "\ufeff<samlp:LogoutRequest/>",
)


def _deflated(document: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(document) + deflater.flush()


def _bomb(megabytes: int) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(b"<a>" + b" " * (megabytes << 20)) + deflater.flush()


@st.composite
def saml_messages(draw: st.DrawFn, issuers: list[str]) -> str:
    """A SAMLRequest value: an AuthnRequest mutated, an XML attack, a bomb, or noise; deflated
    and base64 (Redirect), base64 (POST), or not encoded at all."""
    issuer = draw(st.sampled_from(issuers or ["https://sso.ringcentral.com"]))
    document = draw(
        st.one_of(
            st.just(AUTHN_REQUEST.format(acs=issuer, issuer=issuer)),
            st.sampled_from(XML_ATTACKS),
            st.text(max_size=200),
        )
    )
    cuts = draw(st.lists(st.tuples(st.integers(0, 400), st.text(max_size=6)), max_size=3))
    for position, text in cuts:  # random insertions: mutations of the document
        document = document[:position] + text + document[position:]
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    raw = document.encode(encoding, "replace")
    shape = draw(st.sampled_from(["redirect", "post", "plain", "bomb", "junk"]))
    if shape == "bomb":
        return base64.b64encode(_bomb(draw(st.integers(1, 30)))).decode()
    if shape == "plain":
        return document
    encoded = base64.b64encode(_deflated(raw) if shape == "redirect" else raw).decode()
    return encoded + ("!~junk" if shape == "junk" else "")


@dataclass
class FuzzRequest:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | dict[str, str] | None = None


def fill_path(rule: str, values: dict[str, str]) -> str:
    """The rule with each `<converter:name>` replaced by its value."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule)


@st.composite
def fuzz_requests(
    draw: st.DrawFn,
    route: Route,
    known: dict[str, list[str]],
    tokens: list[str],
    cookies: list[str],
    issuers: list[str],
) -> FuzzRequest:
    method = draw(st.sampled_from(route.methods))
    values = {
        name: draw(
            st.one_of(
                st.sampled_from(known[name]) if known.get(name) else st.just("x"),
                st.text(
                    alphabet=st.characters(
                        blacklist_categories=("Cs",), blacklist_characters="/?#"
                    ),
                    min_size=1,
                    max_size=20,
                ),
            )
        )
        for name in route.arguments
    }
    path = fill_path(route.rule, values)
    query = draw(
        st.dictionaries(
            st.sampled_from(QUERY_NAMES),
            st.one_of(st.text(max_size=30), json_leaves.map(str)),
            max_size=3,
        )
    )
    headers: dict[str, str] = {}
    # The route's own credentials most of the time (tokens[0], cookies[0]), so that most
    # requests get past authentication to the code under test.
    token = draw(
        st.one_of(st.just(tokens[0]), st.just(tokens[0]), st.sampled_from([*tokens, "", "x"]))
    )
    if token:
        headers["Authorization"] = f"Bearer {token}"
    cookie = draw(
        st.one_of(st.just(cookies[0] if cookies else ""), st.sampled_from([*cookies, ""]))
    )
    if cookie:
        headers["Cookie"] = cookie
    for name in draw(st.lists(st.sampled_from(["If-Match", "If-None-Match"]), max_size=1)):
        headers[name] = draw(st.sampled_from(['W/"1"', "*", "garbage", 'W/"999"']))
    body: bytes | dict[str, str] | None = None
    if route.rule.endswith("/saml2"):
        message = draw(saml_messages(issuers))
        if method == "GET":
            query["SAMLRequest"] = message
        else:
            body = {"SAMLRequest": message, "RelayState": draw(st.text(max_size=20))}
    elif method != "GET":
        kind = draw(
            st.sampled_from(["json", "json", "any", "deep", "big", "form", "xml", "none", "bytes"])
        )
        content_type = "application/scim+json" if route.scim else "application/json"
        if kind == "json":
            body = json.dumps(draw(json_objects)).encode()
        elif kind == "any":
            body = json.dumps(draw(json_values)).encode()
        elif kind == "deep":
            depth = draw(st.sampled_from([65, 1000, 100_000]))
            body = b'{"a":' + b"[" * depth + b"]" * depth + b"}"
        elif kind == "big":
            body = b'{"displayName":"' + b"x" * (3 << 20) + b'"}'
        elif kind == "form":
            body = draw(
                st.dictionaries(
                    st.sampled_from(FIELD_NAMES + QUERY_NAMES), st.text(max_size=30), max_size=5
                )
            )
            content_type = ""
        elif kind == "xml":
            body = draw(st.sampled_from(XML_ATTACKS)).encode()
            content_type = "application/xml"
        elif kind == "bytes":
            body = draw(st.binary(max_size=64))
        if content_type and body is not None and not isinstance(body, dict):
            headers["Content-Type"] = content_type
    return FuzzRequest(method, path, query, headers, body)
