"""Validation and conversion on a Dask LocalCluster of two worker processes (issue 11)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import claimfmt
from claimfmt.arrow import record_batch
from claimfmt.cli import main
from claimfmt.validation import validate_sources

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from claimfmt.dask import client_for

    with client_for("local", workers=2) as made:
        yield made


def _corpus(folder: Path) -> list[str]:
    """A JSONL file with broken lines among good ones, a JSON file, and a Parquet file."""
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    rng = random.Random(3)
    lines = []
    for n in range(60):
        document = dict(seed, id=f"doc-{n}")
        if rng.random() < 0.2:
            document = dict(document, claims=[*document["claims"], document["claims"][0]])  # a duplicate id
        lines.append(orjson.dumps(document))
        if n == 30:
            lines.append(b"{not json")
    jsonl = folder / "corpus.jsonl"
    jsonl.write_bytes(b"\n".join(lines) + b"\n")
    single = folder / "one.json"
    single.write_bytes(orjson.dumps(seed))
    table = folder / "corpus.parquet"
    pq.write_table(
        pa.Table.from_batches([record_batch([claimfmt.load(EXAMPLES / "text-withheld.claimfmt.json")])]), table
    )
    return [str(jsonl), str(single), str(table)]


def test_dask_gives_the_report_of_one_process(client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimfmt.parallel as parallel
    from claimfmt.dask import validate, validate_run

    monkeypatch.setattr(parallel, "_BLOCK", 64 * 1024)  # several blocks, so several tasks, for the JSONL file
    paths = _corpus(tmp_path)
    assert len(list(parallel.tasks(paths))) > 3
    alone = validate_sources(paths)
    assert len(client.scheduler_info()["workers"]) == 2
    on_dask = validate_run(paths)
    assert [i.format() for i in on_dask.issues] == [i.format() for i in alone.issues]
    assert (on_dask.documents, on_dask.invalid_documents) == (alone.documents, alone.invalid_documents)
    assert alone.documents == 63 and alone.invalid_documents > 1  # 60 lines, a broken one, a file, a Parquet row
    frame = validate(paths).compute()
    assert list(frame.columns) == ["file", "line", "index", "code", "severity", "pointer", "message"]
    assert sorted(zip(frame["code"], frame["pointer"], strict=True)) == sorted(
        (i.code, i.pointer) for i in alone.issues
    )


def test_dask_converts_each_file_on_the_workers(client: Any, tmp_path: Path) -> None:
    from claimfmt.dask import convert

    out = tmp_path / "out"
    out.mkdir()
    sources = [str(EXAMPLES / "seed-article.claimfmt.json"), str(EXAMPLES / "fact-check-with-history.claimfmt.json")]
    done = list(convert(sources, source_format="claimfmt", target_format="w3c", folder=str(out)))
    assert [Path(o).name for o, _, _ in done] == ["seed-article.jsonl", "fact-check-with-history.jsonl"]
    assert all(n == 1 and Path(o).exists() for o, n, _ in done)


def test_cli_engine_dask(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _corpus(tmp_path)
    assert main(["validate", *paths, "--engine", "dask", "--format", "json"]) == 1
    captured = capsys.readouterr()
    report = orjson.loads(captured.out)
    assert report["documents"] == 63 and report["invalid_documents"] == validate_sources(paths).invalid_documents
    assert "validating on Dask" in captured.err
    assert main(["validate", str(EXAMPLES), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
