"""The validation pipeline: version, then JSON Schema, then the semantic checks."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import orjson

from claimfmt.issues import Issue, Severity
from claimfmt.reading import Record, SourceLike, _records, _suffix, decode_issue, source_files
from claimfmt.schema_check import schema_issues, span_lenient_validator
from claimfmt.validators import run_checks
from claimfmt.validators.registry import all_checks, plugin_checks
from claimfmt.validators.settled import unchecked_spans
from claimfmt.versions import CURRENT_VERSION, check_version

if TYPE_CHECKING:
    from claimfmt.model import Document

__all__ = [
    "Run",
    "Selection",
    "parquet_files",
    "validate",
    "validate_passing",
    "validate_record",
    "settled_at_once",
    "settled_records",
    "surely_valid",
    "validate_sources",
]


def validate(document: Document | Mapping[str, Any] | str | bytes | os.PathLike[str]) -> list[Issue]:
    """Every problem in a document: a Document, its parsed JSON, JSON text, or a file.

    The document is checked against the schema of the version it declares; the
    semantic checks run only on a schema-valid document (they rely on its shape).
    An empty list means valid; warnings do not make a document invalid. A path
    (:class:`os.PathLike`: a ``str`` is JSON text) is a file or folder of any
    number of documents, read as ``claimfmt validate`` reads it, and each issue
    is placed in its file; a missing file raises :class:`OSError`.
    """
    if isinstance(document, os.PathLike):
        return validate_sources([document]).issues
    if type(document) is dict:
        data: Any = document
    elif isinstance(document, str | bytes):
        raw = document.encode() if isinstance(document, str) else document
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            return [decode_issue(raw, exc)]
    elif isinstance(document, Mapping):
        data = document
    else:
        known = getattr(document, "_issues", None)
        if known is not None:  # validated as the JSON it was built from
            return list(known)
        from claimfmt.structuring import as_json, unstructure

        data = as_json(document) if hasattr(document, "_json") else unstructure(document)
    if type(data) is dict and (found := _at_once(data)) is not None:
        return found
    problem = check_version(data)
    if problem is not None:
        return [problem]
    issues = schema_issues(data, data["claimfmt"])
    if issues:
        return issues
    # Checked as declared, not upgraded: every pointer then names the file as it is. The one pass already
    # found something to look at (or plugins are installed): every check runs.
    return run_checks(data, checks=all_checks())


@attrs.define(kw_only=True)
class Run:
    """What one validation run over many inputs found."""

    issues: list[Issue] = attrs.field(factory=list)
    documents: int = 0
    files: set[str] = attrs.field(factory=set)
    invalid_documents: int = 0
    partial: bool = False
    seconds: float = 0.0
    started: float = attrs.field(factory=time.perf_counter, repr=False)

    def add(
        self,
        file: str,
        issues: list[Issue],
        *,
        max_errors: int | None = None,
        documents: int = 1,
        invalid: int | None = None,
    ) -> None:
        """Count documents read from ``file`` (``invalid`` of them with errors) and their issues.

        Issues beyond ``max_errors`` in all are dropped and the run marked partial.
        """
        self.documents += documents
        self.files.add(file)
        if invalid is None:
            invalid = int(any(i.severity is Severity.ERROR for i in issues))
        self.invalid_documents += invalid
        if max_errors is not None and len(self.issues) + len(issues) > max_errors:
            issues = issues[: max_errors - len(self.issues)]
            self.partial = True
        self.issues.extend(issues)

    def counts(self) -> Counter[str]:
        """Issues per code."""
        return Counter(issue.code for issue in self.issues)

    def failed(self, *, strict: bool = False) -> bool:
        """True when an error was found (or, with strict, any issue at all)."""
        return any(strict or issue.severity is Severity.ERROR for issue in self.issues)


@attrs.frozen(kw_only=True)
class Selection:
    """Which codes to report: --select and --ignore take codes or prefixes (``schema-``, ``span``)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __call__(self, code: str) -> bool:
        if self.select and not code.startswith(self.select):
            return False
        return not (self.ignore and code.startswith(self.ignore))


def validate_passing(document: Document) -> list[Issue]:
    """:func:`validate` for a document passing through a pipeline (a conversion) on its way to a writer.

    Its JSON, made here where the document does not hold it yet, is kept on it: a claimfmt writer then
    writes what was just checked instead of making it again.
    """
    if document._issues is None:
        from claimfmt.structuring import as_json

        as_json(document, keep=True)
    return validate(document)


def _at_once(data: dict[str, Any]) -> list[Issue] | None:
    """The issues of a parsed document where they are told at once, without building a pointer: none, for most
    documents; for one whose article has no text, the warning that its spans went unchecked. Any doubt
    (another version, a plugin check, anything else a check would report) gives None, and the document goes
    the long way, which says what and where."""
    if (
        data.get("claimfmt") != CURRENT_VERSION
        # The one pass checks every span's offsets as the schema does: the schema need not check them twice.
        or not span_lenient_validator(CURRENT_VERSION).is_valid(data)
        or (unchecked := unchecked_spans(data)) is None
        or plugin_checks()
    ):
        return None
    from claimfmt.validators.spans import unchecked_issues

    return unchecked_issues(unchecked)


def surely_valid(data: Any) -> bool:
    """Whether parsed JSON is a valid document with nothing to warn of, told at once (False: any doubt)."""
    return type(data) is dict and _at_once(data) == []


def settled_at_once(data: Any) -> bool:
    """:func:`surely_valid`, for a reader of records (``quick``): what it finds at once of a document it does not
    settle (the warning of a text-less article) is kept for :func:`validate_record`, which that record's document
    comes to next, so that it is not looked at twice."""
    found = _at_once(data) if type(data) is dict else None
    if found == []:
        return True
    _last.seen = (data, found)
    return False


#: Per thread, the document :func:`settled_at_once` last did not settle and what it found at once (None: nothing).
_last = threading.local()


def validate_record(record: Record) -> list[Issue]:
    """Every issue in one record read from a file, placed in that file."""
    seen, found = getattr(_last, "seen", (None, None))
    _last.seen = (None, None)
    if record.issue is not None:
        issues = [record.issue]
    elif seen is record.data and found is not None:
        issues = found
    else:
        issues = validate(record.data)
    located = []
    for issue in issues:
        excerpt = None
        if issue.excerpt is None and record.data is not None and issue.pointer:
            excerpt = _excerpt(record.data, issue.pointer)
        # One copy of the issue, not one per change (attrs.evolve costs more than the rest of a settled record).
        located.append(issue.located(file=record.file, line=record.line, index=record.index, excerpt=excerpt))
    return located


def parquet_files(source: SourceLike) -> list[str]:
    """The Parquet files a source names: itself, or those in a folder (parts starting ``_`` or ``.`` skipped)."""
    if not isinstance(source, str | os.PathLike) or str(source) == "-":
        return []
    path = Path(source)
    if path.is_dir():
        return [
            str(p)
            for p in sorted(path.rglob("*.parquet"))
            if not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts)
        ]
    return [str(path)] if _suffix(path) == ".parquet" else []


def validate_sources(
    sources: Iterable[SourceLike],
    *,
    selection: Selection | None = None,
    max_errors: int | None = None,
    progress: bool = False,
) -> Run:
    """Validate every document in ``sources``; stop collecting after ``max_errors`` issues.

    With ``progress``, a run that takes more than two seconds shows a counter on stderr.
    """
    run = Run()
    meter = _Progress(enabled=progress)
    wanted = selection or Selection()
    for source in sources:
        for parquet in parquet_files(source):
            from claimfmt.arrow import validate_parquet

            documents, invalid, found = validate_parquet(parquet, wanted)
            run.add(parquet, found, max_errors=max_errors, documents=documents, invalid=invalid)
        if isinstance(source, str | os.PathLike) and _suffix(Path(source)) == ".parquet":
            continue
        for record in settled_records(source):
            if isinstance(record, str):  # a document settled at once: what run.add does for one without issues
                run.documents += 1
                run.files.add(record)
            else:
                run.add(record.file, [i for i in validate_record(record) if wanted(i.code)], max_errors=max_errors)
                if run.partial:
                    break
            if progress:
                meter.tick(run.documents)
        if run.partial:
            break
    meter.close()
    run.seconds = time.perf_counter() - run.started
    return run


def settled_records(source: SourceLike) -> Iterator[Record | str]:
    """The records of ``source``; a document settled at once comes as its file's name alone.

    Those are the JSONL documents the one pass settles (a Record of each costs several percent of
    reading a small one), and a large file of one valid document, settled a claim at a time
    (``claimfmt.large``: read whole, it would hold five times its size). What is found at once of a
    document that has something to report goes to its record's :func:`validate_record`, to be called
    on each record before the next is asked for.
    """
    from claimfmt.large import is_large, validate_large

    for file in source_files(source):
        found = validate_large(file) if isinstance(file, str | os.PathLike) and is_large(file) else None
        if found == []:
            yield str(file)
        elif found is not None:
            # Its warning (an article without text), handed to the record's validation as for a JSONL line's.
            seen: dict[str, Any] = {}
            _last.seen = (seen, found)
            yield Record(file=str(file), index=0, data=seen)
        else:
            yield from _records([file], settled_at_once)


class _Progress:
    """A one-line document counter on stderr, shown only after a couple of seconds on a terminal."""

    def __init__(self, *, enabled: bool, delay: float = 2.0) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()
        self.delay = delay
        self.shown = 0.0

    def tick(self, documents: int) -> None:
        if not self.enabled or documents % 256:
            return
        now = time.perf_counter()
        if now - self.started >= self.delay and now - self.shown >= 0.2:
            self.shown = now
            rate = documents / (now - self.started)
            sys.stderr.write(f"\rvalidating: {documents:,} documents ({rate:,.0f}/s)")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _excerpt(data: Any, pointer: str, limit: int = 80) -> str | None:
    value = data
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        try:
            value = value[int(token)] if isinstance(value, list) else value[token]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    if isinstance(value, dict | list):
        return None
    text = orjson.dumps(value).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
