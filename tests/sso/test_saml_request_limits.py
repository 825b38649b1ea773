"""Issue 17 at the sign-in endpoints: SAML requests bounded (Entra's AADSTS90015 for a long query,
75005 past the inflated limit, streaming inflate), strict decoding (no DTD in any encoding, no
junk after base64 or DEFLATE), and the portals' redirect URIs compared exactly (AADSTS50011)."""

from __future__ import annotations

import base64
import tracemalloc
import zlib
from urllib.parse import quote, urlencode

import pytest
from lxml import etree

from harness.clients.people import b_simon
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle
from harness.serving.stack import DEMO_PASSWORD
from mock_idp.aadsts import AadstsError
from mock_idp.authn_request import decode
from tests.sso.test_authn_requests import ENTITY, aadsts, authn_request


@pytest.fixture
def app(harness: Harness) -> AppHandle:
    """8x8 configured with its entity as Identifier and Reply URL, B.Simon assigned."""
    person = b_simon(DEMO_PASSWORD)
    user = harness.admin.create_user(person.password, **person.properties)
    handle = harness.admin.add_gallery_app("8x8")
    harness.admin.configure_saml(handle, [ENTITY], [ENTITY])
    harness.admin.assign(handle, user["id"])
    return handle


def deflated(document: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(document) + deflater.flush()


def zeros_bomb(inflated_mb: int) -> bytes:
    """A raw DEFLATE stream of `inflated_mb` MB of spaces after an XML start (~1000:1)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks = [deflater.compress(b"<a>")]
    chunks += [deflater.compress(b" " * (1 << 20)) for _ in range(inflated_mb)]
    return b"".join(chunks) + deflater.flush()


def saml2(harness: Harness) -> str:
    return f"https://login.microsoftonline.com/{harness.tenant_id}/saml2"


def test_a_long_redirect_query_is_aadsts90015_without_inflating(harness: Harness) -> None:
    """F1: a 50 KB query (inflating to 40 MB) is refused for its length, as Entra does."""
    encoded = base64.b64encode(zeros_bomb(40)).decode()
    assert 40_000 < len(encoded) < 60_000
    page = harness.http.get(f"{saml2(harness)}?{urlencode({'SAMLRequest': encoded})}")
    assert page.status_code == 400
    assert aadsts(page) == 90015


def test_inflating_stops_at_the_message_limit() -> None:
    """F1: a short request inflating to 12 MB is 75005 with only the limit ever inflated."""
    encoded = base64.b64encode(zeros_bomb(12)).decode()
    assert len(encoded) < 16 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(AadstsError) as refused:
            decode(encoded, "redirect")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == 75005
    assert peak < 2 * 1024 * 1024, peak


@pytest.mark.parametrize("junk", ["!!!", "*junk*", "AAAA"])
def test_redirect_base64_with_trailing_junk_is_75005(
    harness: Harness, app: AppHandle, junk: str
) -> None:
    """Base64 with characters outside its alphabet, or data after the DEFLATE stream's end."""
    encoded = base64.b64encode(deflated(etree.tostring(authn_request()))).decode()
    clean = harness.http.get(f"{saml2(harness)}?SAMLRequest={quote(encoded)}")
    assert aadsts(clean) is None, clean.text  # the same request without junk is accepted
    page = harness.http.get(f"{saml2(harness)}?SAMLRequest={quote(encoded + junk)}")
    assert aadsts(page) == 75005


def test_a_utf16_document_with_a_doctype_is_75005(harness: Harness, app: AppHandle) -> None:
    """The DOCTYPE refusal holds in every encoding (a byte test missed UTF-16)."""
    xml = etree.tostring(authn_request()).decode()
    document = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]>{xml}'
    posted = base64.b64encode(document.encode("utf-16")).decode()
    page = harness.http.post(saml2(harness), data={"SAMLRequest": posted})
    assert aadsts(page) == 75005


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://entra.microsoft.com.evil.example/auth",
        "https://entra.microsoft.com@evil.example/auth",
        "https://myapps.microsoft.com.evil.example/auth",
        "https://myapps.microsoft.com/auth/../../evil",
        "https://entra.microsoft.com:8443/auth",
        "http://entra.microsoft.com/auth",
        "https://entra.microsoft.com/authx",
    ],
)
def test_authorize_refuses_a_redirect_uri_not_registered_exactly(
    harness: Harness, redirect_uri: str
) -> None:
    """F3: no code (nor a sign-in that would lead to one) for a look-alike redirect URI."""
    url = f"https://login.microsoftonline.com/{harness.tenant_id}/oauth2/authorize"
    page = harness.http.get(url, params={"redirect_uri": redirect_uri})
    assert page.status_code == 400
    assert aadsts(page) == 50011
    assert "location" not in page.headers


@pytest.mark.parametrize(
    "redirect_uri", ["https://entra.microsoft.com/auth", "https://myapps.microsoft.com/auth"]
)
def test_authorize_accepts_the_portals_registered_redirect_uris(
    harness: Harness, redirect_uri: str
) -> None:
    url = f"https://login.microsoftonline.com/{harness.tenant_id}/oauth2/authorize"
    page = harness.http.get(url, params={"redirect_uri": redirect_uri})
    assert page.status_code == 302
    assert f"/{harness.tenant_id}/login?ctx=" in page.headers["location"]
