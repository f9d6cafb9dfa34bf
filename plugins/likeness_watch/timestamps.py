"""Hub timestamps as UTC instants.

Real hubs send ISO-8601 with a zone (``2025-07-02T19:13:58.758Z``, ``+02:00``) and without one
(``2023-10-05T13:31:16.745``), with or without fractional seconds. A time without a zone means
UTC on both hubs, so it is read as UTC here, in the raw gate's regex (the suites' ``&iso8601``
anchor accepts exactly these forms) and in staging (the dbt macro ``lw_utc_timestamp``), never in
the local time zone of whatever machine parses it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

ISO8601 = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d"
    r"(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
"""The forms accepted: date, ``T``, hours and minutes, optional seconds and fraction, optional zone."""


def parse_utc(value: object) -> datetime | None:
    """The instant as an aware UTC datetime; None when ``value`` is not one of the accepted forms."""
    if not isinstance(value, str) or not ISO8601.fullmatch(value):
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", value)  # Python keeps microseconds; nanoseconds are cut
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:  # e.g. 2025-02-30: the regex checks the shape, not the calendar
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def utc_key(value: object) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` (Hugging Face's own form), so keys compare as text in time order.

    The same instant written ``...Z``, ``...+00:00`` or without a zone gives the same key.
    """
    parsed = parse_utc(value)
    if parsed is None:
        return None
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}Z"
