"""A simulated vendor: its regional SPs built from gallery data, its SCIM endpoint, and its
console and SCIM credentials."""

from __future__ import annotations

from collections.abc import Callable

from gallery import GalleryApp
from mock_kernel.clock import Clock
from mock_scim.storage import ScimStore
from mock_scim.target import ScimTarget

from .console_admin import ConsoleAdmin
from .directory import ScimDirectory
from .service_provider import ClaimSp, EmailAttributeSp, ServiceProvider

# gallery `sso.user_lookup` -> the SP class that finds the signed-in user that way.
USER_LOOKUPS: dict[str, type[ServiceProvider]] = {
    "name_id": ServiceProvider,
    "email_attribute": EmailAttributeSp,
    "claim": ClaimSp,
}


class Vendor:
    """The vendor's SPs, one per region, and its SCIM endpoint (gallery `[scim]`).

    SCIM has one tenant URL per vendor and regions are separate deployments, so the SCIM store
    is the user directory of the first region's SP (RingCentral US, Genesys Cloud's US East
    login.mypurecloud.com beside api.mypurecloud.com, 8x8's only one): a user SCIM provisions
    signs in there. The other regions keep their own directories, filled by their consoles.
    """

    def __init__(
        self,
        app: GalleryApp,
        clock: Clock,
        console_token: str | None = None,
        console_password: str | None = None,
        scim_store: ScimStore | None = None,
        fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        self.app = app
        self.clock = clock
        self.console_token = console_token or f"{app.key}-console-token"
        # The console's administrator (the pages ask for them; the API takes the token).
        self.console_admin = ConsoleAdmin(
            f"admin@{app.sso.console_host}", console_password or f"{app.key}-console-password"
        )
        profile = app.scim_profile
        self.scim = ScimTarget(app.key, profile, clock, scim_store) if profile else None
        # Tools > Directory Integration > Enable SCIM Service (tutorials 001/003 step 2).
        self.scim_enabled = False
        sp_class = USER_LOOKUPS[app.sso.user_lookup]
        self.sps: dict[str, ServiceProvider] = {
            region.key: sp_class(app, region, clock, fetch) for region in app.sso.regions
        }
        self._attach_scim_directory()

    @property
    def scim_token(self) -> str | None:
        """The Secret Token the admin types into Entra's provisioning Admin Credentials."""
        return self.scim.token if self.scim else None

    def scim_sp(self) -> ServiceProvider | None:
        """The SP whose users are the SCIM endpoint's (the first region's)."""
        return self.sp() if self.scim else None

    def _attach_scim_directory(self) -> None:
        sp = self.scim_sp()
        if sp is not None and self.scim is not None:
            with sp.lock:
                sp.directory = ScimDirectory(self.scim)

    def sp(self, region: str | None = None) -> ServiceProvider:
        if region is None:
            return next(iter(self.sps.values()))
        return self.sps[region]

    def reset(self) -> None:
        self.scim_enabled = False
        self.console_admin.reset()
        if self.scim is not None:
            self.scim.reset()
        for sp in self.sps.values():
            sp.reset()
        self._attach_scim_directory()

    def close(self) -> None:
        if self.scim is not None:
            self.scim.close()
