"""The state `entra-harness up` starts with: an administrator, and tutorial 000 done so that
B.Simon can sign in at once."""

from __future__ import annotations

from harness.clients.people import Person, administrator, b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.clients.vendor_setup import configure_vendor_sso, create_vendor_user
from harness.serving.stack import DEMO_PASSWORD

# Shown on the landing page beside the demo user's (a simulated tenant's only secret).
ADMIN_PASSWORD = "Harness-Admin-Passw0rd!"


def create_administrator(harness: Harness) -> Person:
    """Who can reach the admin center: a Cloud Application Administrator and User
    Administrator (issue 20: B.Simon alone is refused there)."""
    person = administrator(ADMIN_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    for role in person.roles:
        harness.admin.assign_directory_role(user["id"], role)
    return person


def set_up_ringcentral_tutorial(harness: Harness) -> dict[str, str]:
    """Tutorial 000 in order: gallery app, Basic SAML Configuration, B.Simon, assignment,
    RingCentral given the App Federation Metadata, email mapping, SSO on, B.Simon at RingCentral."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    region = harness.gallery_app("RingCentral").sso.region("us")
    app = harness.admin.add_gallery_app("RingCentral")
    harness.admin.configure_saml(app, [region.identifier], [region.reply_url])
    harness.admin.assign(app, user["id"])
    configure_vendor_sso(harness, "RingCentral", region.key, app)
    create_vendor_user(harness, "RingCentral", region.key, person)
    return {
        "My Apps": "https://myapps.microsoft.com/",
        "RingCentral user access URL": harness.stack.tenant.user_access_url(
            harness.stack.tenant.find_app(app.app_id)
        ),
        "App Federation Metadata Url": harness.admin.app_federation_metadata_url(app),
    }


def restore_ringcentral_vendor(harness: Harness) -> dict[str, str]:
    """After `up --state DIR` restored tutorial 000's tenant: the vendors live in memory, so
    RingCentral is given the app's metadata and B.Simon again, and she signs in as after the
    first start. Nothing is done when the restored tenant has no such app or no B.Simon."""
    tenant = harness.stack.tenant
    person = b_simon(DEMO_PASSWORD)
    region = harness.gallery_app("RingCentral").sso.region("us")
    app = next(
        (
            a
            for a in tenant.apps.values()
            if a.gallery_key == "ringcentral" and region.identifier in a.identifiers
        ),
        None,
    )
    if app is None or tenant.directory.find_by_upn(person.upn) is None:
        return {}
    handle = AppHandle(app.display_name, app.app_id, app.application_object_id, app.object_id)
    configure_vendor_sso(harness, "RingCentral", region.key, handle)
    # RingCentral's users are its SCIM store, kept in DIR/scim: she may be there already.
    known = harness.console("RingCentral").users(region.key)
    if not any(user["email"].lower() == person.email.lower() for user in known):
        create_vendor_user(harness, "RingCentral", region.key, person)
    return {
        "My Apps": "https://myapps.microsoft.com/",
        "RingCentral user access URL": tenant.user_access_url(app),
        "App Federation Metadata Url": harness.admin.app_federation_metadata_url(handle),
    }
