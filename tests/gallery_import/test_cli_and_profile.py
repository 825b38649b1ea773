"""`entra-harness import` end to end on a small tutorial: the `--json` summary and the `--out` profile."""

# ruff: noqa: E501 (the tutorial text keeps the published tutorials' long lines)

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import gallery
from harness.cli.commands import main

TUTORIAL = """\
---
title: Microsoft Entra SSO integration with Contoso Wiki
---

# Microsoft Entra SSO integration with Contoso Wiki

* Contoso Wiki supports **SP and IDP** initiated SSO.

1. On the **Basic SAML Configuration** section, if you wish to configure the application in **IDP** initiated mode, perform the following steps:

    a. In the **Identifier** text box, type a URL using the following pattern:
    `https://<SUBDOMAIN>.contoso-wiki.com/saml`

    b. In the **Reply URL** text box, type a URL using the following pattern:
    `https://<SUBDOMAIN>.contoso-wiki.com/saml/acs`

1. Click **Set additional URLs** and perform the following step if you wish to configure the application in **SP** initiated mode:

    In the **Sign-on URL** text box, type a URL using the following pattern:
    `https://<SUBDOMAIN>.contoso-wiki.com/login`

1. In the **SAML Signing Certificate** section, find **Certificate (Base64)** and select **Download**.

## Configure Contoso Wiki SSO

1. In the **IdP SSO URL** textbox, paste the **Login URL** value.

## Test SSO
"""


def test_import_prints_the_summary_and_writes_a_loadable_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tutorial = tmp_path / "contoso-wiki-tutorial.md"
    tutorial.write_text(TUTORIAL, encoding="utf-8")
    out = tmp_path / "contoso.toml"
    assert main(["import", str(tutorial), "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["app"] == "Contoso Wiki"
    assert summary["sso"]["sign_on_url"] == ["https://<SUBDOMAIN>.contoso-wiki.com/login"]
    assert summary["sso"]["url_modes"] == {
        "identifier": ["idp"],
        "reply_url": ["idp"],
        "sign_on_url": ["sp"],
    }
    assert summary["sso"]["app_side_fields"] == [
        {"field": "IdP SSO URL", "entra_value": "login_url"}
    ]
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    values = data["imported"]["sso"]["values"]
    assert values[0] == {
        "field": "identifier",
        "pattern": "https://<SUBDOMAIN>.contoso-wiki.com/saml",
        "placeholders": ["<SUBDOMAIN>"],
        "alternative": 1,
        "mode": "idp",
        "line": 12,
    }
    app = gallery._parse(data)
    assert app.sso.modes == ("sp", "idp")
    assert app.sso.regions[0].sign_on_url == "https://<SUBDOMAIN>.contoso-wiki.com/login"


def test_import_of_a_missing_file_fails(tmp_path: Path) -> None:
    assert main(["import", str(tmp_path / "absent.md")]) == 2
