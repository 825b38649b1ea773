"""The cycle's pool: bounded workers, results in the tasks' order, tasks sent as they are made."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import closing

import pytest

from mock_idp.provisioning.pool import in_order


def test_results_come_back_in_the_tasks_order_whatever_finishes_first() -> None:
    def work(n: int) -> int:
        time.sleep(0.002 * (5 - n % 5))  # later tasks finish first
        return n * n

    results = list(in_order(range(20), work, 4))
    assert [(task, result, error) for task, result, error in results] == [
        (n, n * n, None) for n in range(20)
    ]


def test_at_most_the_given_number_of_workers_run_at_once() -> None:
    running, most, lock = 0, 0, threading.Lock()

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.003)
        with lock:
            running -= 1
        return n

    assert [r for _, r, _ in in_order(range(30), work, 3)] == list(range(30))
    assert most == 3


def test_a_task_is_sent_before_the_next_one_is_made() -> None:
    sent = threading.Event()

    def tasks() -> Iterator[int]:
        yield 1
        # The first task is already with a worker while the second is being planned.
        assert sent.wait(5), "the first task waited for the whole stream"
        yield 2

    def work(n: int) -> int:
        sent.set()
        return n

    assert [r for _, r, _ in in_order(tasks(), work, 2)] == [1, 2]


def test_errors_are_handed_back_with_their_task_and_the_rest_still_runs() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise ValueError("two")
        return n

    results = list(in_order(range(4), work, 2))
    assert [(t, r) for t, r, _ in results] == [(0, 0), (1, 1), (2, None), (3, 3)]
    error = results[2][2]
    assert isinstance(error, ValueError) and str(error) == "two"


def test_local_tasks_run_on_the_calling_thread_after_every_earlier_result() -> None:
    caller = threading.get_ident()
    done: list[int] = []
    threads: dict[int, int] = {}

    def work(n: int) -> int:
        threads[n] = threading.get_ident()
        if n % 2 == 0:
            time.sleep(0.003)
        else:  # a local task: every earlier task's result was handed back
            assert done == list(range(n)), done
        return n

    for task, _, error in in_order(range(8), work, 4, local=lambda n: n % 2 == 1):
        assert error is None
        done.append(task)
    assert done == list(range(8))
    assert all(threads[n] == caller for n in range(1, 8, 2))
    assert all(threads[n] != caller for n in range(0, 8, 2))


def test_closing_early_waits_for_the_tasks_handed_to_workers() -> None:
    finished: list[int] = []

    def work(n: int) -> int:
        time.sleep(0.005)
        finished.append(n)
        return n

    before = threading.active_count()
    with closing(in_order(range(6), work, 3)) as results:
        task, _, _ = next(results)
        assert task == 0
    assert threading.active_count() == before, "the workers stopped"
    assert sorted(finished) == sorted(set(finished)) and 0 in finished


def test_a_failing_task_stream_stops_the_workers() -> None:
    def tasks() -> Iterator[int]:
        yield 1
        raise RuntimeError("planning broke")

    before = threading.active_count()
    with pytest.raises(RuntimeError, match="planning broke"):
        list(in_order(tasks(), lambda n: n, 2))
    assert threading.active_count() == before


def test_an_initial_cycle_knows_its_total_at_its_first_request_and_logs_in_order() -> None:
    """Users are planned while the first ones are sent; the progress total is still exact from
    the start (an unassigned user is not counted), and the logs keep the directory's order."""
    from typing import Any

    from test_provisioning_targets import ProvisioningWorld, RecordingScimTarget

    from mock_idp.provisioning.wire import KeepAliveHttp, WireResponse

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
