"""The size sweep's helpers (bench/scale.py) and the replay's handling of groups: sizes as asked,
the targets judged from the curve, the PNG drawn; no sweep is run here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.provisioning import Request, by_object, created_ids, is_group, with_ids
from bench.scale import (
    FULL_SIZES,
    figures,
    growth,
    parse_factor,
    parse_factors,
    plot,
    sweep_sizes,
)


def test_sizes_are_the_issues_or_scaled_down() -> None:
    assert sweep_sizes(parse_factor("full"))["scim"] == (10_000, 100_000, 1_000_000)
    assert sweep_sizes(parse_factor("quick"))["provisioning"] == (10, 100, 1_000)
    assert sweep_sizes(0.001)["idp"] == (10, 100)  # never under 10 objects
    with pytest.raises(ValueError):
        parse_factor("2")
    some = sweep_sizes(parse_factors("full,provisioning=0.1"))
    assert (some["provisioning"], some["scim"]) == ((100, 1_000, 10_000), FULL_SIZES["scim"])
    with pytest.raises(ValueError):
        parse_factors("full,ldap=0.1")


def point(size: int, cost: float, **more: Any) -> dict[str, Any]:
    return {"size": size, "per_object_us": cost, "peak_rss_mb": 80.0, **more}


def provisioning_point(size: int, cost: float, overhead: float, rss: float) -> dict[str, Any]:
    seconds = cost * size * 1.1 / 1e6
    return point(
        size,
        cost,
        seconds=seconds,
        baseline_s=seconds / (1 + overhead),
        overhead=overhead,
        baseline_per_object_us=cost / (1 + overhead),
        peak_rss_mb=rss,
        requests=3 * size,
        failed=0,
        parallel=8,
        engine_cpu_s=1.0,
        replay_cpu_s=0.5,
        counts={"create": size},
    )


def test_flat_curves_meet_the_targets_and_growing_ones_miss_them() -> None:
    flat = {
        "idp": [point(1_000, 700.0), point(100_000, 800.0)],
        "provisioning": [
            provisioning_point(1_000, 500.0, 0.10, 90.0),
            provisioning_point(100_000, 540.0, 0.12, 450.0),
        ],
    }
    assert growth(flat["idp"]) == pytest.approx(800 / 700)
    met = {f.name: f.met for f in figures(flat)}
    assert all(met.values()), met
    steep = {
        "idp": [point(1_000, 700.0), point(100_000, 900.0)],  # 29 % dearer
        "provisioning": [
            provisioning_point(1_000, 500.0, 0.10, 90.0),
            provisioning_point(100_000, 620.0, 0.12, 650.0),  # 24 % dearer, over 500 MB
        ],
    }
    assert not any(f.met for f in figures(steep))


def test_scim_p99_target_is_twice_the_smallest_stores() -> None:
    def scim(size: int, p99: float) -> dict[str, Any]:
        wrk = {"p99_ms": p99, "rps": 1000.0}
        return point(size, 1000.0, filters=wrk, patches=wrk, creates=wrk, database_mb=1.0)

    p99 = "Scale: SCIM filter GET p99 at 1,000,000 users"
    ok = {f.name: f for f in figures({"scim": [scim(10_000, 4.0), scim(1_000_000, 7.9)]})}
    assert ok[p99].met
    slow = {f.name: f for f in figures({"scim": [scim(10_000, 4.0), scim(1_000_000, 8.1)]})}
    assert not slow[p99].met


def test_the_curve_is_drawn(tmp_path: Path) -> None:
    curves = {"idp": [point(10, 700.0), point(100, 720.0)]}
    plot(curves, tmp_path / "curve.png", "test")
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_groups_requests_replay_after_the_users_with_their_new_ids() -> None:
    user_post = Request(
        "POST", "/Users", {}, {"userName": "a@x"}, 201, {"id": "u1", "userName": "a@x"}
    )
    group_post = Request(
        "POST", "/Groups", {}, {"displayName": "G"}, 201, {"id": "g1", "displayName": "G"}
    )
    members = {"Operations": [{"op": "Add", "path": "members", "value": [{"value": "u1"}]}]}
    group_patch = Request("PATCH", "/Groups/g1", {}, members, 204, None)
    lookup = Request("GET", "/Groups", {"filter": 'displayName eq "G"'}, None, 200, {})
    requests = [user_post, lookup, group_post, group_patch]
    names = created_ids(requests)
    assert names == {"u1": "a@x", "g1": "g"}
    objects = by_object(requests, names)
    assert objects == [[user_post], [lookup, group_post, group_patch]]
    assert [is_group(o) for o in objects] == [False, True]
    assert with_ids(members, {"u1": "new-u1"})["Operations"][0]["value"] == [{"value": "new-u1"}]


def test_check_scim_figure_takes_the_slowest_vendor_and_fails_with_any() -> None:
    from bench.scale import check_scim_figure

    line = "60 of 60 answered 200, sent over 2.0 s: {} requests/s; latency p50 4 ms"
    point = {
        "size": 100_000,
        "vendors": {
            "8x8": {"passed": True, "shown": line.format(30.1)},
            "ringcentral": {"passed": True, "shown": line.format(29.5)},
        },
    }
    figure = check_scim_figure(point)
    assert (figure.value, figure.met) == (29.5, True)
    point["vendors"]["8x8"]["passed"] = False
    assert not check_scim_figure(point).met


def test_a_first_run_of_the_day_keeps_the_newest_runs_figures_dated(tmp_path: Path) -> None:
    import json

    from bench.readme import markdown
    from bench.run import merge_figures, previous_figures

    older = {"date": "2026-11-20T10:00:00", "figures": [{"name": "old", "section": "idp"}]}
    newest = {
        "date": "2026-11-23T10:00:00",
        "figures": [
            {"name": "kept", "section": "scim", "value": 1.0, "unit": "s"},
            {"name": "rerun", "section": "scale"},
        ],
    }
    (tmp_path / "2026-11-20.json").write_text(json.dumps(older))
    (tmp_path / "2026-11-23.json").write_text(json.dumps(newest))
    fresh = [{"name": "new", "section": "scale", "value": 2.0, "unit": "s"}]
    merged = merge_figures(previous_figures(tmp_path), fresh)
    assert [(f["name"], f.get("measured")) for f in merged] == [
        ("kept", "2026-11-23"),
        ("new", None),
    ]
    rows = markdown(
        {
            "date": "2026-12-07",
            "machine": {"cpus": 2, "platform": "p", "python": "3.11"},
            "figures": [
                {**f, "baseline_name": "b", "baseline": 1.0, "ratio": 1.0, "target": "t", "met": 1}
                for f in merged
            ],
        }
    )
    assert "| kept (measured 2026-11-23) |" in rows
    assert "| new |" in rows
