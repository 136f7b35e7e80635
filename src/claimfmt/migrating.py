"""Upgrading files to the current format version, losslessly and atomically (``claimfmt migrate``).

A file is upgraded as JSON, not through the model: every key keeps its place and
nothing is re-rendered but what the migration changes. Each document is checked
against the schema of the version it declares, upgraded one minor step at a time
(:data:`claimfmt.versions.MIGRATIONS`), and checked against the current schema. A
file is written only when all its documents could be upgraded, so a bad document
never leaves a half-migrated file; it keeps its form (one document, an array, or
JSONL, gzipped or not).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from claimfmt.issues import Issue
from claimfmt.reading import JSONL_SUFFIXES, Record, _suffix, iter_records
from claimfmt.schema_check import schema_issues
from claimfmt.versions import CURRENT_VERSION, check_version, upgrade
from claimfmt.writing import write_documents, write_json_values

__all__ = ["Migration", "migrate_data", "migrate_file", "migrate_files"]


@attrs.define(kw_only=True)
class Migration:
    """What migrating one file did: documents upgraded, already current, and the issues that stopped it."""

    file: str
    upgraded: int = 0
    current: int = 0
    issues: list[Issue] = attrs.field(factory=list)
    written: str | None = None

    @property
    def ok(self) -> bool:
        """True when every document could be upgraded (and so the output was written)."""
        return not self.issues


def migrate_data(data: Any) -> tuple[dict[str, Any] | None, list[Issue]]:
    """One parsed document at the current version, or None and why it cannot be upgraded."""
    problem = check_version(data)
    if problem is not None:
        return None, [problem]
    issues = schema_issues(data, data["claimfmt"])
    if issues:
        return None, issues
    upgraded = upgrade(data)
    # A migration that gives an invalid document is a bug of ours; say so rather than write it.
    issues = schema_issues(upgraded, CURRENT_VERSION)
    return (None, issues) if issues else (upgraded, [])


def migrate_file(path: str | os.PathLike[str], output: str | os.PathLike[str] | None = None) -> Migration:
    """Upgrade every document of ``path`` and write them to ``output`` (default: ``path`` itself), atomically.

    ``output`` may be ``-`` for standard output. Nothing is written when any
    document fails; the returned :class:`Migration` lists why, placed in the file.
    """
    source = Path(path)
    result = Migration(file=str(source))
    documents: list[dict[str, Any]] = []
    for record in iter_records(source):
        if record.issue is not None:
            result.issues.append(record.issue)
            continue
        upgraded, issues = migrate_data(record.data)
        result.issues.extend(_located(issues, record))
        if upgraded is not None:
            documents.append(upgraded)
            already = isinstance(record.data, dict) and record.data.get("claimfmt") == CURRENT_VERSION
            result.current += already
            result.upgraded += not already
    if result.issues:
        return result
    target = output if output is not None else source
    if _suffix(source) in JSONL_SUFFIXES:
        write_documents(target, documents, jsonl=True)
    elif _is_array(source):
        write_documents(target, documents, jsonl=False)
    else:
        write_json_values(target, documents, jsonl=False)
    result.written = str(target)
    return result


def migrate_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Migration]:
    """Upgrade each file (or each claimfmt file in a folder) in place."""
    from claimfmt.reading import _files_in

    for path in paths:
        folder = Path(path)
        yield from (migrate_file(file) for file in (_files_in(folder) if folder.is_dir() else [folder]))


def _located(issues: list[Issue], record: Record) -> Iterator[Issue]:
    for issue in issues:
        yield issue.located(file=record.file, line=record.line, index=record.index)


def _is_array(path: Path) -> bool:
    import gzip

    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as stream:
        head: bytes = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"["
