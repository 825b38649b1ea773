"""The tenant's typed errors, one hierarchy (issues 14, 17): protocol modules raise them, each web
app maps them to its wire in one place (Entra's error page, Graph's OData error, /_mock JSON)."""

from __future__ import annotations


class TenantError(Exception):
    """Base of every error the tenant answers on purpose: AadstsError (sign-in, shown on Entra's
    error page), AdminError (Graph and the admin center), ClaimError (claims configuration),
    JobError (provisioning). Anything else reaching a web app is unexpected: logged with its
    traceback and answered 500 in the app's shape."""


class NotFound(TenantError, KeyError):
    """Something the request names does not exist (a KeyError too, for older callers)."""


class AppNotFound(NotFound):
    """No enterprise app with that application ID or object ID."""


class CertificateNotFound(NotFound):
    """No signing certificate of the app with that thumbprint."""
