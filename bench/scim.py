"""3. SCIM target: creates/s and filter GETs/s of mock_scim on SQLite over HTTP (granian, wrk),
beside scim2-server served the same way in the same run."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.scim_wsgi import MOCK_SCIM_USERS, SCIM2_SERVER_USERS, TOKEN
from bench.tools import Figure, granian, wrk

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
POPULATION = 2_000  # users the filter queries look among, created before any measure


@dataclass
class Server:
    name: str
    users_url: str
    workers: int


def user(name: str) -> dict[str, object]:
    return {
        "schemas": [USER],
        "externalId": name,
        "userName": f"{name}@contoso.com",
        "active": True,
        "displayName": name,
        "emails": [{"primary": True, "type": "work", "value": f"{name}@contoso.com"}],
    }


def populate(users_url: str, count: int, prefix: str = "pop") -> None:
    """`count` users `<prefix>-<n>@contoso.com` created over HTTP, each checked to be 201."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"}
    with httpx.Client(headers=headers, timeout=30) as client:

        def create(n: int) -> None:
            response = client.post(users_url, json=user(f"{prefix}-{n}"))
            if response.status_code != 201:
                raise RuntimeError(f"{users_url}: {response.status_code} {response.text[:300]}")

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(create, range(count)))


def check_filter(users_url: str, prefix: str = "pop") -> None:
    """A filter the bench sends finds exactly its user (so wrk measures real matches)."""
    response = httpx.get(
        users_url,
        params={"filter": f'userName eq "{prefix}-7@contoso.com"'},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    found = response.json()
    if response.status_code != 200 or found.get("totalResults") != 1:
        raise RuntimeError(f"{users_url}: filter found {found}")


def measure(server: Server, seconds: int) -> dict[str, dict[str, float]]:
    creates = wrk(
        server.users_url,
        seconds=seconds,
        script="scim_create.lua",
        script_args=[f"w{seconds}", TOKEN],
    )
    filters = wrk(
        server.users_url,
        seconds=seconds,
        script="scim_filter.lua",
        script_args=["pop", str(POPULATION), TOKEN],
    )
    return {"creates": creates, "filters": filters}


def notes(result: dict[str, float]) -> str:
    text = f"p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms"
    if result["non_2xx"] or result["socket_errors"]:
        text += f", {int(result['non_2xx'])} non-2xx, {int(result['socket_errors'])} socket errors"
    return text


def bench_scim(seconds: int = 8) -> list[Figure]:
    with tempfile.TemporaryDirectory() as directory, ExitStack() as servers:
        database = Path(directory) / "bench.sqlite3"
        # Both servers alike: 2 granian workers (bench/tools.py), one Python thread each.
        # scim2-server keeps its resources in process memory, one copy per worker: each worker
        # is populated with the same users as it starts (bench/scim_wsgi.py), so both hold the
        # users the filters look for. Each create lands in one worker's memory only, so the
        # pair does not enforce userName uniqueness across workers; the bench's creates never
        # collide, so every answer it gets is the one a single server would give.
        workers = 2
        mock_port = servers.enter_context(
            granian("bench.scim_wsgi:mock_scim_app", workers, env={"BENCH_SCIM_DB": str(database)})
        )
        peer_port = servers.enter_context(
            granian(
                "bench.scim_wsgi:scim2_server_app",
                workers,
                env={"BENCH_SCIM_POPULATION": str(POPULATION)},
            )
        )
        mock = Server(
            f"mock_scim (SQLite, {workers} workers)",
            f"http://127.0.0.1:{mock_port}{MOCK_SCIM_USERS}",
            workers,
        )
        peer = Server(
            f"scim2-server (memory, {workers} workers)",
            f"http://127.0.0.1:{peer_port}{SCIM2_SERVER_USERS}",
            workers,
        )
        populate(mock.users_url, POPULATION)
        for server in (mock, peer):
            for _ in range(4):  # new connections each time: both workers answer some
                check_filter(server.users_url)
            wrk(server.users_url, seconds=1, script="scim_create.lua", script_args=["warm", TOKEN])
        results = {server.name: measure(server, seconds) for server in (mock, peer)}
    ours, theirs = results[mock.name], results[peer.name]
    figures = []
    for kind, label, floor in (
        ("creates", "creates/s", 3000),
        ("filters", "filter GETs/s", 5000),
    ):
        value, baseline = ours[kind]["rps"], theirs[kind]["rps"]
        clean = not (ours[kind]["non_2xx"] or ours[kind]["socket_errors"])
        figures.append(
            Figure(
                f"SCIM {label} ({mock.name})",
                value,
                "/s",
                f"{peer.name} {label}",
                baseline,
                f">= {floor:,}/s and >= 1.5x scim2-server",
                clean and value >= floor and value >= 1.5 * baseline,
                f"{notes(ours[kind])}; scim2-server {notes(theirs[kind])}",
            )
        )
    return figures
