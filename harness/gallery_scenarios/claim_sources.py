"""Entra claim sources ("user.<attribute>") as Graph user properties, and test values to give B.Simon."""

from __future__ import annotations

# The portal's claim sources (mock_idp.claims.USER_ATTRIBUTES) -> the Graph property each reads.
GRAPH_PROPERTY = {
    "user.userprincipalname": "userPrincipalName",
    "user.displayname": "displayName",
    "user.givenname": "givenName",
    "user.surname": "surname",
    "user.mail": "mail",
    "user.mailnickname": "mailNickname",
    "user.objectid": "id",
    "user.jobtitle": "jobTitle",
    "user.department": "department",
    "user.employeeid": "employeeId",
    "user.telephonenumber": "businessPhones",
    "user.mobilephone": "mobilePhone",
    "user.streetaddress": "streetAddress",
    "user.city": "city",
    "user.state": "state",
    "user.postalcode": "postalCode",
    "user.country": "country",
}
# Values for the properties B.Simon lacks (harness.clients.people.b_simon has names and mail), so
# that every claim a tutorial lists has a value and is sent (Entra leaves out empty claims).
TEST_VALUES = {
    "jobTitle": "Sales Manager",
    "department": "Sales",
    "employeeId": "1001",
    "businessPhones": "+1 425 555 0101",
    "mobilePhone": "+1 425 555 0100",
    "streetAddress": "1 Microsoft Way",
    "city": "Redmond",
    "state": "WA",
    "postalCode": "98052",
    "country": "US",
}


def graph_property(source: str) -> str | None:
    return GRAPH_PROPERTY.get(source.strip().lower())
