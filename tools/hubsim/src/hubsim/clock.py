"""UTC time helpers: the world keeps integer epoch seconds, the APIs print ISO-8601."""

from __future__ import annotations

from datetime import UTC, date, datetime

DAY = 86_400
_UNIX = date(1970, 1, 1)


def day_start(day: date) -> int:
    """Epoch seconds (UTC) at 00:00 of `day`."""
    return (day - _UNIX).days * DAY


def iso_utc(ts: int, millis: int = 0) -> str:
    """`2025-05-23T12:34:56.789Z`, the shape both hubs use."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def date_of(ts: float) -> date:
    """UTC calendar day of an epoch time."""
    return date.fromordinal(_UNIX.toordinal() + int(ts // DAY))
