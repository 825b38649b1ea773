"""Federation metadata documents of the tenant and of each app (ENTRA-BEHAVIOUR §2)."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from .certificates import SigningCertificate
from .entra_xml import tostring
from .ids import saml_id
from .xml_signing import SigningKey, sign_enveloped

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FED = "http://docs.oasis-open.org/wsfed/federation/200706"
AUTH = "http://docs.oasis-open.org/wsfed/authorization/200706"
WSA = "http://www.w3.org/2005/08/addressing"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BOM = "\ufeff"

# The 19 ClaimTypesOffered of the real document, in its order and words (a tenant"s metadata
# captured in 2022, quoted in devingen/kimlik-api"s SAML service controller; issue 19).
OFFERED_CLAIMS = [
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "Name",
        "The mutable display name of the user.",
    ),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
        "Subject",
        "An immutable, globally unique, non-reusable identifier of the user that is unique to the "
        "application for which a token is issued.",
    ),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "Given Name",
        "First name of the user.",
    ),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "Surname",
        "Last name of the user.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/displayname",
        "Display Name",
        "Display name of the user.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/nickname",
        "Nick Name",
        "Nick name of the user.",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationinstant",
        "Authentication Instant",
        "The time (UTC) when the user is authenticated to Windows Azure Active Directory.",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationmethod",
        "Authentication Method",
        "The method that Windows Azure Active Directory uses to authenticate users.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
        "ObjectIdentifier",
        "Primary identifier for the user in the directory. Immutable, globally unique, non-reusable.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/tenantid",
        "TenantId",
        "Identifier for the user's tenant.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/identityprovider",
        "IdentityProvider",
        "Identity provider for the user.",
    ),
    (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "Email",
        "Email address of the user.",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "Groups",
        "Groups of the user.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/accesstoken",
        "External Access Token",
        "Access token issued by external identity provider.",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/expiration",
        "External Access Token Expiration",
        "UTC expiration time of access token issued by external identity provider.",
    ),
    (
        "http://schemas.microsoft.com/identity/claims/openid2_id",
        "External OpenID 2.0 Identifier",
        "OpenID 2.0 identifier issued by external identity provider.",
    ),
    (
        "http://schemas.microsoft.com/claims/groups.link",
        "GroupsOverageClaim",
        "Issued when number of user's group claims exceeds return limit.",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        "Role Claim",
        "Roles that the user or Service Principal is attached to",
    ),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/wids",
        "RoleTemplate Id Claim",
        "Role template id of the Built-in Directory Roles that the user is a member of",
    ),
]


def _key_descriptor(parent: etree._Element, certificate: SigningCertificate) -> None:
    descriptor = etree.SubElement(parent, f"{{{MD}}}KeyDescriptor", use="signing")
    key_info = etree.SubElement(descriptor, f"{{{DS}}}KeyInfo", nsmap={None: DS})
    x509_data = etree.SubElement(key_info, f"{{{DS}}}X509Data")
    etree.SubElement(x509_data, f"{{{DS}}}X509Certificate").text = certificate.base64


def _endpoint(parent: etree._Element, tag: str, address: str) -> None:
    holder = etree.SubElement(parent, f"{{{FED}}}{tag}")
    reference = etree.SubElement(holder, f"{{{WSA}}}EndpointReference", nsmap={"wsa": WSA})
    etree.SubElement(reference, f"{{{WSA}}}Address").text = address


def _role_descriptor(
    root: etree._Element, kind: str, certificates: Sequence[SigningCertificate]
) -> etree._Element:
    role = etree.SubElement(
        root,
        f"{{{MD}}}RoleDescriptor",
        {f"{{{XSI}}}type": f"fed:{kind}", "protocolSupportEnumeration": FED},
        nsmap={"xsi": XSI, "fed": FED},
    )
    for certificate in certificates:
        _key_descriptor(role, certificate)
    return role


def build_metadata(
    tenant_id: str,
    issuer: str,
    login_base: str,
    certificates: Sequence[SigningCertificate],
    signing_key: SigningKey,
) -> etree._Element:
    """EntityDescriptor signed as a whole, two WS-Fed RoleDescriptors, then the IDPSSODescriptor."""
    saml2 = f"{login_base}/{tenant_id}/saml2"
    wsfed = f"{login_base}/{tenant_id}/wsfed"
    root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={None: MD})
    root.set("ID", saml_id())
    root.set("entityID", issuer)

    sts = _role_descriptor(root, "SecurityTokenServiceType", certificates)
    offered = etree.SubElement(sts, f"{{{FED}}}ClaimTypesOffered")
    for uri, display, description in OFFERED_CLAIMS:
        claim = etree.SubElement(offered, f"{{{AUTH}}}ClaimType", Uri=uri, nsmap={"auth": AUTH})
        etree.SubElement(claim, f"{{{AUTH}}}DisplayName").text = display
        etree.SubElement(claim, f"{{{AUTH}}}Description").text = description
    _endpoint(sts, "SecurityTokenServiceEndpoint", wsfed)
    _endpoint(sts, "PassiveRequestorEndpoint", wsfed)

    application = _role_descriptor(root, "ApplicationServiceType", certificates)
    _endpoint(application, "TargetScopes", issuer)
    _endpoint(application, "ApplicationServiceEndpoint", wsfed)
    _endpoint(application, "PassiveRequestorEndpoint", wsfed)

    idp = etree.SubElement(
        root,
        f"{{{MD}}}IDPSSODescriptor",
        protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
    )
    for certificate in certificates:
        _key_descriptor(idp, certificate)
    etree.SubElement(idp, f"{{{MD}}}SingleLogoutService", Binding=REDIRECT, Location=saml2)
    etree.SubElement(idp, f"{{{MD}}}SingleSignOnService", Binding=REDIRECT, Location=saml2)
    etree.SubElement(idp, f"{{{MD}}}SingleSignOnService", Binding=POST, Location=saml2)

    sign_enveloped(root, signing_key, "sha256")  # first child, before the RoleDescriptors
    return root


def serialize_metadata(root: etree._Element, with_bom: bool) -> bytes:
    """Entra's bytes: `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID=… entityID=…
    xmlns=…>` on one line, empty elements as `<… />` (.NET's XmlWriter; capture, issue 19). The
    ?appid= variant starts with a UTF-8 byte-order mark (docs warn SPs to tolerate it)."""
    body = tostring(root, xml_declaration=True, space_before_empty_end=True)
    return (BOM.encode() if with_bom else b"") + body
