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
