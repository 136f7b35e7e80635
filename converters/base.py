"""What every converter is and shares: the protocol, its options, and the loss report.

A converter translates between claimfmt documents and one peer format. It
reads peer records into :class:`~claimfmt.model.Document` objects, writes
documents out as peer records, or both, streaming either way. Whatever it
cannot carry, or parks under ``extensions``, it counts in a :class:`LossReport`
rather than dropping it silently.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar

import attrs

from claimfmt.converters.anchoring import DEFAULT_ANCHORING, Anchor, Anchoring, Placement
from claimfmt.converters.labels import state_for
from claimfmt.converters.offsets import Unit
from claimfmt.converters.patches import PatchError, additions, apply, diff
from claimfmt.issues import ClaimfmtError, DocumentError, Issue, Severity, escape_pointer_token, json_type
from claimfmt.jsontext import KeepAsText
from claimfmt.model import Claim, Document, State
from claimfmt.reading import Record, SourceLike, decode_text, iter_records, source_files
from claimfmt.structuring import evolve, extensions_of
from claimfmt.writing import write_json_values

if TYPE_CHECKING:
    from claimfmt.large import LargeDocument

__all__ = [
    "ConversionError",
    "Converter",
    "LossReport",
    "Options",
    "Origin",
    "Read",
    "Shape",
    "counted",
    "input_files",
    "kept_by_reader",
    "only_written",
    "optional",
    "readable",
    "patched",
    "set_aside",
    "text_of",
    "required_text",
    "unmapped",
]


#: A document, or its JSON as a reader makes it before the document is built.
DocumentOrJSON = TypeVar("DocumentOrJSON", Document, dict[str, Any])


class ConversionError(ClaimfmtError):
    """A converter cannot do what it was asked (a format that cannot be read, say): a usage error."""


@attrs.frozen(kw_only=True)
class Options:
    """Choices a user makes for one conversion.

    ``offset_unit`` is what the peer's offsets count; None means the
    converter's default, checked against the quotes where the text is known.
    ``mapping`` says which of an annotation tool's types are claims, sources,
    cues and hedges (``claimfmt convert --mapping/--preset``).
    """

    offset_unit: Unit | None = None
    #: For annotation-tool formats: an :class:`~claimfmt.converters.mapping.AnnotationMapping` (None: default).
    mapping: Any = None
    #: For publishing formats (ClaimReview, W3C): also embed what the public output withholds or cannot hold
    #: (``--record``).
    record: bool = False
    #: For Parquet: write a hive-partitioned folder by these keys (``language``, ``month``).
    partition_by: tuple[str, ...] = ()
    #: For Parquet: also write the flat tables (claims, attributions, spans, sources).
    flat: bool = False
    #: How to place a quote that is not at its offsets (``--anchoring``; see :mod:`~claimfmt.converters.anchoring`).
    anchoring: Anchoring = DEFAULT_ANCHORING


_ANCHOR_CODES = {
    Placement.EXACT: "span-reanchored",
    Placement.FUZZY: "span-fuzzy-anchored",
    Placement.ORPHANED: "quote-not-anchored",
}


@attrs.frozen(kw_only=True)
class Origin:
    """Where a peer record came from, to place issues about it."""

    file: str
    line: int | None = None
    index: int | None = None
    #: The length of the JSON array the record was in, where known (a peer writer keeps an array of one an array).
    array: int | None = None

    @classmethod
    def of(cls, record: Record) -> Origin:
        """The origin of a record read by :func:`claimfmt.reading.iter_records`."""
        return cls(file=record.file, line=record.line, index=record.index, array=record.array)


@attrs.frozen(kw_only=True)
class Read:
    """A document a converter read, with the record it came from."""

    document: Document
    origin: Origin


@attrs.define(kw_only=True)
class LossReport:
    """What one conversion could not carry, what it parked in ``extensions``, and what went wrong.

    Counters are keyed by field, written as a path with ``[]`` for list items
    (``claims[].verification.verdict.best``), so that a report over a million
    records stays short. ``issues`` holds every record-level problem with its
    place: errors for records that could not be converted, warnings for
    records converted with a change (a span re-anchored, say).
    """

    source: str
    target: str
    documents_read: int = 0
    documents_written: int = 0
    records_read: int = 0
    records_written: int = 0
    dropped: Counter[str] = attrs.field(factory=Counter)
    parked: Counter[str] = attrs.field(factory=Counter)
    adjusted: Counter[str] = attrs.field(factory=Counter)
    #: Fields the tool cannot hold, kept in claimfmt's record beside its annotations (back when claimfmt reads it).
    recorded: Counter[str] = attrs.field(factory=Counter)
    issues: list[Issue] = attrs.field(factory=list)
    #: (scheme, label as read, state it mapped to) -> how often: the label -> state table of the conversion.
    labels: Counter[tuple[str, str, str]] = attrs.field(factory=Counter)
    #: (scheme, label) -> how often, for labels no table has (mapped to ``other``).
    unmapped: Counter[tuple[str, str]] = attrs.field(factory=Counter)
    #: The record being converted: where an issue raised without a place of its own is placed.
    current: Origin | None = None
    _first_unmapped: dict[str, Origin | None] = attrs.field(factory=dict, init=False)

    def label(self, scheme: str, label: str) -> State:
        """The state ``label`` maps to in ``scheme`` (``other`` if none), counted."""
        state = state_for(scheme, label)
        if state is None:
            self.unmapped[scheme, label] += 1
            self._first_unmapped.setdefault(scheme, self.current)
            state = State.OTHER
        self.labels[scheme, label, state.value] += 1
        return state

    def finish(self) -> None:
        """Close the report: one warning per scheme that had labels no table has."""
        for scheme in sorted({scheme for scheme, _ in self.unmapped}):
            found = sorted(((label, n) for (s, label), n in self.unmapped.items() if s == scheme), key=lambda x: -x[1])
            listed = ", ".join(f"{label!r} ({n})" for label, n in found[:10])
            more = f" and {len(found) - 10} more" if len(found) > 10 else ""
            first = self._first_unmapped.get(scheme)
            self.warn(
                "unmapped-label",
                f"{sum(n for _, n in found)} verdict(s) with {len(found)} label(s) not in the {scheme} table, "
                f"mapped to other (kept verbatim in the verdict): {listed}{more}"
                + (" (placed at the first)" if sum(n for _, n in found) > 1 else ""),
                first,
            )

    def drop(self, field: str, count: int = 1) -> None:
        """``field`` could not be carried by the target format."""
        self.dropped[field] += count

    def park(self, field: str, count: int = 1) -> None:
        """``field`` has no place in the target and was kept under ``extensions``."""
        self.parked[field] += count

    def adjust(self, what: str, count: int = 1) -> None:
        """Something was changed on the way (an offset moved, an id made up), and how often."""
        self.adjusted[what] += count

    def add(self, issue: Issue, origin: Origin | None = None) -> None:
        """Record a problem, placed at ``origin`` (or the record being read) when it has no place yet."""
        origin = origin or self.current
        if origin is not None:
            issue = issue.located(file=origin.file, line=origin.line, index=origin.index)
        self.issues.append(issue)

    def error(self, code: str, message: str, origin: Origin | None = None, pointer: str = "") -> None:
        """A record, or part of one, that could not be converted."""
        self.add(Issue(code=code, message=message, pointer=pointer), origin)

    def anchored(self, found: Anchor, where: str, origin: Origin | None = None, pointer: str = "") -> None:
        """Report a span :func:`~claimfmt.converters.anchoring.anchor` did not leave where it was."""
        if found.placement is Placement.KEPT:
            return
        code = _ANCHOR_CODES[found.placement]
        if found.placement is Placement.ORPHANED and found.candidates > 1:
            code = "quote-ambiguous"
        self.warn(code, f"{where}: {found.note}" if where else found.note, origin, pointer)

    def warn(self, code: str, message: str, origin: Origin | None = None, pointer: str = "") -> None:
        """A record converted with a change the user should know about."""
        self.add(Issue(code=code, severity=Severity.WARNING, message=message, pointer=pointer), origin)

    @property
    def failed(self) -> bool:
        """True when some input could not be converted."""
        return any(issue.severity is Severity.ERROR for issue in self.issues)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON values (``claimfmt convert --report FILE``)."""
        return {
            "source": self.source,
            "target": self.target,
            "records_read": self.records_read,
            "documents_read": self.documents_read,
            "documents_written": self.documents_written,
            "records_written": self.records_written,
            "dropped": dict(sorted(self.dropped.items())),
            "parked": dict(sorted(self.parked.items())),
            "adjusted": dict(sorted(self.adjusted.items())),
            "recorded": dict(sorted(self.recorded.items())),
            "labels": [
                {"scheme": scheme, "label": label, "state": state, "count": n}
                for (scheme, label, state), n in sorted(self.labels.items())
            ],
            "errors": sum(issue.severity is Severity.ERROR for issue in self.issues),
            "warnings": sum(issue.severity is Severity.WARNING for issue in self.issues),
            "issues": [attrs.asdict(issue, filter=lambda _, v: v is not None) for issue in self.issues],
        }

    def summary(self) -> str:
        """A few lines for stderr: counts, then each field dropped or parked with its count."""
        errors = sum(issue.severity is Severity.ERROR for issue in self.issues)
        warnings = len(self.issues) - errors
        lines = [
            f"{self.source} -> {self.target}: {self.documents_read} document(s) read, "
            f"{self.documents_written} converted, {self.records_written} record(s) written, "
            f"{errors} error(s), {warnings} warning(s)"
        ]
        for title, counter in (
            ("dropped", self.dropped),
            ("kept in extensions", self.parked),
            ("not held by the tool, kept in the claimfmt record", self.recorded),
        ):
            if counter:
                lines.append(f"  {title}: " + ", ".join(f"{field} ({n})" for field, n in sorted(counter.items())))
        if self.adjusted:
            lines.append("  adjusted: " + ", ".join(f"{what} ({n})" for what, n in sorted(self.adjusted.items())))
        return "\n".join(lines)


class Converter:
    """One peer format: a reader, a writer, or both.

    A subclass sets :attr:`name`, :attr:`summary` and :attr:`default_unit`
    and overrides :meth:`read_records` and/or :meth:`write_records`. Formats
    whose records are JSON get file handling (JSON, arrays, JSONL, gzip,
    stdin, atomic output) for free; others override :meth:`read` or
    :meth:`write`.
    """

    #: The name used on the command line (``--from NAME``).
    name: ClassVar[str]
    #: One line for ``claimfmt convert --list``.
    summary: ClassVar[str]
    #: What the peer's offsets count, unless the user says otherwise.
    default_unit: ClassVar[Unit] = Unit.CODEPOINT
    #: True when the reader already validates what it yields (claimfmt itself); else the caller does.
    validates: ClassVar[bool] = False
    #: The document extension a reader sets to ``"array"`` on what it read from a JSON array of one
    #: record, so that the writer gives back an array (None where the format keeps no such shape).
    file_shape: ClassVar[str | None] = None
    #: What of a large record the reader parses later, one part at a time (:func:`claimfmt.jsontext.loads`): the
    #: fragments of a claimfmt record it carries (:class:`remainder.Unparsed`), say.
    unparsed: ClassVar[KeepAsText | None] = None

    @property
    def reads(self) -> bool:
        """True when the converter reads the peer format into claimfmt."""
        return type(self).read is not Converter.read or type(self).read_records is not Converter.read_records

    @property
    def writes(self) -> bool:
        """True when the converter writes claimfmt out in the peer format."""
        return type(self).write is not Converter.write or type(self).write_records is not Converter.write_records

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        """Documents from peer files, streamed; problems go to ``report``. A large file is given to
        :meth:`read_large` first, where the converter has one."""
        if type(self).read_large is Converter.read_large:
            return self.read_records(counted(iter_records(*sources, unparsed=self.unparsed), report), options, report)
        return self._read_files(sources, options, report)

    def read_large(self, path: str | os.PathLike[str], options: Options, report: LossReport) -> list[Read] | None:
        """What one large JSON file (:func:`claimfmt.large.is_large`) gives, read without parsing it whole, or
        None to read it as any file is (a converter without such a reader: always)."""
        return None

    def _read_files(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        from claimfmt.large import is_large

        for source in sources:
            for file in source_files(source):
                large = isinstance(file, str | os.PathLike) and is_large(file)
                found = self.read_large(file, options, report) if large else None  # type: ignore[arg-type]
                if found is None:
                    records = iter_records(file, unparsed=self.unparsed)
                    yield from self.read_records(counted(records, report), options, report)
                else:
                    yield from found

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        """Documents from parsed peer JSON records. The records' values are the reader's: it may take them apart
        as it reads them (doccano's reader empties a line's lists of annotations once it has made its document)."""
        raise ConversionError(f"{self.name} cannot be read")

    def write(
        self,
        documents: Iterable[Document],
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """Write documents to ``target`` (atomically for a path); returns how many records were written.

        One record is written as itself, several as an array, unless a document was read
        from a file that was an array of one (:attr:`file_shape`): then it stays an array.
        """
        key = self.file_shape
        if key is None:
            return write_json_values(target, self.write_records(documents, options, report), jsonl=jsonl)
        arrays: list[bool] = []

        def watched() -> Iterator[Document]:
            for document in documents:
                extensions = extensions_of(document)  # a writer may need no model (W3C's)
                arrays.append(extensions.get(key) == "array")
                if key in extensions:  # the file's shape, not the record's: nothing to write or record
                    rest = {k: v for k, v in extensions.items() if k != key}
                    document = evolve(document, extensions=rest or None)
                yield document

        records = self.write_records(watched(), options, report)
        return write_json_values(target, records, jsonl=jsonl, one_as_array=lambda: any(arrays))

    def writes_large(self, options: Options) -> bool:
        """Whether :meth:`write_large` writes one large document a claim at a time with these options; if not,
        ``claimfmt convert`` reads the document whole and writes it with :meth:`write`. By default, whether the
        writer overrides :meth:`write_large` (one that can only with some options overrides this too)."""
        return type(self).write_large is not Converter.write_large

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """:meth:`write` for one large claimfmt document whose claims come one at a time, built from its file.

        A writer that can write a claim at a time overrides this, and then never holds the whole document
        (``claimfmt convert`` of one large file comes here); this one builds it whole.
        """
        return self.write([document.whole()], target, options, report, jsonl=jsonl)

    def in_array_of_one(self, document: DocumentOrJSON, origin: Origin) -> DocumentOrJSON:
        """``document`` (or its JSON) marked as read from a file that is an array of one record (see
        :attr:`file_shape`)."""
        if self.file_shape is None or origin.array != 1:
            return document
        if isinstance(document, dict):
            return {**document, "extensions": {**document.get("extensions", {}), self.file_shape: "array"}}
        return evolve(document, extensions={**(document.extensions or {}), self.file_shape: "array"})

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[Any]:
        """Peer JSON records for documents, streamed."""
        raise ConversionError(f"{self.name} cannot be written")


def readable(records: Iterable[Record], report: LossReport) -> Iterator[tuple[Any, Origin]]:
    """The parsed JSON of each record with its origin; records that could not be read go to ``report``."""
    for record in records:
        origin = report.current = Origin.of(record)
        if record.issue is not None:
            report.add(record.issue, origin)
        else:
            yield record.data, origin


def counted(records: Iterable[Record], report: LossReport) -> Iterator[Record]:
    """``records``, each counted in ``report.records_read`` as it passes."""
    for record in records:
        report.records_read += 1
        yield record


def text_of(path: Path, report: LossReport) -> str | None:
    """The UTF-8 text of a file of a text format, or None after reporting why it is not text."""
    text = decode_text(path.read_bytes())
    if isinstance(text, Issue):
        report.add(text, Origin(file=str(path)))
        return None
    return text


def set_aside(
    exc: PatchError | DocumentError, what: str, instead: str, report: LossReport, origin: Origin | None = None
) -> None:
    """Warn (``record-invalid``) that a claimfmt record was set aside, with the first reason it does not fit."""
    if isinstance(exc, DocumentError) and exc.issues:
        first = exc.issues[0]
        reason = f"{first.pointer + ': ' if first.pointer else ''}{first.message} [{first.code}]"
    else:
        reason = str(exc)
    report.warn("record-invalid", f"{what} does not fit ({reason}); it was set aside and {instead}", origin)


def patched(record: dict[str, Any], patch: Any, report: LossReport, what: str) -> dict[str, Any]:
    """A peer record with the patch a reader kept under ``extensions`` applied, to give the peer's record back.

    A document edited since (or written by hand) may hold a patch that is not one:
    it is left out with a ``record-invalid`` warning, and the record is written as mapped.
    """
    try:
        return apply(record, patch)
    except PatchError as exc:
        set_aside(exc, f"{what}: the peer fields kept under extensions", "the record written as mapped", report)
        return record


def unmapped(data: dict[str, Any], taken: set[str], field: str, report: LossReport) -> dict[str, Any]:
    """The keys of a peer object that a reader did not map, to keep under ``extensions``.

    ``taken`` names the keys whose values the reader used; every other key (an unknown
    one, or a known one with a value it could not use) is returned and counted as
    parked under ``field.key``, so that nothing is lost without a word.
    """
    left = {key: value for key, value in data.items() if key not in taken}
    for key in left:
        report.park(f"{field}.{key}")
    return left


def required_text(data: Any, key: str, what: str, report: LossReport, origin: Origin, pointer: str = "") -> str | None:
    """The non-empty string a peer record must have at ``key``, or None after reporting why it has none.

    Not an object, or no ``key``: ``not-convertible``; a value of another type (or an
    empty string): ``wrong-type`` at the key's JSON pointer.
    """
    if not isinstance(data, dict):
        report.error("not-convertible", f"{what} is an object, not {json_type(data, article=True)}", origin, pointer)
        return None
    value = data.get(key)
    if isinstance(value, str) and value:
        return value
    where = f"{pointer}/{escape_pointer_token(key)}"
    if key not in data:
        report.error("not-convertible", f"{what} has no {key!r}", origin, where)
    else:
        got = "an empty string" if value == "" else json_type(value, article=True)
        report.error(
            "wrong-type", f"{key}: expected a non-empty string, got {got}; the record is skipped", origin, where
        )
    return None


def drop_all_but_latest(claim: Claim, report: LossReport) -> None:
    """Count, as dropped, a claim's assessments other than its latest current one: a one-verdict peer holds that one."""
    others = len(claim.verifications or ()) - (claim.latest() is not None)
    if others:
        report.drop("claims[].verifications[] other than the latest current one", others)


def optional(module: str, extra: str, what: str) -> Any:
    """``module`` imported, or :class:`ConversionError` naming the extra that installs it (for ``what``)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConversionError(f"{what} needs {module.split('.')[0]}: pip install 'claimfmt[{extra}]'") from None


def input_files(sources: Iterable[SourceLike], name: str, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """The files a file-based format reads: each file given, and those with ``suffixes`` in each folder."""
    for source in sources:
        if not isinstance(source, str | os.PathLike) or str(source) == "-":
            raise ConversionError(f"{name} is read from files or folders, not from standard input")
        path = Path(source)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(suffixes))
        else:
            yield path


#: The keys a writer always writes, by object: a key naming another shape holds that object, or a list of them.
Shape: TypeAlias = Mapping[str, "Shape | None"]


def only_written(record: Any, shape: Shape) -> bool:
    """Whether ``record`` holds no key its writer's ``shape`` lacks, at any depth the shape describes.

    A reader that finds so of a record claimfmt wrote knows the tool added nothing to it, without writing
    the document again to compare (what :func:`kept_by_reader` would find is then nothing). The writer must
    write every key of ``shape`` wherever it writes the object holding it.
    """
    if type(record) is not dict:
        return True  # additions() only looks into objects
    if not record.keys() <= shape.keys():
        return False
    for key, value in record.items():
        inner = shape[key]
        if inner is None:
            continue
        if type(value) is list:
            if all(v is None for v in inner.values()):  # leaves only: each item's keys are all there is to ask
                keys = inner.keys()
                if not all(type(item) is not dict or item.keys() <= keys for item in value):
                    return False
            elif not all(only_written(item, inner) for item in value):
                return False
        elif not only_written(value, inner):
            return False
    return True


def kept_by_reader(
    document: Document,
    read: dict[str, Any],
    again: dict[str, Any],
    *,
    written: bool,
    extension: str,
    field: str,
    report: LossReport,
) -> Document:
    """``document`` with what a tool's writer would not give back of the record ``read`` kept under ``extension``.

    ``again`` is what the writer makes of ``document``. A record claimfmt ``written`` (it holds our
    record) keeps only what the tool added to it: its annotations are the document's, edits and all,
    not a patch on them. Each key kept is counted as parked under ``field.key``.
    """
    kept = additions(read, again) if written else diff(read, again)
    if not kept:
        return document
    for key in (*kept.get("set", {}), *kept.get("in", {}), *kept.get("each", {})):
        report.park(f"{field}.{key}")
    return evolve(document, extensions={**(document.extensions or {}), extension: kept})
