"""Claims in the SAML assertion: the always-present ones, then the app's Attributes & Claims
(ENTRA-BEHAVIOUR §5; docs "Customize claims issued in the SAML token for enterprise applications")."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import TenantError

if TYPE_CHECKING:
    from .directory import User

XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
MS_IDENTITY = "http://schemas.microsoft.com/identity/claims"
PASSWORD_METHOD = "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
GROUPS_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
GROUPS_LINK_CLAIM = "http://schemas.microsoft.com/claims/groups.link"
ROLE_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
NAMEID_FORMATS = {
    "emailAddress": NAMEID_EMAIL,
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "WindowsDomainQualifiedName": "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
}
# Docs "Groups claim": over 150 groups the token carries a link to Graph instead.
GROUPS_OVERAGE = 150
MAX_TRANSFORMATIONS = 2

# Docs "Claims customization restrictions" (restricted claim set): cannot be added or edited.
RESTRICTED_CLAIMS = frozenset(
    {
        f"{MS_IDENTITY}/tenantid",
        f"{MS_IDENTITY}/objectidentifier",
        f"{MS_IDENTITY}/identityprovider",
        f"{MS_IDENTITY}/displayname",
        "http://schemas.microsoft.com/claims/authnmethodsreferences",
        f"{XMLSOAP}/nameidentifier",
        GROUPS_CLAIM,
        GROUPS_LINK_CLAIM,
        ROLE_CLAIM,
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationinstant",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationmethod",
        "http://schemas.microsoft.com/identity/claims/scope",
    }
)

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
    "user.usertype": lambda u: u.user_type,
}


class ClaimError(TenantError, ValueError):
    """A claim configuration the portal refuses, with the message it shows."""


def resolve(reference: str, user: User) -> str | None:
    """A source: a user attribute ("user.mail") or, for anything else, the literal constant."""
    getter = USER_ATTRIBUTES.get(reference.lower())
    return getter(user) if getter else reference


def _match_output(matched: bool, parameters: dict[str, str], value: str, user: User) -> str | None:
    chosen = parameters.get("output") if matched else parameters.get("else_output")
    if chosen is None:
        return value if matched else None
    return resolve(chosen, user)


def _extract(value: str, parameters: dict[str, str]) -> str | None:
    after, before = parameters.get("after"), parameters.get("before")
    if after is not None:
        if after not in value:
            return None
        value = value.split(after, 1)[1]
    if before is not None:
        if before not in value:
            return None
        value = value.split(before, 1)[0]
    return value


# name -> f(value, parameters, user). Docs "Claims transformations" in the SAML claims page.
TRANSFORMATIONS: dict[str, Callable[[str | None, dict[str, str], User], str | None]] = {
    "ExtractMailPrefix": lambda v, p, u: v.split("@", 1)[0] if v else v,
    "Join": lambda v, p, u: f"{v}{p.get('separator', '')}{resolve(p['with'], u) or ''}" if v else v,
    "ToLowercase": lambda v, p, u: v.lower() if v else v,
    "ToUppercase": lambda v, p, u: v.upper() if v else v,
    "RegexReplace": lambda v, p, u: re.sub(p["pattern"], p.get("replacement", ""), v) if v else v,
    "Contains": lambda v, p, u: _match_output(bool(v) and p["value"] in (v or ""), p, v or "", u),
    "StartWith": lambda v, p, u: _match_output((v or "").startswith(p["value"]), p, v or "", u),
    "EndWith": lambda v, p, u: _match_output((v or "").endswith(p["value"]), p, v or "", u),
    "IfEmpty": lambda v, p, u: v if v else resolve(p["output"], u),
    "IfNotEmpty": lambda v, p, u: resolve(p["output"], u) if v else v,
    "Substring": lambda v, p, u: (
        v[int(p.get("start", 0)) : int(p.get("start", 0)) + int(p["length"])] if v else v
    ),
    "Extract": lambda v, p, u: _extract(v, p) if v else v,
}


@dataclass
class Transformation:
    method: str
    parameters: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in TRANSFORMATIONS:
            raise ClaimError(
                f"Unknown transformation '{self.method}'; "
                f"supported: {', '.join(sorted(TRANSFORMATIONS))}"
            )


@dataclass
class ClaimRule:
    """One row of Attributes & Claims: Name, Namespace and where the value comes from."""

    name: str
    source: str
    namespace: str | None = None
    constant: bool = False
    transformations: list[Transformation] = field(default_factory=list)

    @property
    def claim_type(self) -> str:
        """The emitted Attribute Name: `{namespace}/{name}`, or just the name."""
        return f"{self.namespace.rstrip('/')}/{self.name}" if self.namespace else self.name

    def value(self, user: User) -> str | None:
        value = self.source if self.constant else USER_ATTRIBUTES[self.source.lower()](user)
        for transformation in self.transformations:
            value = TRANSFORMATIONS[transformation.method](value, transformation.parameters, user)
        return value

    def validate(self) -> None:
        if not self.name.strip():
            raise ClaimError("The claim name is required.")
        if self.claim_type in RESTRICTED_CLAIMS:
            raise ClaimError(f"'{self.claim_type}' is a restricted claim and cannot be modified.")
        if not self.constant and self.source.lower() not in USER_ATTRIBUTES:
            raise ClaimError(f"Unknown source attribute '{self.source}'.")
        if len(self.transformations) > MAX_TRANSFORMATIONS:
            raise ClaimError("A claim can have at most two transformations.")


@dataclass
class NameIdRule:
    """Unique User Identifier (Name ID): its source and format (emailAddress by default)."""

    source: str = "user.userprincipalname"
    format: str = NAMEID_EMAIL


def default_claim_rules() -> list[ClaimRule]:
    """The default set of a new SAML app, in the portal's order (ENTRA-BEHAVIOUR §5)."""
    return [
        ClaimRule("givenname", "user.givenname", XMLSOAP),
        ClaimRule("surname", "user.surname", XMLSOAP),
        ClaimRule("emailaddress", "user.mail", XMLSOAP),
        ClaimRule("name", "user.userprincipalname", XMLSOAP),
    ]


@dataclass
class ClaimsPolicy:
    rules: list[ClaimRule] = field(default_factory=default_claim_rules)
    name_id: NameIdRule = field(default_factory=NameIdRule)
    # Groups claim: None, "SecurityGroup", "All" or "ApplicationGroup" (assigned groups only).
    groups: str | None = None
    include_attribute_name_format: bool = False

    def add(self, rule: ClaimRule) -> None:
        rule.validate()
        if any(r.claim_type == rule.claim_type for r in self.rules):
            raise ClaimError(f"A claim named '{rule.claim_type}' already exists.")
        self.rules.append(rule)

    def replace(self, claim_type: str, rule: ClaimRule) -> None:
        rule.validate()
        for index, existing in enumerate(self.rules):
            if existing.claim_type == claim_type:
                self.rules[index] = rule
                return
        raise ClaimError(f"No claim named '{claim_type}'.")

    def remove(self, claim_type: str) -> None:
        kept = [r for r in self.rules if r.claim_type != claim_type]
        if len(kept) == len(self.rules):
            raise ClaimError(f"No claim named '{claim_type}'.")
        self.rules = kept


Claim = tuple[str, list[str]]


def issued_claims(
    tenant_id: str,
    issuer: str,
    user: User,
    policy: ClaimsPolicy,
    group_ids: Sequence[str] = (),
    roles: Sequence[str] = (),
) -> list[Claim]:
    """The attribute statement in Entra's order; empty sources are not emitted (§5).

    `group_ids` are the groups the groups claim may carry (already filtered by the policy's
    groups setting), `roles` the assigned app roles' values.
    """
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
            claims.append((rule.claim_type, [value]))
    if policy.groups and group_ids:
        if len(group_ids) > GROUPS_OVERAGE:
            link = f"https://graph.windows.net/{tenant_id}/users/{user.id}/getMemberObjects"
            claims.append((GROUPS_LINK_CLAIM, [link]))
        else:
            claims.append((GROUPS_CLAIM, list(group_ids)))
    if roles:
        claims.append((ROLE_CLAIM, list(roles)))
    return [(name, [v for v in values if v]) for name, values in claims if any(values)]


def name_id_value(user: User, policy: ClaimsPolicy) -> str:
    """Transient NameIDs are new on every sign-in; others come from the configured source."""
    if policy.name_id.format == NAMEID_FORMATS["transient"]:
        return "_" + uuid.uuid4().hex
    value = resolve(policy.name_id.source, user)
    return value or user.user_principal_name
