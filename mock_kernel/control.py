"""The /_mock control namespace every mock shares: health, reset, clock (off unless enabled)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, Response, abort, jsonify, request

from .clock import Clock, parse_instant


def create_control_app(
    name: str, clock: Clock, reset: Callable[[], None], enabled: bool = True
) -> Flask:
    """/healthz always; /_mock/reset and /_mock/clock only when test controls are enabled."""
    app = Flask(f"{name}-control")
    app.config["CONTROL_ENABLED"] = enabled

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
        """{"freeze": true|false?, "set": "<xs:dateTime>"?, "advance_seconds": n?, "reset": true?}"""
        body = request.get_json(force=True)
        if body.get("reset"):
            clock.reset()
        if body.get("freeze"):
            clock.freeze()
        if "set" in body:
            clock.set(parse_instant(body["set"]))
        if "advance_seconds" in body:
            clock.advance(timedelta(seconds=float(body["advance_seconds"])))
        return jsonify(clock.describe())

    return app
