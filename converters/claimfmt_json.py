"""claimfmt itself as a format, so that ``convert`` reads and writes it like any peer."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read
from claimfmt.large import LargeDocument, read_large
from claimfmt.model import Document
from claimfmt.reading import Record, document_from_json
from claimfmt.structuring import as_json, deferred
from claimfmt.validation import validate
from claimfmt.versions import CURRENT_VERSION
from claimfmt.writing import Streamed, to_json, write_json_values

__all__ = ["ClaimfmtJSON"]


class ClaimfmtJSON(Converter):
    """claimfmt documents: JSON, JSON arrays or JSONL. Every input document is validated."""

    name: ClassVar[str] = "claimfmt"
    summary: ClassVar[str] = "claimfmt documents (JSON, JSON array, JSONL)"
    validates: ClassVar[bool] = True

    def read_large(self, path: str | os.PathLike[str], options: Options, report: LossReport) -> list[Read] | None:
        # One valid document is built part by part, never held as parsed JSON.
        document = read_large(path)
        if document is None:
            return None
        report.records_read += 1
        origin = Origin(file=str(path), index=0)  # where reading it whole places it
        for issue in document._issues or ():
            report.add(issue, origin)
        return [Read(document=document, origin=origin)]

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for record in records:
            origin = Origin.of(record)
            issues = [record.issue] if record.issue is not None else validate(record.data)
            for issue in issues:
                report.add(issue, origin)
            if record.issue is None and not any(issue.severity == "error" for issue in issues):
                data = record.data
                # Valid as the current version: its model built when first asked for (writing Parquet or claimfmt
                # never asks), holding its JSON (the record is ours alone).
                document = deferred(data) if data["claimfmt"] == CURRENT_VERSION else document_from_json(data)
                yield Read(document=document, origin=origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[Any]:
        for document in documents:
            yield to_json(document)

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        # The document is valid: each claim is written as the file holds it, as a small document's JSON is.
        value = Streamed(head=as_json(document.head), at=("claims",), items=document.claims_json())
        return write_json_values(target, [value], jsonl=jsonl)
