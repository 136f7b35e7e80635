"""Small checks on peer JSON values that every converter needs (what claimfmt's schema would accept)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeGuard

from rfc3339_validator import validate_rfc3339
from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

__all__ = ["as_list", "as_object", "is_date", "is_text", "is_uri"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_list(value: Any) -> list[Any]:
    """A value that may be one item or a list of them, as a list (None is an empty one)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_object(value: Any) -> dict[str, Any]:
    """A value that should be an object, or an empty one when it is not."""
    return value if isinstance(value, dict) else {}


def is_text(value: Any) -> TypeGuard[str]:
    """A non-empty string."""
    return isinstance(value, str) and value != ""


def is_uri(value: Any) -> TypeGuard[str]:
    """An absolute URI (RFC 3986), as claimfmt's ``format: uri`` wants."""
    return isinstance(value, str) and bool(validate_rfc3986(value, rule="URI"))


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
    return bool(validate_rfc3339(value.upper()))
