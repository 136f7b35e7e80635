"""Label Studio JSON (``labelstudio``), both ways: tasks with annotations and predictions.

A task is ``{data, annotations[], predictions[]}`` (``completions[]`` in old
exports). Each annotation or prediction becomes its own document, so several
annotators give several documents. Its provenance names the annotator, or the
model version for a prediction. Cancelled annotations are skipped and counted.
JSON-MIN exports (one flat object per annotation) are read too.

Results map to stand-off annotations, which the annotation mapping turns into
claimfmt:
- ``labels`` regions are spans (start, end and text);
- ``choices``, ``textarea`` and ``rating`` items on a region are its attributes and
  notes, grouped by region id;
- ``relation`` results (``from_id``/``to_id``) are links whose roles are the labels
  of their two ends.

A region's ``value.text`` that disagrees with its offsets is reported, and moved
where the text is. HTML (XPath) and Paragraphs results cannot be placed in plain text:
they are reported with their ids and kept as they are. Offsets count UTF-16 code
units, as the browser does.

Reading keeps, in ``org.labelstudio:task``, the patch from what the writer would give
back to the task as read. Writing puts under the task's ``meta.claimfmt`` the patches
from what a reader gets back to each document. Both ways are therefore exact.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, ClassVar

from claimfmt.converters import remainder
from claimfmt.converters.anchoring import DEFAULT_ANCHORING, Anchoring
from claimfmt.converters.base import (
    Converter,
    LossReport,
    Options,
    Origin,
    Read,
    Shape,
    only_written,
    patched,
    readable,
)
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit
from claimfmt.converters.patches import additions, diff
from claimfmt.converters.standoff import (
    Attribute,
    Link,
    Note,
    Standoff,
    StandoffWriter,
    TextBound,
    Written,
    read_json,
    write_document,
)
from claimfmt.converters.values import Fields, as_list, as_object
from claimfmt.large import LargeDocument, Unbuildable
from claimfmt.model import Document
from claimfmt.reading import Record
from claimfmt.structuring import as_json, evolve, extensions_of, trusted
from claimfmt.writing import Spool, Streamed, write_json_values

__all__ = ["LabelStudio", "labelling_config"]

JSON = Any
NS = "org.labelstudio:"
_TASK = NS + "task"  # on the first document of a task: the patch that gives back the task
_SHAPE = NS + "shape"  # "array" on the document of a file that was an array of one task
_GROUP = NS + "task-id"  # on every document of a task: which task it came from
_UNSUPPORTED = {"paragraphlabels", "hypertextlabels", "htmllabels"}
_REGION_ITEMS = {"choices", "textarea", "rating", "taxonomy", "number", "datetime"}


class LabelStudio(Converter):
    """Label Studio tasks (JSON array, one task, JSONL, or JSON-MIN export)."""

    name: ClassVar[str] = "labelstudio"
    summary: ClassVar[str] = "Label Studio JSON tasks (annotations, predictions; JSON-MIN too)"
    default_unit: ClassVar[Unit] = Unit.UTF16
    file_shape: ClassVar[str | None] = _SHAPE

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        mapping = options.mapping or preset("default")
        unit = options.offset_unit or self.default_unit
        for task, origin in readable(records, report):
            if not isinstance(task, dict):
                report.error("not-convertible", "a Label Studio task is an object", origin)
                continue
            kept = as_object(task.get("meta")).get("claimfmt")
            plain = _without_record(task)
            found = _rebuild(plain, origin, mapping, unit, report, options.anchoring)
            if found:
                # A file that is an array of one task is written back as one (not as the bare task).
                found[0] = self.in_array_of_one(found[0], origin)
            documents = (
                _restored(found, kept, report, origin) if kept is not None and found else [trusted(d) for d in found]
            )
            for document in _parked(plain, documents, mapping, unit, report, written=kept is not None):
                yield Read(document=document, origin=origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        mapping = options.mapping or preset("default")
        unit = options.offset_unit or self.default_unit
        for number, group in enumerate(_groups(documents)):
            scratch = LossReport(source="labelstudio", target="claimfmt")
            task, again = _written(group, mapping, unit, report, number=number, scratch=scratch)
            if again is None:  # read back as a reader will, from the task as written
                again = _rebuild(task, Origin(file="-", index=number), mapping, unit, scratch)
            if len(again) == len(group):
                kept = [remainder.keep(d, a, every_claim=True, parked=_TASK) for d, a in zip(group, again, strict=True)]
                if not all(remainder.bare(r) for r in kept):
                    for found in kept:
                        report.recorded.update(remainder.fields(found))
                    task = {**task, "meta": {**(task.get("meta") or {}), "claimfmt": kept}}
            else:
                report.drop("documents Label Studio cannot hold apart (kept as one task)")
            yield task

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """The task of a large document, a claim at a time: its regions as each claim comes, then the choices, text
        areas and relations on them, and the record, each spooled to a temporary file as it comes.

        Each claim's results are read back as a reader reads them in the whole task, and its fragment of the
        record made then (:class:`remainder.Keeper`). Where a claim alone does not give what the whole gives (a
        claim with no span in the text, a span of one claim that another makes its trigger, a claim read back
        with fewer attributions), :class:`~claimfmt.large.Unbuildable`:
        the document is then written whole. So is a document read from a Label Studio prediction, an empty task
        or JSON-MIN, or with a patch kept from reading Label Studio.
        """
        head = document.head
        extensions = head.extensions or {}
        if _SHAPE in extensions or _TASK in extensions or extensions.get(NS + "kind") not in (None, "annotation"):
            return super().write_large(document, target, options, report, jsonl=jsonl)
        text = head.article.text
        if text is None:
            raise Unbuildable("a document without text is written whole")
        mapping = options.mapping or preset("default")
        writer = StandoffWriter(text, mapping)
        writer.sources(head.sources)
        results = _Results(text, mapping, options.offset_unit or self.default_unit)
        regions, *_, seen = results.add(writer.flush())
        entry: dict[str, JSON] = {"result": None}
        annotators = head.provenance.annotators if head.provenance else None
        if annotators:
            entry["completed_by"] = annotators[0].name
        identifier, scratch = "labelstudio-0", LossReport(source="labelstudio", target="claimfmt")

        def read(seen: Standoff) -> dict[str, JSON]:  # as a reader reads the task's one annotation
            return _annotation(seen, False, identifier, "annotation", 0, entry.get("completed_by"), mapping, scratch)

        rebuilt = read(seen)
        if rebuilt["claims"]:
            raise Unbuildable("a source is written as a claim")
        keeper = remainder.Keeper(as_json(head), rebuilt, every_claim=True)
        choices, notes, relations, fragments = Spool(), Spool(), Spool(), Spool(keyed=True)
        bare = True  # every fragment so far only says where its claim is

        def items() -> Iterator[JSON]:
            nonlocal bare
            yield from regions
            for claim, data in document.claims():
                alone = writer.alone(data)
                if alone is None:
                    raise Unbuildable(f"claim {claim.id!r} is not one Label Studio holds alone")
                claim_id, flushed = alone
                added, chosen, noted, linked, seen = results.add(flushed, alone=True)
                results.forget(claim_id)
                yield from added
                for spool, values in ((choices, chosen), (notes, noted), (relations, linked)):
                    for value in values:
                        spool.add(value)
                tool_id, fragment = keeper.alone(data, read(seen))
                if fragment is not None:
                    bare = bare and set(fragment) == {"at"}
                    fragments.add(fragment, tool_id)

        def late() -> dict[str, JSON]:
            nonlocal writer, results
            del writer, results  # what every claim's spans were: not needed now, and as large as the record's rest
            record = keeper.record(fragments if fragments.count else None)
            if record is None or (bare and set(record) <= {"v", "claims"}):
                return {}  # nothing to keep but where the claims are: no record
            report.recorded.update(keeper.fields)
            return {"meta": {"claimfmt": [record]}}

        value = Streamed(
            head={"data": {"text": text}, "annotations": [entry]},
            at=("annotations", 0, "result"),
            items=items(),
            late=late,
            tail=lambda: [choices, notes, relations],
        )
        return write_json_values(target, [value], jsonl=jsonl)


def _parked(
    task: dict[str, JSON],
    documents: list[Document],
    mapping: AnnotationMapping,
    unit: Unit,
    report: LossReport,
    *,
    written: bool = False,
) -> list[Document]:
    """``documents`` with what the writer would not give back of ``task`` kept on the first, and counted.

    A task claimfmt ``written`` (it holds our record) keeps only what Label Studio added to it: its
    annotations are the documents', edits and all, not a patch on them.
    """
    if not documents:
        return []
    if written and _TASK not in extensions_of(documents[0]) and _only_written(task, documents, mapping, unit):
        return documents  # nothing Label Studio added: writing the documents again would find nothing to keep
    again = _task(documents, mapping, unit, LossReport(source="-", target="-"))
    kept = additions(task, again) if written else diff(task, again)
    if kept:
        for key in (*kept.get("set", {}), *kept.get("in", {}), *kept.get("each", {})):
            report.park(f"labelstudio.{key}")
        first = documents[0]
        documents[0] = evolve(first, extensions={**(first.extensions or {}), _TASK: kept})
    return documents


#: The keys the writer writes of each kind of result (and of its value), whichever document it writes.
_RESULTS: dict[str, Shape] = {
    "labels": {
        "id": None,
        "from_name": None,
        "to_name": None,
        "type": None,
        "value": {"start": None, "end": None, "text": None, "labels": None},
    },
    "choices": {"id": None, "from_name": None, "to_name": None, "type": None, "value": {"choices": None}},
    "textarea": {"id": None, "from_name": None, "to_name": None, "type": None, "value": {"text": None}},
    "relation": {"from_id": None, "to_id": None, "type": None, "direction": None, "labels": None},
}


def _only_written(task: dict[str, JSON], documents: list[Document], mapping: AnnotationMapping, unit: Unit) -> bool:
    """Whether a task holds no key the writer would not write again for ``documents``, told without their results.

    The task's keys outside its results depend on the documents alone (who annotated, which are predictions);
    each result the writer writes holds every key of its kind's shape.
    """
    skeleton = _written(documents, mapping, unit, LossReport(source="-", target="-"), results=False)[0]
    if additions(task, skeleton) is not None:
        return False
    entries = [*as_list(task.get("annotations")), *as_list(task.get("predictions"))]
    for entry in entries:
        for result in as_list(entry.get("result")) if isinstance(entry, dict) else ():
            if not isinstance(result, dict):
                continue
            kind = result.get("type")
            shape = _RESULTS.get(kind) if isinstance(kind, str) else None
            if shape is None or not only_written(result, shape):
                return False
    return True


def _restored(documents: list[dict[str, JSON]], kept: JSON, report: LossReport, origin: Origin) -> list[Document]:
    """The task's documents with the remainders kept in ``meta.claimfmt``, each on the annotation it was made for."""
    if not isinstance(kept, list):
        report.warn("record-invalid", "the task's meta.claimfmt is not a list of records: set aside", origin)
        return [trusted(d) for d in documents]
    for j, item in enumerate(kept):
        if not isinstance(item, dict | None):
            report.warn(
                "record-invalid", f"the claimfmt record kept for annotation {j + 1} is not an object: set aside", origin
            )
    kept = [item if isinstance(item, dict) else None for item in kept]
    found, unplaced = remainder.pair(documents, kept)
    for j in unplaced:
        report.warn(
            "record-stale",
            f"the claimfmt record kept for annotation {j + 1} of the task fits none of its annotations now "
            "(removed or redone in Label Studio): dropped",
            origin,
        )
    return [
        trusted(d) if r is None else remainder.restore(d, r, report, origin)
        for d, r in zip(documents, found, strict=True)
    ]


def _without_record(task: dict[str, JSON]) -> dict[str, JSON]:
    meta = task.get("meta")
    if not isinstance(meta, dict) or "claimfmt" not in meta:
        return task
    rest = {k: v for k, v in meta.items() if k != "claimfmt"}
    return {**{k: v for k, v in task.items() if k != "meta"}, **({"meta": rest} if rest else {})}


def _text(task: dict[str, JSON]) -> tuple[str | None, str | None]:
    """The task's text and its data key: ``text`` if there is one, else the one string in ``data``."""
    data = as_object(task.get("data"))
    if isinstance(data.get("text"), str):
        return data["text"], "text"
    strings = [k for k, v in data.items() if isinstance(v, str)]
    return (data[strings[0]], strings[0]) if len(strings) == 1 else (None, None)


def _rebuild(
    task: dict[str, JSON],
    origin: Origin,
    mapping: AnnotationMapping,
    unit: Unit,
    report: LossReport,
    anchoring: Anchoring = DEFAULT_ANCHORING,
) -> list[dict[str, JSON]]:
    """The JSON of the documents a task gives through the mapping alone: one per annotation and prediction."""
    if "data" not in task and isinstance(task.get("label"), list):
        return _rebuild_min(task, origin, mapping, unit, report, anchoring)
    text, key = _text(task)
    identifier = str(task["id"]) if isinstance(task.get("id"), int | str) else f"labelstudio-{origin.index or 0}"
    documents = []
    fields = Fields(task, "", report, origin)
    annotations = fields.objects("annotations" if "annotations" in task else "completions")
    for kind, items in (("annotation", annotations), ("prediction", fields.objects("predictions"))):
        for n, annotation in enumerate(items):
            if annotation.data.get("was_cancelled"):
                report.adjust("cancelled annotations skipped")
                continue
            standoff = _standoff(text or "", key, annotation.objects("result"), origin, unit, report, anchoring)
            who = annotation.data.get("completed_by", annotation.data.get("model_version"))
            documents.append(_annotation(standoff, text is None, identifier, kind, n, who, mapping, report))
    if not documents:
        # A task nobody has annotated yet (or whose annotations were all cancelled) is still a document.
        data, _ = read_json(Standoff(text=text or ""), mapping, identifier, report)
        if text is None:
            data["article"] = {}
        data["extensions"] = {_GROUP: identifier, NS + "kind": "task"}
        documents.append(data)
    return documents


def _annotation(
    standoff: Standoff,
    textless: bool,
    identifier: str,
    kind: str,
    n: int,
    who: JSON,
    mapping: AnnotationMapping,
    report: LossReport,
) -> dict[str, JSON]:
    """The JSON of the document of a task's ``n``-th annotation (or prediction), whose results give ``standoff``."""
    data, _ = read_json(standoff, mapping, f"{identifier}-{kind[0]}{n + 1}", report)
    if textless:
        data["article"] = {}
    if isinstance(who, int | str) and str(who):
        data["provenance"] = {"annotators": [{"kind": "model" if kind == "prediction" else "human", "name": str(who)}]}
    data["extensions"] = {_GROUP: identifier, NS + "kind": kind}
    return data


def _rebuild_min(
    task: dict[str, JSON],
    origin: Origin,
    mapping: AnnotationMapping,
    unit: Unit,
    report: LossReport,
    anchoring: Anchoring,
) -> list[dict[str, JSON]]:
    """A JSON-MIN record: the task's data keys flat, each control's results as a list."""
    text = task["text"] if isinstance(task.get("text"), str) else ""
    results = []
    for n, region in enumerate(Fields(task, "", report, origin).objects("label")):
        results.append(
            Fields({"id": f"r{n + 1}", "type": "labels", "value": region.data}, region.pointer, report, origin)
        )
    standoff = _standoff(text, "text", results, origin, unit, report, anchoring)
    identifier = str(task["id"]) if isinstance(task.get("id"), int | str) else f"labelstudio-{origin.index or 0}"
    data, _ = read_json(standoff, mapping, identifier, report)
    data["extensions"] = {_GROUP: identifier, NS + "kind": "min"}
    return [data]


def _standoff(
    text: str,
    key: str | None,
    results: list[Fields],
    origin: Origin,
    unit: Unit,
    report: LossReport,
    anchoring: Anchoring,
) -> Standoff:
    offsets = OffsetMap(text)
    standoff = Standoff(text=text)
    labels: dict[str, str] = {}
    for result in results:
        kind, region = result.text("type"), result.text("id")
        value = result.object("value")
        if value is None:
            continue
        if kind in _UNSUPPORTED or (kind == "labels" and "startOffset" in value.data):
            report.warn("unsupported-result", f"{kind} result {region} is not in plain text: kept as it is", origin)
            continue
        if kind == "labels" and region is not None:
            names = value.texts("labels")
            place = _place(value.data, offsets, unit, region, origin, report, anchoring)
            source = result.data.get("source")
            if key is not None and isinstance(source, str) and source.lstrip("$") != key:
                report.warn("labelstudio-mismatch", f"region {region} says {source} but the text is ${key}", origin)
            if place is not None and names:
                labels[region] = names[0]
                standoff.spans.append(TextBound(region, names[0], [place], text[place[0] : place[1]]))
    for result in results:
        kind, value, region = result.data.get("type"), result.data.get("value"), result.data.get("id")
        name = result.data.get("from_name")
        if not isinstance(kind, str):
            continue  # reported by the first pass
        if kind in _REGION_ITEMS and isinstance(value, dict) and isinstance(region, str) and region in labels:
            if not isinstance(name, str):
                continue
            if kind == "textarea":
                for n, note in enumerate(result.at("value", value).texts("text")):
                    standoff.notes.append(Note(f"{region}:{name}:{n}", name, region, note))
            else:
                chosen = value.get(kind)
                for n, choice in enumerate(chosen if isinstance(chosen, list) else [chosen]):
                    standoff.attributes.append(Attribute(f"{region}:{name}:{n}", name, region, str(choice)))
        elif kind == "relation" and all(isinstance(result.data.get(k), str) for k in ("from_id", "to_id")):
            ends = [result.data["from_id"], result.data["to_id"]]
            if not all(end in labels for end in ends):
                continue
            names = result.texts("labels") or ["relation"]
            standoff.links.append(Link(f"{ends[0]}:{ends[1]}", names[0], [(labels[e], e) for e in ends]))
    return standoff


def _place(
    value: dict[str, JSON],
    offsets: OffsetMap,
    unit: Unit,
    region: str,
    origin: Origin,
    report: LossReport,
    anchoring: Anchoring,
) -> tuple[int, int] | None:
    start, end, echoed = value.get("start"), value.get("end"), value.get("text")
    if not (isinstance(start, int) and isinstance(end, int)):
        return None
    try:
        place = offsets.to_codepoints(start, unit), offsets.to_codepoints(end, unit)
    except OffsetError:
        place = None
    if isinstance(echoed, str) and echoed and (place is None or offsets.text[place[0] : place[1]] != echoed):
        found = anchoring.place(offsets, echoed, start=start, end=end, unit=unit)
        if found.start is not None and found.end is not None:
            report.anchored(found, f"region {region}", origin)
            return found.start, found.end
        # Label Studio's offsets are what its editor shows: where the quote cannot be placed, they stand.
        said = f"region {region}: value.text is not the text at [{start}, {end}) ({found.note}); the offsets stand"
        report.warn("quote-ambiguous" if found.candidates > 1 else "labelstudio-mismatch", said, origin)
    return place


def _groups(documents: Iterable[Document]) -> Iterator[list[Document]]:
    group: list[Document] = []
    for document in documents:
        task = (document.extensions or {}).get(_GROUP)
        if group and (task is None or task != (group[0].extensions or {}).get(_GROUP)):
            yield group
            group = []
        group.append(document)
    if group:
        yield group


def _task(documents: list[Document], mapping: AnnotationMapping, unit: Unit, report: LossReport) -> dict[str, JSON]:
    """The task for a group of documents on one text: an annotation (or prediction) each."""
    return _written(documents, mapping, unit, report)[0]


def _written(
    documents: list[Document],
    mapping: AnnotationMapping,
    unit: Unit,
    report: LossReport,
    *,
    number: int = 0,
    scratch: LossReport | None = None,
    results: bool = True,
) -> tuple[dict[str, JSON], list[dict[str, JSON]] | None]:
    """The task for a group of documents, and the JSON of the documents a reader makes of it (the ``number``-th
    task of a file) without parsing its results, with what reading says told to ``scratch`` (None: no
    ``scratch`` was given, or the task holds a kept patch, or is a JSON-MIN record). Without ``results``, every
    ``result`` is left empty.

    The writer compares each document with what the reader gives back; a property keeps the two ways of
    telling that in step.
    """
    # The task's own fields from the documents' JSON: a reader's check asks them of documents whose model is
    # built when first used (remainder.restore), and needs no more.
    first = documents[0]
    head = as_json(first, keep=True)  # kept: the writer's record compares it next
    extensions, text = head.get("extensions") or {}, head["article"].get("text")
    if extensions.get(NS + "kind") == "min":
        task: dict[str, JSON] = {
            "text": text or "",
            "label": [dict(r["value"]) for r in _results(first, mapping, unit, report)[0] if r.get("type") == "labels"],
        }
        return patched(task, extensions.get(_TASK), report, f"document {first.id!r}"), None
    task = {"data": {"text": text} if text is not None else {}}
    textless = text is None
    identifier = f"labelstudio-{number}"  # a task without an id is named by its place in the file
    annotations: list[JSON] = []
    predictions: list[JSON] = []
    seen: list[dict[str, JSON]] = []
    for document in documents:
        data = as_json(document, keep=True)
        kind_of = (data.get("extensions") or {}).get(NS + "kind")
        if kind_of == "task":
            continue
        found, standoff = _results(document, mapping, unit, report) if results else ([], Standoff(text=""))
        entry: dict[str, JSON] = {"result": found}
        annotators = (data.get("provenance") or {}).get("annotators")
        kind, entries, who = "annotation", annotations, "completed_by"
        if kind_of == "prediction":
            kind, entries, who = "prediction", predictions, "model_version"
        if annotators:
            entry[who] = annotators[0].get("name")
        if scratch is not None:
            who_is = entry.get(who)
            seen.append(_annotation(standoff, textless, identifier, kind, len(entries), who_is, mapping, scratch))
        entries.append(entry)
    task["annotations"] = annotations
    if predictions:
        task["predictions"] = predictions
    # The reader takes annotations before predictions.
    seen.sort(key=lambda data: data["extensions"][NS + "kind"] == "prediction")
    if scratch is not None and not seen:
        data, _ = read_json(Standoff(text=text or ""), mapping, identifier, scratch)
        if textless:
            data["article"] = {}
        data["extensions"] = {_GROUP: identifier, NS + "kind": "task"}
        seen.append(data)
    kept = extensions.get(_TASK)
    if kept is None:
        return task, seen if scratch is not None else None
    return patched(task, kept, report, f"document {first.id!r}"), None


def _results(
    document: Document, mapping: AnnotationMapping, unit: Unit, report: LossReport
) -> tuple[list[JSON], Standoff]:
    """A document's results, and the stand-off a reader makes of them (in code points, their ids its own)."""
    text = document.article.text or ""
    standoff = write_document(document, mapping, report)
    regions, choices, notes, relations, seen = _Results(text, mapping, unit).add(standoff)
    return [*regions, *choices, *notes, *relations], seen


class _Results:
    """A document's results, made from stand-off annotations as they come, with the stand-off a reader makes of
    them: all at once, or a claim's at a time (:meth:`LabelStudio.write_large`). Its regions come first, then
    the choices and text areas on them, then the relations between them."""

    def __init__(self, text: str, mapping: AnnotationMapping, unit: Unit) -> None:
        self._text, self._mapping, self._unit = text, mapping, unit
        self._offsets = OffsetMap(text)
        self.written = Written(mapping.attribution_types)
        self._choices: dict[str, tuple[tuple[str, str], ...]] = {}  # a claim at a time: each region's, by name

    def add(
        self, standoff: Standoff, *, alone: bool = False
    ) -> tuple[list[JSON], list[JSON], list[JSON], list[JSON], Standoff]:
        """The regions, choices, text areas and relations of ``standoff``'s annotations, and the stand-off a
        reader makes of them.

        ``alone``: they are one claim's, after the others': the stand-off holds the regions of claims before
        that its relations name, with their choices (:meth:`Written.earlier` says where that cannot be; nor can
        a choice on a span of a claim before that is not a region).
        """
        text, mapping, written = self._text, self._mapping, self.written
        numbers, labels = written.numbers, written.labels
        seen = Standoff(text=text)
        regions: list[JSON] = []
        triggers = {link.trigger for link in standoff.links if link.trigger is not None}
        ours = {span.id for span in standoff.spans} | {link.id for link in standoff.links} if alone else set()
        for span in standoff.spans:
            if span.id in triggers and span.type in mapping.attribution_types:
                continue  # an event trigger: Label Studio relations have none
            start, end = span.fragments[0]
            written.add(span)
            seen.spans.append(TextBound(span.id, span.type, [(start, end)], text[start:end]))
            value = {
                "start": self._offsets.from_codepoints(start, self._unit),
                "end": self._offsets.from_codepoints(end, self._unit),
                "text": text[start:end],
                "labels": [span.type],
            }
            regions.append({"id": span.id, "from_name": "label", "to_name": "text", "type": "labels", "value": value})
        choices: list[JSON] = []
        chosen_now: list[Attribute] = []
        for attribute in standoff.attributes:
            if attribute.target in numbers and attribute.value is not None:
                name, target = attribute.name, attribute.target
                chosen = Attribute(f"{target}:{name}:0", name, target, str(attribute.value))
                chosen_now.append(chosen)
                value = {"choices": [attribute.value]}
                choices.append({"id": target, "from_name": name, "to_name": "text", "type": "choices", "value": value})
            elif alone and attribute.target not in ours:  # on a span of a claim before: forgotten, or left out
                raise Unbuildable(f"{attribute.id} is a choice on another claim's span")
        notes: list[JSON] = []
        for note in standoff.notes:
            if note.target in numbers:
                seen.notes.append(Note(f"{note.target}:{note.type}:0", note.type, note.target, note.text))
                value = {"text": [note.text]}
                notes.append(
                    {"id": note.target, "from_name": note.type, "to_name": "text", "type": "textarea", "value": value}
                )
        relations: list[JSON] = []
        earlier: set[str] = set()
        for link in standoff.links:
            if alone:
                earlier.update(written.earlier(link, ours))
            ends = [target for _, target in link.args[:2] if target in numbers]
            if len(ends) == 2:
                seen.links.append(Link(f"{ends[0]}:{ends[1]}", link.type, [(labels[numbers[e]], e) for e in ends]))
                relation = {"from_id": ends[0], "to_id": ends[1], "type": "relation", "direction": "right"}
                relations.append({**relation, "labels": [link.type]})
        for identifier in sorted(earlier, key=numbers.__getitem__):
            seen.spans.append(written.seen(identifier, identifier, text))
            # Before this claim's: a reader takes a region's first choice of a name (a hedge shared, of two kinds).
            seen.attributes += [
                Attribute(f"{identifier}:{name}:0", name, identifier, value)
                for name, value in self._choices.get(identifier, ())
            ]
        seen.attributes += chosen_now
        if alone:
            for chosen in chosen_now:
                target = chosen.target
                self._choices[target] = (*self._choices.get(target, ()), (chosen.name, chosen.value or ""))
        return regions, choices, notes, relations, seen

    def forget(self, identifier: str) -> None:
        """Forget a region no later claim links to (a claim's own, written a claim at a time)."""
        self.written.forget(identifier)
        self._choices.pop(identifier, None)


def labelling_config(mapping: AnnotationMapping) -> str:
    """The Label Studio labelling configuration (XML) that matches a mapping, to start annotating claims."""
    from xml.sax.saxutils import quoteattr

    labels = [
        *sorted(mapping.claim_types),
        *sorted(mapping.source_types),
        *sorted(mapping.cue_types),
        *sorted(mapping.hedge_types),
    ]
    colours = ["#ffd166", "#06d6a0", "#118ab2", "#ef476f", "#8338ec", "#fb8500"]
    lines = ["<View>", '  <Labels name="label" toName="text">']
    lines += [
        f"    <Label value={quoteattr(name)} background={quoteattr(colours[n % len(colours)])}/>"
        for n, name in enumerate(labels)
    ]
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>']
    if mapping.attribution_types:
        lines.append("  <Relations>")
        lines += [f"    <Relation value={quoteattr(name)}/>" for name in mapping.attribution_types]
        lines.append("  </Relations>")
    vocabularies = {
        "state": ["unverified", "supported", "refuted", "mixed", "misleading", "disputed", "unverifiable", "other"],
        "stance": ["asserts", "denies", "questions", "reports"],
        "commitment": ["certain", "probable", "possible", "underspecified"],
        "mode": ["direct", "indirect", "mixed"],
        "hedge_kind": ["conditional", "alleged", "modal", "unconfirmed", "approximator", "other"],
    }
    for field, values in vocabularies.items():
        name = mapping.attributes.get(field)
        if name:
            lines.append(f'  <Choices name={quoteattr(name)} toName="text" perRegion="true" choice="single">')
            lines += [f"    <Choice value={quoteattr(value)}/>" for value in values]
            lines.append("  </Choices>")
    if mapping.claim_text_note:
        lines.append(
            f'  <TextArea name={quoteattr(mapping.claim_text_note)} toName="text" perRegion="true" '
            'placeholder="The claim as a self-contained statement"/>'
        )
    lines.append("</View>")
    return "\n".join(lines) + "\n"
