"""A simulated vendor: its regional SPs built from gallery data, and its console credentials."""

from __future__ import annotations

from gallery import GalleryApp
from harness.clock import Clock

from .service_provider import ClaimSp, EmailAttributeSp, ServiceProvider

# gallery `sso.user_lookup` -> the SP class that finds the signed-in user that way.
USER_LOOKUPS: dict[str, type[ServiceProvider]] = {
    "name_id": ServiceProvider,
    "email_attribute": EmailAttributeSp,
    "claim": ClaimSp,
}


class Vendor:
    def __init__(self, app: GalleryApp, clock: Clock, console_token: str | None = None) -> None:
        self.app = app
        self.clock = clock
        self.console_token = console_token or f"{app.key}-console-token"
        sp_class = USER_LOOKUPS[app.sso.user_lookup]
        self.sps: dict[str, ServiceProvider] = {
            region.key: sp_class(app, region, clock) for region in app.sso.regions
        }

    def sp(self, region: str | None = None) -> ServiceProvider:
        if region is None:
            return next(iter(self.sps.values()))
        return self.sps[region]

    def sp_for_host(self, host: str) -> ServiceProvider | None:
        return next((sp for sp in self.sps.values() if sp.region.host == host), None)

    def reset(self) -> None:
        for sp in self.sps.values():
            sp.reset()
