"""How check-sp reads who is signed in (issue 15, Deliver 1): whoami answers of common shapes,
the success text templated on the user, a meta refresh after the ACS."""

from __future__ import annotations

import httpx

from harness.checks.sp.identity import IdentityRule, identity_from_whoami, mentions
from harness.checks.sp.run import meta_refresh


def test_whoami_answers_of_common_shapes() -> None:
    assert identity_from_whoami('{"user": "alice@contoso.com"}') == "alice@contoso.com"
    assert identity_from_whoami('{"Email": "alice@contoso.com"}') == "alice@contoso.com"
    nested = '{"authenticated": true, "user": {"id": 7, "email": "alice@contoso.com"}}'
    assert identity_from_whoami(nested) == "alice@contoso.com"
    assert identity_from_whoami("alice@contoso.com\n") == "alice@contoso.com"
    assert identity_from_whoami('{"user": null}') is None
    assert identity_from_whoami("<html><body>Sign in</body></html>") is None


def test_the_success_text_tells_the_victim_from_a_longer_name() -> None:
    page = "<p>Welcome b.simon@contoso.com.evil.example</p>"
    assert not mentions(page, "Welcome {user}", "b.simon@contoso.com")
    assert mentions("<p>Welcome B.Simon@contoso.com</p>", "Welcome {user}", "b.simon@contoso.com")
    rule = IdentityRule(("b.simon@contoso.com", "attacker@contoso.com"), success_text="Hi {user}")
    assert rule.from_page(200, "https://sp/", "Hi attacker@contoso.com!") == (
        True,
        "attacker@contoso.com",
    )
    assert rule.from_page(200, "https://sp/", "Hi there") == (False, None)


def test_a_meta_refresh_is_where_the_browser_goes_next() -> None:
    request = httpx.Request("POST", "https://sp.example/saml/acs")
    page = httpx.Response(
        200,
        text='<meta http-equiv="refresh" content="0; url=/home">',
        request=request,
    )
    assert meta_refresh(page) == "https://sp.example/home"
    assert meta_refresh(httpx.Response(200, text="<p>hi</p>", request=request)) is None
