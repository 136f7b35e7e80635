"""Formatting a validation run: text, json, github and sarif.

Reporters only format; collecting issues is :mod:`claimfmt.validation`'s job.
The ``json`` report is versioned and described by ``schema/report-1.0.schema.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

import orjson

from claimfmt.codes import CODES
from claimfmt.issues import Issue, Severity
from claimfmt.validation import Run

__all__ = ["REPORTERS", "REPORT_VERSION", "summary_line"]

REPORT_VERSION = "1.0"
_REPORT_SCHEMA = "https://claimfmt.org/schema/report-1.0.schema.json"


def summary_line(run: Run) -> str:
    """The closing line: documents, errors and warnings by code, time."""
    errors = [i for i in run.issues if i.severity is Severity.ERROR]
    warnings = [i for i in run.issues if i.severity is Severity.WARNING]

    def by_code(issues: list[Issue]) -> str:
        counts: dict[str, int] = {}
        for issue in issues:
            counts[issue.code] = counts.get(issue.code, 0) + 1
        return ", ".join(f"{code} {n}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    parts = [f"{run.documents} document{'s' if run.documents != 1 else ''} in {len(run.files)} file(s)"]
    parts.append(f"{len(errors)} error{'s' if len(errors) != 1 else ''}" + (f" ({by_code(errors)})" if errors else ""))
    parts.append(
        f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}" + (f" ({by_code(warnings)})" if warnings else "")
    )
    line = ", ".join(parts) + f" in {run.seconds:.2f}s"
    if run.partial:
        line += " — partial: stopped at --max-errors"
    return line


def text_report(run: Run) -> str:
    """Issues grouped by file, each with line, pointer, message and the offending excerpt."""
    lines: list[str] = []
    for file, issues in groupby(run.issues, key=lambda i: i.file or "<input>"):
        lines.append(file)
        for issue in issues:
            where = f"line {issue.line}" if issue.line is not None else f"document {issue.index}"
            if issue.line is None and not issue.index:
                where = ""
            pointer = issue.pointer or "/"
            head = f"  {where + ' ' if where else ''}{pointer}".rstrip()
            lines.append(f"{head}: {issue.severity.value} {issue.code}: {issue.message}")
            if issue.excerpt is not None:
                lines.append(f"      value: {issue.excerpt}")
            if issue.hint:
                lines.append(f"      hint: {issue.hint}")
    lines.append(summary_line(run))
    return "\n".join(lines)


def _issue_json(issue: Issue) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": issue.code,
        "severity": issue.severity.value,
        "message": issue.message,
        "file": issue.file,
        "line": issue.line,
        "index": issue.index,
        "pointer": issue.pointer,
    }
    if issue.hint is not None:
        record["hint"] = issue.hint
    if issue.excerpt is not None:
        record["excerpt"] = issue.excerpt
    return record


def json_report(run: Run) -> str:
    """The versioned JSON report (see ``schema/report-1.0.schema.json``)."""
    from claimfmt import __version__

    counts = run.counts()
    report = {
        "$schema": _REPORT_SCHEMA,
        "report_version": REPORT_VERSION,
        "tool": {"name": "claimfmt", "version": __version__},
        "valid": not run.failed(),
        "partial": run.partial,
        "documents": run.documents,
        "invalid_documents": run.invalid_documents,
        "files": len(run.files),
        "errors": sum(1 for i in run.issues if i.severity is Severity.ERROR),
        "warnings": sum(1 for i in run.issues if i.severity is Severity.WARNING),
        "counts": dict(sorted(counts.items())),
        "seconds": round(run.seconds, 3),
        "issues": [_issue_json(i) for i in run.issues],
    }
    return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(run: Run) -> str:
    """GitHub Actions workflow commands: one ::error or ::warning annotation per issue."""
    lines = []
    for issue in run.issues:
        props = [f"file={_escape_property(issue.file or '')}"]
        if issue.line is not None:
            props.append(f"line={issue.line}")
        props.append(f"title={_escape_property('claimfmt ' + issue.code)}")
        pointer = f"{issue.pointer}: " if issue.pointer else ""
        lines.append(f"::{issue.severity.value} {','.join(props)}::{_escape_data(pointer + issue.message)}")
    lines.append(summary_line(run))
    return "\n".join(lines)


def sarif_report(run: Run) -> str:
    """SARIF 2.1.0, for code scanning."""
    from claimfmt import __version__

    used = sorted({issue.code for issue in run.issues})
    rules = []
    for code in used:
        known = CODES.get(code)
        rule: dict[str, Any] = {"id": code}
        if known is not None:
            rule["shortDescription"] = {"text": known.meaning}
            rule["help"] = {"text": known.fix}
            rule["defaultConfiguration"] = {"level": known.severity.value}
        rules.append(rule)
    results = []
    for issue in run.issues:
        physical: dict[str, Any] = {"artifactLocation": {"uri": issue.file or "stdin"}}
        if issue.line is not None:
            physical["region"] = {"startLine": issue.line}
        location: dict[str, Any] = {"physicalLocation": physical}
        if issue.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": issue.pointer, "kind": "member"}]
        result: dict[str, Any] = {
            "ruleId": issue.code,
            "ruleIndex": used.index(issue.code),
            "level": issue.severity.value,
            "message": {"text": issue.message},
            "locations": [location],
        }
        if issue.index is not None:
            result["properties"] = {"documentIndex": issue.index}
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claimfmt",
                        "version": __version__,
                        "informationUri": "https://claimfmt.org/",
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [{"executionSuccessful": True}],
            }
        ],
    }
    return orjson.dumps(sarif, option=orjson.OPT_INDENT_2).decode()


REPORTERS: dict[str, Callable[[Run], str]] = {
    "text": text_report,
    "json": json_report,
    "github": github_report,
    "sarif": sarif_report,
}
