"""A request to a SCIM endpoint and its response, independent of any web framework."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scim2_models import InvalidSyntaxException

from mock_kernel.limits import JsonTooDeep, load_json


@dataclass(frozen=True)
class ScimRequest:
    """What the protocol needs of an HTTP request; `path` is relative to the SCIM base URL."""

    method: str
    path: str
    base_url: str
    query: Mapping[str, str] = field(default_factory=dict)
    # Header names in lower case.
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; RFC 7644 §3.12 invalidSyntax when it is not one."""
        try:
            document = load_json(self.body or b"null")
        except JsonTooDeep as error:
            raise InvalidSyntaxException(detail=str(error)) from None
        except ValueError:
            raise InvalidSyntaxException(detail="the request body is not valid JSON") from None
        if not isinstance(document, dict):
            raise InvalidSyntaxException(detail="the request body must be a JSON object")
        return document


@dataclass
class ScimResponse:
    """A status, a JSON body (None for 204 and the like) and headers."""

    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
