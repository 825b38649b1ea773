"""The /_mock controls of a SCIM endpoint: its request log, rate limits and stored resources."""

from __future__ import annotations

from flask import Flask, Response, abort, jsonify, request
from pydantic import BaseModel, ConfigDict
from scim2_models import SCIMException

from mock_kernel.control import json_object, since_parameter

from .errors import error_response
from .requests import ScimRequest
from .target import ScimTarget


class RateLimitSwitch(BaseModel):
    """POST /_mock/scim/rate-limits: {"enforced": true|false}."""

    model_config = ConfigDict(extra="forbid")

    enforced: bool | None = None


def add_scim_controls(control: Flask, target: ScimTarget) -> None:
    """Routes on the mock's control app (mock_kernel.control.create_control_app), which keeps them
    off unless test controls are enabled."""

    @control.get("/_mock/requests")
    def requests_log() -> Response:
        """Every SCIM request and response, oldest first; `?since=<seq>` for the newer ones."""
        since = since_parameter()
        return jsonify({"requests": [entry.as_dict() for entry in target.log.since(since)]})

    @control.delete("/_mock/requests")
    def clear_requests_log() -> Response:
        target.log.clear()
        return jsonify({"cleared": True})

    @control.get("/_mock/scim")
    def describe() -> Response:
        return jsonify(target.describe())

    @control.post("/_mock/scim/rate-limits")
    def rate_limits() -> Response:
        """{"enforced": true|false}: switch the vendor's usage-plan limits on or off."""
        change = RateLimitSwitch.model_validate(json_object())
        plan = target.service.usage_plan
        if change.enforced is not None:
            plan.enforced = change.enforced
        return jsonify(plan.describe())

    @control.get("/_mock/scim/<resource_type>")
    def stored(resource_type: str) -> Response:
        """The stored resources of a type as the endpoint returns them."""
        schema = target.service.schemas.get(resource_type)
        if schema is None:
            abort(404)
        documents = [
            target.service.document(schema, resource, target.base_url)
            for resource in target.store.scan(resource_type)
        ]
        return jsonify({"Resources": documents})

    @control.post("/_mock/scim/<resource_type>")
    def seed(resource_type: str) -> tuple[Response, int]:
        """Store a resource the vendor made itself (Genesys Cloud groups are made in its admin
        UI, not by SCIM): validated like a SCIM POST, past the vendor's method limits."""
        service = target.service
        schema = service.schemas.get(resource_type)
        if schema is None:
            abort(404)
        scim_request = ScimRequest(
            "POST", schema.endpoint, target.base_url, body=request.get_data()
        )
        try:
            response = service.create(scim_request, schema)
        except SCIMException as error:
            response = error_response(error)
        return jsonify(response.body), response.status
