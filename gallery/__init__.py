"""The app gallery: one TOML file per vendor app, holding what its tutorial says."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
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
    """A vendor admin console page where SSO is configured; `fields` maps setting -> label."""

    key: str
    label: str
    host: str
    fields: dict[str, str] = field(default_factory=dict)
    # The links the tutorial follows to reach the form, in order.
    navigation: tuple[str, ...] = ()


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

    @property
    def idp_initiated_only(self) -> bool:
        return tuple(self.modes) == ("idp",)

    def region(self, key: str) -> Region:
        for region in self.regions:
            if region.key == key:
                return region
        raise KeyError(f"no region {key!r}; known: {[r.key for r in self.regions]}")


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

    def hosts(self) -> list[str]:
        """Every host name the vendor serves, as its tutorials write them."""
        hosts = [self.sso.console_host, *(c.host for c in self.sso.consoles)]
        hosts += [region.host for region in self.sso.regions]
        tenant_url = self.scim.get("tenant_url")
        if isinstance(tenant_url, str):
            hosts.append(urlsplit(tenant_url).hostname or "")
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
