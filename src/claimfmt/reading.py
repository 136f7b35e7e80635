"""Reading documents from files, folders, gzip and standard input, as a stream.

A source is a JSON file holding one document, a JSON file holding an array of
documents, a JSONL file (one document per line), any of these gzipped, a folder
of such files, or ``-`` for standard input. Memory stays flat however large the
source: JSONL is read a line at a time and large JSON arrays element by element; one
large value (a file above 4 MB, or a line) is parsed a part at a time
(:func:`claimfmt.jsontext.loads`), a file from its mapping (:mod:`claimfmt.mapped`).

:func:`iter_records` yields raw parsed JSON with its location and never raises
for bad data; :func:`iter_documents` builds model objects on top of it.
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.issues import DocumentError, Issue
from claimfmt.mapped import hand_back, mapped
from claimfmt.versions import check_version, upgrade

if TYPE_CHECKING:
    from claimfmt.model import Document

__all__ = [
    "Record",
    "SourceLike",
    "decode_text",
    "document_from_json",
    "iter_documents",
    "iter_records",
    "load",
    "loads",
]

SourceLike = str | os.PathLike[str] | IO[bytes]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"}) | JSONL_SUFFIXES
# Below this size a JSON array is parsed in one go (fast); above it, streamed (flat memory).
_STREAM_ARRAY_BYTES = 32 * 1024 * 1024
#: A JSON array above this many bytes is parsed an item at a time (:func:`_one_at_a_time`).
_ITEMS_ONE_AT_A_TIME_ABOVE = 2**20
_BOM = b"\xef\xbb\xbf"


@attrs.frozen(kw_only=True)
class Record:
    """One document as read: its place in the input and its parsed JSON, or why it could not be read."""

    file: str
    line: int | None = None
    index: int = 0
    data: Any = None
    issue: Issue | None = None
    #: The length of the JSON array the record is an element of (None: not in an array, or one streamed).
    array: int | None = None

    @property
    def ok(self) -> bool:
        """True when the JSON was read (it may still be an invalid document)."""
        return self.issue is None


def iter_records(*sources: SourceLike, unparsed: jsontext.KeepAsText | None = None) -> Iterator[Record]:
    """Every document in ``sources`` as a :class:`Record`, in order, with its location.

    Bad data (not JSON, not UTF-8, a truncated file) becomes a record with an
    ``issue``; a missing file raises :class:`OSError` as usual. ``unparsed``: as :func:`claimfmt.jsontext.loads`
    takes it, for a large document's parts that a reader parses one at a time.
    """
    return _records(sources, None, unparsed)  # type: ignore[return-value]  # without quick, only records


#: A test a JSONL line's parsed value may pass to be counted, not made a Record (see _records).
Quick = Callable[[Any], bool] | None


def _records(
    sources: Iterable[SourceLike], quick: Quick, unparsed: jsontext.KeepAsText | None = None
) -> Iterator[Record | str]:
    """:func:`iter_records`; with ``quick``, a JSONL document that passes it comes as its file's name alone.

    Validation counts a document it settles at once (most of them) and needs nothing more of it:
    making a Record of each costs several percent of reading a small one.
    """
    for source in sources:
        if isinstance(source, str | os.PathLike):
            if str(source) == "-":
                yield from _read_stream(sys.stdin.buffer, "<stdin>", kind=None, quick=quick, unparsed=unparsed)
                continue
            path = Path(source)
            if path.is_dir():
                for file in _files_in(path):
                    yield from _read_path(file, quick, unparsed)
            else:
                yield from _read_path(path, quick, unparsed)
        else:
            name = getattr(source, "name", None)
            where = name if isinstance(name, str) else "<stream>"
            yield from _read_stream(source, where, kind=None, quick=quick, unparsed=unparsed)


def iter_documents(*sources: SourceLike) -> Iterator[Document]:
    """Every document in ``sources`` as a :class:`~claimfmt.model.Document`.

    Raises :class:`DocumentError`, located with file and line, at the first
    document that cannot be read; use :func:`iter_records` to go on past it.
    """
    for record in iter_records(*sources):
        if record.issue is not None:
            raise DocumentError([record.issue])
        try:
            yield document_from_json(record.data)
        except DocumentError as exc:
            located = (i.located(file=record.file, line=record.line, index=record.index) for i in exc.issues)
            raise DocumentError(located) from None


def document_from_json(data: Any) -> Document:
    """A Document from parsed JSON: version check, upgrade, strict structuring."""
    # The model and cattrs load with the first document: validating and converting records need neither.
    from claimfmt.model import Document
    from claimfmt.structuring import structure

    problem = check_version(data)
    if problem is not None:
        raise DocumentError([problem])
    return structure(upgrade(data), Document)


def loads(text: str | bytes) -> Document:
    """Read one document from a JSON string."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raw = text.encode() if isinstance(text, str) else text
        raise DocumentError([decode_issue(raw, exc)]) from None
    return document_from_json(data)


def load(source: SourceLike) -> Document:
    """Read the one document in a file (a path, ``-``, or a binary file object)."""
    documents = iter_documents(source)
    first = next(documents, None)
    if first is None:
        raise DocumentError([Issue(code="no-document", message="the input holds no document", file=_name(source))])
    if next(documents, None) is not None:
        raise DocumentError(
            [Issue(code="several-documents", message="the input holds more than one document", file=_name(source))]
        )
    return first


def _name(source: SourceLike) -> str:
    if isinstance(source, str | os.PathLike):
        return str(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def source_files(source: SourceLike) -> list[SourceLike]:
    """The files a source is read from, in reading order: a folder's JSON files, or the source itself."""
    if isinstance(source, str | os.PathLike) and str(source) != "-" and Path(source).is_dir():
        return list(_files_in(Path(source)))
    return [source]


def _files_in(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not name.startswith(".") and _suffix(path) in JSON_SUFFIXES:
                yield path


def _suffix(path: Path) -> str:
    """The format suffix, looking through a trailing .gz."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _read_path(path: Path, quick: Quick = None, unparsed: jsontext.KeepAsText | None = None) -> Iterator[Record | str]:
    suffix = _suffix(path)
    kind = "jsonl" if suffix in JSONL_SUFFIXES else "json" if suffix == ".json" else None
    if kind == "json" and path.suffix.lower() != ".gz" and path.stat().st_size > jsontext.SPLIT_ABOVE:
        # One large value (an array is streamed below): parsed from the file mapped, a part at a time, its
        # pages handed back as they go, so that neither its bytes nor orjson's tree of it are held.
        with mapped(path) as data:
            if bytes(data[:4096]).lstrip()[:1] != b"[":
                yield from _read_single(data, str(path), hand_back=lambda: hand_back(data), unparsed=unparsed)
                return
    with path.open("rb") as raw:
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if path.suffix.lower() == ".gz" else raw  # type: ignore[assignment]
        try:
            yield from _read_stream(stream, str(path), kind=kind, quick=quick, unparsed=unparsed)
        except (EOFError, OSError, zlib.error) as exc:  # a truncated or corrupt gzip stream
            yield Record(
                file=str(path), issue=Issue(code="unreadable-file", message=f"cannot read: {exc}", file=str(path))
            )


def _read_stream(
    stream: IO[bytes], name: str, *, kind: str | None, quick: Quick = None, unparsed: jsontext.KeepAsText | None = None
) -> Iterator[Record | str]:
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(_Raw(stream))
    if buffered.peek(len(_BOM))[: len(_BOM)] == _BOM:
        buffered.read(len(_BOM))
    if kind == "jsonl":
        yield from _read_jsonl(buffered, name, quick=quick, unparsed=unparsed)
    elif buffered.peek(4096)[:4096].lstrip()[:1] == b"[":
        yield from _read_array(buffered, name)
    elif kind == "json":
        yield from _read_single(buffered.read(), name, unparsed=unparsed)
    else:
        # Standard input or an unknown suffix: JSONL when the first line is a whole JSON value.
        first = buffered.readline()
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            yield from _read_single(first + buffered.read(), name, unparsed=unparsed)
        else:
            lines = itertools.chain([first], buffered)
            del first  # held by lines alone, until read
            yield from _read_jsonl(lines, name, quick=quick, unparsed=unparsed)


def _read_single(
    data: bytes | memoryview,
    name: str,
    *,
    hand_back: Callable[[], None] | None = None,
    unparsed: jsontext.KeepAsText | None = None,
) -> Iterator[Record]:
    # isspace() stops at the first non-blank byte; strip() copies the file.
    if not data or (bytes(data[:4096]).isspace() and bytes(data).isspace()):
        yield Record(file=name, issue=Issue(code="invalid-json", message="the file is empty", file=name))
        return
    items = _array_items(data) if hand_back is None and len(data) > _ITEMS_ONE_AT_A_TIME_ABOVE else None
    if items is not None:
        yield from _one_at_a_time(data, items, name)
        return
    try:
        value = jsontext.loads(data, hand_back=hand_back, unparsed=unparsed)  # a large file a part at a time
    except orjson.JSONDecodeError as exc:
        yield Record(file=name, issue=decode_issue(bytes(data), exc).located(file=name, line=None, index=None))
        return
    del data  # the file's bytes go before its documents are converted (a large one's would be held as long)
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield Record(file=name, index=index, data=item, array=len(value))
    else:
        yield Record(file=name, data=value)


def _array_items(data: bytes | memoryview) -> list[Any] | None:
    """The items of a JSON array, unparsed (slices of ``data``), or None where ``data`` is not an array of JSON."""
    if bytes(data[:64]).lstrip()[:1] != b"[":
        return None
    import msgspec

    try:
        items: list[Any] = msgspec.json.decode(data, type=list[msgspec.Raw])
    except (msgspec.DecodeError, RecursionError):  # not JSON (or deeper than msgspec goes): parsed whole, so
        return None  # that orjson says what is wrong, and where
    return items


def _one_at_a_time(data: bytes | memoryview, items: list[Any], name: str) -> Iterator[Record]:
    """The records of an array's ``items`` (:func:`_array_items`), each parsed as it is asked for.

    Parsed all at once, an array of many documents is a tree that all lives on while they are converted, and
    Python's cyclic collector walks it again and again (a quarter of reading a 20 MB Label Studio export); a
    document at a time, it goes as JSON Lines do. Each item is parsed inside one array, as in the whole text.
    """
    count = len(items)
    for index in range(count):
        raw, items[index] = items[index], None
        try:
            value = jsontext.loads_at(bytes(raw), 1)
        except orjson.JSONDecodeError as exc:  # JSON to msgspec, not to orjson: reported as the whole text is
            yield Record(file=name, issue=_whole_text_issue(data, exc).located(file=name, line=None, index=None))
            return
        yield Record(file=name, index=index, data=value, array=count)


def _whole_text_issue(data: bytes | memoryview, item_error: orjson.JSONDecodeError) -> Issue:
    """The issue orjson finds in the whole text, where it found ``item_error`` in one of its items; that one, with
    its place in the item, should the whole parse (it never does: the item is parsed at its depth)."""
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return decode_issue(bytes(data), exc)
    return decode_issue(bytes(data), item_error)


def _read_array(stream: io.BufferedReader, name: str) -> Iterator[Record]:
    size = _size(stream)
    if size is not None and size <= _STREAM_ARRAY_BYTES:
        yield from _read_single(stream.read(), name)
        return
    import ijson  # only for arrays too large to parse at once

    index = 0
    try:
        for item in ijson.items(stream, "item", use_float=True):
            yield Record(file=name, index=index, data=item)
            index += 1
    except ijson.JSONError as exc:
        # yajl draws the place under the message on more lines; an issue is one line.
        reason = " ".join(str(exc).split("\n", 1)[0].split())
        yield Record(
            file=name,
            index=index,
            issue=Issue(
                code="invalid-json",
                message=f"not valid JSON in array element {index}: {reason}",
                file=name,
                index=index,
            ),
        )
    except UnicodeDecodeError as exc:
        yield Record(
            file=name,
            index=index,
            issue=Issue(code="invalid-utf8", message=f"not valid UTF-8: {exc.reason}", file=name, index=index),
        )


def _read_jsonl(
    stream: Iterable[bytes],
    name: str,
    *,
    first_line: int = 1,
    first_index: int = 0,
    quick: Quick = None,
    unparsed: jsontext.KeepAsText | None = None,
) -> Iterator[Record | str]:
    index, number = first_index, first_line - 1
    for line in stream:  # not enumerate(), whose tuple would hold the line while its document is converted
        number += 1
        if line.isspace() or not line:  # isspace() stops at the first non-blank byte; strip() copies the line
            continue
        try:
            value = jsontext.loads(line, unparsed=unparsed)  # a large line a part at a time
        except orjson.JSONDecodeError as exc:
            issue = decode_issue(line, exc)
            if not line.endswith(b"\n") and issue.code == "invalid-json":
                issue = attrs.evolve(issue, message=issue.message + " (the last line is cut short)")
            yield Record(
                file=name, line=number, index=index, issue=attrs.evolve(issue, file=name, line=number, index=index)
            )
        else:
            del line  # its bytes go before its document is converted (a large line's would be held as long)
            yield (
                name if quick is not None and quick(value) else Record(file=name, line=number, index=index, data=value)
            )
        index += 1


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes) -> str | Issue:
    """The text of a file that must be UTF-8 (a byte-order mark is dropped), or why it is not text.

    Every reader of a text format (TSV, brat, HTML) decodes through here, so that
    UTF-16, binary data and invalid UTF-8 are one located issue each, never an
    exception: ``invalid-utf8`` with the line and byte, or ``not-text`` for NUL bytes.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")  # once: the issue is looked for only where it fails
    except UnicodeDecodeError as bad:
        return _not_utf8(data, bad)
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data.count(b"\n", 0, at) + 1
        return Issue(
            code="not-text",
            line=line,
            message=f"binary data, not text: a NUL byte at byte {at}",
            hint="give the text file itself (UTF-8)",
        )
    return text


def _utf8_issue(data: bytes) -> Issue | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return _not_utf8(data, bad)
    return None


def _not_utf8(data: bytes, bad: UnicodeDecodeError) -> Issue:
    if data.startswith(_UTF16_BOMS):
        return Issue(
            code="invalid-utf8",
            message="not UTF-8: the file starts with a UTF-16 byte-order mark",
            hint="save the file as UTF-8",
        )
    line = data.count(b"\n", 0, bad.start) + 1
    return Issue(
        code="invalid-utf8",
        line=line if line > 1 or b"\n" in data else None,
        message=f"not valid UTF-8 at byte {bad.start}: {bad.reason}",
        hint="save the file as UTF-8",
    )


def decode_issue(data: bytes, exc: orjson.JSONDecodeError) -> Issue:
    """Why ``data`` is not JSON: invalid UTF-8 (with the byte) or a syntax error (with line and column)."""
    issue = _utf8_issue(data)
    if issue is not None:
        return issue
    if data.rstrip(b"\r\n").count(b"\n"):
        return Issue(
            code="invalid-json",
            line=exc.lineno,
            message=f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
        )
    return Issue(code="invalid-json", message=f"not valid JSON: {exc.msg} (column {exc.colno})")


def _size(stream: io.BufferedReader) -> int | None:
    """Bytes left in a regular file; None for pipes and compressed streams."""
    try:
        status = os.fstat(stream.fileno())
        return status.st_size - stream.tell() if stat.S_ISREG(status.st_mode) else None
    except (OSError, io.UnsupportedOperation):
        return None


class _Raw(io.RawIOBase):
    """Adapts any binary file object (gzip, BytesIO, a pipe) for io.BufferedReader.peek()."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def fileno(self) -> int:
        # What lies behind (a gzip member's file) does not tell this stream's size.
        raise io.UnsupportedOperation("fileno")
