"""Snapshots: export -> import -> export is identical; without --include-keys no secret is
written and the import makes new keys; another snapshot version is refused (issue 22)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli.commands import main
from harness.clients.session import Harness
from mock_idp.snapshot.document import (
    SNAPSHOT_VERSION,
    SnapshotError,
    check_document,
    document_text,
    export_document,
    write_snapshot,
)
from mock_idp.snapshot.entities import load_sections
from tests.state.tenant_setup import configure_everything


def _imported(harness: Harness, document: dict[str, Any]) -> None:
    load_sections(harness.stack.tenant, check_document(json.loads(document_text(document))))


def test_export_import_export_is_identical(harness: Harness) -> None:
    configure_everything(harness)
    tenant = harness.stack.tenant
    first = export_document(tenant, include_keys=True)
    # Every section holds something: the round trip below covers each serializer.
    empty = [name for name, value in first.items() if isinstance(value, list) and not value]
    assert empty == []
    jobs = {job["appDisplayName"]: job for job in first["provisioningJobs"]}
    assert jobs["RingCentral"]["watermark"] is not None
    assert jobs["RingCentral"]["links"], "the provisioned user's link to RingCentral"
    assert jobs["8x8"]["quarantine"] is not None
    assert first["tenant"][0]["federationSigningCertificate"] is not None

    _imported(harness, first)
    again = export_document(tenant, include_keys=True)
    assert document_text(again) == document_text(first)


def test_the_imported_tenant_is_the_configured_one(harness: Harness) -> None:
    configured = configure_everything(harness)
    before = harness.admin_center.saml(configured.app)
    _imported(harness, export_document(harness.stack.tenant, include_keys=True))
    assert harness.admin_center.saml(configured.app) == before
    signed_in = harness.admin._call("GET", f"/users/{configured.user_id}")
    assert signed_in["jobTitle"] == "Analyst"


def _without_key_material(document: dict[str, Any]) -> dict[str, Any]:
    """The document less what a keyless import makes anew: certificates' keys and dates."""
    stripped = copy.deepcopy(document)
    stripped.pop("includesKeys")
    certificates = [c for app in stripped["applications"] for c in app["keyCredentials"]]
    certificates += [t["federationSigningCertificate"] for t in stripped["tenant"]]
    for certificate in certificates:
        for made_anew in ("key", "thumbprint", "startDateTime", "endDateTime"):
            certificate.pop(made_anew)
    return stripped


def test_without_keys_no_secret_is_written_and_import_makes_new_keys(harness: Harness) -> None:
    configured = configure_everything(harness)
    tenant = harness.stack.tenant
    text = document_text(export_document(tenant))
    scim_token = harness.stack.vendors["ringcentral"].scim.token  # type: ignore[union-attr]
    assert "PRIVATE KEY" not in text and scim_token not in text
    exported = json.loads(text)
    before = harness.admin_center.saml(configured.app)["samlSigningCertificate"]["certificates"]

    load_sections(tenant, check_document(exported))
    after = harness.admin_center.saml(configured.app)["samlSigningCertificate"]["certificates"]
    assert [c["active"] for c in after] == [c["active"] for c in before]
    assert {c["thumbprint"] for c in after}.isdisjoint(c["thumbprint"] for c in before)
    # Everything else came back as it was.
    assert _without_key_material(export_document(tenant)) == _without_key_material(exported)


def test_another_snapshot_version_is_refused_with_a_clear_message(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = export_document(harness.stack.tenant)
    old["snapshotVersion"] = 0
    with pytest.raises(SnapshotError) as refused:
        check_document(old, "old.json")
    assert str(refused.value).startswith(
        f"old.json is snapshot version 0; this entra-harness reads version {SNAPSHOT_VERSION} only"
    )

    path = tmp_path / "old.json"
    path.write_text(document_text(old))
    assert main(["snapshot", "import", str(path), "--state", str(tmp_path / "state")]) == 2
    assert "is snapshot version 0" in capsys.readouterr().err
    assert not (tmp_path / "state").exists(), "nothing imported"


def test_snapshot_command_line_round_trip(harness: Harness, tmp_path: Path) -> None:
    """import FILE --state DIR, then export DIR: the same file (with keys: nothing made anew)."""
    configure_everything(harness)
    original = tmp_path / "configured.json"
    write_snapshot(harness.stack.tenant, original, include_keys=True)
    state = tmp_path / "state"
    assert main(["snapshot", "import", str(original), "--state", str(state)]) == 0
    exported = tmp_path / "exported.json"
    assert main(["snapshot", "export", str(exported), "--state", str(state), "--include-keys"]) == 0
    assert exported.read_text() == original.read_text()
