"""The Arrow layout of claimfmt documents: one row per document, nested columns mirroring the JSON.

:data:`SCHEMA` is public: Parquet files written by ``claimfmt convert --to parquet`` have
it, and DuckDB, Spark, Polars or pandas read them as they are (``docs/parquet.md``). It
mirrors the JSON of format |version| key for key, with three mappings on purpose:

- **free JSON as canonical JSON text**: ``extensions`` (everywhere), ``external_ids``,
  and the numbers that may be integers or not (a verdict's ``value``/``best``/``worst``,
  a claim's ``confidence``), so that ``1`` and ``1.0`` come back as they were; cast them
  in SQL (``CAST(v.verdict.value AS DOUBLE)``);
- **enums and dates as strings**, as in the JSON, plus one derived column,
  ``published_at`` (``article.published`` as a UTC timestamp), for range filters; a reader
  ignores derived columns;
- an absent optional value is null, and an empty list stays an empty list.

Key-value metadata records the layout version (:data:`LAYOUT_VERSION`) and the format
version; a reader refuses a file without them or with a layout it does not know.

The per-batch API (:func:`validate_batch`, :func:`convert_batch`) is what an engine
(Dask, Spark's ``mapInArrow``, Ray) calls on each partition.
"""

from __future__ import annotations

import itertools
import operator
import os
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs
import orjson
import pyarrow as pa

from claimfmt import jsontext
from claimfmt.dates import to_utc
from claimfmt.issues import DocumentError, Issue
from claimfmt.model import Claim, Document
from claimfmt.schemas import schema_versions
from claimfmt.structuring import _NULLABLE, _RENAMED, as_json, deferred, json_keys, structure

__all__ = [
    "ISSUE_SCHEMA",
    "LAYOUT_VERSION",
    "SCHEMA",
    "LayoutError",
    "check_schema",
    "claims_json",
    "convert_batch",
    "documents_from_batch",
    "error_text",
    "flat_tables",
    "large_record_batch",
    "metadata",
    "record_batch",
    "settled_row",
    "validate_batch",
    "validate_parquet",
]

#: The version of :data:`SCHEMA`; a reader refuses others.
LAYOUT_VERSION = "1"
_LAYOUT_KEY, _VERSION_KEY = b"claimfmt.layout", b"claimfmt.version"

_s, _i, _b = pa.string(), pa.int64(), pa.bool_()
#: Fields held as canonical JSON text.
JSON_FIELDS = frozenset({"extensions", "external_ids", "value", "best", "worst", "confidence"})


def _struct(*fields: tuple[str, pa.DataType]) -> pa.StructType:
    return pa.struct([pa.field(name, kind) for name, kind in fields])


SPAN = _struct(("start", _i), ("end", _i), ("exact", _s), ("prefix", _s), ("suffix", _s), ("extensions", _s))
_LOCATOR = _struct(("corpus", _s), ("page", _s), ("sentence", _i), ("group", _i), ("extensions", _s))
_EVIDENCE = _struct(
    ("url", _s),
    ("archived_url", _s),
    ("title", _s),
    ("quote", _s),
    ("stance", _s),
    ("question", _s),
    ("answer", _s),
    ("locator", _LOCATOR),
    ("extensions", _s),
)
_VERDICT = _struct(("label", _s), ("scheme", _s), ("value", _s), ("best", _s), ("worst", _s), ("extensions", _s))
_VERIFICATION = _struct(
    ("id", _s),
    ("state", _s),
    ("verdict", _VERDICT),
    ("assessed_by", _s),
    ("assessed_at", _s),
    ("review_url", _s),
    ("rationale", _s),
    ("evidence", pa.list_(_EVIDENCE)),
    ("supersedes", _s),
    ("extensions", _s),
)
_HEDGE = _struct(("kind", _s), ("text", _s), ("span", SPAN), ("extensions", _s))
_VIA = _struct(("source", _s), ("cue", SPAN), ("stance", _s), ("extensions", _s))
_ATTRIBUTION = _struct(
    ("source", _s),
    ("stance", _s),
    ("commitment", _s),
    ("mode", _s),
    ("cue", SPAN),
    ("content", pa.list_(SPAN)),
    ("via", pa.list_(_VIA)),
    ("channel", _s),
    ("hedges", pa.list_(_HEDGE)),
    ("extensions", _s),
)
_CLAIM = _struct(
    ("id", _s),
    ("text", _s),
    ("spans", pa.list_(SPAN)),
    ("date", _s),
    ("attributions", pa.list_(_ATTRIBUTION)),
    ("verifications", pa.list_(_VERIFICATION)),
    ("confidence", _s),
    ("extensions", _s),
)
_SOURCE = _struct(
    ("id", _s),
    ("kind", _s),
    ("name", _s),
    ("anonymous", _b),
    ("description", _s),
    ("role", _s),
    ("affiliation", _s),
    ("mentions", pa.list_(SPAN)),
    ("external_ids", _s),
    ("extensions", _s),
)
_ARTICLE = _struct(
    ("url", _s),
    ("title", _s),
    ("publisher", _s),
    ("published", _s),
    ("language", _s),
    ("authors", pa.list_(_s)),
    ("text", _s),
    ("text_sha256", _s),
    ("extensions", _s),
)
_PROVENANCE = _struct(
    ("annotators", pa.list_(_struct(("kind", _s), ("name", _s), ("version", _s)))),
    ("tool", _s),
    ("guidelines", _s),
    ("created", _s),
    ("modified", _s),
    ("extensions", _s),
)
_RELATION = _struct(("type", _s), ("from", _s), ("to", _s), ("extensions", _s))

#: Columns a reader derives nothing from (they are computed from the others when writing).
DERIVED = ("published_at",)


def metadata() -> dict[bytes, bytes]:
    """The key-value metadata every claimfmt Parquet file carries."""
    return {_LAYOUT_KEY: LAYOUT_VERSION.encode(), _VERSION_KEY: schema_versions()[-1].encode()}


#: One row per document.
SCHEMA = pa.schema(
    [
        pa.field("claimfmt", _s, nullable=False),
        pa.field("id", _s, nullable=False),
        pa.field("article", _ARTICLE, nullable=False),
        pa.field("sources", pa.list_(_SOURCE), nullable=False),
        pa.field("claims", pa.list_(_CLAIM), nullable=False),
        pa.field("relations", pa.list_(_RELATION)),
        pa.field("provenance", _PROVENANCE),
        pa.field("extensions", _s),
        pa.field("published_at", pa.timestamp("us", tz="UTC")),
    ],
    metadata=metadata(),
)

#: The issues :func:`validate_batch` returns, one row each.
ISSUE_SCHEMA = pa.schema(
    [
        pa.field("row", _i),
        pa.field("document_id", _s),
        pa.field("code", _s, nullable=False),
        pa.field("severity", _s, nullable=False),
        pa.field("pointer", _s, nullable=False),
        pa.field("message", _s, nullable=False),
    ]
)


class LayoutError(ValueError):
    """A table that is not in claimfmt's Arrow layout (another schema, or a layout version unknown here)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def check_schema(schema: pa.Schema) -> None:
    """Raise :class:`LayoutError` unless ``schema`` is claimfmt's layout of a version this package reads.

    A table without the layout metadata is taken when its columns are the layout's.
    """
    found = (schema.metadata or {}).get(_LAYOUT_KEY)
    if found is None:
        # Engines that rewrite a table (DuckDB's COPY, say) drop the metadata: the columns decide then.
        if any(f.name not in schema.names or not schema.field(f.name).type.equals(f.type) for f in _ROW):
            raise LayoutError(
                "parquet-not-claimfmt", "not a claimfmt table: no claimfmt.layout metadata, and other columns"
            )
        return
    if found.decode() != LAYOUT_VERSION:
        raise LayoutError(
            "parquet-layout-unsupported",
            f"claimfmt Arrow layout {found.decode()!r}; this claimfmt reads layout {LAYOUT_VERSION}",
        )
    for field in SCHEMA:
        if field.name in DERIVED:
            continue
        if field.name not in schema.names:
            raise LayoutError("parquet-schema-mismatch", f"column {field.name!r} is missing")
        if not schema.field(field.name).type.equals(field.type):
            raise LayoutError(
                "parquet-schema-mismatch",
                f"column {field.name!r} is {schema.field(field.name).type}, not the layout's {field.type}",
            )


# --- documents to rows and back --------------------------------------------------------------------


def _encoder(kind: pa.DataType, name: str = "") -> Callable[[Any], Any] | None:
    """A function from a (non-null) JSON value to what Arrow takes for ``kind`` (JSON fields as text), or None
    where Arrow takes any value as it is. Arrow takes a struct's absent keys as null: a value is copied only on
    the way to a JSON field it holds, and otherwise given back as it is (never changed: it may be a document's
    own JSON)."""
    if name in JSON_FIELDS:
        return lambda value: jsontext.dumps(value, orjson.OPT_SORT_KEYS).decode()
    if pa.types.is_struct(kind):
        fields = [(f.name, e) for f in kind if (e := _encoder(f.type, f.name)) is not None]
        if not fields:
            return None

        def struct(value: Any) -> Any:
            out = value
            for n, e in fields:
                found = value.get(n)
                if found is not None and (made := e(found)) is not found:
                    if out is value:
                        out = dict(value)
                    out[n] = made
            return out

        return struct
    if pa.types.is_list(kind):
        item = _encoder(kind.value_type)
        if item is None:
            return None

        def items(value: Any) -> Any:
            made = [None if v is None else item(v) for v in value]
            return value if all(map(operator.is_, made, value)) else made

        return items
    return None


def _decoder(kind: pa.DataType, name: str = "", model: type | None = None) -> Callable[[pa.Array], list[Any]]:
    """The inverse of :func:`_encoder`, a column at a time: from an Arrow array of ``kind`` to its values' JSON (None
    for a null), a struct's null keys left out (they are absent in the JSON). A struct of a ``model`` class has its
    keys in the order :func:`claimfmt.structuring.unstructure` gives them, so that a Document can hold the JSON
    as its own (written as it would be written from the model).

    Column by column because Arrow makes Python values of a column of strings or numbers several times faster
    than of a struct (``to_pylist`` of a batch was half of reading Parquet). Raises UnicodeDecodeError for a
    string that is not UTF-8 and orjson.JSONDecodeError for a JSON field that is not JSON.
    """
    if name in JSON_FIELDS:
        loads = orjson.loads
        return lambda array: [None if value is None else loads(value) for value in array.to_pylist()]
    if pa.types.is_struct(kind):
        names, nested = [f.name for f in kind], dict.fromkeys(f.name for f in kind)
        kept: frozenset[str] = frozenset()  # keys whose null is a value (a source's name)
        if model is not None:
            hints = typing.get_type_hints(model)
            order = json_keys(model)
            names = [n for n in order if n in nested] + [n for n in names if n not in order]
            nested.update({_RENAMED.get(a.name, a.name): _model_of(hints[a.name]) for a in attrs.fields(model)})
            kept = frozenset(_RENAMED.get(n, n) for n in _NULLABLE.get(model, ()))
        index = {f.name: i for i, f in enumerate(kind)}
        fields = [(index[n], _decoder(kind.field(n).type, n, nested.get(n))) for n in names]
        objects = _objects(names, kept)

        def struct(array: pa.Array) -> list[Any]:
            children = array.flatten()  # the fields' arrays, with the struct's offset (a sliced batch)
            return _nulls_kept(array, objects([decode(children[i]) for i, decode in fields]))

        return struct
    if pa.types.is_list(kind):
        item = _decoder(kind.value_type, model=model)

        def items(array: pa.Array) -> list[Any]:
            # The offsets are into the values of the whole array a slice was cut from: only the slice's are decoded.
            offsets = array.offsets.to_pylist()
            first = offsets[0]
            values = item(array.values.slice(first, offsets[-1] - first))
            lists = [values[start - first : end - first] for start, end in itertools.pairwise(offsets)]
            return _nulls_kept(array, lists)

        return items
    return lambda array: array.to_pylist()


def _objects(names: list[str], kept: frozenset[str]) -> Callable[[list[list[Any]]], list[dict[str, Any]]]:
    """A function from the columns of a struct's fields (``names``, in order) to its values' JSON objects, each
    without the keys whose value is null, but for those ``kept``.

    Its code is written for the struct, as attrs and cattrs write theirs, so that a key is one test and one store
    (a comprehension over the names was a third of reading Parquet).
    """
    values = [f"v{n}" for n in range(len(names))]
    lines = ["def objects(columns):", "    found = []", f"    for {', '.join(values)}, in zip(*columns):"]
    lines.append("        o = {}")
    for name, value in zip(names, values, strict=True):
        test = "" if name in kept else f"if {value} is not None: "
        lines.append(f"        {test}o[{name!r}] = {value}")
    lines += ["        found.append(o)", "    return found"]
    space: dict[str, Any] = {}
    exec("\n".join(lines), space)  # the names are the layout's own (and written as literals), never data
    return space["objects"]  # type: ignore[no-any-return]


def _nulls_kept(array: pa.Array, values: list[Any]) -> list[Any]:
    """``values``, made of ``array``'s children, with None where ``array`` holds a null."""
    if not array.null_count:
        return values
    return [value if valid else None for value, valid in zip(values, array.is_valid().to_pylist(), strict=True)]


def _model_of(hint: Any) -> type | None:
    """The model class a field's type holds (optional, or a tuple of), if any."""
    while (args := typing.get_args(hint)) and typing.get_origin(hint) in (tuple, types.UnionType, typing.Union):
        hint = next(a for a in args if a is not type(None))
    return hint if isinstance(hint, type) and attrs.has(hint) else None


_ROW = pa.struct([f for f in SCHEMA if f.name not in DERIVED])
_ENCODE, _DECODE = _encoder(_ROW) or (lambda data: data), _decoder(_ROW, model=Document)
_CLAIM_DECODE = _decoder(SCHEMA.field("claims").type.value_type, model=Claim)


def _published_at(article: dict[str, Any]) -> Any:
    import datetime as dt

    published = article.get("published")
    if not published:
        return None
    try:
        return dt.datetime.fromisoformat(to_utc(published).replace("Z", "+00:00"))
    except ValueError:  # a leap second: no timestamp can hold it; the string keeps it
        return None


def _row(document: Document | dict[str, Any]) -> dict[str, Any]:
    data = as_json(document) if isinstance(document, Document) else document
    return {**_ENCODE(data), "published_at": _published_at(data["article"])}


def record_batch(documents: Iterable[Document | dict[str, Any]]) -> pa.RecordBatch:
    """Documents (models or their JSON) as one record batch of :data:`SCHEMA`."""
    return pa.RecordBatch.from_pylist([_row(d) for d in documents], schema=SCHEMA)


def large_record_batch(head: dict[str, Any], claims: Iterable[dict[str, Any]]) -> pa.RecordBatch:
    """One document's row, from its JSON without claims (``head``) and its claims' JSON one at a time: each
    thousand claims put in Arrow's columns as they come, so that the Python values of all are never held (a
    large document's, :meth:`claimfmt.large.LargeDocument.claims_json`). The row :func:`record_batch` makes."""
    kind = SCHEMA.field("claims").type
    encode = _encoder(kind.value_type) or (lambda claim: claim)
    chunks: list[pa.Array] = []
    pending: list[Any] = []
    for claim in claims:
        pending.append(encode(claim))
        if len(pending) == _CLAIMS_AT_ONCE:
            chunks.append(pa.array(pending, type=kind.value_type))
            pending = []
    chunks.append(pa.array(pending, type=kind.value_type))
    values = pa.concat_arrays(chunks)
    del chunks
    pa.default_memory_pool().release_unused()  # the chunks' memory, which the pool would keep for the writer
    column = pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values, type=kind)
    row = pa.RecordBatch.from_pylist([_row({**head, "claims": []})], schema=SCHEMA)
    return pa.RecordBatch.from_arrays(
        [column if name == "claims" else row.column(name) for name in SCHEMA.names], schema=SCHEMA
    )


_CLAIMS_AT_ONCE = 1024


def settled_row(path: str | os.PathLike[str]) -> tuple[dict[str, Any], pa.Array, list[Issue]] | None:
    """The one row of a Parquet file of one row above :data:`claimfmt.large.LARGE` bytes (unpacked), where it
    settles a claim at a time as a large JSON file does (:func:`claimfmt.large.settle`): its JSON without its
    claims, its claims' array (:func:`claims_json` reads it), and what it has to report (an article without text's
    one warning at most). None to read it the usual way, which says what is wrong with it where anything is.

    The row's claims are read from the file a field at a time, and made into Python values a thousand at a time:
    neither the whole row group's pages nor the claims' JSON are ever all held.
    """
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(path)
        check_schema(reader.schema_arrow)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid, a LayoutError
        return None
    return _settled_row(reader)


def _settled_row(reader: Any) -> tuple[dict[str, Any], pa.Array, list[Issue]] | None:
    """:func:`settled_row` of a file open in ``reader`` (a ``pyarrow.parquet.ParquetFile`` of :data:`SCHEMA`)."""
    from claimfmt.large import LARGE, settle

    metadata = reader.metadata
    if metadata.num_rows != 1 or metadata.num_row_groups != 1 or metadata.row_group(0).total_byte_size <= LARGE:
        return None
    try:
        batch = _row_by_parts(reader)
        if batch is None:
            return None
        head, claims = _large_row(batch)
        del batch
        pa.default_memory_pool().release_unused()  # the other columns' memory, once the head is made of them
        if isinstance(head, DocumentError):
            return None
        settled = settle(head, ((claim, None) for claim in claims_json(claims)))
        pa.default_memory_pool().release_unused()  # and the claims' values, made and dropped a thousand at a time
    except (OSError, ValueError):  # pyarrow's ArrowInvalid, a string not UTF-8, bad JSON
        return None
    return None if settled is None else (head, claims, settled[1])


def _row_by_parts(reader: Any) -> pa.RecordBatch | None:
    """A one-row file's row as a record batch, its claims read a field at a time: the whole row group read at once
    holds the pages and builders of every column together (a row of 44 MB peaked 120 MB above it). None where a
    claim is null (the usual reading says so)."""
    schema = reader.schema_arrow
    kind = schema.field("claims").type
    # The claims' leaves are at claims.list.element.FIELD... where the file says so (older writers: list.item).
    paths = (reader.schema.column(n).path for n in range(reader.metadata.num_columns))
    prefix = ".".join(next(path for path in paths if path.startswith("claims.")).split(".")[:3])
    # One thread: pyarrow's reader threads can abort the interpreter at exit.
    others = reader.read_row_group(0, columns=[n for n in schema.names if n != "claims"], use_threads=False)
    fields, offsets, pool = [], None, pa.default_memory_pool()
    for field in kind.value_type:
        column = reader.read_row_group(0, columns=[f"{prefix}.{field.name}"], use_threads=False)["claims"]
        column = column.combine_chunks()
        values = column.flatten()
        if column.null_count or values.null_count:
            return None
        offsets = column.offsets
        fields.append(values.flatten()[0])
        del column, values
        # What reading freed, handed back to the system before the next field is read (the system allocator's
        # heap, trimmed: without it a third of the peak is freed memory not handed back).
        pool.release_unused()
    values = pa.StructArray.from_arrays(fields, fields=list(kind.value_type))
    claims = pa.ListArray.from_arrays(offsets, values, type=kind)
    columns = [claims if name == "claims" else others[name].combine_chunks() for name in schema.names]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _large_row(batch: pa.RecordBatch) -> tuple[dict[str, Any] | DocumentError, pa.Array]:
    """A one-row batch of :data:`SCHEMA` taken apart for reading a claim at a time: the row's JSON without its
    claims (``"claims": []``, or why it is not a document), and its claims' array, which :func:`claims_json` reads.
    """
    column = batch.column("claims")
    claims = column.flatten()
    # Made from buffers: pa.array would import pandas (30 MB) where it is installed.
    no_claims = pa.Array.from_buffers(pa.int32(), 2, [None, pa.py_buffer(bytes(8))])
    empty = pa.ListArray.from_arrays(no_claims, claims.slice(0, 0), type=column.type)
    head = pa.RecordBatch.from_arrays(
        [empty if name == "claims" else batch.column(name) for name in batch.schema.names], schema=batch.schema
    )
    return _rows_json(head)[0], claims


def claims_json(claims: pa.Array) -> Iterator[dict[str, Any]]:
    """Each claim's JSON in an array of them (:func:`settled_row`'s), as :func:`documents_from_batch` gives it in its
    document, made a thousand at a time. Raises UnicodeDecodeError or orjson.JSONDecodeError as that does."""
    for first in range(0, len(claims), _CLAIMS_AT_ONCE):
        yield from _CLAIM_DECODE(claims.slice(first, _CLAIMS_AT_ONCE))


def documents_from_batch(batch: pa.RecordBatch | pa.Table) -> Iterator[Document | DocumentError]:
    """Each row as a Document, or the :class:`DocumentError` saying why it is not one (pointers into the row).

    ``batch`` is a record batch (or table) of :data:`SCHEMA` (:func:`check_schema` raises :class:`LayoutError`
    for any other); its other columns are left out.
    """
    from claimfmt.validation import surely_valid

    check_schema(batch.schema)
    for data in _rows_json(batch):
        if isinstance(data, DocumentError):
            yield data
            continue
        try:
            # Known valid: its model built when first asked for (validating it, or writing it to claimfmt, needs none).
            yield deferred(data, issues=()) if surely_valid(data) else structure(data, Document)
        except DocumentError as exc:
            yield exc


def _rows_json(batch: pa.RecordBatch | pa.Table) -> list[dict[str, Any] | DocumentError]:
    """Each row's JSON, as :func:`claimfmt.structuring.unstructure` gives it from the model, key order included; a
    row whose values do not decode (Parquet's checksums are optional) as the error, found row by row once the batch
    as a whole fails."""
    if isinstance(batch, pa.Table):
        return [row for part in batch.to_batches() for row in _rows_json(part)]
    try:
        return _DECODE(_as_rows(batch))
    except (UnicodeDecodeError, orjson.JSONDecodeError):
        pass
    rows: list[dict[str, Any] | DocumentError] = []
    for n in range(batch.num_rows):
        try:
            rows.extend(_DECODE(_as_rows(batch.slice(n, 1))))
        except UnicodeDecodeError as exc:
            rows.append(_undecodable(f"a string is not UTF-8 ({exc})"))
        except orjson.JSONDecodeError as exc:
            rows.append(_undecodable(f"a JSON field is not JSON ({exc})"))
    return rows


def _as_rows(batch: pa.RecordBatch) -> pa.StructArray:
    return pa.StructArray.from_arrays([batch.column(name) for name in _ROW.names], fields=list(_ROW))


def _ids(column: pa.Array | pa.ChunkedArray) -> list[str | None]:
    """The ids of a column of them; None for one that is not UTF-8 (its row's issue says so)."""
    try:
        return column.to_pylist()  # type: ignore[no-any-return]
    except UnicodeDecodeError:
        ids: list[str | None] = []
        for n in range(len(column)):
            try:
                ids.extend(column.slice(n, 1).to_pylist())
            except UnicodeDecodeError:
                ids.append(None)
        return ids


def _undecodable(why: str) -> DocumentError:
    return DocumentError([Issue(code="parquet-unreadable", message=f"the row's values do not decode: {why}")])


# --- the per-batch API ------------------------------------------------------------------------------


def validate_batch(batch: pa.RecordBatch | pa.Table | Iterable[bytes | str]) -> pa.RecordBatch:
    """Every issue in a batch of documents, as a record batch of :data:`ISSUE_SCHEMA`.

    ``batch`` is a record batch (or table) of :data:`SCHEMA`, or JSON lines (each a document);
    ``row`` is the document's position in the batch.
    """
    from claimfmt.reading import decode_issue
    from claimfmt.validation import validate

    rows: list[dict[str, Any]] = []

    def add(row: int, identifier: str | None, issues: Iterable[Issue]) -> None:
        for issue in issues:
            rows.append(
                {
                    "row": row,
                    "document_id": identifier,
                    "code": issue.code,
                    "severity": issue.severity.value,
                    "pointer": issue.pointer,
                    "message": issue.message,
                }
            )

    if isinstance(batch, pa.RecordBatch | pa.Table):
        check_schema(batch.schema)
        ids = _ids(batch.column("id"))
        for n, (identifier, found) in enumerate(zip(ids, documents_from_batch(batch), strict=True)):
            # A document built from a row it knew valid says so at once; any other is validated as its JSON.
            add(n, identifier, found.issues if isinstance(found, DocumentError) else validate(found))
    else:
        for n, line in enumerate(batch):
            raw = line.encode() if isinstance(line, str) else line
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                add(n, None, [decode_issue(raw, exc)])
                continue
            identifier = data.get("id") if isinstance(data, dict) else None
            add(n, identifier if isinstance(identifier, str) else None, validate(data))
    return pa.RecordBatch.from_pylist(rows, schema=ISSUE_SCHEMA)


def validate_parquet(path: str, wanted: Callable[[str], bool] | None = None) -> tuple[int, int, list[Issue]]:
    """Validate a claimfmt Parquet file batch by batch: documents, invalid documents, and issues placed in it.

    A file that is not claimfmt's layout, or cannot be read, is one issue (its code names why).
    """
    import pyarrow.parquet as pq

    from claimfmt.issues import Severity
    from claimfmt.validation import validate

    documents = invalid = 0
    found: list[Issue] = []
    try:
        reader = pq.ParquetFile(path)
        check_schema(reader.schema_arrow)
        if (large := _settled_row(reader)) is not None:  # one large valid row, checked a claim at a time
            return 1, 0, [i.located(file=path, line=None, index=0) for i in large[2] if not wanted or wanted(i.code)]
        # One thread: pyarrow's reader threads can abort the interpreter at exit.
        for batch in reader.iter_batches(batch_size=1024, use_threads=False):
            for document in documents_from_batch(batch):
                issues = list(document.issues) if isinstance(document, DocumentError) else validate(document)
                issues = [
                    i.located(file=path, line=None, index=documents) for i in issues if not wanted or wanted(i.code)
                ]
                invalid += any(i.severity is Severity.ERROR for i in issues)
                documents += 1
                found += issues
    except LayoutError as exc:
        found.append(Issue(code=exc.code, message=f"{exc}; nothing more read from this file", file=path))
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        found.append(
            Issue(code="parquet-unreadable", message=f"not a readable Parquet file: {error_text(exc)}", file=path)
        )
    return documents, invalid, found


def convert_batch(batch: pa.RecordBatch | pa.Table, target_format: str) -> tuple[list[Any], list[Issue]]:
    """The documents of a batch as records of a JSON peer format, and the conversion's issues (a row that is
    not a document is not converted: its issues say why, ``index`` its row)."""
    from claimfmt.conversion import Options
    from claimfmt.converters.base import LossReport
    from claimfmt.converters.registry import get_converter

    check_schema(batch.schema)
    report = LossReport(source="parquet", target=target_format)
    documents = []
    for row, found in enumerate(documents_from_batch(batch)):
        if isinstance(found, DocumentError):
            for issue in found.issues:
                report.add(issue.located(file=None, line=None, index=row))
        else:
            documents.append(found)
    records = list(get_converter(target_format).write_records(documents, Options(), report))
    return records, report.issues


# --- flat tables ------------------------------------------------------------------------------------

FLAT_SCHEMAS = {
    "claims": pa.schema(
        [("doc_id", _s), ("claim_id", _s), ("ordinal", _i), ("text", _s), ("state", _s), ("date", _s),
         ("spans", _i), ("attributions", _i), ("verifications", _i)]
    ),
    "attributions": pa.schema(
        [("doc_id", _s), ("claim_id", _s), ("ordinal", _i), ("source_id", _s), ("source_kind", _s),
         ("anonymous", _b), ("stance", _s), ("commitment", _s), ("mode", _s), ("cue", _s), ("channel", _s),
         ("via", _i), ("hedges", _i)]
    ),
    "spans": pa.schema(
        [("doc_id", _s), ("claim_id", _s), ("ordinal", _i), ("role", _s), ("start", _i), ("end", _i), ("exact", _s)]
    ),
    "sources": pa.schema(
        [("doc_id", _s), ("source_id", _s), ("ordinal", _i), ("kind", _s), ("name", _s), ("anonymous", _b),
         ("description", _s), ("mentions", _i)]
    ),
}  # fmt: skip


def flat_tables(documents: Iterable[Document]) -> dict[str, pa.RecordBatch]:
    """Flat tables for joins and BI tools: claims, attributions, spans (claim spans, cues, hedges), sources.

    Rows are keyed by ``(doc_id, claim_id, ordinal)`` (sources by ``(doc_id, source_id)``);
    ``ordinal`` is the position in its list.
    """
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in FLAT_SCHEMAS}
    for document in documents:
        doc = document.id
        for n, source in enumerate(document.sources):
            rows["sources"].append(
                {"doc_id": doc, "source_id": source.id, "ordinal": n, "kind": source.kind.value, "name": source.name,
                 "anonymous": source.anonymous, "description": source.description,
                 "mentions": len(source.mentions or ())}
            )  # fmt: skip
        for c, claim in enumerate(document.claims):
            rows["claims"].append(
                {"doc_id": doc, "claim_id": claim.id, "ordinal": c, "text": claim.text,
                 "state": claim.state().value, "date": claim.date, "spans": len(claim.spans),
                 "attributions": len(claim.attributions), "verifications": len(claim.verifications or ())}
            )  # fmt: skip
            spans = [("claim", s) for s in claim.spans]
            for n, attribution in enumerate(claim.attributions):
                speaker = document.source(attribution.source)
                rows["attributions"].append(
                    {"doc_id": doc, "claim_id": claim.id, "ordinal": n, "source_id": attribution.source,
                     "source_kind": speaker.kind.value if speaker else None,
                     "anonymous": speaker.anonymous if speaker else None, "stance": attribution.stance.value,
                     "commitment": attribution.commitment.value if attribution.commitment else None,
                     "mode": attribution.mode.value if attribution.mode else None,
                     "cue": attribution.cue.exact if attribution.cue else None, "channel": attribution.channel,
                     "via": len(attribution.via or ()), "hedges": len(attribution.hedges or ())}
                )  # fmt: skip
                if attribution.cue is not None:
                    spans.append(("cue", attribution.cue))
                spans += [("hedge", h.span) for h in attribution.hedges or () if h.span is not None]
            for n, (role, span) in enumerate(spans):
                rows["spans"].append(
                    {"doc_id": doc, "claim_id": claim.id, "ordinal": n, "role": role, "start": span.start,
                     "end": span.end, "exact": span.exact}
                )  # fmt: skip
    return {name: pa.RecordBatch.from_pylist(found, schema=FLAT_SCHEMAS[name]) for name, found in rows.items()}


def error_text(exc: BaseException) -> str:
    """An Arrow error's first line: some run over several, and an issue is one line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
