"""One vendor SP (a region of a vendor): its SSO settings, users, sessions and ACS rules; no Flask."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from gallery import GalleryApp, Region
from harness.clock import Clock

from .acs import AcsPolicy, AcsRefusal, ReplayCache, SignedInAssertion, validate_response
from .directory import VendorDirectory, VendorUser
from .idp_settings import IdpSettings, parse_idp_metadata

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


@dataclass
class SpSession:
    user: VendorUser
    assertion: SignedInAssertion
    relay_state: str | None = None


@dataclass
class SsoSettings:
    """The vendor console's SSO page."""

    idp: IdpSettings | None = None
    email_attribute: str | None = None
    sso_enabled: bool = False
    allow_password_login: bool = True


@dataclass
class AcsEvent:
    """One Response the ACS received and what it decided, for scenarios and reports."""

    accepted: bool
    check: str | None
    detail: str
    user: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)


class ServiceProvider:
    """A vendor deployment with the gallery's identifier and reply URL for one region."""

    def __init__(self, app: GalleryApp, region: Region, clock: Clock) -> None:
        self.app = app
        self.region = region
        self.clock = clock
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.settings = SsoSettings(email_attribute=None)
            self.directory = VendorDirectory()
            self.replay_cache = ReplayCache()
            self.sessions: dict[str, SpSession] = {}
            self.outstanding_requests: set[str] = set()
            self.events: deque[AcsEvent] = deque(maxlen=500)

    @property
    def entity_id(self) -> str:
        return self.region.identifier

    @property
    def acs_url(self) -> str:
        return self.region.reply_url

    def upload_idp_metadata(self, document: bytes) -> IdpSettings:
        """Console: upload the IdP's federation metadata; SSO General Information fills in."""
        idp = parse_idp_metadata(document)
        with self.lock:
            self.settings.idp = idp
        return idp

    def policy(self) -> AcsPolicy:
        if self.settings.idp is None:
            raise AcsRefusal("not_configured", "single sign-on is not configured for this account")
        return AcsPolicy(
            entity_id=self.entity_id,
            acs_url=self.acs_url,
            idp=self.settings.idp,
            allow_unsolicited="idp" in self.app.sso.modes,
        )

    def find_user(self, assertion: SignedInAssertion) -> VendorUser:
        """The vendor user the assertion names: by default the NameID is the user's email."""
        user = self.directory.find_by_email(assertion.name_id)
        if user is None:
            raise AcsRefusal("unknown_user", f"no {self.app.name} user {assertion.name_id}")
        return user

    def consume(self, saml_response: str, relay_state: str | None) -> SpSession:
        """The ACS: validate strictly, then the user must exist and be active."""
        try:
            with self.lock:
                if not self.settings.sso_enabled:
                    raise AcsRefusal(
                        "sso_disabled", "single sign-on is not enabled for this account"
                    )
                policy = self.policy()
            assertion = validate_response(
                saml_response,
                policy,
                self.clock.now(),
                self.replay_cache,
                self.outstanding_requests,
            )
            user = self.find_user(assertion)
            if not user.active:
                raise AcsRefusal(
                    "inactive_user", f"the {self.app.name} user {user.email} is not active"
                )
        except AcsRefusal as refusal:
            self.events.append(AcsEvent(False, refusal.check, refusal.detail))
            raise
        self.events.append(AcsEvent(True, None, "signed in", user.email, assertion.attributes))
        return SpSession(user, assertion, relay_state)

    def sp_metadata(self) -> bytes:
        """Step 2 'Download': the SP metadata the admin uploads into Basic SAML Configuration."""
        root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD}, entityID=self.entity_id)
        sp = etree.SubElement(
            root,
            f"{{{MD}}}SPSSODescriptor",
            AuthnRequestsSigned="false",
            WantAssertionsSigned="true",
            protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
        )
        etree.SubElement(sp, f"{{{MD}}}NameIDFormat").text = NAMEID_EMAIL
        etree.SubElement(
            sp,
            f"{{{MD}}}AssertionConsumerService",
            Binding=POST,
            Location=self.acs_url,
            index="0",
            isDefault="true",
        )
        return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)

    def describe(self) -> dict[str, Any]:
        with self.lock:
            idp = self.settings.idp
            return {
                "region": self.region.key,
                "entity_id": self.entity_id,
                "acs_url": self.acs_url,
                "idp": asdict(idp) if idp else None,
                "email_attribute": self.settings.email_attribute,
                "sso_enabled": self.settings.sso_enabled,
                "allow_password_login": self.settings.allow_password_login,
                "users": [u.as_dict() for u in self.directory.users.values()],
            }


class EmailAttributeSp(ServiceProvider):
    """RingCentral: the user is the one whose email is in the attribute the admin mapped
    ("Map Email Attribute to", tutorial 000); the NameID is not used."""

    def find_user(self, assertion: SignedInAssertion) -> VendorUser:
        attribute = self.settings.email_attribute or self.app.sso.email_attribute or ""
        values = assertion.attributes.get(attribute, [])
        if not values:
            raise AcsRefusal(
                "missing_attribute",
                f"the Response has no {attribute} attribute to find the user by",
            )
        user = self.directory.find_by_email(values[0])
        if user is None:
            raise AcsRefusal("unknown_user", f"no {self.app.name} user with email {values[0]}")
        return user
