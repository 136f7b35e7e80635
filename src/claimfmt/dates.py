"""Dates as claimfmt holds them: RFC 3339 full-dates and date-times, checked, ordered and translated.

claimfmt keeps every date as the string it was given (a verdict's ``assessed_at``
is the reviewer's own words). These helpers are the one place that reads those
strings: the schema's ``date-time`` format, the order of a verification history,
what a converter may put in a date field, and the forms of the peers (W3C's
``xsd:dateTime`` in UTC, AVeriTeC's day-first dates).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeGuard

__all__ = ["from_day_first", "from_w3c", "is_date", "is_date_time", "sort_key", "to_day_first", "to_utc"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(
    r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)",
    re.ASCII,
)
_DAY_FIRST = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def is_date(value: Any) -> TypeGuard[str]:
    """An RFC 3339 full-date or date-time, as claimfmt's dates are."""
    if not isinstance(value, str):
        return False
    if _DATE.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return is_date_time(value)


def is_date_time(value: str) -> bool:
    """An RFC 3339 date-time, with leap seconds where RFC 3339 allows them (23:59:60 UTC)."""
    value = value.upper()  # RFC 3339 allows t and z
    if _rfc3339(value):
        return True
    if len(value) < 20 or value[17:19] != "60":
        return False
    normal = value[:17] + "59" + value[19:]
    if not _rfc3339(normal):
        return False
    moment = dt.datetime.fromisoformat(normal.replace("Z", "+00:00"))
    utc = moment.astimezone(dt.UTC)
    return (utc.hour, utc.minute) == (23, 59)


def sort_key(stamp: str) -> str:
    """A string that sorts RFC 3339 dates and date-times by the instant they denote.

    A bare date counts as its first instant in UTC. The common forms (a date, or a
    whole-second UTC time) are keyed without parsing: validation runs this a lot.
    """
    if len(stamp) == 10:
        return stamp + "T00:00:00.000000"
    if len(stamp) == 20 and stamp[19] in "Zz":
        return stamp[:10] + "T" + stamp[11:19] + ".000000"
    text = stamp.upper().replace("Z", "+00:00")
    leap = text[17:19] == "60"
    if leap:  # fromisoformat knows no second 60: parse :59, key it back as :60
        text = text[:17] + "59" + text[19:]
    head, dot, rest = text.partition(".")
    if dot:  # at most microseconds for fromisoformat
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = head + "." + rest[: min(digits, 6)] + rest[digits:]
    moment = dt.datetime.fromisoformat(text).astimezone(dt.UTC)
    seconds = "60" if leap else f"{moment.second:02d}"
    return moment.strftime("%Y-%m-%dT%H:%M:") + f"{seconds}.{moment.microsecond:06d}"


def to_utc(value: str) -> str:
    """An RFC 3339 date or date-time as an xsd:dateTime in UTC with ``Z`` (a date is its midnight)."""
    if len(value) == 10:
        return f"{value}T00:00:00Z"
    try:
        moment = dt.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:  # a leap second, which Python cannot hold: it is written as it is
        return value
    if moment.tzinfo is None:
        return value
    text = moment.astimezone(dt.UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def from_w3c(value: Any) -> str | None:
    """A W3C date as RFC 3339: offsets and fractions kept, epoch seconds (or ms) as UTC, no zone taken as UTC."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    if _rfc3339(value) or _DATE.match(value):
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:  # xsd:dateTime without a zone: W3C says it should have one; UTC is the guess
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat().replace("+00:00", "Z")


def from_day_first(value: Any) -> str | None:
    """A day-first ``D-M-YYYY`` date (AVeriTeC's) as an RFC 3339 date; None if it is not one."""
    match = _DAY_FIRST.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    day, month, year = map(int, match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def to_day_first(value: str | None) -> str | None:
    """An RFC 3339 date or date-time as a day-first ``DD-MM-YYYY`` date (its calendar day as written)."""
    if value is None:
        return None
    date = dt.date.fromisoformat(value[:10])
    return f"{date.day:02d}-{date.month:02d}-{date.year:04d}"


def _rfc3339(value: str) -> bool:
    """An RFC 3339 date-time (upper-case T and Z), leap seconds aside: rfc3339-validator's check, but to the end
    of the string, as JSON Schema's format means (that library's ``$`` takes a trailing newline)."""
    found = _DATE_TIME.fullmatch(value)
    if found is None:
        return False
    try:
        dt.date(int(found[1]), int(found[2]), int(found[3]))  # the day in its month; no year 0
    except ValueError:
        return False
    return True
