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
