"""Field-by-field differences between two versions of a corpus (``claimfmt diff A B``).

Documents are matched by id. Within a document, claims are matched by id, and the
claims left over by their first span (or, without one, their text), so that a corpus
re-exported with new ids still pairs up. Each difference is a :class:`Change` with a
kind (``id changed``, ``span moved``, ``text changed``, ``stance flipped``, ``state
changed``, ``assessment added``, or ``changed`` for any other field), the JSON pointer in each
version, and the values before and after. Collecting is kept apart from formatting:
:func:`format_text` and :func:`to_json` render what :func:`diff_documents` returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from claimfmt import jsontext
from claimfmt.model import Attribution, Claim, Document
from claimfmt.structuring import unstructure

__all__ = ["Change", "ClaimDiff", "DocumentDiff", "diff_corpora", "diff_documents", "format_text", "to_json"]

#: The version of :func:`to_json`'s layout.
DIFF_VERSION = 1


@attrs.frozen(kw_only=True)
class Change:
    """One field that differs: what kind of change, where in each version, and the two values."""

    kind: str
    pointer: str
    before: Any = None
    after: Any = None


@attrs.frozen(kw_only=True)
class ClaimDiff:
    """A claim added, removed or changed; ``a``/``b`` are its ids in each version (None where absent)."""

    status: str  # "added" | "removed" | "changed"
    a: str | None
    b: str | None
    text: str
    changes: tuple[Change, ...] = ()


@attrs.frozen(kw_only=True)
class DocumentDiff:
    """What differs in one document (or that it was added or removed)."""

    id: str
    status: str  # "added" | "removed" | "changed"
    claims: tuple[ClaimDiff, ...] = ()
    other: tuple[Change, ...] = ()


def diff_corpora(a: Iterable[Document], b: Iterable[Document]) -> list[DocumentDiff]:
    """Every document that differs between ``a`` and ``b``, in ``a``'s order, then those only ``b`` has."""
    before = {document.id: document for document in a}
    after = {document.id: document for document in b}
    found = []
    for identifier, old in before.items():
        new = after.get(identifier)
        if new is None:
            found.append(DocumentDiff(id=identifier, status="removed"))
        elif (changed := diff_documents(old, new)) is not None:
            found.append(changed)
    found.extend(DocumentDiff(id=i, status="added") for i in after if i not in before)
    return found


def diff_documents(a: Document, b: Document) -> DocumentDiff | None:
    """What differs between two versions of one document, or None when they are equal."""
    if a == b:
        return None
    pairs, removed, added = _match(a.claims, b.claims)
    claims = [ClaimDiff(status="removed", a=c.id, b=None, text=c.text) for c in removed]
    for old, new in pairs:
        changes = tuple(_claim_changes(old, new))
        if changes:
            claims.append(ClaimDiff(status="changed", a=old.id, b=new.id, text=new.text, changes=changes))
    claims.extend(ClaimDiff(status="added", a=None, b=c.id, text=c.text) for c in added)
    first, second = unstructure(a), unstructure(b)
    other = tuple(
        change
        for key in sorted((set(first) | set(second)) - {"claims"})
        for change in _json_changes(first.get(key), second.get(key), f"/{key}")
    )
    return DocumentDiff(id=a.id, status="changed", claims=tuple(claims), other=other)


def _match(a: tuple[Claim, ...], b: tuple[Claim, ...]) -> tuple[list[tuple[Claim, Claim]], list[Claim], list[Claim]]:
    """Claims paired by id, then the rest by first span (or text); and those left in each."""
    by_id = {claim.id: claim for claim in b}
    pairs, rest_a = [], []
    used: set[str] = set()
    for claim in a:
        other = by_id.get(claim.id)
        if other is not None and other.id not in used:
            pairs.append((claim, other))
            used.add(other.id)
        else:
            rest_a.append(claim)
    rest_b = {_anchor(claim): claim for claim in reversed(b) if claim.id not in used}
    removed = []
    for claim in rest_a:
        other = rest_b.pop(_anchor(claim), None)
        if other is None:
            removed.append(claim)
        else:
            pairs.append((claim, other))
            used.add(other.id)
    added = [claim for claim in b if claim.id not in used]
    return pairs, removed, added


def _anchor(claim: Claim) -> Any:
    if claim.spans:
        span = claim.spans[0]
        return ("span", span.start, span.end, span.exact)
    return ("text", claim.text)


def _claim_changes(a: Claim, b: Claim) -> Iterator[Change]:
    if a.id != b.id:
        yield Change(kind="id changed", pointer="/id", before=a.id, after=b.id)
    if a.spans != b.spans:
        yield Change(kind="span moved", pointer="/spans", before=_offsets(a), after=_offsets(b))
    if a.text != b.text:
        yield Change(kind="text changed", pointer="/text", before=a.text, after=b.text)
    flipped = set()
    for n, attribution, other in _paired_attributions(a, b):
        if other.stance != attribution.stance:
            flipped.add(f"/attributions/{n}/stance")
            yield Change(
                kind="stance flipped",
                pointer=f"/attributions/{n}/stance",
                before=f"{attribution.source}: {attribution.stance.value}",
                after=f"{attribution.source}: {other.stance.value}",
            )
    if a.state() != b.state():
        yield Change(kind="state changed", pointer="/verifications", before=a.state().value, after=b.state().value)
    old, new = a.verifications or (), b.verifications or ()
    appended = len(new) > len(old) and new[: len(old)] == old
    if appended:
        for n, verification in enumerate(new[len(old) :], start=len(old)):
            yield Change(kind="assessment added", pointer=f"/verifications/{n}", after=unstructure(verification))
    first, second = unstructure(a), unstructure(b)
    named = {"spans", "text", "id"} | ({"verifications"} if appended else set())
    for key in sorted(set(first) | set(second)):
        if key in named:
            continue
        for change in _json_changes(first.get(key), second.get(key), f"/{key}"):
            if change.pointer not in flipped:  # said already, as a flip
                yield change


def _paired_attributions(a: Claim, b: Claim) -> Iterator[tuple[int, Attribution, Attribution]]:
    """Attributions in place where both claims have as many; else each with the next of ``b`` from its source."""
    if len(a.attributions) == len(b.attributions):
        for n, (mine, theirs) in enumerate(zip(a.attributions, b.attributions, strict=True)):
            if mine.source == theirs.source:
                yield n, mine, theirs
        return
    left = list(b.attributions)
    for n, mine in enumerate(a.attributions):
        found = next((x for x in left if x.source == mine.source), None)
        if found is not None:
            left.remove(found)
            yield n, mine, found


def _offsets(claim: Claim) -> list[Any]:
    return [[s.start, s.end] if s.start is not None else s.exact for s in claim.spans]


def _json_changes(a: Any, b: Any, pointer: str) -> Iterator[Change]:
    """The leaves where two JSON values differ, each as a ``changed`` Change, in document order."""
    # A stack, not recursion: an extension's value may be nested deeper than Python recurses.
    pending = [(a, b, pointer)]
    while pending:
        a, b, pointer = pending.pop()
        if jsontext.equal(a, b):
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            keys = [*a, *(k for k in b if k not in a)]
            pending += [(a.get(key), b.get(key), f"{pointer}/{_token(key)}") for key in reversed(keys)]
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            pending += [(a[n], b[n], f"{pointer}/{n}") for n in reversed(range(len(a)))]
        else:
            yield Change(kind="changed", pointer=pointer, before=a, after=b)


def _token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def format_text(diffs: Iterable[DocumentDiff]) -> str:
    """A readable account: a line per document, ``+``/``-``/``~`` per claim, a line per change."""
    lines = []
    for document in diffs:
        mark = {"added": "+", "removed": "-"}.get(document.status, "~")
        lines.append(
            f"{mark} document {document.id}" + ("" if document.status == "changed" else f" ({document.status})")
        )
        for claim in document.claims:
            sign = {"added": "+", "removed": "-", "changed": "~"}[claim.status]
            name = (
                claim.a
                if claim.a == claim.b or claim.b is None
                else (claim.b if claim.a is None else f"{claim.a} -> {claim.b}")
            )
            lines.append(f"    {sign} claim {name}: {_short(claim.text)}")
            for change in claim.changes:
                lines.append(
                    f"        {change.kind} at {change.pointer}: {_value(change.before)} -> {_value(change.after)}"
                )
        for change in document.other:
            lines.append(f"    {change.kind} at {change.pointer}: {_value(change.before)} -> {_value(change.after)}")
    return "\n".join(lines)


def to_json(diffs: Iterable[DocumentDiff]) -> dict[str, Any]:
    """The differences as plain JSON, versioned."""
    return {"version": DIFF_VERSION, "documents": [_plain(d) for d in diffs]}


def _plain(item: Any) -> Any:
    """A diff's fields as JSON; a change's values are JSON already, of any depth, and given as they are (not
    walked: ``attrs.asdict`` recurses once a level, and an extension's value may be nested deeper than Python)."""
    if type(item) is tuple:
        return [_plain(part) for part in item]
    if isinstance(item, Change | ClaimDiff | DocumentDiff):
        return {field.name: _plain(getattr(item, field.name)) for field in attrs.fields(type(item))}
    return item


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _value(value: Any) -> str:
    if value is None:
        return "(absent)"
    shown = jsontext.dumps(value).decode()
    return shown if len(shown) <= 80 else shown[:79] + "…"
