"""The tenant's /_mock/provisioning controls: run due cycles, outbox, request trace, settings, scheduler."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from mock_kernel.control import since_parameter

from ..provisioning.service import JobError, ProvisioningScheduler, ProvisioningService
from ..tenant import Tenant
from .provisioning_graph import job_json


def register_provisioning_control(app: Flask, tenant: Tenant) -> None:
    """Add the provisioning controls to the tenant's control app (off when controls are off)."""
    controls = Blueprint("provisioning_control", __name__)
    service = ProvisioningService(tenant)
    scheduler: dict[str, ProvisioningScheduler] = {}

    @controls.errorhandler(JobError)
    def job_error(error: JobError) -> tuple[Response, int]:
        return jsonify({"error": {"code": error.code, "message": error.message}}), error.status

    def json_body() -> dict[str, Any]:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    @controls.post("/_mock/provisioning/run-due")
    def run_due() -> Response:
        """Run every cycle due on the tenant's clock now; `{"jobId": …}` runs that job's cycle
        whether due or not."""
        job_id = json_body().get("jobId")
        if job_id:
            summary = service.run_cycle(service.job(str(job_id)))
            summaries = [summary] if summary else []
        else:
            summaries = service.run_due()
        return jsonify({"cycles": [s.as_json() for s in summaries]})

    @controls.get("/_mock/provisioning/jobs")
    def jobs() -> Response:
        with tenant.provisioning.lock:
            return jsonify({"jobs": [job_json(j) for j in tenant.provisioning.jobs.values()]})

    @controls.post("/_mock/provisioning/jobs/<job_id>/settings")
    def settings(job_id: str) -> Response:
        """Timings, thresholds, rate, Retry-After, Default Access rule; durations in seconds."""
        updated = service.update_settings(service.job(job_id), json_body())
        return jsonify(updated.as_json())

    @controls.post("/_mock/provisioning/default-settings")
    def default_settings() -> Response:
        """The settings jobs created from now on start with."""
        try:
            values = tenant.provisioning.default_settings.update(json_body())
        except (KeyError, ValueError, TypeError) as error:
            raise JobError("BadRequest", str(error), 400) from None
        with tenant.provisioning.lock:
            tenant.provisioning.default_settings = values
        return jsonify(values.as_json())

    @controls.get("/_mock/provisioning/outbox")
    def outbox() -> Response:
        with tenant.provisioning.lock:
            return jsonify({"messages": [m.as_json() for m in tenant.provisioning.outbox]})

    @controls.get("/_mock/provisioning/requests")
    def requests() -> Response:
        """Every request the service sent to a target (oldest first); `since` skips that many,
        `jobId` keeps one job's."""
        since = since_parameter()
        job_id = request.args.get("jobId")
        with tenant.provisioning.lock:
            traced = list(tenant.provisioning.trace)
        if job_id:
            traced = [t for t in traced if t.job_id == job_id]
        return jsonify({"count": len(traced), "requests": [t.as_json() for t in traced[since:]]})

    @controls.post("/_mock/provisioning/scheduler")
    def set_scheduler() -> Response:
        """{"running": true, "poll_seconds": 5}: the background thread of `entra-harness up`."""
        data = json_body()
        current = scheduler.get("thread")
        if data.get("running"):
            if current is None or not current.running:
                scheduler["thread"] = ProvisioningScheduler(
                    tenant, float(data.get("poll_seconds", 5.0))
                ).start()
        elif current is not None:
            current.stop()
            scheduler.pop("thread", None)
        thread = scheduler.get("thread")
        return jsonify({"running": bool(thread and thread.running)})

    app.register_blueprint(controls)
