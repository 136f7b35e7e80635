"""Verdicts, revision chains and their time order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimfmt.dates import sort_key
from claimfmt.issues import Issue
from claimfmt.validators.registry import issue, register

Path = tuple[str | int, ...]


@register("verifications", "verdict-out-of-range", "history-order", "supersedes-cycle")
def verifications(document: dict[str, Any]) -> Iterator[Issue]:
    """A verdict's value lies between worst and best; a revision is dated after what it revises, and none loops.

    1.1 documents list ``verifications`` linked by ``supersedes``; 1.0 documents
    (checked as declared, so that pointers name the file as it is) nest a ``history``.
    """
    for c, claim in enumerate(document["claims"]):
        if "verifications" in claim:
            items = claim["verifications"]
            if not _settled(items):
                yield from _revisions(("claims", c, "verifications"), items)
        elif "verification" in claim:
            yield from _history_tree(("claims", c, "verification"), claim["verification"])


def _verdict_range(path: Path, verdict: dict[str, Any]) -> Iterator[Issue]:
    value, best, worst = verdict["value"], verdict.get("best"), verdict.get("worst")
    if best is not None and worst is not None and not min(best, worst) <= value <= max(best, worst):
        yield issue(
            "verdict-out-of-range",
            (*path, "verdict", "value"),
            f"value {value} is not between worst {worst} and best {best}",
        )


def _verdict(path: Path, verification: dict[str, Any]) -> Iterator[Issue]:
    verdict = verification.get("verdict")
    if verdict is not None and "value" in verdict:
        yield from _verdict_range(path, verdict)


def _settled(items: list[dict[str, Any]]) -> bool:
    """Whether a claim's verifications surely hold nothing to report: one tight loop, no paths, no generators.

    Most claims pass; one that may not goes through :func:`_revisions`, which says what and where.
    """
    by_id: dict[str, int] | None = None
    for n, item in enumerate(items):
        verdict = item.get("verdict")
        if verdict is not None and "value" in verdict:
            value, best, worst = verdict["value"], verdict.get("best"), verdict.get("worst")
            if best is not None and worst is not None and not min(best, worst) <= value <= max(best, worst):
                return False
        named = item.get("supersedes")
        if named is None:
            continue
        if by_id is None:
            by_id = {other["id"]: k for k, other in reversed(list(enumerate(items))) if "id" in other}
        replaced = by_id.get(named)
        if replaced is None:
            continue
        # Every revision so far names an earlier entry, so no chain can loop back: only the dates are left.
        if replaced >= n:
            return False
        stamp, earlier = item.get("assessed_at"), items[replaced].get("assessed_at")
        if stamp is not None and earlier is not None and sort_key(stamp) < sort_key(earlier):
            return False
    return True


def _revisions(path: Path, items: list[dict[str, Any]]) -> Iterator[Issue]:
    by_id: dict[str, int] | None = None  # built only for a claim with a revision: most have none
    for n, item in enumerate(items):
        yield from _verdict((*path, n), item)
        named = item.get("supersedes")
        if named is None:
            continue
        if by_id is None:
            by_id = {other["id"]: k for k, other in reversed(list(enumerate(items))) if "id" in other}
        replaced = by_id.get(named)  # an unresolved one is the references check's
        if replaced is None:
            continue
        if _comes_back(items, by_id, n, replaced):
            yield issue(
                "supersedes-cycle",
                (*path, n, "supersedes"),
                f"following supersedes from verification {item.get('id')!r} comes back to it",
                hint="a revision supersedes an earlier assessment, never itself or a later one",
            )
            continue
        stamp, earlier = item.get("assessed_at"), items[replaced].get("assessed_at")
        if stamp is not None and earlier is not None and sort_key(stamp) < sort_key(earlier):
            yield issue(
                "history-order",
                (*path, n, "assessed_at"),
                f"this revision is dated before /{'/'.join(map(str, (*path, replaced)))}, which it supersedes",
                hint="a revision comes after the assessment it replaces",
            )


def _comes_back(items: list[dict[str, Any]], by_id: dict[str, int], start: int, at: int | None) -> bool:
    """Whether following supersedes from ``at`` reaches ``start`` (a loop elsewhere ends the walk)."""
    for _ in range(len(items)):
        if at is None or at == start:
            break
        named = items[at].get("supersedes")
        at = by_id.get(named) if isinstance(named, str) else None
    return at == start


def _history_tree(path: Path, verification: dict[str, Any]) -> Iterator[Issue]:
    yield from _verdict(path, verification)
    history = verification.get("history")
    if not history:
        return
    yield from _history_order(path, verification)
    for h, earlier in enumerate(history):
        yield from _history_tree((*path, "history", h), earlier)


def _history_order(path: Path, verification: dict[str, Any]) -> Iterator[Issue]:
    stamps: list[tuple[Path, str | None]] = [
        (("history", i), item.get("assessed_at")) for i, item in enumerate(verification["history"])
    ]
    stamps.append(((), verification.get("assessed_at")))
    latest: tuple[Path, str] | None = None
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
