"""A vendor's usage-plan rate limits: requests per window per API group, then a penalty."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gallery import RateLimitGroup, ScimRateLimits
from mock_kernel.clock import Clock

from .errors import TooManyRequestsException


@dataclass
class _GroupState:
    recent: deque[datetime] = field(default_factory=deque)
    penalty_until: datetime | None = None


class UsagePlan:
    """RingCentral's rules (developers.ringcentral.com, "API Rate Limits"): each API group
    allows `requests` per `window_seconds`; the request beyond that gets 429 and starts the
    penalty interval, during which every request of the group gets 429 with Retry-After set to
    the seconds left. Time is the harness clock, so tests move past a penalty instantly."""

    def __init__(self, limits: ScimRateLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.enforced = limits.enforced
        self._lock = threading.Lock()
        self._state: dict[str, _GroupState] = {}

    def reset(self) -> None:
        with self._lock:
            self.enforced = self.limits.enforced
            self._state.clear()

    def describe(self) -> dict[str, object]:
        return {
            "enforced": self.enforced,
            "reads": self.limits.reads,
            "writes": self.limits.writes,
            "groups": {
                name: {
                    "requests": group.requests,
                    "window_seconds": group.window_seconds,
                    "penalty_seconds": group.penalty_seconds,
                }
                for name, group in self.limits.groups.items()
            },
        }

    def admit(self, write: bool) -> dict[str, str]:
        """Count one request; its X-Rate-Limit-* headers, or TooManyRequestsException."""
        name = self.limits.writes if write else self.limits.reads
        group = self.limits.groups.get(name or "")
        if not self.enforced or name is None or group is None:
            return {}
        now = self.clock.now()
        with self._lock:
            state = self._state.setdefault(name, _GroupState())
            headers = self._headers(name, group, state)
            if state.penalty_until is not None and now < state.penalty_until:
                left = (state.penalty_until - now).total_seconds()
                raise TooManyRequestsException(
                    retry_after=left, headers=headers, detail=f"{name} rate limit: retry later"
                )
            state.penalty_until = None
            while state.recent and (now - state.recent[0]).total_seconds() >= group.window_seconds:
                state.recent.popleft()
            if len(state.recent) >= group.requests:
                state.penalty_until = now + timedelta(seconds=group.penalty_seconds)
                state.recent.clear()
                raise TooManyRequestsException(
                    retry_after=group.penalty_seconds,
                    headers=self._headers(name, group, state),
                    detail=f"{name} rate limit of {group.requests} requests per "
                    f"{group.window_seconds:g} s exceeded",
                )
            state.recent.append(now)
            return self._headers(name, group, state)

    @staticmethod
    def _headers(name: str, group: RateLimitGroup, state: _GroupState) -> dict[str, str]:
        return {
            "X-Rate-Limit-Group": name,
            "X-Rate-Limit-Limit": str(group.requests),
            "X-Rate-Limit-Remaining": str(max(0, group.requests - len(state.recent))),
            "X-Rate-Limit-Window": str(int(group.window_seconds)),
        }
