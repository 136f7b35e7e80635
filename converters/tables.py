"""CSV and TSV files with a header row, as rows of named fields with their line (for ``claimskg``, ``checkthat``)."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from claimfmt.converters.base import LossReport, Origin, Read, text_of
from claimfmt.issues import Issue
from claimfmt.model import Document
from claimfmt.reading import SourceLike, decode_text

__all__ = ["documents", "extension_key", "rows"]

Row = dict[str, str]


def rows(
    sources: Iterable[SourceLike], report: LossReport, *, delimiter: str, suffixes: frozenset[str]
) -> Iterator[tuple[Row, Origin]]:
    """Each data row of each file (a folder: its files with one of ``suffixes``), keyed by the header's names.

    A row with more fields than the header is reported (``malformed-row``) and skipped;
    one with fewer is read with the missing fields empty, as spreadsheet exports cut
    trailing empty cells.
    """
    for source in sources:
        if not isinstance(source, str | os.PathLike):
            data = source.read()
            yield from _rows(data, getattr(source, "name", "<stream>"), report, delimiter)
        elif str(source) == "-":
            yield from _rows(sys.stdin.buffer.read(), "<stdin>", report, delimiter)
        else:
            path = Path(source)
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes) if path.is_dir() else [path]
            for file in files:
                text = text_of(file, report)
                if text is not None:
                    yield from _parsed(text, str(file), report, delimiter)


def documents(
    sources: Iterable[SourceLike],
    report: LossReport,
    make: Callable[[Row, Origin, LossReport], Document | None],
    *,
    delimiter: str,
    suffixes: frozenset[str],
) -> Iterator[Read]:
    """A document per row, as ``make`` builds it (None: reported and skipped), with the row's origin."""
    for row, origin in rows(sources, report, delimiter=delimiter, suffixes=suffixes):
        document = make(row, origin, report)
        if document is not None:
            yield Read(document=document, origin=origin)


def _rows(data: bytes, name: str, report: LossReport, delimiter: str) -> Iterator[tuple[Row, Origin]]:
    text = decode_text(data)
    if isinstance(text, Issue):
        report.add(text, Origin(file=name))
        return
    yield from _parsed(text, name, report, delimiter)


def _parsed(text: str, name: str, report: LossReport, delimiter: str) -> Iterator[tuple[Row, Origin]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            report.error("not-convertible", "the file is empty: no header row", Origin(file=name))
            return
        line = reader.line_num
        for fields in reader:
            origin = report.current = Origin(file=name, line=line + 1)
            line = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            report.records_read += 1
            if len(fields) > len(header):
                report.error("malformed-row", f"{len(fields)} fields under a header of {len(header)} columns", origin)
                continue
            yield dict(zip(header, [*fields, *[""] * (len(header) - len(fields))], strict=True)), origin
    except csv.Error as exc:
        report.error(
            "malformed-row",
            f"not readable as {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}",
            Origin(file=name, line=reader.line_num),
        )


def extension_key(namespace: str, column: str) -> str:
    """``namespace`` + the column's name, in the characters an extension key may hold (``row`` for no name)."""
    name = re.sub(r"[^A-Za-z0-9_.:/-]", "_", column.strip()) or "row"
    return namespace + name
