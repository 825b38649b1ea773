"""SCIM errors (RFC 7644 §3.12): the ones scim2-models lacks, and the one mapping to the wire."""

from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError
from scim2_models import Error, InvalidValueException, SCIMException

from .requests import ScimResponse
from .schema import ERROR


class MethodNotAllowedException(SCIMException):
    """405: the endpoint exists but not with this method (RFC 7644 §3.12 Table 8 "405")."""

    status = 405
    _default_detail = "The endpoint does not support this method"


class TooManyRequestsException(SCIMException):
    """429 with Retry-After (RFC 6585 §4): the client exceeded the vendor's rate limit."""

    status = 429
    _default_detail = "Request rate is higher than the limit"

    def __init__(self, *, retry_after: float, headers: dict[str, str] | None = None, **kw: Any):
        self.retry_after = retry_after
        self.headers = headers or {}
        super().__init__(**kw)


def from_validation_error(error: ValidationError) -> SCIMException:
    """A pydantic error of a scim2-models validation as the SCIM error it stands for."""
    for detail in error.errors():
        context = detail.get("ctx") or {}
        if "scim_type" in context:
            location = ".".join(str(part) for part in detail.get("loc", ()))
            message = detail.get("msg", "")
            return SCIMException.from_error(
                Error(
                    status=int(context.get("status", 400)),
                    scim_type=context["scim_type"] or None,
                    detail=f"{location}: {message}" if location else message,
                )
            )
    # RFC 7644 §3.12 invalidValue: "A required value was missing, or the value specified was
    # not compatible with the operation or attribute type".
    details = error.errors()
    if not details:
        return InvalidValueException(detail=str(error))
    location = ".".join(str(part) for part in details[0]["loc"])
    return InvalidValueException(detail=f"{location}: {details[0]['msg']}")


def error_response(error: SCIMException) -> ScimResponse:
    """RFC 7644 §3.12: the error body (status as a string, scimType when defined), with the
    headers its status calls for."""
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(error.status)}
    if error.scim_type:
        body["scimType"] = error.scim_type
    body["detail"] = error.detail
    headers: dict[str, str] = {}
    if error.status == 401:
        # RFC 6750 §3: a bearer-token challenge.
        headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    if isinstance(error, TooManyRequestsException):
        headers.update(error.headers)
        headers["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
    return ScimResponse(error.status, body, headers)
