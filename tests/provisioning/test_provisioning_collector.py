"""The cyclic garbage collector is held off while provisioning cycles run, then restored."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from mock_idp.provisioning.collector import collector_paused


@pytest.fixture(autouse=True)
def restore_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_while_any_cycle_runs_and_resumed_after_the_last() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a second job's cycle at the same time
            assert not gc.isenabled()
        assert not gc.isenabled(), "the first cycle still runs"
    assert gc.isenabled()


def test_concurrent_cycles_in_threads() -> None:
    gc.enable()
    inside, release = threading.Barrier(3), threading.Event()

    def cycle() -> None:
        with collector_paused():
            inside.wait()
            release.wait(5)

    threads = [threading.Thread(target=cycle) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_resumed_when_a_cycle_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the cycle broke")
    assert gc.isenabled()


def test_a_cycle_runs_with_the_collector_paused_and_resumes_it() -> None:
    from mock_idp.provisioning.wire import KeepAliveHttp, WireResponse
    from tests.provisioning.test_provisioning_targets import ProvisioningWorld, RecordingScimTarget

    seen: list[bool] = []

    class Observed(KeepAliveHttp):
        def request(self, method: str, url: str, **options: Any) -> WireResponse:
            seen.append(gc.isenabled())
            return super().request(method, url, **options)

    gc.enable()
    target = RecordingScimTarget()
    try:
        world = ProvisioningWorld(target.url, target.token)
        world.tenant.http_client_factory = Observed
        world.user("ada")
        assert world.start().counts == {"create": 1, "exported": 1}
    finally:
        target.close()
    assert seen == [False, False], "GET and POST sent with the collector paused"
    assert gc.isenabled()


def test_what_the_cycle_kept_goes_to_the_oldest_generation_without_a_young_collection() -> None:
    import weakref

    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the cyclic collector frees it

    gc.enable()
    gc.collect()
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with collector_paused():
            kept = [{"n": [n]} for n in range(20_000)]
            garbage = weakref.ref(Node())
        after = [[n] for n in range(10)]  # the first allocations after resuming
        young = gc.get_count()[0] - len(after)
    finally:
        gc.callbacks.remove(count)
    assert collections == [], "no collection walked what the cycle kept"
    assert young < 100
    assert any(o is kept[-1] for o in gc.get_objects(generation=2))
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert garbage() is not None, "cyclic garbage waits for the next full collection"
    gc.collect()
    assert garbage() is None


def test_objects_frozen_elsewhere_stay_frozen() -> None:
    gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            pass
        # Not unfrozen (that would leave 0); the count may fall a little as frozen objects that
        # other threads (the served mocks) held are freed, which once failed an equality here.
        assert gc.get_freeze_count() > frozen // 2 > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()
