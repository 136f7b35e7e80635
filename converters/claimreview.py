"""schema.org ClaimReview JSON-LD (``claimreview``), both ways.

Writing: each claim with a verification becomes a ClaimReview. ``claimReviewed`` is
the claim text; ``itemReviewed`` is a Claim whose ``author`` is each source that
asserts it (name, ``jobTitle`` from the role, affiliation, ``sameAs`` from external
ids) and whose ``appearance`` is the article (url, headline, publisher, date).
``reviewRating`` carries the verdict verbatim. The review's ``author`` is the
assessor, ``url`` the review URL and ``datePublished`` the assessment date.

What ClaimReview cannot carry (spans, cues, hedges, commitment, relations, claims
nobody reviewed...) travels in one key, ``https://claimfmt.org/ns/1.0#record``:
exact patches from what a reader gets back from the ClaimReview alone to the
claim and the document. claimfmt -> ClaimReview -> claimfmt is therefore the
identity, while a consumer that ignores the key still reads a plain ClaimReview.

Reading takes ClaimReview as found in real markup: ``@type`` arrays,
``itemReviewed`` as a Claim or a CreativeWork, appearances as URLs or objects,
authors as strings, objects or arrays, ``@graph``, the ``DataFeed`` wrapper, and
HTML pages (their ``<script type="application/ld+json">`` blocks). Each foreign
review becomes a document with one claim. What the writer would not give back is
kept under ``org.schema:claimreview`` on the claim and written back.
"""

from __future__ import annotations

import html.parser
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import orjson

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read, counted, patched, readable
from claimfmt.converters.patches import PatchError, apply, diff
from claimfmt.converters.values import as_list as _as_list
from claimfmt.converters.values import is_date as _is_date
from claimfmt.converters.values import is_portable
from claimfmt.converters.values import is_text as _text
from claimfmt.converters.values import is_uri as _is_uri
from claimfmt.issues import DocumentError, Issue
from claimfmt.model import Claim, Document, Source, SourceKind, Stance, State
from claimfmt.reading import Record, SourceLike, decode_issue, decode_text, iter_records
from claimfmt.structuring import structure, unstructure
from claimfmt.versions import CURRENT_VERSION

__all__ = ["ClaimReview", "from_claimreview", "to_claimreview"]

JSON = Any
#: The one key our own reviews carry what ClaimReview cannot.
RECORD = "https://claimfmt.org/ns/1.0#record"
_FOREIGN = "org.schema:claimreview"
_HTML_SUFFIXES = {".html", ".htm", ".txt", ".xhtml"}
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
            yield from to_claimreview(document, report)


def to_claimreview(document: Document, report: LossReport | None = None) -> list[JSON]:
    """The ClaimReviews of a document: one per claim with a verification, in order."""
    report = report or LossReport(source="claimfmt", target="claimreview")
    reviewed = [claim for claim in document.claims if claim.verification is not None]
    if not reviewed:
        report.drop("documents with no verified claim (ClaimReview reviews claims)")
        return []
    reviews = [
        patched(_review(document, claim), (claim.extensions or {}).get(_FOREIGN), report, f"claim {claim.id!r}")
        for claim in reviewed
    ]
    rebuilt, claims = _rebuild(reviews, LossReport(source="claimreview", target="claimfmt"))
    original = unstructure(document)
    unreviewed = [
        {"index": i, "claim": data}
        for i, (claim, data) in enumerate(zip(document.claims, original.pop("claims"), strict=True))
        if claim.verification is None
    ]
    for n, (claim, review) in enumerate(zip(reviewed, reviews, strict=True)):
        record: dict[str, JSON] = {"document": document.id}
        patch = diff(unstructure(claim), claims[n])
        if patch:
            record["claim"] = patch
        if n == 0:
            patch = diff(original, rebuilt)
            if patch:
                record["patch"] = patch
            if unreviewed:
                record["unreviewed"] = unreviewed
        review[RECORD] = record
    return reviews


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
        if "ClaimReview" in types:
            yield data
        elif "@graph" in data:
            yield from claim_reviews(data["@graph"])
        elif "DataFeed" in types or "dataFeedElement" in data:
            for element in _as_list(data.get("dataFeedElement")):
                if isinstance(element, dict) and "item" in element and "ClaimReview" not in _types(element):
                    yield from claim_reviews(element["item"])
                else:
                    yield from claim_reviews(element)


def _same_document(first: dict[str, JSON], second: dict[str, JSON]) -> bool:
    a, b = first.get(RECORD), second.get(RECORD)
    return isinstance(a, dict) and isinstance(b, dict) and a.get("document") == b.get("document")


def _read_group(group: list[tuple[dict[str, JSON], Origin]], report: LossReport) -> Iterator[Read]:
    reviews = [review for review, _ in group]
    origin = group[0][1]
    ours = [review.get(RECORD) for review in reviews]
    rebuilt, claims = _rebuild(reviews, report)
    records = [record for record in ours if isinstance(record, dict)]
    if len(records) == len(reviews):
        try:
            document = structure(_with_records(rebuilt, claims, records), Document)
        except (PatchError, DocumentError) as exc:
            reason = exc.issues[0].format() if isinstance(exc, DocumentError) and exc.issues else str(exc)
            report.warn(
                "record-invalid",
                f"the claimfmt record kept in the review does not fit ({reason}); "
                "it was set aside and the claims read from the reviews alone",
                origin,
            )
        else:
            yield Read(document=document, origin=origin)
            return
    if len(reviews) > 1:
        yield from _structured({**rebuilt, "claims": claims}, origin, report)
        return
    # A foreign review (only our own are ever grouped): keep what the writer would not give back.
    (review,) = reviews
    for read in _structured({**rebuilt, "claims": claims}, origin, report):
        document = read.document
        kept = diff({k: v for k, v in review.items() if k != RECORD}, _review(document, document.claims[0]))
        if kept:
            for key in (*kept.get("set", {}), *kept.get("in", {})):
                report.park(f"ClaimReview.{key}")
            claim = document.claims[0]
            claim = attrs.evolve(claim, extensions={**(claim.extensions or {}), _FOREIGN: kept})
            document = attrs.evolve(document, claims=(claim,))
        yield Read(document=document, origin=read.origin)


def _with_records(
    rebuilt: dict[str, JSON], claims: list[dict[str, JSON]], records: list[dict[str, JSON]]
) -> dict[str, JSON]:
    """The document our own reviews were written from: what they say, with the records they carry applied."""
    claims = [apply(claim, record.get("claim")) for claim, record in zip(claims, records, strict=True)]
    unreviewed = records[0].get("unreviewed", [])
    if not isinstance(unreviewed, list) or not all(
        isinstance(item, dict) and type(item.get("index")) is int and isinstance(item.get("claim"), dict)
        for item in unreviewed
    ):
        raise PatchError("unreviewed is a list of {index, claim} objects")
    for item in sorted(unreviewed, key=lambda item: int(item["index"])):
        claims.insert(item["index"], item["claim"])
    return apply({**rebuilt, "claims": claims}, records[0].get("patch"))


def _structured(data: dict[str, JSON], origin: Origin, report: LossReport) -> Iterator[Read]:
    try:
        yield Read(document=structure(data, Document), origin=origin)
    except DocumentError as exc:
        for issue in exc.issues:
            report.add(attrs.evolve(issue, message=f"converted document: {issue.message}"), origin)


def _rebuild(reviews: list[dict[str, JSON]], report: LossReport) -> tuple[dict[str, JSON], list[dict[str, JSON]]]:
    """The document fields and claims a reader gets from reviews alone (no claimfmt record applied)."""
    sources: list[dict[str, JSON]] = []
    claims = []
    for n, review in enumerate(reviews):
        claim, claim_sources = _claim(review, n + 1, len(sources), report)
        sources.extend(claim_sources)
        claims.append(claim)
    document = _document_fields(reviews[0], len(reviews) > 1)
    document["sources"] = sources
    return document, claims


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
    text = next(
        (t for t in (review.get("claimReviewed"), item.get("name"), item.get("text")) if _text(t)), "(no claim text)"
    )
    claim: dict[str, JSON] = {"id": f"c{number}", "text": text, "spans": [], "attributions": attributions}
    if _is_date(item.get("datePublished")):
        claim["date"] = item["datePublished"]
    claim["verification"] = _verification(review, report)
    return claim, sources


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
    if label is None and numbers["ratingValue"] is not None:
        # A number alone is on the reviewer's own scale, which no table can read: state other.
        label = _format_number(numbers["ratingValue"])
        report.adjust("ratings with a number and no label (state other)")
        state = State.OTHER
    elif label is not None:
        state = report.label("textual", label)
    if label is not None:
        verification["state"] = state.value
        verdict: dict[str, JSON] = {"label": label}
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


def _review(document: Document, claim: Claim) -> dict[str, JSON]:
    verification = claim.verification
    assert verification is not None
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
    text = decode_text(data)
    if isinstance(text, Issue):
        yield Record(file=name, line=text.line, issue=attrs.evolve(text, file=name))
        return
    parser = _ScriptBlocks()
    parser.feed(text)
    parser.close()
    if not parser.blocks:
        issue = Issue(code="not-convertible", message='no <script type="application/ld+json"> block in the page')
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


def _number(value: JSON) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        if not is_portable(number):
            return None
        return int(number) if number.is_integer() and "." not in value and is_portable(int(number)) else number
    return None


def _format_number(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
