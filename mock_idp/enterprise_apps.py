"""Enterprise applications: Basic SAML Configuration, roles, assignments, signing certificates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .certificates import SigningCertificate
from .claims import ClaimsPolicy
from .errors import CertificateNotFound
from .ids import new_guid
from .xml_signing import SigningAlgorithm

SigningOption = Literal["assertion", "response", "both"]

# Docs "Configure the role claim": an app with no roles of its own offers "Default Access".
DEFAULT_ACCESS_ROLE_ID = "18d14569-c3bd-439b-9a66-3a2aee01d14f"
DEFAULT_ACCESS_VALUE = "msiam_access"


@dataclass
class AppRole:
    id: str
    display_name: str
    value: str | None


@dataclass
class ReplyUrl:
    """A Reply URL (Assertion Consumer Service URL) with its index and Default mark."""

    url: str
    index: int = 0
    is_default: bool = False


@dataclass
class Assignment:
    principal_id: str
    app_role_id: str
    id: str = field(default_factory=new_guid)
    principal_type: Literal["User", "Group"] = "User"


@dataclass
class EnterpriseApp:
    """An application object and its service principal, as one portal 'enterprise app'."""

    display_name: str
    gallery_key: str | None = None
    app_id: str = field(default_factory=new_guid)
    object_id: str = field(default_factory=new_guid)
    application_object_id: str = field(default_factory=new_guid)
    identifiers: list[str] = field(default_factory=list)
    reply_urls: list[ReplyUrl] = field(default_factory=list)
    sign_on_url: str | None = None
    relay_state: str | None = None
    logout_url: str | None = None
    preferred_sso_mode: str | None = None
    assignment_required: bool = True
    visible_to_users: bool = True
    app_roles: list[AppRole] = field(
        default_factory=lambda: [AppRole(DEFAULT_ACCESS_ROLE_ID, "Default Access", None)]
    )
    assignments: list[Assignment] = field(default_factory=list)
    certificates: list[SigningCertificate] = field(default_factory=list)
    signing_option: SigningOption = "assertion"
    signing_algorithm: SigningAlgorithm = "sha256"
    claims: ClaimsPolicy = field(default_factory=ClaimsPolicy)
    claims_mapping_policy_id: str | None = None
    # Single sign-on > "Require verification certificates": unsigned AuthnRequests are refused.
    require_signed_requests: bool = False
    # Token encryption: the SP certificate the admin uploaded (PEM); None: not encrypted.
    encryption_certificate_pem: str | None = None

    @property
    def active_certificate(self) -> SigningCertificate | None:
        return next((cert for cert in self.certificates if cert.active), None)

    def add_certificate(self, certificate: SigningCertificate) -> None:
        """New certificates start inactive unless the app has none active (portal behaviour)."""
        certificate.active = self.active_certificate is None
        self.certificates.append(certificate)

    def activate_certificate(self, thumbprint: str) -> SigningCertificate:
        wanted = thumbprint.upper()
        chosen = next((c for c in self.certificates if c.thumbprint == wanted), None)
        if chosen is None:
            raise CertificateNotFound(f"no certificate with thumbprint {thumbprint}")
        for certificate in self.certificates:
            certificate.active = certificate is chosen
        return chosen

    def default_reply_url(self) -> str | None:
        """The reply URL for IdP-initiated sign-in: the Default one, or the only one.

        Docs "Basic SAML Configuration": with several reply URLs and none Default, IdP-initiated
        sign-in has no target.
        """
        marked = [reply for reply in self.reply_urls if reply.is_default]
        if marked:
            return marked[0].url
        if len(self.reply_urls) == 1:
            return self.reply_urls[0].url
        return None

    def role(self, role_id: str) -> AppRole:
        for role in self.app_roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def assignments_of(self, principal_ids: set[str]) -> list[Assignment]:
        return [a for a in self.assignments if a.principal_id in principal_ids]
