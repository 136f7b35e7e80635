"""Lining up several annotators' documents of one article: what ``claimfmt agree`` and ``merge`` share.

Documents are grouped by article (:func:`group_documents`): by the text's SHA-256 (the
default: the same text, whatever the file names), by document id, or by article URL.
Within a group, each annotator's spans are :class:`Item` records, one layer at a time
(claims, source mentions, cues, hedges, attributions), and two annotators' items are
paired one to one by :func:`match`:

- **exact**: the same character ranges (a discontinuous item: all of them);
- **overlap**: ranges that share at least one character; where one item overlaps
  several, the pairs with the highest Jaccard index (shared characters over
  characters in either) are taken first, ties in document order.

Items anchored by a quote alone (no offsets: the text was not shipped) pair only
with an equal quote. :func:`clusters` joins the pairwise overlap matches of every
annotator pair into units, best pairs first and never two items of one annotator in
a unit: the units that agreement coefficients and adjudication count over.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from claimfmt.issues import Issue, Severity
from claimfmt.model import Attribution, Claim, Document, Source, Span

__all__ = [
    "GROUP_KEYS",
    "LAYERS",
    "Annotation",
    "Group",
    "Item",
    "annotator_name",
    "clusters",
    "group_documents",
    "items",
    "match",
    "overlap",
    "same_source",
    "similarity",
]

#: How documents are grouped into articles (``--group-by``).
GROUP_KEYS = ("text", "id", "url")
#: The span layers compared, in report order; ``attribution`` pairs a claim span and a source.
LAYERS = ("claim", "source", "cue", "hedge", "attribution")

Ranges = tuple[tuple[int, int], ...]


@attrs.frozen(kw_only=True)
class Annotation:
    """One annotator's document of an article, and where it was read from (for messages)."""

    annotator: str
    document: Document
    file: str | None = None


@attrs.frozen(kw_only=True)
class Group:
    """The documents of one article, one per annotator, in the order they were read."""

    key: str
    id: str
    annotations: tuple[Annotation, ...]

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(a.annotator for a in self.annotations)


@attrs.frozen(kw_only=True, eq=False)
class Item:
    """One annotated stretch of one annotator's document: a claim, mention, cue, hedge or attribution.

    ``ranges`` are merged, sorted ``(start, end)`` pairs, or None for a quote-only span;
    ``ref`` is the model object (for an attribution, ``(claim, attribution)``); ``pointer``
    is where it sits in its document.
    """

    owner: int
    ranges: Ranges | None
    quote: str
    ref: Any
    pointer: str

    @property
    def length(self) -> int:
        return sum(end - start for start, end in self.ranges or ())


def annotator_name(document: Document) -> str:
    """Who annotated a document: the names in its provenance (joined by ``+``), else its id."""
    names = [a.name for a in (document.provenance.annotators or ())] if document.provenance else []
    return "+".join(names) if names else document.id


def _key(document: Document, by: str) -> str | None:
    article = document.article
    if by == "id":
        return document.id
    if by == "url":
        return article.url
    if article.text_sha256:
        return article.text_sha256
    return hashlib.sha256(article.text.encode()).hexdigest() if article.text is not None else None


def _text_of(document: Document) -> str | None:
    """What must be equal across a group's documents for their offsets to mean the same."""
    article = document.article
    if article.text is not None:
        return hashlib.sha256(article.text.encode()).hexdigest()
    return article.text_sha256


def group_documents(
    documents: Iterable[tuple[Document, str | None]], *, by: str = "text"
) -> tuple[list[Group], list[Issue]]:
    """``(document, file)`` pairs grouped into articles by ``by`` (one of :data:`GROUP_KEYS`).

    Returns the groups in the order their first document came, and the issues: a document
    with no key (``no-group-key``), an annotator met twice in a group (``duplicate-annotator``;
    the second is named ``name#2``), a group whose documents are over different texts
    (``text-mismatch``: the group is left out, since its offsets cannot be compared).
    """
    if by not in GROUP_KEYS:
        raise ValueError(f"group by one of {', '.join(GROUP_KEYS)}, not {by!r}")
    issues: list[Issue] = []
    members: dict[str, list[Annotation]] = {}
    for document, file in documents:
        key = _key(document, by)
        if key is None:
            what = {"id": "id", "url": "article.url", "text": "article text or text_sha256"}[by]
            issues.append(
                Issue(
                    code="no-group-key",
                    message=f"document {document.id!r} has no {what} to group it by; left out",
                    pointer="/article",
                    file=file,
                )
            )
            continue
        group = members.setdefault(key, [])
        name = base = annotator_name(document)
        n = 1
        while any(a.annotator == name for a in group):
            n += 1
            name = f"{base}#{n}"
        if n > 1:
            issues.append(
                Issue(
                    code="duplicate-annotator",
                    severity=Severity.WARNING,
                    message=f"annotator {base!r} has two documents of one article; the later one is {name!r}",
                    pointer="/provenance",
                    file=file,
                )
            )
        group.append(Annotation(annotator=name, document=document, file=file))
    groups = []
    for key, found in members.items():
        texts = {_text_of(a.document) for a in found}
        if len(texts) > 1:
            ids = ", ".join(repr(a.document.id) for a in found)
            issues.append(
                Issue(
                    code="text-mismatch",
                    message=f"the documents grouped as {key!r} ({ids}) are over different texts; not compared",
                    pointer="/article/text",
                    file=found[0].file,
                )
            )
            continue
        groups.append(Group(key=key, id=_article_id(key, found, by), annotations=tuple(found)))
    return groups, issues


def _article_id(key: str, annotations: Sequence[Annotation], by: str) -> str:
    """A name for the article: the id itself, else what the documents' ids share (PolNeAR's ``DOC_<annotator>``)."""
    if by == "id":
        return key
    ids = [a.document.id for a in annotations]
    prefix = ids[0]
    for other in ids[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip("_-.# ")
    return prefix if len(ids) > 1 and len(prefix) >= 3 else ids[0]


def _ranges(spans: Iterable[Span]) -> Ranges | None:
    found = sorted((s.start, s.end) for s in spans if s.start is not None and s.end is not None)
    if not found:
        return None
    merged = [found[0]]
    for start, end in found[1:]:
        last = merged[-1]
        if start <= last[1]:
            merged[-1] = (last[0], max(last[1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _item(owner: int, spans: Sequence[Span], ref: Any, pointer: str) -> Item:
    return Item(owner=owner, ranges=_ranges(spans), quote=" … ".join(s.exact for s in spans), ref=ref, pointer=pointer)


def items(document: Document, layer: str, owner: int) -> list[Item]:
    """The items of one layer (one of :data:`LAYERS`) of a document (hedges without a span are left out)."""
    found: list[Item] = []
    if layer == "claim" or layer == "attribution":
        for c, claim in enumerate(document.claims):
            # A claim without spans is anchored by its text, as a quote.
            spans = claim.spans or (Span(exact=claim.text),)
            if layer == "claim":
                found.append(_item(owner, spans, claim, f"/claims/{c}"))
                continue
            for a, attribution in enumerate(claim.attributions):
                found.append(_item(owner, spans, (claim, attribution), f"/claims/{c}/attributions/{a}"))
    elif layer == "source":
        for s, source in enumerate(document.sources):
            for m, mention in enumerate(source.mentions or ()):
                found.append(_item(owner, (mention,), source, f"/sources/{s}/mentions/{m}"))
    elif layer == "cue":
        for c, claim in enumerate(document.claims):
            for a, attribution in enumerate(claim.attributions):
                where = f"/claims/{c}/attributions/{a}"
                if attribution.cue is not None:
                    found.append(_item(owner, (attribution.cue,), attribution, f"{where}/cue"))
                for v, via in enumerate(attribution.via or ()):
                    if via.cue is not None:
                        found.append(_item(owner, (via.cue,), via, f"{where}/via/{v}/cue"))
    elif layer == "hedge":
        for c, claim in enumerate(document.claims):
            for a, attribution in enumerate(claim.attributions):
                for h, hedge in enumerate(attribution.hedges or ()):
                    if hedge.span is not None:
                        pointer = f"/claims/{c}/attributions/{a}/hedges/{h}/span"
                        found.append(_item(owner, (hedge.span,), hedge, pointer))
    else:
        raise ValueError(f"no layer {layer!r}; layers: {', '.join(LAYERS)}")
    return found


def _shared(a: Ranges, b: Ranges) -> int:
    """Characters two merged, sorted range lists have in common."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            total += high - low
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def match(
    a: Sequence[Item],
    b: Sequence[Item],
    *,
    exact: bool,
    also: Callable[[Item, Item], bool] | None = None,
) -> list[tuple[Item, Item]]:
    """``a`` and ``b`` paired one to one, exactly or by overlap (the module's rule).

    ``also``, where given, must hold for a pair too (an attribution's source, say): among
    the candidates it admits, the rule picks as before.
    """
    pairs: list[tuple[Item, Item]] = []
    # Equal ranges (or equal quotes, for quote-only items) first: these are the best pairs under both
    # rules, and the only ones for items of no width, which overlap nothing.
    equal: dict[Any, list[Item]] = defaultdict(list)
    for item in b:
        equal[_equal_key(item)].append(item)
    taken: set[int] = set()
    for item in a:
        for candidate in equal.get(_equal_key(item), ()):
            if id(candidate) not in taken and (also is None or also(item, candidate)):
                taken.add(id(candidate))
                taken.add(id(item))
                pairs.append((item, candidate))
                break
    if exact:
        return pairs
    placed_a = [x for x in a if x.ranges is not None and id(x) not in taken]
    placed_b = [y for y in b if y.ranges is not None and id(y) not in taken]
    candidates = []
    # A sweep over both lists sorted by start: only items that can overlap are compared.
    order_b = sorted(range(len(placed_b)), key=lambda n: placed_b[n].ranges[0][0])  # type: ignore[index]
    active: list[int] = []
    cursor = 0
    for i in sorted(range(len(placed_a)), key=lambda n: placed_a[n].ranges[0][0]):  # type: ignore[index]
        x = placed_a[i]
        assert x.ranges is not None
        start, end = x.ranges[0][0], x.ranges[-1][1]
        while cursor < len(order_b) and placed_b[order_b[cursor]].ranges[0][0] < end:  # type: ignore[index]
            active.append(order_b[cursor])
            cursor += 1
        active = [n for n in active if placed_b[n].ranges[-1][1] > start]  # type: ignore[index]
        for j in active:
            y = placed_b[j]
            assert y.ranges is not None
            shared = _shared(x.ranges, y.ranges)
            if shared and (also is None or also(x, y)):
                candidates.append((-shared / (x.length + y.length - shared), i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((placed_a[i], placed_b[j]))
    return pairs


def _equal_key(item: Item) -> Any:
    return item.ranges if item.ranges is not None else (item.quote,)


def similarity(x: Item, y: Item) -> float:
    """The Jaccard index of two items' characters (1 for equal ranges or quotes, also of no width)."""
    if x.ranges is None or y.ranges is None or x.ranges == y.ranges:
        return 1.0 if _equal_key(x) == _equal_key(y) else 0.0
    shared = _shared(x.ranges, y.ranges)
    return shared / (x.length + y.length - shared)


def clusters(per_annotator: Sequence[Sequence[Item]], pairs: Iterable[tuple[Item, Item]]) -> list[list[Item]]:
    """Units: the items joined by ``pairs``, each with at most one item per annotator.

    Pairs are joined best first (highest :func:`similarity`); a pair that would give a unit two
    items of one annotator is skipped, so that B's claim overlapping both of A's cannot chain
    them into one unit.
    """
    parent: dict[int, int] = {}
    owners: dict[int, set[int]] = {}
    every = [item for layer in per_annotator for item in layer]
    for item in every:
        parent[id(item)] = id(item)
        owners[id(item)] = {item.owner}

    def root(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for x, y in sorted(pairs, key=lambda pair: -similarity(*pair)):
        rx, ry = root(id(x)), root(id(y))
        if rx != ry and not owners[rx] & owners[ry]:
            low, high = min(rx, ry), max(rx, ry)
            parent[high] = low
            owners[low] |= owners.pop(high)
    units: dict[int, list[Item]] = {}
    for item in every:
        units.setdefault(root(id(item)), []).append(item)
    # Units come in the first annotator's order, then those it lacks in the next one's, and so on.
    return list(units.values())


def overlap(a: Span, b: Span) -> bool:
    """Whether two spans share a character (or, without offsets, have the same quote)."""
    x, y = _ranges((a,)), _ranges((b,))
    if x is None or y is None:
        return x is None and y is None and a.exact == b.exact
    return x == y or _shared(x, y) > 0


def same_source(a: Document, first: str, b: Document, second: str) -> bool:
    """Whether two attributions' sources are the same speaker.

    Sources with mentions agree when a mention of one overlaps a mention of the other.
    Without mentions, they agree when both are the author, or both are unnamed
    (anonymous, no name), or their names are equal ignoring case.
    """
    x, y = a.source(first), b.source(second)
    if x is None or y is None:
        return x is y
    mx, my = _ranges(x.mentions or ()), _ranges(y.mentions or ())
    if mx is not None and my is not None:
        return mx == my or _shared(mx, my) > 0
    return _speaker(x) == _speaker(y)


def _speaker(source: Source) -> tuple[str, str]:
    if source.kind.value == "author":
        return ("author", "")
    if source.name:
        return ("name", source.name.casefold())
    return ("unnamed", "") if source.anonymous else ("id", source.id)


def attribution_of(item: Item) -> tuple[Claim, Attribution]:
    """The ``(claim, attribution)`` an attribution item stands for."""
    claim, attribution = item.ref
    return claim, attribution
