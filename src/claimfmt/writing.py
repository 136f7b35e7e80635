"""Writing documents: one as JSON, many as a JSON array or JSONL, always atomically.

A file is written to a temporary file beside it and renamed over the target
only once everything is written, so an error never leaves half a file behind
and never destroys what was there.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import itertools
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from claimfmt import jsontext
from claimfmt.model import Document
from claimfmt.reading import JSONL_SUFFIXES, _suffix
from claimfmt.structuring import as_json, claim_by_claim

__all__ = [
    "AtomicFiles",
    "Spool",
    "Streamed",
    "atomic_files",
    "atomic_writer",
    "dump",
    "dumps",
    "replaced_path",
    "to_json",
    "write_documents",
    "write_json_values",
    "writes_jsonl",
]

DocumentLike = Document | Mapping[str, Any]


@attrs.frozen(kw_only=True)
class Streamed:
    """A JSON object written a piece at a time: ``head`` with the array at ``at`` (a key or list index per depth)
    made of ``items`` as they come.

    A document of many claims is written so, one claim's JSON at a time (made as it is asked for, where
    the document holds none: one read part by part, ``claimfmt.large``), instead of as one text the size of
    the document again; so is its W3C collection, an annotation at a time.
    """

    head: dict[str, Any]
    at: tuple[str | int, ...]
    items: Iterable[Any]
    #: Keys added at the end of ``head`` once the items are written, where they depend on all of them (a W3C
    #: collection's part of a claimfmt record): called then. Their values may hold :class:`Spool` values.
    late: Callable[[], dict[str, Any]] | None = None
    #: Arrays whose items follow ``items`` in the same array (Label Studio's results: regions, then the
    #: choices and relations on them): called once the items are written.
    tail: Callable[[], list[Spool]] | None = None


class Spool:
    """A JSON array or object too large to hold, written to a temporary file as its parts come, and copied in
    where it goes when a :class:`Streamed` value is written (in its late keys, or its tail)."""

    def __init__(self, *, keyed: bool = False) -> None:
        """``keyed``: an object, whose members come with :meth:`add`'s ``key``; else an array."""
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed once copied, or when it goes)
        self.keyed = keyed
        #: How many items or members it holds.
        self.count = 0

    def add(self, value: Any, key: str | None = None) -> None:
        """Append an item (an array), or a member under ``key`` (an object)."""
        if (key is not None) != self.keyed:
            raise TypeError("an object's members have keys, an array's items none")
        # One a line: compact JSON holds no line break of its own.
        data = jsontext.dumps(value)
        self._file.write((orjson.dumps(key) + b":" + data if self.keyed else data) + b"\n")
        self.count += 1

    def _parts(self, indent: bytes | None) -> Iterator[bytes]:
        """Each item or member, written compact (``indent`` None) or indented below the line ``indent`` starts."""
        self._file.seek(0)
        inner = None if indent is None else indent + b"  "
        for line in self._file:
            part = line[:-1]
            if inner is not None:
                if self.keyed:
                    ((key, value),) = orjson.loads(b"{" + part + b"}").items()
                    part = orjson.dumps(key) + b": " + jsontext.dumps(value, orjson.OPT_INDENT_2)
                else:
                    part = jsontext.dumps(orjson.loads(part), orjson.OPT_INDENT_2)
                part = inner + part.replace(b"\n", inner)
            yield part
        self._file.close()

    def _write(self, out: IO[bytes], indent: bytes | None) -> None:
        opening, closing = (b"{", b"}") if self.keyed else (b"[", b"]")
        if not self.count:
            out.write(opening + closing)
            return
        out.write(opening)
        for n, part in enumerate(self._parts(indent)):
            out.write(b"," + part if n else part)
        out.write((indent or b"") + closing)


#: Above this many claims, a document is written a claim at a time.
STREAMED_CLAIMS = 10_000


def to_json(document: DocumentLike) -> Any:
    """Plain JSON values for a Document (or a :class:`Streamed` one); a mapping (already JSON) passes through."""
    if not isinstance(document, Document):
        return document
    held = document._json
    if len(held["claims"] if held is not None else document.claims) > STREAMED_CLAIMS:
        head, claims = claim_by_claim(document)
        return Streamed(head=head, at=("claims",), items=claims)
    return as_json(document)


def dumps(document: DocumentLike, *, indent: bool = False) -> str:
    """One document as a JSON string (UTF-8 text, non-ASCII kept as is)."""
    out = io.BytesIO()
    _write_value(out, to_json(document), orjson.OPT_INDENT_2 if indent else 0)
    return out.getvalue().decode()


def dump(document: DocumentLike, target: str | os.PathLike[str] | IO[bytes], *, indent: bool = True) -> None:
    """Write one document as JSON to a path (atomically), ``-`` or a binary file."""
    with _open_target(target) as out:
        _write_value(out, to_json(document), (orjson.OPT_INDENT_2 if indent else 0) | orjson.OPT_APPEND_NEWLINE)


def _write_value(out: IO[bytes], value: Any, option: int) -> None:
    """``orjson.dumps(value, option=option)`` written to ``out``; a :class:`Streamed` value an item at a time."""
    if not isinstance(value, Streamed):
        out.write(jsontext.dumps(value, option))
        return
    # The head is written around a marker where the array goes; each item is written where the marker was,
    # indented as orjson indents an array at that depth.
    marker = f"\x00claimfmt-streamed-{id(value)}"
    marked = dict(value.head)
    outer: Any = marked
    for key in value.at[:-1]:  # copied on the way down: the head is not changed
        below = list(outer[key]) if isinstance(outer[key], list) else dict(outer[key])
        outer[key] = below
        outer = below
    outer[value.at[-1]] = marker
    head, quoted = jsontext.dumps(marked, option), orjson.dumps(marker)
    at = head.index(quoted)
    out.write(memoryview(head)[:at])  # not a copy: the head holds the article's text
    indent = option & orjson.OPT_INDENT_2
    depth = _depth(head, at) if indent else None
    rest = head[at + len(quoted) :]
    del head  # the article's text, written: not held while the items are
    inner = depth + b"  " if depth is not None else b""
    count = 0
    for item in value.items:
        out.write((b"," if count else b"[") + inner)
        data = jsontext.dumps(item, indent)
        out.write(data.replace(b"\n", inner) if indent else data)
        count += 1
    for spool in value.tail() if value.tail is not None else ():
        for part in spool._parts(depth):
            out.write((b"," if count else b"[") + part)
            count += 1
    out.write((depth or b"") + b"]" if count else b"[]")
    late = value.late() if value.late is not None else {}
    if late:
        # Before the head's closing brace, as orjson would have written them there.
        end = rest.rindex(b"\n}" if indent else b"}")
        out.write(rest[:end])
        # Dumped as an object of their own, which orjson indents as the head's keys: its braces left out.
        spools: list[Spool] = []
        data = jsontext.dumps(late, indent, default=functools.partial(_spooled, spools=spools))
        out.write(b",")
        _spliced(out, data, 1, len(data) - (2 if indent else 1), spools, indent=bool(indent))
        rest = rest[end:]
    out.write(rest)


def _depth(data: bytes, at: int) -> bytes:
    """A line break and the indentation of the line of ``data`` that ``at`` is on."""
    line = data[data.rfind(b"\n", 0, at) + 1 : at]
    return b"\n" + b" " * (len(line) - len(line.lstrip(b" ")))


def _spooled(value: Any, spools: list[Spool]) -> str:
    """A :class:`Spool`'s place in a late key's JSON: a marker (its number), for :func:`_spliced`."""
    if not isinstance(value, Spool):
        raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")
    spools.append(value)
    return f"\x00claimfmt-spool-{len(spools) - 1}"


def _spliced(out: IO[bytes], data: bytes, start: int, stop: int, spools: list[Spool], *, indent: bool) -> None:
    """``data[start:stop]`` written to ``out`` (not copied: late keys may be large), each spool's marker replaced
    by what it holds, indented as ``data`` is."""
    view = memoryview(data)
    at = start
    for number, spool in enumerate(spools):
        quoted = orjson.dumps(f"\x00claimfmt-spool-{number}")
        found = data.index(quoted, at, stop)
        out.write(view[at:found])
        spool._write(out, _depth(data, found) if indent else None)
        at = found + len(quoted)
    out.write(view[at:stop])


def writes_jsonl(target: str | os.PathLike[str] | IO[bytes], jsonl: bool | None = None) -> bool:
    """Whether values written to ``target`` are JSONL: ``jsonl``, or else the target's suffix (``.jsonl``,
    ``.ndjson``, maybe ``.gz``)."""
    if jsonl is not None:
        return jsonl
    return isinstance(target, str | os.PathLike) and _suffix(Path(target)) in JSONL_SUFFIXES


def write_documents(
    target: str | os.PathLike[str] | IO[bytes],
    documents: Iterable[DocumentLike],
    *,
    jsonl: bool | None = None,
) -> int:
    """Write documents as JSONL or as a JSON array, streamed; returns how many.

    By default the target's suffix decides (``.jsonl``/``.ndjson``, optionally
    ``.gz``, give JSONL; anything else a JSON array); ``jsonl`` overrides it.
    A path is written atomically: if ``documents`` raises, the target is untouched.
    """
    jsonl = writes_jsonl(target, jsonl)
    count = 0
    with _open_target(target) as out:
        if not jsonl:
            out.write(b"[")
        for document in documents:
            if jsonl:
                _write_value(out, to_json(document), orjson.OPT_APPEND_NEWLINE)
            else:
                out.write(b",\n" if count else b"\n")
                _write_value(out, to_json(document), 0)
            count += 1
        if not jsonl:
            out.write(b"\n]\n" if count else b"]\n")
    return count


def write_json_values(
    target: str | os.PathLike[str] | IO[bytes],
    values: Iterable[Any],
    *,
    jsonl: bool | None = None,
    one_as_array: Callable[[], bool] | None = None,
) -> int:
    """Write JSON values as JSONL, or as JSON: one value alone (indented), several as an array.

    As :func:`write_documents`, the target's suffix decides unless ``jsonl``
    is given, and a path is only replaced once every value is written.
    ``one_as_array``, asked once a single value is known, says to write it as an
    array of one all the same (a peer file that was one).
    """
    jsonl = writes_jsonl(target, jsonl)
    count = 0
    with _open_target(target) as out:
        if jsonl:
            for value in values:
                _write_value(out, value, orjson.OPT_APPEND_NEWLINE)
                count += 1
            return count
        iterator = iter(values)
        # One value is written as itself, not as an array of one: look one ahead to know.
        first = next(iterator, _NOTHING)
        second = next(iterator, _NOTHING) if first is not _NOTHING else _NOTHING
        if second is _NOTHING and not (first is not _NOTHING and one_as_array is not None and one_as_array()):
            if first is not _NOTHING:
                _write_value(out, first, orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
                count = 1
            else:
                out.write(b"[]\n")
            return count
        out.write(b"[")
        for value in itertools.chain((v for v in (first, second) if v is not _NOTHING), iterator):
            out.write(b",\n" if count else b"\n")
            _write_value(out, value, 0)
            count += 1
        out.write(b"\n]\n")
    return count


_NOTHING: Any = object()


@contextlib.contextmanager
def _open_target(target: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    if not isinstance(target, str | os.PathLike):
        yield target
    elif str(target) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with atomic_writer(target) as out:
            yield out


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` only when the block ends without an error.

    A ``.gz`` path is gzip-compressed. The temporary file sits in the target's
    folder, so the final rename never crosses file systems.
    """
    path = Path(path)
    handle, temp_name = _temporary(path)
    try:
        with os.fdopen(handle, "wb") as raw:
            if path.suffix.lower() == ".gz":
                with gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=raw, mtime=0) as compressed:
                    yield compressed  # type: ignore[misc]
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        _settle(temp_name, path)
    except BaseException:
        temp_name.unlink(missing_ok=True)
        raise


class AtomicFiles:
    """Files of one run (a brat folder, UIMA CAS files), written to temporary files until the run succeeds."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def write(self, path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
        """Write ``data`` (or its parts, as they come) for ``path``; it replaces ``path`` only when the whole run
        ends without an error."""
        path = Path(path)
        handle, temp_name = _temporary(path)
        self._pending.append((temp_name, path))
        with os.fdopen(handle, "wb") as raw:
            if isinstance(data, bytes):
                raw.write(data)
            else:
                for part in data:
                    raw.write(part)


@contextlib.contextmanager
def atomic_files() -> Iterator[AtomicFiles]:
    """Many files written atomically as one: every file is replaced when the block ends without an error, none
    otherwise.

    Each is written to a temporary file beside its target; at the end one ``os.sync`` puts them all on disk
    (an fsync per file cost more than writing it: two per brat document), then each is renamed into place.
    """
    files = AtomicFiles()
    try:
        yield files
        if files._pending:
            os.sync()
        for temp, path in files._pending:
            _settle(temp, path)
    except BaseException:
        for temp, _ in files._pending:
            temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def replaced_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """An empty file beside ``path``, for a library that writes to a path of its own (pyarrow): renamed over
    ``path`` when the block ends without an error, removed otherwise."""
    path = Path(path)
    handle, temp = _temporary(path)
    os.close(handle)
    try:
        yield temp
        _settle(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _temporary(path: Path) -> tuple[int, Path]:
    """A new file beside ``path`` (its descriptor and path), named for this process and made exclusively, with the
    permissions a new file there gets (the umask applies). Not ``mkstemp``: its random name and the ``chmod`` its
    0600 needed after were a third of the cost of a brat document's two small files."""
    while True:
        temp = path.with_name(f".{path.name}.{os.getpid()}-{next(_TEMPORARIES)}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), temp
        except FileExistsError:  # left by a process of the same number that did not finish
            continue


_TEMPORARIES = itertools.count()


def _settle(temp: Path, path: Path) -> None:
    """Rename a written temporary file over ``path``, keeping the permissions of a file it replaces."""
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:  # none there (or none to be seen, as Path.exists would say): a new file's permissions
        pass
    else:
        temp.chmod(mode)
    temp.replace(path)
