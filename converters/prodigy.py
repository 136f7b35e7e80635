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

import array
import functools
import itertools
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, Any, ClassVar

from claimfmt import jsontext
from claimfmt.converters import remainder
from claimfmt.converters.base import (
    Converter,
    LossReport,
    Options,
    Origin,
    Read,
    Shape,
    kept_by_reader,
    only_written,
    patched,
    readable,
)
from claimfmt.converters.mapping import AnnotationMapping, preset
from claimfmt.converters.standoff import (
    Link,
    Standoff,
    StandoffWriter,
    TextBound,
    Written,
    plain_spans,
    read_json,
    relates,
    write_document,
)
from claimfmt.converters.tokens import Tokens, cut, fits, make
from claimfmt.converters.values import Fields
from claimfmt.jsontext import KeepAsText, WholeArray
from claimfmt.large import LargeDocument, Unbuildable
from claimfmt.model import Document
from claimfmt.reading import Record
from claimfmt.structuring import as_json, extensions_of, trusted
from claimfmt.writing import Spool, Streamed, write_json_values

__all__ = ["Prodigy"]

JSON = Any
RECORD = "claimfmt"
_TASK = "org.prodigy:task"
_TOKENS = "org.prodigy:tokens"
_SKIPPED = ("reject", "ignore")


class _Unparsed:
    """A large task's array as its line holds it (JSON text): its tokens, with the keys of their items (a task
    claimfmt wrote gives them back to be dropped unlooked at but for those: the writer makes them again from the
    text), and its spans and relations, held parsed until the document is made of them. Parsed, a document's
    55,000 claims' tokens were 255 MB of Python values, its spans and relations 145 MB, for a line of 139 MB."""

    __slots__ = ("_held", "keys", "text")

    def __init__(self, text: bytes, items: Iterator[JSON], *, held: bool) -> None:
        self.text = text
        self._held = list(items) if held else None  # items parsed a part at a time (jsontext.loads)
        #: Every key of the items that are objects, where they are not held.
        self.keys = set() if held else set(itertools.chain.from_iterable(i for i in items if type(i) is dict))

    def parsed(self) -> list[JSON]:
        """The items: those parsed with the line the first time (then let go), else parsed again."""
        held, self._held = self._held, None
        return held if held is not None else jsontext.loads(self.text)


def _parsed(task: dict[str, JSON], *, tokens: bool = True) -> dict[str, JSON]:
    """``task`` with its arrays kept as text parsed (but its tokens, without ``tokens``)."""
    return {k: v.parsed() if isinstance(v, _Unparsed) and (tokens or k != "tokens") else v for k, v in task.items()}


def _drops_tokens(patch: JSON) -> bool:
    """Whether restoring ``patch`` (a task's record) drops the task's tokens without looking at them: the tool's
    extension was there when the task was written, and the document's own extensions did not hold it
    (``remainder._extensions``)."""
    extensions = patch.get("extensions") if isinstance(patch, dict) else None
    if not isinstance(extensions, dict):
        return False
    was, value = extensions.get("was"), extensions.get("value")
    return isinstance(was, dict) and _TOKENS in was and not (isinstance(value, dict) and _TOKENS in value)


class Prodigy(Converter):
    """Prodigy tasks: spans (ner_manual, spans_manual) and relations (rel.manual)."""

    name: ClassVar[str] = "prodigy"
    summary: ClassVar[str] = "Prodigy JSONL tasks (spans, relations; reject/ignore answers skipped)"
    # A large line's record: its fragments kept as text, each parsed as it is applied; its arrays kept as text.
    unparsed: ClassVar[KeepAsText] = {
        **remainder.UNPARSED,
        ("tokens",): WholeArray(functools.partial(_Unparsed, held=False)),
        **{(key,): WholeArray(functools.partial(_Unparsed, held=True)) for key in ("spans", "relations")},
    }

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
            # What a large task keeps as text and is surely needed is parsed now, in place, so that its text goes:
            # the tokens, unless the record drops them; everything, where no record says Prodigy added nothing.
            for key, value in task.items():
                if isinstance(value, _Unparsed) and (patch is None or (key == "tokens" and not _drops_tokens(patch))):
                    task[key] = value.parsed()
            plain = {k: v for k, v in task.items() if k != RECORD}
            # The rest of its spans and relations are parsed for its document to be made of them, then let go once
            # read (what tells whether Prodigy added anything to them is found first).
            whole = _parsed(plain, tokens=False)
            only = patch is not None and _only_written(whole)
            data = _rebuild(whole, identifier, mapping, report, origin, consume=True)
            del whole
            # Spans have no ids of their own: fragments follow their claim's first span.
            document = None if patch is None else remainder.restored(data, patch, report, origin, stable_ids=False)
            if document is None:
                if isinstance(plain.get("tokens"), _Unparsed):  # the record set aside: the tokens are the document's
                    task["tokens"] = plain["tokens"] = tokens = plain["tokens"].parsed()
                    data["extensions"] = {_TOKENS: tokens}  # where _rebuild puts a task's tokens
                document = trusted(data)
            document = _parked(plain, document, mapping, report, written=patch is not None, only=only)
            yield Read(document=document, origin=origin)

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

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """The one task of a large document, a claim at a time: its tokens first, cut at every span's edges (which
        a first pass over the claims finds), then its spans and relations (spooled, in a second pass), and the
        record, whose fragments (one a claim) are the size of what Prodigy cannot hold.

        Each claim's spans and relations are read back as a reader reads them in the whole task, and its fragment
        of the record made then (:class:`remainder.Keeper`). Where a claim alone does not give what the whole gives
        (a claim Prodigy has no span for, a span of one claim that another makes its trigger, a span at the place
        and of the label of one before, which a reader takes for that one), or where the document keeps tokens or
        a patch from reading Prodigy, :class:`~claimfmt.large.Unbuildable`: the document is then written whole. A
        target that is not JSONL gets the task as indented JSON, streamed alike.
        """
        head = document.head
        text = head.article.text
        if text is None or {_TASK, _TOKENS} & set(head.extensions or ()):
            raise Unbuildable("a document without text, or with tokens or a task kept from Prodigy, is written whole")
        mapping = options.mapping or preset("default")
        # Every span's edges marked in one byte per place in the text: in order once marked, without a sort.
        edges = bytearray(len(text) + 1)
        # Each span's place, packed, by label: a reader takes two alike for one, which the whole writes. Known
        # here, before a token is written, the document goes whole without a second pass made in vain.
        places: dict[str, array.array[int]] = {}
        for _, _, standoff in _parts(document, text, mapping, json=False):
            for span in plain_spans(standoff, mapping):
                start, end = span.fragments[0]
                edges[start] = edges[end] = 1
                at = places.get(span.type)
                if at is None:
                    at = places[span.type] = array.array("Q")
                at.append(start << 32 | end)
        _one_span_a_place(places)
        del places
        # Four bytes an offset (a text of up to 4 G characters): the tokens of a large text are many.
        cuts = array.array("I", (edge.start() for edge in re.finditer(b"\x01", edges)))
        del edges
        starts, ends = array.array("I"), array.array("I")

        def tokens() -> Iterator[JSON]:
            size = len(text)
            for n, (start, end) in enumerate(cut(text, cuts)):
                starts.append(start)
                ends.append(end)
                ws = end < size and text[end].isspace()
                yield {"text": text[start:end], "start": start, "end": end, "id": n, "ws": ws}

        recorded: Counter[str] = Counter()  # what the record holds, once made

        def late() -> dict[str, JSON]:
            task = _Task(text, mapping, Tokens(starts, ends))
            scratch = LossReport(source="prodigy", target="claimfmt")
            identifier = "prodigy-0"  # as a reader names a task without meta.id, the first of its file
            parts = _parts(document, text, mapping)
            spans, relations = Spool(), Spool()
            fragments = Spool(keyed=True)
            _, _, mentions = next(parts)
            found, _, seen = task.add(mentions)
            rebuilt = read_json(seen, mapping, identifier, scratch)[0]
            if rebuilt["claims"]:
                raise Unbuildable("a source is written as a claim")
            # The tokens a reader keeps: named in the record, not fingerprinted, for the document holds none.
            keeper = remainder.Keeper(as_json(head), {**rebuilt, "extensions": {_TOKENS: []}})
            for span in found:
                spans.add(span)
            for data, claim_id, standoff in parts:
                found, linked, seen = task.add(standoff, alone=True)
                task.written.forget(claim_id)
                for span in found:
                    spans.add(span)
                for relation in linked:
                    relations.add(relation)
                tool_id, fragment = keeper.alone(data, read_json(seen, mapping, identifier, scratch)[0])
                if fragment is not None:
                    fragments.add(fragment, tool_id)
            del task, parts  # what every claim's spans were: not needed now, and as large as the record's rest
            kept = keeper.record(fragments if fragments.count else None)
            recorded.update(keeper.fields)
            rest: dict[str, JSON] = {"spans": spans}
            if relations.count:
                rest["relations"] = relations
            rest["answer"] = "accept"
            if kept:
                rest[RECORD] = kept
            return rest

        value = Streamed(head={"text": text}, at=("tokens",), items=tokens(), late=late)
        written = write_json_values(target, [value], jsonl=jsonl)
        report.recorded.update(recorded)
        return written


def _parts(
    document: LargeDocument, text: str, mapping: AnnotationMapping, *, json: bool = True
) -> Iterator[tuple[JSON, str, Standoff]]:
    """The stand-off annotations of the sources' mentions (with None, ""), then of each claim alone (with its JSON,
    or None without ``json``, and the id of its span); :class:`~claimfmt.large.Unbuildable` at a claim Prodigy
    does not hold alone."""
    writer = StandoffWriter(text, mapping, attributes=False)  # Prodigy holds neither attributes nor notes
    writer.sources(document.head.sources)
    yield None, "", writer.flush()
    # The first pass only looks: each claim's JSON is all the writer needs (the second builds each, to check it).
    claims = (data for _, data in document.claims()) if json else document.claims_json()
    for data in claims:
        alone = writer.alone(data)
        if alone is None:
            raise Unbuildable(f"claim {data['id']!r} is not one Prodigy holds alone")
        yield data if json else None, *alone


class _Task:
    """A Prodigy task's spans and relations, made from stand-off annotations a claim's at a time, with the
    stand-off a reader makes of them (:meth:`Prodigy.write_large`)."""

    def __init__(self, text: str, mapping: AnnotationMapping, tokens: Tokens) -> None:
        self._text, self._mapping, self._tokens = text, mapping, tokens
        self.written = Written(mapping.attribution_types)

    def _span(self, start: int, end: int, label: str) -> JSON:
        first, last = self._tokens.around(start, end)
        return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label}

    def add(self, standoff: Standoff, *, alone: bool = False) -> tuple[list[JSON], list[JSON], Standoff]:
        """The spans and relations of ``standoff``'s annotations, and the stand-off a reader makes of them.

        ``alone``: they are one claim's, after the others': the stand-off holds the spans of claims before that
        its relations name (:meth:`Written.earlier` says where that cannot be).
        """
        text, written = self._text, self.written
        numbers = written.numbers
        seen = Standoff(text=text)
        spans: list[JSON] = []
        for span in plain_spans(standoff, self._mapping):
            start, end = span.fragments[0]
            number = written.add(span)
            seen.spans.append(TextBound(f"T{number + 1}", span.type, [(start, end)], text[start:end]))
            spans.append(self._span(start, end, span.type))
        relations: list[JSON] = []
        ours = {span.id for span in standoff.spans} | {link.id for link in standoff.links} if alone else set()
        earlier: set[str] = set()
        for link in standoff.links:
            if alone:
                earlier.update(written.earlier(link, ours))
            ends = [written.seen(t, f"T{numbers[t] + 1}", text) for _, t in link.args[:2] if t in numbers]
            if len(ends) == 2:
                head, child = ends
                (hs, he), (cs, ce) = head.fragments[0], child.fragments[0]
                head_span, child_span = self._span(hs, he, head.type), self._span(cs, ce, child.type)
                relations.append(
                    {"head": head_span["token_end"], "child": child_span["token_end"], "head_span": head_span,
                     "child_span": child_span, "label": link.type}
                )  # fmt: skip
                seen.links.append(
                    Link(f"R{hs}_{he}_{cs}_{ce}", link.type, [(head.type, head.id), (child.type, child.id)])
                )
        for identifier in sorted(earlier, key=numbers.__getitem__):
            seen.spans.append(written.seen(identifier, f"T{numbers[identifier] + 1}", text))
        return spans, relations, seen


def _one_span_a_place(places: dict[str, array.array[int]]) -> None:
    """:class:`~claimfmt.large.Unbuildable` where two spans share a place and a label (``places``: each span's
    start and end packed, by label): a reader takes them for one, and what each claim was read back as is not what
    the whole gives."""
    for label, at in places.items():
        if any(a == b for a, b in itertools.pairwise(sorted(at))):
            raise Unbuildable(f"two spans labelled {label!r} are at one place")


def _identifier(task: dict[str, JSON], index: int) -> str:
    meta = task.get("meta")
    value = meta.get("id") if isinstance(meta, dict) else None
    return str(value) if isinstance(value, int | str) and str(value) else f"prodigy-{index}"


def _rebuild(
    task: dict[str, JSON],
    identifier: str,
    mapping: AnnotationMapping,
    report: LossReport,
    origin: Origin,
    *,
    consume: bool = False,
) -> dict[str, JSON]:
    """The JSON of the document a task gives through the mapping alone (with its tokens kept, to be written
    again); ``consume`` takes the task's spans and relations out of it once they are read."""
    text = task["text"]
    standoff = Standoff(text=text)
    found: dict[tuple[int, int, str], str] = {}
    labels: dict[str, str] = {}  # span id -> its label

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
            labels[found[key]] = label
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
            # Named by its ends, not its place: the ids made from it stay when other relations are deleted.
            (hs, he), (cs, ce) = (_bounds(relation["head_span"]), _bounds(relation["child_span"]))
            standoff.links.append(Link(f"R{hs}_{he}_{cs}_{ce}", label, [(labels[head], head), (labels[child], child)]))
    if consume:
        task.pop("spans", None)
        task.pop("relations", None)
    data, _ = read_json(standoff, mapping, identifier, report)
    if isinstance(task.get("tokens"), list):
        data["extensions"] = {_TOKENS: task["tokens"]}  # the last key, as the model orders them
    return data


def _bounds(span: dict[str, JSON]) -> tuple[int, int]:
    return span["start"], span["end"]


def _task(document: Document, mapping: AnnotationMapping, report: LossReport) -> dict[str, JSON]:
    """The Prodigy task for a document: spans, relations between a claim and its source, tokens."""
    text = document.article.text or ""
    standoff = write_document(document, mapping, report, attributes=False)  # it holds neither
    spans = plain_spans(standoff, mapping)
    boundaries = [edge for s in spans for edge in s.fragments[0]]
    kept = (document.extensions or {}).get(_TOKENS)
    places = fits(kept, text, boundaries)
    if places is not None:
        written = kept
    else:
        places = make(text, boundaries)
        written = [
            {"text": text[s:e], "start": s, "end": e, "id": n, "ws": e < len(text) and text[e].isspace()}
            for n, (s, e) in enumerate(places)
        ]
    index = Tokens.of(places)
    out: dict[str, dict[str, JSON]] = {}
    for item in spans:
        start, end = item.fragments[0]
        first, last = index.around(start, end)
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
    task: dict[str, JSON],
    document: Document,
    mapping: AnnotationMapping,
    report: LossReport,
    *,
    written: bool,
    only: bool,
) -> Document:
    """``document`` with what the writer would not give back of ``task`` kept (and counted); ``only``: the task,
    ``written`` by claimfmt, holds no key its writer does not write (:func:`_only_written`)."""
    # Relations are written only where the document has one.
    if (
        only
        and not {_TASK, _TOKENS} & set(extensions_of(document))
        and ("relations" not in task or relates(as_json(document), mapping))
    ):
        return document  # nothing Prodigy added: writing the document again would find nothing to keep
    again = _task(document, mapping, LossReport(source="-", target="-"))
    return kept_by_reader(
        document, _parsed(task), again, written=written, extension=_TASK, field="prodigy", report=report
    )


#: The keys the writer writes of each token it makes.
_TOKEN = frozenset({"text", "start", "end", "id", "ws"})
#: What the writer writes of every span (a relation's ends too), relation and task (its tokens told apart).
_SPAN: Shape = dict.fromkeys(("start", "end", "token_start", "token_end", "label"))
_WRITTEN: Shape = {
    "text": None,
    "tokens": None,
    "spans": _SPAN,
    "relations": {"head": None, "child": None, "head_span": _SPAN, "child_span": _SPAN, "label": None},
    "answer": None,
}


def _only_written(task: dict[str, JSON]) -> bool:
    """Whether a task holds no key the writer would not write again (but ``relations``, written only where the
    document has one), told without writing it: every key is one the writer writes wherever it writes the
    object holding it."""
    if not only_written(task, _WRITTEN):
        return False
    tokens = task.get("tokens")
    if isinstance(tokens, _Unparsed):
        return tokens.keys <= _TOKEN
    # A token's values are all plain: its keys say it all, gathered in one pass over thousands of tokens.
    return not isinstance(tokens, list) or set().union(*(t for t in tokens if type(t) is dict)) <= _TOKEN
