"""Parquet in claimfmt's Arrow layout: round trips, streaming, partitions, flat tables, DuckDB recipes (issue 11)."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt.arrow import (
    ISSUE_SCHEMA,
    SCHEMA,
    convert_batch,
    documents_from_batch,
    flat_tables,
    record_batch,
    validate_batch,
)
from claimfmt.cli import main
from claimfmt.model import Document
from claimfmt.structuring import as_json, unstructure
from claimfmt.summary import CorpusStats
from claimfmt.testing import documents
from claimfmt.validation import surely_valid

from .conftest import EXAMPLES, ROOT

RECIPES = dict(re.findall(r"```sql\n-- recipe: ([\w-]+)\n(.*?)```", (ROOT / "docs" / "parquet.md").read_text(), re.S))


def roundtrip(docs: list[Document], **options: Any) -> list[Document]:
    with tempfile.TemporaryDirectory() as folder:
        source, out, back = Path(folder, "in.jsonl"), Path(folder, "out.parquet"), Path(folder, "back.jsonl")
        claimfmt.write_documents(source, docs)
        report = claimfmt.convert([source], source_format="claimfmt", target_format="parquet", output=out)
        assert not report.failed, report.issues
        report = claimfmt.convert([out], source_format="parquet", target_format="claimfmt", output=back)
        assert not report.failed, report.issues
        return list(claimfmt.iter_documents(back))


@given(st.lists(documents(), max_size=3))
def test_claimfmt_to_parquet_and_back_is_the_identity(docs: list[Document]) -> None:
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        docs = [attrs.evolve(d, id=f"{d.id}-{n}") for n, d in enumerate(docs)]
    assert roundtrip(docs) == docs


@given(documents())
def test_a_batch_holds_a_document_exactly_in_memory_too(document: Document) -> None:
    batch = record_batch([document])
    assert batch.schema.equals(SCHEMA)
    assert list(documents_from_batch(batch)) == [document]


@given(documents())
def test_a_row_read_back_holds_the_json_the_model_gives_key_order_included(document: Document) -> None:
    # A valid row is built in one pass and holds the JSON it was read as, which a writer writes as it is: the
    # bytes its model would give, so that reading Parquet writes what it wrote before that shortcut. (JSON fields
    # come back with their keys sorted, as canonical text holds them: the model read back has them so too.)
    (found,) = documents_from_batch(record_batch([document]))
    assert found == document
    assert orjson.dumps(as_json(found)) == orjson.dumps(unstructure(found))
    assert (found._json is not None) == surely_valid(unstructure(document))


@given(documents())
def test_a_row_is_made_without_changing_the_json_it_is_made_of(document: Document) -> None:
    # A document's JSON may be its own (held since it was read), shared with whatever writes it next.
    data = unstructure(document)
    before = orjson.dumps(data)
    assert list(documents_from_batch(record_batch([data]))) == [document]
    assert orjson.dumps(data) == before


@given(st.lists(documents(), min_size=1, max_size=4), st.data())
def test_any_slice_of_a_batch_and_a_table_of_several_gives_its_own_rows(
    docs: list[Document], data: st.DataObject
) -> None:
    # Rows are decoded a column at a time: a slice's columns start inside the arrays they were cut from.
    batch = record_batch(docs)
    start = data.draw(st.integers(0, len(docs) - 1))
    stop = data.draw(st.integers(start, len(docs)))
    found = list(documents_from_batch(batch.slice(start, stop - start)))
    assert found == docs[start:stop]
    assert all(orjson.dumps(as_json(d)) == orjson.dumps(unstructure(d)) for d in found)  # key order too
    table = pa.Table.from_batches([batch.slice(0, start), batch.slice(start)])
    assert list(documents_from_batch(table)) == docs


def test_numbers_keep_their_type_and_json_fields_are_canonical_text() -> None:
    seed = claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json")
    row = record_batch([seed]).to_pylist()[0]
    verdicts = [v["verdict"] for c in row["claims"] for v in c["verifications"] or () if v["verdict"]]
    assert all(v["value"] is None or isinstance(v["value"], str) for v in verdicts)
    assert list(documents_from_batch(record_batch([seed]))) == [seed]


def test_many_batches_stream_and_come_back_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimfmt.converters.parquet as parquet

    monkeypatch.setattr(parquet, "BATCH", 2)
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    docs = [attrs.evolve(seed, id=f"doc-{n}") for n in range(7)]
    assert roundtrip(docs) == docs


def _corpus() -> list[Document]:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    docs = []
    for n in range(6):
        article = attrs.evolve(
            seed.article,
            language=["en", "de", None][n % 3],
            published=None if n == 5 else f"2024-0{1 + n % 2}-15T10:00:00Z",
        )
        docs.append(attrs.evolve(seed, id=f"doc-{n}", article=article))
    return docs


def test_partitions_are_hive_folders_duckdb_reads_and_claimfmt_reads_back(tmp_path: Path) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "corpus"
    docs = _corpus()
    claimfmt.write_documents(source, docs)
    args = ["convert", str(source), "--from", "claimfmt", "--to", "parquet", "--partition-by", "language,month"]
    assert main([*args, "-o", str(out), "--flat"]) == 0
    folders = sorted(str(p.parent.relative_to(out)) for p in out.rglob("part-0.parquet"))
    assert "language=en/month=2024-01" in folders
    assert "language=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__" in folders
    assert (out / "_flat" / "flat.claims.parquet").exists()
    by_language = duckdb.sql(
        f"SELECT language, count(*) FROM read_parquet('{out}/*/*/*.parquet', hive_partitioning = true) "
        "GROUP BY language ORDER BY language"
    ).fetchall()
    assert by_language == [("de", 2), ("en", 2), (None, 2)]  # the default partition reads as null
    back = tmp_path / "back.jsonl"
    assert main(["convert", str(out), "--from", "parquet", "--to", "claimfmt", "-o", str(back)]) == 0
    assert sorted(claimfmt.iter_documents(back), key=lambda d: d.id) == docs
    # Written again over the old folder: replaced whole.
    assert main([*args, "-o", str(out)]) == 0
    assert not (out / "_flat").exists()


def test_flat_tables_count_what_the_documents_hold(tmp_path: Path) -> None:
    docs = _corpus()
    tables = flat_tables(docs)
    assert tables["claims"].num_rows == sum(len(d.claims) for d in docs)
    assert tables["attributions"].num_rows == sum(len(c.attributions) for d in docs for c in d.claims)
    assert tables["sources"].num_rows == sum(len(d.sources) for d in docs)
    states = Counter(tables["claims"].column("state").to_pylist())
    assert states == Counter(c.state().value for d in docs for c in d.claims)
    source = tmp_path / "in.jsonl"
    claimfmt.write_documents(source, docs)
    out = tmp_path / "corpus.parquet"
    assert main(["convert", str(source), "--from", "claimfmt", "--to", "parquet", "--flat", "-o", str(out)]) == 0
    joined = duckdb.sql(
        f"SELECT count(*) FROM '{tmp_path}/corpus.claims.parquet' c "
        f"JOIN '{tmp_path}/corpus.attributions.parquet' a USING (doc_id, claim_id)"
    ).fetchall()
    assert joined == [(tables["attributions"].num_rows,)]


# --- DuckDB recipes against claimfmt ----------------------------------------------------------------


def _write(path: Path, docs: list[Document]) -> Path:
    pq.write_table(pa.Table.from_batches([record_batch(docs)]), path)
    return path


def _recipe(name: str, path: Path) -> list[tuple[Any, ...]]:
    return duckdb.sql(RECIPES[name].replace("'corpus.parquet'", f"'{path}'")).fetchall()


@given(st.lists(documents(), min_size=1, max_size=4))
def test_duckdb_claims_by_state_and_stance_equal_claimfmt_stats(docs: list[Document]) -> None:
    stats = CorpusStats(name="generated")
    for document in docs:
        stats.add(document)
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder, "corpus.parquet"), docs)
        assert dict(_recipe("claims-by-state", path)) == dict(stats.claims_by_state)
        by_stance: Counter[str] = Counter()
        for stance, _kind, count in _recipe("attributions-by-stance", path):
            by_stance[stance] += count
        assert by_stance == stats.attributions_by_stance
        shares = _recipe("anonymous-share", path)
        assert sum(n for *_, n in shares) == len(docs)


def _break_spans(document: Document, data: st.DataObject) -> Document:
    """Some claim spans moved off their quotes (what a corpus edited by hand can hold)."""
    claims = []
    for claim in document.claims:
        spans = []
        for span in claim.spans:
            if span.start is not None and data.draw(st.booleans()):
                span = attrs.evolve(span, start=span.start + 1, end=span.end + 1, prefix=None, suffix=None)  # type: ignore[operator]
            spans.append(span)
        claims.append(attrs.evolve(claim, spans=tuple(spans)))
    return attrs.evolve(document, claims=tuple(claims))


@given(st.lists(documents(text=True), min_size=1, max_size=3), st.data())
def test_the_sql_span_check_agrees_with_the_validator(docs: list[Document], data: st.DataObject) -> None:
    docs = [_break_spans(attrs.evolve(d, id=f"d{n}"), data) for n, d in enumerate(docs)]
    expected: Counter[str] = Counter()
    for document in docs:
        for issue in claimfmt.validate(document):
            # The recipe checks claim spans, mentions and cues (not content, via cues or hedges).
            checked = "/attributions/" not in issue.pointer or re.search(r"/attributions/\d+/cue/", issue.pointer)
            if issue.code in ("span-mismatch", "span-out-of-range") and checked:
                expected[document.id] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder, "corpus.parquet"), docs)
        found = Counter(row[0] for row in _recipe("broken-spans", path))
    assert found == expected


# --- the per-batch API --------------------------------------------------------------------------------


@given(st.lists(documents(), min_size=1, max_size=3))
def test_validate_batch_reports_what_validate_does(docs: list[Document]) -> None:
    broken = [attrs.evolve(d, claims=(*d.claims, *d.claims[:1])) for d in docs]  # a repeated claim id, if any
    issues = validate_batch(record_batch(broken))
    assert issues.schema.equals(ISSUE_SCHEMA)
    expected = [(n, i.code, i.pointer) for n, d in enumerate(broken) for i in claimfmt.validate(d)]
    assert list(zip(*(issues.column(c).to_pylist() for c in ("row", "code", "pointer")), strict=True)) == expected
    lines = [orjson.dumps(claimfmt.structuring.unstructure(d)) for d in broken] + [b"{not json"]
    from_lines = validate_batch(lines)
    assert from_lines.column("code").to_pylist()[-1] == "invalid-json"
    assert from_lines.num_rows == len(expected) + 1


def test_convert_batch_writes_a_json_peer_format() -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    records, issues = convert_batch(record_batch([seed]), "w3c")
    assert records and records[0]["type"] == "AnnotationCollection"
    assert all(i.severity == "warning" for i in issues)


# --- bad input ---------------------------------------------------------------------------------------


def _bad_files(folder: Path) -> dict[str, Path]:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    good = _write(folder / "good.parquet", [seed])
    files = {"parquet-unreadable": folder / "text.parquet"}
    files["parquet-unreadable"].write_text("not parquet at all")
    truncated = folder / "truncated.parquet"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["truncated"] = truncated
    files["parquet-not-claimfmt"] = folder / "other.parquet"
    pq.write_table(pa.table({"a": [1, 2]}), files["parquet-not-claimfmt"])
    table = pq.read_table(good, use_threads=False)
    future = table.replace_schema_metadata({b"claimfmt.layout": b"99", b"claimfmt.version": b"9.0"})
    files["parquet-layout-unsupported"] = folder / "future.parquet"
    pq.write_table(future, files["parquet-layout-unsupported"])
    wrong = table.set_column(table.schema.get_field_index("claims"), "claims", pa.array(["x"]))
    wrong = wrong.replace_schema_metadata(SCHEMA.metadata)
    files["parquet-schema-mismatch"] = folder / "wrong.parquet"
    pq.write_table(wrong, files["parquet-schema-mismatch"])
    # Values Parquet holds but that do not decode (its checksums are optional): a string that is not UTF-8, a JSON
    # field that is not JSON. Each is its row's error, read where the values are made.
    for name, column, value in (("not-utf8", "id", b"seed-\xff"), ("not-json", "extensions", b"{not json")):
        at = table.schema.get_field_index(column)
        bad = table.set_column(at, column, pa.array([value], pa.binary()).view(pa.string()))
        files[name] = folder / f"{name}.parquet"
        pq.write_table(bad.replace_schema_metadata(table.schema.metadata), files[name])
    return files


@pytest.mark.parametrize(
    "name",
    [
        "parquet-unreadable",
        "truncated",
        "parquet-not-claimfmt",
        "parquet-layout-unsupported",
        "parquet-schema-mismatch",
        "not-utf8",
        "not-json",
    ],
)
def test_bad_parquet_is_one_error_with_a_code_and_no_output(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bad_files(tmp_path)[name]
    out = tmp_path / "out.jsonl"
    out.write_text("good data\n")
    assert main(["convert", str(path), "--from", "parquet", "--to", "claimfmt", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    code = "parquet-unreadable" if name in ("truncated", "not-utf8", "not-json") else name
    where = f"{path}[0]" if name in ("not-utf8", "not-json") else str(path)  # a value that does not decode: its row's
    assert f"{where}: error:" in err and f"[{code}]" in err and "Traceback" not in err
    assert out.read_text() == "good data\n"


@pytest.mark.parametrize(("column", "value"), [("id", b"seed-\xff"), ("extensions", b"{not json")])
def test_a_row_whose_values_do_not_decode_costs_its_document_only(tmp_path: Path, column: str, value: bytes) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    table = record_batch([seed, attrs.evolve(seed, id="second")])
    values = table.column(column).cast(pa.binary()).to_pylist()
    bad = table.set_column(table.schema.get_field_index(column), column, pa.array([value, values[1]]).view(pa.string()))
    # The per-batch API (what Dask and Spark call) says so of the row, and raises nothing.
    issues = validate_batch(bad)
    assert set(zip(issues.column("row").to_pylist(), issues.column("code").to_pylist(), strict=True)) == {
        (0, "parquet-unreadable")
    }
    records, found = convert_batch(bad, "averitec")
    assert [r["claim"] for r in records] == [c.text for c in seed.claims]  # the second row's
    assert [(i.code, i.index) for i in found if i.severity == "error"] == [("parquet-unreadable", 0)]
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_batches([bad]), path)
    report = claimfmt.convert([path], source_format="parquet", target_format="claimfmt", output=tmp_path / "out.jsonl")
    assert [(i.code, i.index) for i in report.issues if i.severity == "error"] == [("parquet-unreadable", 0)]
    assert [d.id for d in claimfmt.iter_documents(tmp_path / "out.jsonl")] == ["second"]


def test_a_row_group_that_cannot_be_read_costs_its_rows_only(tmp_path: Path) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    path = tmp_path / "groups.parquet"
    table = pa.Table.from_batches([record_batch([attrs.evolve(seed, id=f"d{n}") for n in range(5)])])
    pq.write_table(table, path, row_group_size=2)  # rows 0-1, 2-3 and 4
    # The middle group's id column overwritten: its pages no longer parse (Parquet's checksums are optional).
    group = pq.ParquetFile(path).metadata.row_group(1)
    column = next(group.column(n) for n in range(group.num_columns) if group.column(n).path_in_schema == "id")
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + column.total_compressed_size] = b"\xff" * column.total_compressed_size
    path.write_bytes(data)
    report = claimfmt.convert([path], source_format="parquet", target_format="claimfmt", output=tmp_path / "out.jsonl")
    (error,) = report.issues
    assert (error.code, error.file, error.index) == ("parquet-unreadable", str(path), 2)
    assert "row group 1 (rows 2 to 3) cannot be read" in error.message
    assert [d.id for d in claimfmt.iter_documents(tmp_path / "out.jsonl")] == ["d0", "d1", "d4"]


def test_parquet_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(EXAMPLES / "seed-article.claimfmt.json")
    assert main(["convert", seed, "--from", "claimfmt", "--to", "parquet"]) == 2
    assert "give -o PATH" in capsys.readouterr().err
    out = str(tmp_path / "x.parquet")
    assert main(["convert", seed, "--from", "claimfmt", "--to", "parquet", "--partition-by", "year", "-o", out]) == 2
    assert "--partition-by takes language, month" in capsys.readouterr().err
    assert main(["convert", seed, "--from", "claimfmt", "--to", "w3c", "--flat"]) == 2
    assert not Path(out).exists()


def test_a_parquet_file_is_told_without_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "c.parquet", [claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")])
    assert main(["convert", str(path), "--to", "claimfmt", "-o", str(tmp_path / "back.json")]) == 0
    assert "reading the input as parquet" in capsys.readouterr().err


def test_a_table_rewritten_without_metadata_is_still_read(tmp_path: Path) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    path = _write(tmp_path / "c.parquet", [seed])
    copy = tmp_path / "copy.parquet"
    duckdb.sql(f"COPY (SELECT * FROM '{path}') TO '{copy}' (FORMAT parquet)")
    report = claimfmt.convert([copy], source_format="parquet", target_format="claimfmt", output=tmp_path / "b.json")
    assert not report.failed, report.issues
    assert claimfmt.load(tmp_path / "b.json") == seed


@pytest.mark.parametrize("chosen", [None, "mimalloc"])
def test_the_command_gives_pyarrow_the_system_allocator_unless_the_user_chose_one(
    tmp_path: Path, chosen: str | None
) -> None:
    """pyarrow's default allocator keeps what it frees (200 MB more, reading one large row group back): the command
    runs with the system's, in its own process, where the user chose none; the environment is left as it was."""
    import os
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from claimfmt.cli import main\n"
        f"status = main(['convert', {str(EXAMPLES / 'seed-article.claimfmt.json')!r}, '--to', 'parquet',"
        f" '-o', {str(tmp_path / 'seed.parquet')!r}])\n"
        "import pyarrow\n"
        "print(status, pyarrow.default_memory_pool().backend_name, os.environ.get('ARROW_DEFAULT_MEMORY_POOL'))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        environment["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    found = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["0", chosen or "system", chosen or "None"]
