"""Client for the tenant's Microsoft Graph API, following "Automate SAML-based SSO app
configuration with Microsoft Graph API"; what scenarios and scripts use to set the tenant up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

GRAPH = "https://graph.microsoft.com/v1.0"


class GraphError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        body = response.json().get("error", {}) if response.content else {}
        self.status = response.status_code
        self.code = body.get("code", "")
        super().__init__(f"Graph {response.status_code} {self.code}: {body.get('message', '')}")


@dataclass
class AppHandle:
    """The ids of an enterprise app as Graph returns them on instantiate."""

    display_name: str
    app_id: str
    application_id: str
    service_principal_id: str


# Graph's template id of the non-gallery application (the docs' Graph walkthrough).
NON_GALLERY_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"
# Microsoft Entra built-in roles: the template id of each role the tutorials name.
ROLE_IDS = {
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
    "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
}


class TenantAdmin:
    def __init__(self, client: httpx.Client, token: str, tenant_id: str) -> None:
        self.client = client
        self.tenant_id = tenant_id
        self.headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.client.request(method, GRAPH + path, json=body, headers=self.headers)
        if response.status_code >= 400:
            raise GraphError(response)
        return response.json() if response.content else None

    def create_user(self, password: str, **properties: Any) -> dict[str, Any]:
        body = {"accountEnabled": True, "passwordProfile": {"password": password}, **properties}
        return self._call("POST", "/users", body)

    def assign_directory_role(self, user_id: str, role: str) -> None:
        """Roles and administrators > role > Add assignments, as Graph's roleAssignments (the
        role template ids are Microsoft's, listed in "Microsoft Entra built-in roles")."""
        body = {"principalId": user_id, "roleDefinitionId": ROLE_IDS[role], "directoryScopeId": "/"}
        self._call("POST", "/roleManagement/directory/roleAssignments", body)

    def template_id(self, name: str) -> str:
        templates = self._call("GET", "/applicationTemplates")["value"]
        for template in templates:
            if template["displayName"].lower() == name.lower():
                return template["id"]
        raise LookupError(f"no gallery app named {name!r}")

    def add_gallery_app(self, name: str, display_name: str | None = None) -> AppHandle:
        created = self._call(
            "POST",
            f"/applicationTemplates/{self.template_id(name)}/instantiate",
            {"displayName": display_name or name},
        )
        return AppHandle(
            display_name=created["application"]["displayName"],
            app_id=created["application"]["appId"],
            application_id=created["application"]["id"],
            service_principal_id=created["servicePrincipal"]["id"],
        )

    def add_custom_app(self, display_name: str) -> AppHandle:
        """New application > Create your own application > Integrate any other application you
        don't find in the gallery (Non-gallery): Graph instantiates the non-gallery template
        (docs "Automate SAML-based SSO app configuration with Microsoft Graph API")."""
        created = self._call(
            "POST",
            f"/applicationTemplates/{NON_GALLERY_TEMPLATE_ID}/instantiate",
            {"displayName": display_name},
        )
        return AppHandle(
            display_name=created["application"]["displayName"],
            app_id=created["application"]["appId"],
            application_id=created["application"]["id"],
            service_principal_id=created["servicePrincipal"]["id"],
        )

    def configure_saml(
        self,
        app: AppHandle,
        identifiers: list[str],
        reply_urls: list[str],
        logout_url: str | None = None,
    ) -> dict[str, Any]:
        """Select SAML, fill Basic SAML Configuration, add and activate a signing certificate."""
        self._call(
            "PATCH",
            f"/servicePrincipals/{app.service_principal_id}",
            {"preferredSingleSignOnMode": "saml"},
        )
        web: dict[str, Any] = {"redirectUris": reply_urls}
        if logout_url:
            web["logoutUrl"] = logout_url
        self._call(
            "PATCH",
            f"/applications/{app.application_id}",
            {"identifierUris": identifiers, "web": web},
        )
        certificate = self._call(
            "POST",
            f"/servicePrincipals/{app.service_principal_id}/addTokenSigningCertificate",
            {"displayName": "CN=Microsoft Azure Federated SSO Certificate"},
        )
        self._call(
            "PATCH",
            f"/servicePrincipals/{app.service_principal_id}",
            {"preferredTokenSigningKeyThumbprint": certificate["thumbprint"]},
        )
        return certificate

    def service_principal(self, app: AppHandle) -> dict[str, Any]:
        return self._call("GET", f"/servicePrincipals/{app.service_principal_id}")

    def assign(self, app: AppHandle, user_id: str, app_role_id: str | None = None) -> None:
        if app_role_id is None:
            app_role_id = self.service_principal(app)["appRoles"][0]["id"]
        self._call(
            "POST",
            f"/servicePrincipals/{app.service_principal_id}/appRoleAssignedTo",
            {
                "principalId": user_id,
                "resourceId": app.service_principal_id,
                "appRoleId": app_role_id,
            },
        )

    def app_federation_metadata_url(self, app: AppHandle) -> str:
        return (
            f"https://login.microsoftonline.com/{self.tenant_id}/federationmetadata/"
            f"2007-06/federationmetadata.xml?appid={app.app_id}"
        )

    def app_federation_metadata(self, app: AppHandle) -> bytes:
        response = self.client.get(self.app_federation_metadata_url(app))
        response.raise_for_status()
        return response.content


class AdminCenter:
    """The admin center's settings that Graph does not expose (SAML signing, Attributes & Claims,
    certificates, metadata upload), through the tenant's entra.microsoft.com API."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client = client
        self.base = "https://entra.microsoft.com/api/enterpriseApps"
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, app: AppHandle, path: str = "", **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = self.client.request(
            method, f"{self.base}/{app.app_id}{path}", headers=headers, **kwargs
        )
        if response.status_code >= 400:
            raise GraphError(response)
        return response

    def saml(self, app: AppHandle) -> dict[str, Any]:
        """The "Set up Single Sign-On with SAML" page as data."""
        return self.call("GET", app, "/saml").json()

    def set_basic(self, app: AppHandle, **settings: Any) -> dict[str, Any]:
        return self.call("PATCH", app, "/saml/basic", json=settings).json()

    def upload_sp_metadata(self, app: AppHandle, metadata: bytes) -> dict[str, Any]:
        return self.call("POST", app, "/saml/basic/metadata", content=metadata).json()

    def set_signing(
        self, app: AppHandle, option: str | None = None, algorithm: str | None = None
    ) -> dict[str, Any]:
        body = {k: v for k, v in (("signingOption", option), ("signingAlgorithm", algorithm)) if v}
        return self.call("PATCH", app, "/saml/signing", json=body).json()

    def add_certificate(self, app: AppHandle) -> dict[str, Any]:
        return self.call("POST", app, "/saml/certificates").json()

    def activate_certificate(self, app: AppHandle, thumbprint: str) -> dict[str, Any]:
        return self.call("POST", app, f"/saml/certificates/{thumbprint}/activate").json()

    def download_certificate(self, app: AppHandle, thumbprint: str, kind: str) -> bytes:
        """kind: "base64" (Certificate (Base64)), "raw" (Certificate (Raw)) or "metadata"."""
        return self.call("GET", app, f"/saml/certificates/{thumbprint}/{kind}").content

    def active_certificate(self, app: AppHandle) -> dict[str, Any]:
        certificates = self.saml(app)["samlSigningCertificate"]["certificates"]
        return next(c for c in certificates if c["active"])

    def add_claim(self, app: AppHandle, **claim: Any) -> dict[str, Any]:
        return self.call("POST", app, "/saml/claims", json=claim).json()

    def edit_claim(self, app: AppHandle, claim_type: str, **claim: Any) -> dict[str, Any]:
        return self.call("PUT", app, f"/saml/claims/{claim_type}", json=claim).json()

    def remove_claim(self, app: AppHandle, claim_type: str) -> None:
        self.call("DELETE", app, f"/saml/claims/{claim_type}")

    def set_name_id(self, app: AppHandle, source: str, format: str) -> dict[str, Any]:
        return self.call(
            "PUT", app, "/saml/claims/nameid", json={"source": source, "format": format}
        ).json()

    def set_groups_claim(self, app: AppHandle, groups: str | None) -> dict[str, Any]:
        return self.call("PUT", app, "/saml/claims/groups", json={"groups": groups}).json()

    def set_token_encryption(self, app: AppHandle, certificate_pem: str | None) -> dict[str, Any]:
        return self.call(
            "PUT", app, "/saml/encryption", json={"certificate": certificate_pem}
        ).json()

    def set_properties(self, app: AppHandle, **properties: Any) -> dict[str, Any]:
        return self.call("PATCH", app, "/properties", json=properties).json()
