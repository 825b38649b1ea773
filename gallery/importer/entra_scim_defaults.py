"""Entra's default SCIM attribute mapping (the source side of a tutorial's target-only attribute tables).

From Microsoft's "Tutorial: Develop and plan provisioning for a SCIM endpoint", table "Default user and
group attribute mappings" (the customappsso template that gallery SCIM apps start from).
"""

from __future__ import annotations

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"

USER_SOURCES = {
    "userName": "userPrincipalName",
    "active": 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
    "displayName": "displayName",
    "title": "jobTitle",
    'emails[type eq "work"].value': "mail",
    "preferredLanguage": "preferredLanguage",
    "name.givenName": "givenName",
    "name.familyName": "surname",
    "name.formatted": 'Join(" ", [givenName], [surname])',
    'addresses[type eq "work"].formatted': "physicalDeliveryOfficeName",
    'addresses[type eq "work"].streetAddress': "streetAddress",
    'addresses[type eq "work"].locality': "city",
    'addresses[type eq "work"].region': "state",
    'addresses[type eq "work"].postalCode': "postalCode",
    'addresses[type eq "work"].country': "country",
    'phoneNumbers[type eq "work"].value': "telephoneNumber",
    'phoneNumbers[type eq "mobile"].value': "mobile",
    'phoneNumbers[type eq "fax"].value': "facsimileTelephoneNumber",
    "externalId": "mailNickname",
    ENTERPRISE + "employeeNumber": "employeeId",
    ENTERPRISE + "department": "department",
    ENTERPRISE + "manager": "manager",
}
GROUP_SOURCES = {"displayName": "displayName", "externalId": "objectId", "members": "members"}


def _normal(name: str) -> str:
    return name.replace(" ", "").replace("'", '"').lower()


_USERS = {_normal(k): v for k, v in USER_SOURCES.items()}
_GROUPS = {_normal(k): v for k, v in GROUP_SOURCES.items()}


def default_source(target: str, group: bool = False) -> str | None:
    """The Entra attribute or expression the default mapping sends to `target`; None: not mapped by default."""
    return (_GROUPS if group else _USERS).get(_normal(target))
