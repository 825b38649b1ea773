"""The vendor side of each tutorial, done through the vendor's console API as its tutorial says:
metadata upload (RingCentral) or typed URLs and the Certificate (Base64) (8x8, Genesys)."""

from __future__ import annotations

from typing import Any

from harness.clients.people import Person
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle

EMAIL_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


def configure_vendor_sso(
    harness: Harness,
    app_name: str,
    region: str,
    app: AppHandle,
    organization: str | None = None,
) -> dict[str, Any]:
    """Configure <vendor> SSO: what the tutorial's "Configure <vendor> SSO" section does."""
    gallery = harness.gallery_app(app_name)
    console = harness.console(app_name)
    if gallery.sso.idp_configuration == "metadata_url":
        # Imported tutorials whose app takes the App Federation Metadata Url: pasted at the
        # vendor, which downloads the metadata itself.
        return console.load_idp_metadata_url(region, harness.admin.app_federation_metadata_url(app))
    if gallery.sso.idp_configuration == "metadata":
        # Tutorial 000: upload the App Federation Metadata, map the email attribute, enable SSO.
        console.upload_idp_metadata(region, harness.admin.app_federation_metadata(app))
        settings: dict[str, Any] = {"sso_enabled": True, "allow_password_login": True}
        if gallery.sso.email_attribute:
            settings["email_attribute"] = gallery.sso.email_attribute
        return console.save_sso_settings(region, **settings)
    # Tutorials 002 and 004: copy Login URL, Microsoft Entra Identifier and Logout URL from
    # "Set up <app>", download Certificate (Base64) and upload it at the vendor.
    saml = harness.admin_center.saml(app)
    active = next(c for c in saml["samlSigningCertificate"]["certificates"] if c["active"])
    certificate = harness.admin_center.download_certificate(app, active["thumbprint"], "base64")
    extra: dict[str, Any] = {}
    if gallery.sso.relying_party_identifier:
        extra["relying_party_identifier"] = app.app_id  # Properties > Application ID
    if gallery.sso.organization_claim:
        extra["organization_name"] = organization
    if extra:
        console.save_sso_settings(region, **extra)
    return console.save_idp(
        region,
        entity_id=saml["setUp"]["microsoftEntraIdentifier"],
        sso_url=saml["setUp"]["loginUrl"],
        slo_url=saml["setUp"]["logoutUrl"],
        certificate=certificate.decode(),
    )


def create_vendor_user(
    harness: Harness, app_name: str, region: str, person: Person, active: bool = True
) -> dict[str, Any]:
    """Create <vendor> test user: the counterpart of the Entra user, linked by email (and, for
    8x8, by userName = the UPN the NameID carries)."""
    gallery = harness.gallery_app(app_name)
    user_name = person.upn if gallery.sso.user_lookup == "name_id" else None
    return harness.console(app_name).create_user(
        region,
        person.email.lower(),
        person.properties["displayName"],
        active=active,
        user_name=user_name,
    )
