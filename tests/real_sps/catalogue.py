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


# The xml-crypto pair behind CVE-2025-29774 / 29775 (GHSA-9p8x-f768-wp2g, GHSA-x3m8-899r-f7c3):
# vulnerable up to 6.0.0 and 2.1.5, fixed in 6.0.1 and 2.1.6 (node-saml/xml-crypto#494).
XML_CRYPTO_DIGEST_CVES = {
    "CVE-2025-29775": ("comment-in-digest-value",),
    "CVE-2025-29774": ("second-signed-info",),
}

LIBRARIES: dict[str, dict[str, Pin]] = {
    # python3-saml < 1.4.0: CVE-2017-11427, a comment cuts the NameID (Duo, VU#475445).
    "python3-saml": {
        "1.3.0": Pin(
            "python",
            ("python3-saml==1.3.0", "xmlsec==1.3.17", "lxml==6.1.3", "isodate==0.7.2"),
            "python3_saml_app.py",
            flagged_by={"CVE-2017-11427": ("comment-in-nameid",)},
        ),
        "1.16.0": Pin(
            "python",
            ("python3-saml==1.16.0", "xmlsec==1.3.17", "lxml==6.1.3", "isodate==0.7.2"),
            "python3_saml_app.py",
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
        ),
        "7.5.0": Pin("python", ("pysaml2==7.5.0", "setuptools<81"), "pysaml2_app.py"),
    },
    # @node-saml/node-saml 5.0.0 with xml-crypto 6.0.0: CVE-2025-29774/29775; and < 5.1.0:
    # CVE-2025-54419 (the assertion read from the document, not from what was signed).
    "node-saml": {
        "5.0.0": Pin(
            "node",
            ("@node-saml/node-saml@5.0.0",),
            "node_saml_app.js",
            overrides={"xml-crypto": "6.0.0"},
            flagged_by={
                **XML_CRYPTO_DIGEST_CVES,
                "CVE-2025-54419": ("assertion-outside-signed-response",),
            },
        ),
        "5.1.0": Pin("node", ("@node-saml/node-saml@5.1.0",), "node_saml_app.js"),
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
            flagged_by={
                "CVE-2022-39299": ("multiple-roots",),
                **XML_CRYPTO_DIGEST_CVES,
            },
        ),
        "3.2.4": Pin(
            "node",
            ("passport-saml@3.2.4",),
            "node_saml_app.js",
            # The same xmldom as the vulnerable pin: passport-saml's own fix is what is tested.
            overrides={"xml-crypto": "2.1.6", "@xmldom/xmldom": "0.7.5"},
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
            flagged_by={"CVE-2025-47949": ("xsw3",), **XML_CRYPTO_DIGEST_CVES},
        ),
        "2.10.1": Pin("node", ("samlify@2.10.1",), "samlify_app.js"),
    },
}


def vulnerable(library: str) -> str:
    return next(v for v, pin in LIBRARIES[library].items() if pin.flagged_by)


def fixed(library: str) -> str:
    return next(v for v, pin in LIBRARIES[library].items() if not pin.flagged_by)
