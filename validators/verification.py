"""Verdicts and verification history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimfmt.dates import sort_key
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
