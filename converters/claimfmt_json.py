"""claimfmt itself as a format, so that ``convert`` reads and writes it like any peer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read
from claimfmt.model import Document
from claimfmt.reading import Record, document_from_json
from claimfmt.structuring import as_json, trusted
from claimfmt.validation import validate
from claimfmt.versions import CURRENT_VERSION

__all__ = ["ClaimfmtJSON"]


class ClaimfmtJSON(Converter):
    """claimfmt documents: JSON, JSON arrays or JSONL. Every input document is validated."""

    name: ClassVar[str] = "claimfmt"
    summary: ClassVar[str] = "claimfmt documents (JSON, JSON array, JSONL)"
    validates: ClassVar[bool] = True

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for record in records:
            origin = Origin.of(record)
            issues = [record.issue] if record.issue is not None else validate(record.data)
            for issue in issues:
                report.add(issue, origin)
            if record.issue is None and not any(issue.severity == "error" for issue in issues):
                data = record.data
                # Valid as the current version: built the fast way, keeping its JSON (the record is ours alone).
                document = trusted(data) if data["claimfmt"] == CURRENT_VERSION else document_from_json(data)
                yield Read(document=document, origin=origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[Any]:
        for document in documents:
            yield as_json(document)
