"""Prodigy JSONL (``prodigy``), both ways: the tasks ``prodigy db-out`` exports.

A task is a text with ``tokens``, ``spans`` (``start``, ``end`` in code points, ``label``,
``token_start``, ``token_end``) and, from ``rel.manual``, ``relations`` between a
``head_span`` and a ``child_span``. Spans become claims, sources, cues and hedges through
the annotation mapping; a relation is a link whose roles are the labels of its two ends,
as in doccano, so that a ``Claim -> Source`` relation labelled ``Attribution`` is an
attribution. Tasks answered ``reject`` or ``ignore`` are not annotations: they are
skipped and counted.

Reading keeps the task's tokens (``org.prodigy:tokens``: the writer uses them again
where they still fit the spans) and, in ``org.prodigy:task``, the patch from what the
writer would give back to the task as read (its hashes, ``meta``, ``_view_id``, a span's
own keys). Writing puts under ``claimfmt`` the patch from what a reader gets back to the
document (``converters/remainder.py``), so both ways are exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any, ClassVar

from claimfmt.converters import remainder
from claimfmt.converters.base import (
    Converter,
    LossReport,
    Options,
    Origin,
    Read,
    kept_by_reader,
    patched,
    readable,
)
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.patches import additions
from claimfmt.converters.standoff import Link, Standoff, TextBound, plain_spans, read_json, write_document
from claimfmt.converters.tokens import Tokens, fits, make
from claimfmt.converters.values import Fields
from claimfmt.model import Document
from claimfmt.reading import Record
from claimfmt.structuring import trusted

__all__ = ["Prodigy"]

JSON = Any
RECORD = "claimfmt"
_TASK = "org.prodigy:task"
_TOKENS = "org.prodigy:tokens"
_SKIPPED = ("reject", "ignore")


class Prodigy(Converter):
    """Prodigy tasks: spans (ner_manual, spans_manual) and relations (rel.manual)."""

    name: ClassVar[str] = "prodigy"
    summary: ClassVar[str] = "Prodigy JSONL tasks (spans, relations; reject/ignore answers skipped)"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        mapping = options.mapping or preset("default")
        for task, origin in readable(records, report):
            if not (isinstance(task, dict) and isinstance(task.get("text"), str)):
                report.error("not-convertible", "a Prodigy task is an object with a text", origin)
                continue
            answer = task.get("answer")
            if answer in _SKIPPED:
                report.drop(f"tasks answered {answer!r} (not annotations)")
                continue
            identifier = _identifier(task, origin.index or 0)
            patch = task.get(RECORD)
            plain = {k: v for k, v in task.items() if k != RECORD}
            data = _rebuild(plain, identifier, mapping, report, origin)
            # Spans have no ids of their own: fragments follow their claim's first span.
            document = (
                trusted(data) if patch is None else remainder.restore(data, patch, report, origin, stable_ids=False)
            )
            yield Read(document=_parked(plain, document, mapping, report, written=patch is not None), origin=origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        mapping = options.mapping or preset("default")
        written = 0
        for document in documents:
            if document.article.text is None:
                report.drop("documents without text (Prodigy needs the text)")
                continue
            task = _task(document, mapping, report)
            scratch = LossReport(source="prodigy", target="claimfmt")
            rebuilt = _rebuild(task, _identifier(task, written), mapping, scratch, Origin(file="-", index=written))
            written += 1
            kept = remainder.keep(document, rebuilt, parked=_TASK)
            report.recorded.update(remainder.fields(kept))
            if kept:
                task[RECORD] = kept
            yield task


def _identifier(task: dict[str, JSON], index: int) -> str:
    meta = task.get("meta")
    value = meta.get("id") if isinstance(meta, dict) else None
    return str(value) if isinstance(value, int | str) and str(value) else f"prodigy-{index}"


def _rebuild(
    task: dict[str, JSON], identifier: str, mapping: AnnotationMapping, report: LossReport, origin: Origin
) -> dict[str, JSON]:
    """The JSON of the document a task gives through the mapping alone (with its tokens kept, to be written
    again)."""
    text = task["text"]
    standoff = Standoff(text=text)
    found: dict[tuple[int, int, str], str] = {}

    def span(value: JSON, where: str) -> str | None:
        if not isinstance(value, dict):
            return None
        start, end, label = value.get("start"), value.get("end"), value.get("label")
        if not (type(start) is int and type(end) is int and isinstance(label, str) and 0 <= start < end <= len(text)):
            report.warn("span-unreadable", "a span without start < end within the text and a label", origin, where)
            return None
        key = (start, end, label)
        if key not in found:
            found[key] = f"T{len(found) + 1}"
            standoff.spans.append(TextBound(found[key], label, [(start, end)], text[start:end]))
        return found[key]

    fields = Fields(task, "", report, origin)
    for n, item in enumerate(fields.array("spans")):
        span(item, f"/spans/{n}")
    for n, relation in enumerate(r.data for r in fields.objects("relations")):
        head = span(relation.get("head_span"), f"/relations/{n}/head_span")
        child = span(relation.get("child_span"), f"/relations/{n}/child_span")
        label = relation.get("label")
        if head and child and isinstance(label, str):
            ends = {s.id: s.type for s in standoff.spans}
            # Named by its ends, not its place: the ids made from it stay when other relations are deleted.
            (hs, he), (cs, ce) = (_bounds(relation["head_span"]), _bounds(relation["child_span"]))
            standoff.links.append(Link(f"R{hs}_{he}_{cs}_{ce}", label, [(ends[head], head), (ends[child], child)]))
    data, _ = read_json(standoff, mapping, identifier, report)
    if isinstance(task.get("tokens"), list):
        data["extensions"] = {_TOKENS: task["tokens"]}  # the last key, as the model orders them
    return data


def _bounds(span: dict[str, JSON]) -> tuple[int, int]:
    return span["start"], span["end"]


def _task(
    document: Document, mapping: AnnotationMapping, report: LossReport, *, tokens: bool = True
) -> dict[str, JSON]:
    """The Prodigy task for a document: spans, relations between a claim and its source, tokens (without
    ``tokens``, an empty list of them, and spans without token indexes: what the task's keys are)."""
    text = document.article.text or ""
    standoff = write_document(document, mapping, report, attributes=False)  # it holds neither
    spans = plain_spans(standoff, mapping)
    boundaries = [edge for s in spans for edge in s.fragments[0]]
    kept = (document.extensions or {}).get(_TOKENS)
    places = fits(kept, text, boundaries) if tokens else []
    if places is not None:
        written = kept if tokens else []
    else:
        places = make(text, boundaries)
        written = [
            {"text": text[s:e], "start": s, "end": e, "id": n, "ws": e < len(text) and text[e].isspace()}
            for n, (s, e) in enumerate(places)
        ]
    index = Tokens(places)
    out: dict[str, dict[str, JSON]] = {}
    for item in spans:
        start, end = item.fragments[0]
        first, last = index.around(start, end) if tokens else (0, 0)
        out[item.id] = {"start": start, "end": end, "token_start": first, "token_end": last, "label": item.type}
    relations = []
    for link in standoff.links:
        ends = [target for _, target in link.args[:2] if target in out]
        if len(ends) == 2:
            head, child = out[ends[0]], out[ends[1]]
            relations.append(
                {"head": head["token_end"], "child": child["token_end"], "head_span": head, "child_span": child,
                 "label": link.type}
            )  # fmt: skip
    task: dict[str, JSON] = {"text": text, "tokens": written, "spans": list(out.values())}
    if relations:
        task["relations"] = relations
    task["answer"] = "accept"
    return patched(task, (document.extensions or {}).get(_TASK), report, f"document {document.id!r}")


def _parked(
    task: dict[str, JSON], document: Document, mapping: AnnotationMapping, report: LossReport, *, written: bool
) -> Document:
    """``document`` with what the writer would not give back of ``task`` kept (and counted)."""
    if written and not {_TASK, _TOKENS} & set(document.extensions or ()) and _only_written(task, document, mapping):
        return document  # nothing Prodigy added: writing the document again would find nothing to keep
    again = _task(document, mapping, LossReport(source="-", target="-"))
    return kept_by_reader(document, task, again, written=written, extension=_TASK, field="prodigy", report=report)


#: The keys the writer writes of each token it makes.
_TOKEN = frozenset({"text", "start", "end", "id", "ws"})


def _only_written(task: dict[str, JSON], document: Document, mapping: AnnotationMapping) -> bool:
    """Whether a task holds no key the writer would not write again for ``document`` (which keeps no tokens),
    told without making its tokens: the task's other keys do not depend on them, and each token made holds
    every key of its shape."""
    skeleton = _task(document, mapping, LossReport(source="-", target="-"), tokens=False)
    tokens = task.get("tokens")
    if additions(task, skeleton) is not None:
        return False
    # A token's values are all plain: its keys say it all, gathered in one pass over thousands of tokens.
    return not isinstance(tokens, list) or set(chain.from_iterable(t for t in tokens if type(t) is dict)) <= _TOKEN
