"""A tenant with something in every section of a snapshot, configured as a person would:
Graph, the admin center's API, and two provisioning jobs (one healthy, one quarantined)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from harness.clients.provisioning_admin import ProvisioningAdmin
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle


@dataclass
class Configured:
    app: AppHandle
    user_id: str
    group_id: str


def configure_everything(harness: Harness) -> Configured:
    admin, center = harness.admin, harness.admin_center
    user = admin.create_user(
        "Passw0rd!1",
        userPrincipalName="ada@contoso.com",
        displayName="Ada Lovelace",
        mail="ada@contoso.com",
        givenName="Ada",
        surname="Lovelace",
        jobTitle="Analyst",
    )
    other = admin.create_user(
        "Passw0rd!2", userPrincipalName="bob@contoso.com", displayName="Bob", mail="bob@contoso.com"
    )
    group = admin._call("POST", "/groups", {"displayName": "Engines", "securityEnabled": True})
    admin._call(
        "POST",
        f"/groups/{group['id']}/members/$ref",
        {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{other['id']}"},
    )
    region = harness.gallery_app("RingCentral").sso.region("us")
    app = admin.add_gallery_app("RingCentral")
    admin.configure_saml(app, [region.identifier], [region.reply_url])
    admin.assign(app, user["id"])
    admin.assign(app, group["id"])
    center.set_signing(app, option="both", algorithm="sha256")
    center.add_claim(
        app,
        name="nickname",
        namespace="http://contoso.com/claims",
        source="user.userprincipalname",
        transformations=[{"method": "ExtractMailPrefix"}, {"method": "ToLowercase"}],
    )
    center.add_claim(app, name="tier", constant="gold")
    center.set_groups_claim(app, "SecurityGroup")
    rollover = center.add_certificate(app)
    assert rollover  # a second, inactive certificate

    provisioning = ProvisioningAdmin(harness.http, admin.headers)
    vendors = harness.stack.vendors
    job = provisioning.create_job(app)
    scim = vendors["ringcentral"].scim
    assert scim is not None
    provisioning.save_credentials(job, scim.base_url, scim.token)
    provisioning.save_notification(job, "ops@contoso.com")
    provisioning.start(job)
    failing_app = admin.add_gallery_app("8x8")
    definition = {
        "ClaimsMappingPolicy": {
            "Version": 1,
            "IncludeBasicClaimSet": "true",
            "ClaimsSchema": [{"Source": "user", "ID": "employeeid", "SamlClaimType": "employee"}],
        }
    }
    policy = admin._call(
        "POST",
        "/policies/claimsMappingPolicies",
        {"displayName": "Employee id", "definition": [json.dumps(definition)]},
    )
    admin._call(
        "POST",
        f"/servicePrincipals/{failing_app.service_principal_id}/claimsMappingPolicies/$ref",
        {
            "@odata.id": f"https://graph.microsoft.com/v1.0/policies/claimsMappingPolicies/{policy['id']}"
        },
    )
    admin.assign(failing_app, user["id"])
    failing = provisioning.create_job(failing_app)
    other_scim = vendors["8x8"].scim
    assert other_scim is not None
    provisioning.save_credentials(failing, other_scim.base_url, "not-the-token")
    provisioning.save_notification(failing, "ops@contoso.com")
    provisioning.start(failing)
    provisioning.run_due()
    # The tenant-wide federation metadata: its signing certificate is made on first download.
    metadata = harness.http.get(
        f"https://login.microsoftonline.com/{harness.tenant_id}"
        "/federationmetadata/2007-06/federationmetadata.xml"
    )
    metadata.raise_for_status()
    return Configured(app, user["id"], group["id"])
