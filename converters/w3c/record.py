"""The W3C writer's two modes: public by default, and with ``--record`` a claimfmt record beside the annotations.

W3C annotations go to public annotation servers, so by default the writer
withholds what :func:`~claimfmt.converters.publishing.withheld` names (the article's
text, what names an anonymous source) and counts it as dropped. With ``--record``
it writes the same annotations and adds a claimfmt record (``converters/remainder.py``)
under the ``claimfmtRecord`` term: each claim's fragment on the claim's own
annotation, the rest on the collection (or page). The record gives back exactly
what the public annotations do not, and a reader applies it to the annotations as
they come back, edited or not.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO

from claimfmt.converters import remainder
from claimfmt.converters.base import LossReport, Options, Origin
from claimfmt.converters.offsets import Unit
from claimfmt.converters.publishing import withheld, withheld_claims_json
from claimfmt.converters.w3c.reader import _Reader, read
from claimfmt.converters.w3c.terms import _OURS, ANNO_CONTEXT, CLAIMFMT_CONTEXT, JSON, RECORD_TERM
from claimfmt.converters.w3c.writer import _bare, _Writer
from claimfmt.large import LargeDocument, Unbuildable
from claimfmt.model import Document
from claimfmt.reading import Record
from claimfmt.structuring import as_json, claim_by_claim, without_claims
from claimfmt.writing import Streamed, write_json_values

__all__ = ["reads_back_as_written", "write", "write_large"]


def write(document: Document, options: Options, report: LossReport, *, stream: bool = False) -> list[JSON]:
    """The W3C JSON values of ``document``: public, or with ``options.record`` carrying the claimfmt record.

    With ``stream``, a public collection of many claims may be a :class:`~claimfmt.writing.Streamed` value,
    for a writer to write an annotation at a time.
    """
    # The writer takes each claim from its JSON (renamed where it cites an anonymous source), and the document's
    # other fields from its head: a document read from claimfmt never builds its claims' models here.
    head, claims = without_claims(document), claim_by_claim(document)[1]
    count = len(claims) if isinstance(claims, list) else len(document.claims)
    text = head.article.text
    if not options.record:
        public: Iterable[JSON] = withheld_claims_json(head, claims)
        if isinstance(claims, list):
            public = list(public)  # held claims stay held: a page of them is written whole, as it was
        writer = _Writer(withheld(head, report), options, report, text=text, stream=stream, claims=public, count=count)
        return writer.values()
    claims = list(claims)
    pairs = list(withheld_claims_json(head, claims))
    public_head = withheld(head, None)
    bare = _bare(head, claims)
    as_written = reads_back_as_written(head, claims, options)
    while True:
        # What the record keeps is known once the public annotations are read back as a reader would (or once it
        # is known that the reader gives back the public document).
        scratch = LossReport(source="claimfmt", target="w3c")
        writer = _Writer(public_head, options, scratch, bare=bare, text=text, claims=pairs, count=count)
        values = writer.values()
        if as_written:
            rebuilt: Document | JSON = {**as_json(public_head), "claims": pairs}
            rebuilt_ids = [data["id"] for data in pairs]
        else:
            rebuilt = _read_back(values, options, text)
            rebuilt_ids = [claim.id for claim in rebuilt.claims]
        kept = remainder.keep(document, rebuilt)
        if kept is None:
            return values
        if writer.shape != "annotation" or set(kept) <= {"v", "claims"}:
            break
        bare = False  # bare annotations have no container to carry the document's part
    report.recorded.update(remainder.fields(kept))
    fragments = kept.pop("claims", {})
    annotations = {}
    if len(rebuilt_ids) == len(writer.annotations):  # else each fragment stays on the container
        annotations = dict(zip(rebuilt_ids, writer.annotations, strict=True))
    for key in list(fragments):
        annotation = annotations.get(key)
        if annotation is not None:
            annotation[RECORD_TERM] = fragments.pop(key)
            if "@context" in annotation:  # a bare annotation: the term is ours
                annotation["@context"] = [ANNO_CONTEXT, CLAIMFMT_CONTEXT]
    if fragments:
        kept["claims"] = fragments
    if writer.shape != "annotation":
        values[0][RECORD_TERM] = kept
    return values


def reads_back_as_written(document: Document, claims: Iterable[JSON], options: Options) -> bool:
    """Whether a reader gives back exactly the public document (:func:`withheld`) from the annotations written of
    it, known without reading them: its offsets are in code points, and it holds nothing kept from reading W3C (a
    shape, other items, an annotation's or the article's residue), which the writer gives back as it was read
    rather than as it maps a document. ``claims``: the claims' JSON (``document`` may be its head alone).

    Reading back is most of what ``--record`` costs; a property test (``tests/test_w3c.py``) reads back every
    document this says yes to, and compares.
    """
    if options.offset_unit not in (None, Unit.CODEPOINT):
        return False  # offsets in another unit are converted both ways: read back, not assumed
    kept = (document.extensions, document.article.extensions, *(claim.get("extensions") for claim in claims))
    return not any(_kept_from_reading(extensions) for extensions in kept)


def _kept_from_reading(extensions: Mapping[str, JSON] | None) -> bool:
    """Whether extensions hold what reading W3C kept (a key of ours), which the writer writes back as read."""
    return extensions is not None and any(key.startswith(_OURS) for key in extensions)


def _read_back(values: list[JSON], options: Options, text: str | None) -> Document:
    """The document a reader makes of the W3C values written (told the text, as the record tells it)."""
    records = (Record(file="<w3c>", index=i, data=value) for i, value in enumerate(values))
    # With the text, which reading the record gives the reader: offsets in another unit are counted alike.
    found = read(records, options, LossReport(source="w3c", target="claimfmt"), text=text)
    (rebuilt,) = [item.document for item in found]
    return rebuilt


def write_large(
    document: LargeDocument,
    target: str | os.PathLike[str] | IO[bytes],
    options: Options,
    report: LossReport,
    *,
    jsonl: bool | None = None,
) -> int:
    """:func:`write` with ``--record`` for a large document whose claims come one at a time, never all held.

    Each claim's annotation is read back as the reader reads it in the collection (or, where the reader surely
    gives back the public claim, as :func:`reads_back_as_written` tells, not read), and its fragment of the
    record (:class:`remainder.Keeper`) put on it; the collection's part, known once every claim has come, is
    written after them. Raises :class:`~claimfmt.large.Unbuildable` where a claim does not come back where it
    was (pairing it needs every claim at once): the document is then converted whole.
    """
    head = document.head
    scratch = LossReport(source="claimfmt", target="w3c")
    writer = _Writer(withheld(head, None), options, scratch, text=head.article.text, count=len(document))
    collection = writer.collection([], total=len(document))
    origin = Origin(file="<w3c>", index=0)
    reader = _Reader(options, LossReport(source="w3c", target="claimfmt"), origin, text=head.article.text)
    # The collection read back without its claims: nor the relations, then, which the reader drops for naming
    # claims it does not hold (it holds them all, and gives back the relations as written).
    alone = {key: value for key, value in collection.items() if key != "relations"}
    rebuilt = reader.container({**alone, "total": 0}, "AnnotationCollection")
    if rebuilt is None:
        raise Unbuildable("the collection does not read back")
    rebuilt_json = as_json(rebuilt)
    if "relations" in collection:
        rebuilt_json = {**rebuilt_json, "relations": collection["relations"]}
    keeper = remainder.Keeper(as_json(head), rebuilt_json)
    reading = _Writer(rebuilt, options, scratch)  # what the reader compares each annotation with
    # Claims are read back only where :func:`reads_back_as_written` would say no of a document holding them.
    as_written = reads_back_as_written(head, (), options)
    fragments = 0

    def annotations() -> Iterator[JSON]:
        nonlocal fragments
        # Each claim is built (a claim msgspec cannot build raises Unbuildable), and written from its JSON.
        ours, public = itertools.tee(data for _, data in document.claims())
        for index, (data, public_data) in enumerate(zip(ours, withheld_claims_json(head, public), strict=True)):
            annotation = writer.annotation(public_data, standalone=False)
            if as_written and not _kept_from_reading(data.get("extensions")):
                read_data = public_data  # as :func:`write` takes it, for a claim
            else:
                draft = reader.annotation(
                    annotation, index, f"/first/items/{index}", standalone=False, origin=reader.origin
                )
                if draft.claim is None:
                    raise Unbuildable(f"claim {data['id']!r} does not read back")
                read_data = reader.finished(draft, draft.claim, reading)
            fragment = keeper.claim(data, read_data)
            if fragment is not None:
                annotation[RECORD_TERM] = fragment
                fragments += 1
            yield annotation

    def late() -> dict[str, JSON]:
        kept = keeper.rest()
        if kept is None and not fragments:
            return {}  # nothing to keep: no record at all
        return {RECORD_TERM: kept or {"v": remainder.VERSION}}

    value = Streamed(head=collection, at=("first", "items"), items=annotations(), late=late)
    written = write_json_values(target, [value], jsonl=jsonl)
    report.recorded.update(keeper.fields)
    return written
