"""Every request a SCIM endpoint received and what it answered, for scenarios to read."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from mock_kernel.limits import load_json

# Bodies past this size are kept cut, with their original size noted (issue 17: one 100 MB body
# made a 100 MB answer of /_mock/requests); the whole log keeps at most LOG_BYTES of bodies.
BODY_BYTES = 64 * 1024
LOG_BYTES = 32 * 1024 * 1024


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
    request_size: int = 0
    response_size: int = 0

    @property
    def kept_bytes(self) -> int:
        return len(self.request_body) + len(self.response_body)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "url": self.url,
            "request": _message(self.request_headers, self.request_body, self.request_size),
            "status": self.status,
            "response": _message(self.response_headers, self.response_body, self.response_size),
        }


def _message(headers: tuple[tuple[str, str], ...], body: bytes, size: int) -> dict[str, Any]:
    message: dict[str, Any] = {"headers": dict(headers), "body": _decoded(body)}
    if size > len(body):
        message["truncated"] = {"originalBytes": size, "keptBytes": len(body)}
    return message


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return load_json(body)
    except ValueError:
        return body.decode("utf-8", "replace")


class RequestLog:
    """The last `size` exchanges, numbered from 1 so a reader can ask for those after n; bodies
    cut at `body_bytes` and the oldest exchanges dropped past `log_bytes` of bodies."""

    def __init__(
        self, size: int = 10_000, body_bytes: int = BODY_BYTES, log_bytes: int = LOG_BYTES
    ) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Exchange] = deque()
        self._size = size
        self._body_bytes = body_bytes
        self._log_bytes = log_bytes
        self._kept = 0
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
        cut = self._body_bytes
        with self._lock:
            entry = Exchange(
                next(self._sequence),
                time,
                method,
                url,
                request_headers,
                request_body[:cut],
                status,
                response_headers,
                response_body[:cut],
                len(request_body),
                len(response_body),
            )
            self._entries.append(entry)
            self._kept += entry.kept_bytes
            while self._entries and (
                len(self._entries) > self._size or self._kept > self._log_bytes
            ):
                self._kept -= self._entries.popleft().kept_bytes

    def since(self, seq: int = 0) -> list[Exchange]:
        with self._lock:
            return [entry for entry in self._entries if entry.seq > seq]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._kept = 0
