"""Every request a SCIM endpoint received and what it answered, for scenarios to read."""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exchange:
    """One request and its response, kept raw: decoding waits until someone reads the log."""

    seq: int
    time: str
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "url": self.url,
            "request": {"headers": dict(self.request_headers), "body": _decoded(self.request_body)},
            "status": self.status,
            "response": {
                "headers": dict(self.response_headers),
                "body": _decoded(self.response_body),
            },
        }


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


class RequestLog:
    """The last `size` exchanges, numbered from 1 so a reader can ask for those after n."""

    def __init__(self, size: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Exchange] = deque(maxlen=size)
        self._sequence = itertools.count(1)

    def record(
        self,
        time: str,
        method: str,
        url: str,
        request_headers: tuple[tuple[str, str], ...],
        request_body: bytes,
        status: int,
        response_headers: tuple[tuple[str, str], ...],
        response_body: bytes,
    ) -> None:
        with self._lock:
            self._entries.append(
                Exchange(
                    next(self._sequence),
                    time,
                    method,
                    url,
                    request_headers,
                    request_body,
                    status,
                    response_headers,
                    response_body,
                )
            )

    def since(self, seq: int = 0) -> list[Exchange]:
        with self._lock:
            return [entry for entry in self._entries if entry.seq > seq]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
