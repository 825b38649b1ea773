"""One vendor SP (a region of a vendor): SSO settings, users, sessions and its SAML rules; no Flask."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from lxml import etree

from gallery import GalleryApp, Region
from mock_kernel.clock import Clock

from .acs import AcsPolicy, AcsRefusal, ReplayCache, SignedInAssertion, validate_response
from .directory import VendorDirectory, VendorUser
from .idp_settings import (
    IdpSettings,
    MetadataError,
    certificate_from_upload,
    parse_idp_metadata,
    self_signed_key_pair,
)
from .saml_messages import (
    authn_request,
    logout_request,
    logout_response,
    read_logout,
    redirect_url,
    request_id,
)

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

# What a console form may save, by gallery `fields` name: the IdP's URLs (with the uploaded
# certificate file), texts, and the Enable SSO switches (tutorial 000).
IDP_FIELDS = ("idp_login_url", "idp_issuer", "idp_logout_url")
TEXT_SETTINGS = ("email_attribute", "relying_party_identifier", "organization_name")
SWITCHES = ("sso_enabled", "allow_password_login")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# Certificate downloads (Base64, Raw) as opposed to metadata (XML, URL).
CERTIFICATE_FILES = ("base64", "raw")
DISPLAY_NAME_CLAIM = "http://schemas.microsoft.com/identity/claims/displayname"


def _certificate_form_matches(form: str | None, upload: bytes) -> bool:
    """Certificate (Base64) is PEM text, Certificate (Raw) is DER bytes; None takes either."""
    pem = upload.removeprefix(b"\xef\xbb\xbf").strip().startswith(b"-----BEGIN CERTIFICATE-----")
    return {"base64": pem, "raw": not pem}.get(form or "", True)


class SettingError(ValueError):
    """What a console refuses, by gallery `fields` name -> why ("is required"); nothing was
    saved. A page shows each as "<the field's label> <why>"."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name} {why}" for name, why in problems.items()))
        self.problems = problems


@dataclass
class SpSession:
    user: VendorUser
    assertion: SignedInAssertion
    relay_state: str | None = None


@dataclass
class SsoSettings:
    """What the vendor console's SSO page holds."""

    idp: IdpSettings | None = None
    email_attribute: str | None = None
    sso_enabled: bool = False
    allow_password_login: bool = True
    relying_party_identifier: str | None = None
    organization_name: str | None = None


@dataclass
class AcsEvent:
    """One SAML message the SP received and what it decided, for scenarios and reports."""

    accepted: bool
    check: str | None
    detail: str
    user: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    kind: str = "Response"


class ServiceProvider:
    """A vendor deployment with the gallery's identifier and reply URL for one region.

    By default the NameID names the user (their userName, else their email); subclasses
    registered in mock_sp.vendor.USER_LOOKUPS find users another way.
    """

    def __init__(
        self,
        app: GalleryApp,
        region: Region,
        clock: Clock,
        fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        self.app = app
        self.region = region
        self.clock = clock
        # How the vendor downloads a URL the admin pastes (App Federation Metadata Url).
        self.fetch = fetch
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.settings = SsoSettings()
            self.directory = VendorDirectory()
            self.replay_cache = ReplayCache()
            self.sessions: dict[str, SpSession] = {}
            self.outstanding_requests: set[str] = set()
            self.outstanding_logouts: set[str] = set()
            self.events: deque[AcsEvent] = deque(maxlen=500)
            self._encryption: tuple[bytes, str] | None = None

    # identity
    @property
    def entity_id(self) -> str:
        return self.region.identifier

    @property
    def acs_url(self) -> str:
        return self.region.reply_url

    @property
    def logout_url(self) -> str | None:
        path = self.app.sso.logout_path
        return f"https://{self.region.host}{path}" if path else None

    @property
    def issuer(self) -> str:
        """The name this SP gives itself in AuthnRequests: Genesys uses the Relying Party
        Identifier, which tutorial 004 sets to the app's Application ID."""
        if self.app.sso.relying_party_identifier and self.settings.relying_party_identifier:
            return self.settings.relying_party_identifier
        return self.entity_id

    def audiences(self) -> tuple[str, ...]:
        """ENTRA-BEHAVIOUR §4: for an Issuer that is not a URI, Entra's Audience is spn:+Issuer."""
        audiences = [self.entity_id]
        # Also when the Identifier itself is no URI (ArcGIS's `<EXTERNAL_DNS_NAME>.portal`): the
        # AuthnRequest's Issuer is then that Identifier and the Audience spn:+Identifier.
        if not urlsplit(self.issuer).scheme:
            audiences.append("spn:" + self.issuer)
        return tuple(audiences)

    # console
    def upload_idp_metadata(self, document: bytes) -> IdpSettings:
        """Console: upload the IdP's federation metadata; SSO General Information fills in."""
        if self.app.sso.certificate in CERTIFICATE_FILES:
            # The tutorial hands this vendor a certificate file, not metadata (imported apps).
            raise MetadataError(
                f"{self.app.name} takes the Certificate ({self.app.sso.certificate}), not metadata"
            )
        idp = parse_idp_metadata(document)
        with self.lock:
            self.settings.idp = idp
        return idp

    def load_idp_metadata_url(self, url: str) -> IdpSettings:
        """Console: paste the App Federation Metadata Url; the vendor downloads the metadata
        itself and keeps it (tutorials whose app takes the URL, issue 18)."""
        parts = urlsplit(url.strip())
        if parts.scheme != "https" or not parts.hostname:
            raise SettingError({"metadata_url": "is not a URL (https://…)"})
        if self.fetch is None:
            raise SettingError({"metadata_url": "cannot be downloaded from here"})
        try:
            document = self.fetch(url.strip())
        except OSError as error:
            raise SettingError({"metadata_url": f"could not be downloaded: {error}"}) from None
        idp = self.upload_idp_metadata(document)
        with self.lock:
            self.settings.sso_enabled = True
        return idp

    def save_idp_fields(self, idp: IdpSettings) -> None:
        """Console: typed Login / Issuer / Logout URLs and the uploaded certificate, then Save.
        Saving a complete configuration turns single sign-on on (8x8, Genesys consoles)."""
        with self.lock:
            self.settings.idp = idp
            self.settings.sso_enabled = True

    def encryption_certificate(self) -> str:
        """The SP's token-encryption certificate (PEM), made on first use, for the admin to
        upload in Entra's Token encryption; the SP then decrypts EncryptedAssertions."""
        with self.lock:
            if self._encryption is None:
                self._encryption = self_signed_key_pair(f"{self.app.name} SAML encryption")
            return self._encryption[1]

    def save_console_fields(
        self, values: Mapping[str, Any], certificate: bytes | None = None
    ) -> None:
        """A console form saved, by gallery `fields` name: typed IdP URLs and the uploaded
        certificate file (Certificate (Base64) or Raw; or its text as `certificate`), texts, the
        Enable SSO switches. Every value is checked before any is saved; raises SettingError with
        what the console shows."""
        known = (*IDP_FIELDS, "certificate", *TEXT_SETTINGS, *SWITCHES)
        unknown = [name for name in values if name not in known]
        if unknown:
            raise SettingError({name: "is not a setting of this console" for name in unknown})
        text = values.get("certificate")
        upload = certificate or (str(text).encode() if text else None)
        with self.lock:
            typed = upload or any(name in values for name in IDP_FIELDS)
            idp = self._typed_idp(values, upload) if typed else None
            if values.get("sso_enabled") and idp is None and self.settings.idp is None:
                raise SettingError({"sso_enabled": "needs the identity provider set up first"})
            for name in TEXT_SETTINGS:
                if name in values:
                    setattr(self.settings, name, str(values[name] or "").strip() or None)
            for name in SWITCHES:
                if name in values:
                    setattr(self.settings, name, bool(values[name]))
            if idp is not None:
                self.save_idp_fields(idp)

    def _typed_idp(self, values: Mapping[str, Any], certificate: bytes | None) -> IdpSettings:
        """Tutorials 002 and 004: Login URL, Microsoft Entra Identifier, Logout URL and the
        Certificate (Base64) copied from Entra; a certificate on file stays if none is uploaded."""
        login_url, issuer, logout_url = (str(values.get(n) or "").strip() for n in IDP_FIELDS)
        problems: dict[str, str] = {}
        for name, value in (("idp_login_url", login_url), ("idp_issuer", issuer)):
            if not value:
                problems[name] = "is required"
        for name, value in (("idp_login_url", login_url), ("idp_logout_url", logout_url)):
            parts = urlsplit(value)
            if value and (parts.scheme not in ("https", "http") or not parts.hostname):
                problems[name] = "is not a URL (https://…)"
        certificates = self.settings.idp.certificates if self.settings.idp else []
        if certificate and not _certificate_form_matches(self.app.sso.certificate, certificate):
            # The tutorial says which download the app takes (Certificate (Base64) or (Raw)).
            problems["certificate"] = f"must be the Certificate ({self.app.sso.certificate})"
        elif certificate:
            try:
                certificates = [certificate_from_upload(certificate)]
            except ValueError:
                problems["certificate"] = (
                    "is not a certificate file: upload the Certificate (Base64) or "
                    "Certificate (Raw) downloaded from Microsoft Entra ID"
                )
        elif not certificates:
            problems["certificate"] = (
                "is required: upload the Certificate (Base64) downloaded from Microsoft Entra ID"
            )
        if problems:
            raise SettingError(problems)
        return IdpSettings(issuer, login_url, logout_url or None, certificates)

    def create_user(
        self, email: str, display_name: str, active: bool = True, user_name: str | None = None
    ) -> VendorUser:
        """Create <vendor> test user (by support, or on the People page): a name and an email;
        a second user with the same email raises ValueError from the directory."""
        email, display_name = email.strip(), display_name.strip()
        problems: dict[str, str] = {}
        if not display_name:
            problems["display_name"] = "is required"
        if not email:
            problems["email"] = "is required"
        elif not EMAIL.fullmatch(email):
            problems["email"] = "is not an email address"
        if problems:
            raise SettingError(problems)
        user = VendorUser(email, display_name, active, user_name=(user_name or "").strip() or None)
        with self.lock:
            return self.directory.add(user)

    # SAML
    def policy(self) -> AcsPolicy:
        if self.settings.idp is None:
            raise AcsRefusal("not_configured", "single sign-on is not configured for this account")
        audiences = self.audiences()
        return AcsPolicy(
            entity_id=audiences[0],
            extra_audiences=audiences[1:],
            acs_url=self.acs_url,
            idp=self.settings.idp,
            allow_unsolicited="idp" in self.app.sso.modes,
            required_signature=self.app.sso.required_signature,
            allowed_algorithms=frozenset(self.app.sso.signature_algorithms),
            decryption_key_pem=self._encryption[0] if self._encryption else None,
        )

    def find_user(self, assertion: SignedInAssertion) -> VendorUser:
        user = self.directory.find_by_login(assertion.name_id)
        if user is None:
            raise AcsRefusal("unknown_user", f"no {self.app.name} user {assertion.name_id}")
        return user

    def check_claims(self, assertion: SignedInAssertion) -> None:
        """An imported tutorial's claims table: the app expects each claim in the Response."""
        if not self.app.sso.require_claims:
            return
        for claim in self.app.sso.claims:
            name = claim["name"]
            namespace = claim.get("namespace")
            full = f"{namespace.rstrip('/')}/{name}" if namespace else name
            if not assertion.attributes.get(full):
                raise AcsRefusal("missing_attribute", f"the Response has no {full} claim")

    def user_for(self, assertion: SignedInAssertion) -> VendorUser:
        """The user the Response names; with just-in-time provisioning (gallery `jit`), one the
        vendor does not know yet is created from the Response (NameID as login and email)."""
        try:
            return self.find_user(assertion)
        except AcsRefusal as refusal:
            if not self.app.sso.jit or refusal.check != "unknown_user":
                raise
        name_id = assertion.name_id
        display = (assertion.attributes.get(DISPLAY_NAME_CLAIM) or [name_id])[0]
        email = name_id if EMAIL.fullmatch(name_id) else f"{name_id}@jit.invalid"
        with self.lock:
            return self.directory.add(VendorUser(email.lower(), display, True, user_name=name_id))

    def record(self, event: AcsEvent) -> None:
        self.events.append(event)

    def consume(self, saml_response: str, relay_state: str | None) -> tuple[str, SpSession]:
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
            self.check_claims(assertion)
            user = self.user_for(assertion)
            if not user.active:
                raise AcsRefusal(
                    "inactive_user", f"the {self.app.name} user {user.email} is not active"
                )
        except AcsRefusal as refusal:
            self.record(AcsEvent(False, refusal.check, refusal.detail))
            raise
        if assertion.in_response_to:
            self.outstanding_requests.discard(assertion.in_response_to)
        self.record(AcsEvent(True, None, "signed in", user.email, assertion.attributes))
        session_id = uuid4().hex
        session = SpSession(user, assertion, relay_state)
        with self.lock:
            self.sessions[session_id] = session
        return session_id, session

    def start_sign_on(self, relay_state: str | None = None) -> str:
        """SP-initiated: an AuthnRequest to the IdP's sign-in URL (HTTP-Redirect)."""
        if "sp" not in self.app.sso.modes:
            raise AcsRefusal(
                "idp_initiated_only",
                f"{self.app.name} does not support SP-initiated sign-on; start "
                "from Microsoft My Apps or the identity provider",
            )
        idp = self.settings.idp
        if idp is None or not self.settings.sso_enabled:
            raise AcsRefusal("not_configured", "single sign-on is not configured for this account")
        identifier = request_id()
        message = authn_request(
            identifier, self.issuer, idp.sso_url, self.acs_url, self.clock.now()
        )
        with self.lock:
            self.outstanding_requests.add(identifier)
        return redirect_url(idp.sso_url, "SAMLRequest", message, relay_state)

    def sign_out(self, session_id: str) -> str | None:
        """Sign Out: end the session here and send a LogoutRequest to the IdP Logout URL."""
        with self.lock:
            session = self.sessions.pop(session_id, None)
        idp = self.settings.idp
        if session is None or idp is None or not idp.slo_url:
            return None
        identifier = request_id()
        message = logout_request(
            identifier,
            self.entity_id,
            idp.slo_url,
            session.assertion.name_id,
            session.assertion.name_id_format,
            session.assertion.session_index,
            self.clock.now(),
        )
        with self.lock:
            self.outstanding_logouts.add(identifier)
        return redirect_url(idp.slo_url, "SAMLRequest", message)

    def receive_logout(
        self, saml_request: str | None, saml_response: str | None, relay_state: str | None = None
    ) -> str | None:
        """The SP's logout endpoint: an IdP LogoutRequest ends the user's sessions here and is
        answered with a LogoutResponse; a LogoutResponse completes our own Sign Out."""
        message = read_logout(saml_request or saml_response or "")
        idp = self.settings.idp
        # ENTRA-BEHAVIOUR §6: Entra's LogoutResponse Issuer is https://login.microsoftonline.com/
        # {tid}/, not its entity id; a careful SP accepts both for its configured IdP.
        issuers = {idp.entity_id, idp.sso_url.removesuffix("saml2")} if idp else set()
        if idp is None or message.issuer not in issuers:
            self.record(
                AcsEvent(
                    False, "issuer", f"{message.kind} from {message.issuer}", kind=message.kind
                )
            )
            raise AcsRefusal("issuer", f"{message.kind} from an unknown issuer {message.issuer}")
        if message.kind == "LogoutResponse":
            known = message.in_response_to in self.outstanding_logouts
            self.outstanding_logouts.discard(message.in_response_to or "")
            self.record(
                AcsEvent(
                    known,
                    None if known else "in_response_to",
                    f"LogoutResponse {message.status}",
                    kind=message.kind,
                )
            )
            return None
        with self.lock:
            ended = [
                sid for sid, s in self.sessions.items() if s.assertion.name_id == message.name_id
            ]
            for sid in ended:
                del self.sessions[sid]
        self.record(
            AcsEvent(
                True,
                None,
                f"LogoutRequest ended {len(ended)} session(s)",
                message.name_id,
                kind=message.kind,
            )
        )
        reply = logout_response(
            request_id(), self.entity_id, idp.slo_url or idp.sso_url, message.id, self.clock.now()
        )
        # SAML Bindings §3.4.3: the RelayState received goes back unchanged.
        return redirect_url(idp.slo_url or idp.sso_url, "SAMLResponse", reply, relay_state)

    def sp_metadata(self) -> bytes:
        """Step 2 'Download': the SP metadata the admin uploads into Basic SAML Configuration."""
        root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD}, entityID=self.entity_id)
        sp = etree.SubElement(
            root,
            f"{{{MD}}}SPSSODescriptor",
            AuthnRequestsSigned="false",
            # What its ACS enforces: an SP that takes a Response signature alone does not want
            # signed assertions (check-sp holds an SP to what its metadata says).
            WantAssertionsSigned="true"
            if self.app.sso.required_signature == "assertion"
            else "false",
            protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
        )
        if self.logout_url:
            etree.SubElement(
                sp, f"{{{MD}}}SingleLogoutService", Binding=REDIRECT, Location=self.logout_url
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
                "sign_on_url": self.region.sign_on_url,
                "logout_url": self.logout_url,
                "issuer": self.issuer,
                "idp": asdict(idp) if idp else None,
                "email_attribute": self.settings.email_attribute,
                "sso_enabled": self.settings.sso_enabled,
                "allow_password_login": self.settings.allow_password_login,
                "relying_party_identifier": self.settings.relying_party_identifier,
                "organization_name": self.settings.organization_name,
                "users": [u.as_dict() for u in self.directory.users.values()],
                "sessions": len(self.sessions),
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


class ClaimSp(ServiceProvider):
    """Genesys Cloud: the `Email` claim names an existing person and `OrganizationName` must be
    the organization's name (tutorial 004)."""

    def find_user(self, assertion: SignedInAssertion) -> VendorUser:
        claim = self.app.sso.user_claim or "Email"
        emails = assertion.attributes.get(claim, [])
        if not emails:
            raise AcsRefusal("missing_attribute", f"the Response has no {claim} claim")
        organization_claim = self.app.sso.organization_claim
        if organization_claim:
            organization = assertion.attributes.get(organization_claim, [None])[0]
            if organization != self.settings.organization_name:
                raise AcsRefusal(
                    "organization",
                    f"{organization_claim} {organization!r} is not this organization "
                    f"({self.settings.organization_name!r})",
                )
        user = self.directory.find_by_email(emails[0])
        if user is None:
            raise AcsRefusal("unknown_user", f"no {self.app.name} person with email {emails[0]}")
        return user
