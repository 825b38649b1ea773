"""Claims issued in the SAML assertion: the always-present ones, then the app's Attributes & Claims."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .directory import User

XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
MS_IDENTITY = "http://schemas.microsoft.com/identity/claims"
PASSWORD_METHOD = "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

# Claim sources as the portal names them ("user.<attribute>").
USER_ATTRIBUTES: dict[str, Callable[[User], str | None]] = {
    "user.userprincipalname": lambda u: u.user_principal_name,
    "user.displayname": lambda u: u.display_name,
    "user.givenname": lambda u: u.given_name,
    "user.surname": lambda u: u.surname,
    "user.mail": lambda u: u.mail,
    "user.mailnickname": lambda u: u.mail_nickname,
    "user.objectid": lambda u: u.id,
    "user.jobtitle": lambda u: u.job_title,
    "user.department": lambda u: u.department,
    "user.employeeid": lambda u: u.employee_id,
    "user.telephonenumber": lambda u: u.business_phone,
    "user.mobilephone": lambda u: u.mobile_phone,
    "user.streetaddress": lambda u: u.street_address,
    "user.city": lambda u: u.city,
    "user.state": lambda u: u.state,
    "user.postalcode": lambda u: u.postal_code,
    "user.country": lambda u: u.country,
}


@dataclass
class ClaimRule:
    """One row of Attributes & Claims: the emitted name and where its value comes from."""

    name: str
    source: str
    constant: bool = False

    def value(self, user: User) -> str | None:
        if self.constant:
            return self.source
        return USER_ATTRIBUTES[self.source](user)


@dataclass
class NameIdRule:
    source: str = "user.userprincipalname"
    format: str = NAMEID_EMAIL


def default_claim_rules() -> list[ClaimRule]:
    """The default set of a new SAML app, in the portal's order (ENTRA-BEHAVIOUR §5)."""
    return [
        ClaimRule(f"{XMLSOAP}/givenname", "user.givenname"),
        ClaimRule(f"{XMLSOAP}/surname", "user.surname"),
        ClaimRule(f"{XMLSOAP}/emailaddress", "user.mail"),
        ClaimRule(f"{XMLSOAP}/name", "user.userprincipalname"),
    ]


@dataclass
class ClaimsPolicy:
    rules: list[ClaimRule] = field(default_factory=default_claim_rules)
    name_id: NameIdRule = field(default_factory=NameIdRule)


Claim = tuple[str, list[str]]


def issued_claims(tenant_id: str, issuer: str, user: User, policy: ClaimsPolicy) -> list[Claim]:
    """The attribute statement's claims in Entra's order; empty sources are not emitted (§5)."""
    claims: list[Claim] = [
        (f"{MS_IDENTITY}/tenantid", [tenant_id]),
        (f"{MS_IDENTITY}/objectidentifier", [user.id]),
        (f"{MS_IDENTITY}/displayname", [user.display_name]),
        (f"{MS_IDENTITY}/identityprovider", [issuer]),
        ("http://schemas.microsoft.com/claims/authnmethodsreferences", [PASSWORD_METHOD]),
    ]
    for rule in policy.rules:
        value = rule.value(user)
        if value:
            claims.append((rule.name, [value]))
    return [(name, values) for name, values in claims if any(values)]


def name_id_value(user: User, policy: ClaimsPolicy) -> str:
    value = USER_ATTRIBUTES[policy.name_id.source](user)
    return value or user.user_principal_name
