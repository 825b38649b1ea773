"""The app gallery: one TOML file per vendor app, holding what its tutorial says."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Region:
    """One deployment of a vendor's SP: its own identifier, reply URL and sign-on URL."""

    key: str
    label: str
    identifier: str
    reply_url: str
    sign_on_url: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.reply_url).hostname or ""


@dataclass(frozen=True)
class Console:
    """A vendor admin console page of the tutorial; `fields` maps setting -> label."""

    key: str
    label: str
    host: str
    fields: dict[str, str] = field(default_factory=dict)
    # The links the tutorial follows to reach the form, in order.
    navigation: tuple[str, ...] = ()
    # The heading of the page's form in the tutorial ("Microsoft Entra SAML Settings").
    title: str | None = None
    # Which page it is: "fields" (a form of `fields`), "metadata" (upload the IdP metadata,
    # map attributes, enable SSO), "people" (the vendor's users and a form to add one) or
    # "directory" (Directory Integration: enable the SCIM service, show its token).
    page: str = "fields"
    # Menu headings a link is listed under ("Single Sign-on" under "Integrations").
    sections: dict[str, str] = field(default_factory=dict)
    # The button that opens the form in a dialog ("Add Person"); none: the form is on the page.
    action: str | None = None


@dataclass(frozen=True)
class SsoProfile:
    modes: tuple[str, ...]
    fixed_identifier: bool
    regions: tuple[Region, ...]
    console_host: str
    consoles: tuple[Console, ...] = ()
    email_attribute: str | None = None
    sp_metadata: bool = False
    # How the SP finds its user: "name_id", "email_attribute" (mapped by the admin), "claim".
    user_lookup: str = "name_id"
    user_claim: str | None = None
    organization_claim: str | None = None
    # How the admin gives the SP its IdP: "metadata" (upload) or "fields" (URLs + certificate).
    idp_configuration: str = "metadata"
    # The SP names itself in AuthnRequests with the app's Application ID (Genesys, tutorial 004).
    relying_party_identifier: bool = False
    logout_path: str | None = None
    # What the ACS demands of signatures: "assertion", "response" or "either"; and algorithms.
    required_signature: str = "either"
    signature_algorithms: tuple[str, ...] = ("sha256", "sha1")
    # Claims the gallery entry adds to the app's Attributes & Claims.
    claims: tuple[dict[str, str], ...] = ()
    # The ACS refuses a Response without every claim above (imported tutorials, issue 18: "the
    # app expects these attributes in the SAML response").
    require_claims: bool = False
    # The certificate form the vendor takes ("base64", "raw", "federation_metadata_xml",
    # "metadata_url"; None: whatever its console reads).
    certificate: str | None = None
    # Just-in-time provisioning: a signed-in user the vendor does not know yet is created.
    jit: bool = False

    @property
    def idp_initiated_only(self) -> bool:
        return tuple(self.modes) == ("idp",)

    def region(self, key: str) -> Region:
        for region in self.regions:
            if region.key == key:
                return region
        raise KeyError(f"no region {key!r}; known: {[r.key for r in self.regions]}")


ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@dataclass(frozen=True)
class RateLimitGroup:
    """One usage-plan API group: `requests` per `window_seconds`; exceeding it refuses every
    request of the group for `penalty_seconds` (developers.ringcentral.com, "API Rate Limits")."""

    requests: int
    window_seconds: float = 60.0
    penalty_seconds: float = 60.0


@dataclass(frozen=True)
class ScimRateLimits:
    """A vendor's usage plan: its groups, and which group reads and writes count against."""

    enforced: bool = False
    groups: dict[str, RateLimitGroup] = field(default_factory=dict)
    reads: str | None = None
    writes: str | None = None


@dataclass(frozen=True)
class ScimProfile:
    """A SCIM 2.0 endpoint as its vendor documents it. Every default is the strict RFC 7643 /
    RFC 7644 profile, so a gallery `[scim]` section lists only where the vendor differs."""

    tenant_url: str = "https://scim.example.test/scim/v2"
    # Fills `{customer_id}` in the tenant URL (8x8's customers/{id} path).
    customer_id: str | None = None
    # Resource types served (RFC 7643 §4), and the discovery endpoints (RFC 7644 §4).
    resource_types: tuple[str, ...] = ("User", "Group")
    discovery: tuple[str, ...] = ("ServiceProviderConfig", "ResourceTypes", "Schemas")
    # POST {endpoint}/.search, and POST /.search over every resource type (RFC 7644 §3.4.3).
    search: bool = True
    root_search: bool = True
    # A vendor health endpoint under the base URL that answers 200 with no body.
    health_path: str | None = None
    # Extension schemas of Users; vendor extensions are described in `schemas` (RFC 7643 §7).
    user_extensions: tuple[str, ...] = (ENTERPRISE_USER,)
    schemas: tuple[dict[str, Any], ...] = ()
    # HTTP methods allowed per resource type; a type not named allows all.
    methods: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Attributes a filter may name (None: any); names a filter may use for another attribute.
    filter_attributes: tuple[str, ...] | None = None
    filter_aliases: dict[str, str] = field(default_factory=dict)
    # User attributes whose values are unique (RFC 7643 §4.1.1: userName is, "server").
    unique_attributes: tuple[str, ...] = ("userName",)
    # Values a new User gets for attributes its request leaves out.
    defaults: dict[str, Any] = field(default_factory=dict)
    # User attributes the vendor keeps (None: all); others are dropped on write.
    user_attributes: tuple[str, ...] | None = None
    enterprise_attributes: tuple[str, ...] | None = None
    # `type` values allowed per multi-valued attribute, most values per attribute, and
    # attributes a User must have: refused with 400 invalidValue (RFC 7644 §3.12).
    allowed_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_values: dict[str, int] = field(default_factory=dict)
    required_attributes: tuple[str, ...] = ()
    # Named rules of mock_scim.rules a written User must satisfy.
    rules: tuple[str, ...] = ()
    # "delete" (RFC 7644 §3.6) or "deactivate" (DELETE sets active false).
    delete: str = "delete"
    # "all" or "active_only": what a GET of the collection without a filter lists.
    unfiltered_list: str = "all"
    # An If-Match that names another version: "preconditionFailed" (412, RFC 7644 §3.14) or
    # "invalidVers" (400).
    version_mismatch: str = "preconditionFailed"
    # Only the first client that writes may write (told apart by User-Agent).
    single_write_client: bool = False
    # ServiceProviderConfig features (RFC 7643 §5).
    sort: bool = True
    etag: bool = True
    patch: bool = True
    max_results: int = 200
    # The page size when a request gives no `count` (None: max_results).
    page_size: int | None = None
    rate_limits: ScimRateLimits = field(default_factory=ScimRateLimits)

    @property
    def base_url(self) -> str:
        """The tenant URL with its customer id filled in: what the admin types in Entra."""
        return self.tenant_url.replace("{customer_id}", self.customer_id or "")

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


def parse_scim_profile(data: dict[str, Any]) -> ScimProfile:
    """A `[scim]` table (or {} for the generic RFC profile) as a ScimProfile."""
    values = dict(data)
    limits = dict(values.pop("rate_limits", {}))
    groups = {name: RateLimitGroup(**group) for name, group in limits.pop("groups", {}).items()}
    for name in (
        "resource_types",
        "discovery",
        "user_extensions",
        "filter_attributes",
        "unique_attributes",
        "user_attributes",
        "enterprise_attributes",
        "required_attributes",
        "rules",
    ):
        if values.get(name) is not None:
            values[name] = tuple(values[name])
    for name in ("methods", "allowed_types"):
        if name in values:
            values[name] = {key: tuple(items) for key, items in values[name].items()}
    if "schemas" in values:
        values["schemas"] = tuple(values["schemas"])
    return ScimProfile(rate_limits=ScimRateLimits(groups=groups, **limits), **values)


@dataclass(frozen=True)
class GalleryApp:
    key: str
    name: str
    template_id: str
    publisher: str
    tutorials: tuple[str, ...]
    sso: SsoProfile
    scim: dict[str, object] = field(default_factory=dict)
    brand_color: str = "#333"
    # The `[provisioning]` table: the gallery app's provisioning job template and its default
    # user and group mappings (read by mock_idp.provisioning).
    provisioning: dict[str, Any] = field(default_factory=dict)
    # An imported tutorial's extras (gallery.generic): filled placeholders, what the harness made
    # up where the tutorial is silent, limitations, the importer's warnings.
    imported: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def scim_profile(self) -> ScimProfile | None:
        """The vendor's SCIM endpoint, if its gallery entry provisions users."""
        return parse_scim_profile(dict(self.scim)) if self.scim else None

    def hosts(self) -> list[str]:
        """Every host name the vendor serves, as its tutorials write them."""
        hosts = [self.sso.console_host, *(c.host for c in self.sso.consoles)]
        hosts += [region.host for region in self.sso.regions]
        # A Sign-on URL on a host of its own (Ascentis: selfservice.… beside services.…).
        hosts += [urlsplit(r.sign_on_url).hostname or "" for r in self.sso.regions if r.sign_on_url]
        profile = self.scim_profile
        if profile is not None:
            hosts.append(profile.host)
        return list(dict.fromkeys(host for host in hosts if host))


def _parse(data: dict[str, Any]) -> GalleryApp:
    sso = dict(data["sso"])
    regions = tuple(Region(**region) for region in sso.pop("regions"))
    consoles = tuple(
        Console(**{**console, "navigation": tuple(console.get("navigation", ()))})
        for console in sso.pop("consoles", [])
    )
    claims = tuple(dict(claim) for claim in sso.pop("claims", []))
    if "signature_algorithms" in sso:
        sso["signature_algorithms"] = tuple(sso["signature_algorithms"])
    return GalleryApp(
        key=data["key"],
        name=data["name"],
        template_id=data["template_id"],
        publisher=data.get("publisher", data["name"]),
        tutorials=tuple(data.get("tutorials", ())),
        sso=SsoProfile(
            modes=tuple(sso.pop("modes")), regions=regions, consoles=consoles, claims=claims, **sso
        ),
        scim=dict(data.get("scim", {})),
        brand_color=data.get("brand_color", "#333"),
        provisioning=dict(data.get("provisioning", {})),
        imported=dict(data.get("imported", {})),
    )


@cache
def load_gallery() -> dict[str, GalleryApp]:
    """Every gallery app, by key."""
    apps = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            app = _parse(tomllib.loads(entry.read_text(encoding="utf-8")))
            apps[app.key] = app
    return apps


def gallery_app(key: str) -> GalleryApp:
    return load_gallery()[key]
