"""Validation and conversion on a Dask cluster (``claimfmt validate --engine dask``).

The work is cut as ``claimfmt validate --jobs N`` cuts it (:func:`claimfmt.parallel.tasks`):
blocks of whole JSONL lines, whole JSON files, and whole Parquet files, each a Dask task
that runs the same checks as one process does; results come back in input order, so the
report is the same as the single-process CLI's. Where Dask is driven from, files are only
cut into ranges (where lines end near each cut); the workers read their ranges themselves, so
they must see the same paths (a shared file system), except for gzipped JSONL, whose blocks
are sent to them.

:func:`validate` returns the issues as a Dask DataFrame (one row per issue: ``file, line,
index, code, severity, pointer, message``); :func:`validate_run` the :class:`~claimfmt.validation.Run`
the CLI reports; :func:`convert` writes each input file's documents in a JSON peer format,
one output file per input, on the workers.

Needs ``pip install 'claimfmt[dask]'`` (dask with distributed and dataframe).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from dask.base import compute
from dask.delayed import delayed

from claimfmt.parallel import Result, collect, tasks, validate_task
from claimfmt.validation import Run, Selection

__all__ = ["COLUMNS", "client_for", "convert", "validate", "validate_run"]

#: The columns of :func:`validate`'s DataFrame, and their pandas types.
COLUMNS = {
    "file": "string",
    "line": "Int64",
    "index": "Int64",
    "code": "string",
    "severity": "string",
    "pointer": "string",
    "message": "string",
}


def _results(paths: Sequence[str], selection: Selection | None) -> list[Any]:
    wanted = selection or Selection()
    # A range of a JSONL file is read by its worker; only a gzipped file's blocks are sent.
    return [delayed(validate_task, pure=True)(task, wanted) for task in tasks(paths)]


def _frame(result: Result) -> pd.DataFrame:
    issues = result[3]
    rows = [
        {
            "file": i.file,
            "line": i.line,
            "index": i.index,
            "code": i.code,
            "severity": i.severity.value,
            "pointer": i.pointer,
            "message": i.message,
        }
        for i in issues
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def validate(paths: Sequence[str], *, selection: Selection | None = None) -> Any:
    """Every issue in ``paths`` as a lazy Dask DataFrame, one partition per task; ``.compute()`` runs it.

    Computed on the scheduler in effect (a ``distributed.Client`` once made, say). The ``index``
    and ``line`` of an issue in a range of a JSONL file count from the range's start;
    :func:`validate_run` numbers them within the file, as the CLI does.
    """
    import dask.dataframe as dd

    meta = pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in COLUMNS.items()})
    parts = [delayed(_frame)(result) for result in _results(paths, selection)]
    if not parts:
        return dd.from_pandas(meta, npartitions=1)
    return dd.from_delayed(parts, meta=meta)


def validate_run(paths: Sequence[str], *, selection: Selection | None = None, max_errors: int | None = None) -> Run:
    """The :class:`Run` ``claimfmt validate`` reports, computed on the scheduler in effect."""
    run = Run()
    counted: dict[str, tuple[int, int]] = {}
    for result in compute(*_results(paths, selection)):
        collect(run, result, max_errors, counted)
        if run.partial:
            break
    run.seconds = time.perf_counter() - run.started
    return run


def client_for(scheduler: str, *, workers: int = 2) -> Any:
    """A ``distributed.Client``: of a new local cluster (``local``, ``workers`` processes), or of an address."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        return Client(cluster)
    return Client(scheduler, timeout="10s")  # an address that does not answer is an error, soon


def _convert_file(source: str, source_format: str, target_format: str, output: str) -> tuple[int, list[Any]]:
    from claimfmt.conversion import convert as convert_files

    report = convert_files([source], source_format=source_format, target_format=target_format, output=output)
    return report.records_written, report.issues


def convert(
    paths: Sequence[str], *, source_format: str, target_format: str, folder: str, suffix: str = ".jsonl"
) -> Iterator[tuple[str, int, list[Any]]]:
    """Convert each input file on a worker into ``folder/NAME{suffix}``; yields (output, records, issues) in order.

    Each output is written atomically by its worker, as ``claimfmt convert`` writes one.
    """
    files = [str(p) for path in paths for p in (sorted(Path(path).iterdir()) if Path(path).is_dir() else [Path(path)])]
    outputs = [str(Path(folder) / (Path(f).name.split(".")[0] + suffix)) for f in files]
    work = [
        delayed(_convert_file, pure=True)(f, source_format, target_format, out)
        for f, out in zip(files, outputs, strict=True)
    ]
    for output, (records, issues) in zip(outputs, compute(*work), strict=True):
        yield output, records, issues
