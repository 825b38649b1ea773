"""Datetimes in snapshot JSON: ISO 8601 with microseconds and Z, so a round trip is exact."""

from __future__ import annotations

from datetime import UTC, datetime


def when(moment: datetime | None) -> str | None:
    """Graph writes UTC instants with a Z; the microseconds are kept so import loses nothing."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
