"""Validation on Spark, through ``DataFrame.mapInArrow`` (``make test-spark`` runs it in ``local[2]``).

Spark reads a claimfmt Parquet dataset as a DataFrame of the Arrow layout; each partition's
Arrow batches go to :func:`claimfmt.arrow.validate_batch` on the executors, and the issues
come back as a DataFrame::

    from pyspark.sql import SparkSession
    from claimfmt.spark import validate

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    issues = validate(spark.read.parquet("corpus.parquet"))
    issues.groupBy("code").count().show()

Spark hands batches over with its own Arrow types (list items named ``element``, no
claimfmt metadata); they are cast to the layout before they are checked. Needs
``pip install 'claimfmt[spark]'`` and a Java runtime.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from claimfmt.arrow import SCHEMA, validate_batch

__all__ = ["ISSUE_DDL", "validate", "validate_partition"]

#: The issues' Spark schema (``claimfmt.arrow.ISSUE_SCHEMA`` in Spark's DDL).
ISSUE_DDL = "row long, document_id string, code string, severity string, pointer string, message string"


def validate_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """For ``mapInArrow``: the issues of each batch of claimfmt rows (``row`` counts within the batch)."""
    for batch in batches:
        columns = [batch.column(name) if name in batch.schema.names else pa.nulls(len(batch)) for name in SCHEMA.names]
        table = pa.Table.from_arrays(columns, names=SCHEMA.names).cast(SCHEMA)
        yield validate_batch(table.replace_schema_metadata(SCHEMA.metadata))


def validate(frame: Any) -> Any:
    """Every issue of a Spark DataFrame of claimfmt rows, as a Spark DataFrame of :data:`ISSUE_DDL`."""
    return frame.mapInArrow(validate_partition, ISSUE_DDL)
