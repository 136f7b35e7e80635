"""Parquet in claimfmt's Arrow layout (``parquet``), both ways, streamed in record batches.

Writing uses one pyarrow ``ParquetWriter`` per output file and a batch of at most
:data:`BATCH` documents in memory: the corpus is never built as one table. A file is
written beside its target and renamed over it when complete; a partitioned folder
(``--partition-by language,month``: hive folders ``language=en/month=2024-03/``) is
built beside the target and swapped in. ``--flat`` adds the flat tables of
:func:`claimfmt.arrow.flat_tables` (``NAME.claims.parquet`` beside a file, ``_flat/`` in a
folder, where dataset readers skip it).

Reading takes files and folders (hive-partitioned or not; paths with a part starting
``_`` or ``.`` are skipped, as Arrow datasets do), one record batch at a time. A file
that is not Parquet, is cut short, is of another schema or of a layout version from the
future is one error with its file, and no document of it is read; a row group that cannot be read (a
damaged page) is one error with its first row, and the groups around it are read.

pyarrow is an optional dependency: ``pip install 'claimfmt[parquet]'``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import attrs

from claimfmt.converters.base import ConversionError, Converter, LossReport, Options, Origin, Read, optional
from claimfmt.issues import DocumentError, Issue
from claimfmt.large import LargeDocument
from claimfmt.model import Claim, Document
from claimfmt.reading import SourceLike
from claimfmt.structuring import as_json
from claimfmt.writing import replaced_path

__all__ = ["PARTITION_KEYS", "Parquet", "open_large_row"]

JSON = Any

#: Documents per record batch, written and read.
BATCH = 256
#: What ``--partition-by`` takes.
PARTITION_KEYS = ("language", "month")
_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"
FLAT_NAMES = ("claims", "attributions", "spans", "sources")


def _pyarrow() -> Any:
    return optional("pyarrow.parquet", "parquet", "parquet")


class Parquet(Converter):
    """claimfmt's Arrow layout (claimfmt.arrow.SCHEMA) in Parquet files and hive-partitioned folders."""

    name: ClassVar[str] = "parquet"
    summary: ClassVar[str] = "Parquet in claimfmt's Arrow layout (--partition-by, --flat; needs pyarrow)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        pq = _pyarrow()
        from claimfmt.arrow import LayoutError, check_schema, error_text

        for source in sources:
            if not isinstance(source, str | os.PathLike) or str(source) == "-":
                raise ConversionError("parquet is read from files or folders, not standard input")
            for file in _files(Path(source)):
                origin = Origin(file=str(file))
                try:
                    reader = pq.ParquetFile(file)
                    check_schema(reader.schema_arrow)
                except LayoutError as exc:
                    report.error(exc.code, f"{exc}; nothing read from this file", origin)
                    continue
                except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                    report.error("parquet-unreadable", f"not a readable Parquet file: {error_text(exc)}", origin)
                    continue
                for row, found in _rows(reader):
                    if isinstance(found, _LostGroup):
                        rows = f"rows {row} to {row + found.rows - 1}" if found.rows > 1 else f"row {row}"
                        message = f"row group {found.group} ({rows}) cannot be read: {error_text(found.error)}"
                        report.error("parquet-unreadable", message, Origin(file=str(file), index=row))
                        continue
                    at = Origin(file=str(file), index=row)
                    report.records_read += 1
                    if isinstance(found, DocumentError):
                        for issue in found.issues:
                            report.add(issue, at)
                    else:
                        yield Read(document=found, origin=at)

    def write(
        self,
        documents: Iterable[Document],
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        pq = _pyarrow()
        if not isinstance(target, str | os.PathLike) or str(target) == "-":
            raise ConversionError("parquet writes a file (or a folder with --partition-by): give -o PATH")
        unknown = [key for key in options.partition_by if key not in PARTITION_KEYS]
        if unknown:
            raise ConversionError(f"--partition-by takes {', '.join(PARTITION_KEYS)}, not {', '.join(unknown)}")
        path = Path(target)
        if options.partition_by:
            return _write_folder(pq, documents, path, options)
        with _replaced_file(path) as temp:
            if not options.flat:
                return _write_files(pq, documents, lambda _: temp, None)
            # The flat tables are written under a temporary name too, and renamed once all is written.
            stem = path.with_name(path.name.removesuffix(".parquet"))
            count = _write_files(pq, documents, lambda _: temp, temp)
            for name in FLAT_NAMES:
                Path(f"{temp}.{name}.parquet").replace(f"{stem}.{name}.parquet")
            return count

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """One large document's row, its claims put in Arrow's columns a thousand at a time as they are read
        (:func:`claimfmt.arrow.large_record_batch`). Partitioned or with its flat tables, it is written whole."""
        if options.partition_by or options.flat or not isinstance(target, str | os.PathLike) or str(target) == "-":
            return super().write_large(document, target, options, report, jsonl=jsonl)
        pq = _pyarrow()
        from claimfmt.arrow import SCHEMA, large_record_batch

        batch = large_record_batch(as_json(document.head), document.claims_json())
        with _replaced_file(Path(target)) as temp, pq.ParquetWriter(temp, SCHEMA, compression="zstd") as writer:
            writer.write_batch(batch)
        return 1


@contextlib.contextmanager
def open_large_row(path: str | os.PathLike[str]) -> Iterator[LargeDocument | None]:
    """The one valid document of a Parquet file holding one row above :data:`claimfmt.large.LARGE` bytes, its
    claims made from the row's Arrow columns a thousand at a time each time they are gone through (never all
    made at once), as :func:`claimfmt.large.open_large` reads a large JSON file; None to read it the usual way,
    which says what is wrong with it where anything is (:func:`claimfmt.arrow.settled_row`)."""
    _pyarrow()
    from claimfmt.arrow import settled_row
    from claimfmt.large import Unbuildable

    found = settled_row(path)
    if found is None:
        yield None
        return
    try:
        document = _LargeRow(*found)
    except Unbuildable:
        yield None
        return
    del found  # the head's JSON: the document's head is built now
    yield document


class _LargeRow(LargeDocument):
    """A :class:`LargeDocument` of a Parquet row: its claims made from the row's Arrow array as they are gone
    through, a thousand at a time."""

    def __init__(self, head: dict[str, JSON], claims: Any, issues: list[Issue]) -> None:
        from claimfmt.large import head_document

        super().__init__(head_document(head), memoryview(b""), [], issues)  # no file's bytes: each method is its own
        self._claims = claims

    def __len__(self) -> int:
        return len(self._claims)

    def claims_json(self) -> Iterator[dict[str, JSON]]:
        from claimfmt.arrow import claims_json

        return claims_json(self._claims)

    def claims(self) -> Iterator[tuple[Claim, dict[str, JSON]]]:
        from claimfmt.large import built_claim

        return ((built_claim(claim), claim) for claim in self.claims_json())

    def built(self) -> Iterator[Claim]:
        from claimfmt.large import built_claim

        return map(built_claim, self.claims_json())


@attrs.frozen(kw_only=True)
class _LostGroup:
    """A row group that cannot be read (a damaged page): its rows are lost, the groups around it are read."""

    group: int
    rows: int
    error: Exception


def _rows(reader: Any) -> Iterator[tuple[int, Document | DocumentError | _LostGroup]]:
    """Each row of a Parquet file, by its number in the file, as a document (or why it is not one: a row whose
    values do not decode is one too), a record batch at a time; a row group that cannot be read in its place."""
    from claimfmt.arrow import documents_from_batch

    row = 0
    for group in range(reader.num_row_groups):
        rows = reader.metadata.row_group(group).num_rows
        try:
            # Read whole before any row is given: a group is lost whole or read whole.
            # One thread: pyarrow's reader threads can abort the interpreter at exit.
            batches = list(reader.iter_batches(batch_size=BATCH, row_groups=[group], use_threads=False))
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            yield row, _LostGroup(group=group, rows=rows, error=exc)
            row += rows
            continue
        for batch in batches:
            for found in documents_from_batch(batch):
                yield row, found
                row += 1


def _files(path: Path) -> Iterator[Path]:
    if not path.is_dir():
        yield path
        return
    for file in sorted(path.rglob("*.parquet")):
        parts = file.relative_to(path).parts
        if not any(part.startswith(("_", ".")) for part in parts):
            yield file


def _partition(document: Document, keys: tuple[str, ...]) -> tuple[str, ...]:
    values = []
    for key in keys:
        if key == "language":
            value = document.article.language
        else:
            published = document.article.published
            value = published[:7] if published else None
        values.append(f"{key}={value or _DEFAULT_PARTITION}")
    return tuple(values)


def _write_files(pq: Any, documents: Iterable[Document], where: Any, flat: Path | None, partition: Any = None) -> int:
    """Write documents in batches, each to the file ``where(partition)`` names; flat tables as ``flat.NAME.parquet``."""
    from claimfmt.arrow import FLAT_SCHEMAS, SCHEMA, flat_tables, record_batch

    writers: dict[Any, Any] = {}
    flat_writers: dict[str, Any] = {}
    pending: dict[Any, list[Document]] = {}
    written = 0

    def flush(key: Any) -> None:
        batch = pending.pop(key, [])
        if not batch:
            return
        writer = writers.get(key)
        if writer is None:
            file = where(key)
            file.parent.mkdir(parents=True, exist_ok=True)
            writer = writers[key] = pq.ParquetWriter(file, SCHEMA, compression="zstd")
        writer.write_batch(record_batch(batch))
        if flat is not None:
            for name, table in flat_tables(batch).items():
                if name not in flat_writers:
                    flat_writers[name] = pq.ParquetWriter(f"{flat}.{name}.parquet", table.schema, compression="zstd")
                flat_writers[name].write_batch(table)

    try:
        for document in documents:
            key = partition(document) if partition else None
            pending.setdefault(key, []).append(document)
            written += 1
            if len(pending[key]) >= BATCH:
                flush(key)
        for key in list(pending):
            flush(key)
        if not writers:  # no document: still a valid, empty table
            writers[None] = pq.ParquetWriter(where(None), SCHEMA, compression="zstd")
        if flat is not None:
            for name, schema in FLAT_SCHEMAS.items():
                if name not in flat_writers:
                    flat_writers[name] = pq.ParquetWriter(f"{flat}.{name}.parquet", schema, compression="zstd")
    finally:
        for writer in [*writers.values(), *flat_writers.values()]:
            writer.close()
    return written


@contextlib.contextmanager
def _replaced_file(path: Path) -> Iterator[Path]:
    """:func:`claimfmt.writing.replaced_path`, and the flat tables written beside it removed should the block fail."""
    with replaced_path(path) as temp:
        try:
            yield temp
        finally:
            for name in FLAT_NAMES:
                Path(f"{temp}.{name}.parquet").unlink(missing_ok=True)


def _write_folder(pq: Any, documents: Iterable[Document], path: Path, options: Options) -> int:
    """A hive-partitioned folder, built beside ``path`` and swapped in when complete."""
    if path.exists() and not path.is_dir():
        raise ConversionError(f"--partition-by writes a folder, and {path} is a file")
    temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or "."))
    try:
        flat = temp / "_flat" / "flat" if options.flat else None
        if flat is not None:
            flat.parent.mkdir()
        count = _write_files(
            pq,
            documents,
            lambda key: temp.joinpath(*(key or ()), "part-0.parquet"),
            flat,
            partition=lambda d: _partition(d, options.partition_by),
        )
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent or "."))
            path.replace(old / "folder")
        temp.replace(path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return count
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
