"""graph.microsoft.com provisioning: synchronization jobs, schema, provisionOnDemand, provisioning logs."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, make_response, request

from ..enterprise_apps import EnterpriseApp
from ..errors import AppNotFound
from ..ids import new_guid
from ..provisioning.engine import ConnectionResult
from ..provisioning.expressions import EvaluationContext, ExpressionError, parse_expression
from ..provisioning.logs import graph_time, logs_csv_zip, logs_json, on_demand_pair
from ..provisioning.mappings import (
    GROUP_SOURCE_ATTRIBUTES,
    USER_SOURCE_ATTRIBUTES,
    MappingError,
    object_mapping_from_json,
    object_mapping_json,
)
from ..provisioning.service import JobError, ProvisioningService
from ..provisioning.state import Credentials, CycleSummary, ProvisioningJob
from ..tenant import Tenant
from .graph_bodies import (
    Body,
    NewJob,
    ParseExpression,
    ProvisionOnDemand,
    Restart,
    Secrets,
    SynchronizationSchema,
    ValidateCredentials,
)

GRAPH_V1 = "https://graph.microsoft.com/v1.0"


def graph_error(code: str, message: str, status: int) -> Response:
    """Graph's error shape (as graph.py writes it; not imported, graph.py imports this module)."""
    inner = {"request-id": new_guid(), "client-request-id": new_guid()}
    response = jsonify({"error": {"code": code, "message": message, "innerError": inner}})
    response.status_code = status
    return response


def _time(moment: datetime | None) -> str | None:
    return graph_time(moment) if moment else None


def _duration(seconds: float) -> str:
    """ISO 8601 duration as Graph writes schedule.interval ("PT40M")."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = (
        (f"{hours}H" if hours else "")
        + (f"{minutes}M" if minutes else "")
        + (f"{secs}S" if secs else "")
    )
    return text + ("T" + clock if clock else ("" if days else "T0S"))


def execution_json(summary: CycleSummary | None) -> dict[str, Any] | None:
    """Graph synchronizationTaskExecution."""
    if summary is None:
        return None
    counts = summary.counts
    return {
        "activityIdentifier": summary.cycle_id,
        "countEntitled": summary.total,
        "countEntitledForProvisioning": summary.total,
        "countEscrowed": counts.get("failed", 0),
        "countEscrowedRaw": counts.get("failed", 0),
        "countExported": counts.get("exported", 0),
        "countExports": counts.get("exported", 0),
        "countImported": summary.processed,
        "countImportedDeltas": summary.processed if summary.kind == "Incremental" else 0,
        "countImportedReferenceDeltas": 0,
        "error": summary.error,
        "state": summary.state,
        "timeBegan": _time(summary.began),
        "timeEnded": _time(summary.ended),
    }


def job_json(job: ProvisioningJob) -> dict[str, Any]:
    """Graph synchronizationJob, plus `harness` with what the portal's Provisioning page shows
    and Graph does not (mode, scope, notification, cycle summaries, escrows)."""
    quarantine = job.quarantine
    progress = job.progress
    users = sum(1 for link in job.links.values() if link.kind == "User")
    groups = sum(1 for link in job.links.values() if link.kind == "Group")
    interval = (
        job.settings.quarantine_interval if quarantine is not None else job.settings.cycle_interval
    )
    return {
        "id": job.id,
        "templateId": job.template_id,
        "schedule": {
            "expiration": None,
            "interval": _duration(interval.total_seconds()),
            "state": job.schedule_state,
        },
        "status": {
            "code": job.status_code,
            "countSuccessiveCompleteFailures": job.successive_failures,
            "escrowsPruned": False,
            "lastExecution": execution_json(job.last_execution),
            "lastSuccessfulExecution": execution_json(job.last_successful),
            "lastSuccessfulExecutionWithExports": execution_json(job.last_with_exports),
            "progress": []
            if progress is None
            else [
                {
                    "completedUnits": progress.processed,
                    "totalUnits": progress.total,
                    "units": "Objects",
                    "progressObservationDateTime": None,
                }
            ],
            "quarantine": None
            if quarantine is None
            else {
                "currentBegan": _time(quarantine.current_began),
                "nextAttempt": _time(quarantine.next_attempt),
                "reason": quarantine.reason,
                "seriesBegan": _time(quarantine.series_began),
                "seriesCount": quarantine.series_count,
                "error": {"code": quarantine.error_code, "message": quarantine.detail},
            },
            "steadyStateFirstAchievedTime": _time(job.steady_state_first),
            "steadyStateLastAchievedTime": _time(job.steady_state_last),
            "synchronizedEntryCountByType": [
                {"key": f"User to {job.users.target_object}", "value": users},
                {"key": f"Group to {job.groups.target_object}", "value": groups},
            ],
            "troubleshootingUrl": None,
        },
        "synchronizationJobSettings": [
            {"name": "DefaultAccessRule", "value": job.settings.default_access},
        ],
        "harness": {
            "provisioningMode": "Automatic",
            "tenantUrl": job.credentials.tenant_url,
            "secretTokenSet": bool(job.credentials.secret_token),
            "oauthClientCredentials": job.credentials.uses_oauth,
            "scimCompliant": job.credentials.scim_compliant,
            "notificationEmail": job.notification_email,
            "sendEmailOnFailure": job.notify_on_failure,
            "scope": "AllUsersAndGroups" if job.sync_all else "AssignedUsersAndGroups",
            "nextRun": _time(job.next_run),
            "watermark": _time(job.watermark.taken_at) if job.watermark else None,
            "progress": None
            if progress is None
            else {
                "cycleId": progress.cycle_id,
                "kind": progress.kind,
                "phase": progress.phase,
                "processed": progress.processed,
                "total": progress.total,
            },
            "cycles": [c.as_json() for c in job.history[-10:]],
            "escrows": [
                {
                    "objectType": e.kind,
                    "objectId": e.source_id,
                    "firstFailure": _time(e.first_failure),
                    "nextAttempt": _time(e.next_attempt),
                    "attempts": e.attempts,
                    "errorCode": e.error_code,
                    "reference": e.reference,
                }
                for e in job.escrows.values()
            ],
            "settings": job.settings.as_json(),
        },
    }


def schema_json(job: ProvisioningJob) -> dict[str, Any]:
    """Graph synchronizationSchema with one rule of two object mappings."""
    return {
        "id": job.id,
        "version": "Date:" + graph_time(datetime(2019, 10, 30)),
        "synchronizationRules": [
            {
                "id": f"{job.template_id}.rule",
                "name": f"USER_{job.template_id.upper()}_OUTBOUND",
                "sourceDirectoryName": "Azure Active Directory",
                "targetDirectoryName": job.template_id,
                "editable": True,
                "objectMappings": [object_mapping_json(job.users), object_mapping_json(job.groups)],
            }
        ],
        "directories": [
            {"id": "AzureActiveDirectory", "name": "Azure Active Directory"},
            {"id": job.template_id, "name": job.app_display_name},
        ],
    }


def connection_error(result: ConnectionResult) -> Response:
    response = graph_error(result.code or "BadRequest", result.message, 400)
    return response


def _filter_logs(entries: list[dict[str, Any]], text: str | None) -> list[dict[str, Any]]:
    """$filter with `eq` clauses joined by `and` on jobId, cycleId, changeId, provisioningAction,
    provisioningStatusInfo/status, sourceIdentity/id, servicePrincipal/id."""
    if not text:
        return entries
    chosen = entries
    for field, value in re.findall(r"([A-Za-z/]+)\s+eq\s+'([^']*)'", text):
        path = field.split("/")

        def read(entry: dict[str, Any], path: list[str] = path) -> Any:
            value_: Any = entry
            for part in path:
                value_ = value_.get(part) if isinstance(value_, dict) else None
            return value_

        chosen = [e for e in chosen if str(read(e)) == value]
    return chosen


def register_provisioning_graph(app: Flask, tenant: Tenant) -> None:
    """Add the provisioning routes to the Graph app (its token check and errors apply)."""
    routes = Blueprint("provisioning_graph", __name__)
    service = ProvisioningService(tenant)

    @routes.errorhandler(JobError)
    def job_error(error: JobError) -> Response:
        return graph_error(error.code, error.message, error.status)

    def find_app(object_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(object_id)
        except AppNotFound:
            raise JobError(
                "Request_ResourceNotFound", f"Resource '{object_id}' does not exist.", 404
            ) from None

    def find_job(object_id: str, job_id: str) -> ProvisioningJob:
        find_app(object_id)
        return service.job(job_id, object_id)

    def body(model: type[Body]) -> Body:
        """The body as `model` (none at all: the model's defaults); Graph's 400 otherwise."""
        data = request.get_json(silent=True)
        if data is None and not request.get_data():
            data = {}
        if not isinstance(data, dict):
            raise JobError("BadRequest", "The request body must be a JSON object.", 400)
        return model.model_validate(data)

    base = "/v1.0/servicePrincipals/<object_id>/synchronization"

    @routes.get(f"{base}/templates")
    def templates(object_id: str) -> Response:
        target = find_app(object_id)
        template = service.template_id(target)
        return jsonify(
            {
                "value": [
                    {
                        "id": template,
                        "applicationId": target.app_id,
                        "default": True,
                        "description": f"Provisioning to {target.display_name}",
                        "discoverable": True,
                        "factoryTag": template,
                        "metadata": [],
                    }
                ]
            }
        )

    @routes.get(f"{base}/jobs")
    def list_jobs(object_id: str) -> Response:
        target = find_app(object_id)
        with tenant.provisioning.lock:  # a background cycle may be changing the job
            return jsonify({"value": [job_json(j) for j in service.jobs_of(target)]})

    @routes.post(f"{base}/jobs")
    def create_job(object_id: str) -> tuple[Response, int]:
        job = service.create_job(find_app(object_id), body(NewJob).templateId)
        with tenant.provisioning.lock:
            return jsonify(job_json(job)), 201

    @routes.get(f"{base}/jobs/<job_id>")
    def get_job(object_id: str, job_id: str) -> Response:
        job = find_job(object_id, job_id)
        with tenant.provisioning.lock:
            return jsonify(job_json(job))

    @routes.delete(f"{base}/jobs/<job_id>")
    def delete_job(object_id: str, job_id: str) -> tuple[str, int]:
        service.delete_job(find_job(object_id, job_id))
        return "", 204

    @routes.post(f"{base}/jobs/<job_id>/start")
    def start(object_id: str, job_id: str) -> tuple[str, int]:
        service.start(find_job(object_id, job_id))
        return "", 204

    @routes.post(f"{base}/jobs/<job_id>/pause")
    def pause(object_id: str, job_id: str) -> tuple[str, int]:
        service.pause(find_job(object_id, job_id))
        return "", 204

    @routes.post(f"{base}/jobs/<job_id>/restart")
    def restart(object_id: str, job_id: str) -> tuple[str, int]:
        criteria = body(Restart).criteria
        service.restart(find_job(object_id, job_id), criteria.resetScope if criteria else None)
        return "", 204

    @routes.put(f"{base}/secrets")
    def secrets(object_id: str) -> tuple[str, int]:
        jobs = service.jobs_of(find_app(object_id))
        if not jobs:
            raise JobError("BadRequest", "Create a synchronization job first.", 400)
        values = {item.key: item.value or "" for item in body(Secrets).value}
        for job in jobs:
            service.save_credentials(job, values)
        return "", 204

    @routes.post(f"{base}/jobs/<job_id>/validateCredentials")
    def validate_credentials(object_id: str, job_id: str) -> Response | tuple[str, int]:
        """Test Connection: 204, or 400 with the reason (the portal shows the message)."""
        job = find_job(object_id, job_id)
        data = body(ValidateCredentials)
        given = {c.key: c.value for c in data.credentials}
        if given and not data.useSavedCredentials:
            result = service.validate_credentials(
                job,
                Credentials(
                    tenant_url=given.get("BaseAddress"),
                    secret_token=given.get("SecretToken"),
                    client_id=given.get("ClientIdentifier"),
                    client_secret=given.get("ClientSecret"),
                    token_endpoint=given.get("TokenEndpoint")
                    or given.get("Oauth2TokenExchangeUri"),
                ),
            )
        else:
            result = service.validate_credentials(job)
        if not result.success:
            return connection_error(result)
        return "", 204

    @routes.get(f"{base}/jobs/<job_id>/schema")
    def get_schema(object_id: str, job_id: str) -> Response:
        return jsonify(schema_json(find_job(object_id, job_id)))

    @routes.put(f"{base}/jobs/<job_id>/schema")
    def put_schema(object_id: str, job_id: str) -> tuple[str, int]:
        """Save mappings: every expression is parsed; an error names its position."""
        job = find_job(object_id, job_id)
        rules = body(SynchronizationSchema).synchronizationRules
        mappings = [m.model_dump() for rule in rules for m in rule.objectMappings]
        users = next((m for m in mappings if m.get("sourceObjectName") == "User"), None)
        groups = next((m for m in mappings if m.get("sourceObjectName") == "Group"), None)
        try:
            new_users = object_mapping_from_json(users, job.users) if users else None
            new_groups = object_mapping_from_json(groups, job.groups) if groups else None
        except MappingError as error:
            response = graph_error("BadRequest", str(error), 400)
            payload = response.get_json()
            payload["error"]["details"] = [
                {"code": "InvalidExpression", "target": error.target, "position": error.position}
            ]
            response.set_data(json.dumps(payload))
            return response, 400  # type: ignore[return-value]
        service.update_mappings(job, new_users, new_groups)
        return "", 204

    @routes.post(f"{base}/jobs/<job_id>/schema/parseExpression")
    def parse(object_id: str, job_id: str) -> Response:
        """Graph parseExpression: parse, and evaluate against `testInputObject` if given."""
        find_job(object_id, job_id)
        data = body(ParseExpression)
        text = data.expression
        kind = data.targetAttributeDefinition.name if data.targetAttributeDefinition else ""
        known = GROUP_SOURCE_ATTRIBUTES if kind == "Group" else USER_SOURCE_ATTRIBUTES
        result: dict[str, Any] = {"parsingSucceeded": False, "evaluationSucceeded": False}
        try:
            expression = parse_expression(text, known)
        except ExpressionError as error:
            result["error"] = {"message": error.message, "position": error.position}
            return jsonify(result)
        result["parsingSucceeded"] = True
        result["parsedExpression"] = {"expression": text, "attributes": expression.attributes()}
        test_input = data.testInputObject
        if test_input is not None:
            attributes = {p.key: p.value for p in test_input.properties} or dict(
                test_input.model_extra or {}
            )
            value = expression.evaluate(EvaluationContext(attributes, tenant.clock.now()))
            result["evaluationSucceeded"] = True
            result["evaluationResult"] = value if isinstance(value, list) else [value]
        return jsonify(result)

    @routes.post(f"{base}/jobs/<job_id>/provisionOnDemand")
    def provision_on_demand(object_id: str, job_id: str) -> Response:
        """One user, or one group with up to 5 members; the steps come back (Graph
        stringKeyStringValuePair: result in `key`, the log in `value`)."""
        job = find_job(object_id, job_id)
        parameters = body(ProvisionOnDemand).parameters
        subjects = [s for p in parameters for s in p.subjects]
        if len(subjects) != 1:
            raise JobError("BadRequest", "Provision on demand takes exactly one subject.", 400)
        subject = subjects[0]
        links = subject.links.members if subject.links else None
        members = [m.objectId for m in links or []]
        entries = service.provision_on_demand(
            job, subject.objectId, subject.objectTypeName, members
        )
        if not entries:
            raise JobError("BadRequest", "Nothing was provisioned.", 400)
        return jsonify(on_demand_pair(entries[0], {"results": entries[1:]}))

    @routes.get("/v1.0/auditLogs/provisioning")
    def provisioning_logs() -> Response:
        """provisioningObjectSummary, newest first; `$format=csv` downloads the portal's three
        CSV files as a zip, `$format=json` the portal's JSON file."""
        with tenant.provisioning.lock:
            entries = list(reversed(tenant.provisioning.logs))
        entries = _filter_logs(entries, request.args.get("$filter"))
        top = request.args.get("$top")
        if top and top.isdigit():
            entries = entries[: int(top)]
        download = request.args.get("$format", "").lower()
        if download == "csv":
            response = make_response(logs_csv_zip(entries))
            response.headers["Content-Type"] = "application/zip"
            response.headers["Content-Disposition"] = 'attachment; filename="ProvisioningLogs.zip"'
            return response
        if download == "json":
            response = make_response(logs_json(entries))
            response.headers["Content-Type"] = "application/json"
            response.headers["Content-Disposition"] = 'attachment; filename="ProvisioningLogs.json"'
            return response
        return jsonify(
            {"@odata.context": f"{GRAPH_V1}/$metadata#auditLogs/provisioning", "value": entries}
        )

    @routes.get("/v1.0/auditLogs/directoryAudits")
    def directory_audits() -> Response:
        """The provisioning service's audit entries (category ProvisioningManagement)."""
        with tenant.provisioning.lock:
            entries = list(reversed(tenant.provisioning.audits))
        text = request.args.get("$filter", "")
        for field, value in re.findall(r"(category|activityDisplayName)\s+eq\s+'([^']*)'", text):
            entries = [e for e in entries if e.get(field) == value]
        return jsonify(
            {"@odata.context": f"{GRAPH_V1}/$metadata#auditLogs/directoryAudits", "value": entries}
        )

    app.register_blueprint(routes)
