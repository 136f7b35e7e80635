"""claimfmt documents from W3C JSON as real tools write it, with what the writer would not give back kept."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import orjson

from claimfmt.converters import remainder
from claimfmt.converters.base import LossReport, Options, Origin, Read, readable
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit, detect_units
from claimfmt.converters.values import as_list as _as_list
from claimfmt.converters.values import is_uri
from claimfmt.converters.w3c.selectors import _MEDIA_FRAGMENT, _select, _Selection
from claimfmt.converters.w3c.terms import (
    _ALWAYS_WRITTEN,
    _ANNOTATION,
    _COLLECTION,
    _OTHER,
    _PAGE,
    _SHAPE,
    _SOURCE,
    _VERIFICATION_TERMS,
    JSON,
    RECORD_TERM,
    _get,
    _iri,
    _is_extensions,
    _is_fraction,
    _types,
    normalise,
)
from claimfmt.converters.w3c.writer import _Writer
from claimfmt.dates import from_w3c as from_w3c_date
from claimfmt.dates import is_date
from claimfmt.issues import DocumentError, Issue
from claimfmt.jsontext import loads_at
from claimfmt.large import WINDOW
from claimfmt.mapped import hand_back, mapped
from claimfmt.model import (
    Article,
    Attribution,
    Document,
    Provenance,
    Relation,
    Source,
    State,
    Verification,
)
from claimfmt.reading import Record
from claimfmt.structuring import deferred, json_copy, structure_valid, structure_valid_json, unstructure
from claimfmt.versions import CURRENT_VERSION, attribution_from_1_0, verifications_from_1_0

_STANDARD_CONTAINERS = {"Composite", "List", "Independents"}
_MEDIA_TYPES = {"Image", "Video", "Sound", "Audio"}
_LOCAL_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
_NONE = object()  # no record (None is a value a damaged record may have)


def read(records: Iterator[Record], options: Options, report: LossReport, *, text: str | None = None) -> Iterator[Read]:
    """Documents from W3C records: collections and pages one each, a run of annotations on one source one.

    ``text`` is the article's text where a container carries none: ``--record`` reads its own public annotations
    back with it, as a reader does with the text the record gives, so that offsets are counted alike."""
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
            document = _Reader(options, report, origin, text=text).container(data, kind)
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


def residue(
    original: Mapping[str, JSON],
    written: Mapping[str, JSON],
    *,
    skip: Iterable[str] = (),
    always: frozenset[str] = _ALWAYS_WRITTEN,
) -> JSON:
    """What the writer does not give back: keys to keep verbatim, and keys to leave out.

    ``always`` are the keys the writer writes even where the input lacked them.
    """
    skipped = set(skip)
    keys = {
        k: v
        for k, v in original.items()
        if k not in skipped and (k not in written or (v != written[k] and normalise(v) != normalise(written[k])))
    }
    absent = sorted(k for k in written if k not in original and k not in skipped and k not in always)
    found: dict[str, JSON] = {}
    if keys:
        found["keys"] = keys
    if absent:
        found["absent"] = absent
    return found or None


@attrs.define
class _Draft:
    """An annotation read, before the document around it is complete."""

    raw: JSON  # the annotation without its record, or (a large file's) its bytes: see value()
    claim: dict[str, JSON] | None  # the claim's JSON; None: kept verbatim (not text, or nothing to make a claim of)
    index: int
    standalone: bool
    record: JSON = _NONE  # the claim's fragment of a claimfmt record (``--record``), if it carries one

    def value(self) -> JSON:
        """The annotation as read, without its record; parsed again where the draft kept only its bytes."""
        return _without_record(self.raw.parsed())[0] if isinstance(self.raw, _Unparsed) else self.raw


def _decoded(raw: Any, kind: Any) -> Any:
    """A large file's part split as msgspec's ``kind`` says (raising its ValidationError where it is not that)."""
    import msgspec

    if raw is None:
        raise msgspec.ValidationError("absent")
    return msgspec.json.decode(raw, type=kind)


def _parsed(parts: dict[str, Any], lazy: str, value: Any, depth: int) -> dict[str, JSON]:
    """A large file's object of raw parts at ``depth``, parsed in its order, but the part ``lazy``, which is
    ``value``."""
    return {key: value if key == lazy else loads_at(bytes(raw), depth) for key, raw in parts.items()}


def _without_record(raw: JSON) -> tuple[JSON, JSON]:
    """An annotation without the claimfmt record's fragment it carries (``--record``), and the fragment."""
    if isinstance(raw, dict) and RECORD_TERM in raw:
        return {key: value for key, value in raw.items() if key != RECORD_TERM}, raw[RECORD_TERM]
    return raw, _NONE


@attrs.frozen
class _Unparsed:
    """An annotation's bytes: a view of a large file's mapping (a ``msgspec.Raw``), at ``depth`` in the file."""

    raw: Any
    depth: int

    def parsed(self) -> JSON:
        return loads_at(bytes(self.raw), self.depth)


@attrs.frozen
class _LargeItems:
    """A large file's annotations, each parsed as it is reached and then forgotten; the pages of the file
    looked at handed back to the system as they go (see :mod:`claimfmt.large`)."""

    data: memoryview  # the mapped file
    raws: list[Any]  # each annotation's bytes (msgspec.Raw), views of data
    depth: int  # the arrays and objects each is inside, in the file (for orjson's limit of levels)

    def __len__(self) -> int:
        return len(self.raws)

    def __iter__(self) -> Iterator[JSON]:
        for number, raw in enumerate(self.raws, start=1):
            yield loads_at(bytes(raw), self.depth)
            if not number % WINDOW:
                self.hand_back()

    def unparsed(self, index: int) -> _Unparsed:
        return _Unparsed(self.raws[index], self.depth)

    def hand_back(self) -> None:
        hand_back(self.data)


def read_large(path: str | os.PathLike[str], options: Options, report: LossReport) -> list[Read] | None:
    """The document of the one collection or page a large W3C file holds, its annotations parsed one at a time
    (up to four times: to know it is JSON as orjson reads it, to tell the offsets' unit, to read it, to keep what
    the writer would not give back), never all held at once; None to read the file whole, as any other (it holds
    an array, an annotation, a container without an id or whose items are not an embedded array, or is not JSON
    as orjson reads it whole, which reading it whole reports)."""
    import msgspec  # only for large files

    with mapped(Path(path)) as data:
        try:
            parts = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
            types = _types({key: loads_at(bytes(parts[key]), 1) for key in ("type", "@type") if key in parts})
            if "Annotation" in types or not types & {"AnnotationCollection", "AnnotationPage"}:
                return None
            kind = "AnnotationPage" if "AnnotationPage" in types else "AnnotationCollection"
            # A page's items; a collection's first page's (a collection with items of its own is read whole).
            page_parts = parts if kind == "AnnotationPage" else _decoded(parts.get("first"), dict[str, msgspec.Raw])
            # An annotation's depth in the file: inside the items, the page (and the collection).
            depth = 2 if kind == "AnnotationPage" else 3
            items = _LargeItems(data, _decoded(page_parts.get("items"), list[msgspec.Raw]), depth)
            page = _parsed(page_parts, "items", items, depth - 1)
            head = page if kind == "AnnotationPage" else _parsed(parts, "first", page, 1)
            if "items" in head and head is not page:
                return None
            # msgspec splits without reading strings and numbers as orjson does: each annotation is parsed once
            # first, so that a file orjson would refuse whole is read whole, and refused as it was.
            for _ in items:
                pass
        except (msgspec.DecodeError, msgspec.ValidationError, orjson.JSONDecodeError, RecursionError):
            return None
        if _iri(head) is None:  # its made-up id is the whole container's digest
            return None
        del parts, page_parts
        hand_back(data)  # every page was read to find the parts
        report.records_read += 1
        origin = report.current = Origin(file=str(path), index=0)  # where reading it whole places it
        try:
            document = _Reader(options, report, origin).container(head, kind)
        finally:
            items.raws.clear()  # views of the mapped file, which goes when they do
    return [] if document is None else [Read(document=document, origin=origin)]


def _read_group(group: list[tuple[JSON, Origin]], options: Options, report: LossReport) -> Iterator[Read]:
    reader = _Reader(options, report, group[0][1])
    document = reader.annotations(group)
    if document is not None:
        yield Read(document=document, origin=group[0][1])


class _Reader:
    """Documents from W3C JSON, with what the writer would not give back kept as residue."""

    def __init__(self, options: Options, report: LossReport, origin: Origin, *, text: str | None = None) -> None:
        self.options = options
        #: The article's text where a container carries none (and no record gives it): see :func:`read`.
        self.given_text = text
        self.report = report
        self.origin = origin
        self.text: str | None = None
        self.offsets: OffsetMap | None = None
        self.published: str | None = None
        self.unit = options.offset_unit or Unit.CODEPOINT
        self.article_iri: str | None = None
        self.used_ids: set[str] = set()
        #: Claim id -> its fragment of the claimfmt record, from the annotations that carry one.
        self.fragments: dict[str, JSON] = {}
        #: What each target's selectors say, by the target's identity: worked out once, when the unit is detected.
        self.selections: dict[int, _Selection] = {}
        #: A large file's annotations, read one at a time (read_large).
        self.large: _LargeItems | None = None

    # Containers -------------------------------------------------------------------------------------

    def container(self, data: dict[str, JSON], kind: str) -> Document | None:
        record = data.get(RECORD_TERM, _NONE)
        if record is not _NONE:
            data = {key: value for key, value in data.items() if key != RECORD_TERM}
        try:
            base = self.collection_fields(data)
        except DocumentError as exc:
            for issue in exc.issues:
                self.report.add(issue, self.origin)
            return None
        text = base["article"].text if base.get("article") is not None else None
        if text is None and record is not _NONE:
            text = remainder.article_text(record)  # --record keeps the text out of the public fields
        if text is None:
            text = self.given_text
        if text is not None:
            self.text = text
            self.offsets = OffsetMap(text)
        if kind == "AnnotationCollection":
            page = data.get("first")
            page_pointer = "/first"
        else:
            page, page_pointer = data, ""
        raw_items = page.get("items", []) if isinstance(page, dict) else []
        large = raw_items if isinstance(raw_items, _LargeItems) else None
        annotations = large if large is not None else _as_list(raw_items)
        self.detect_unit(annotations, remember=large is None)
        drafts = []
        for i, item in enumerate(annotations):
            draft = self.annotation(item, i, f"{page_pointer}/items/{i}", standalone=False, origin=self.origin)
            if large is not None:  # the parsed annotation goes: parsed again where it is needed
                draft.raw = large.unparsed(i)
            drafts.append(draft)
        self.large = large
        identifier = _iri(data) or made_up_id(data)
        writer, document = self.build(
            base, drafts, identifier, shape="collection" if kind == "AnnotationCollection" else "page"
        )
        head = writer.document
        extensions = dict(head.extensions or {})
        # Relations dropped for naming a deleted annotation's claim are an edit, not something to write back.
        stale = ("relations",) if len(head.relations or ()) < len(base.get("relations") or ()) else ()
        # The items were compared one by one in build(); here only their number matters.
        items: list[JSON] = [None] * (len(document["claims"]) + len(extensions.get(_OTHER, ())))
        if kind == "AnnotationCollection":
            written = writer.collection(items)
            embedded = isinstance(page, dict)
            kept = residue(data, written, skip=("first", *stale) if embedded else stale)
            if kept:
                extensions[_COLLECTION] = kept
            if isinstance(page, dict):
                page_kept = residue(page, written["first"], skip=("items",))
                if page_kept:
                    extensions[_PAGE] = page_kept
        else:
            written = writer.page(items, standalone=True)
            kept = residue(data, written, skip=("items", *stale))
            if kept:
                extensions[_PAGE] = kept
        for key in (kept or {}).get("keys", {}):
            self.report.park(f"{kind}.{key}")
        document = {key: value for key, value in document.items() if key != "extensions"}
        if extensions or head.extensions is not None:
            document["extensions"] = json_copy(extensions)  # the last field: where unstructure puts it too
        # Built when first asked for: written to claimfmt, the document needs only its JSON.
        return self.restored(deferred(document), record)

    def restored(self, document: Document, record: JSON) -> Document:
        """The document with the claimfmt record it carries applied (``--record``): the container's part and
        the claims' fragments, each from its own annotation (so a deleted annotation takes its fragment along)."""
        if record is _NONE and not self.fragments:
            return document
        if record is _NONE:
            record = {"v": remainder.VERSION}
        if self.fragments and isinstance(record, dict) and isinstance(record.get("claims", {}), dict):
            record = {**record, "claims": {**record.get("claims", {}), **self.fragments}}
        return remainder.restore(document, record, self.report, self.origin)

    def collection_fields(self, data: dict[str, JSON]) -> dict[str, Any]:
        """The document fields a collection carries: our terms where present, else W3C's own."""
        fields: dict[str, Any] = {}
        issues: list[Issue] = []
        single: tuple[tuple[str, type], ...] = (("article", Article), ("provenance", Provenance))
        for term, cls in single:
            if term in data:
                try:
                    fields[term] = structure_valid(data[term], cls)
                except DocumentError as exc:
                    issues.extend(i.at(f"/{term}") for i in exc.issues)
        several: tuple[tuple[str, type], ...] = (("sources", Source), ("relations", Relation))
        for term, cls in several:
            if term in data:
                values: list[Any] = []
                for i, item in enumerate(_as_list(data[term])):
                    try:
                        values.append(structure_valid(item, cls))
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
        _, document = self.build({}, drafts, source or made_up_id(group[0][0]), shape="annotation")
        return self.restored(deferred(document), _NONE)

    def build(
        self, base: dict[str, Any], drafts: list[_Draft], identifier: str, shape: str
    ) -> tuple[_Writer, dict[str, JSON]]:
        """The document of ``drafts`` and the collection's fields (``base``): a writer of its head (the document
        without claims, built) and its JSON, claims included (whose models are never built here)."""
        article = base.get("article")
        if article is None:
            url = self.article_iri
            fields: dict[str, Any] = {"published": self.published}
            if url is not None:
                if is_uri(url):
                    fields["url"] = url
                else:
                    fields["extensions"] = {_SOURCE: url}
            article = Article(**fields)
        extensions = dict(base.get("extensions") or {})
        if shape != "collection":
            extensions[_SHAPE] = shape
        others = [{"index": d.index, "value": d.value()} for d in drafts if d.claim is None]
        if others:
            extensions[_OTHER] = others
        head = Document(
            claimfmt=CURRENT_VERSION,
            id=base.get("id", identifier),
            article=article,
            sources=base.get("sources", ()),
            claims=(),
            relations=base.get("relations"),
            provenance=base.get("provenance"),
            extensions=extensions if extensions or "extensions" in base else None,
        )
        # Now that the document around them is known, keep what the writer would not give back.
        claims = [d.claim for d in drafts if d.claim is not None]
        writer = _Writer(head, self.options, LossReport(source="claimfmt", target="w3c"), claims=claims)
        finished = []
        for number, draft in enumerate(drafts, start=1):
            if self.large is not None and not number % WINDOW:
                self.large.hand_back()
            if draft.claim is not None:
                finished.append(self.finished(draft, draft.claim, writer))
        relations = self.relations(head.relations, finished)
        data = {**writer.json, "claims": finished}
        if relations != head.relations:
            head = attrs.evolve(head, relations=relations)
            data["relations"] = unstructure(relations)
            writer = _Writer(head, self.options, LossReport(source="claimfmt", target="w3c"), claims=[])
        return writer, data

    def finished(self, draft: _Draft, data: dict[str, JSON], writer: _Writer) -> dict[str, JSON]:
        """An annotation's claim (``data``, its JSON) with what ``writer`` (the document's) would not give back of
        the annotation kept, and its record's fragment noted."""
        written = writer.annotation(data, standalone=draft.standalone)
        # A bare annotation read without @context, type or id is given back without them: its shape is
        # the input's (the reader makes up the same claim id again).
        kept = residue(draft.value(), written, always=frozenset() if draft.standalone else _ALWAYS_WRITTEN)
        if draft.record is not _NONE:
            self.fragments[data["id"]] = draft.record
        if kept:
            # The last field: where unstructure puts it too.
            data = {**data, "extensions": {**(data.get("extensions") or {}), _ANNOTATION: kept}}
            for key in kept.get("keys", {}):
                self.report.park(f"Annotation.{key}")
        return _copied(data)

    def relations(
        self, relations: tuple[Relation, ...] | None, claims: list[dict[str, JSON]]
    ) -> tuple[Relation, ...] | None:
        """The relations of our term whose claims are still annotations (a server may have deleted one)."""
        if not relations:
            return relations
        present = {claim["id"] for claim in claims}
        kept = tuple(r for r in relations if r.from_ in present and r.to in present)
        for relation in relations:
            if relation not in kept:
                self.report.warn(
                    "record-stale",
                    f"relation {relation.from_!r} -> {relation.to!r} names a claim no longer annotated: dropped",
                    self.origin,
                )
        return kept

    # Annotations ------------------------------------------------------------------------------------

    def annotation(self, raw: JSON, index: int, pointer: str, *, standalone: bool, origin: Origin) -> _Draft:
        raw, record = _without_record(raw)
        draft = _Draft(raw=raw, claim=None, index=index, standalone=standalone, record=record)
        label = _iri(raw) or f"#{index}"
        if not isinstance(raw, dict):
            self.report.warn(
                "unsupported-annotation", f"annotation {label} is not embedded; kept verbatim", origin, pointer
            )
            return draft
        targets = self.targets(raw, pointer, origin)
        spans: list[dict[str, JSON]] = []
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
        # The claim's JSON, as unstructuring its model would give it (keys in its order): the model is built only
        # where something asks for it (structuring.deferred), and writing claimfmt never does.
        try:
            claim: dict[str, JSON] = {
                "id": self.local_id(raw, index),
                "text": text,
                "spans": spans,
                "attributions": self.structured(raw, "attributions", Attribution, pointer),
            }
            if is_date(raw.get("claimDate")):
                claim["date"] = raw["claimDate"]
            verifications = self.verifications(bodies, pointer)
        except DocumentError as exc:
            for issue in exc.issues:
                self.report.add(issue, origin)
            return draft
        if verifications:
            claim["verifications"] = verifications
        if _is_fraction(raw.get("confidence")):
            claim["confidence"] = raw["confidence"]
        if _is_extensions(raw.get("extensions")):
            claim["extensions"] = raw["extensions"]  # copied once compared with what the writer makes of it
        draft.claim = claim
        return draft

    def structured(self, raw: dict[str, JSON], term: str, cls: type, pointer: str) -> list[JSON]:
        """The JSON of each valid ``cls`` the annotation's ``term`` holds (:func:`structure_valid_json`)."""
        values: list[JSON] = []
        issues: list[Issue] = []
        for i, item in enumerate(_as_list(raw.get(term))):
            try:
                # Attributions written by a 1.0 claimfmt list via ids.
                values.append(structure_valid_json(attribution_from_1_0(item) if cls is Attribution else item, cls))
            except DocumentError as exc:
                issues.extend(issue.at(f"{pointer}/{term}/{i}") for issue in exc.issues)
        if issues:
            raise DocumentError(issues)
        return values

    def detect_unit(self, annotations: Iterable[JSON], *, remember: bool = True) -> None:
        """Where the text is known and no unit was given, take the unit under which the quotes match (and
        ``remember`` what each target's selectors say, where the annotations stay as they are)."""
        if self.text is None or self.options.offset_unit is not None:
            return
        echoed = []
        for annotation in annotations:
            if not isinstance(annotation, dict):
                continue
            for target in _as_list(annotation.get("target")):
                found = _selection(target)
                if remember:
                    self.selections[id(target)] = found
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

    def target(self, target: JSON, pointer: str, origin: Origin, label: str) -> tuple[str, dict[str, JSON] | None]:
        """("text" | "media", the span it gives or None)."""
        if isinstance(target, str):
            if _MEDIA_FRAGMENT.search(target.partition("#")[2]):
                return "media", None
            self.note_source(target)
            return "text", None
        if not isinstance(target, dict):
            return "media", None
        source = target.get("source")
        if source is None and "selector" not in target:
            # An external resource with properties, not a SpecificResource.
            if _types(target) & _MEDIA_TYPES or str(target.get("format", "")).startswith(
                ("image/", "video/", "audio/")
            ):
                return "media", None
            self.note_source(_iri(target))
            return "text", None
        # A selection with no source selects in the resource the annotation is about, unnamed: its
        # selectors still say what is selected (a quote, a position, or an image region).
        if source is not None:
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
        if not _as_list(target.get("selector")):
            return "text", None
        found = self.selections.pop(id(target), None) or _selection(target)
        if found.media and not found.textual:
            return "media", None
        span = self.span(found, label, origin, pointer)
        if span is not None and _is_extensions(target.get("extensions")):
            # A span's own extensions ride on its SpecificResource, under our context's term.
            span["extensions"] = target["extensions"]
        return "text", span

    def note_source(self, iri: str | None) -> None:
        if self.article_iri is None and iri:
            self.article_iri = iri

    def span(self, found: _Selection, label: str, origin: Origin, pointer: str) -> dict[str, JSON] | None:
        """The span's JSON, as unstructuring its model would give it."""
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
                anchor = self.options.anchoring.place(
                    self.offsets, exact, start=start, end=end, unit=unit, prefix=found.prefix, suffix=found.suffix
                )
                self.report.anchored(anchor, f"annotation {label}", origin, pointer)
                if anchor.start is None or anchor.end is None:
                    start = end = None
                else:
                    if not anchor.moved and unit is not Unit.CODEPOINT:
                        self.report.adjust(f"offsets converted from {unit.value}")
                    start, end = anchor.start, anchor.end
                    if anchor.moved:
                        # The span now says what the text at its new place says, context included.
                        text = self.offsets.text
                        exact = text[start:end]
                        prefix = text[max(0, start - len(found.prefix)) : start] if found.prefix else None
                        suffix = text[end : end + len(found.suffix)] if found.suffix else None
                        return _span(start, end, exact, prefix or None, suffix or None)
        elif unit is not Unit.CODEPOINT and start is not None:
            self.report.adjust(f"offsets in {unit.value} left out (the text is not known)")
            start = end = None
        if not exact:
            return None
        if start is None or end is None:
            start = end = None
        return _span(start, end, exact, found.prefix, found.suffix)

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

    def claim_text(self, bodies: list[JSON], spans: list[dict[str, JSON]]) -> str | None:
        """A describing body is the claim; failing one, the quote; failing that, a comment."""
        textual = [b for b in bodies if isinstance(b, dict) and isinstance(b.get("value"), str) and b["value"]]
        for body in textual:
            if "describing" in _as_list(body.get("purpose")):
                return str(body["value"])
        if spans:
            return str(spans[0]["exact"])
        for body in textual:
            purposes = set(_as_list(body.get("purpose")))
            if not purposes & {"tagging", "assessing", "classifying", "linking", "identifying"}:
                return str(body["value"])
        return None

    def verifications(self, bodies: list[JSON], pointer: str) -> list[JSON]:
        """One verification per ``assessing`` body; a 1.0 body's ``history`` becomes the revision chain behind it."""
        found: list[JSON] = []
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
            if "history" in body:  # written by a 1.0 claimfmt
                found.extend(verifications_from_1_0({**data, "history": body["history"]}))
            else:
                found.append(data)
        try:
            return [structure_valid_json(data, Verification) for data in found]
        except DocumentError as exc:
            raise DocumentError([i.at(f"{pointer}/body") for i in exc.issues]) from None

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


def _selection(target: JSON) -> _Selection:
    """What a target's selectors say, taken together."""
    found = _Selection()
    for selector in _as_list(target.get("selector")) if isinstance(target, dict) else ():
        found.merge(_select(selector))
    return found


def _copied(claim: dict[str, JSON]) -> dict[str, JSON]:
    """A claim's JSON with its own free JSON (its extensions, its spans') copied as unstructuring its model copies
    it (:func:`json_copy`): until compared with the annotation the writer makes, it is the input's own (Python
    compares an object with itself at once, however deep)."""
    if "extensions" in claim:
        claim = {**claim, "extensions": json_copy(claim["extensions"])}
    if any("extensions" in span for span in claim["spans"]):
        spans = [
            {**span, "extensions": json_copy(span["extensions"])} if "extensions" in span else span
            for span in claim["spans"]
        ]
        claim = {**claim, "spans": spans}
    return claim


def _span(start: int | None, end: int | None, exact: str, prefix: str | None, suffix: str | None) -> dict[str, JSON]:
    """A span's JSON, as unstructuring its model gives it: the quote first, then what it has of the rest."""
    span: dict[str, JSON] = {"exact": exact}
    if start is not None and end is not None:
        span["start"], span["end"] = start, end
    if prefix is not None:
        span["prefix"] = prefix
    if suffix is not None:
        span["suffix"] = suffix
    return span


def made_up_id(raw: JSON) -> str:
    """A document id for what names none, from its content: two inputs never share one, and the
    same annotation written back and read again gets the same one."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return "w3c-" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:12]
