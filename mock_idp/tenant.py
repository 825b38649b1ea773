"""The tenant's state: directory, enterprise apps, sign-in sessions, SAML log and test overrides."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gallery import GalleryApp, load_gallery
from mock_kernel.clock import Clock

from .certificates import KeyPool, SigningCertificate
from .directory import Directory
from .enterprise_apps import EnterpriseApp
from .errors import AppNotFound
from .ids import new_guid
from .provisioning.state import ProvisioningState
from .provisioning.wire import KeepAliveHttp, ScimHttp

# A fixed tenant id keeps URLs stable across runs, like navikt/mock-oauth2-server's fixed keys.
DEFAULT_TENANT_ID = "7c3e1d2a-5b4f-4e6a-9d8c-1f2e3a4b5c6d"


@dataclass
class TenantSettings:
    """Behaviour the spec marks as an assumption, as settings (ENTRA-BEHAVIOUR §3)."""

    # AADSTS errors found after the app and ACS are trusted (50058, 50105, 75011, 75016,
    # 76021, 900236) that are posted to the ACS as a non-Success Response; the others show
    # Entra's error page. Errors before that (750054, 75005, 7500529, 700016, 50011) are
    # always shown.
    posted_errors: set[int] = field(default_factory=lambda: {50058})


@dataclass
class LoginSession:
    """The ESTS session cookie's state: who signed in and when."""

    user_id: str
    authn_instant: datetime
    participants: list[str] = field(default_factory=list)


@dataclass
class SamlExchange:
    """One SAML message that passed through the tenant, decoded, for scenarios and reports."""

    direction: str  # "in" or "out"
    kind: str  # AuthnRequest, Response, LogoutRequest, LogoutResponse
    binding: str
    endpoint: str
    xml: str
    at: str
    relay_state: str | None = None


class Tenant:
    """All tenant state behind one lock; `reset()` restores a fresh tenant (moto's BaseBackend)."""

    def __init__(
        self,
        clock: Clock | None = None,
        tenant_id: str = DEFAULT_TENANT_ID,
        login_base: str = "https://login.microsoftonline.com",
        myapps_base: str = "https://myapps.microsoft.com",
        launcher_base: str = "https://launcher.myapps.microsoft.com",
        admin_center_base: str = "https://entra.microsoft.com",
        http_client_factory: Callable[[], ScimHttp] | None = None,
        gallery: dict[str, GalleryApp] | None = None,
    ) -> None:
        self.clock = clock or Clock()
        # How the provisioning service reaches SCIM targets: the stack passes a client that
        # routes the tutorials' hosts to the local mocks; alone, a plain client.
        self.http_client_factory: Callable[[], ScimHttp] = http_client_factory or KeepAliveHttp
        self.provisioning = ProvisioningState()
        self.tenant_id = tenant_id
        self.login_base = login_base
        self.myapps_base = myapps_base
        self.launcher_base = launcher_base
        self.admin_center_base = admin_center_base
        self.lock = threading.RLock()
        self.keys = KeyPool()
        # The app gallery (applicationTemplates): the built-in entries, or the stack's with
        # imported tutorials' apps added (gallery.generic).
        self.gallery: dict[str, GalleryApp] = gallery if gallery is not None else load_gallery()
        # Called once a change is made and before it is acknowledged (after each request, after
        # each background cycle): a state directory's store saves the tenant then (issue 22).
        # Without one nothing listens, and the tenant lives in memory only.
        self.change_listeners: list[Callable[[], None]] = []
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.keys.rewind()
            self.directory = Directory()
            self.apps: dict[str, EnterpriseApp] = {}
            self.sessions: dict[str, LoginSession] = {}
            self.pending: dict[str, dict[str, Any]] = {}
            self.saml_log: deque[SamlExchange] = deque(maxlen=1000)
            self.next_response_overrides: dict[str, Any] = {}
            self.admin_token = "harness-admin-token"
            self.settings = TenantSettings()
            self._tenant_certificate: SigningCertificate | None = None
            # Graph claimsMappingPolicy objects by id: {"displayName", "definition"}.
            self.claims_mapping_policies: dict[str, dict[str, Any]] = {}
            self.provisioning.reset()

    def changed(self) -> None:
        for listener in self.change_listeners:
            listener()

    # Values shown on the app's "Set up <app>" card (ENTRA-BEHAVIOUR §1).
    @property
    def issuer(self) -> str:
        return f"https://sts.windows.net/{self.tenant_id}/"

    @property
    def login_url(self) -> str:
        return f"{self.login_base}/{self.tenant_id}/saml2"

    @property
    def logout_issuer(self) -> str:
        return f"{self.login_base}/{self.tenant_id}/"

    def app_metadata_url(self, app: EnterpriseApp) -> str:
        return (
            f"{self.login_base}/{self.tenant_id}/federationmetadata/2007-06/"
            f"federationmetadata.xml?appid={app.app_id}"
        )

    def user_access_url(self, app: EnterpriseApp) -> str:
        return (
            f"{self.myapps_base}/signin/{app.display_name}/{app.app_id}?tenantId={self.tenant_id}"
        )

    def launcher_url(self, app: EnterpriseApp) -> str:
        return f"{self.launcher_base}/api/signin/{app.app_id}?tenantId={self.tenant_id}"

    def new_certificate(self) -> SigningCertificate:
        return SigningCertificate.create(self.keys.take(), self.clock.now())

    def tenant_certificate(self) -> SigningCertificate:
        """The key that signs the tenant-wide federation metadata."""
        with self.lock:
            if self._tenant_certificate is None:
                self._tenant_certificate = self.new_certificate()
                self._tenant_certificate.active = True
            return self._tenant_certificate

    def find_app(self, app_id_or_object_id: str) -> EnterpriseApp:
        for app in self.apps.values():
            if app_id_or_object_id in (app.app_id, app.object_id, app.application_object_id):
                return app
        raise AppNotFound(app_id_or_object_id)

    def new_session(self, user_id: str) -> str:
        session_id = new_guid()
        self.sessions[session_id] = LoginSession(user_id, self.clock.now())
        return session_id

    def log_saml(self, **exchange: Any) -> None:
        self.saml_log.append(SamlExchange(at=self.clock.now().isoformat(), **exchange))
