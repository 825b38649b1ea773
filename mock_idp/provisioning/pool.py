"""Bounded parallel work on a stream of tasks, each task's result handed back in the tasks' order."""

# A cycle hands its pool one task per object, as it plans them, and applies the outcomes in
# order. concurrent.futures spent a Future, a Condition and a work item per task, and the tasks
# only once all of them were planned; here a task goes out as soon as it is planned, through two
# C-implemented queues, and results come back as they are ready.

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from queue import Empty, SimpleQueue
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

Result = tuple[T, R | None, BaseException | None]


def in_order(
    tasks: Iterable[T],
    work: Callable[[T], R],
    workers: int,
    local: Callable[[T], bool] | None = None,
) -> Generator[Result[T, R], None, None]:
    """(task, result, None) or (task, None, what it raised), in the order of `tasks`, which is
    read as results are handed back. At most `workers` threads run `work`; tasks that `local`
    says need no worker run here, in their turn (once every earlier result was handed back).
    Closing the generator waits for the tasks already handed to workers."""
    inbox: SimpleQueue[tuple[int, T] | None] = SimpleQueue()
    outbox: SimpleQueue[tuple[int, R | None, BaseException | None]] = SimpleQueue()
    threads: list[threading.Thread] = []
    ready: dict[int, tuple[R | None, BaseException | None]] = {}
    waiting: deque[tuple[int, T, bool]] = deque()

    def serve() -> None:
        while (item := inbox.get()) is not None:
            index, task = item
            try:
                outbox.put((index, work(task), None))
            except BaseException as error:  # handed back, as a Future would
                outbox.put((index, None, error))

    def settle(block: bool) -> Generator[Result[T, R], None, None]:
        while waiting:
            index, task, here = waiting[0]
            if here:
                waiting.popleft()
                try:
                    done = work(task)
                except BaseException as raised:
                    yield task, None, raised
                else:
                    yield task, done, None
                continue
            while index not in ready:
                try:
                    answer = outbox.get() if block else outbox.get_nowait()
                except Empty:
                    return
                ready[answer[0]] = answer[1:]
            waiting.popleft()
            result, error = ready.pop(index)
            yield task, result, error

    try:
        for index, task in enumerate(tasks):
            here = local is not None and local(task)
            if not here:
                inbox.put((index, task))
                if len(threads) < max(1, workers):
                    thread = threading.Thread(
                        target=serve, name=f"provisioning-{len(threads)}", daemon=True
                    )
                    thread.start()
                    threads.append(thread)
            waiting.append((index, task, here))
            yield from settle(block=False)
        yield from settle(block=True)
    finally:
        for _ in threads:
            inbox.put(None)
        for thread in threads:
            thread.join()


def apply_in_order(
    tasks: Iterable[T],
    work: Callable[[T], R],
    workers: int,
    apply: Callable[[T, R | None, BaseException | None], None],
    local: Callable[[T], bool] | None = None,
) -> None:
    """Like `in_order`, but nothing is handed back to the calling thread: each worker (the
    calling thread is one of them) takes the next task from `tasks`, runs `work`, and calls
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
