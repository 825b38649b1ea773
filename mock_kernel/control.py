"""The /_mock control namespace every mock shares: health, reset, clock (off unless enabled)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, Response, abort, jsonify, request
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from werkzeug.exceptions import HTTPException

from .clock import Clock, parse_instant
from .limits import apply_request_limits

log = logging.getLogger(__name__)
# The clock stays where datetime arithmetic cannot overflow (a 500 on every later request).
LATEST_INSTANT = 2200
MAX_ADVANCE_SECONDS = 100 * 366 * 86400


class ControlError(Exception):
    """A refused control request: `{"error": {"code", "message"}}` with its status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def control_error(code: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def validation_message(error: ValidationError) -> str:
    """The first problem of a pydantic error, as `field: message`."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def register_control_errors(app: Flask) -> None:
    """The one place a control app's errors meet the wire; each is logged."""

    @app.errorhandler(ControlError)
    def refused(error: ControlError) -> tuple[Response, int]:
        log.info("control %s %s: %s %s", request.method, request.path, error.code, error.message)
        return control_error(error.code, error.message, error.status)

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError) -> tuple[Response, int]:
        message = validation_message(error)
        log.info("control %s %s: invalid body: %s", request.method, request.path, message)
        return control_error("BadRequest", message, 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        log.info("control %s %s: %s", request.method, request.path, status)
        return control_error(error.name.replace(" ", ""), error.description or "", status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log.exception("control %s %s failed", request.method, request.path)
        return control_error("InternalError", f"{type(error).__name__}: {error}", 500)


def since_parameter(name: str = "since") -> int:
    """`?since=n` of the logs: a count of entries already read (a non-negative integer)."""
    raw = request.args.get(name, "0")
    if not raw.isascii() or not raw.isdigit():
        raise ControlError("BadRequest", f"'{name}' must be a non-negative integer, not {raw!r}.")
    return int(raw)


def json_object() -> dict[str, object]:
    """A control request's body, which must be a JSON object (400 otherwise)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ControlError("BadRequest", "The request body must be a JSON object.")
    return body


class ClockChange(BaseModel):
    """POST /_mock/clock: {"freeze": bool?, "set": "<xs:dateTime>"?, "advance_seconds": n?,
    "reset": bool?}."""

    model_config = ConfigDict(extra="forbid")

    reset: bool = False
    freeze: bool = False
    set: datetime | None = None
    advance_seconds: float | None = None

    @field_validator("set", mode="before")
    @classmethod
    def instant(cls, value: object) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("must be an xs:dateTime string")
        moment = parse_instant(value)
        if not 1970 <= moment.year < LATEST_INSTANT:
            raise ValueError(f"must fall between 1970 and {LATEST_INSTANT}")
        return moment

    @field_validator("advance_seconds")
    @classmethod
    def bounded(cls, value: float | None) -> float | None:
        if value is not None and not abs(value) <= MAX_ADVANCE_SECONDS:
            raise ValueError(f"must be a number of at most {MAX_ADVANCE_SECONDS} seconds")
        return value


def create_control_app(
    name: str, clock: Clock, reset: Callable[[], None], enabled: bool = True
) -> Flask:
    """/healthz always; /_mock/reset and /_mock/clock only when test controls are enabled."""
    app = apply_request_limits(Flask(f"{name}-control"), max_body_bytes=16 * 1024 * 1024)
    app.config["CONTROL_ENABLED"] = enabled
    register_control_errors(app)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok", "service": name})

    @app.before_request
    def only_when_enabled() -> None:
        if request.path.startswith("/_mock") and not app.config["CONTROL_ENABLED"]:
            abort(404)

    @app.post("/_mock/reset")
    def reset_state() -> Response:
        reset()
        return jsonify({"reset": name})

    @app.get("/_mock/clock")
    def get_clock() -> Response:
        return jsonify(clock.describe())

    @app.post("/_mock/clock")
    def set_clock() -> Response:
        change = ClockChange.model_validate(json_object())
        if change.advance_seconds is not None:
            after = (change.set or clock.now()) + timedelta(seconds=change.advance_seconds)
            if not 1970 <= after.year < LATEST_INSTANT:
                raise ControlError("BadRequest", "advance_seconds moves the clock out of range.")
        if change.reset:
            clock.reset()
        if change.freeze:
            clock.freeze()
        if change.set is not None:
            clock.set(change.set)
        if change.advance_seconds is not None:
            clock.advance(timedelta(seconds=change.advance_seconds))
        return jsonify(clock.describe())

    return app
