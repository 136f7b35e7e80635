"""Stand-off annotations, the shape every annotation tool shares, and their mapping to claimfmt.

brat, Label Studio, doccano and WebAnno TSV all come down to text-bound spans
(typed, possibly discontinuous), links between them (events with a trigger, or
relations), attributes on spans or links, and notes. Each tool's module reads its
files into a :class:`Standoff` and writes one out; this module turns a
:class:`Standoff` into a claimfmt :class:`~claimfmt.model.Document` and back, as
an :class:`~claimfmt.converters.mapping.AnnotationMapping` says.

Reading keeps what the mapping does not cover (``Standoff.unmapped``) for the tool
module to write back. Writing makes a *record*: the exact patch from the document a
reader would rebuild from the tool's annotations alone to the document written
(``converters/patches.py``). The tool module stores it where the tool allows (a brat
note, a Label Studio task's ``meta``, a doccano key), so that claimfmt -> tool ->
claimfmt gives back the document.
"""

from __future__ import annotations

import array
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from claimfmt.converters.base import LossReport
from claimfmt.converters.mapping import AnnotationMapping
from claimfmt.large import Unbuildable
from claimfmt.model import Commitment, Document, HedgeKind, Mode, Source, Span, Stance, State, latest_json
from claimfmt.structuring import as_json, trusted
from claimfmt.versions import CURRENT_VERSION

__all__ = [
    "Attribute",
    "Link",
    "Note",
    "Standoff",
    "StandoffWriter",
    "TextBound",
    "Written",
    "plain_spans",
    "read_document",
    "read_json",
    "relates",
    "unused",
    "write_document",
]

_ROLE_NUMBER = re.compile(r"\d+$")
_TOOL_ID = re.compile(r"T\d+")
_LINE_BREAKING = re.compile("[\r\n\t\x00]")  # what a note, one line of a text file, cannot hold
_TYPE = "org.claimfmt.tool:type"
#: An event's trigger where it is not the cue's span (a brat trigger of its own): its fragments, to write back.
_TRIGGER = "org.claimfmt.tool:trigger"
#: The event an attribution was read from, where one event names several claims (``Content:T3 Content2:T5``):
#: the attributions it gave are written back as that one event.
_EVENT = "org.claimfmt.tool:event"


@attrs.define
class TextBound:
    """A typed stretch of text, in code points; several fragments for a discontinuous one.

    No fragments: a quote a reader could not place (orphaned by anchoring); it reads as a span
    with its quote and no offsets.
    """

    id: str
    type: str
    fragments: list[tuple[int, int]]
    text: str


@attrs.define
class Link:
    """An event (with a trigger span) or a relation (without), with (role, target id) arguments."""

    id: str
    type: str
    args: list[tuple[str, str]]
    trigger: str | None = None


@attrs.define
class Attribute:
    """An attribute on a span or link: valued, or binary (``value`` None)."""

    id: str
    name: str
    target: str
    value: str | None = None


@attrs.define
class Note:
    """A free-text note on a span or link."""

    id: str
    type: str
    target: str
    text: str


@attrs.define
class Standoff:
    """One text with its annotations. ``unmapped`` is what the mapping did not take, in the tool's own form."""

    text: str
    spans: list[TextBound] = attrs.field(factory=list)
    links: list[Link] = attrs.field(factory=list)
    attributes: list[Attribute] = attrs.field(factory=list)
    notes: list[Note] = attrs.field(factory=list)
    unmapped: list[Any] = attrs.field(factory=list)

    def items(self) -> list[TextBound | Link | Attribute | Note]:
        """Every annotation, spans first, then links, attributes and notes."""
        return [*self.spans, *self.links, *self.attributes, *self.notes]

    def spans_by_id(self) -> dict[str, TextBound]:
        """The spans by id (the first, where a damaged file repeats one): built once per pass, not per lookup."""
        found: dict[str, TextBound] = {}
        for span in self.spans:
            found.setdefault(span.id, span)
        return found


@attrs.define
class _Used:
    """Ids of the annotations the mapping took."""

    ids: set[str] = attrs.field(factory=set)


def read_document(
    standoff: Standoff,
    mapping: AnnotationMapping,
    identifier: str,
    report: LossReport,
) -> tuple[Document, _Used]:
    """A claimfmt document from stand-off annotations, as the mapping reads them."""
    data, used = read_json(standoff, mapping, identifier, report)
    return trusted(data), used


def read_json(
    standoff: Standoff,
    mapping: AnnotationMapping,
    identifier: str,
    report: LossReport,
) -> tuple[dict[str, Any], _Used]:
    """The JSON of :func:`read_document`'s document: made as JSON, since a tool writer compares it with the
    document it wrote (``remainder.keep``) and a reader applies a record to it, both on JSON."""
    used = _Used()
    text, first = standoff.text, mapping.first
    attributes = _attributes_by_target(standoff)
    spans_by_id = standoff.spans_by_id()
    statements: dict[str, Note] = {}  # claim span id -> the first note that gives its statement
    for note in standoff.notes:
        if note.type == mapping.claim_text_note and note.text:
            statements.setdefault(note.target, note)

    names = mapping.attributes

    def attribute(target: str, field: str, enum: type[Any]) -> str | None:
        found = attributes.get(target)
        if not found:  # most targets, and all of a tool without attributes (doccano)
            return None
        name = names.get(field)
        for item in found:
            if item.name == name and item.value in enum._value2member_map_:
                used.ids.add(item.id)
                return item.value
        return None

    def own_type(types: frozenset[str] | tuple[str, ...], fallback: str, actual: str) -> dict[str, Any] | None:
        # Where a mapping lists several tool types for one notion, the writer writes the first: keep the one read.
        return {_TYPE: actual} if actual != first(types, fallback) else None

    claims: dict[str, dict[str, Any]] = {}
    for span in standoff.spans:
        if span.type in mapping.claim_types:
            used.ids.add(span.id)
            statement = " ".join([text[s:e] for s, e in span.fragments]) if span.fragments else span.text
            said = statements.get(span.id)
            if said is not None:
                statement = said.text
                used.ids.add(said.id)
            claim: dict[str, Any] = {"id": span.id, "text": statement or span.type, "spans": _spans(span, text)}
            claim["attributions"] = []
            state = attribute(span.id, "state", State)
            if state is not None:
                claim["verifications"] = [{"state": state}]
            extensions = own_type(mapping.claim_types, "Claim", span.type)
            if extensions is not None:
                claim["extensions"] = extensions
            claims[span.id] = claim
    sources: dict[str, dict[str, Any]] = {}
    for span in standoff.spans:
        if span.type in mapping.source_types:
            used.ids.add(span.id)
            sources[span.id] = _source(span.id, span, text, own_type(mapping.source_types, "Source", span.type))
    for link in standoff.links:
        if link.type not in mapping.attribution_types:
            continue
        roles = [(_ROLE_NUMBER.sub("", role), target) for role, target in link.args]
        claim_ids = [t for r, t in roles if r in mapping.claim_roles and t in claims]
        if not claim_ids:
            continue  # an attribution of nothing the mapping calls a claim: kept as it is
        used.ids.add(link.id)
        if link.trigger is not None and link.trigger not in claims:
            used.ids.add(link.trigger)
        source_id = next((t for r, t in roles if r in mapping.source_roles), None)
        if source_id is None or source_id not in spans_by_id:
            # PolNeAR's Attribution-no-source: someone unnamed, nowhere in the text.
            # An id of the schema's form, whatever characters the tool's own ids use.
            source_id = re.sub(r"[^A-Za-z0-9_.:-]", "_", f"{link.id}-source").lstrip(".:-") or "source"
            sources[source_id] = {"id": source_id, "kind": "unknown", "name": None, "anonymous": True}
        elif source_id not in sources:
            used.ids.add(source_id)
            said_by = spans_by_id[source_id]
            sources[source_id] = _source(
                source_id, said_by, text, own_type(mapping.source_types, "Source", said_by.type)
            )
        cue: dict[str, Any] | None = None
        hedges = []
        for role, target in roles:
            argument = spans_by_id.get(target)
            if argument is None or not argument.fragments:
                continue
            start, end = argument.fragments[0]
            if role in mapping.cue_roles and cue is None and end > start:
                used.ids.add(target)
                cue = {"start": start, "end": end, "exact": text[start:end]}
                extensions = own_type(mapping.cue_types, "Cue", argument.type)
                if extensions is not None:
                    cue["extensions"] = extensions
            elif role in mapping.hedge_roles and end > start:
                used.ids.add(target)
                exact = text[start:end]
                hedge: dict[str, Any] = {
                    "kind": attribute(target, "hedge_kind", HedgeKind) or HedgeKind.OTHER.value,
                    "text": exact,
                    "span": {"start": start, "end": end, "exact": exact},
                }
                extensions = own_type(mapping.hedge_types, "Hedge", argument.type)
                if extensions is not None:
                    hedge["extensions"] = extensions
                hedges.append(hedge)
        # A second attribution type (PolNeAR's Attribution-no-source) is remembered, to be written back,
        # and so is a trigger that is not the cue's span (the writer makes the cue the trigger).
        extras = own_type(mapping.attribution_types, "Attribution", link.type) or {}
        if len(claim_ids) > 1:
            extras[_EVENT] = link.id
        trigger = spans_by_id.get(link.trigger) if link.trigger is not None else None
        if trigger is not None and link.trigger not in claims:
            cue_fragments = [(cue["start"], cue["end"])] if cue is not None else None
            if list(trigger.fragments) != cue_fragments:
                extras[_TRIGGER] = [list(fragment) for fragment in trigger.fragments]
        for claim_id in claim_ids:
            # On the link (a brat event), or on the claim where the tool cannot annotate links.
            attribution: dict[str, Any] = {
                "source": source_id,
                "stance": attribute(link.id, "stance", Stance)
                or attribute(claim_id, "stance", Stance)
                or Stance.ASSERTS.value,
            }
            for field, enum in (("commitment", Commitment), ("mode", Mode)):
                value = attribute(link.id, field, enum) or attribute(claim_id, field, enum)
                if value is not None:
                    attribution[field] = value
            if cue is not None:
                attribution["cue"] = cue
            if hedges:
                attribution["hedges"] = hedges
            if extras:
                attribution["extensions"] = extras
            claims[claim_id]["attributions"].append(attribution)
    data = {
        "claimfmt": CURRENT_VERSION,
        "id": identifier,
        "article": {"text": text},
        "sources": list(sources.values()),
        "claims": list(claims.values()),
    }
    return data, used


def unused(standoff: Standoff, used: _Used) -> Iterator[TextBound | Link | Attribute | Note]:
    """The annotations the mapping did not take, in file order by kind."""
    for item in standoff.items():
        if item.id not in used.ids:
            yield item


def write_document(
    document: Document,
    mapping: AnnotationMapping,
    report: LossReport,
    *,
    events: bool = False,
    attributes: bool = True,
) -> Standoff:
    """Stand-off annotations for a document, as far as the mapping and the tool can carry it.

    ``events`` says the tool's links may have more than two arguments (brat events): the
    attributions read from one event that names several claims are written back as it.
    ``attributes`` False leaves out attributes and notes, for a tool that holds neither (doccano).

    The tool module reads what it wrote back and keeps the difference as its record
    (``converters/remainder.py``), so that claimfmt -> tool -> claimfmt is exact.
    """
    writer = StandoffWriter(document.article.text or "", mapping, events=events, attributes=attributes)
    writer.sources(document.sources)
    # The claims from their JSON, which the writer's record compares next (kept, where it was made here).
    for claim in as_json(document, keep=True)["claims"]:
        writer.claim(claim)
    return writer.standoff


def relates(document: Mapping[str, Any], mapping: AnnotationMapping) -> bool:
    """Whether :func:`write_document` surely writes a link between two spans (a tool without events holds those):
    an attribution of a claim the text holds to a source it mentions, or with a cue or hedge it holds. Told
    without writing, by a reader that asks whether there are links to give back, of the document's JSON (its
    model may not be built: ``remainder.restore``)."""
    if not (mapping.claim_types and mapping.attribution_types):
        return False
    text, triggers = document["article"].get("text") or "", mapping.attribution_types
    cues, hedges = bool(mapping.cue_roles), bool(mapping.first(mapping.hedge_roles, ""))

    def held(extensions: Mapping[str, Any] | None, spans: Iterable[Mapping[str, Any] | None]) -> bool:
        # A span kept as of an attribution's type may be taken for a trigger, which such a tool does not hold.
        kept = (extensions or {}).get(_TYPE)
        placed = (s is not None and _within(s.get("start"), s.get("end"), text) for s in spans)
        return kept not in triggers and any(placed)

    mentioned = (
        {s["id"] for s in document["sources"] if held(s.get("extensions"), s.get("mentions") or ())}
        if mapping.source_roles
        else set()
    )

    def other_end(attribution: Mapping[str, Any]) -> bool:
        cue = attribution.get("cue")
        return (
            attribution["source"] in mentioned
            or (cues and cue is not None and held(cue.get("extensions"), (cue,)))
            or (hedges and any(held(h.get("extensions"), (h.get("span"),)) for h in attribution.get("hedges") or ()))
        )

    return any(
        other_end(attribution)
        for claim in document["claims"]
        if claim["attributions"] and held(claim.get("extensions"), claim["spans"])
        for attribution in claim["attributions"]
    )


class StandoffWriter:
    """:func:`write_document` a part at a time: the sources' mentions, then each claim in turn.

    What each part adds is appended to :attr:`standoff`, which a writer that takes a claim at a time
    (``claimfmt.large``) may empty between claims: only what later claims may share (a cue, a trigger
    or a hedge span, an event) is remembered apart from it.
    """

    def __init__(self, text: str, mapping: AnnotationMapping, *, events: bool = False, attributes: bool = True) -> None:
        self.text = text
        self.mapping = mapping
        self.standoff = Standoff(text=text)
        self._events = events
        self._attributes = attributes
        self._counter = {"T": 0, "E": 0, "A": 0, "#": 0}
        # Kind -> place (:func:`_place`) -> span id (its number, for one the counter gave).
        self._shared: dict[str, dict[int | tuple[tuple[int, int], ...], int | str]] = {}
        self._kept: set[str] = set()  # the ids kept from the tool (the others the counter gives in turn)
        # Spans of the attribution type by id: an event's trigger, retyped as the attribution it triggers.
        self._triggers: dict[str, TextBound] = {}
        self._written: dict[str, tuple[tuple[str, str], ...]] = {}  # target -> the attributes (name, value) on it
        self._claims: list[str] = []  # the claims' spans since the last flush
        self._mentions: dict[str, str] = {}
        # Event read -> the attribution and link written, and the flush it was written in.
        self._grouped: dict[str, tuple[Mapping[str, Any], Link, int]] = {}
        self._flushes = 0
        self.claim_type = mapping.first(mapping.claim_types, "Claim")
        self.source_type = mapping.first(mapping.source_types, "Source")
        self.cue_type = mapping.first(mapping.cue_types, "Cue")
        self.hedge_type = mapping.first(mapping.hedge_types, "Hedge")
        self.link_type = mapping.first(mapping.attribution_types, "Attribution")
        self._claim_role = mapping.first(mapping.claim_roles, "Claim")
        self._source_role = mapping.first(mapping.source_roles, "Source")
        self._cue_role = mapping.first(mapping.cue_roles, "Cue")
        self._hedge_role = mapping.first(mapping.hedge_roles, "")

    def _taken(self, identifier: str) -> bool:
        """Whether a ``T`` id is given: kept from the tool, or one the counter gave (``T1`` up to its count)."""
        number = int(identifier[1:])
        return identifier in self._kept or (identifier == f"T{number}" and 1 <= number <= self._counter["T"])

    def _new(self, prefix: str) -> str:
        self._counter[prefix] += 1
        return f"{prefix}{self._counter[prefix]}"

    def _span(self, kind: str, fragments: list[tuple[int, int]], prefer: str | None = None) -> str:
        shared = self._shared.get(kind)
        if shared is None:
            shared = self._shared[kind] = {}
        place = _place(fragments)
        if prefer is None and (found := shared.get(place)) is not None:
            return found if isinstance(found, str) else f"T{found}"  # a cue, trigger or hedge shared is written once
        # Keep ids read from the tool where they still fit, so that kept annotations still find them.
        remembered: int | str
        if prefer and _TOOL_ID.fullmatch(prefer) and not self._taken(prefer):
            identifier = remembered = prefer
            self._kept.add(prefer)
        else:
            identifier = self._new("T")
            while identifier in self._kept:
                identifier = self._new("T")
            remembered = self._counter["T"]  # by its number: a large document's are all remembered
        if place not in shared:
            shared[place] = remembered
        text = self.text
        span = TextBound(
            identifier,
            kind,
            fragments,
            text[fragments[0][0] : fragments[0][1]]
            if len(fragments) == 1
            else " ".join([text[s:e] for s, e in fragments]),
        )
        self.standoff.spans.append(span)
        if kind == self.link_type:
            self._triggers[identifier] = span
        return identifier

    def _attribute(self, field: str, target: str, value: str | None) -> None:
        name = self.mapping.attributes.get(field)
        if not (self._attributes and name and value is not None):
            return
        written = self._written.get(target, ())
        if (name, value) not in written:
            self._written[target] = (*written, (name, value))
            self.standoff.attributes.append(Attribute(self._new("A"), name, target, value))

    def flush(self) -> Standoff:
        """The annotations added since the last flush, taken out of :attr:`standoff`, for a writer that takes a
        claim at a time. A trigger flushed is not retyped after (:meth:`Written.earlier` tells where a later claim
        would retype it), and an event flushed names no later claim (:class:`~claimfmt.large.Unbuildable`)."""
        flushed, self.standoff = self.standoff, Standoff(text=self.text)
        self._triggers.clear()
        self._flushes += 1
        # What no later claim gives an attribute: its links and its own span (a hedge's may be shared).
        for target in (*self._claims, *(link.id for link in flushed.links)):
            self._written.pop(target, None)
        self._claims.clear()
        return flushed

    def alone(self, claim: Mapping[str, Any]) -> tuple[str, Standoff] | None:
        """:meth:`claim`, then :meth:`flush`: the claim's span id and its annotations, for a writer that takes a
        claim at a time. None where a reader would make of them alone something else than among the others'
        (the tool has no place for the claim, or one of its spans is of a source's kind)."""
        claim_id = self.claim(claim)
        flushed = self.flush()
        if claim_id is None or any(span.type in self.mapping.source_types for span in flushed.spans):
            return None
        return claim_id, flushed

    def attributes_on(self, target: str) -> list[Attribute]:
        """The attributes written on a span a later claim may share (a hedge's), as a reader sees them."""
        pairs = self._written.get(target, ())
        return [Attribute(f"A-{target}-{n}", name, target, value) for n, (name, value) in enumerate(pairs)]

    def sources(self, sources: Iterable[Source]) -> None:
        """The spans of the sources' first mentions the text holds (a source's span in the tool)."""
        for source in sources:
            for mention in source.mentions or ():
                if _placed(mention, self.text) and source.id not in self._mentions:
                    kind = _kept_type(source.extensions, self.source_type)
                    self._mentions[source.id] = self._span(kind, [(mention.start, mention.end)], source.id)  # type: ignore[list-item]

    def claim(self, claim: Mapping[str, Any]) -> str | None:
        """One claim's span, notes, attributes and links; the id of its span (None: the tool has no place for it,
        and the tool module's record keeps it). ``claim`` is the claim's JSON (of a valid document): the writer
        needs no model."""
        text, mapping = self.text, self.mapping
        fragments = [fragment for s in claim["spans"] if (fragment := _fragment(s, text))]
        if not fragments or not mapping.claim_types:
            return None
        claim_id = self._span(_kept_type(claim.get("extensions"), self.claim_type), fragments, claim["id"])
        self._claims.append(claim_id)
        # A note is one line of a text file; else the record has the statement.
        statement = claim["text"]
        if (
            self._attributes
            and mapping.claim_text_note
            and _LINE_BREAKING.search(statement) is None
            and statement != " ".join(text[s:e] for s, e in fragments)
        ):
            self.standoff.notes.append(Note(self._new("#"), mapping.claim_text_note, claim_id, statement))
        latest = latest_json(claim)
        if latest is not None:
            # One state a claim: the one that stands; the record keeps the other assessments.
            self._attribute("state", claim_id, latest["state"])
        if mapping.attribution_types:
            for attribution in claim["attributions"]:
                self._attribution(attribution, claim_id)
        return claim_id

    def _attribution(self, attribution: Mapping[str, Any], claim_id: str) -> None:
        text, mapping = self.text, self.mapping
        args = [(self._claim_role, claim_id)]
        source = attribution["source"]
        if source in self._mentions and mapping.source_roles:
            args.append((self._source_role, self._mentions[source]))
        trigger = claim_id
        extensions = attribution.get("extensions") or {}
        own = _trigger_fragments(extensions.get(_TRIGGER), text)
        cue = attribution.get("cue")
        if cue is not None and (fragment := _fragment(cue, text)) and mapping.cue_roles:
            args.append((self._cue_role, self._span(_kept_type(cue.get("extensions"), self.cue_type), [fragment])))
            if own is None:
                trigger = self._span(self.link_type, [fragment])
        if own is not None:
            trigger = self._span(self.link_type, own)
        hedge_role = self._hedge_role
        for n, hedge in enumerate(attribution.get("hedges") or ()):
            span = hedge.get("span")
            if hedge_role and span is not None and (fragment := _fragment(span, text)):
                hedge_id = self._span(_kept_type(hedge.get("extensions"), self.hedge_type), [fragment])
                self._attribute("hedge_kind", hedge_id, hedge["kind"])
                args.append((hedge_role if n == 0 else f"{hedge_role}{n + 1}", hedge_id))
        group = extensions.get(_EVENT)
        earlier = self._grouped.get(group) if self._events and isinstance(group, str) else None
        if earlier is not None and earlier[0] == attribution:
            # The same attribution of another claim of one event: that event names this claim too.
            if earlier[2] != self._flushes:
                raise Unbuildable(f"event {earlier[1].id} names claims written apart")
            claim_role = self._claim_role
            n = sum(1 for role, _ in earlier[1].args if _ROLE_NUMBER.sub("", role) == claim_role)
            earlier[1].args.append((f"{claim_role}{n + 1}", claim_id))
            return
        link_id = self._new("E")
        kind = _kept_type(attribution.get("extensions"), self.link_type)
        if trigger != claim_id and (span := self._triggers.get(trigger)) is not None:  # not flushed
            span.type = kind
        link = Link(link_id, kind, args, trigger=trigger)
        self.standoff.links.append(link)
        if self._events and isinstance(group, str):
            self._grouped.setdefault(group, (attribution, link, self._flushes))
        self._attribute("stance", link_id, attribution["stance"])
        self._attribute("commitment", link_id, attribution.get("commitment"))
        self._attribute("mode", link_id, attribution.get("mode"))


class Written:
    """The spans a tool writer has written so far (doccano's entities, Label Studio's regions) by id: each one's
    number, label and place, so that a later claim's links, written a claim at a time, are checked and read back
    as a reader of the whole file reads them. Numbers, not objects: a large document's are all remembered."""

    def __init__(self, attribution_types: tuple[str, ...], *, discontinuous: bool = False) -> None:
        """``discontinuous``: the tool holds a span's every fragment (brat); else its first."""
        #: Span id -> its number, in the order written.
        self.numbers: dict[str, int] = {}
        #: Each one's label, by number.
        self.labels: list[str] = []
        self._places = array.array("q")
        self._several: dict[int, list[tuple[int, int]]] | None = {} if discontinuous else None  # by number
        self._attribution_types = attribution_types

    def add(self, span: TextBound) -> int:
        """Write ``span``; its number."""
        number = self.numbers[span.id] = len(self.labels)
        self.labels.append(span.type)
        self._places.extend(span.fragments[0])
        if self._several is not None and len(span.fragments) > 1:
            self._several[number] = span.fragments
        return number

    def seen(self, identifier: str, read_as: str, text: str) -> TextBound:
        """What a reader makes of a span written before, under the id it reads it by."""
        number = self.numbers[identifier]
        several = self._several.get(number) if self._several is not None else None
        fragments = several or [(self._places[2 * number], self._places[2 * number + 1])]
        return TextBound(read_as, self.labels[number], fragments, " ".join([text[s:e] for s, e in fragments]))

    def forget(self, identifier: str) -> None:
        """Forget a span no later claim links to (a claim's own)."""
        number = self.numbers.pop(identifier, None)
        if self._several is not None and number is not None:
            self._several.pop(number, None)

    def earlier(self, link: Link, ours: set[str], *, events: bool = False) -> list[str]:
        """The spans of claims before that a claim's ``link`` links (``ours``: that claim's spans and links).

        ``events``: the tool holds the link whole, trigger and every argument (brat); else its first two arguments
        (a relation). :class:`~claimfmt.large.Unbuildable` where a reader of the whole file would see the link
        otherwise: it makes a span of another claim its trigger (for a relation: one written, which a trigger is
        not, or one left out as a trigger and retyped; for an event: one of another type, which the whole would
        retype), or links one not written (a claim's own, forgotten, or a trigger).
        """
        trigger = link.trigger
        found = [target for _, target in (link.args if events else link.args[:2]) if target not in ours]
        if trigger is not None and trigger not in ours:
            number = self.numbers.get(trigger)
            if events and number is not None and self.labels[number] == link.type:
                found.append(trigger)
            elif events or number is not None or link.type not in self._attribution_types:
                raise Unbuildable(f"{link.id} makes a span of another claim its trigger")
        if any(target not in self.numbers for target in found):
            raise Unbuildable(f"{link.id} links a span of another claim that is not written")
        return found


def plain_spans(standoff: Standoff, mapping: AnnotationMapping) -> list[TextBound]:
    """The placed spans a tool without events holds: all but the triggers made for attributions."""
    triggers = {link.trigger for link in standoff.links if link.trigger is not None}
    return [s for s in standoff.spans if s.fragments and not (s.id in triggers and s.type in mapping.attribution_types)]


def _place(fragments: list[tuple[int, int]]) -> int | tuple[tuple[int, int], ...]:
    """Where a span is, as a key: one number (its fragments' offsets packed, after their count), else the
    fragments themselves."""
    if len(fragments) == 1:  # the usual case, first
        start, end = fragments[0]
        if 0 <= start <= end < 1 << 32:
            return 1 | start << 8 | end << 40
    place = len(fragments)
    if place < 256:
        shift = 8
        for start, end in fragments:
            if not 0 <= start <= end < 1 << 32:
                return tuple(fragments)
            place |= start << shift | end << shift + 32
            shift += 64
        return place
    return tuple(fragments)


def _spans(span: TextBound, text: str) -> list[dict[str, Any]]:
    if not span.fragments:
        return [{"exact": span.text}] if span.text else []
    return [{"start": s, "end": e, "exact": text[s:e]} for s, e in span.fragments if e > s]


def _placed(span: Span, text: str) -> bool:
    return _within(span.start, span.end, text)


def _fragment(span: Mapping[str, Any], text: str) -> tuple[int, int] | None:
    """A span's offsets, from its JSON, where they cover some of ``text``; else None. An offset a file wrote as
    a whole float (``3.0``, an integer to JSON Schema) is the integer, as in the model."""
    start: Any = span.get("start")
    end: Any = span.get("end")
    return (int(start), int(end)) if _within(start, end, text) else None


def _within(start: int | None, end: int | None, text: str) -> bool:
    """Whether a span's offsets cover some of ``text`` (not empty, not past its end)."""
    return start is not None and end is not None and end > start and end <= len(text)


def _source(identifier: str, span: TextBound, text: str, extensions: dict[str, Any] | None) -> dict[str, Any]:
    mentions = _spans(span, text)
    source: dict[str, Any] = {
        "id": identifier,
        "kind": "unknown",
        "name": " ".join([m["exact"] for m in mentions]) or None,
        "anonymous": False,
    }
    if mentions:
        source["mentions"] = mentions
    if extensions is not None:
        source["extensions"] = extensions
    return source


def _kept_type(extensions: Any, default: str) -> str:
    """The tool type a reader kept (``org.claimfmt.tool:type``), or the one the mapping writes."""
    kept = extensions.get(_TYPE) if isinstance(extensions, dict) else None
    return kept if isinstance(kept, str) and kept and not any(c.isspace() for c in kept) else default


def _attributes_by_target(standoff: Standoff) -> dict[str, list[Attribute]]:
    found: dict[str, list[Attribute]] = {}
    for attribute in standoff.attributes:
        found.setdefault(attribute.target, []).append(attribute)
    return found


def _trigger_fragments(value: Any, text: str) -> list[tuple[int, int]] | None:
    """The fragments a reader kept for a trigger of its own, where they still fit the text; else None."""
    if not isinstance(value, list) or not value:
        return None
    fragments = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and all(type(n) is int for n in item)):
            return None
        start, end = item
        if not 0 <= start < end <= len(text):
            return None
        fragments.append((start, end))
    return fragments
