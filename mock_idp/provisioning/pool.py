"""Bounded parallel work on a stream of tasks, the outcomes applied in the tasks' order."""

# A cycle's tasks are its objects, planned as they are taken: the first requests go out while
# later users are still being planned (concurrent.futures would want every task first, and
# spent a Future, a Condition and a work item per task).

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def apply_in_order(
    tasks: Iterable[T],
    work: Callable[[T], R],
    workers: int,
    apply: Callable[[T, R | None, BaseException | None], None],
    local: Callable[[T], bool] | None = None,
) -> None:
    """Bounded parallel work in which nothing is handed back to the calling thread: each worker
    (the calling thread is one of them) takes the next task from `tasks`, runs `work`, and calls
    `apply(task, result, error)` for its task and any later ones already done once every
    earlier task was applied, so `apply` runs in the tasks' order, never two at once. Tasks
    that `local` says need no worker run in their turn, by whoever applies them. Returns once
    every task was applied; what `tasks` or `apply` raised is raised here, after the workers
    stopped (no later task is applied then)."""
    # A cycle spent two thread wake-ups per object (the planning thread handing the task to a
    # worker, the worker handing the result back), each tens of microseconds of CPU: a worker
    # now plans and applies for itself, the taking and applying each under a lock.
    stream = iter(tasks)
    taking, applying = threading.Lock(), threading.Lock()
    done: dict[int, tuple[T, R | None, BaseException | None, bool]] = {}
    threads: list[threading.Thread] = []
    raised: list[BaseException] = []
    state = {"next": 0, "applied": 0}
    stopped = False
    limit = max(1, workers)

    def take() -> tuple[int, T, bool] | None:
        nonlocal stopped
        with taking:
            if stopped:
                return None
            try:
                task = next(stream)
                here = local is not None and local(task)
            except StopIteration:
                stopped = True
                return None
            except BaseException as error:
                stopped = True
                raised.append(error)
                return None
            index = state["next"]
            state["next"] = index + 1
            if not here and len(threads) + 1 < limit:
                # Another worker, to take the next task while this one sends this one.
                thread = threading.Thread(
                    target=serve, name=f"provisioning-{len(threads)}", daemon=True
                )
                threads.append(thread)
                thread.start()
            return index, task, here

    def drain() -> None:
        nonlocal stopped
        # Whoever finds the next task to apply done applies it; a result put in `done` while
        # another thread holds `applying` is seen by that thread's check after it lets go.
        while state["applied"] in done and not raised:
            if not applying.acquire(blocking=False):
                return
            try:
                while (index := state["applied"]) in done and not raised:
                    task, result, error, here = done.pop(index)
                    if here:
                        try:
                            result = work(task)
                        except BaseException as failed:
                            error = failed
                    try:
                        apply(task, result, error)
                    except BaseException as failed:
                        raised.append(failed)
                        stopped = True
                    state["applied"] = index + 1
            finally:
                applying.release()

    def serve() -> None:
        while (taken := take()) is not None:
            index, task, here = taken
            result: R | None = None
            error: BaseException | None = None
            if not here:
                try:
                    result = work(task)
                except BaseException as failed:  # handed to apply, as a Future would
                    error = failed
            done[index] = (task, result, error, here)
            drain()

    try:
        serve()
    finally:
        with taking:
            stopped = True
        for thread in threads:
            thread.join()
    drain()
    if raised:
        raise raised[0]
