"""Issue 17 (found by the fuzz tier): a vendor's single logout URL answers a malformed
Redirect-bound message with its refusal page (400), never a 500; a DEFLATE bomb is not inflated."""

from __future__ import annotations

import base64
import zlib
from urllib.parse import quote

import pytest

from harness.clients.session import Harness

LOGOUT = "https://sso.8x8.com/saml2/logout"


def bomb() -> str:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflater.compress(b"<a>" + b" " * (8 << 20)) + deflater.flush()
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "value",
    [
        "",  # empty
        base64.b64encode(b"<x></x>").decode(),  # not deflated
        base64.b64encode(zlib.compress(b"<x/>")[2:-6]).decode() + "!!",  # junk after base64
        "%%%",
        bomb(),
    ],
)
def test_malformed_logout_messages_are_refused_with_400(harness: Harness, value: str) -> None:
    response = harness.http.get(f"{LOGOUT}?SAMLRequest={quote(value)}")
    assert response.status_code == 400, response.text[:300]
