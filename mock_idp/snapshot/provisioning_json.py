"""Provisioning jobs as JSON: Graph synchronizationJob's schedule, status and schema (the
mappings), the Admin Credentials, and the service's own memory of each job: links to target
objects, the watermark, escrows, quarantine and cycle history (ENTRA-BEHAVIOUR §8)."""

from __future__ import annotations

from typing import Any

from ..provisioning.mappings import object_mapping_data, object_mapping_from_data
from ..provisioning.state import (
    Credentials,
    CycleSummary,
    EscrowEntry,
    Mail,
    ProvisioningJob,
    ProvisioningSettings,
    Quarantine,
    TargetLink,
    Watermark,
)
from .timestamps import parse_when, when

# Credentials that are secrets: written only when a snapshot is asked for its keys.
SECRET_CREDENTIALS = ("secret_token", "client_secret")
CREDENTIAL_NAMES = {
    "tenant_url": "tenantUrl",
    "secret_token": "secretToken",
    "client_id": "clientId",
    "client_secret": "clientSecret",
    "token_endpoint": "tokenEndpoint",
}


def settings_from_data(data: dict[str, Any]) -> ProvisioningSettings:
    return ProvisioningSettings().update(data)


def cycle_from_data(data: dict[str, Any]) -> CycleSummary:
    return CycleSummary(
        cycle_id=data["cycleId"],
        kind=data["kind"],
        began=parse_when(data["began"]),  # type: ignore[arg-type]
        ended=parse_when(data.get("ended")),
        state=data["state"],
        total=data["total"],
        processed=data["processed"],
        counts=dict(data.get("counts", {})),
        error=data.get("error"),
    )


def _cycle_data(summary: CycleSummary) -> dict[str, Any]:
    # CycleSummary.as_json writes isoformat; the snapshot's one timestamp form is `when`.
    data = summary.as_json()
    data["began"], data["ended"] = when(summary.began), when(summary.ended)
    return data


def _link_data(link: TargetLink) -> dict[str, Any]:
    return {
        "kind": link.kind,
        "sourceId": link.source_id,
        "targetId": link.target_id,
        "display": link.display,
        "disabled": link.disabled,
        "members": sorted(link.members),
        "managerTargetId": link.manager_target_id,
    }


def _escrow_data(entry: EscrowEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "sourceId": entry.source_id,
        "firstFailure": when(entry.first_failure),
        "nextAttempt": when(entry.next_attempt),
        "attempts": entry.attempts,
        "errorCode": entry.error_code,
        "reason": entry.reason,
        "reference": entry.reference,
    }


def _quarantine_data(quarantine: Quarantine | None) -> dict[str, Any] | None:
    if quarantine is None:
        return None
    return {
        "reason": quarantine.reason,
        "errorCode": quarantine.error_code,
        "detail": quarantine.detail,
        "seriesBegan": when(quarantine.series_began),
        "currentBegan": when(quarantine.current_began),
        "nextAttempt": when(quarantine.next_attempt),
        "seriesCount": quarantine.series_count,
    }


def job_data(job: ProvisioningJob, include_keys: bool) -> dict[str, Any]:
    """Everything a restarted service needs to go on where it was: the next cycle after a
    restart is incremental (the watermark's fingerprints are kept; the in-memory change
    sequence is not, so that cycle reads every user and exports only what changed)."""
    credentials = {
        graph: getattr(job.credentials, name)
        for name, graph in CREDENTIAL_NAMES.items()
        if include_keys or name not in SECRET_CREDENTIALS
    }
    history = list(job.history)
    return {
        "id": job.id,
        "servicePrincipalId": job.service_principal_id,
        "templateId": job.template_id,
        "appDisplayName": job.app_display_name,
        "schema": {
            "users": object_mapping_data(job.users),
            "groups": object_mapping_data(job.groups),
        },
        "settings": job.settings.as_json(),
        "credentials": credentials,
        "notificationEmail": job.notification_email,
        "notifyOnFailure": job.notify_on_failure,
        "syncAll": job.sync_all,
        "schedule": {"state": job.schedule_state, "nextRun": when(job.next_run)},
        "links": [_link_data(link) for link in list(job.links.values())],
        "watermark": None
        if job.watermark is None
        else {
            "takenAt": when(job.watermark.taken_at),
            "fingerprints": dict(job.watermark.fingerprints),
        },
        "escrows": [_escrow_data(entry) for entry in list(job.escrows.values())],
        "pendingReferences": sorted(job.pending_references),
        "quarantine": _quarantine_data(job.quarantine),
        "quarantineMailedReason": job.quarantine_mailed_reason,
        "history": [_cycle_data(summary) for summary in history],
        "lastSuccessful": None if job.last_successful is None else _cycle_data(job.last_successful),
        "lastWithExports": None
        if job.last_with_exports is None
        else _cycle_data(job.last_with_exports),
        "successiveFailures": job.successive_failures,
        "steadyStateFirst": when(job.steady_state_first),
        "steadyStateLast": when(job.steady_state_last),
    }


def job_from_data(data: dict[str, Any]) -> ProvisioningJob:
    """A job as saved; a cycle that was running when the process stopped is not resumed
    mid-way: its job is due again and its next cycle starts from the last watermark."""
    app_name = data["appDisplayName"]
    history = [cycle_from_data(c) for c in data.get("history", [])]
    by_id = {summary.cycle_id: summary for summary in history}

    def summary(entry: dict[str, Any] | None) -> CycleSummary | None:
        # The same object as in the history when it is there, as the service keeps it.
        return None if entry is None else by_id.get(entry["cycleId"]) or cycle_from_data(entry)

    watermark = data.get("watermark")
    quarantine = data.get("quarantine")
    credentials = data.get("credentials", {})
    return ProvisioningJob(
        id=data["id"],
        service_principal_id=data["servicePrincipalId"],
        template_id=data["templateId"],
        app_display_name=app_name,
        users=object_mapping_from_data(data["schema"]["users"], "User", app_name),
        groups=object_mapping_from_data(data["schema"]["groups"], "Group", app_name),
        settings=settings_from_data(data["settings"]),
        credentials=Credentials(
            **{name: credentials.get(graph) for name, graph in CREDENTIAL_NAMES.items()}
        ),
        notification_email=data.get("notificationEmail"),
        notify_on_failure=bool(data.get("notifyOnFailure")),
        sync_all=bool(data.get("syncAll")),
        schedule_state=data["schedule"]["state"],
        next_run=parse_when(data["schedule"].get("nextRun")),
        links={
            link["sourceId"]: TargetLink(
                kind=link["kind"],
                source_id=link["sourceId"],
                target_id=link["targetId"],
                display=link["display"],
                disabled=bool(link.get("disabled")),
                members=set(link.get("members", [])),
                manager_target_id=link.get("managerTargetId"),
            )
            for link in data.get("links", [])
        },
        watermark=None
        if watermark is None
        else Watermark(
            parse_when(watermark["takenAt"]),  # type: ignore[arg-type]
            dict(watermark.get("fingerprints", {})),
        ),
        escrows={
            entry["sourceId"]: EscrowEntry(
                kind=entry["kind"],
                source_id=entry["sourceId"],
                first_failure=parse_when(entry["firstFailure"]),  # type: ignore[arg-type]
                next_attempt=parse_when(entry["nextAttempt"]),  # type: ignore[arg-type]
                attempts=entry["attempts"],
                error_code=entry["errorCode"],
                reason=entry["reason"],
                reference=bool(entry.get("reference")),
            )
            for entry in data.get("escrows", [])
        },
        pending_references=set(data.get("pendingReferences", [])),
        quarantine=None
        if quarantine is None
        else Quarantine(
            reason=quarantine["reason"],
            error_code=quarantine["errorCode"],
            detail=quarantine["detail"],
            series_began=parse_when(quarantine["seriesBegan"]),  # type: ignore[arg-type]
            current_began=parse_when(quarantine["currentBegan"]),  # type: ignore[arg-type]
            next_attempt=parse_when(quarantine["nextAttempt"]),  # type: ignore[arg-type]
            series_count=quarantine.get("seriesCount", 1),
        ),
        quarantine_mailed_reason=data.get("quarantineMailedReason"),
        history=history,
        last_successful=summary(data.get("lastSuccessful")),
        last_with_exports=summary(data.get("lastWithExports")),
        successive_failures=data.get("successiveFailures", 0),
        steady_state_first=parse_when(data.get("steadyStateFirst")),
        steady_state_last=parse_when(data.get("steadyStateLast")),
    )


def mail_data(mail: Mail) -> dict[str, Any]:
    data = mail.as_json()
    data["sentDateTime"] = when(mail.sent_at)
    return data


def mail_from_data(data: dict[str, Any]) -> Mail:
    return Mail(
        to=list(data["to"]),
        subject=data["subject"],
        body=data["body"],
        sent_at=parse_when(data["sentDateTime"]),  # type: ignore[arg-type]
        sender=data.get("from", Mail.sender),
    )
