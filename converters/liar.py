"""LIAR and LIAR-PLUS (``liar``, read): TSV with no header, and LIAR-PLUS's own JSONL.

TSV rows have 14 columns (LIAR), 15 (LIAR plus a justification) or 16 (LIAR-PLUS:
a row index, the 14 LIAR columns, the justification). Fields are never quoted, so
the file is split on tabs alone; a field that starts with ``"`` keeps it. A row with
another number of columns is reported with its line and skipped.

A row becomes a document (id: the statement's ``NNNN.json``) with one claim. The
speaker, job title, state and party become the source (role, extensions,
affiliation), the context the attribution's channel, and the subjects and credit
history counts go in ``extensions`` under ``org.liar:``. The label maps through the
PolitiFact table (``barely-true`` is PolitiFact's "Mostly False"); the
justification is the rationale.

LIAR-PLUS's JSONL (``json_file_id``, ``claim``, ``topics``, ``originator``,
``title``, ``party``...) is read too. Its ``party`` holds the speaker's state
upstream (a misaligned column): it is kept verbatim as ``org.liar:party-field``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read, counted, readable, required_text
from claimfmt.converters.values import is_text, portable_int
from claimfmt.issues import Issue
from claimfmt.model import (
    Article,
    Attribution,
    Claim,
    Document,
    Source,
    SourceKind,
    Stance,
    State,
    Verdict,
    Verification,
)
from claimfmt.reading import JSON_SUFFIXES, Record, SourceLike, _suffix, decode_text, iter_records
from claimfmt.versions import CURRENT_VERSION

__all__ = ["LIAR"]

NS = "org.liar:"
_COLUMNS = (
    "id", "label", "statement", "subjects", "speaker", "job_title", "state", "party",
    "barely_true_counts", "false_counts", "half_true_counts", "mostly_true_counts", "pants_on_fire_counts", "context",
)  # fmt: skip
_COUNTS = _COLUMNS[8:13]


class LIAR(Converter):
    """LIAR / LIAR-PLUS statements: TSV (14, 15 or 16 columns) or LIAR-PLUS JSONL."""

    name: ClassVar[str] = "liar"
    summary: ClassVar[str] = "LIAR / LIAR-PLUS TSV (14-16 columns) and LIAR-PLUS JSONL"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        for source in sources:
            if not isinstance(source, str | os.PathLike):
                yield from _rows(source, getattr(source, "name", "<stream>"), report)
            elif str(source) == "-":
                yield from _rows(sys.stdin.buffer, "<stdin>", report)
            else:
                path = Path(source)
                for file in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
                    if _suffix(file) in JSON_SUFFIXES:
                        yield from self.read_records(iter_records(file), options, report)
                    else:
                        with file.open("rb") as stream:
                            yield from _rows(stream, str(file), report)

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for data, origin in readable(counted(records, report), report):
            if required_text(data, "claim", "a LIAR-PLUS JSONL row", report, origin) is None:
                continue
            row = {
                "id": data.get("json_file_id"),
                "label": data.get("label"),
                "statement": data["claim"],
                "subjects": ",".join(t for t in data.get("topics") or [] if isinstance(t, str)),
                "speaker": data.get("originator"),
                "job_title": data.get("title"),
                "justification": data.get("justification"),
            }
            extra = {NS + "party-field": data["party"]} if "party" in data else {}
            if "id" in data:
                extra[NS + "row"] = data["id"]
            yield Read(document=_document(row, extra, origin, report), origin=origin)


def _rows(stream: Iterable[bytes], name: str, report: LossReport) -> Iterator[Read]:
    for number, raw in enumerate(stream, start=1):
        origin = report.current = Origin(file=name, line=number)
        decoded = decode_text(raw)
        if isinstance(decoded, Issue):
            report.add(attrs.evolve(decoded, line=None), origin)
            continue
        line = decoded.rstrip("\r\n")
        if not line.strip():
            continue
        report.records_read += 1
        fields = line.split("\t")
        extra: dict[str, Any] = {}
        row_number = portable_int(fields[0]) if len(fields) == 16 else None
        if row_number is not None:
            extra[NS + "row"] = row_number
            fields = fields[1:]
        if len(fields) not in (14, 15) or not fields[2]:
            what = f"{len(fields)} columns" if len(fields) not in (14, 15) else "an empty statement"
            report.error(
                "malformed-row",
                f"a LIAR row has 14, 15 or 16 tab-separated columns and a statement; this one has {what}",
                origin,
            )
            continue
        row: dict[str, Any] = dict(zip(_COLUMNS, fields, strict=False))
        if len(fields) == 15:
            row["justification"] = fields[14]
        yield Read(document=_document(row, extra, origin, report), origin=origin)


def _document(row: dict[str, Any], extra: dict[str, Any], origin: Origin, report: LossReport) -> Document:
    speaker = row.get("speaker")
    sources: tuple[Source, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    if is_text(speaker):
        counts = {}
        for column in _COUNTS:
            value = row.get(column)
            if is_text(value):  # counts are whole numbers, written "30" or "30.0"; anything else stays as text
                number = portable_int(value.removesuffix(".0"))
                counts[column] = number if number is not None else value
        source_extensions = {NS + "state": row["state"]} if is_text(row.get("state")) else {}
        if counts:
            source_extensions[NS + "credit_history"] = counts
        sources = (
            Source(
                id="speaker",
                kind=SourceKind.UNKNOWN,
                name=speaker,
                anonymous=False,
                role=row["job_title"] if is_text(row.get("job_title")) else None,
                affiliation=row["party"] if is_text(row.get("party")) else None,
                extensions=source_extensions or None,
            ),
        )
        attributions = (
            Attribution(
                source="speaker",
                stance=Stance.ASSERTS,
                channel=row["context"] if is_text(row.get("context")) else None,
            ),
        )
    label = row.get("label")
    justification = row.get("justification")
    verification = (
        Verification(
            state=report.label("politifact", label) if is_text(label) else State.OTHER,
            verdict=Verdict(label=label, scheme="politifact"),
            rationale=justification if is_text(justification) else None,
        )
        if is_text(label)
        else None
    )
    subjects = [s for s in (row.get("subjects") or "").split(",") if s]
    identifier = row.get("id")
    return Document(
        claimfmt=CURRENT_VERSION,
        id=identifier if is_text(identifier) else f"liar-{origin.line or origin.index or 0}",
        article=Article(),
        sources=sources,
        claims=(
            Claim(
                id="c1",
                text=row["statement"],
                spans=(),
                attributions=attributions,
                verifications=(verification,) if verification is not None else None,
                extensions={NS + "subjects": subjects} if subjects else None,
            ),
        ),
        extensions=extra or None,
    )
