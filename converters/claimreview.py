"""schema.org ClaimReview JSON-LD (``claimreview``), both ways.

Writing: each current verification of a claim (one that no other supersedes) becomes
a ClaimReview, so a claim two fact-checkers reviewed gives two. ``claimReviewed`` is
the claim text; ``itemReviewed`` is a Claim whose ``author`` is each named source that
asserts it (name, ``jobTitle`` from the role, affiliation, ``sameAs`` from external
ids) and whose ``appearance`` is the article (url, headline, publisher, date).
``reviewRating`` carries the verdict verbatim. The review's ``author`` is the
assessor, ``url`` the review URL and ``datePublished`` the assessment date.

ClaimReview is published on public pages, so the writer publishes only what a review
is about: never the article's text, never a claim nobody reviewed, and never what
the annotators know of an anonymous source (its description, role, affiliation,
mentions, or an id that might name it). Each is counted as dropped. Everything else
ClaimReview cannot hold (spans, cues, hedges, commitment, evidence, superseded
assessments) is dropped too, and counted, unless the user asks for it with
``--record`` (``Options(record=True)``): then each review carries, in one key
(``https://claimfmt.org/ns/1.0#record``), a small fragment for its own assessment,
keyed by document, claim id and the assessment's place: patches from what a reader
gets back from the review alone (for the claim and for the assessment), the earlier
assessments it supersedes, the sources the claim names, the relations it starts,
and the article's fields. Any subset of such reviews, in any order, reads back as
the reviewed claims of that publishable document; a fragment that no longer fits
its review is set aside (``record-invalid``) and the review is read as it stands.

Reading takes ClaimReview as found in real markup: ``@type`` arrays,
``itemReviewed`` as a Claim or a CreativeWork, appearances as URLs or objects,
authors as strings, objects or arrays, ``@graph``, the ``DataFeed`` wrapper, and
HTML pages (their ``<script type="application/ld+json">`` blocks). Consecutive
foreign reviews of one claim (the same ``claimReviewed`` and ``itemReviewed``)
become one document whose claim has a verification per review; any other review
becomes a document with one claim. What the writer would not give back is kept
under ``org.schema:claimreview`` on the review's verification and written back.
"""

from __future__ import annotations

import html.parser
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.converters.base import (
    Converter,
    LossReport,
    Options,
    Origin,
    Read,
    counted,
    patched,
    readable,
    set_aside,
)
from claimfmt.converters.patches import PatchError, apply, diff
from claimfmt.converters.publishing import anonymous_ids, withheld, withheld_claims
from claimfmt.converters.values import as_list as _as_list
from claimfmt.converters.values import is_text as _text
from claimfmt.converters.values import is_uri as _is_uri
from claimfmt.converters.values import number as _number
from claimfmt.dates import is_date as _is_date
from claimfmt.issues import DocumentError, Issue, Severity
from claimfmt.large import LargeDocument
from claimfmt.model import (
    Attribution,
    Claim,
    Document,
    Relation,
    Source,
    SourceKind,
    Stance,
    State,
    Verification,
)
from claimfmt.reading import Record, SourceLike, decode_issue, decode_text, iter_records
from claimfmt.structuring import as_json, deferred, evolve, parts_json, structure, trusted, unbuilt_claims, unstructure
from claimfmt.versions import CURRENT_VERSION
from claimfmt.writing import write_json_values

__all__ = ["ClaimReview", "from_claimreview", "to_claimreview"]

JSON = Any
#: The one key our own reviews carry what ClaimReview cannot.
RECORD = "https://claimfmt.org/ns/1.0#record"
_FOREIGN = "org.schema:claimreview"
_HTML_SUFFIXES = {".html", ".htm", ".txt", ".xhtml"}
#: What is read as a review of a claim: a MediaReview reviews the claim that a photo or video is what it is
#: presented as.
_REVIEWS = {"ClaimReview", "MediaReview"}
_WIKIDATA = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q\d+)$")
_KINDS = {
    "Person": SourceKind.PERSON,
    "Organization": SourceKind.ORGANIZATION,
    "NewsMediaOrganization": SourceKind.MEDIA,
    "GovernmentOrganization": SourceKind.GOVERNMENT,
}
_TYPES = {kind: name for name, kind in _KINDS.items()}


class ClaimReview(Converter):
    """schema.org ClaimReview: JSON-LD objects, arrays, @graph, DataFeed, or HTML pages with JSON-LD."""

    name: ClassVar[str] = "claimreview"
    summary: ClassVar[str] = "schema.org ClaimReview JSON-LD (JSON, @graph, DataFeed, HTML pages)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        return self.read_records(_records(sources, report), options, report)

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        group: list[tuple[dict[str, JSON], Origin]] = []
        for data, origin in readable(records, report):
            found = list(claim_reviews(data))
            if not found:
                report.error("not-convertible", "no ClaimReview here (nor in @graph or a DataFeed)", origin)
            for review in found:
                if group and not _same_document(group[-1][0], review):
                    yield from _read_group(group, report)
                    group = []
                group.append((review, origin))
        if group:
            yield from _read_group(group, report)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        for document in documents:
            yield from to_claimreview(document, report, record=options.record)

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """The reviews of one large document, each claim's written as it is built.

        A first pass finds what :func:`publishable` keeps of the document's own fields: which claims were
        reviewed, and the sources they name. A document with none reviewed gives no review, as when read whole.
        """
        head = document.head
        reviewed: list[str] = []
        public_ids = anonymous_ids(head)
        named: dict[str, None] = {}
        for claim in document.built():
            if claim.verifications:
                reviewed.append(claim.id)
                named.update((public_ids.get(name, name), None) for a in claim.attributions for name in _named(a))
        if not reviewed:
            report.drop("documents with no verified claim (ClaimReview reviews claims)")
            return write_json_values(target, (), jsonl=jsonl)
        if len(reviewed) < len(document):
            report.drop("claims without a verification (never published)", len(document) - len(reviewed))
        public = withheld(head, report)
        public = evolve(public, **_published_parts(public, reviewed, named, report))
        claims = ((c, data) for c, data in withheld_claims(head, document.claims()) if c.verifications)
        reviews = _reviews(public, claims, parts_json(public), report, record=options.record)
        return write_json_values(target, reviews, jsonl=jsonl)


def publishable(document: Document, report: LossReport | None = None) -> Document | None:
    """What of ``document`` may go on a public page: its reviewed claims, and nothing that names the unnamed.

    The article's text goes, and so do the claims nobody reviewed (no verification; with the relations
    and the sources only they have). An anonymous source keeps its kind and nothing
    else: its id becomes ``anonymous-N``, and its description, role, affiliation,
    mentions, external ids and extensions go. Sources come in the order the reviewed
    claims name them. None when no claim was reviewed. What goes is counted in ``report``.
    """
    report = report or LossReport(source="claimfmt", target="claimreview")
    held = unbuilt_claims(document)
    if held is not None and not all(claim.get("verifications") for claim in held):
        # Its model not built yet: the claims nobody reviewed, which go, never are.
        document = deferred({**as_json(document), "claims": [claim for claim in held if claim.get("verifications")]})
    everything = len(held) if held is not None else len(document.claims)
    reviewed = [claim for claim in document.claims if claim.verifications]
    if not reviewed:
        report.drop("documents with no verified claim (ClaimReview reviews claims)")
        return None
    if len(reviewed) < everything:
        report.drop("claims without a verification (never published)", everything - len(reviewed))
    public = withheld(document, report)
    claims = tuple(claim for claim in public.claims if claim.verifications)
    named = (name for claim in claims for a in claim.attributions for name in _named(a))
    return evolve(public, claims=claims, **_published_parts(public, [claim.id for claim in claims], named, report))


def _published_parts(public: Document, reviewed: list[str], named: Iterable[str], report: LossReport) -> dict[str, Any]:
    """The sources of ``public`` (:func:`withheld`) that the reviewed claims name, in the order they name them (as
    reviews read back give them), and its relations between reviewed claims, in the order of the claims they start
    from (as each review carries those of its claim). ``reviewed``: the reviewed claims' ids, in order."""
    by_id = {source.id: source for source in public.sources}
    sources = [by_id[name] for name in dict.fromkeys(named) if name in by_id]
    if len(sources) < len(by_id):
        report.drop("sources named by no reviewed claim (never published)", len(by_id) - len(sources))
    order = {identifier: n for n, identifier in enumerate(reviewed)}
    relations = tuple(
        sorted((r for r in public.relations or () if r.from_ in order and r.to in order), key=lambda r: order[r.from_])
    )
    if len(relations) < len(public.relations or ()):
        report.drop("relations to claims without a verification", len(public.relations or ()) - len(relations))
    return {"sources": tuple(sources), "relations": relations or None}


def to_claimreview(document: Document, report: LossReport | None = None, *, record: bool = False) -> list[JSON]:
    """The ClaimReviews of a document: one per current verification of each claim, in order.

    Only what :func:`publishable` keeps is written. With ``record``, each review also
    carries the fragment that gives its claim and assessment back exactly; without
    it, what ClaimReview cannot hold is counted as dropped in ``report``.
    """
    report = report or LossReport(source="claimfmt", target="claimreview")
    public = publishable(document, report)
    if public is None:
        return []
    part = parts_json(public)  # publishable() made the JSON of what it changed: it is not made again
    return list(_reviews(public, ((claim, part(claim)) for claim in public.claims), part, report, record=record))


def _reviews(
    public: Document,
    claims: Iterable[tuple[Claim, JSON]],
    part: Callable[[Any], JSON],
    report: LossReport,
    *,
    record: bool,
) -> Iterator[dict[str, JSON]]:
    """The reviews of ``claims`` (each reviewed, with its JSON) of a document :func:`publishable` made, in order;
    ``public`` holds its other fields (a large document's head, whose claims come one at a time), and ``part``
    gives their JSON (:func:`~claimfmt.structuring.parts_json`)."""
    losses = None if record else _Losses(report)
    # What every fragment of the document repeats, so that any one review reads back alone.
    shared: dict[str, JSON] = {"version": _FRAGMENT_VERSION, "document": public.id}
    article = part(public.article)
    extras = {key: part(value) for key in ("provenance", "extensions") if (value := getattr(public, key)) is not None}
    around = _Around(public)
    scratch = LossReport(source="claimreview", target="claimfmt")  # what reading a review back says: not ours
    for position, (claim, data) in enumerate(claims):
        placed = _published(claim)
        reviews = [_written(public, claim, n, report) for n in placed]
        if losses is not None:
            losses.claim(claim, data, reviews)
        else:
            known = _with_claim(part, claim, data)
            for n, review in zip(placed, reviews, strict=True):
                fragment = {**shared, "claim": claim.id, "position": position, "review": n, "article": article}
                review[RECORD] = {**fragment, **_fragment(around, claim, n, review, known, scratch), **extras}
        yield from reviews
    if losses is not None:
        losses.document(public)


def _with_claim(part: Callable[[Any], JSON], claim: Claim, data: JSON) -> Callable[[Any], JSON]:
    """``part``, knowing also ``claim``'s JSON (``data``) and its verifications': a large document's claim is not
    among the parts of the head ``part`` was made for, and asking ``part`` would unstructure it."""
    held = {id(claim): data}
    held.update(zip(map(id, claim.verifications or ()), data.get("verifications", ()), strict=True))
    return lambda obj: held[id(obj)] if id(obj) in held else part(obj)


_FRAGMENT_VERSION = 2


def _published(claim: Claim) -> list[int]:
    """The places in ``claim.verifications`` of the assessments that stand: the ones that become reviews."""
    current = {id(v) for v in claim.current()}
    return [n for n, v in enumerate(claim.verifications or ()) if id(v) in current]


def _written(document: Document, claim: Claim, n: int, report: LossReport) -> dict[str, JSON]:
    verification = (claim.verifications or ())[n]
    kept = (verification.extensions or {}).get(_FOREIGN)
    if kept is None and len(claim.verifications or ()) == 1:
        kept = (claim.extensions or {}).get(_FOREIGN)  # where a 1.0 import kept it
    return patched(_review(document, claim, verification), kept, report, f"claim {claim.id!r}")


def _named(attribution: Attribution) -> list[str]:
    return [attribution.source, *(v.source for v in attribution.via or ())]


def _chain(claim: Claim, n: int) -> list[int]:
    """The places of the earlier assessments that the one at ``n`` supersedes, directly or not, oldest first."""
    items = claim.verifications or ()
    by_id = {v.id: k for k, v in enumerate(items) if v.id is not None}
    found: list[int] = []
    at: int | None = n
    while at is not None:
        replaced = items[at].supersedes
        at = by_id.get(replaced) if replaced is not None else None
        if at is None or at in found or at == n:
            break
        found.append(at)
    return sorted(found)


class _Around:
    """A document's sources by id and relations by the claim they start from: what each claim's fragment names,
    found without a scan of the document per claim."""

    def __init__(self, document: Document) -> None:
        self.sources = {source.id: n for n, source in enumerate(document.sources)}
        self.document = document
        self.relations: dict[str, list[Relation]] = {}
        for relation in document.relations or ():
            self.relations.setdefault(relation.from_, []).append(relation)


def _fragment(
    around: _Around,
    claim: Claim,
    n: int,
    review: dict[str, JSON],
    part: Callable[[Any], JSON],
    scratch: LossReport,
) -> dict[str, JSON]:
    """What a reader needs, besides this review, to give ``claim`` and its assessment back exactly (``part``
    gives the JSON of a part of the document, :func:`~claimfmt.structuring.parts_json`; ``scratch`` is told
    what reading the review back says)."""
    _, (rebuilt,), _ = _rebuild([review], scratch, fields=False)
    (assessment,) = rebuilt.pop("verifications")
    named = {name for a in claim.attributions for name in _named(a)}
    fragment: dict[str, JSON] = {}
    ours = {key: value for key, value in part(claim).items() if key != "verifications"}
    if patch := diff(ours, rebuilt):
        fragment["patch"] = patch
    if patch := diff(part((claim.verifications or ())[n]), assessment):
        fragment["assessment"] = patch
    if earlier := [[k, part((claim.verifications or ())[k])] for k in _chain(claim, n)]:
        fragment["earlier"] = earlier
    places = sorted(around.sources[name] for name in named if name in around.sources)
    if sources := [part(around.document.sources[k]) for k in places]:
        fragment["sources"] = sources
    if relations := [part(r) for r in around.relations.get(claim.id, ())]:
        fragment["relations"] = relations
    return fragment


class _Losses:
    """What plain ClaimReview did not carry of a publishable document, counted by field as its reviews are made.

    Each claim is compared with what its own reviews give back (two claims of one text would read back as
    one); the article with what any review gives back of it (every review carries the same), the sources
    with those all reviews give back.
    """

    def __init__(self, report: LossReport) -> None:
        self.report = report
        self.article: JSON = None
        self.names: set[JSON] = set()

    def claim(self, claim: Claim, data: JSON, reviews: list[dict[str, JSON]]) -> None:
        again, (back,), _ = _rebuild(reviews, LossReport(source="claimreview", target="claimfmt"))
        if self.article is None:
            self.article = again["article"]
        self.names.update(s.get("name") for s in again["sources"])
        ours = dict(data)
        published = [ours["verifications"][n] for n in _published(claim)]
        if superseded := len(ours.pop("verifications")) - len(published):
            self.report.drop("claims[].verifications[] superseded by a later one (not published)", superseded)
        for verification, given in zip(published, back.pop("verifications"), strict=True):
            _count_fields(verification, given, "claims[].verifications[]", self.report)
        _count_fields(ours, back, "claims[]", self.report)

    def document(self, document: Document) -> None:
        for field in ("relations", "provenance", "extensions"):
            if getattr(document, field) is not None:
                self.report.drop(field)
        _count_fields(unstructure(document.article), self.article or {}, "article", self.report)
        for source in document.sources:
            if source.name not in self.names or source.mentions or source.description:
                self.report.drop("sources (as the document has them)")
                break


def _count_fields(ours: dict[str, JSON], back: dict[str, JSON], field: str, report: LossReport) -> None:
    for key, value in ours.items():
        if key == "id" and field == "claims[]":
            continue
        if key not in back:
            report.drop(f"{field}.{key}")
        elif isinstance(value, dict) and isinstance(back[key], dict):
            _count_fields(value, back[key], f"{field}.{key}", report)
        elif value != back[key] and not (isinstance(value, list) and not value):
            report.drop(f"{field}.{key}")


def from_claimreview(data: JSON) -> tuple[list[Document], LossReport]:
    """Documents from ClaimReview JSON-LD (one review, a list, @graph or a DataFeed), with the report."""
    report = LossReport(source="claimreview", target="claimfmt")
    records = iter([Record(file="<claimreview>", data=data)])
    return [read.document for read in ClaimReview().read_records(records, Options(), report)], report


# --- reading -----------------------------------------------------------------------------------------


def claim_reviews(data: JSON) -> Iterator[dict[str, JSON]]:
    """Every ClaimReview in a JSON-LD value: itself, list items, ``@graph`` members, DataFeed items."""
    if isinstance(data, list):
        for item in data:
            yield from claim_reviews(item)
    elif isinstance(data, dict):
        types = _types(data)
        if types & _REVIEWS:
            yield data
        elif "@graph" in data:
            yield from claim_reviews(data["@graph"])
        elif "DataFeed" in types or "dataFeedElement" in data:
            for element in _as_list(data.get("dataFeedElement")):
                if isinstance(element, dict) and "item" in element and not _types(element) & _REVIEWS:
                    yield from claim_reviews(element["item"])
                else:
                    yield from claim_reviews(element)


def _same_document(first: dict[str, JSON], second: dict[str, JSON]) -> bool:
    """Whether two reviews read as one document: our own of one document, or foreign ones of one claim."""
    a, b = first.get(RECORD), second.get(RECORD)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.get("document") == b.get("document")
    return a is None and b is None and _claim_key(first) == _claim_key(second)


def _claim_key(review: dict[str, JSON]) -> bytes:
    """What says which claim a review is of: its claimReviewed and itemReviewed, as JSON."""
    item = review.get("itemReviewed")
    return jsontext.dumps([review.get("claimReviewed"), item], orjson.OPT_SORT_KEYS, default=str)


def _read_group(group: list[tuple[dict[str, JSON], Origin]], report: LossReport) -> Iterator[Read]:
    reviews = [review for review, _ in group]
    origin = group[0][1]
    fragments = [review.get(RECORD) for review in reviews]
    if all(fragment is not None for fragment in fragments):
        try:
            document = _document(_from_fragments(reviews, fragments, report))
        except (PatchError, DocumentError) as exc:
            what = "the claimfmt record kept in the review"
            set_aside(exc, what, "the claims read from the reviews alone", report, origin)
        else:
            yield Read(document=document, origin=origin)
            return
    rebuilt, claims, places = _rebuild(reviews, report)
    for read in _structured({**rebuilt, "claims": claims}, origin, report):
        if any(fragment is not None for fragment in fragments):
            yield read  # our own reviews, their record set aside: nothing foreign to keep
            continue
        # Foreign reviews: keep on each assessment what the writer would not give back.
        document = read.document
        found = [list(claim.verifications or ()) for claim in document.claims]
        for review, (c, v) in zip(reviews, places, strict=True):
            claim, verification = document.claims[c], found[c][v]
            kept = diff({k: x for k, x in review.items() if k != RECORD}, _review(document, claim, verification))
            if kept:
                for key in (*kept.get("set", {}), *kept.get("in", {})):
                    report.park(f"ClaimReview.{key}")
                found[c][v] = attrs.evolve(verification, extensions={**(verification.extensions or {}), _FOREIGN: kept})
        kept_claims = tuple(attrs.evolve(c, verifications=tuple(found[n])) for n, c in enumerate(document.claims))
        yield Read(document=evolve(document, claims=kept_claims), origin=read.origin)


def _document(data: dict[str, JSON]) -> Document:
    """The document of JSON a record gave: checked as JSON, then built the fast way (the checks are not made
    again on its way to a writer); built the strict way, which names each problem, where anything is amiss."""
    from claimfmt.validation import validate

    issues = validate(data)
    if any(issue.severity is Severity.ERROR for issue in issues):
        return structure(data, Document)
    return trusted(data, issues=issues)


def _from_fragments(reviews: list[dict[str, JSON]], fragments: list[Any], report: LossReport) -> dict[str, JSON]:
    """The publishable document our own reviews came from: each review, with its fragment applied.

    Reviews of one claim make one claim again, with each review's assessment and the
    earlier ones it supersedes. Raises :class:`PatchError` for a fragment that is not
    one of this version.
    """
    for fragment in fragments:
        _check_fragment(fragment)
    pairs = sorted(
        zip(reviews, fragments, strict=True), key=lambda pair: (int(pair[1]["position"]), int(pair[1]["review"]))
    )
    first = pairs[0][1]
    document: dict[str, JSON] = {"claimfmt": CURRENT_VERSION, "id": first["document"], "article": first["article"]}
    sources: dict[str, JSON] = {}
    claims: dict[Any, dict[str, JSON]] = {}
    assessments: dict[Any, dict[int, JSON]] = {}
    relations = []
    for review, fragment in pairs:
        _, (claim,), _ = _rebuild([review], report, fields=False)
        (assessment,) = claim.pop("verifications")
        key = fragment["claim"]
        if key not in claims:
            claims[key] = apply(claim, fragment.get("patch"))
            relations.extend(fragment.get("relations", []))
        found = assessments.setdefault(key, {})
        found[fragment["review"]] = apply(assessment, fragment.get("assessment"))
        for place, earlier in fragment.get("earlier", []):
            found.setdefault(place, earlier)
        for source in fragment.get("sources", []):
            sources.setdefault(source.get("id"), source)
    for key, claim in claims.items():
        claim["verifications"] = [assessments[key][place] for place in sorted(assessments[key])]
    present = {claim.get("id") for claim in claims.values()}
    # A subset of the reviews is still a document: relations to claims not read are left out.
    relations = [r for r in relations if r.get("from") in present and r.get("to") in present]
    document["sources"] = list(sources.values())
    document["claims"] = list(claims.values())
    if relations:
        document["relations"] = relations
    for key in ("provenance", "extensions"):
        if key in first:
            document[key] = first[key]
    return document


def _check_fragment(fragment: Any) -> None:
    if not isinstance(fragment, dict) or fragment.get("version") != _FRAGMENT_VERSION:
        raise PatchError(f"not a version {_FRAGMENT_VERSION} fragment (written by another claimfmt?)")
    if not (isinstance(fragment.get("document"), str) and isinstance(fragment.get("article"), dict)):
        raise PatchError("a fragment names its document and holds its article")
    if not isinstance(fragment.get("claim"), str):
        raise PatchError("a fragment names its claim")
    if type(fragment.get("position")) is not int or type(fragment.get("review")) is not int:
        raise PatchError("a fragment holds its claim's position and its assessment's")
    for key, names in (("sources", ("id",)), ("relations", ("from", "to"))):
        items = fragment.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise PatchError(f"{key} is a list of objects")
        if not all(isinstance(item.get(name), str) for item in items for name in names):
            raise PatchError(f"each of {key} names its {' and '.join(names)}")
    earlier = fragment.get("earlier", [])
    if not isinstance(earlier, list) or not all(
        isinstance(item, list) and len(item) == 2 and type(item[0]) is int and isinstance(item[1], dict)
        for item in earlier
    ):
        raise PatchError("earlier is a list of [place, assessment] pairs")


def _structured(data: dict[str, JSON], origin: Origin, report: LossReport) -> Iterator[Read]:
    try:
        yield Read(document=structure(data, Document), origin=origin)
    except DocumentError as exc:
        for issue in exc.issues:
            report.add(attrs.evolve(issue, message=f"converted document: {issue.message}"), origin)


def _rebuild(
    reviews: list[dict[str, JSON]], report: LossReport, *, fields: bool = True
) -> tuple[dict[str, JSON], list[dict[str, JSON]], list[tuple[int, int]]]:
    """The document fields and claims a reader gets from reviews alone (no claimfmt record applied).

    Reviews of one claim give one claim with a verification each; the third value
    places each review: (claim, verification) indexes. Without ``fields``, the document
    fields are only its sources (for a caller that wants the claims).
    """
    sources: list[dict[str, JSON]] = []
    claims: list[dict[str, JSON]] = []
    seen: dict[bytes, int] = {}
    places = []
    for review in reviews:
        key = _claim_key(review)
        if key in seen:
            verifications = claims[seen[key]]["verifications"]
            verifications.append(_verification(review, report))
            places.append((seen[key], len(verifications) - 1))
            continue
        claim, claim_sources = _claim(review, len(claims) + 1, len(sources), report)
        sources.extend(claim_sources)
        seen[key] = len(claims)
        places.append((len(claims), 0))
        claims.append(claim)
    document = _document_fields(reviews[0], len(reviews) > 1) if fields else {}
    document["sources"] = sources
    return document, claims, places


def _document_fields(review: dict[str, JSON], several: bool) -> dict[str, JSON]:
    record = review.get(RECORD)
    identifier = record.get("document") if isinstance(record, dict) else None
    if not isinstance(identifier, str) or not identifier:
        identifier = review["url"] if _text(review.get("url")) and not several else "claimreview"
    item = review.get("itemReviewed")
    appearance = None
    if isinstance(item, dict):
        for key in ("appearance", "firstAppearance"):
            found = _as_list(item.get(key))
            if found:
                appearance = found[0]
                break
    return {"claimfmt": CURRENT_VERSION, "id": identifier, "article": _article(appearance), "sources": []}


def _article(appearance: JSON) -> dict[str, JSON]:
    if isinstance(appearance, str):
        return {"url": appearance} if _is_uri(appearance) else {}
    if not isinstance(appearance, dict):
        return {}
    article: dict[str, JSON] = {}
    url = appearance.get("url", appearance.get("@id"))
    if _is_uri(url):
        article["url"] = url
    title = appearance.get("headline", appearance.get("name"))
    if _text(title):
        article["title"] = title
    publisher = _name(appearance.get("publisher"))
    if publisher:
        article["publisher"] = publisher
    if _is_date(appearance.get("datePublished")):
        article["published"] = appearance["datePublished"]
    return article


def _claim(
    review: dict[str, JSON], number: int, sources_before: int, report: LossReport
) -> tuple[dict[str, JSON], list[dict[str, JSON]]]:
    item = review.get("itemReviewed")
    item = item if isinstance(item, dict) else {}
    sources: list[dict[str, JSON]] = []
    attributions = []
    for author in _as_list(item.get("author")):
        source = _source(author, f"s{sources_before + len(sources) + 1}")
        if source is not None:
            sources.append(source)
            attributions.append({"source": source["id"], "stance": Stance.ASSERTS.value})
    if "MediaReview" in _types(review):
        text = _media_claim(review, item)
        for creator in _as_list(item.get("creator")):
            source = _source(creator, f"s{sources_before + len(sources) + 1}")
            if source is not None:
                sources.append(source)
                attributions.append({"source": source["id"], "stance": Stance.ASSERTS.value})
    else:
        text = next(
            (t for t in (review.get("claimReviewed"), item.get("name"), item.get("text")) if _text(t)),
            "(no claim text)",
        )
    claim: dict[str, JSON] = {"id": f"c{number}", "text": text, "spans": [], "attributions": attributions}
    if _is_date(item.get("datePublished")):
        claim["date"] = item["datePublished"]
    claim["verifications"] = [_verification(review, report)]
    return claim, sources


def _media_claim(review: dict[str, JSON], item: dict[str, JSON]) -> str:
    """What a MediaReview's media is presented as: the claim it is interpreted as, else the media described."""
    for claim in _as_list(item.get("interpretedAsClaim")):
        if isinstance(claim, dict):
            for key in ("description", "name", "text"):
                if _text(claim.get(key)):
                    return str(claim[key])
    for key in ("name", "description"):
        if _text(item.get(key)):
            return str(item[key])
    for media in _as_list(item.get("mediaItemAppearance")):
        if isinstance(media, dict):
            for key in ("description", "caption", "name", "contentUrl", "embedUrl"):
                if _text(media.get(key)):
                    return f"the media as it appeared: {media[key]}" if key.endswith("Url") else str(media[key])
    if _text(review.get("name")):
        return str(review["name"])
    return "(media reviewed, not described)"


def _source(author: JSON, identifier: str) -> dict[str, JSON] | None:
    if isinstance(author, str):
        return {"id": identifier, "kind": "unknown", "name": author, "anonymous": False} if author else None
    if not isinstance(author, dict):
        return None
    kind = next((_KINDS[t].value for t in _types(author) if t in _KINDS), SourceKind.UNKNOWN.value)
    name = author.get("name") if _text(author.get("name")) else None
    source: dict[str, JSON] = {"id": identifier, "kind": kind, "name": name, "anonymous": name is None}
    if _text(author.get("jobTitle")):
        source["role"] = author["jobTitle"]
    affiliation = _name(author.get("affiliation"))
    if affiliation:
        source["affiliation"] = affiliation
    external = {}
    for same in _as_list(author.get("sameAs")):
        if not isinstance(same, str):
            continue
        match = _WIKIDATA.match(same)
        if match:
            external["wikidata"] = match[1]
        elif _is_uri(same):
            key, n = _site(same), 1
            while key in external:
                n += 1
                key = f"{_site(same)}-{n}"
            external[key] = same
    if external:
        source["external_ids"] = external
    return source


def _site(url: str) -> str:
    """An external-id key for a profile URL: the site's name (``en.wikipedia.org`` -> ``wikipedia``)."""
    host = url.split("/")[2] if url.count("/") >= 2 else url
    labels = [label for label in host.lower().split(".") if label not in {"www", "m", "en", "mobile"}]
    name = re.sub(r"[^a-z0-9_-]", "-", labels[-2] if len(labels) >= 2 else (labels or ["url"])[0])
    return name if re.match(r"^[a-z]", name) else f"site-{name}"


def _verification(review: dict[str, JSON], report: LossReport) -> dict[str, JSON]:
    rating = review.get("reviewRating")
    rating = rating if isinstance(rating, dict) else {}
    numbers = {key: rating.get(key) for key in ("ratingValue", "bestRating", "worstRating")}
    numbers = {k: _number(v) for k, v in numbers.items()}
    label = rating.get("alternateName") if _text(rating.get("alternateName")) else None
    verification: dict[str, JSON] = {"state": State.OTHER.value}
    category = review.get("mediaAuthenticityCategory")
    category = category.get("@id", category.get("name")) if isinstance(category, dict) else category
    if label is None and _text(category):
        label = str(category).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        state = report.label("mediareview", label)
    elif label is None and numbers["ratingValue"] is not None:
        # A number alone is on the reviewer's own scale, which no table can read: state other.
        label = _format_number(numbers["ratingValue"])
        report.adjust("ratings with a number and no label (state other)")
        state = State.OTHER
    elif label is not None:
        state = report.label("textual", label)
    if label is not None:
        verification["state"] = state.value
        verdict: dict[str, JSON] = {"label": label}
        if "MediaReview" in _types(review):
            verdict["scheme"] = "mediareview"
        for key, field in (("ratingValue", "value"), ("bestRating", "best"), ("worstRating", "worst")):
            if numbers[key] is not None:
                verdict[field] = numbers[key]
        verification["verdict"] = verdict
        _check_agreement(state, numbers, label, report)
    assessor = _name(review.get("author"))
    if assessor:
        verification["assessed_by"] = assessor
    if _is_date(review.get("datePublished")):
        verification["assessed_at"] = review["datePublished"]
    if _is_uri(review.get("url")):
        verification["review_url"] = review["url"]
    return verification


def _check_agreement(state: State, numbers: dict[str, int | float | None], label: str, report: LossReport) -> None:
    value = numbers["ratingValue"]
    if value is None or state not in {State.SUPPORTED, State.REFUTED}:
        return
    best = numbers["bestRating"] if numbers["bestRating"] is not None else 5  # schema.org's defaults
    worst = numbers["worstRating"] if numbers["worstRating"] is not None else 1
    if best == worst:
        return
    position = (value - worst) / (best - worst)
    if (state is State.REFUTED and position > 0.5) or (state is State.SUPPORTED and position < 0.5):
        report.warn(
            "rating-disagrees",
            f"rating {_format_number(value)} on [{worst}, {best}] and label {label!r} disagree; both kept",
        )


# --- writing -----------------------------------------------------------------------------------------


def _review(document: Document, claim: Claim, verification: Verification) -> dict[str, JSON]:
    out: dict[str, JSON] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    if verification.review_url is not None:
        out["url"] = verification.review_url
    out["claimReviewed"] = claim.text
    if verification.assessed_at is not None:
        out["datePublished"] = verification.assessed_at
    if verification.assessed_by is not None:
        out["author"] = {"@type": "Organization", "name": verification.assessed_by}
    item: dict[str, JSON] = {"@type": "Claim"}
    authors = []
    for attribution in claim.attributions:
        source = document.source(attribution.source)
        if source is not None and attribution.stance is Stance.ASSERTS:
            authors.append(_author(source))
    if authors:
        item["author"] = authors[0] if len(authors) == 1 else authors
    if claim.date is not None:
        item["datePublished"] = claim.date
    appearance = _appearance(document)
    if appearance:
        item["appearance"] = appearance
    out["itemReviewed"] = item
    rating: dict[str, JSON] = {"@type": "Rating"}
    verdict = verification.verdict
    if verdict is not None:
        if verdict.value is not None:
            rating["ratingValue"] = verdict.value
        if verdict.best is not None:
            rating["bestRating"] = verdict.best
        if verdict.worst is not None:
            rating["worstRating"] = verdict.worst
        rating["alternateName"] = verdict.label
    else:
        rating["alternateName"] = verification.state.value
    out["reviewRating"] = rating
    return out


def _author(source: Source) -> dict[str, JSON]:
    author: dict[str, JSON] = {"@type": _TYPES.get(source.kind, "Thing")}
    if source.name is not None:
        author["name"] = source.name
    if source.role is not None:
        author["jobTitle"] = source.role
    if source.affiliation is not None:
        author["affiliation"] = {"@type": "Organization", "name": source.affiliation}
    same_as = []
    for key, value in (source.external_ids or {}).items():
        if key == "wikidata":
            same_as.append(f"https://www.wikidata.org/wiki/{value}")
        elif _is_uri(value):
            same_as.append(value)
    if same_as:
        author["sameAs"] = same_as[0] if len(same_as) == 1 else same_as
    return author


def _appearance(document: Document) -> dict[str, JSON] | None:
    article = document.article
    appearance: dict[str, JSON] = {"@type": "CreativeWork"}
    if article.url is not None:
        appearance["url"] = article.url
    if article.title is not None:
        appearance["headline"] = article.title
    if article.publisher is not None:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.published is not None:
        appearance["datePublished"] = article.published
    return appearance if len(appearance) > 1 else None


# --- files -------------------------------------------------------------------------------------------


def _records(sources: Iterable[SourceLike], report: LossReport) -> Iterator[Record]:
    """JSON records as usual; from an HTML page (or a text file holding one), its JSON-LD blocks."""
    for source in sources:
        path = Path(source) if isinstance(source, str | os.PathLike) and str(source) != "-" else None
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path is not None and path.is_dir() else [path]
        for file in files:
            if file is not None and file.suffix.lower() in _HTML_SUFFIXES:
                report.records_read += 1
                yield from _script_blocks(file.read_bytes(), str(file))
            elif file is None:
                yield from counted(iter_records(source), report)
            else:
                yield from counted(iter_records(file), report)


class _ScriptBlocks(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[int, str]] = []
        self._inside: int | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        kind = dict(attributes).get("type") or ""
        if tag == "script" and kind.strip().lower() == "application/ld+json":
            self._inside, self._parts = self.getpos()[0], []

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside is not None:
            self.blocks.append((self._inside, "".join(self._parts)))
            self._inside = None


def _script_blocks(data: bytes, name: str) -> Iterator[Record]:
    """The JSON-LD blocks of a page, then the reviews in its microdata and RDFa (with extruct)."""
    text = decode_text(data)
    if isinstance(text, Issue):
        yield Record(file=name, line=text.line, issue=attrs.evolve(text, file=name))
        return
    parser = _ScriptBlocks()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError as exc:  # Python 3.11's html.parser, at a markup declaration it cannot read (<![[)
        line, _ = parser.getpos()
        message = f"the page's HTML cannot be read past line {line} ({exc}); its JSON-LD blocks before it are read"
        yield Record(file=name, line=line, issue=Issue(code="not-convertible", message=message))
    marked = _marked_up(text, name, len(parser.blocks))
    if not parser.blocks and not marked:
        issue = Issue(
            code="not-convertible",
            message='no <script type="application/ld+json"> block, nor microdata or RDFa review, in the page',
        )
        yield Record(file=name, issue=issue)
    for index, (line, text) in enumerate(parser.blocks):
        raw = text.encode()
        try:
            yield Record(file=name, line=line, index=index, data=orjson.loads(raw))
        except orjson.JSONDecodeError as exc:
            issue = decode_issue(raw, exc)
            yield Record(
                file=name, line=line + (issue.line or 1) - 1, index=index, issue=attrs.evolve(issue, line=None)
            )
    yield from marked


_MARKUP = re.compile(r"""(?:itemtype|typeof)\s*=\s*["'][^"']*\b(?:Claim|Media)Review\b""", re.I)
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/")


def _marked_up(page: str, name: str, first: int) -> list[Record]:
    """The reviews a page marks up in microdata or RDFa, as JSON-LD-like objects (extruct reads the markup)."""
    if not _MARKUP.search(page):
        return []
    try:
        import extruct
    except ImportError:
        message = "the page marks up a review in microdata or RDFa: reading it needs pip install 'claimfmt[html]'"
        return [Record(file=name, issue=Issue(code="not-convertible", message=message))]
    try:
        found = extruct.extract(page, syntaxes=["microdata", "rdfa"], uniform=True, errors="strict")
    except Exception as exc:  # lxml and pyRdfa raise many kinds for broken markup
        message = f"the page's microdata or RDFa cannot be read ({type(exc).__name__}: {exc})"
        return [Record(file=name, issue=Issue(code="not-convertible", message=message))]
    items = [item for item in found.get("microdata", []) if _types(item) & _REVIEWS]
    items += _rdfa_reviews(found.get("rdfa", []))
    return [Record(file=name, index=first + n, data=item) for n, item in enumerate(items)]


def _rdfa_reviews(nodes: list[JSON]) -> list[dict[str, JSON]]:
    """The reviews among RDFa's flat, expanded nodes, each nested again with schema.org's short names."""
    by_id = {node["@id"]: node for node in nodes if isinstance(node, dict) and isinstance(node.get("@id"), str)}

    def value(item: JSON, seen: frozenset[str]) -> JSON:
        if not isinstance(item, dict):
            return item
        if "@value" in item:
            return item["@value"]
        identifier = item.get("@id")
        if isinstance(identifier, str) and identifier in by_id and identifier not in seen:
            return nested(by_id[identifier], seen | {identifier})
        return identifier

    def nested(node: dict[str, JSON], seen: frozenset[str]) -> dict[str, JSON]:
        out: dict[str, JSON] = {}
        types = [_SCHEMA_ORG.sub("", t) for t in _as_list(node.get("@type")) if isinstance(t, str)]
        if types:
            out["@type"] = types[0] if len(types) == 1 else types
        if isinstance(node.get("@id"), str) and not node["@id"].startswith("_:"):
            out["@id"] = node["@id"]
        for key, values in node.items():
            if not key.startswith("@"):
                found = [value(v, seen) for v in _as_list(values)]
                out[_SCHEMA_ORG.sub("", key)] = found[0] if len(found) == 1 else found
        return out

    reviews = [node for node in by_id.values() if _types(node) & _REVIEWS]
    return [{"@context": "https://schema.org", **nested(node, frozenset({node["@id"]}))} for node in reviews]


# --- helpers -----------------------------------------------------------------------------------------


def _types(value: JSON) -> set[str]:
    if not isinstance(value, dict):
        return set()
    found = set()
    for name in _as_list(value.get("@type", value.get("type"))):
        if isinstance(name, str):
            found.add(name.rsplit("/", 1)[-1].rsplit(":", 1)[-1])  # "schema:ClaimReview", "http://schema.org/Claim"
    return found


def _name(value: JSON) -> str | None:
    for item in _as_list(value):
        if isinstance(item, str) and item:
            return item
        if isinstance(item, dict):
            for key in ("name", "url", "@id"):
                if _text(item.get(key)):
                    return str(item[key])
    return None


def _format_number(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
