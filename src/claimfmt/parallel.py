"""``claimfmt validate --jobs N``: the same checks in N worker processes.

JSONL input is cut into ranges of whole lines (a few MB each) that workers
read, parse and check themselves: the main process only finds where lines end
near each cut, so it stays out of the way. Gzipped JSONL cannot be read from the
middle, so its blocks are read here and sent. Other inputs (single JSON documents,
JSON arrays, Parquet) go to a worker one file at a time. Results come back in
input order, with lines and documents numbered within their file, so the report
is the same as with one process.
"""

from __future__ import annotations

import gzip
import io
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import attrs

from claimfmt.issues import Issue, Severity
from claimfmt.reading import JSONL_SUFFIXES, Record, _files_in, _read_jsonl, _suffix, iter_records
from claimfmt.validation import Run, Selection, parquet_files, settled_at_once, settled_records, validate_record

__all__ = ["Result", "Task", "collect", "sequential_reason", "tasks", "validate_parallel", "validate_task"]

_BLOCK = 4 * 1024 * 1024
# Below this much input, starting the workers costs more than they save.
_WORTH = 2 * _BLOCK


def sequential_reason(paths: Sequence[str], jobs: int) -> str | None:
    """Why ``jobs`` processes would not be faster than one here, or None when they would.

    Workers pay for their start-up and for shipping blocks; with fewer CPUs free than
    asked for (busy with other work, as measured by the load average), or with less
    input than two blocks, one process finishes first.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return "one CPU is available"
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    if cpus - load < 1.5:
        return f"the CPUs are busy (load {load:.1f} on {cpus})"
    size = 0
    for path in paths:
        if path == "-":
            return "standard input is read by one process"
        files = list(_files_in(Path(path))) if Path(path).is_dir() else [Path(path)]
        # A gzip file holds several times its size in JSON.
        size += sum(f.stat().st_size * (5 if f.suffix.lower() == ".gz" else 1) for f in files)
        if size >= _WORTH:
            return None
    return f"the input is under {_WORTH // 2**20} MB"


#: What a task found: its file, documents, invalid documents, issues, and the lines it read (issues in a
#: range are numbered from its first line; the main process adds the lines before it).
Result = tuple[str, int, int, list[Issue], int]


def validate_parallel(
    paths: Sequence[str], *, jobs: int, selection: Selection | None = None, max_errors: int | None = None
) -> Run:
    """Validate ``paths`` with ``jobs`` processes; the same Run as :func:`validate_sources`."""
    run = Run()
    wanted = selection or Selection()
    counted: dict[str, tuple[int, int]] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[Result]] = deque()
        for task in tasks(paths):
            if run.partial:
                break
            if task[0] == "-":
                # Workers cannot share our standard input: read it here, in order.
                while pending and not run.partial:
                    collect(run, pending.popleft().result(), max_errors, counted)
                for record in iter_records("-"):
                    found = [i for i in validate_record(record) if wanted(i.code)]
                    run.add(record.file, found, max_errors=max_errors)
                    if run.partial:
                        break
                continue
            pending.append(pool.submit(validate_task, task, wanted))
            # Bounded look-ahead keeps memory flat on large inputs.
            while len(pending) > 2 * jobs and not run.partial:
                collect(run, pending.popleft().result(), max_errors, counted)
        while pending and not run.partial:
            collect(run, pending.popleft().result(), max_errors, counted)
        for future in pending:
            future.cancel()
    run.seconds = time.perf_counter() - run.started
    return run


def collect(run: Run, result: Result, max_errors: int | None, counted: dict[str, tuple[int, int]]) -> None:
    """Add one task's result to ``run``; results must come in task order (``counted``: each file's documents
    and lines so far)."""
    file, documents, invalid, issues, lines = result
    # Workers number documents (and, in a range, lines) from its start; results come in order, so what came
    # before is added here.
    before, read = counted.get(file, (0, 0))
    counted[file] = (before + documents, read + lines)
    if before or read:
        issues = [
            attrs.evolve(
                i,
                index=i.index + before if i.index is not None else None,
                line=i.line + read if i.line is not None and lines else i.line,
            )
            for i in issues
        ]
    run.add(file, issues, max_errors=max_errors, documents=documents, invalid=invalid)


#: A task: a range of a JSONL file (file, None, None, offset, length), a block of one that was read here
#: (file, first line, bytes, None, None), or a whole file of another kind (file, None, None, None, None).
Task = tuple[str, int | None, bytes | None, int | None, int | None]


def tasks(paths: Sequence[str]) -> Iterator[Task]:
    """The work in ``paths``: ranges (or blocks) of whole JSONL lines, and whole files of other kinds, in order."""
    for path in paths:
        files = [Path(path)] if path == "-" or not Path(path).is_dir() else list(_files_in(Path(path)))
        files += [Path(p) for p in parquet_files(path) if Path(p) != Path(path)]
        for file in files:
            if str(file) != "-" and _suffix(file) in JSONL_SUFFIXES:
                yield from _blocks(file) if file.suffix.lower() == ".gz" else _ranges(file)
            else:
                yield (str(file), None, None, None, None)


def _ranges(file: Path) -> Iterator[Task]:
    """Ranges of about ``_BLOCK`` bytes of whole lines: each cut moved to just after the next newline."""
    size = file.stat().st_size
    start = 0
    with file.open("rb") as stream:
        while start < size:
            cut = min(start + _BLOCK, size)
            stream.seek(cut)
            while cut < size:
                chunk = stream.read(64 * 1024)
                if not chunk:
                    break
                newline = chunk.find(b"\n")
                if newline >= 0:
                    cut += newline + 1
                    break
                cut += len(chunk)
            cut = min(cut, size)
            yield (str(file), None, None, start, cut - start)
            start = cut


def _blocks(file: Path) -> Iterator[Task]:
    line, carry = 1, b""
    with gzip.open(file, "rb") as stream:
        while True:
            data = stream.read(_BLOCK)
            block = carry + data
            if not data:
                if block:
                    yield (str(file), line, block, None, None)
                return
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                carry = block
                continue
            block, carry = block[:cut], block[cut:]
            yield (str(file), line, block, None, None)
            line += block.count(b"\n")


def validate_task(task: Task, wanted: Selection) -> Result:
    """Validate one task (in any process): its file, documents, invalid documents, issues and lines read."""
    file, first_line, block, offset, length = task
    if block is None and offset is None and _suffix(Path(file)) == ".parquet":
        from claimfmt.arrow import validate_parquet

        return (file, *validate_parquet(file, wanted), 0)
    lines = 0
    records: Iterator[Record | str]
    if offset is not None and length is not None:
        with Path(file).open("rb") as stream:
            stream.seek(offset)
            block = stream.read(length)
        lines = block.count(b"\n") + (not block.endswith(b"\n"))
        records = _read_jsonl(io.BytesIO(block), file, quick=settled_at_once)  # lines from 1: collect() adds the rest
    elif block is not None:
        assert first_line is not None
        records = _read_jsonl(io.BytesIO(block), file, first_line=first_line, quick=settled_at_once)
    else:
        records = settled_records(file)
    documents = invalid = 0
    issues: list[Issue] = []
    for record in records:
        if isinstance(record, str):  # settled at once: nothing to report
            documents += 1
            continue
        found = [i for i in validate_record(record) if wanted(i.code)]
        documents += 1
        invalid += any(i.severity is Severity.ERROR for i in found)
        issues.extend(found)
    return file, documents, invalid, issues, lines
