"""Sign-in behaviour of the tenant end to end over HTTP (screenless browser, real vendor SP):
group assignments, roles and groups claims, custom claims, NameID formats, token encryption."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from lxml import etree

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.serving.stack import DEMO_PASSWORD

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ACS = "https://sso.8x8.com/saml2"
ROLE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"


@dataclass
class World:
    harness: Harness
    app: AppHandle
    user_id: str

    def graph(self, method: str, path: str, **kwargs: object) -> dict:  # type: ignore[type-arg]
        response = self.harness.http.request(
            method,
            "https://graph.microsoft.com/v1.0" + path,
            headers=self.harness.admin.headers,
            **kwargs,
        )  # type: ignore[arg-type]
        response.raise_for_status()
        return response.json() if response.content else {}

    def group(self, name: str, *members: str) -> str:
        group = self.graph("POST", "/groups", json={"displayName": name})
        for member in members:
            self.graph(
                "POST",
                f"/groups/{group['id']}/members/$ref",
                json={"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{member}"},
            )
        return str(group["id"])

    def sign_in(self) -> tuple[etree._Element | None, str]:
        """IdP-initiated through the user access URL: the Response the tenant posts (None when
        it answered with its error page) and the page text."""
        tenant = self.harness.stack.tenant
        browser = HttpBrowser(self.harness.stack.http_client())
        try:
            page = browser.get(tenant.user_access_url(tenant.find_app(self.app.app_id)))
            page = browser.sign_in(page, "B.Simon@contoso.com", DEMO_PASSWORD)
            form = next((f for f in forms_of(page) if "SAMLResponse" in f.fields), None)
            if form is None:
                return None, page.text
            landing = browser.submit(form)
            return etree.fromstring(base64.b64decode(form.fields["SAMLResponse"])), landing.text
        finally:
            browser.close()


def attributes(response: etree._Element) -> dict[str, list[str]]:
    return {
        a.get("Name", ""): [v.text or "" for v in a.findall(f"{{{SAML}}}AttributeValue")]
        for a in response.iter(f"{{{SAML}}}Attribute")
    }


@pytest.fixture
def world(harness: Harness) -> World:
    """8x8 (tutorial 002) with B.Simon existing on both sides, not yet assigned."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(app, [ACS], [ACS])
    configure_vendor_sso(harness, "8x8", "global", app)
    create_vendor_user(harness, "8x8", "global", person)
    return World(harness, app, user["id"])


def test_unassigned_user_gets_aadsts50105_on_entras_error_page(world: World) -> None:
    response, page = world.sign_in()
    assert response is None
    assert "AADSTS50105" in page and "Request Id" in page and "Correlation Id" in page


def test_a_group_assignment_grants_access_but_a_nested_group_does_not(world: World) -> None:
    inner = world.group("Inner", world.user_id)
    outer = world.group("Outer", inner)
    world.harness.admin.assign(world.app, outer)
    response, page = world.sign_in()
    assert response is None and "AADSTS50105" in page, "nested membership must not count"
    world.harness.admin.assign(world.app, inner)
    response, page = world.sign_in()
    assert response is not None and "Signed in as" in page


def test_role_and_groups_claims(world: World) -> None:
    world.graph(
        "PATCH",
        f"/applications/{world.app.application_id}",
        json={
            "appRoles": [
                {
                    "id": "2a5b6c7d-8e9f-4a1b-9c2d-3e4f5a6b7c8d",
                    "displayName": "Supervisor",
                    "value": "supervisor",
                }
            ]
        },
    )
    world.harness.admin.assign(world.app, world.user_id, "2a5b6c7d-8e9f-4a1b-9c2d-3e4f5a6b7c8d")
    sales = world.group("Sales", world.user_id)
    emea = world.group("EMEA", sales)
    world.harness.admin_center.set_groups_claim(world.app, "SecurityGroup")
    response, _ = world.sign_in()
    assert response is not None
    claims = attributes(response)
    assert claims[ROLE] == ["supervisor"]
    assert sorted(claims[GROUPS]) == sorted([sales, emea]), "groups claim is transitive"
    world.harness.admin_center.set_groups_claim(world.app, "ApplicationGroup")
    response, _ = world.sign_in()
    assert response is not None and GROUPS not in attributes(response)


def test_custom_claims_with_namespace_constant_and_transformations(world: World) -> None:
    world.harness.admin.assign(world.app, world.user_id)
    center = world.harness.admin_center
    center.add_claim(
        world.app,
        name="nickname",
        namespace="http://contoso.com/claims",
        source="user.userprincipalname",
        transformations=[{"method": "ExtractMailPrefix"}, {"method": "ToLowercase"}],
    )
    center.add_claim(world.app, name="tier", constant="gold")
    center.add_claim(
        world.app,
        name="handle",
        source="user.mail",
        transformations=[
            {
                "method": "RegexReplace",
                "parameters": {"pattern": "@.*$", "replacement": "@example.org"},
            }
        ],
    )
    center.add_claim(world.app, name="jobtitle", source="user.jobtitle")  # empty: not emitted
    response, _ = world.sign_in()
    assert response is not None
    claims = attributes(response)
    assert claims["http://contoso.com/claims/nickname"] == ["b.simon"]
    assert claims["tier"] == ["gold"]
    assert claims["handle"] == ["B.Simon@example.org"]
    assert "jobtitle" not in claims
    names = list(claims)
    assert names[:5] == [
        "http://schemas.microsoft.com/identity/claims/tenantid",
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
        "http://schemas.microsoft.com/identity/claims/displayname",
        "http://schemas.microsoft.com/identity/claims/identityprovider",
        "http://schemas.microsoft.com/claims/authnmethodsreferences",
    ]


def test_persistent_name_id_from_object_id(world: World) -> None:
    world.harness.admin.assign(world.app, world.user_id)
    world.harness.admin_center.set_name_id(world.app, "user.objectid", "persistent")
    response, _ = world.sign_in()
    assert response is not None
    name_id = response.find(f".//{{{SAML}}}NameID")
    assert name_id is not None and name_id.text == world.user_id
    assert name_id.get("Format") == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def test_token_encryption_end_to_end(world: World) -> None:
    """The admin uploads 8x8's encryption certificate; the assertion arrives encrypted and 8x8
    decrypts, verifies and signs B.Simon in."""
    world.harness.admin.assign(world.app, world.user_id)
    certificate = world.harness.console("8x8").encryption_certificate("global")
    world.harness.admin_center.set_token_encryption(world.app, certificate)
    response, page = world.sign_in()
    assert response is not None
    assert response.find(f"{{{SAML}}}EncryptedAssertion") is not None
    assert response.find(f"{{{SAML}}}Assertion") is None
    assert "Signed in as" in page and "b.simon@contoso.com" in page


@pytest.mark.parametrize(
    ("state", "check"), [("missing", "unknown_user"), ("inactive", "inactive_user")]
)
def test_vendor_refuses_a_missing_or_inactive_user(
    harness: Harness, state: str, check: str
) -> None:
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    app = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(app, [ACS], [ACS])
    harness.admin.assign(app, user["id"])
    configure_vendor_sso(harness, "8x8", "global", app)
    if state == "inactive":
        create_vendor_user(harness, "8x8", "global", person, active=False)
    world = World(harness, app, user["id"])
    response, page = world.sign_in()
    assert response is not None, "Entra issued the Response; the vendor must refuse it"
    assert f'data-check="{check}"' in page
    assert harness.acs_log("8x8")["global"][-1]["check"] == check
