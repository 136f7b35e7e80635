"""Verdicts and verification history."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from claimfmt.issues import Issue
from claimfmt.validators.registry import issue, register


@register("verifications", "verdict-out-of-range", "history-order")
def verifications(document: dict[str, Any]) -> Iterator[Issue]:
    """A verdict's value lies between worst and best; history runs oldest first, before the current one."""
    for path, verification in _verifications(document):
        verdict = verification.get("verdict")
        if verdict is not None and "value" in verdict:
            yield from _verdict_range(path, verdict)
        if verification.get("history"):
            yield from _history_order(path, verification)


def _verdict_range(path: tuple[str | int, ...], verdict: dict[str, Any]) -> Iterator[Issue]:
    value, best, worst = verdict["value"], verdict.get("best"), verdict.get("worst")
    if best is not None and worst is not None and not min(best, worst) <= value <= max(best, worst):
        yield issue(
            "verdict-out-of-range",
            (*path, "verdict", "value"),
            f"value {value} is not between worst {worst} and best {best}",
        )


def _history_order(path: tuple[str | int, ...], verification: dict[str, Any]) -> Iterator[Issue]:
    stamps: list[tuple[tuple[str | int, ...], str | None]] = [
        (("history", i), item.get("assessed_at")) for i, item in enumerate(verification["history"])
    ]
    stamps.append(((), verification.get("assessed_at")))
    latest: tuple[tuple[str | int, ...], str] | None = None
    for where, stamp in stamps:
        if stamp is None:
            continue
        key = sort_key(stamp)
        if latest is not None and key < latest[1]:
            earlier = "/".join(str(t) for t in (*path, *latest[0]))
            yield issue(
                "history-order",
                (*path, *where, "assessed_at"),
                f"this assessment is dated before the one at /{earlier}",
                hint="history lists earlier assessments first; the current one is the latest",
            )
        else:
            latest = (where, key)


def _verifications(document: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    for c, claim in enumerate(document["claims"]):
        verification = claim.get("verification")
        if verification is None:
            continue
        path: tuple[str | int, ...] = ("claims", c, "verification")
        yield path, verification
        if "history" in verification:
            yield from _history(path, verification)


def _history(
    path: tuple[str | int, ...], verification: dict[str, Any]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    for h, earlier in enumerate(verification["history"]):
        where = (*path, "history", h)
        yield where, earlier
        if "history" in earlier:
            yield from _history(where, earlier)


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
    moment = datetime.datetime.fromisoformat(text).astimezone(datetime.UTC)
    seconds = "60" if leap else f"{moment.second:02d}"
    return moment.strftime("%Y-%m-%dT%H:%M:") + f"{seconds}.{moment.microsecond:06d}"
