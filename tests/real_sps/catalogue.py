"""The real SP libraries of the tier, each pinned at a known-vulnerable and a fixed version (data)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pin:
    """One installable version of a library and what a correct check-sp says about it."""

    runtime: str  # "python" (a venv, pip) or "node" (npm install --prefix)
    packages: tuple[str, ...]  # pip requirement specifiers or npm name@version
    app: str  # the app file in tests/real_sps/apps/
    # npm `overrides`: a transitive dependency held at the version the CVE needs.
    overrides: dict[str, str] = field(default_factory=dict)
    # The CVEs this version has, each with the check-sp checks that must flag it.
    flagged_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Other checks it fails, each a behaviour of the library as the app uses it (no CVE),
    # found by check-sp and confirmed in the library's code (see the comment at each pin).
    gaps: tuple[str, ...] = ()


# xml-crypto's CVE-2025-29775 (GHSA-x3m8-899r-f7c3, a comment in DigestValue): vulnerable up to
# 6.0.0, 3.2.0 and 2.1.5, fixed in 6.0.1, 3.2.1 and 2.1.6 (node-saml/xml-crypto#494). Its sibling
# CVE-2025-29774 (a second SignedInfo) is checked by second-signed-info, but none of these SAML
# libraries lets it through on its own: node-saml wants exactly one Reference, samlify compares
# the Reference URI with the Assertion's ID.
XML_CRYPTO_DIGEST_CVES = {"CVE-2025-29775": ("comment-in-digest-value",)}
# What node-saml 5 and passport-saml 3 never check on an Assertion (saml.js): the Destination,
# the SubjectConfirmationData Recipient, the Issuer (idpIssuer is only compared on logout
# messages), and the Status once an Assertion is present.
NODE_SAML_GAPS = ("destination-mismatch", "failure-status", "issuer-mismatch", "recipient-mismatch")
# samlify 2.x: no Audience, Destination or Recipient comparison in the login flow, and a signed
# Response is enough even with wantAssertionsSigned.
SAMLIFY_GAPS = (
    "audience-mismatch",
    "destination-mismatch",
    "other-application",
    "recipient-mismatch",
    "response-signed-only",
)

LIBRARIES: dict[str, dict[str, Pin]] = {
    # python3-saml < 1.4.0: CVE-2017-11427, a comment cuts the NameID (Duo, VU#475445).
    "python3-saml": {
        "1.3.0": Pin(
            "python",
            ("python3-saml==1.3.0", "xmlsec==1.3.17", "lxml==6.1.3", "isodate==0.7.2"),
            "python3_saml_app.py",
            flagged_by={"CVE-2017-11427": ("comment-in-nameid",)},
            gaps=("xslt-transform",),
        ),
        "1.16.0": Pin(
            "python",
            ("python3-saml==1.16.0", "xmlsec==1.3.17", "lxml==6.1.3", "isodate==0.7.2"),
            "python3_saml_app.py",
            # python3-saml hands the Signature to libxmlsec1 with every Transform it knows
            # enabled: an XSLT named by the message runs.
            gaps=("xslt-transform",),
        ),
    },
    # pysaml2 < 6.5.0: CVE-2021-21239 (xmlsec1 takes any key the document carries) and
    # CVE-2021-21238 (a document signed by such a key accepted).
    "pysaml2": {
        "6.4.1": Pin(
            "python",
            ("pysaml2==6.4.1", "setuptools<81"),
            "pysaml2_app.py",
            flagged_by={
                "CVE-2021-21239": ("key-value-in-document",),
                "CVE-2021-21238": ("key-value-in-document",),
            },
            gaps=("recipient-mismatch", "xslt-transform"),
        ),
        # response.py verify_recipient: without conv_info (the app passes none, as the
        # documentation's examples) every Recipient is accepted.
        "7.5.0": Pin(
            "python",
            ("pysaml2==7.5.0", "setuptools<81"),
            "pysaml2_app.py",
            gaps=("recipient-mismatch",),
        ),
    },
    # @node-saml/node-saml 5.0.0 with xml-crypto 6.0.0: CVE-2025-29775 (and 29774, see above).
    # Its CVE-2025-54419 (< 5.1.0: the assertion read from the document, not from what was
    # signed) has no forgery here yet: the advisory does not give the shape.
    "node-saml": {
        "5.0.0": Pin(
            "node",
            ("@node-saml/node-saml@5.0.0",),
            "node_saml_app.js",
            overrides={"xml-crypto": "6.0.0"},
            flagged_by=XML_CRYPTO_DIGEST_CVES,
            gaps=NODE_SAML_GAPS,
        ),
        "5.1.0": Pin(
            "node", ("@node-saml/node-saml@5.1.0",), "node_saml_app.js", gaps=NODE_SAML_GAPS
        ),
    },
    # passport-saml < 3.2.2: CVE-2022-39299 (a signed element beside a second root).
    "passport-saml": {
        "3.2.1": Pin(
            "node",
            ("passport-saml@3.2.1",),
            "node_saml_app.js",
            # As locked in October 2022: @xmldom/xmldom 0.7.6 (CVE-2022-39353) began refusing a
            # second root element, which also closed this path.
            overrides={"xml-crypto": "2.1.5", "@xmldom/xmldom": "0.7.5"},
            flagged_by={"CVE-2022-39299": ("multiple-roots",), **XML_CRYPTO_DIGEST_CVES},
            gaps=NODE_SAML_GAPS,
        ),
        "3.2.4": Pin(
            "node",
            ("passport-saml@3.2.4",),
            "node_saml_app.js",
            # The same xmldom as the vulnerable pin: passport-saml's own fix is what is tested.
            overrides={"xml-crypto": "2.1.6", "@xmldom/xmldom": "0.7.5"},
            gaps=NODE_SAML_GAPS,
        ),
    },
    # samlify < 2.10.0: CVE-2025-47949 (signature wrapping: the signed assertion moved aside).
    "samlify": {
        "2.9.1": Pin(
            "node",
            ("samlify@2.9.1",),
            "samlify_app.js",
            # samlify 2.9.1 asks for ^3.2.1; 3.2.0 is the 3.x release before the backported fix.
            overrides={"xml-crypto": "3.2.0"},
            flagged_by={"CVE-2025-47949": ("xsw2",), **XML_CRYPTO_DIGEST_CVES},
            # Also reads the NameID's first text node (fixed in 2.10 with the move to
            # xml-crypto 6; no CVE of its own).
            gaps=(*SAMLIFY_GAPS, "comment-in-nameid"),
        ),
        "2.10.1": Pin("node", ("samlify@2.10.1",), "samlify_app.js", gaps=SAMLIFY_GAPS),
    },
}


def vulnerable(library: str) -> str:
    return next(v for v, pin in LIBRARIES[library].items() if pin.flagged_by)


def fixed(library: str) -> str:
    return next(v for v, pin in LIBRARIES[library].items() if not pin.flagged_by)
