"""doccano JSONL (``doccano``), both ways.

A line is a text with spans: ``label`` triples ``[start, end, "LABEL"]`` (sequence
labelling), or ``entities`` with ``relations`` (relation extraction). The older
``data`` key for the text is read, as is one custom text column, and meta keys
flattened into the line are kept. A pretty-printed file holding one JSON object,
which doccano's own relation-extraction example is, is read too.

Offsets count UTF-16 code units by default, as doccano's browser front end does.
An offset that falls inside a character in that unit is a mismatch: it is reported,
and the offsets are read as code points instead.

Spans become claims, sources, cues and hedges through the annotation mapping.
A relation becomes a link whose roles are the labels of its two ends: a
``Claim -> Source`` relation typed ``Attribution`` is an attribution under the
default mapping. Reading keeps, in ``org.doccano:line``, the patch from what the
writer would give back to the line as read. Writing puts under ``claimfmt`` the
patch from what a reader gets back to the document. Both ways are therefore exact.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import orjson

from claimfmt.converters import remainder
from claimfmt.converters.base import (
    Converter,
    LossReport,
    Options,
    Origin,
    Read,
    Shape,
    counted,
    kept_by_reader,
    only_written,
    patched,
    readable,
)
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit
from claimfmt.converters.standoff import (
    Link,
    Standoff,
    StandoffWriter,
    TextBound,
    Written,
    read_json,
    write_document,
)
from claimfmt.converters.values import Fields
from claimfmt.jsontext import KeepAsText
from claimfmt.large import LargeDocument, Unbuildable
from claimfmt.model import Document
from claimfmt.reading import Record, SourceLike, iter_records
from claimfmt.structuring import as_json, extensions_of, trusted
from claimfmt.writing import Spool, Streamed, write_json_values

__all__ = ["Doccano"]

JSON = Any
RECORD = "claimfmt"
_LINE = "org.doccano:line"
_TEXT_KEYS = ("text", "data")
#: What the writer writes of every line (before the patch a reader kept: a document holding one goes the long way).
_WRITTEN: Shape = {
    "text": None,
    "entities": {"id": None, "start_offset": None, "end_offset": None, "label": None},
    "relations": {"id": None, "from_id": None, "to_id": None, "type": None},
}


class Doccano(Converter):
    """doccano JSONL: sequence labelling (label triples) and relation extraction (entities, relations)."""

    name: ClassVar[str] = "doccano"
    summary: ClassVar[str] = "doccano JSONL (label triples, or entities + relations)"
    default_unit: ClassVar[Unit] = Unit.UTF16
    # A large line's record: its fragments kept as text, each parsed as it is applied.
    unparsed: ClassVar[KeepAsText] = remainder.UNPARSED

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        return self.read_records(_records(sources, report, self.unparsed), options, report)

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        mapping = options.mapping or preset("default")
        unit = options.offset_unit or self.default_unit
        for line, origin in readable(records, report):
            if not isinstance(line, dict) or _text_key(line) is None:
                report.error("not-convertible", "a doccano line is an object with a text", origin)
                continue
            identifier = str(line["id"]) if isinstance(line.get("id"), int | str) else f"doccano-{origin.index or 0}"
            patch = line.get(RECORD)
            plain = {k: v for k, v in line.items() if k != RECORD}
            # A line claimfmt wrote that doccano added nothing to is not looked at again once its document is made:
            # its annotations go then, before the record is applied (a large line's are most of what it holds).
            bare = patch is not None and only_written(plain, _WRITTEN) and not _parks(patch)
            data = _rebuild(plain, identifier, mapping, unit, report, origin, consume=bare)
            # doccano numbers entities anew on import: fragments follow their claim's span, not its id.
            document = (
                trusted(data) if patch is None else remainder.restore(data, patch, report, origin, stable_ids=False)
            )
            if not bare:
                document = _parked(plain, document, mapping, unit, report, written=patch is not None)
            yield Read(document=document, origin=origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        mapping = options.mapping or preset("default")
        unit = options.offset_unit or self.default_unit
        written = 0
        for document in documents:
            if document.article.text is None:
                report.drop("documents without text (doccano needs the text)")
                continue
            line, seen = _written(document, mapping, unit, report)
            scratch = LossReport(source="doccano", target="claimfmt")
            # Read back as a reader will: a line without an id is named by its place in the file.
            identifier = str(line["id"]) if isinstance(line.get("id"), int | str) else f"doccano-{written}"
            if seen is not None:
                rebuilt = read_json(seen, mapping, identifier, scratch)[0]
            else:
                rebuilt = _rebuild(line, identifier, mapping, unit, scratch, Origin(file="-", index=written))
            written += 1
            kept = remainder.keep(document, rebuilt, parked=_LINE)
            report.recorded.update(remainder.fields(kept))
            if kept:
                line[RECORD] = kept
            yield line

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """The one line of a large document, a claim at a time: its entities as each claim comes, then its relations
        and the record, whose fragments (one a claim) are the size of what doccano cannot hold.

        Each claim's spans and links are read back as a reader reads them in the whole line, and its fragment of
        the record made then (:class:`remainder.Keeper`). Where a claim alone does not give what the whole gives
        (a claim doccano has no span for, a span one claim writes and another makes its trigger, a claim read back
        with fewer attributions, a patch kept from reading doccano), :class:`~claimfmt.large.Unbuildable`: the
        document is then written whole. A target that is not JSONL gets the line as indented JSON, streamed alike.
        """
        head = document.head
        text = head.article.text
        if text is None or _LINE in (head.extensions or {}):
            raise Unbuildable("a document without text, or with a line kept from doccano, is written whole")
        mapping = options.mapping or preset("default")
        writer = StandoffWriter(text, mapping, attributes=False)
        writer.sources(head.sources)
        line = _Line(text, mapping, options.offset_unit or self.default_unit)
        entities, _, seen = line.add(writer.flush().spans, [])
        scratch = LossReport(source="doccano", target="claimfmt")
        identifier = "doccano-0"  # as a reader names a line without an id, the first of its file
        rebuilt = read_json(seen, mapping, identifier, scratch)[0]
        if rebuilt["claims"]:
            raise Unbuildable("a source is written as a claim")
        keeper = remainder.Keeper(as_json(head), rebuilt)
        # Written after every entity, and the record's fragments after those: spooled as they come, not held.
        relations, fragments = Spool(), Spool(keyed=True)

        def items() -> Iterator[JSON]:
            yield from entities
            for claim, data in document.claims():
                alone = writer.alone(data)
                if alone is None:
                    raise Unbuildable(f"claim {claim.id!r} is not one doccano holds alone")
                claim_id, flushed = alone
                added, linked, seen = line.add(flushed.spans, flushed.links, alone=True)
                line.written.forget(claim_id)
                yield from added
                for relation in linked:
                    relations.add(relation)
                tool_id, fragment = keeper.alone(data, read_json(seen, mapping, identifier, scratch)[0])
                if fragment is not None:
                    fragments.add(fragment, tool_id)

        def late() -> dict[str, JSON]:
            nonlocal writer, line
            del writer, line  # what every claim's spans were: not needed now, and as large as the record's rest
            kept = keeper.record(fragments if fragments.count else None)
            return {"relations": relations, RECORD: kept} if kept else {"relations": relations}

        value = Streamed(head={"text": text}, at=("entities",), items=items(), late=late)
        written = write_json_values(target, [value], jsonl=jsonl)
        report.recorded.update(keeper.fields)
        return written


def _records(sources: Iterable[SourceLike], report: LossReport, unparsed: KeepAsText) -> Iterator[Record]:
    """Records as usual, but a ``.jsonl`` file that is one pretty-printed object is read as that object."""
    for source in sources:
        paths: list[Any] = [source]
        if isinstance(source, str | os.PathLike) and str(source) != "-" and Path(source).is_dir():
            paths = sorted(
                p for p in Path(source).rglob("*") if p.is_file() and p.suffix.lower() in {".jsonl", ".json"}
            )
        for path in paths:
            if isinstance(path, str | os.PathLike) and str(path) != "-" and Path(path).suffix.lower() == ".jsonl":
                whole = _one_object(path)
                if whole is not None:
                    report.records_read += 1
                    report.warn(
                        "jsonl-pretty-printed",
                        "one JSON object over several lines, read as one line",
                        Origin(file=str(path), line=1),
                    )
                    yield Record(file=str(path), line=1, index=0, data=whole)
                    continue
            yield from counted(iter_records(path, unparsed=unparsed), report)


def _one_object(path: str | os.PathLike[str]) -> dict[str, JSON] | None:
    """The one JSON object a ``.jsonl`` file holds over several lines; None for a file to read line by line.

    A file whose first line is a JSON value alone is one of lines (were it one value, the rest would be
    blank): it is neither held nor parsed here. Parsing a file of lines whole only to fail costs as much as
    reading it, for orjson's error holds the whole file as text.
    """
    import msgspec

    with Path(path).open("rb") as stream:
        first = stream.readline()
        try:
            msgspec.json.decode(first, type=msgspec.Raw)  # checked, not built: a line may be large
            return None
        except (msgspec.DecodeError, RecursionError):  # nested deeper than msgspec goes: orjson tells
            data = first + stream.read()
    try:
        whole = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return whole if isinstance(whole, dict) and b"\n" in data.strip() else None


def _parks(record: JSON) -> bool:
    """Whether a line's record may give its document what an earlier reading of a doccano line kept
    (:func:`_parked` then compares the line with what writing that document gives)."""
    extensions = record.get("extensions") if isinstance(record, dict) else None
    value = extensions.get("value") if isinstance(extensions, dict) else None
    return isinstance(value, dict) and _LINE in value


def _parked(
    line: dict[str, JSON],
    document: Document,
    mapping: AnnotationMapping,
    unit: Unit,
    report: LossReport,
    *,
    written: bool = False,
) -> Document:
    """``document`` with what the writer would not give back of ``line`` kept, and counted.

    A line claimfmt ``written`` (it holds our record) keeps only what doccano added to it: its entities
    and relations are the document's, edits and all, not a patch on them.
    """
    if written and _LINE not in extensions_of(document) and only_written(line, _WRITTEN):
        return document  # nothing doccano added: writing the document again would find nothing to keep
    again = _line(document, mapping, unit, LossReport(source="-", target="-"))
    return kept_by_reader(document, line, again, written=written, extension=_LINE, field="doccano", report=report)


def _text_key(line: dict[str, JSON]) -> str | None:
    for key in _TEXT_KEYS:
        if isinstance(line.get(key), str):
            return key
    texts = [k for k, v in line.items() if isinstance(v, str) and k != "id"]
    return max(texts, key=lambda k: len(line[k])) if len(texts) == 1 else None


def _label_key(line: dict[str, JSON]) -> str | None:
    if "label" in line:
        return "label"
    for key, value in line.items():
        if isinstance(value, list) and value and all(isinstance(v, list) and len(v) == 3 for v in value):
            return key
    return None


def _rebuild(
    line: dict[str, JSON],
    identifier: str,
    mapping: AnnotationMapping,
    unit: Unit,
    report: LossReport,
    origin: Origin,
    *,
    consume: bool = False,
) -> dict[str, JSON]:
    """The JSON of the document a line gives through the mapping alone; ``consume`` empties the line's lists of
    annotations once they are read (the line is not needed again)."""
    text_key = _text_key(line)
    text = line[text_key] if text_key else ""
    offsets = OffsetMap(text)
    standoff = Standoff(text=text)
    labels: dict[str, str] = {}

    def place(start: JSON, end: JSON, where: str) -> tuple[int, int] | None:
        if not (isinstance(start, int) and isinstance(end, int)):
            return None
        try:
            return offsets.to_codepoints(start, unit), offsets.to_codepoints(end, unit)
        except OffsetError:
            report.warn(
                "offset-unit-mismatch",
                f"{where}: offsets [{start}, {end}) fall inside a character in {unit.value}; read as code points",
                origin,
            )
            return (start, end) if 0 <= start <= end <= len(text) else None

    fields = Fields(line, "", report, origin)
    label_key = _label_key(line)
    for n, item in enumerate(fields.array(label_key) if label_key else []):
        if isinstance(item, list) and len(item) == 3 and isinstance(item[2], str):
            found = place(item[0], item[1], f"/{label_key}/{n}")
            if found:
                standoff.spans.append(TextBound(f"T{n + 1}", item[2], [found], text[found[0] : found[1]]))
    for n, entity in enumerate(e.data for e in fields.objects("entities")):
        found = place(entity.get("start_offset"), entity.get("end_offset"), f"/entities/{n}")
        if found and isinstance(entity.get("label"), str):
            span_id = f"T{entity.get('id', n)}"
            labels[span_id] = entity["label"]
            standoff.spans.append(TextBound(span_id, entity["label"], [found], text[found[0] : found[1]]))
    for n, relation in enumerate(r.data for r in fields.objects("relations")):
        ends = [f"T{relation.get(key)}" for key in ("from_id", "to_id")]
        if isinstance(relation.get("type"), str) and all(end in labels for end in ends):
            args = [(labels[end], end) for end in ends]
            standoff.links.append(Link(f"R{relation.get('id', n)}", relation["type"], args))
    if consume:
        for key in ("entities", "relations"):
            if isinstance(annotations := line.get(key), list):
                annotations.clear()  # in place: the reader's record holds the same list
    return read_json(standoff, mapping, identifier, report)[0]


def _line(document: Document, mapping: AnnotationMapping, unit: Unit, report: LossReport) -> dict[str, JSON]:
    """The doccano line for a document: its spans as entities, attributions as relations."""
    return _written(document, mapping, unit, report)[0]


def _written(
    document: Document, mapping: AnnotationMapping, unit: Unit, report: LossReport
) -> tuple[dict[str, JSON], Standoff | None]:
    """The doccano line for a document, and the stand-off a reader makes of it (None: it holds a kept patch).

    The writer compares the document with what the reader gives back; building the reader's stand-off here,
    in code points, spares it the offsets and the line's parse (a property keeps the two in step).
    """
    text = document.article.text or ""
    standoff = write_document(document, mapping, report, attributes=False)
    entities, relations, seen = _Line(text, mapping, unit).add(standoff.spans, standoff.links)
    line: dict[str, JSON] = {"text": text, "entities": entities, "relations": relations}
    kept = (document.extensions or {}).get(_LINE)
    if kept is None:
        return line, seen
    # A patch kept from a doccano file may say anything: what a reader makes of the line is found by reading it.
    return patched(line, kept, report, f"document {document.id!r}"), None


class _Line:
    """A doccano line's entities and relations, made from stand-off annotations as they come, with the stand-off
    a reader makes of them: all at once, or a claim's at a time (:meth:`Doccano.write_large`)."""

    def __init__(self, text: str, mapping: AnnotationMapping, unit: Unit) -> None:
        self._text, self._mapping, self._unit = text, mapping, unit
        self._offsets = OffsetMap(text)
        self.written = Written(mapping.attribution_types)
        self._relations = 0

    def add(
        self, spans: list[TextBound], links: list[Link], *, alone: bool = False
    ) -> tuple[list[JSON], list[JSON], Standoff]:
        """The entities and relations of ``spans`` and ``links``, and the stand-off a reader makes of them.

        ``alone``: they are one claim's, after the others': the stand-off holds the entities of claims before
        that its relations name (:meth:`Written.earlier` says where that cannot be).
        """
        text, written = self._text, self.written
        numbers, labels = written.numbers, written.labels
        seen = Standoff(text=text)
        entities: list[JSON] = []
        triggers = {link.trigger for link in links if link.trigger is not None}
        for span in spans:
            if span.id in triggers and span.type in self._mapping.attribution_types:
                continue  # an event trigger: doccano relations have none
            start, end = span.fragments[0]
            number = written.add(span)
            seen.spans.append(TextBound(f"T{number}", span.type, [(start, end)], text[start:end]))
            entities.append(
                {
                    "id": number,
                    "start_offset": self._offsets.from_codepoints(start, self._unit),
                    "end_offset": self._offsets.from_codepoints(end, self._unit),
                    "label": span.type,
                }
            )
        relations: list[JSON] = []
        ours = {span.id for span in spans} | {link.id for link in links} if alone else set()
        earlier: set[str] = set()
        for link in links:
            if alone:
                earlier.update(written.earlier(link, ours))
            found = [numbers[target] for _, target in link.args[:2] if target in numbers]
            if len(found) == 2:
                first, second = found
                # The reader names each end's role by its label.
                args = [(labels[first], f"T{first}"), (labels[second], f"T{second}")]
                seen.links.append(Link(f"R{self._relations}", link.type, args))
                relations.append({"id": self._relations, "from_id": first, "to_id": second, "type": link.type})
                self._relations += 1
        for identifier in sorted(earlier, key=numbers.__getitem__):
            seen.spans.append(written.seen(identifier, f"T{numbers[identifier]}", text))
        return entities, relations, seen
