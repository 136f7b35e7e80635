"""W3C Web Annotation (``w3c``), both ways. The mapping is written down in ``docs/w3c.md``.

A document becomes an AnnotationCollection with one embedded AnnotationPage,
and each claim one Annotation: its spans are the targets (TextQuoteSelector and
TextPositionSelector, in code points), its text a ``describing`` TextualBody,
its verification an ``assessing`` one. What W3C has no key for travels in the
terms of the claimfmt JSON-LD context the package ships
(``schema/claimfmt-1.0.context.jsonld``), as JSON literals, so that no W3C
key is ever redefined. Writing is plain JSON: no JSON-LD processor, no network.
The output is public by default (no article text, nothing that names an anonymous
source); ``--record`` adds a keyed claimfmt record that gives it all back
(``record.py``).

The package: ``terms`` (our terms and small helpers), ``selectors`` (what a
target's selectors say), ``writer``, ``record`` (the two writing modes) and
``reader``.

Reading takes W3C as real tools write it. Whatever of an annotation, page or
collection the writer would not give back as it was read is kept verbatim
under the ``org.w3.anno:*`` extensions and written back on export; the
reader proves this by writing each object again and keeping what differs.
Annotations that do not target text (images, SVG regions, media fragments)
are reported and kept verbatim, never dropped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Read
from claimfmt.converters.publishing import withheld, withheld_claims_json
from claimfmt.converters.w3c.reader import read, read_large
from claimfmt.converters.w3c.record import write
from claimfmt.converters.w3c.record import write_large as write_large_record
from claimfmt.converters.w3c.terms import (
    _COLLECTION,
    _OTHER,
    _PAGE,
    _SHAPE,
    ANNO_CONTEXT,
    CLAIMFMT_CONTEXT,
    FILE_SHAPE,
    JSON,
    normalise,
)
from claimfmt.converters.w3c.writer import _Writer
from claimfmt.model import Document
from claimfmt.reading import Record
from claimfmt.writing import write_json_values

if TYPE_CHECKING:
    from claimfmt.large import LargeDocument

__all__ = ["ANNO_CONTEXT", "CLAIMFMT_CONTEXT", "W3C", "from_w3c", "normalise", "to_w3c"]


class W3C(Converter):
    """W3C Web Annotation JSON-LD: collections, pages or annotations; JSON, arrays or JSONL."""

    name: ClassVar[str] = "w3c"
    summary: ClassVar[str] = "W3C Web Annotation (AnnotationCollection, AnnotationPage, Annotation)"
    file_shape: ClassVar[str | None] = FILE_SHAPE

    def read_large(self, path: str | os.PathLike[str], options: Options, report: LossReport) -> list[Read] | None:
        # One collection or page is read an annotation at a time, never parsed whole.
        return read_large(path, options, report)

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for found in read(records, options, report):
            yield Read(document=self.in_array_of_one(found.document, found.origin), origin=found.origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        for document in documents:
            yield from write(document, options, report, stream=True)

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        # The public collection is written an annotation at a time; a shape kept from reading W3C needs the
        # document whole.
        head = document.head
        if not (head.extensions or {}).keys().isdisjoint(_KEPT):
            return super().write_large(document, target, options, report, jsonl=jsonl)
        if options.record:
            return write_large_record(document, target, options, report, jsonl=jsonl)
        # Each claim is built (a claim msgspec cannot build raises Unbuildable), and written from its JSON.
        claims = withheld_claims_json(head, (data for _, data in document.claims()))
        writer = _Writer(
            withheld(head, report),
            options,
            report,
            text=head.article.text,
            stream=True,
            claims=claims,
            count=len(document),
        )
        return write_json_values(target, writer.values(), jsonl=jsonl)


#: What reading W3C keeps on a document for writing it back as it was (its file's and container's shape).
_KEPT = (FILE_SHAPE, _SHAPE, _COLLECTION, _PAGE, _OTHER)


def to_w3c(document: Document, options: Options | None = None, report: LossReport | None = None) -> list[JSON]:
    """A document as W3C JSON: one AnnotationCollection (or, for one read from bare annotations, those)."""
    return write(document, options or Options(), report or LossReport(source="claimfmt", target="w3c"))


def from_w3c(data: JSON | Sequence[JSON], options: Options | None = None) -> tuple[list[Document], LossReport]:
    """Documents from W3C JSON (a collection, a page, an annotation, or a list of these), with the report."""
    report = LossReport(source="w3c", target="claimfmt")
    items = data if isinstance(data, list) else [data]
    records = iter([Record(file="<w3c>", index=i, data=item) for i, item in enumerate(items)])
    documents = [read.document for read in W3C().read_records(records, options or Options(), report)]
    return documents, report
