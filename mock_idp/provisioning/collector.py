"""Python's cyclic garbage collector held off while provisioning cycles run (process-wide)."""

# A cycle keeps what it makes: a log entry per object and a trace entry per request, about 33
# tracked containers a user. Each time the old generation has grown by a quarter the collector
# walks all of it: a 10,000-user initial cycle paid 9 full collections, 1.4 s of CPU, beside
# ~2 s of the engine's own work (measured in-process with the target answered in memory).
# Reference counting still frees everything else at once; the collector resumes when the last
# running cycle ends. What the cycles allocated is then moved straight to the oldest generation
# (gc.freeze, gc.unfreeze) instead of being walked by a young collection at the next allocation:
# it is nearly all kept (logs, trace, links, the watermark), so that walk (0.17 s for 10,000
# users, ~36 tracked containers each) and the middle generation's after it found almost nothing;
# the little cyclic garbage a cycle leaves is collected by the next full collection instead.

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class _Pause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.resume = False

    @contextmanager
    def held(self) -> Iterator[None]:
        with self.lock:
            if self.running == 0:
                # Resumed only if it ran before: whoever turned it off keeps it off.
                self.resume = gc.isenabled()
                gc.disable()
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0 and self.resume:
                    if gc.get_freeze_count() == 0:  # (nothing frozen for good elsewhere)
                        gc.freeze()
                        gc.unfreeze()
                    gc.enable()


_PAUSE = _Pause()


def collector_paused() -> AbstractContextManager[None]:
    """While any cycle runs, no automatic cyclic collection (nested and concurrent uses count)."""
    return _PAUSE.held()
