"""One point of the size sweep (bench/scale.py) in a process of its own, so that its peak RSS is
its own: `python -m bench.scale_point <sweep> <size>` prints the point as one JSON line."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.tools import granian, wrk


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM: the most resident memory the process has had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def descendants(pid: int) -> list[int]:
    """Every living process under `pid` (the server workers granian forks)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def servers_peak_rss_mb() -> float:
    """The largest peak RSS among this process's server workers (each holds its own copy)."""
    peaks = []
    for pid in descendants(os.getpid()):
        try:
            peaks.append(peak_rss_mb(pid))
        except OSError:
            continue
    return max(peaks, default=float("nan"))


def per_request_us(result: dict[str, float]) -> float:
    return 1e6 / result["rps"] if result["rps"] else float("nan")


def provisioning(size: int) -> dict[str, Any]:
    """An initial cycle of `size` users (and size/10 groups of 10 members) beside its replay."""
    from bench.provisioning import measure

    initial, _, parallel = measure(size, changes=max(1, size // 100), groups=size // 10)
    objects = size + size // 10
    return {
        "seconds": initial.seconds,
        "baseline_s": initial.target_s,
        "overhead": initial.overhead,
        "per_object_us": initial.seconds / objects * 1e6,
        "baseline_per_object_us": initial.target_s / objects * 1e6,
        "peak_rss_mb": peak_rss_mb(),
        "requests": initial.sent,
        "failed": initial.failed,
        "engine_cpu_s": initial.engine_cpu,
        "replay_cpu_s": initial.replay_cpu,
        "counts": initial.counts,
        "parallel": parallel,
    }


def scim(size: int, seconds: int = 5) -> dict[str, Any]:
    """mock_scim (SQLite, 2 granian workers) holding `size` users: filter GETs, PATCHes and
    creates driven by wrk, each for `seconds`."""
    from bench.scim import check_filter
    from bench.scim_store import populate_by_cloning
    from bench.scim_wsgi import MOCK_SCIM_USERS, TOKEN

    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "sweep.sqlite3"
        populate_by_cloning(database, size)
        with granian("bench.scim_wsgi:mock_scim_app", 2, env={"BENCH_SCIM_DB": str(database)}) as p:
            url = f"http://127.0.0.1:{p}{MOCK_SCIM_USERS}"
            for _ in range(4):  # new connections each time: both workers answer some
                check_filter(url)
            wrk(url, seconds=1, script="scim_filter.lua", script_args=["pop", str(size), TOKEN])
            filters = wrk(
                url,
                seconds=seconds,
                script="scim_filter.lua",
                script_args=["pop", str(size), TOKEN],
            )
            patches = wrk(
                url, seconds=seconds, script="scim_patch.lua", script_args=[str(size), TOKEN]
            )
            creates = wrk(
                url, seconds=seconds, script="scim_create.lua", script_args=["sweep", TOKEN]
            )
            rss = servers_peak_rss_mb()
        database_mb = sum(f.stat().st_size for f in Path(directory).iterdir()) / 2**20
    return {
        "per_object_us": per_request_us(filters),
        "filters": filters,
        "patches": patches,
        "creates": creates,
        "patch_us": per_request_us(patches),
        "create_us": per_request_us(creates),
        "peak_rss_mb": rss,
        "database_mb": database_mb,
    }


def idp(size: int, seconds: int = 8) -> dict[str, Any]:
    """Our IdP (2 granian workers) answering IdP-initiated launches with signed Responses from a
    directory of `size` users (bench/idp_wsgi.py's BENCH_IDP_USERS)."""
    from bench.idp_wsgi import COOKIE, LAUNCH_PATH

    env = {"BENCH_IDP_USERS": str(size)}
    with granian("bench.idp_wsgi:application", 2, env=env, timeout=600) as port:
        url = f"http://127.0.0.1:{port}{LAUNCH_PATH}"
        wrk(url, [f"Cookie: {COOKIE}"], seconds=2, connections=8)
        result = wrk(url, [f"Cookie: {COOKIE}"], seconds=seconds, connections=8)
        rss = servers_peak_rss_mb()
    return {"per_object_us": per_request_us(result), "launches": result, "peak_rss_mb": rss}


def check_scim(size: int, seconds: float = 5.0) -> dict[str, Any]:
    """check-scim's throughput check (Test Connection's filter at 30 requests/s) against each
    built-in vendor's own SCIM mock holding `size` users, served as bench/provisioning.py
    serves RingCentral's (2 granian workers, SQLite)."""
    import httpx

    from bench.scim_store import populate_by_cloning
    from bench.scim_wsgi import TOKEN, build_vendor_scim
    from gallery import load_gallery
    from harness.checks.scim.probe import ScimProbe
    from harness.checks.scim.recorder import CheckFailed
    from harness.checks.scim.robustness import throughput

    vendors: dict[str, Any] = {}
    for key, app in sorted(load_gallery().items()):
        profile = app.scim_profile
        if profile is None:
            continue
        path = profile.base_url.split("://", 1)[1].partition("/")[2]
        with tempfile.TemporaryDirectory() as directory:
            database = Path(directory) / f"{key}.sqlite3"
            populate_by_cloning(
                database, size, app=build_vendor_scim(key, database), users_path=f"/{path}/Users"
            )
            env = {"BENCH_SCIM_DB": str(database), "BENCH_SCIM_VENDOR": key}
            with (
                granian("bench.scim_wsgi:vendor_scim_app", 2, env=env) as port,
                httpx.Client(timeout=30) as http,
            ):
                probe = ScimProbe(f"http://127.0.0.1:{port}/{path}", TOKEN, http)
                try:
                    vendors[key] = {"passed": True, "shown": throughput(probe, seconds)}
                except CheckFailed as failure:
                    vendors[key] = {"passed": False, "shown": str(failure)}
    return {"per_object_us": float("nan"), "peak_rss_mb": float("nan"), "vendors": vendors}


POINTS: dict[str, Callable[[int], dict[str, Any]]] = {
    "provisioning": provisioning,
    "scim": scim,
    "idp": idp,
    "check-scim": check_scim,
}


if __name__ == "__main__":
    sweep, size = sys.argv[1], int(sys.argv[2])
    print(json.dumps({"sweep": sweep, "size": size, **POINTS[sweep](size)}))
