"""Validation on Spark ``local[2]`` through mapInArrow (``make test-spark``: needs Java and pyspark)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import claimfmt
from claimfmt.arrow import record_batch
from claimfmt.validation import validate_sources

from ..conftest import EXAMPLES


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The executors' Python must be this one, where claimfmt is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("claimfmt-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_reports_what_claimfmt_validate_does(spark: Any, tmp_path: Path) -> None:
    from claimfmt.spark import validate

    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    docs = [attrs.evolve(seed, id=f"doc-{n}") for n in range(40)]
    for n in range(0, 40, 7):  # a repeated claim id in some
        docs[n] = attrs.evolve(docs[n], claims=(*docs[n].claims, docs[n].claims[0]))
    path = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_batches([record_batch(docs)]), path, row_group_size=10)
    expected = sorted(
        (docs[i.index].id, i.code, i.pointer) for i in validate_sources([str(path)]).issues if i.index is not None
    )
    found = sorted(
        (r["document_id"], r["code"], r["pointer"]) for r in validate(spark.read.parquet(str(path))).collect()
    )
    assert found == expected
    assert {code for _, code, _ in found} == {"duplicate-id"}
