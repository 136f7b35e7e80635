"""Verdicts and verification history."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from claimfmt.issues import Issue
from claimfmt.validators.registry import issue, register


@register("verdict-range", "verdict-out-of-range")
def verdict_range(document: dict[str, Any]) -> Iterator[Issue]:
    """A verdict's value lies between worst and best (either may be the larger)."""
    for path, verification in _verifications(document):
        verdict = verification.get("verdict")
        if not verdict or "value" not in verdict:
            continue
        value, best, worst = verdict["value"], verdict.get("best"), verdict.get("worst")
        if best is not None and worst is not None:
            low, high = min(best, worst), max(best, worst)
            if not low <= value <= high:
                yield issue(
                    "verdict-out-of-range",
                    (*path, "verdict", "value"),
                    f"value {value} is not between worst {worst} and best {best}",
                )


@register("history-order", "history-order")
def history_order(document: dict[str, Any]) -> Iterator[Issue]:
    """History runs oldest first, and ends before the current assessment."""
    for path, verification in _verifications(document):
        history = verification.get("history")
        if not history:
            continue
        dated = [(i, _moment(item.get("assessed_at"))) for i, item in enumerate(history)]
        dated.append((len(history), _moment(verification.get("assessed_at"))))
        previous: tuple[int, datetime.datetime] | None = None
        for index, moment in dated:
            if moment is None:
                continue
            if previous is not None and moment < previous[1]:
                where = (*path, "history", index, "assessed_at") if index < len(history) else (*path, "assessed_at")
                earlier = f"/history/{previous[0]}" if previous[0] < len(history) else ""
                yield issue(
                    "history-order",
                    where,
                    f"this assessment is dated before the one at {'/'.join(map(str, path))}{earlier}",
                    hint="history lists earlier assessments first; the current one is the latest",
                )
            previous = (index, moment)


def _verifications(document: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    for c, claim in enumerate(document["claims"]):
        if "verification" in claim:
            yield from _nested(("claims", c, "verification"), claim["verification"])


def _nested(
    path: tuple[str | int, ...], verification: dict[str, Any]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    yield path, verification
    for h, earlier in enumerate(verification.get("history", ())):
        yield from _nested((*path, "history", h), earlier)


def _moment(value: str | None) -> datetime.datetime | None:
    """A comparable UTC moment; a bare date counts as its first instant in UTC."""
    if value is None:
        return None
    text = value.upper().replace("Z", "+00:00")
    if len(text) == 10:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)
    # Leap second 60 and fractions beyond microseconds are not for fromisoformat.
    text = text[:17] + min(text[17:19], "59") + text[19:]
    head, dot, rest = text.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = head + "." + rest[: min(digits, 6)] + rest[digits:]
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
