"""Faults end as Entra's would (retries, escrow, quarantine, mail); Test Connection, on demand, logs."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from mock_idp.provisioning.logs import logs_csv, logs_json
from mock_idp.provisioning.service import JobError
from mock_idp.provisioning.state import Credentials
from tests.provisioning.test_provisioning_targets import ProvisioningWorld, RecordingScimTarget


@pytest.fixture
def target() -> Iterator[RecordingScimTarget]:
    recording = RecordingScimTarget()
    yield recording
    recording.close()


def world(target: RecordingScimTarget, flag: bool = False, **settings: Any) -> ProvisioningWorld:
    return ProvisioningWorld(target.url, target.token, flag=flag, settings=settings)


def error_code(entry: dict[str, Any]) -> str:
    return str(entry["provisioningStatusInfo"]["errorInformation"]["errorCode"])


def test_5xx_is_retried_within_the_export(target: RecordingScimTarget) -> None:
    w = world(target, retry_backoff_seconds=0.25)
    target.fail(503, times=2, method="POST")
    w.user("ada")
    summary = w.start()
    assert summary.counts == {"create": 1, "exported": 1}
    assert [r.method for r in target.requests] == ["GET", "POST", "POST", "POST"]
    assert w.sleeps == [0.25, 0.5]  # exponential backoff between attempts
    attempts = [t.attempt for t in w.tenant.provisioning.trace if t.method == "POST"]
    assert attempts == [1, 2, 3]


def test_a_timeout_is_retried(target: RecordingScimTarget) -> None:
    w = world(target, request_timeout_seconds=1.0)
    target.fail(200, times=1, method="POST", delay=2.5)
    w.user("ada")
    assert w.start().counts == {"create": 1, "exported": 1}
    posts = [t for t in w.tenant.provisioning.trace if t.method == "POST"]
    assert posts[0].error == "Timeout" and posts[-1].error is None and posts[-1].status == 201


def test_escrow_retries_6_12_24_hours_after_the_failure_then_daily(
    target: RecordingScimTarget,
) -> None:
    w = world(target, retry_attempts=0)
    target.fail(500, times=5, method="POST")
    ada = w.user("ada")
    first = w.start()
    assert first.counts == {"failed": 1}
    assert error_code(w.logs()[-1]) == "InternalServerError"
    escrow = w.job.escrows[ada.id]
    began = escrow.first_failure
    expected = [timedelta(hours=h) for h in (6, 12, 24, 48, 72)]
    seen = [escrow.next_attempt - began]
    posts = 1
    # Incremental cycles every 40 minutes do not retry before the escrow is due.
    for _ in range(3):
        w.later(minutes=40)
        assert len(target.bodies("POST", "^/Users$")) == posts
    for step in expected[:4]:
        w.clock.set(began + step)
        w.run_due()
        posts += 1
        assert len([r for r in target.requests if r.method == "POST"]) == posts
        seen.append(w.job.escrows[ada.id].next_attempt - began)
    assert seen == expected
    # The fifth failure was the last scripted one: 72 h after the first failure it goes through.
    w.clock.set(began + expected[4])
    summary = w.run_due()
    assert summary.counts == {"create": 1, "exported": 1}
    assert ada.id not in w.job.escrows and w.link(ada)


def test_escrows_stop_after_28_days(target: RecordingScimTarget) -> None:
    w = world(target, retry_attempts=0)
    target.fail(500, times=100, method="POST")
    ada = w.user("ada")
    w.start()
    began = w.job.escrows[ada.id].first_failure
    w.clock.set(began + timedelta(days=28))
    w.run_due()
    assert ada.id not in w.job.escrows
    assert any(a["activityDisplayName"] == "Escrow expired" for a in w.tenant.provisioning.audits)


def test_429_storm_honours_retry_after_and_loses_nothing(target: RecordingScimTarget) -> None:
    w = world(target, retry_attempts=2, max_parallel_requests=4)
    target.fail(429, times=25, headers={"Retry-After": "7"})
    users = [w.user(f"user{i}") for i in range(10)]
    first = w.start()
    assert set(w.sleeps) == {7.0}, "each retry waited the Retry-After"
    failed = first.counts.get("failed", 0)
    assert failed > 0 and first.counts.get("create", 0) + failed == 10
    codes = {error_code(e) for e in w.logs() if e["provisioningStatusInfo"]["status"] == "failure"}
    assert codes == {"TooManyRequests"}
    assert first.state == "EntryLevelErrors" and w.job.quarantine is None
    # The storm is over when the escrows come due: every user exists, none twice.
    w.later(hours=6)
    assert {u["userName"] for u in target.users.values()} == {
        f"user{i}@contoso.com" for i in range(10)
    }
    assert len(target.users) == 10 and not w.job.escrows
    assert all(w.link(u) for u in users)


def test_retry_after_can_be_ignored(target: RecordingScimTarget) -> None:
    w = world(target, honour_retry_after=False, retry_backoff_seconds=0.5)
    target.fail(429, times=2, headers={"Retry-After": "30"})
    w.user("ada")
    w.start()
    assert w.sleeps == [0.5, 1.0]


def test_retry_after_is_capped(target: RecordingScimTarget) -> None:
    w = world(target, max_retry_after_seconds=2.0)
    target.fail(429, times=1, headers={"Retry-After": "3600"})
    w.user("ada")
    w.start()
    assert w.sleeps == [2.0]


def test_bad_token_quarantines_mails_once_slows_to_daily_and_recovers(
    target: RecordingScimTarget,
) -> None:
    w = world(target)
    w.service.configure(w.job, notification_email="ops@contoso.com", notify_on_failure=True)
    w.service.save_credentials(w.job, {"SecretToken": "wrong"})
    ada = w.user("ada")
    first = w.start()
    assert first.state == "Failed" and first.error["code"] == "Unauthorized"  # type: ignore[index]
    quarantine = w.job.quarantine
    assert quarantine is not None and quarantine.reason == "EncounteredQuarantineException"
    assert w.job.status_code == "Quarantine"
    assert w.job.next_run == first.ended + timedelta(days=1)
    mails = w.tenant.provisioning.outbox
    assert len(mails) == 1 and mails[0].to == ["ops@contoso.com"]
    assert "quarantine" in mails[0].subject and "Unauthorized" in mails[0].body
    # Cycles slow to daily: nothing runs 40 minutes later.
    requests = len(target.requests)
    assert w.later(minutes=40) is None and len(target.requests) == requests
    # A day later it still fails: no second mail for the same reason.
    assert w.later(days=1).state == "Failed"
    assert len(w.tenant.provisioning.outbox) == 1
    # The admin fixes the token; the next daily cycle succeeds and lifts the quarantine.
    w.service.save_credentials(w.job, {"SecretToken": target.token})
    recovered = w.later(days=1)
    assert recovered.state == "Succeeded" and w.job.quarantine is None
    assert target.user_named("ada@contoso.com")["id"] == w.link(ada)
    assert w.job.next_run == recovered.ended + timedelta(minutes=40)
    activities = [a["activityDisplayName"] for a in w.tenant.provisioning.audits]
    assert "Quarantine" in activities and "Quarantine lifted" in activities


def test_four_weeks_in_quarantine_disable_the_job(target: RecordingScimTarget) -> None:
    w = world(target)
    w.service.save_credentials(w.job, {"SecretToken": "wrong"})
    w.user("ada")
    w.start()
    for _ in range(28):
        w.later(days=1)
    assert w.job.schedule_state == "Disabled" and w.job.next_run is None
    assert w.later(days=1) is None
    # Starting again (after fixing the cause) runs a cycle now.
    w.service.save_credentials(w.job, {"SecretToken": target.token})
    w.service.start(w.job)
    assert w.run_due().state == "Succeeded"


def test_a_404_on_a_query_quarantines(target: RecordingScimTarget) -> None:
    w = world(target)
    target.query_status = 404
    w.user("ada")
    summary = w.start()
    assert summary.state == "Failed"
    assert w.job.quarantine is not None
    assert (
        w.job.quarantine.error_code == "SystemForCrossDomainIdentityManagementServiceIncompatible"
    )
    assert len(target.requests) == 1, "the cycle stops at the first quarantine failure"
    # The vendor fixes the endpoint; Restart clears the quarantine and runs at once.
    target.query_status = None
    w.service.restart(w.job)
    assert w.job.quarantine is None
    assert w.run_due().state == "Succeeded"
    assert len(target.users) == 1


def test_failure_thresholds_quarantine(target: RecordingScimTarget) -> None:
    w = world(target, retry_attempts=0, quarantine_min_failures=3, quarantine_failure_ratio=0.4)
    target.fail(400, times=3, method="POST")
    for name in ("ada", "bob", "cy", "dee"):
        w.user(name)
    summary = w.start()
    assert summary.counts.get("failed") == 3
    assert w.job.quarantine is not None
    assert w.job.quarantine.reason == "EncounteredEscrowProportionThreshold"
    assert {
        error_code(e) for e in w.logs() if e["provisioningStatusInfo"]["status"] == "failure"
    } == {"SystemForCrossDomainIdentityManagementBadRequest"}


def test_409_is_entry_conflict(target: RecordingScimTarget) -> None:
    w = world(target)
    target.fail(409, times=1, method="POST")
    w.user("ada")
    w.start()
    assert error_code(w.logs()[-1]) == "EntryConflict"


def test_default_access_users_are_skipped_under_the_2019_rule(target: RecordingScimTarget) -> None:
    w = world(target, default_access="not_entitled")
    ada = w.user("ada")
    summary = w.start()
    assert summary.counts == {"skipped": 1} and target.bodies("POST", "Users") == []
    entry = w.logs()[-1]
    assert entry["provisioningStatusInfo"]["status"] == "skipped"
    assert (
        "not effectively entitled" in entry["provisioningStatusInfo"]["errorInformation"]["reason"]
    )
    scoping = next(s for s in entry["provisioningSteps"] if s["provisioningStepType"] == "scoping")
    assert scoping["details"]["IsEffectivelyEntitledForProvisioning"] == "False"
    # The current rule: Default Access is a role like any other (a new initial cycle).
    w.service.update_settings(w.job, {"default_access": "entitled"})
    w.service.restart(w.job)
    w.run_due()
    assert w.link(ada)


# --- Test Connection ---------------------------------------------------------------------------


def test_connection_probe_is_the_guid_filter(target: RecordingScimTarget) -> None:
    w = world(target)
    result = w.service.validate_credentials(w.job)
    assert result.success
    users, groups = target.requests
    assert (users.method, users.path, groups.path) == ("GET", "/Users", "/Groups")
    guid = users.query["filter"].removeprefix('userName eq "').removesuffix('"')
    assert len(guid) == 36 and guid.count("-") == 4
    assert groups.query["excludedAttributes"] == "members"
    assert groups.query["filter"].startswith('displayName eq "')


def test_connection_failures_say_what_is_wrong(target: RecordingScimTarget) -> None:
    w = world(target)
    bad = w.service.validate_credentials(w.job, Credentials(target.url, "wrong"))
    assert not bad.success and bad.code == "Unauthorized"
    assert bad.message.startswith("You appear to have entered invalid credentials.")
    unreachable = w.service.validate_credentials(w.job, Credentials("http://127.0.0.1:9/scim", "t"))
    assert (
        not unreachable.success and "could not reach http://127.0.0.1:9/scim" in unreachable.message
    )
    target.query_status = 404
    missing = w.service.validate_credentials(w.job)
    assert not missing.success and "404" in missing.message
    assert missing.code == "SystemForCrossDomainIdentityManagementServiceIncompatible"
    empty = w.service.validate_credentials(w.job, Credentials(None, None))
    assert empty.message == "The Tenant URL is required."


def test_oauth_client_credentials(target: RecordingScimTarget) -> None:
    w = world(target)
    client_id, secret = target.client_credentials
    w.service.save_credentials(
        w.job,
        {
            "SecretToken": "",
            "ClientIdentifier": client_id,
            "ClientSecret": secret,
            "TokenEndpoint": target.url.removesuffix("/scim/v2") + "/oauth2/token",
        },
    )
    w.user("ada")
    assert w.start().state == "Succeeded"
    token_requests = [r for r in target.requests if r.path == "/oauth2/token"]
    assert len(token_requests) == 1 and token_requests[0].body["grant_type"] == "client_credentials"
    assert target.requests[-1].headers["Authorization"] == f"Bearer {target.token}"


# --- provision on demand -----------------------------------------------------------------------


def test_provision_on_demand_one_user(target: RecordingScimTarget) -> None:
    w = world(target, flag=True)
    ada = w.user("ada")
    (entry,) = w.service.provision_on_demand(w.job, ada.id, "User", [])
    assert entry["provisioningAction"] == "create"
    assert [s["provisioningStepType"] for s in entry["provisioningSteps"]] == [
        "import",
        "scoping",
        "matching",
        "processing",
        "export",
    ]
    assert entry["initiatedBy"]["initiatingType"] == "user"
    # Docs: the aadOptscim062020 flag "currently doesn't work with on-demand provisioning".
    w.admin.update_user(w.tenant, ada.id, account_enabled=False)
    w.service.provision_on_demand(w.job, ada.id, "User", [])
    assert target.bodies("PATCH", "Users")[-1]["Operations"] == [
        {"op": "Replace", "path": "active", "value": "False"}
    ]
    w.service.update_settings(w.job, {"on_demand_honours_scim_flag": True})
    w.admin.update_user(w.tenant, ada.id, account_enabled=True)
    w.service.provision_on_demand(w.job, ada.id, "User", [])
    assert target.bodies("PATCH", "Users")[-1]["Operations"] == [
        {"op": "replace", "path": "active", "value": True}
    ]


def test_provision_on_demand_a_group_with_up_to_five_members(target: RecordingScimTarget) -> None:
    w = world(target)
    people = [w.user(f"p{i}", assign=False) for i in range(6)]
    team = w.group("Team", people)
    with pytest.raises(JobError, match="up to 5 members"):
        w.service.provision_on_demand(w.job, team.id, "Group", [p.id for p in people])
    entries = w.service.provision_on_demand(w.job, team.id, "Group", [p.id for p in people[:2]])
    assert [(e["sourceIdentity"]["identityType"], e["provisioningAction"]) for e in entries] == [
        ("Group", "create"),
        ("User", "create"),
        ("User", "create"),
        ("Group", "update"),
    ]
    members = target.bodies("PATCH", "Groups")[-1]["Operations"][0]["value"]
    assert sorted(m["value"] for m in members) == sorted(w.link(p) for p in people[:2])
    assert len(target.users) == 2


def test_an_unassigned_user_on_demand_is_skipped(target: RecordingScimTarget) -> None:
    w = world(target)
    ada = w.user("ada", assign=False)
    (entry,) = w.service.provision_on_demand(w.job, ada.id, "User", [])
    assert entry["provisioningStatusInfo"]["status"] == "skipped"
    assert target.requests == []


# --- logs --------------------------------------------------------------------------------------


def test_logs_download_as_json_and_three_csv_files(target: RecordingScimTarget) -> None:
    w = world(target)
    w.user("ada", job_title="Engineer")
    w.start()
    target.fail(409, times=1, method="POST")
    w.user("bob")
    w.later(minutes=40)
    entries = w.logs()
    assert json.loads(logs_json(entries)) == entries
    files = logs_csv(entries)
    assert sorted(files) == [
        "ProvisioningLogs.csv",
        "ProvisioningLogs_ModifiedProperties.csv",
        "ProvisioningLogs_ProvisioningSteps.csv",
    ]
    rows = list(csv.DictReader(io.StringIO(files["ProvisioningLogs.csv"])))
    assert sorted((r["Source Identity Name"], r["Status"]) for r in rows) == [
        ("ada@contoso.com", "success"),
        ("bob@contoso.com", "failure"),
    ]
    steps = list(csv.DictReader(io.StringIO(files["ProvisioningLogs_ProvisioningSteps.csv"])))
    changes = {r["Change ID"] for r in rows}
    assert {s["Change ID"] for s in steps} == changes
    properties = list(csv.DictReader(io.StringIO(files["ProvisioningLogs_ModifiedProperties.csv"])))
    assert {"Property": "title", "Old Value": "", "New Value": "Engineer"}.items() <= next(
        p for p in properties if p["Property"] == "title"
    ).items()


# --- parallelism -------------------------------------------------------------------------------


def test_parallel_requests_are_bounded_and_one_object_is_never_written_twice_at_once(
    target: RecordingScimTarget,
) -> None:
    w = world(target, max_parallel_requests=4)
    target.delay = 0.02
    people = [w.user(f"p{i}") for i in range(16)]
    w.group("Everyone", people)
    w.start()
    assert target.most_in_flight == 4
    assert target.most_writes_per_object == 1
    assert len(target.users) == 16


def test_the_request_rate_stays_within_the_setting(target: RecordingScimTarget) -> None:
    w = world(target, max_parallel_requests=8, max_requests_per_second=25.0)
    for i in range(40):
        w.user(f"p{i}")
    started = time.monotonic()
    w.start()
    elapsed = time.monotonic() - started
    sent = len(target.requests)
    # A bucket of 25 starts full: 80 requests need at least (80 - 25) / 25 s.
    assert sent == 80 and elapsed >= (sent - 25) / 25 * 0.95
    assert sent / elapsed <= 25 * 1.6


def test_every_failure_has_its_entra_error_code(target: RecordingScimTarget) -> None:
    from mock_idp.provisioning.mappings import clone

    w = world(target, retry_attempts=0)
    users = clone(w.job.users)
    users.mapping_for('emails[type eq "work"].value').matching_precedence = 1  # type: ignore[union-attr]
    users.mapping_for("userName").matching_precedence = 2  # type: ignore[union-attr]
    users.mapping_for("externalId").matching_precedence = 3  # type: ignore[union-attr]
    w.service.update_mappings(w.job, users, None)
    w.user("nomail", mail=None)  # matched by userName, but the first matching value is missing
    target.fail(400, times=1, method="POST", path="Users")
    target.faults[-1].body = {
        "schemas": [],
        "status": "400",
        "scimType": "invalidPath",
        "detail": "no attr",
    }
    w.user("badpath")
    target.groups["g"] = {"id": "g", "displayName": "Team", "members": [{"value": "x"}]}
    target.honour_excluded_attributes = False
    w.group("Team", [])
    w.start()
    codes = {
        e["sourceIdentity"]["displayName"]: error_code(e)
        for e in w.logs()
        if e["provisioningStatusInfo"]["errorInformation"]
    }
    assert codes == {
        "nomail@contoso.com": "MandatoryFieldsMissing",
        "badpath@contoso.com": "SchemaAttributeNotFound",
        "Team": "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
    }


def test_a_user_without_any_matching_value_is_import_skipped(target: RecordingScimTarget) -> None:
    from mock_idp.provisioning.mappings import clone

    w = world(target)
    users = clone(w.job.users)
    users.mapping_for("userName").matching_precedence = 0  # type: ignore[union-attr]
    users.mapping_for('emails[type eq "work"].value').matching_precedence = 1  # type: ignore[union-attr]
    w.service.update_mappings(w.job, users, None)
    w.user("nomail", mail=None)
    assert w.start().counts == {"skipped": 1}
    assert error_code(w.logs()[-1]) == "ImportSkipped"
    assert target.requests == []
