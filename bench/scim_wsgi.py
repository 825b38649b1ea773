"""The two SCIM servers the SCIM bench drives, as WSGI callables for the bench's WSGI server: mock_scim's
generic RFC profile on SQLite (`mock_scim_app`) and scim2-server in memory (`scim2_server_app`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

TOKEN = "bench-scim-token"
# Each server's /Users endpoint, relative to its root.
MOCK_SCIM_USERS = "/scim/v2/Users"
SCIM2_SERVER_USERS = "/v2/Users"


def build_mock_scim(database: Path) -> Any:
    """mock_scim with the strict RFC profile (gallery defaults) over a SQLite file, which every
    server worker opens: the store is shared between processes as in production."""
    from gallery import parse_scim_profile
    from mock_kernel.clock import Clock
    from mock_scim.sqlite import SqliteStore
    from mock_scim.target import ScimTarget
    from mock_scim.web import create_scim_app

    profile = parse_scim_profile({"tenant_url": "https://scim.example.test/scim/v2"})
    target = ScimTarget("bench", profile, Clock(), SqliteStore(database), token=TOKEN)
    return create_scim_app(target)


def build_vendor_scim(key: str, database: Path) -> Any:
    """A gallery vendor's SCIM endpoint (its `[scim]` profile) over a SQLite file, as the
    vendor's server serves it at its tenant URL."""
    from gallery import gallery_app
    from mock_kernel.clock import Clock
    from mock_scim.sqlite import SqliteStore
    from mock_scim.target import ScimTarget
    from mock_scim.web import create_scim_app

    profile = gallery_app(key).scim_profile
    assert profile is not None, f"{key} has no [scim] profile"
    return create_scim_app(ScimTarget(key, profile, Clock(), SqliteStore(database), token=TOKEN))


def build_scim2_server() -> Any:
    """scim2-server's own bearer-token WSGI application over its in-memory storage (it ships
    no persistent one), with its default schemas and resource types."""
    from scim2_models import ScimProvider
    from scim2_server.memory import InMemoryStorage
    from scim2_server.service import ScimService
    from scim2_server.testserver.application import BearerTokenApplication
    from scim2_server.utils import (
        load_default_resource_types,
        load_default_schemas,
        load_default_service_provider_config,
    )

    provider = ScimProvider.from_discovery(
        load_default_schemas().values(),
        load_default_resource_types().values(),
        config=load_default_service_provider_config(),
    )
    app = BearerTokenApplication(
        InMemoryStorage(), provider, ScimService(provider, secret="bench"), bearer_tokens=[TOKEN]
    )

    def without_body_says_so(environ: dict[str, Any], start_response: Any) -> Any:
        # scim2-server reads a request without Content-Length with wsgi.input.read(-1), which
        # granian refuses (OverflowError); no Content-Length on a request means no body (RFC
        # 9112 §6.3), so it is given as 0.
        if not environ.get("CONTENT_LENGTH"):
            environ["CONTENT_LENGTH"] = "0"
        return app(environ, start_response)

    return without_body_says_so


def populate_in_process(app: Any, users_path: str, count: int, prefix: str = "pop") -> None:
    """`count` users `<prefix>-<n>@contoso.com` POSTed to the WSGI app itself, each checked to
    be 201 (bench/scim.py's populate, without HTTP): run as each worker starts, so every worker
    of a server that keeps its resources in memory holds the same users."""
    from werkzeug.test import EnvironBuilder

    from bench.scim import user

    statuses: list[str] = []

    def start_response(status: str, headers: Any, *_: Any) -> None:
        statuses.append(status)

    for n in range(count):
        environ = EnvironBuilder(
            path=users_path,
            method="POST",
            headers=[("Authorization", f"Bearer {TOKEN}")],
            content_type="application/scim+json",
            data=json.dumps(user(f"{prefix}-{n}")),
        ).get_environ()
        body = b"".join(app(environ, start_response))
        if not statuses[-1].startswith("201"):
            raise RuntimeError(f"{users_path}: {statuses[-1]} {body[:300]!r}")


def __getattr__(name: str) -> Any:
    # The server imports "bench.scim_wsgi:mock_scim_app" in each worker; build it only then.
    if name == "mock_scim_app":
        return build_mock_scim(Path(os.environ["BENCH_SCIM_DB"]))
    if name == "vendor_scim_app":
        return build_vendor_scim(os.environ["BENCH_SCIM_VENDOR"], Path(os.environ["BENCH_SCIM_DB"]))
    if name == "scim2_server_app":
        app = build_scim2_server()
        populate_in_process(
            app, SCIM2_SERVER_USERS, int(os.environ.get("BENCH_SCIM_POPULATION", 0))
        )
        return app
    raise AttributeError(name)
