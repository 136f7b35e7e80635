"""W3C JSON for a claimfmt document: a collection (or a page, or bare annotations, as it was read)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping

from claimfmt import writing
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit
from claimfmt.converters.values import is_uri
from claimfmt.converters.w3c.terms import (
    _ANNOTATION,
    _COLLECTION,
    _OTHER,
    _PAGE,
    _SHAPE,
    _SOURCE,
    _VERIFICATION_TERMS,
    ANNO_CONTEXT,
    CLAIMFMT_CONTEXT,
    JSON,
    MADE_UP_ID,
    _own_extensions,
    _scalar,
)
from claimfmt.dates import to_utc
from claimfmt.model import Article, Document
from claimfmt.structuring import claim_by_claim

_ANNOTATION_HERE: JSON = object()  # where an annotation goes among the items kept from reading


class _Writer:
    """W3C JSON for one document."""

    def __init__(
        self,
        document: Document,
        options: Options,
        report: LossReport,
        *,
        bare: bool | None = None,
        text: str | None = None,
        stream: bool = False,
        claims: Iterable[dict[str, JSON]] | None = None,
        count: int = 0,
    ) -> None:
        """``bare`` says whether bare annotations may carry the document (None: work it out); ``text`` is the
        article's text to count offsets in where the document carries none (it was withheld); ``stream`` lets a
        page of many items be written as they are made. ``claims`` (``count`` of them, their JSON) stand for the
        document's where they come one at a time from a large file (``claimfmt.large``, gone through once), or
        where publishing renamed their sources in the JSON (the writer takes each claim from its JSON, never from
        the model: then ``document`` may be its head alone, with no claims)."""
        self.document = document
        # The document's JSON: its parts go into our terms as they are. Where the document holds none (a large
        # one, read part by part), each claim's is made as its annotation is, not all at once.
        self.json, held = claim_by_claim(document)
        self.claims = held if claims is None else claims
        self.count = (len(held) if isinstance(held, list) else len(document.claims)) if claims is None else count
        self.stream = stream
        self.options = options
        self.report = report
        extensions = document.extensions or {}
        self.shape = extensions.get(_SHAPE, "collection")
        if self.shape == "annotation" and bare is None:
            self.claims = list(self.claims)  # looked at here, then written: bare annotations are never many
            bare = _bare(document, self.claims)
        if self.shape == "annotation" and not bare:
            self.shape = "collection"  # bare annotations have nowhere to put the rest
        self.cid = collection_id(document)
        article = document.article
        self.article_iri = (article.extensions or {}).get(_SOURCE) or article.url or f"{self.cid}#~article"
        text = article.text if article.text is not None else text
        self.offsets = OffsetMap(text) if text is not None else None
        #: The article's date as each target's TimeState gives it (made once: every span has one).
        self.source_date = to_utc(article.published) if article.published is not None else None
        #: The annotation each claim became, in order (where ``--record`` puts the claim's fragment).
        self.annotations: list[dict[str, JSON]] = []

    def values(self) -> list[JSON]:
        if self.shape == "annotation":
            return self.items(standalone=True)
        if self.streamed():
            # The page's items are written one at a time as they are made, not held as a whole.
            if self.shape == "page":
                return [writing.Streamed(head=self.page([], standalone=True), at=("items",), items=self.each())]
            total = self.count + len((self.document.extensions or {}).get(_OTHER, ()))
            return [writing.Streamed(head=self.collection([], total=total), at=("first", "items"), items=self.each())]
        items = self.items(standalone=False)
        if self.shape == "page":
            return [self.page(items, standalone=True)]
        return [self.collection(items)]

    def streamed(self) -> bool:
        """Whether the page's items are written as they come: many claims, made one at a time (not held), nothing
        read verbatim."""
        extensions = self.document.extensions or {}
        return (
            self.stream
            and not isinstance(self.claims, list)
            and self.count > writing.STREAMED_CLAIMS
            and not extensions.get(_COLLECTION)
            and not extensions.get(_PAGE)
        )

    def items(self, *, standalone: bool) -> list[JSON]:
        self.annotations = [self.annotation(data, standalone=standalone) for data in self.claims]
        return list(self.placed(iter(self.annotations)))

    def each(self) -> Iterator[JSON]:
        """The page's items made one at a time (the annotations are not kept: nothing is recorded on them)."""
        return self.placed(self.annotation(data, standalone=False) for data in self.claims)

    def placed(self, annotations: Iterator[JSON]) -> Iterator[JSON]:
        """The annotations with the items that are not annotations (kept from reading) put back in their places."""
        others = (self.document.extensions or {}).get(_OTHER, ())
        if not others:
            yield from annotations
            return
        # Each was inserted where it was, in turn: its place is known once all are, so they are placed first.
        slots: list[JSON] = [_ANNOTATION_HERE] * self.count
        for other in others:
            slots.insert(min(other["index"], len(slots)), other["value"])
        for slot in slots:
            yield next(annotations) if slot is _ANNOTATION_HERE else slot

    def context(self, uses_ours: bool) -> JSON:
        return [ANNO_CONTEXT, CLAIMFMT_CONTEXT] if uses_ours else ANNO_CONTEXT

    def collection(self, items: list[JSON], *, total: int | None = None) -> JSON:
        """The collection, its first page holding ``items`` (``total`` of them, where they are written apart)."""
        document, article = self.document, self.document.article
        out: dict[str, JSON] = {"@context": self.context(True), "id": self.cid, "type": "AnnotationCollection"}
        if article.title:
            out["label"] = article.title
        out["total"] = len(items) if total is None else total
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
        document, provenance = self.document, self.document.provenance
        out["claimfmt"] = document.claimfmt
        if document.id != self.cid:
            out["documentId"] = document.id
        out["article"] = self.json["article"]
        if document.sources:
            out["sources"] = self.json["sources"]
        if document.relations is not None:
            out["relations"] = self.json["relations"]
        if provenance is not None:
            out["provenance"] = self.json["provenance"]
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

    def annotation(self, data: dict[str, JSON], *, standalone: bool) -> JSON:
        """The annotation of a claim, from its JSON (the model is not needed: a claim read from claimfmt need not
        be built)."""
        out: dict[str, JSON] = {}
        ours: dict[str, JSON] = {}
        if "date" in data:
            ours["claimDate"] = data["date"]
        if "confidence" in data:
            ours["confidence"] = data["confidence"]
        if data["attributions"]:
            ours["attributions"] = data["attributions"]
        extensions = _own_extensions(data.get("extensions"))
        if extensions is not None:
            ours["extensions"] = extensions
        bodies: list[JSON] = [{"type": "TextualBody", "purpose": "describing", "value": data["text"]}]
        # One assessing body per verification: concurrent reviews and revisions alike.
        verifications = data.get("verifications", ())
        bodies.extend(self.assessment(verification) for verification in verifications)
        spans = data["spans"]
        if standalone:
            uses_ours = bool(ours) or bool(verifications) or any("extensions" in span for span in spans)
            out["@context"] = self.context(uses_ours)
        out["id"] = f"{self.cid}#{data['id']}"
        out["type"] = "Annotation"
        out["body"] = _scalar(bodies)
        targets = [self.target(span) for span in spans]
        out["target"] = _scalar(targets) if targets else self.article_iri
        out.update(ours)
        return apply_residue(out, (data.get("extensions") or {}).get(_ANNOTATION))

    def assessment(self, data: dict[str, JSON]) -> JSON:
        verdict = data.get("verdict")
        out: dict[str, JSON] = {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": verdict["label"] if verdict is not None else data["state"],
            "verificationState": data["state"],
        }
        for key, term in _VERIFICATION_TERMS.items():
            if key in data:
                out[term] = data[key]
        return out

    def target(self, span: dict[str, JSON]) -> JSON:
        quote: dict[str, JSON] = {"type": "TextQuoteSelector", "exact": span["exact"]}
        if "prefix" in span:
            quote["prefix"] = span["prefix"]
        if "suffix" in span:
            quote["suffix"] = span["suffix"]
        selectors: list[JSON] = [quote]
        if "start" in span and "end" in span:
            position = self.position(span["start"], span["end"])
            if position is not None:
                selectors.append({"type": "TextPositionSelector", "start": position[0], "end": position[1]})
        out: dict[str, JSON] = {"type": "SpecificResource", "source": self.article_iri, "selector": _scalar(selectors)}
        if self.source_date is not None:
            out["state"] = {"type": "TimeState", "sourceDate": self.source_date}
        if "extensions" in span:
            out["extensions"] = dict(span["extensions"])
        return out

    def position(self, start: int, end: int) -> tuple[int, int] | None:
        unit = self.options.offset_unit or Unit.CODEPOINT
        if unit is Unit.CODEPOINT:
            # A selector's offsets are integers in W3C's model: one a document's JSON writes 3.0 is written 3.
            return (start, end) if type(start) is int and type(end) is int else (int(start), int(end))
        if self.offsets is None:
            self.report.drop(f"span offsets in {unit.value} (the text is not known)")
            return None
        try:
            return self.offsets.from_codepoints(start, unit), self.offsets.from_codepoints(end, unit)
        except OffsetError:
            self.report.drop(f"span offsets in {unit.value} (outside the text)")
            return None


def _bare(document: Document, claims: list[JSON]) -> bool:
    """True when bare annotations carry the whole document: a page's claims (their JSON, ``claims``; ``document``
    may be its head alone) and nothing else."""
    article = document.article
    iri = (article.extensions or {}).get(_SOURCE) or article.url
    plain = Article(url=article.url, published=article.published, extensions=article.extensions)
    return (
        bool(claims or (document.extensions or {}).get(_OTHER))
        # The article date travels in the targets' TimeState: every claim needs a span to carry it.
        and (article.published is None or all(_carries_date(claim, article.published) for claim in claims))
        and article == plain
        and set(article.extensions or {}) <= {_SOURCE}
        # The id the reader made up where nothing named the article (a selection with no source) is no IRI.
        and (document.id == iri or (iri is None and MADE_UP_ID.match(document.id) is not None))
        and not document.sources
        and document.relations is None
        and document.provenance is None
        and not _own_extensions(document.extensions)
    )


def _carries_date(claim: JSON, published: str) -> bool:
    """True when the claim's annotation (``claim``, its JSON) gives back the article date: its target as read, or
    spans in UTC."""
    kept = (claim.get("extensions") or {}).get(_ANNOTATION) or {}
    return "target" in kept.get("keys", {}) or (bool(claim["spans"]) and to_utc(published) == published)


def collection_id(document: Document) -> str:
    """The collection IRI: the document id where it is an absolute IRI of its own, else a name-based UUID URN."""
    doc_id = document.id
    if "#" not in doc_id and doc_id != document.article.url and is_uri(doc_id):
        return doc_id
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'claimfmt:' + doc_id)}"


def apply_residue(out: dict[str, JSON], residue: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """Write back what was read verbatim: kept keys replace what the writer made, absent ones go."""
    if residue:
        for key in residue.get("absent", ()):
            out.pop(key, None)
        out.update(residue.get("keys", {}))
    return out
