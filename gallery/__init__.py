"""The app gallery: one TOML file per vendor app, holding what its tutorial says."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
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
class SsoProfile:
    modes: tuple[str, ...]
    fixed_identifier: bool
    regions: tuple[Region, ...]
    console_host: str
    email_attribute: str | None = None
    sp_metadata: bool = False
    user_lookup: str = "name_id"

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
    brand_color: str = "#333"
    scim: dict[str, object] = field(default_factory=dict)

    def hosts(self) -> list[str]:
        """Every host name the vendor serves, as its tutorials write them."""
        hosts = [self.sso.console_host, *(region.host for region in self.sso.regions)]
        tenant_url = self.scim.get("tenant_url")
        if isinstance(tenant_url, str):
            hosts.append(urlsplit(tenant_url).hostname or "")
        return list(dict.fromkeys(host for host in hosts if host))


def _parse(data: dict) -> GalleryApp:
    sso = dict(data["sso"])
    regions = tuple(Region(**region) for region in sso.pop("regions"))
    return GalleryApp(
        key=data["key"],
        name=data["name"],
        template_id=data["template_id"],
        publisher=data.get("publisher", data["name"]),
        tutorials=tuple(data.get("tutorials", ())),
        sso=SsoProfile(modes=tuple(sso.pop("modes")), regions=regions, **sso),
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
