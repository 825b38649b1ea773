"""check-scim's load and bad-input probes: Entra's request rate held, and bodies Entra can cause."""

# Microsoft's gallery requirements (SCIM-Validation-Test-Overview, "Key Onboarding Requirements"):
# at least 25 requests/s. Entra sends bodies a strict server may refuse (a custom mapping to an
# attribute the app lacks, a value of the wrong type); RFC 7644 §3.12 answers those with a 400
# SCIM error, never a 5xx (which Entra retries, then escrows) or an HTML page.

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from harness.checks.scim.probe import (
    ERROR,
    USER,
    Answer,
    ScimProbe,
    Tracker,
    patch_body,
)
from harness.checks.scim.recorder import expect

REQUIRED_RATE = 25.0  # requests/s
OFFERED_RATE = 30.0  # what the check sends, a little above the requirement
SENDERS = 8


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def throughput(probe: ScimProbe, seconds: float) -> str:
    """Test Connection's filter (read-only, finds nothing) at OFFERED_RATE for `seconds`; each
    request's latency; 429s counted with their Retry-After (not retried: the rate is the point)."""
    total = max(int(OFFERED_RATE * seconds), 2)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    retry_after: list[str | None] = []
    sends: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def one(index: int) -> None:
        delay = started + index / OFFERED_RATE - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        with lock:
            sends.append(sent)
        answer, after = probe.send_once(
            "GET", "/Users", params={"filter": f'userName eq "{uuid.uuid4()}"'}
        )
        with lock:
            latencies.append((time.perf_counter() - sent) * 1000)
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            if answer.status == 429:
                retry_after.append(after)

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(one, range(total)))
    # The rate the target sustained: its answers over the time the requests took to go out.
    # A slow target holds the senders back (8 at a time), so the sending stretches; the last
    # answers' latency is not counted against a target that kept up.
    elapsed = max(sends) - min(sends) + 1 / OFFERED_RATE
    if retry_after:  # the target asked for a pause: the checks that follow honour it
        probe.throttled.extend(retry_after)
        probe.throttled_at = time.monotonic()
        probe.settle()
    answered = statuses.get(200, 0)
    rate = answered / elapsed
    shown = (
        f"{answered} of {total} answered 200, sent over {elapsed:.1f} s: {rate:.1f} requests/s; "
        "latency "
        f"p50 {_percentile(latencies, 0.5):.0f} ms, p95 {_percentile(latencies, 0.95):.0f} ms, "
        f"p99 {_percentile(latencies, 0.99):.0f} ms"
    )
    if retry_after:
        given = sorted({a for a in retry_after if a})
        shown += f"; {len(retry_after)} answered 429 " + (
            f"with Retry-After {', '.join(given)}" if given else "without Retry-After"
        )
    others = {s: n for s, n in statuses.items() if s not in (200, 429)}
    expect(not others, f"{shown}; other answers {others}")
    # A runner short of CPU stretches the sending while the target answers fast: then what
    # the target can serve at SENDERS in flight (SENDERS / median latency) is its rate. A 429
    # or a slow answer still fails.
    capacity = SENDERS / max(_percentile(latencies, 0.5) / 1000, 1e-3)
    kept_up = not retry_after and capacity >= REQUIRED_RATE
    expect(
        rate >= REQUIRED_RATE or kept_up,
        f"{shown}: below the {REQUIRED_RATE:.0f} requests/s required",
    )
    if rate < REQUIRED_RATE:
        shown += f" (sending was slowed here; at {SENDERS} in flight it serves {capacity:.0f}/s)"
    return shown


def _scim_error(label: str, answer: Answer) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    expect(
        answer.status < 500,
        f"{label} answered {answer.status} ({answer.content_type or 'no content type'}): a 5xx "
        "is retried by Entra, then the object is escrowed",
    )
    expect(
        "html" not in answer.content_type.lower(),
        f"{label} answered {answer.status} with an HTML page",
    )
    expect(answer.status == 400, f"{label} answered {answer.describe()}, not 400")
    expect(
        ERROR in (body.get("schemas") or []),
        f"{label} answered 400 without the SCIM Error schema: {answer.text[:120]!r}",
    )
    return f"{label} 400 {body.get('scimType') or ''}".rstrip()


def bad_requests(probe: ScimProbe, tracker: Tracker, run_id: str, domain: str) -> str:
    """A body that is not JSON, a value of the wrong type, an unknown attribute: 400 SCIM errors."""

    def user(label: str, **extra: Any) -> dict[str, Any]:
        user_name = f"eh{run_id}-{label}@{domain}"
        tracker.forget_by_name("/Users", "userName", user_name)  # if it is created
        return {"schemas": [USER], "userName": user_name, **extra}

    seen = [
        _scim_error(
            "POST /Users with malformed JSON",
            probe.send("POST", "/Users", raw=json.dumps(user("badjson"))[:-9].encode()),
        ),
        _scim_error(
            "POST /Users with name as a string",
            probe.send("POST", "/Users", user("badtype", name="Probe Harness")),
        ),
        _scim_error(
            'POST /Users with active "maybe"',
            probe.send("POST", "/Users", user("badbool", active="maybe")),
        ),
    ]
    target = tracker.made[0][1] if tracker.made and tracker.made[0][0] == "/Users" else None
    if target is not None:
        seen.append(
            _scim_error(
                "PATCH of an unknown attribute",
                probe.send(
                    "PATCH",
                    f"/Users/{target}",
                    patch_body({"op": "replace", "path": "ehNoSuchAttribute", "value": "x"}),
                ),
            )
        )
    return "; ".join(seen)
