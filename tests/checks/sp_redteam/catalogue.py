"""The red-team apps (issue 15, measured independently): each a library adapter under a profile
that differs from tests/real_sps' apps, and the library pins they run on (data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.real_sps.catalogue import LIBRARIES as REAL_SP_PINS
from tests.real_sps.catalogue import Pin

# xml-crypto <= 6.0.0 / 3.2.0 / 2.1.5 (GHSA-x3m8-899r-f7c3, GHSA-9p8x-f768-wp2g): both reproduce
# against @boxyhq/saml20 0.2.0, which hands xml-crypto's verdict straight to the caller.
XML_CRYPTO_CVES = {
    "CVE-2025-29775": ("comment-in-digest-value",),
    "CVE-2025-29774": ("second-signed-info",),
}
# What saml2-js never compares (saml2.js parse_authn_response): the Response's Destination,
# the Recipient, the Issuer; a signed Response stands for a signed Assertion.
SAML2_JS_GAPS = (
    "destination-mismatch",
    "issuer-mismatch",
    "recipient-mismatch",
    "response-signed-only",
)
# @boxyhq/saml20 validate() checks signature, NotOnOrAfter and Audience only (Ory Polis checks
# the rest itself): no Destination, Recipient, Issuer or NotBefore; a signed Response suffices.
BOXYHQ_GAPS = (
    "destination-mismatch",
    "issuer-mismatch",
    "not-yet-valid",
    "recipient-mismatch",
    "response-signed-only",
)

# Libraries tests/real_sps does not cover, installed the same way into .cache/sp_redteam/.
NEW_PINS: dict[str, dict[str, Pin]] = {
    # saml2-js < 1.12.4 / 2.0.2: CVE-2017-11429, a comment cuts the NameID (Duo, VU#475445;
    # Clever/saml2#127). 1.12.3 pins xml-crypto ^0.10 and xmldom ^0.1.
    "saml2-js": {
        "1.12.3": Pin(
            "node",
            ("saml2-js@1.12.3",),
            "rt_saml2_js.js",
            # xml-crypto 0.10 predates the CVE-2025-29775 fix too.
            flagged_by={
                "CVE-2017-11429": ("comment-in-nameid",),
                "CVE-2025-29775": ("comment-in-digest-value",),
            },
            # 1.x checks no Audience and no time conditions either.
            gaps=(
                *SAML2_JS_GAPS,
                "audience-mismatch",
                "expired",
                "not-yet-valid",
                "other-application",
            ),
        ),
        "4.0.4": Pin("node", ("saml2-js@4.0.4",), "rt_saml2_js.js", gaps=SAML2_JS_GAPS),
    },
    # @boxyhq/saml20 (Ory Polis' SAML library) 0.2.0 asks for xml-crypto ^2.1.3: held at 2.1.5,
    # the last 2.x before CVE-2025-29774/29775 were fixed (GHSA-9p8x-f768-wp2g, GHSA-x3m8-899r-f7c3).
    "boxyhq-saml20": {
        "0.2.0": Pin(
            "node",
            ("@boxyhq/saml20@0.2.0",),
            "rt_boxyhq.js",
            overrides={"xml-crypto": "2.1.5"},
            flagged_by=dict(XML_CRYPTO_CVES),
            gaps=(*BOXYHQ_GAPS, "failure-status"),  # 0.2.0 reads no StatusCode
        ),
        "1.15.2": Pin("node", ("@boxyhq/saml20@1.15.2",), "rt_boxyhq.js", gaps=BOXYHQ_GAPS),
    },
}


def pin(library: str, version: str) -> Pin:
    return {**REAL_SP_PINS, **NEW_PINS}[library][version]


@dataclass(frozen=True)
class App:
    """One red-team app: the adapter file, the library versions it runs on, how it behaves,
    and how check-sp is told to see who is signed in."""

    name: str
    adapter: str  # the file in apps/
    library: str
    versions: tuple[str, ...]
    profile: dict[str, Any]
    acs_path: str = "/saml/acs"
    success_text: str | None = None  # given to check-sp instead of a whoami URL
    whoami: bool = True  # give check-sp the profile's whoami URL
    sp_initiated_only: bool = False  # the app refuses IdP-initiated Responses
    idp_initiated: bool = True  # run the default (IdP-initiated) mode too
    sign_on: bool = True  # the app has a sign-on URL (/login) starting an AuthnRequest
    notes: str = ""
    # What check-sp (as of this red-team run) gets wrong with this app, or "" (FINDINGS.md).
    check_sp_gap: str = ""
    # Findings that belong to the app's own choices (no CVE), per version.
    gaps: dict[str, tuple[str, ...]] = field(default_factory=dict)


def both(library: str) -> tuple[str, ...]:
    return tuple(({**REAL_SP_PINS, **NEW_PINS})[library])


APPS: list[App] = [
    App(
        "py3saml-email-attr-200",
        "rt_python3_saml.py",
        "python3-saml",
        both("python3-saml"),
        {
            "identity": "attribute:http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "success": "page",
            "refusal": "page200",
            "cookie": "SESSION",
            "page": "Welcome back, {user}",
        },
        acs_path="/sso/saml2/consume",
        success_text="Welcome back, {user}",
        whoami=False,
        notes="identity from the emailaddress claim; success and refusal both 200 pages at the ACS",
    ),
    App(
        "py3saml-relaystate-csrf",
        "rt_python3_saml.py",
        "python3-saml",
        both("python3-saml"),
        {
            "relay_state": "csrf",
            "requests": "session",
            "unsolicited": False,
            "refusal": "redirect-login",
            "whoami": "text",
            "whoami_path": "/session/user",
            "sessions": "sqlite",
        },
        sp_initiated_only=True,
        idp_initiated=False,
        # Was a check-sp gap, fixed in commit ebfda71:
        # "RelayState is not posted with the Response: the SP refuses every sign-in".
        notes="SP-initiated only; RelayState must equal the browser's CSRF state; refusal "
        "redirects to /login (and on to Entra); whoami plain text; sessions in SQLite",
    ),
    App(
        "pysaml2-redirect-error",
        "rt_pysaml2.py",
        "pysaml2",
        both("pysaml2"),
        {"refusal": "redirect-error", "success": "redirect", "relay_state": "path"},
        acs_path="/saml2/acs/",
        notes="refusal 302 to a 200 /error page; success 302 to RelayState (a path)",
    ),
    App(
        "pysaml2-sp-session",
        "rt_pysaml2.py",
        "pysaml2",
        both("pysaml2"),
        {
            "requests": "session",
            "unsolicited": False,
            "whoami": "json-nested",
            "refusal": "401",
            "sessions": "sqlite",
        },
        sp_initiated_only=True,
        idp_initiated=False,
        # Was a check-sp gap, fixed in commit ebfda71:
        # "a nested whoami answer ({'user': {'email': …}}) is read as nobody".
        notes="SP-initiated only, request kept in the browser's session, pysaml2 "
        "allow_unsolicited off; whoami answers 200 {authenticated, user: {email}}",
    ),
    App(
        "node-saml-email-500",
        "rt_node_saml.js",
        "node-saml",
        both("node-saml"),
        {
            "identity": "attribute:http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "refusal": "throw",
            "cookie": "connect.sid",
        },
        acs_path="/auth/saml/callback",
        # Was a check-sp gap: "a refusal answered 500 is ERROR: CVE checks show error, not FAIL";
        # a 500 with nobody signed in and sign-in still working after it is now a refusal.
        notes="identity from the email attribute; a library refusal is thrown to the "
        "framework's default handler (500), as an Express app without an error handler",
    ),
    App(
        "passport-saml-meta-refresh",
        "rt_node_saml.js",
        "passport-saml",
        both("passport-saml"),
        {
            "success": "meta-refresh",
            "refusal": "page200",
            "page": "Logged in: {user}",
            "wants_signed": False,  # passport-saml 3's default: a signed Response suffices
        },
        acs_path="/login/callback",
        success_text="Logged in: {user}",
        whoami=False,
        # Was a check-sp gap, fixed in commit ebfda71:
        # "a meta refresh after the ACS is not followed: success text unseen".
        notes="success 200 with a meta refresh to /dashboard; refusal 200 error page",
    ),
    App(
        "samlify-page-text",
        "rt_samlify.js",
        "samlify",
        both("samlify"),
        {"success": "script", "refusal": "redirect-error", "page": "Hello {user}!"},
        acs_path="/sp/acs",
        success_text="Hello {user}!",
        whoami=False,
        check_sp_gap="a script redirect after the ACS is not followed: success text unseen",
        notes="success 200 with a script redirect; identity only on /dashboard ('Hello <user>!')",
    ),
    App(
        "samlify-sp-only-relay",
        "rt_samlify.js",
        "samlify",
        both("samlify"),
        {"requests": "session", "unsolicited": False, "relay_state": "path", "whoami": "text"},
        acs_path="/sp/acs",
        sp_initiated_only=True,
        idp_initiated=False,
        # Was a check-sp gap, fixed in commit ebfda71:
        # "the SP session cookie from the sign-on URL is reused by every attempt".
        notes="SP-initiated only with the request in the browser session; RelayState the return path",
    ),
    App(
        "saml2-js-express",
        "rt_saml2_js.js",
        "saml2-js",
        both("saml2-js"),
        {"refusal": "403", "relay_state": "path"},
        acs_path="/assert",
        notes="saml2-js (Clever) as its README: post_assert, name_id as the identity",
    ),
    App(
        "boxyhq-saml20",
        "rt_boxyhq.js",
        "boxyhq-saml20",
        both("boxyhq-saml20"),
        {"refusal": "403", "whoami": "json"},
        acs_path="/api/oauth/saml",
        sign_on=False,
        notes="@boxyhq/saml20 validate() with the certificate's thumbprint",
    ),
]
