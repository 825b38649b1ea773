"""One controllable clock that every mock reads time from (freeze, set, advance)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time unless frozen; tests freeze, set and advance it to make time instant."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen_at: datetime | None = None
        self._offset = timedelta()

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return datetime.now(UTC) + self._offset

    def freeze(self, at: datetime | None = None) -> None:
        with self._lock:
            self._frozen_at = (at or datetime.now(UTC) + self._offset).astimezone(UTC)

    def set(self, at: datetime) -> None:
        """Jump to `at`; a running clock keeps running from there."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = at.astimezone(UTC)
            else:
                self._offset = at.astimezone(UTC) - datetime.now(UTC)

    def advance(self, by: timedelta) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += by
            else:
                self._offset += by

    def reset(self) -> None:
        with self._lock:
            self._frozen_at = None
            self._offset = timedelta()

    def describe(self) -> dict[str, object]:
        with self._lock:
            frozen = self._frozen_at is not None
        return {"now": saml_instant(self.now()), "frozen": frozen}


def saml_instant(moment: datetime) -> str:
    """xs:dateTime in UTC as Entra writes it in SAML: milliseconds, then Z (docs sample, captures)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> datetime:
    """Parse an xs:dateTime with any number of fractional digits."""
    text = text.strip().replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
