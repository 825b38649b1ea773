"""The AADSTS error catalogue: codes and the messages Entra shows for them (docs "AADSTS error codes")."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import TenantError

MESSAGES: dict[int, str] = {
    50011: (
        "The redirect URI '{reply_url}' specified in the request does not match the redirect URIs "
        "configured for the application '{app_id}'. Make sure the redirect URI sent in the request "
        "matches one added to your application in the Azure portal."
    ),
    50057: "The user account is disabled.",
    50058: "A silent sign-in request was sent but no user is signed in.",
    50105: (
        "Your administrator has configured the application {app_name} ('{app_id}') to block users "
        "unless they are specifically granted ('assigned') access to the application. The signed "
        "in user '{upn}' is blocked because they are not a direct member of a group with access, "
        "nor had access directly assigned by an administrator. Please contact your administrator "
        "to assign access to this application."
    ),
    50126: "Error validating credentials due to invalid username or password.",
    50034: "The user account {upn} does not exist in the {tenant_id} directory.",
    700016: (
        "Application with identifier '{identifier}' was not found in the directory '{tenant_id}'. "
        "This can happen if the application has not been installed by the administrator of the "
        "tenant or consented to by any user in the tenant. You may have sent your authentication "
        "request to the wrong tenant."
    ),
    750054: (
        "SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request "
        "for SAML Redirect binding."
    ),
    75005: "The request is not a valid Saml2 protocol message.",
    7500529: (
        "The value '{request_id}' is not a valid SAML ID. The ID must not begin with a number."
    ),
    75016: "Saml2 Authentication Request has invalid NameIDPolicy '{format}'.",
    75011: (
        "Authentication method by which the user authenticated with the service doesn't match "
        "requested authentication method '{requested}'."
    ),
    76021: "The request sent by client is not signed while the application requires signed requests.",
    900236: "The SAML authentication request property 'Subject' is not supported and must not be set.",
    # Single sign-out (docs "AADSTS error codes": SignoutInvalidRequest,
    # SignoutInitiatorNotParticipant, SignoutUnknownSessionIdentifier, SignoutMessageExpired).
    50061: "The sign-out request is invalid.",
    50068: (
        "Signout has failed. The app that initiated signout is not a participant in the current "
        "session."
    ),
    50070: (
        "Signout has failed. The signout request specified a name identifier that didn't match "
        "the existing session(s)."
    ),
    50071: "The logout request has expired.",
    50089: (
        "Authentication failed due to flow token expired. Expected - auth codes, refresh tokens, "
        "and sessions expire over time or are revoked by the user or an admin. The app will "
        "request a new login from the user."
    ),
    # docs "AADSTS error codes": QueryStringTooLong.
    90015: "Requested query string is too long.",
    90019: "No tenant-identifying information found in either the request or implied by any provided credentials.",
    900144: "The request body must contain the following parameter: '{parameter}'.",
}


@dataclass
class AadstsError(TenantError):
    """An error Entra shows as 'AADSTSnnnnn: message' on its error page."""

    code: int
    message: str

    @classmethod
    def of(cls, code: int, **details: str) -> AadstsError:
        return cls(code, MESSAGES[code].format(**details))

    def __str__(self) -> str:
        return f"AADSTS{self.code}: {self.message}"
