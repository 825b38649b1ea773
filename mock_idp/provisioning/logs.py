"""Provisioning logs as Graph provisioningObjectSummary, their JSON and CSV downloads, audit entries."""
# Docs "Provisioning logs in Microsoft Entra ID", "How to download and analyze the Microsoft Entra provisioning logs".

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..ids import new_guid
from .errors import ProvisioningFailure

SOURCE_SYSTEM = "Microsoft Entra ID"
SERVICE_NAME = "Microsoft Entra Provisioning Service"


def graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text(value: Any) -> str | None:
    if type(value) is str:  # most values, rendered for every step and modified property
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


@dataclass
class ObjectLog:
    """Collects one object's steps during an export; `summary()` renders the Graph entry."""

    tenant_id: str
    job_id: str
    cycle_id: str
    service_principal_id: str
    app_name: str
    app_id: str
    kind: str  # User or Group
    source_id: str
    source_display: str
    started: datetime
    on_demand: bool = False
    steps: list[dict[str, Any]] = field(default_factory=list)
    modified: list[dict[str, Any]] = field(default_factory=list)
    target_id: str = ""
    target_display: str = ""

    def step(
        self,
        step_type: str,
        name: str,
        status: str,
        description: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.steps.append(
            {
                "name": name,
                "provisioningStepType": step_type,
                "status": status,
                "description": description,
                "details": {k: _text(v) for k, v in (details or {}).items()},
            }
        )

    def modify(self, name: str, old: Any, new: Any) -> None:
        self.modified.append({"displayName": name, "oldValue": _text(old), "newValue": _text(new)})

    def summary(
        self,
        action: str,
        status: str,
        ended: datetime,
        failure: ProvisioningFailure | None = None,
        skip_reason: str | None = None,
    ) -> dict[str, Any]:
        error = failure.error_information() if failure else None
        if error is None and skip_reason:
            error = {
                "errorCode": skip_reason,
                "reason": next(
                    (s["description"] for s in reversed(self.steps) if s["status"] == "skipped"),
                    skip_reason,
                ),
                "additionalDetails": None,
                "errorCategory": None,
                "recommendedAction": None,
            }
        app_details = {
            "ApplicationId": self.app_id,
            "ServicePrincipalId": self.service_principal_id,
            "ServicePrincipalDisplayName": self.app_name,
        }
        return {
            "id": new_guid(),
            "activityDateTime": graph_time(ended),
            "tenantId": self.tenant_id,
            "jobId": self.job_id,
            "cycleId": self.cycle_id,
            "changeId": new_guid(),
            "provisioningAction": action,
            "durationInMilliseconds": max(int((ended - self.started).total_seconds() * 1000), 0),
            "initiatedBy": {
                "initiatingType": "user" if self.on_demand else "system",
                "id": "",
                "displayName": "Provision on demand" if self.on_demand else SERVICE_NAME,
            },
            "servicePrincipal": {"id": self.service_principal_id, "displayName": self.app_name},
            "sourceSystem": {"id": None, "displayName": SOURCE_SYSTEM, "details": {}},
            "targetSystem": {"id": None, "displayName": self.app_name, "details": app_details},
            "sourceIdentity": {
                "identityType": self.kind,
                "id": self.source_id,
                "displayName": self.source_display,
                "details": {},
            },
            "targetIdentity": {
                "identityType": self.kind,
                "id": self.target_id,
                "displayName": self.target_display or self.source_display,
                "details": {},
            },
            "provisioningStatusInfo": {"status": status, "errorInformation": error},
            "provisioningSteps": list(self.steps),
            "modifiedProperties": list(self.modified),
        }


def on_demand_pair(entry: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """provisionOnDemand's stringKeyStringValuePair: the result in `key`, the log in `value`."""
    status = entry["provisioningStatusInfo"]["status"]
    error = entry["provisioningStatusInfo"]["errorInformation"] or {}
    key = {
        "result": status.capitalize(),
        "details": {"errorCode": error.get("errorCode"), "errorMessage": error.get("reason")}
        if error
        else {},
    }
    value = {
        "action": entry["provisioningAction"].capitalize(),
        "changeId": entry["changeId"],
        "endTime": entry["activityDateTime"],
        "modifiedProperties": entry["modifiedProperties"],
        "provisioningSteps": [
            {
                "name": s["name"],
                "type": s["provisioningStepType"].capitalize(),
                "status": s["status"].capitalize(),
                "description": s["description"],
                "timestamp": entry["activityDateTime"],
                "details": s["details"],
            }
            for s in entry["provisioningSteps"]
        ],
        "reportableIdentifier": entry["sourceIdentity"]["displayName"],
        "statusInfo": {"status": status.capitalize(), **error},
        "sourceIdentity": {
            "id": entry["sourceIdentity"]["id"],
            "type": entry["sourceIdentity"]["identityType"],
        },
        "targetIdentity": {
            "id": entry["targetIdentity"]["id"],
            "type": entry["targetIdentity"]["identityType"],
        },
        **(extra or {}),
    }
    return {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair",
        "key": json.dumps(key, separators=(",", ":")),
        "value": json.dumps(value, separators=(",", ":")),
    }


def logs_json(entries: list[dict[str, Any]]) -> str:
    """The portal's JSON download: a compact array (docs: "downloaded in a format to reduce the
    size")."""
    return json.dumps(entries, separators=(",", ":"))


_LOG_COLUMNS = [
    "Date",
    "Job ID",
    "Cycle ID",
    "Change ID",
    "Action",
    "Source Identity ID",
    "Source Identity Name",
    "Source Identity Type",
    "Target Identity ID",
    "Target Identity Name",
    "Target Identity Type",
    "Source System",
    "Target System",
    "Status",
    "Error Code",
    "Status Reason",
    "Duration (ms)",
    "Initiated By",
]


def _csv(rows: list[list[Any]], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def logs_csv(entries: list[dict[str, Any]]) -> dict[str, str]:
    """Docs: three CSV files joined by change ID: ProvisioningLogs (no steps, no properties),
    ProvisioningLogs_ProvisioningSteps and ProvisioningLogs_ModifiedProperties."""
    logs, steps, properties = [], [], []
    for e in entries:
        error = e["provisioningStatusInfo"]["errorInformation"] or {}
        logs.append(
            [
                e["activityDateTime"],
                e["jobId"],
                e["cycleId"],
                e["changeId"],
                e["provisioningAction"],
                e["sourceIdentity"]["id"],
                e["sourceIdentity"]["displayName"],
                e["sourceIdentity"]["identityType"],
                e["targetIdentity"]["id"],
                e["targetIdentity"]["displayName"],
                e["targetIdentity"]["identityType"],
                e["sourceSystem"]["displayName"],
                e["targetSystem"]["displayName"],
                e["provisioningStatusInfo"]["status"],
                error.get("errorCode") or "",
                error.get("reason") or "",
                e["durationInMilliseconds"],
                e["initiatedBy"]["displayName"],
            ]
        )
        for number, s in enumerate(e["provisioningSteps"], 1):
            steps.append(
                [
                    e["changeId"],
                    number,
                    s["name"],
                    s["provisioningStepType"],
                    s["status"],
                    s["description"],
                    json.dumps(s["details"], separators=(",", ":")),
                ]
            )
        for p in e["modifiedProperties"]:
            properties.append([e["changeId"], p["displayName"], p["oldValue"], p["newValue"]])
    return {
        "ProvisioningLogs.csv": _csv(logs, _LOG_COLUMNS),
        "ProvisioningLogs_ProvisioningSteps.csv": _csv(
            steps, ["Change ID", "Step", "Name", "Type", "Status", "Description", "Details"]
        ),
        "ProvisioningLogs_ModifiedProperties.csv": _csv(
            properties, ["Change ID", "Property", "Old Value", "New Value"]
        ),
    }


def logs_csv_zip(entries: list[dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in logs_csv(entries).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def audit_entry(
    *,
    activity: str,
    at: datetime,
    service_principal_id: str,
    app_name: str,
    job_id: str,
    initiated_by: str = "admin",
    result: str = "success",
    reason: str = "",
    modified: dict[str, tuple[Any, Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Graph directoryAudit of category ProvisioningManagement (docs: the audit logs show the
    quarantine history, "filter on Activity: Quarantine")."""
    initiator: dict[str, Any] = (
        {"app": {"appId": None, "displayName": SERVICE_NAME, "servicePrincipalId": None}}
        if initiated_by == "system"
        else {
            "user": {"id": None, "displayName": "Tenant administrator", "userPrincipalName": None}
        }
    )
    return {
        "id": new_guid(),
        "category": "ProvisioningManagement",
        "correlationId": new_guid(),
        "result": result,
        "resultReason": reason,
        "activityDisplayName": activity,
        "activityDateTime": graph_time(at),
        "loggedByService": "Account Provisioning",
        "operationType": "Update",
        "initiatedBy": initiator,
        "targetResources": [
            {
                "id": service_principal_id,
                "displayName": app_name,
                "type": "ServicePrincipal",
                "modifiedProperties": [
                    {"displayName": k, "oldValue": _text(v[0]), "newValue": _text(v[1])}
                    for k, v in (modified or {}).items()
                ],
            }
        ],
        "additionalDetails": [
            {"key": "JobId", "value": job_id},
            *({"key": k, "value": _text(v)} for k, v in (details or {}).items()),
        ],
    }
