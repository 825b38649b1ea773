"""Every provisioning failure as the Entra error code its logs show."""
# Docs "How to download and analyze the Microsoft Entra provisioning logs" (Error codes); ENTRA-BEHAVIOUR §8.

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Docs "Application provisioning in quarantine status": the quarantine reasons Graph reports.
QUARANTINE_EXCEPTION = "EncounteredQuarantineException"
ESCROW_PROPORTION = "EncounteredEscrowProportionThreshold"
TOTAL_ESCROW = "EncounteredTotalEscrowThreshold"

SCIM_INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible"
SCIM_MULTIPLE_ENTRIES = "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse"
# (assumption) a 400 without a more precise reading: the prefix of the two documented SCIM codes.
SCIM_BAD_REQUEST = "SystemForCrossDomainIdentityManagementBadRequest"


@dataclass
class ProvisioningFailure(Exception):
    """A failed provisioning operation: Entra's error code, the reason its log shows, and what the
    service does next (retry within the attempt, escrow the object, or quarantine the job)."""

    code: str
    reason: str
    status: int | None = None
    # provisioningErrorInfo.errorCategory: "nonServiceFailure" (fix the data or the target),
    # "transient" (retried), "failure".
    category: str = "nonServiceFailure"
    retryable: bool = False
    quarantine: bool = False
    retry_after: float | None = None
    recommended_action: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"

    def error_information(self) -> dict[str, Any]:
        """provisioningErrorInfo as Graph shows it in provisioningStatusInfo."""
        return {
            "errorCode": self.code,
            "reason": self.reason,
            "additionalDetails": None,
            "errorCategory": self.category,
            "recommendedAction": self.recommended_action,
        }


@dataclass
class TargetResponse:
    """What came back from the target, for the reason text: status and body."""

    status: int
    body: str

    @property
    def scim_type(self) -> str | None:
        try:
            parsed = json.loads(self.body)
        except ValueError:
            return None
        return parsed.get("scimType") if isinstance(parsed, dict) else None


def _web_response(app: str, response: TargetResponse, meaning: str) -> str:
    # The provisioning logs quote the target's answer after Entra's explanation (Graph sample:
    # "Message: Contoso returned an error response with the HTTP status code 409. …").
    return (
        f"Message: {app} returned an error response with the HTTP status code {response.status}. "
        f"{meaning} Web Response: {response.body[:2000]}"
    )


def failure_for_response(
    app: str, response: TargetResponse, *, query: bool = False, by_id: bool = False
) -> ProvisioningFailure:
    """Map the target's HTTP error to Entra's error code (docs table "Error codes")."""
    status = response.status
    if status in (401, 403):
        # Docs "Quarantine": invalid admin credentials quarantine the job.
        return ProvisioningFailure(
            "Unauthorized",
            _web_response(
                app,
                response,
                "Microsoft Entra ID authenticated with the target application but wasn't "
                "authorized to perform the operation: the admin credentials are invalid.",
            ),
            status,
            category="failure",
            quarantine=True,
            recommended_action="Navigate to the admin credentials section of the provisioning "
            "configuration and authorize access again with valid credentials.",
        )
    if status == 404 and query:
        # ENTRA-BEHAVIOUR §8 / docs "Quarantine": a query must answer 200 even when empty.
        return ProvisioningFailure(
            SCIM_INCOMPATIBLE,
            _web_response(
                app,
                response,
                "An HTTP/404 Not Found response was returned rather than the expected HTTP/200 "
                "OK response to a query (RFC 7644 §3.4.2).",
            ),
            status,
            category="failure",
            quarantine=True,
            recommended_action="Check the Tenant URL; the SCIM endpoint must answer 200 with an "
            "empty ListResponse when nothing matches.",
        )
    if status == 404 and by_id:
        return ProvisioningFailure(
            "InvalidAnchor",
            _web_response(
                app,
                response,
                "A user or group that was previously created or matched by the provisioning "
                "service no longer exists.",
            ),
            status,
        )
    if status == 409:
        return ProvisioningFailure(
            "EntryConflict",
            _web_response(
                app,
                response,
                "This response indicates that a user or a group already exists with the same "
                "name. Remove the conflicting object from the target or from the provisioning "
                "scope, or review the matching attributes.",
            ),
            status,
        )
    if status == 429:
        return ProvisioningFailure(
            "TooManyRequests",
            _web_response(
                app,
                response,
                "The target app rejected this attempt because it's overloaded and receiving too "
                "many requests. This attempt is automatically retried.",
            ),
            status,
            category="transient",
            retryable=True,
        )
    if status == 405:
        return ProvisioningFailure(
            "MethodNotAllowed",
            _web_response(app, response, "The target does not allow this operation."),
            status,
        )
    if status == 422:
        return ProvisioningFailure(
            "UnprocessableEntity",
            _web_response(app, response, "The target application returned an unexpected response."),
            status,
        )
    if status == 501:
        return ProvisioningFailure(
            "NotImplemented",
            _web_response(app, response, "The target application returned an unexpected response."),
            status,
        )
    if status >= 500:
        return ProvisioningFailure(
            "InternalServerError",
            _web_response(
                app,
                response,
                "The target app returned an unexpected error. This attempt is automatically "
                "retried.",
            ),
            status,
            category="transient",
            retryable=True,
        )
    if status == 400 and response.scim_type in ("invalidPath", "noTarget"):
        return ProvisioningFailure(
            "SchemaAttributeNotFound",
            _web_response(
                app,
                response,
                "The operation couldn't be performed because an attribute was specified that "
                "doesn't exist in the target application.",
            ),
            status,
        )
    return ProvisioningFailure(
        SCIM_BAD_REQUEST,
        _web_response(app, response, "The target refused the request as invalid."),
        status,
    )


def timeout_failure(app: str, seconds: float) -> ProvisioningFailure:
    return ProvisioningFailure(
        "Timeout",
        f"The operation couldn't be completed because {app} took too long to respond "
        f"(no answer within {seconds:g} s). This attempt is automatically retried.",
        category="transient",
        retryable=True,
    )


def connection_failure(app: str, url: str, detail: str) -> ProvisioningFailure:
    return ProvisioningFailure(
        "WebExceptionProtocolError",
        f"An HTTP protocol error occurred in connecting to {app} at {url}: {detail}. "
        "This attempt is automatically retried.",
        category="transient",
        retryable=True,
    )


def incompatible_response(app: str, detail: str) -> ProvisioningFailure:
    return ProvisioningFailure(
        SCIM_INCOMPATIBLE,
        f"The Microsoft Entra provisioning service is unable to parse the response from {app}: "
        f"{detail}",
    )
