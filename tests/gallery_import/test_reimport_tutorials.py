"""Tutorials 000–004 re-imported reproduce the hand-made gallery profiles' SSO and provisioning content
(issue 18, Deliver 2); docs/gallery-import.md lists what the text cannot give."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import gallery
from gallery import gallery_app
from gallery.importer.profile import dumps
from gallery.importer.tutorial import import_tutorial

TUTORIALS = Path(__file__).resolve().parents[2].parent / "shared" / "tutorials"
pytestmark = pytest.mark.skipif(
    not TUTORIALS.is_dir(), reason=f"the tutorials ({TUTORIALS}) are absent: they live in ../shared"
)


def imported(prefix: str) -> dict[str, Any]:
    path = next(TUTORIALS.glob(f"{prefix}_*.txt"))
    summary: dict[str, Any] = import_tutorial(path).summary()
    return summary


def regions(key: str) -> list[tuple[str, str, str | None]]:
    return [(r.identifier, r.reply_url, r.sign_on_url) for r in gallery_app(key).sso.regions]


def test_000_ringcentral_sso() -> None:
    sso = imported("000")["sso"]
    app = gallery_app("ringcentral")
    assert tuple(sso["modes"]) == app.sso.modes == ("idp",)
    assert list(zip(sso["identifier"], sso["reply_url"], strict=True)) == [
        (i, r) for i, r, _ in regions("ringcentral")
    ]
    assert sso["fixed_identifier_note"] is app.sso.fixed_identifier is False


def test_002_8x8_sso_and_both_consoles() -> None:
    sso = imported("002")["sso"]
    app = gallery_app("8x8")
    assert tuple(sso["modes"]) == app.sso.modes
    assert (sso["identifier"], sso["reply_url"]) == (
        [app.sso.regions[0].identifier],
        [app.sso.regions[0].reply_url],
    )
    assert sso["fixed_identifier_note"] is app.sso.fixed_identifier is True
    assert sso["certificate"] == "base64"
    imported_fields = {field["field"] for field in sso["app_side_fields"]}
    for console in app.sso.consoles:
        if console.key in ("admin_console", "account_manager"):
            assert set(console.fields.values()) <= imported_fields, console.key


def test_004_genesys_regions_claims_and_relying_party_identifier() -> None:
    summary = imported("004")
    sso = summary["sso"]
    app = gallery_app("genesys_cloud")
    assert list(
        zip(sso["identifier"], sso["reply_url"], sso["sign_on_url"], strict=True)
    ) == regions("genesys_cloud")
    assert [(c["name"], c["source"]) for c in sso["claims"]][:1] == [
        ("Email", "user.userprincipalname")
    ]
    assert [c["name"] for c in sso["claims"]] == [c["name"] for c in app.sso.claims]
    assert {"field": "Relying Party Identifier", "entra_value": "application_id"} in sso[
        "app_side_fields"
    ]
    assert app.sso.relying_party_identifier is True
    # The written profile loads as a gallery app with the same five regions.
    profile = gallery._parse(
        tomllib.loads(dumps(import_tutorial(next(TUTORIALS.glob("004_*.txt")))))
    )
    assert [(r.identifier, r.reply_url, r.sign_on_url) for r in profile.sso.regions] == regions(
        "genesys_cloud"
    )


def test_001_swedish_table_reads_as_ringcentrals_mappings() -> None:
    prov = imported("001")["provisioning"]
    app = gallery_app("ringcentral")
    assert app.scim_profile is not None
    assert prov["tenant_url"] == app.scim_profile.tenant_url
    read = [(a.get("scim_name", a["name"]), a["source"]) for a in prov["user_attributes"]]
    expected = [(m["target"], m["source"]) for m in app.provisioning["users"]["mappings"]]
    # The gallery's `active` is Entra's default Switch expression, as the import joins it.
    assert [target for target, _ in read] == [target for target, _ in expected]
    assert [source for _, source in read] == [source for _, source in expected]
    assert prov["auth"] == "bearer_token"


def test_003_french_tutorial_is_provisioning_with_the_tenant_url() -> None:
    summary = imported("003")
    assert summary["kind"] == "provisioning"
    app = gallery_app("ringcentral")
    assert app.scim_profile is not None
    assert summary["provisioning"]["tenant_url"] == app.scim_profile.tenant_url
    assert summary["provisioning"]["user_attributes"] == []  # the 2019 table is only a screenshot
