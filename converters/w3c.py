"""W3C Web Annotation (``w3c``), both ways. The mapping is written down in ``docs/w3c.md``.

A document becomes an AnnotationCollection with one embedded AnnotationPage,
and each claim one Annotation: its spans are the targets (TextQuoteSelector and
TextPositionSelector, in code points), its text a ``describing`` TextualBody,
its verification an ``assessing`` one. What W3C has no key for travels in the
terms of the claimfmt JSON-LD context the package ships
(``schema/claimfmt-1.0.context.jsonld``), as JSON literals, so that no W3C
key is ever redefined. Writing is plain JSON: no JSON-LD processor, no network.

Reading takes W3C as real tools write it. Whatever of an annotation, page or
collection the writer would not give back as it was read is kept verbatim
under the ``org.w3.anno:*`` extensions and written back on export; the
reader proves this by writing each object again and keeping what differs.
Annotations that do not target text (images, SVG regions, media fragments)
are reported and kept verbatim, never dropped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import attrs
from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read, readable
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit, detect_units, reanchor
from claimfmt.converters.values import as_list as _as_list
from claimfmt.dates import from_w3c as from_w3c_date
from claimfmt.dates import is_date, to_utc
from claimfmt.issues import DocumentError, Issue
from claimfmt.model import (
    Article,
    Attribution,
    Claim,
    Document,
    Provenance,
    Relation,
    Source,
    Span,
    State,
    Verification,
)
from claimfmt.reading import Record
from claimfmt.structuring import structure, unstructure
from claimfmt.versions import CURRENT_VERSION

__all__ = ["ANNO_CONTEXT", "CLAIMFMT_CONTEXT", "W3C", "from_w3c", "to_w3c"]

JSON = Any

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The IRI of the claimfmt context; its content ships as ``schema/claimfmt-1.0.context.jsonld``.
CLAIMFMT_CONTEXT = "https://claimfmt.org/ns/claimfmt-1.0.jsonld"

# Extension keys (on claims and documents) for what the W3C writer would not give back as read.
_ANNOTATION = "org.w3.anno:annotation"
_COLLECTION = "org.w3.anno:collection"
_PAGE = "org.w3.anno:page"
_SHAPE = "org.w3.anno:shape"
_OTHER = "org.w3.anno:other-items"
_SOURCE = "org.w3.anno:source"
_OURS = "org.w3.anno:"

# Written even where the input lacked them: the output must have them to be W3C, and an id made
# up for a collection that had none must come back the same.
_ALWAYS_WRITTEN = frozenset({"@context", "id", "type", "documentId"})
_STANDARD_CONTAINERS = {"Composite", "List", "Independents"}
_MEDIA_TYPES = {"Image", "Video", "Sound", "Audio"}
_TEXT_SELECTORS = {"TextQuoteSelector", "TextPositionSelector", "RangeSelector", "FragmentSelector"}
_CHAR_FRAGMENT = re.compile(r"^char=(\d+),(\d+)$")
_MEDIA_FRAGMENT = re.compile(r"(^|[#&])(xywh|t|track|id)=")
_LOCAL_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")


class W3C(Converter):
    """W3C Web Annotation JSON-LD: collections, pages or annotations; JSON, arrays or JSONL."""

    name: ClassVar[str] = "w3c"
    summary: ClassVar[str] = "W3C Web Annotation (AnnotationCollection, AnnotationPage, Annotation)"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        group: list[tuple[JSON, Origin]] = []
        group_source: tuple[str, str | None] | None = None
        for data, origin in _rows_of_api_responses(readable(records, report), report):
            kind = _kind(data)
            if kind == "Annotation":
                source = (origin.file, _first_source(data))
                if group and source != group_source:
                    yield from _read_group(group, options, report)
                    group = []
                group.append((data, origin))
                group_source = source
                continue
            if group:
                yield from _read_group(group, options, report)
                group = []
            if kind in {"AnnotationCollection", "AnnotationPage"}:
                document = _Reader(options, report, origin).container(data, kind)
                if document is not None:
                    yield Read(document=document, origin=origin)
            else:
                report.error(
                    "not-convertible",
                    f"not a W3C Annotation, AnnotationPage or AnnotationCollection (type {_types(data) or 'missing'})",
                    origin,
                )
        if group:
            yield from _read_group(group, options, report)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        for document in documents:
            yield from _Writer(document, options, report).values()


def to_w3c(document: Document, options: Options | None = None, report: LossReport | None = None) -> list[JSON]:
    """A document as W3C JSON: one AnnotationCollection (or, for one read from bare annotations, those)."""
    return _Writer(document, options or Options(), report or LossReport(source="claimfmt", target="w3c")).values()


def from_w3c(data: JSON | Sequence[JSON], options: Options | None = None) -> tuple[list[Document], LossReport]:
    """Documents from W3C JSON (a collection, a page, an annotation, or a list of these), with the report."""
    report = LossReport(source="w3c", target="claimfmt")
    items = data if isinstance(data, list) else [data]
    records = iter([Record(file="<w3c>", index=i, data=item) for i, item in enumerate(items)])
    documents = [read.document for read in W3C().read_records(records, options or Options(), report)]
    return documents, report


# --- writing -----------------------------------------------------------------------------------------


class _Writer:
    """W3C JSON for one document."""

    def __init__(self, document: Document, options: Options, report: LossReport) -> None:
        self.document = document
        self.options = options
        self.report = report
        extensions = document.extensions or {}
        self.shape = extensions.get(_SHAPE, "collection")
        if self.shape == "annotation" and not _bare(document):
            self.shape = "collection"  # bare annotations have nowhere to put the rest
        self.cid = collection_id(document)
        article = document.article
        self.article_iri = (article.extensions or {}).get(_SOURCE) or article.url or f"{self.cid}#~article"
        self.offsets = OffsetMap(article.text) if article.text is not None else None

    def values(self) -> list[JSON]:
        items = self.items(standalone=self.shape == "annotation")
        if self.shape == "annotation":
            return items
        if self.shape == "page":
            return [self.page(items, standalone=True)]
        return [self.collection(items)]

    def items(self, *, standalone: bool) -> list[JSON]:
        items = [self.annotation(claim, standalone=standalone) for claim in self.document.claims]
        for other in (self.document.extensions or {}).get(_OTHER, ()):
            items.insert(min(other["index"], len(items)), other["value"])
        return items

    def context(self, uses_ours: bool) -> JSON:
        return [ANNO_CONTEXT, CLAIMFMT_CONTEXT] if uses_ours else ANNO_CONTEXT

    def collection(self, items: list[JSON]) -> JSON:
        document, article = self.document, self.document.article
        out: dict[str, JSON] = {"@context": self.context(True), "id": self.cid, "type": "AnnotationCollection"}
        if article.title:
            out["label"] = article.title
        out["total"] = len(items)
        provenance = document.provenance
        if provenance is not None:
            for key in ("created", "modified"):
                value = getattr(provenance, key)
                if value is not None:
                    out[key] = to_utc(value)
        out["first"] = self.page(items, standalone=False)
        self.document_terms(out)
        return apply_residue(out, (document.extensions or {}).get(_COLLECTION))

    def document_terms(self, out: dict[str, JSON]) -> None:
        """The document's own fields, in the claimfmt terms, on the collection (or a standalone page)."""
        document, article, provenance = self.document, self.document.article, self.document.provenance
        out["claimfmt"] = document.claimfmt
        if document.id != self.cid:
            out["documentId"] = document.id
        out["article"] = unstructure(article)
        if document.sources:
            out["sources"] = [unstructure(source) for source in document.sources]
        if document.relations is not None:
            out["relations"] = [unstructure(relation) for relation in document.relations]
        if provenance is not None:
            out["provenance"] = unstructure(provenance)
        extensions = _own_extensions(document.extensions)
        if extensions is not None:
            out["extensions"] = extensions

    def page(self, items: list[JSON], *, standalone: bool) -> JSON:
        out: dict[str, JSON] = {}
        if standalone:
            out["@context"] = self.context(True)
        out["id"] = self.cid if standalone else f"{self.cid}#~page1"
        out["type"] = "AnnotationPage"
        out["startIndex"] = 0
        out["items"] = items
        if standalone:
            self.document_terms(out)
        return apply_residue(out, (self.document.extensions or {}).get(_PAGE))

    def annotation(self, claim: Claim, *, standalone: bool) -> JSON:
        out: dict[str, JSON] = {}
        ours: dict[str, JSON] = {}
        if claim.date is not None:
            ours["claimDate"] = claim.date
        if claim.confidence is not None:
            ours["confidence"] = claim.confidence
        if claim.attributions:
            ours["attributions"] = [unstructure(a) for a in claim.attributions]
        extensions = _own_extensions(claim.extensions)
        if extensions is not None:
            ours["extensions"] = extensions
        bodies: list[JSON] = [{"type": "TextualBody", "purpose": "describing", "value": claim.text}]
        if claim.verification is not None:
            bodies.append(self.assessment(claim.verification))
        if standalone:
            out["@context"] = self.context(bool(ours) or claim.verification is not None)
        out["id"] = f"{self.cid}#{claim.id}"
        out["type"] = "Annotation"
        out["body"] = _scalar(bodies)
        targets = [self.target(span) for span in claim.spans]
        out["target"] = _scalar(targets) if targets else self.article_iri
        out.update(ours)
        return apply_residue(out, (claim.extensions or {}).get(_ANNOTATION))

    def assessment(self, verification: Verification) -> JSON:
        verdict = verification.verdict
        out: dict[str, JSON] = {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": verdict.label if verdict is not None else verification.state.value,
            "verificationState": verification.state.value,
        }
        data = unstructure(verification)
        for key, term in _VERIFICATION_TERMS.items():
            if key in data:
                out[term] = data[key]
        return out

    def target(self, span: Span) -> JSON:
        quote: dict[str, JSON] = {"type": "TextQuoteSelector", "exact": span.exact}
        if span.prefix is not None:
            quote["prefix"] = span.prefix
        if span.suffix is not None:
            quote["suffix"] = span.suffix
        selectors: list[JSON] = [quote]
        if span.start is not None and span.end is not None:
            position = self.position(span.start, span.end)
            if position is not None:
                selectors.append({"type": "TextPositionSelector", "start": position[0], "end": position[1]})
        out: dict[str, JSON] = {"type": "SpecificResource", "source": self.article_iri, "selector": _scalar(selectors)}
        if self.document.article.published is not None:
            out["state"] = {"type": "TimeState", "sourceDate": to_utc(self.document.article.published)}
        return out

    def position(self, start: int, end: int) -> tuple[int, int] | None:
        unit = self.options.offset_unit or Unit.CODEPOINT
        if unit is Unit.CODEPOINT:
            return start, end
        if self.offsets is None:
            self.report.drop(f"span offsets in {unit.value} (the text is not known)")
            return None
        try:
            return self.offsets.from_codepoints(start, unit), self.offsets.from_codepoints(end, unit)
        except OffsetError:
            self.report.drop(f"span offsets in {unit.value} (outside the text)")
            return None


# claimfmt verification key -> term of the claimfmt context on an ``assessing`` body.
_VERIFICATION_TERMS = {
    "verdict": "verdict",
    "assessed_by": "assessedBy",
    "assessed_at": "assessedAt",
    "review_url": "reviewUrl",
    "rationale": "rationale",
    "evidence": "evidence",
    "history": "history",
    "extensions": "extensions",
}


def _bare(document: Document) -> bool:
    """True when bare annotations carry the whole document: a page's claims and nothing else."""
    article = document.article
    iri = (article.extensions or {}).get(_SOURCE) or article.url
    plain = Article(url=article.url, published=article.published, extensions=article.extensions)
    return (
        bool(document.claims or (document.extensions or {}).get(_OTHER))
        # The article date travels in the targets' TimeState: every claim needs a span to carry it.
        and (article.published is None or all(_carries_date(claim, article.published) for claim in document.claims))
        and article == plain
        and set(article.extensions or {}) <= {_SOURCE}
        and document.id == iri
        and not document.sources
        and document.relations is None
        and document.provenance is None
        and not _own_extensions(document.extensions)
    )


def _carries_date(claim: Claim, published: str) -> bool:
    """True when the claim's annotation gives back the article date: its target as read, or spans in UTC."""
    kept = (claim.extensions or {}).get(_ANNOTATION) or {}
    return "target" in kept.get("keys", {}) or (bool(claim.spans) and to_utc(published) == published)


def collection_id(document: Document) -> str:
    """The collection IRI: the document id where it is an absolute IRI of its own, else a name-based UUID URN."""
    doc_id = document.id
    if "#" not in doc_id and doc_id != document.article.url and validate_rfc3986(doc_id, rule="URI"):
        return doc_id
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'claimfmt:' + doc_id)}"


def apply_residue(out: dict[str, JSON], residue: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """Write back what was read verbatim: kept keys replace what the writer made, absent ones go."""
    if residue:
        for key in residue.get("absent", ()):
            out.pop(key, None)
        out.update(residue.get("keys", {}))
    return out


def _own_extensions(extensions: Mapping[str, JSON] | None) -> dict[str, JSON] | None:
    """Extensions to write under our term: None when there are none of the user's own to write."""
    if extensions is None:
        return None
    own = {k: v for k, v in extensions.items() if not k.startswith(_OURS)}
    # An empty object the user wrote is kept; one left empty by taking ours out is not.
    return own if own or not extensions else None


def _scalar(values: list[JSON]) -> JSON:
    return values[0] if len(values) == 1 else values


# --- reading -----------------------------------------------------------------------------------------


def _types(value: JSON) -> set[str]:
    if not isinstance(value, dict):
        return set()
    return {t for t in _as_list(value.get("type", value.get("@type"))) if isinstance(t, str)}


def _rows_of_api_responses(items: Iterator[tuple[JSON, Origin]], report: LossReport) -> Iterator[tuple[JSON, Origin]]:
    """Values as read; a Hypothes.is search response (``{"total": N, "rows": [...]}``) as its rows.

    Its rows are annotations (``target`` with TextQuote and TextPosition selectors), the
    most common W3C-like export there is; read as an untyped collection, the response
    would be an empty document.
    """
    for data, origin in items:
        if isinstance(data, dict) and not _types(data) and isinstance(data.get("rows"), list) and "total" in data:
            report.warn(
                "non-standard",
                f"a Hypothes.is API response: its {len(data['rows'])} rows are read as annotations",
                origin,
            )
            for key in data:
                if key not in {"total", "rows"}:
                    report.drop(f"API response.{key}")
            report.drop("API response.total (a count, not data)")
            for index, row in enumerate(data["rows"]):
                yield row, attrs.evolve(origin, index=index)
        else:
            yield data, origin


def _kind(data: JSON) -> str | None:
    types = _types(data)
    for kind in ("Annotation", "AnnotationPage", "AnnotationCollection"):
        if kind in types:
            return kind
    if not isinstance(data, dict) or types:
        return None
    # No type at all: tell by the keys each kind must have.
    if "target" in data:
        return "Annotation"
    if "items" in data:
        return "AnnotationPage"
    if "first" in data or "total" in data:
        return "AnnotationCollection"
    return None


def _iri(value: JSON) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        ident = value.get("id", value.get("@id"))
        return ident if isinstance(ident, str) else None
    return None


def _first_source(annotation: JSON) -> str | None:
    for target in _as_list(annotation.get("target")):
        if isinstance(target, dict) and "source" in target:
            return _iri(target["source"])
        if _types(target) & _STANDARD_CONTAINERS:
            for item in _as_list(target.get("items")):
                source = _iri(item.get("source")) if isinstance(item, dict) and "source" in item else _iri(item)
                if source:
                    return source
        iri = _iri(target)
        if iri:
            return iri
    return None


def normalise(value: JSON) -> JSON:
    """JSON with one-element arrays unwrapped, everywhere: W3C allows a single value either way."""
    if isinstance(value, list):
        return normalise(value[0]) if len(value) == 1 else [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def residue(original: Mapping[str, JSON], written: Mapping[str, JSON], *, skip: Iterable[str] = ()) -> JSON:
    """What the writer does not give back: keys to keep verbatim, and keys to leave out."""
    skipped = set(skip)
    keys = {
        k: v
        for k, v in original.items()
        if k not in skipped and (k not in written or (v != written[k] and normalise(v) != normalise(written[k])))
    }
    absent = sorted(k for k in written if k not in original and k not in skipped and k not in _ALWAYS_WRITTEN)
    found: dict[str, JSON] = {}
    if keys:
        found["keys"] = keys
    if absent:
        found["absent"] = absent
    return found or None


@attrs.define
class _Draft:
    """An annotation read, before the document around it is complete."""

    raw: JSON
    claim: Claim | None  # None: kept verbatim (not text, or nothing to make a claim of)
    index: int
    standalone: bool


def _read_group(group: list[tuple[JSON, Origin]], options: Options, report: LossReport) -> Iterator[Read]:
    reader = _Reader(options, report, group[0][1])
    document = reader.annotations(group)
    if document is not None:
        yield Read(document=document, origin=group[0][1])


class _Reader:
    """Documents from W3C JSON, with what the writer would not give back kept as residue."""

    def __init__(self, options: Options, report: LossReport, origin: Origin) -> None:
        self.options = options
        self.report = report
        self.origin = origin
        self.text: str | None = None
        self.offsets: OffsetMap | None = None
        self.published: str | None = None
        self.unit = options.offset_unit or Unit.CODEPOINT
        self.article_iri: str | None = None
        self.used_ids: set[str] = set()

    # Containers -------------------------------------------------------------------------------------

    def container(self, data: dict[str, JSON], kind: str) -> Document | None:
        try:
            base = self.collection_fields(data)
        except DocumentError as exc:
            for issue in exc.issues:
                self.report.add(issue, self.origin)
            return None
        if base.get("article") is not None and base["article"].text is not None:
            self.text = base["article"].text
            self.offsets = OffsetMap(self.text)
        if kind == "AnnotationCollection":
            page = data.get("first")
            page_pointer = "/first"
        else:
            page, page_pointer = data, ""
        raw_items = page.get("items", []) if isinstance(page, dict) else []
        self.detect_unit(_as_list(raw_items))
        drafts = [
            self.annotation(item, i, f"{page_pointer}/items/{i}", standalone=False, origin=self.origin)
            for i, item in enumerate(_as_list(raw_items))
        ]
        identifier = _iri(data) or f"w3c-{self.origin.index or 0}"
        document = self.build(
            base, drafts, identifier, shape="collection" if kind == "AnnotationCollection" else "page"
        )
        if document is None:
            return None
        writer = _Writer(document, self.options, LossReport(source="claimfmt", target="w3c"))
        extensions = dict(document.extensions or {})
        # The items were compared one by one in build(); here only their number matters.
        items: list[JSON] = [None] * (len(document.claims) + len(extensions.get(_OTHER, ())))
        if kind == "AnnotationCollection":
            written = writer.collection(items)
            embedded = isinstance(page, dict)
            kept = residue(data, written, skip=("first",) if embedded else ())
            if kept:
                extensions[_COLLECTION] = kept
            if isinstance(page, dict):
                page_kept = residue(page, written["first"], skip=("items",))
                if page_kept:
                    extensions[_PAGE] = page_kept
        else:
            written = writer.page(items, standalone=True)
            kept = residue(data, written, skip=("items",))
            if kept:
                extensions[_PAGE] = kept
        for key in (kept or {}).get("keys", {}):
            self.report.park(f"{kind}.{key}")
        return attrs.evolve(document, extensions=extensions if extensions or document.extensions is not None else None)

    def collection_fields(self, data: dict[str, JSON]) -> dict[str, Any]:
        """The document fields a collection carries: our terms where present, else W3C's own."""
        fields: dict[str, Any] = {}
        issues: list[Issue] = []
        single: tuple[tuple[str, type], ...] = (("article", Article), ("provenance", Provenance))
        for term, cls in single:
            if term in data:
                try:
                    fields[term] = structure(data[term], cls)
                except DocumentError as exc:
                    issues.extend(i.at(f"/{term}") for i in exc.issues)
        several: tuple[tuple[str, type], ...] = (("sources", Source), ("relations", Relation))
        for term, cls in several:
            if term in data:
                values: list[Any] = []
                for i, item in enumerate(_as_list(data[term])):
                    try:
                        values.append(structure(item, cls))
                    except DocumentError as exc:
                        issues.extend(issue.at(f"/{term}/{i}") for issue in exc.issues)
                fields[term] = tuple(values)
        if issues:
            raise DocumentError(issues)
        if isinstance(data.get("documentId"), str):
            fields["id"] = data["documentId"]
        if _is_extensions(data.get("extensions")):
            fields["extensions"] = data["extensions"]
        if "provenance" not in fields:
            dates = {key: from_w3c_date(data.get(key)) for key in ("created", "modified")}
            if any(dates.values()):
                fields["provenance"] = Provenance(created=dates["created"], modified=dates["modified"])
        return fields

    def annotations(self, group: list[tuple[JSON, Origin]]) -> Document | None:
        drafts = [self.annotation(raw, i, "", standalone=True, origin=origin) for i, (raw, origin) in enumerate(group)]
        source = _first_source(group[0][0])
        if self.article_iri is None:
            self.article_iri = source  # nothing targets text: the article is what they target
        return self.build({}, drafts, source or f"w3c-{group[0][1].index or 0}", shape="annotation")

    def build(self, base: dict[str, Any], drafts: list[_Draft], identifier: str, shape: str) -> Document | None:
        article = base.get("article")
        if article is None:
            url = self.article_iri
            fields: dict[str, Any] = {"published": self.published}
            if url is not None:
                if validate_rfc3986(url, rule="URI"):
                    fields["url"] = url
                else:
                    fields["extensions"] = {_SOURCE: url}
            article = Article(**fields)
        extensions = dict(base.get("extensions") or {})
        if shape != "collection":
            extensions[_SHAPE] = shape
        others = [{"index": d.index, "value": d.raw} for d in drafts if d.claim is None]
        if others:
            extensions[_OTHER] = others
        claims = [d.claim for d in drafts if d.claim is not None]
        document = Document(
            claimfmt=CURRENT_VERSION,
            id=base.get("id", identifier),
            article=article,
            sources=base.get("sources", ()),
            claims=tuple(claims),
            relations=base.get("relations"),
            provenance=base.get("provenance"),
            extensions=extensions if extensions or "extensions" in base else None,
        )
        # Now that the document around them is known, keep what the writer would not give back.
        writer = _Writer(document, self.options, LossReport(source="claimfmt", target="w3c"))
        finished = []
        for draft in drafts:
            if draft.claim is None:
                continue
            written = writer.annotation(draft.claim, standalone=draft.standalone)
            kept = residue(draft.raw, written)
            claim = draft.claim
            if kept:
                claim = attrs.evolve(claim, extensions={**(claim.extensions or {}), _ANNOTATION: kept})
                for key in kept.get("keys", {}):
                    self.report.park(f"Annotation.{key}")
            finished.append(claim)
        return attrs.evolve(document, claims=tuple(finished))

    # Annotations ------------------------------------------------------------------------------------

    def annotation(self, raw: JSON, index: int, pointer: str, *, standalone: bool, origin: Origin) -> _Draft:
        draft = _Draft(raw=raw, claim=None, index=index, standalone=standalone)
        label = _iri(raw) or f"#{index}"
        if not isinstance(raw, dict):
            self.report.warn(
                "unsupported-annotation", f"annotation {label} is not embedded; kept verbatim", origin, pointer
            )
            return draft
        targets = self.targets(raw, pointer, origin)
        spans: list[Span] = []
        text_target = False
        for target in targets:
            kind, span = self.target(target, pointer, origin, label)
            if kind == "media":
                continue
            text_target = True
            if span is not None:
                spans.append(span)
        if not text_target:
            self.report.warn(
                "unsupported-target",
                f"annotation {label} does not target text (an image, SVG region or media fragment); kept verbatim",
                origin,
                pointer,
            )
            return draft
        bodies = self.bodies(raw)
        text = self.claim_text(bodies, spans)
        if text is None:
            self.report.warn(
                "unsupported-annotation",
                f"annotation {label} has no text to make a claim of (no textual body, no quote); kept verbatim",
                origin,
                pointer,
            )
            return draft
        try:
            claim = Claim(
                id=self.local_id(raw, index),
                text=text,
                spans=tuple(spans),
                date=raw["claimDate"] if is_date(raw.get("claimDate")) else None,
                attributions=tuple(self.structured(raw, "attributions", Attribution, pointer)),
                verification=self.verification(bodies, pointer),
                confidence=raw["confidence"] if _is_fraction(raw.get("confidence")) else None,
                extensions=raw["extensions"] if _is_extensions(raw.get("extensions")) else None,
            )
        except DocumentError as exc:
            for issue in exc.issues:
                self.report.add(issue, origin)
            return draft
        draft.claim = claim
        return draft

    def structured(self, raw: dict[str, JSON], term: str, cls: type, pointer: str) -> list[Any]:
        values: list[Any] = []
        issues: list[Issue] = []
        for i, item in enumerate(_as_list(raw.get(term))):
            try:
                values.append(structure(item, cls))
            except DocumentError as exc:
                issues.extend(issue.at(f"{pointer}/{term}/{i}") for issue in exc.issues)
        if issues:
            raise DocumentError(issues)
        return values

    def detect_unit(self, annotations: list[JSON]) -> None:
        """Where the text is known and no unit was given, take the unit under which the quotes match."""
        if self.text is None or self.options.offset_unit is not None:
            return
        echoed = []
        for annotation in annotations:
            if not isinstance(annotation, dict):
                continue
            for target in _as_list(annotation.get("target")):
                found = _Selection()
                for selector in _as_list(target.get("selector")) if isinstance(target, dict) else ():
                    found.merge(_select(selector))
                if found.exact is not None and found.start is not None and found.end is not None:
                    echoed.append((found.start, found.end, found.exact))
        text = self.text
        if all(text[start:end] == quote for start, end, quote in echoed):
            return  # code points, as claimfmt counts: the common case, checked without building any table
        units = detect_units(text, echoed, candidates=(Unit.UTF16, Unit.UTF8, Unit.GRAPHEME))
        if units:
            self.unit = units[0]
            self.report.warn(
                "offset-unit-detected",
                f"offsets count {self.unit.value}, not code points: the quotes match only so; converted",
                self.origin,
            )

    def targets(self, raw: dict[str, JSON], pointer: str, origin: Origin) -> list[JSON]:
        targets = []
        for target in _as_list(raw.get("target")):
            container = _types(target) & _STANDARD_CONTAINERS
            if container:
                self.report.warn(
                    "non-standard",
                    f"{min(container)} is not part of the W3C Recommendation (Appendix D); its items were read",
                    origin,
                    pointer + "/target",
                )
                targets.extend(_as_list(target.get("items")))
            else:
                targets.append(target)
        return targets

    def target(self, target: JSON, pointer: str, origin: Origin, label: str) -> tuple[str, Span | None]:
        """("text" | "media", the span it gives or None)."""
        if isinstance(target, str):
            if _MEDIA_FRAGMENT.search(target.partition("#")[2]):
                return "media", None
            self.note_source(target)
            return "text", None
        if not isinstance(target, dict):
            return "media", None
        source = target.get("source")
        if source is None:
            # An external resource with properties, not a SpecificResource.
            if _types(target) & _MEDIA_TYPES or str(target.get("format", "")).startswith(
                ("image/", "video/", "audio/")
            ):
                return "media", None
            self.note_source(_iri(target))
            return "text", None
        if _types(source) & _MEDIA_TYPES or str(_get(source, "format") or "").startswith(
            ("image/", "video/", "audio/")
        ):
            return "media", None
        self.note_source(_iri(source))
        for state in _as_list(target.get("state")):
            while isinstance(state, dict):
                if "TimeState" in _types(state) and self.published is None:
                    self.published = from_w3c_date(state.get("sourceDate"))
                state = state.get("refinedBy")
        selectors = _as_list(target.get("selector"))
        if not selectors:
            return "text", None
        found = _Selection()
        for selector in selectors:
            found.merge(_select(selector))
        if found.media and not found.textual:
            return "media", None
        return "text", self.span(found, label, origin, pointer)

    def note_source(self, iri: str | None) -> None:
        if self.article_iri is None and iri:
            self.article_iri = iri

    def span(self, found: _Selection, label: str, origin: Origin, pointer: str) -> Span | None:
        unit = self.unit
        start, end, exact = found.start, found.end, found.exact
        if self.offsets is not None and (exact is not None or start is not None):
            if exact is None and start is not None and end is not None:
                try:
                    exact = self.offsets.quote(start, end, unit)
                    start, end = self.offsets.to_codepoints(start, unit), self.offsets.to_codepoints(end, unit)
                except OffsetError:
                    exact = None
            elif exact is not None and start is not None:
                anchor = reanchor(self.offsets, start, end, exact, unit)
                if anchor is None:
                    self.report.warn(
                        "quote-not-anchored",
                        f"annotation {label}: quote not in the text; the span keeps its quote only",
                        origin,
                        pointer,
                    )
                    start = end = None
                else:
                    if anchor.moved:
                        self.report.warn("span-reanchored", f"annotation {label}: {anchor.note}", origin, pointer)
                    elif unit is not Unit.CODEPOINT:
                        self.report.adjust(f"offsets converted from {unit.value}")
                    start, end = anchor.start, anchor.end
        elif unit is not Unit.CODEPOINT and start is not None:
            self.report.adjust(f"offsets in {unit.value} left out (the text is not known)")
            start = end = None
        if not exact:
            return None
        if start is None or end is None:
            start = end = None
        return Span(start=start, end=end, exact=exact, prefix=found.prefix, suffix=found.suffix)

    def bodies(self, raw: dict[str, JSON]) -> list[JSON]:
        bodies: list[JSON] = []
        for body in _as_list(raw.get("body")):
            if "Choice" in _types(body):
                bodies.extend(_as_list(body.get("items")))  # in order: the first is the preferred one
            else:
                bodies.append(body)
        if isinstance(raw.get("bodyValue"), str):
            bodies.append({"type": "TextualBody", "value": raw["bodyValue"]})
        return bodies

    def claim_text(self, bodies: list[JSON], spans: list[Span]) -> str | None:
        """A describing body is the claim; failing one, the quote; failing that, a comment."""
        textual = [b for b in bodies if isinstance(b, dict) and isinstance(b.get("value"), str) and b["value"]]
        for body in textual:
            if "describing" in _as_list(body.get("purpose")):
                return str(body["value"])
        if spans:
            return spans[0].exact
        for body in textual:
            purposes = set(_as_list(body.get("purpose")))
            if not purposes & {"tagging", "assessing", "classifying", "linking", "identifying"}:
                return str(body["value"])
        return None

    def verification(self, bodies: list[JSON], pointer: str) -> Verification | None:
        for body in bodies:
            if not isinstance(body, dict) or "assessing" not in _as_list(body.get("purpose")):
                continue
            data: dict[str, JSON] = {}
            state = body.get("verificationState")
            data["state"] = state if isinstance(state, str) and state in State._value2member_map_ else State.OTHER.value
            for key, term in _VERIFICATION_TERMS.items():
                if term in body:
                    data[key] = body[term]
            if "verdict" not in data and isinstance(body.get("value"), str) and state is None:
                data["verdict"] = {"label": body["value"]}
            try:
                return structure(data, Verification)
            except DocumentError as exc:
                raise DocumentError([i.at(f"{pointer}/body") for i in exc.issues]) from None
        return None

    def local_id(self, raw: dict[str, JSON], index: int) -> str:
        iri = _iri(raw) or ""
        candidate = iri.rpartition("#")[2] if "#" in iri else iri.rstrip("/").rpartition("/")[2]
        candidate = (
            candidate.removeprefix("urn:uuid:").rpartition(":")[2] if candidate.startswith("urn:") else candidate
        )
        candidate = re.sub(r"[^A-Za-z0-9_.:-]", "-", candidate)[:200]
        if not candidate or not _LOCAL_ID.match(candidate):
            candidate = f"a{index + 1}" if not candidate else f"a-{candidate}"
        if not iri:
            self.report.adjust("annotation id made up (the annotation had none)")
        unique, n = candidate, 1
        while unique in self.used_ids:
            n += 1
            unique = f"{candidate}-{n}"
        self.used_ids.add(unique)
        return unique


@attrs.define
class _Selection:
    """What a target's selectors, taken together as alternatives, say about the text."""

    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    textual: bool = False
    media: bool = False

    def merge(self, other: _Selection) -> None:
        for field in ("exact", "prefix", "suffix", "start", "end"):
            if getattr(self, field) is None:
                setattr(self, field, getattr(other, field))
        self.textual |= other.textual
        self.media |= other.media


def _select(selector: JSON) -> _Selection:
    """What one selector (with its refinedBy chain) says; positions of refinements add to char= fragments."""
    found = _Selection()
    if not isinstance(selector, dict):
        return found
    types = _types(selector)
    if "TextQuoteSelector" in types and isinstance(selector.get("exact"), str):
        found.textual = True
        found.exact = selector["exact"]
        found.prefix = selector.get("prefix") if isinstance(selector.get("prefix"), str) else None
        found.suffix = selector.get("suffix") if isinstance(selector.get("suffix"), str) else None
    elif "TextPositionSelector" in types:
        found.textual = True
        found.start, found.end = _int(selector.get("start")), _int(selector.get("end"))
    elif "RangeSelector" in types:
        first, last = _select(selector.get("startSelector")), _select(selector.get("endSelector"))
        found.textual = first.textual or last.textual
        # The range runs from the start of the first selection to the start of the second, excluded.
        if first.start is not None and last.start is not None:
            found.start, found.end = first.start, last.start
    elif "FragmentSelector" in types:
        value = str(selector.get("value", ""))
        match = _CHAR_FRAGMENT.match(value)
        if match:
            found.textual = True
            found.start, found.end = int(match[1]), int(match[2])
        elif _MEDIA_FRAGMENT.search(value):
            found.media = True
        else:
            found.textual = True  # an XPointer or an id in a text document
    elif "SvgSelector" in types:
        found.media = True
    else:
        found.textual = bool(types & _TEXT_SELECTORS) or bool(types & {"XPathSelector", "CssSelector"})
    refined = selector.get("refinedBy")
    if isinstance(refined, dict):
        inner = _select(refined)
        offset = found.start if found.start is not None and found.exact is None else None
        found.exact, found.prefix, found.suffix = inner.exact, inner.prefix, inner.suffix
        if inner.start is not None and inner.end is not None and offset is not None:
            found.start, found.end = offset + inner.start, offset + inner.end
        elif inner.start is not None or inner.exact is not None:
            found.start, found.end = None, None
        found.textual |= inner.textual
        found.media |= inner.media
    return found


# Our terms as others may write them: a value that is not what claimfmt allows is left to the
# residue (kept verbatim), rather than made into a document that fails validation.
_EXTENSION_KEY = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+:[A-Za-z0-9_.:/-]+$")


def _is_fraction(value: JSON) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _is_extensions(value: JSON) -> bool:
    return isinstance(value, dict) and all(_EXTENSION_KEY.match(key) for key in value)


def _int(value: JSON) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _get(value: JSON, key: str) -> JSON:
    return value.get(key) if isinstance(value, dict) else None
