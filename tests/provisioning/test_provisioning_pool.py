"""apply_in_order: workers that take, send and apply for themselves, in the tasks' order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from mock_idp.provisioning.pool import apply_in_order


def collect(
    tasks: object, work: object, workers: int, local: object = None
) -> list[tuple[int, int | None, BaseException | None]]:
    applied: list[tuple[int, int | None, BaseException | None]] = []
    apply_in_order(tasks, work, workers, lambda *a: applied.append(a), local)  # type: ignore[arg-type]
    return applied


def test_outcomes_are_applied_in_the_tasks_order_whatever_finishes_first() -> None:
    def work(n: int) -> int:
        time.sleep(0.002 * (5 - n % 5))  # later tasks finish first
        return n * n

    assert collect(range(40), work, 4) == [(n, n * n, None) for n in range(40)]


def test_apply_never_runs_twice_at_once_and_workers_are_bounded() -> None:
    running, most, applying, overlapped = 0, 0, 0, False
    lock = threading.Lock()

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.003)
        with lock:
            running -= 1
        return n

    def apply(task: int, result: int | None, error: BaseException | None) -> None:
        nonlocal applying, overlapped
        applying += 1
        overlapped |= applying > 1
        time.sleep(0.001)
        applying -= 1

    before = threading.active_count()
    apply_in_order(range(30), work, 3, apply)
    assert most == 3 and not overlapped
    assert threading.active_count() == before, "the workers stopped"


def test_a_task_is_sent_before_the_next_one_is_made() -> None:
    sent = threading.Event()

    def tasks() -> Iterator[int]:
        yield 1
        assert sent.wait(5), "the first task waited for the whole stream"
        yield 2

    def work(n: int) -> int:
        sent.set()
        return n

    assert [r for _, r, _ in collect(tasks(), work, 2)] == [1, 2]


def test_errors_reach_apply_with_their_task_and_the_rest_still_runs() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise ValueError("two")
        return n

    applied = collect(range(5), work, 2)
    assert [(t, r) for t, r, _ in applied] == [(0, 0), (1, 1), (2, None), (3, 3), (4, 4)]
    assert isinstance(applied[2][2], ValueError)


def test_local_tasks_run_after_every_earlier_task_was_applied_without_a_worker() -> None:
    done: list[int] = []

    def work(n: int) -> int:
        if n % 2 == 1:
            assert done == list(range(n)), done
        else:
            time.sleep(0.003)
        return n

    apply_in_order(range(9), work, 4, lambda t, r, e: done.append(t), lambda n: n % 2 == 1)
    assert done == list(range(9))


def test_only_local_tasks_start_no_thread() -> None:
    callers: set[int] = set()

    def work(n: int) -> int:
        callers.add(threading.get_ident())
        return n

    assert [t for t, _, _ in collect(range(5), work, 4, lambda n: True)] == list(range(5))
    assert callers == {threading.get_ident()}


def test_what_apply_raises_stops_the_later_tasks_and_is_raised() -> None:
    applied: list[int] = []

    def apply(task: int, result: int | None, error: BaseException | None) -> None:
        if task == 3:
            raise KeyError("three")
        applied.append(task)

    before = threading.active_count()
    with pytest.raises(KeyError, match="three"):
        apply_in_order(range(50), lambda n: n, 3, apply)
    assert applied == [0, 1, 2]
    assert threading.active_count() == before


def test_a_failing_task_stream_stops_the_workers_after_the_tasks_taken() -> None:
    def tasks() -> Iterator[int]:
        yield 1
        raise RuntimeError("planning broke")

    applied: list[int] = []
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="planning broke"):
        apply_in_order(tasks(), lambda n: n, 2, lambda t, r, e: applied.append(t))
    assert applied == [1]
    assert threading.active_count() == before


def test_an_initial_cycle_knows_its_total_at_its_first_request_and_logs_in_order() -> None:
    """Users are planned while the first ones are sent; the progress total is still exact from
    the start (an unassigned user is not counted), and the logs keep the directory's order."""
    from typing import Any

    from mock_idp.provisioning.wire import KeepAliveHttp, WireResponse
    from tests.provisioning.test_provisioning_targets import ProvisioningWorld, RecordingScimTarget

    totals: list[int] = []
    target = RecordingScimTarget()
    try:
        world = ProvisioningWorld(target.url, target.token, settings={"max_parallel_requests": 4})
        job = world.job

        class Observed(KeepAliveHttp):
            def request(self, method: str, url: str, **options: Any) -> WireResponse:
                if job.progress is not None:
                    totals.append(job.progress.total)
                return super().request(method, url, **options)

        world.tenant.http_client_factory = Observed
        names = [f"user{n:02d}" for n in range(12)]
        for name in names:
            world.user(name)
        world.user("outsider", assign=False)
        summary = world.start()
    finally:
        target.close()
    assert summary.counts == {"create": 12, "exported": 12}
    assert (summary.processed, summary.total) == (12, 12)
    assert totals and set(totals) == {12}, totals
    logged = [e["sourceIdentity"]["displayName"] for e in world.logs()]
    assert logged == [f"{name}@contoso.com" for name in names]
