"""Conversion between claimfmt and peer formats: read with one converter, write with another.

Every document passing through is valid claimfmt: what a reader yields is
validated (schema and semantic checks) before a writer sees it, and a document
that fails is reported and left out, so one bad record never stops the rest.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import attrs

from claimfmt.converters.base import ConversionError, Converter, LossReport, Options, Origin, Read
from claimfmt.converters.registry import all_converters, get_converter
from claimfmt.issues import DocumentError, Issue, Severity
from claimfmt.model import Document
from claimfmt.reading import SourceLike
from claimfmt.validation import validate_passing

__all__ = ["ConversionError", "Options", "convert", "formats", "read_documents"]

# Validating a converted document whose text is not known warns once per document; that is
# expected of most peer files, so it is counted in the report instead of listed.
_EXPECTED = "span-checks-skipped"


def formats() -> dict[str, Converter]:
    """Every known format by name, built-in and from plugins."""
    return all_converters()


def read_documents(
    sources: Iterable[SourceLike], source_format: str, options: Options | None, report: LossReport
) -> Iterator[Document]:
    """Valid claimfmt documents from files in ``source_format``, streamed; problems go to ``report``."""
    converter = get_converter(source_format)
    if not converter.reads:
        raise ConversionError(f"{source_format} can be written but not read")
    for read in _guarded(converter.read(sources, options or Options(), report), report):
        report.documents_read += 1
        if not converter.validates and _converted_issues(validate_passing(read.document), read, report):
            continue
        yield read.document
        report.documents_written += 1
    report.finish()


def _converted_issues(issues: Iterable[Issue], read: Read, report: LossReport) -> bool:
    """Report what validating a document a reader converted found; whether it is invalid."""
    failed = False
    for issue in issues:
        if issue.code == _EXPECTED:
            report.adjust("spans not checked (the text is not known)")
            continue
        failed |= issue.severity is Severity.ERROR
        where = f"converted document {read.document.id!r}"
        report.add(attrs.evolve(issue, message=f"{where}: {issue.message}"), read.origin)
    return failed


def _guarded(reads: Iterator[Read], report: LossReport) -> Iterator[Read]:
    """A converter's reads; a DocumentError that escapes it (a plugin's, say) is reported, not raised.

    The converter cannot go on after raising, so the report also says that reading stopped there.
    """
    try:
        yield from reads
    except DocumentError as exc:
        for issue in exc.issues:
            report.add(issue)
        report.error("not-convertible", "the reader stopped at this record; what follows it was not read")


def convert(
    sources: Iterable[SourceLike],
    *,
    source_format: str,
    target_format: str,
    output: str | os.PathLike[str] | IO[bytes] = "-",
    options: Options | None = None,
    jsonl: bool | None = None,
) -> LossReport:
    """Convert every record in ``sources`` from one format to another, into ``output``.

    A path is written atomically: it is replaced only once everything is
    written. Records that cannot be converted are reported in the returned
    :class:`LossReport` (``report.failed``) and the rest are still written;
    when not one document could be converted, an existing output is left as it was.
    Raises :class:`ConversionError` for a format that is unknown or cannot go
    the way asked, and :class:`OSError` for an input that cannot be read.
    """
    options = options or Options()
    writer = get_converter(target_format)
    if not writer.writes:
        raise ConversionError(f"{target_format} can be read but not written")
    report = LossReport(source=source_format, target=target_format)
    sources = list(sources)
    if source_format in _LARGE and writer.writes_large(options) and isinstance(output, str | os.PathLike):
        large_report = LossReport(source=source_format, target=target_format)
        streamed = _large(sources, source_format, writer, output, options, large_report, jsonl)
        if streamed is not None:
            return streamed
    documents = _or_nothing(read_documents(sources, source_format, options, report), report)
    # Raised inside the writer, so that its atomic output is thrown away.
    with contextlib.suppress(_NothingConverted):
        report.records_written = writer.write(documents, output, options, report, jsonl=jsonl)
    return report


#: The formats whose one large document is read a claim at a time.
_LARGE = ("claimfmt", "parquet")


def _large(
    sources: list[SourceLike],
    source_format: str,
    writer: Converter,
    output: str | os.PathLike[str],
    options: Options,
    report: LossReport,
    jsonl: bool | None,
) -> LossReport | None:
    """The report of converting one large valid document (a claimfmt file, a Parquet file of one row) to a writer
    that takes a claim at a time, so that its claims are never all held; None where the input is not that
    (nothing is written then, and ``report`` is to be dropped)."""
    from claimfmt.large import Unbuildable, is_large, open_large

    path = sources[0] if len(sources) == 1 else None
    if not (isinstance(path, str | os.PathLike) and str(output) != "-" and Path(path).is_file()):
        return None
    if source_format == "parquet":
        from claimfmt.converters.parquet import open_large_row

        opened = open_large_row(path)
    elif is_large(path):
        opened = open_large(path)
    else:
        return None
    with opened as found:
        if found is None:
            return None
        # What validating it found, placed and told as reading it whole does.
        origin = Origin(file=str(path), index=0)
        if get_converter(source_format).validates:
            for issue in found.issues:
                report.add(issue, origin)
        else:
            _converted_issues(found.issues, Read(document=found.head, origin=origin), report)
        try:
            # Into a file, atomically: output thrown away here leaves the target as it was.
            report.records_written = writer.write_large(found, output, options, report, jsonl=jsonl)
        except Unbuildable:
            return None
    report.records_read = report.documents_read = report.documents_written = 1
    report.finish()
    return report


class _NothingConverted(Exception):
    pass


def _or_nothing(documents: Iterator[Document], report: LossReport) -> Iterator[Document]:
    """``documents``; at their end, when every one failed, an exception that makes the writer discard its output."""
    yield from documents
    if report.failed and report.documents_written == 0:
        raise _NothingConverted
