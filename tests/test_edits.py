"""Edit after export: a document exported to a tool, edited there as an annotator would, and read back.

The tool's edit is the truth and the document is always read. Where the claimfmt
record the writer kept no longer fits the edited file, it is set aside with a
``record-invalid`` warning and the document is read from the tool's own annotations
(what only the record held is then lost: keyed fragments that survive edits are the
next step, issue 10).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import claimfmt
import claimfmt.cli
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.registry import get_converter

from .conftest import EXAMPLES

SEED = EXAMPLES / "seed-article.claimfmt.json"


def _export(tmp_path: Path, target: str) -> Path:
    out = tmp_path / ("export" if target == "brat" else f"export.{'jsonl' if target == 'doccano' else 'json'}")
    report = claimfmt.convert([SEED], source_format="claimfmt", target_format=target, output=out)
    assert not report.failed
    return out


def _import(path: Path, source_format: str) -> tuple[list[claimfmt.Document], LossReport]:
    report = LossReport(source=source_format, target="claimfmt")
    from claimfmt.conversion import read_documents

    documents = list(read_documents([path], source_format, Options(), report))
    return documents, report


def _codes(report: LossReport) -> set[str]:
    return {issue.code for issue in report.issues}


def test_brat_a_narrowed_claim_span_wins_and_the_document_is_read(tmp_path: Path) -> None:
    folder = _export(tmp_path, "brat")
    ann = next(folder.glob("*.ann"))
    text = next(folder.glob("*.txt")).read_text(encoding="utf-8")
    lines = ann.read_text(encoding="utf-8").splitlines()
    n, line = next((n, x) for n, x in enumerate(lines) if re.match(r"T\d+\tClaim \d+ \d+\t", x))
    ident, kind, _ = line.split("\t")
    _, start, end = kind.split(" ")
    start = str(int(start) + 10)
    lines[n] = f"{ident}\tClaim {start} {end}\t{text[int(start) : int(end)]}"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (document,), report = _import(folder, "brat")
    assert not report.failed and "record-invalid" in _codes(report)
    assert (int(start), int(end)) in {(s.start, s.end) for c in document.claims for s in c.spans}
    assert claimfmt.validate(document) == [] or all(i.severity == "warning" for i in claimfmt.validate(document))


def test_brat_a_deleted_claim_is_gone_and_the_rest_is_read(tmp_path: Path) -> None:
    folder = _export(tmp_path, "brat")
    ann = next(folder.glob("*.ann"))
    lines = ann.read_text(encoding="utf-8").splitlines()
    claims = [x.split("\t")[0] for x in lines if re.match(r"T\d+\tClaim ", x)]
    victim = claims[1]
    kept = [x for x in lines if x.split("\t")[0] != victim and not re.search(rf"[: ]{victim}\b", x.split("\t", 2)[1])]
    ann.write_text("\n".join(kept) + "\n", encoding="utf-8")
    (document,), report = _import(folder, "brat")
    assert not report.failed
    assert len(document.claims) == len(claims) - 1


def test_label_studio_a_deleted_region_is_gone_and_the_rest_is_read(tmp_path: Path) -> None:
    path = _export(tmp_path, "labelstudio")
    task: Any = json.loads(path.read_text(encoding="utf-8"))
    task = task[0] if isinstance(task, list) else task
    results = task["annotations"][0]["result"]
    claim = next(r for r in results if r["type"] == "labels" and r["value"]["labels"] == ["Claim"])
    task["annotations"][0]["result"] = [
        r for r in results if claim["id"] not in (r.get("id"), r.get("from_id"), r.get("to_id"))
    ]
    path.write_text(json.dumps(task), encoding="utf-8")
    (document,), report = _import(path, "labelstudio")
    assert not report.failed
    original = claimfmt.load(SEED)
    assert len(document.claims) == len(original.claims) - 1


def test_doccano_a_changed_label_wins(tmp_path: Path) -> None:
    path = _export(tmp_path, "doccano")
    line = json.loads(path.read_text(encoding="utf-8"))
    entity = next(e for e in line["entities"] if e["label"] == "Claim")
    entity["label"] = "Source"  # the annotator says this is a source, not a claim
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (document,), report = _import(path, "doccano")
    assert not report.failed
    assert len(document.claims) == len(claimfmt.load(SEED).claims) - 1


def test_an_unedited_export_still_reads_back_whole(tmp_path: Path) -> None:
    original = claimfmt.load(SEED)
    for tool in ("brat", "labelstudio", "doccano"):
        out = _export(tmp_path / tool, tool) if (tmp_path / tool).mkdir() is None else None
        assert out is not None
        (document,), report = _import(out, tool)
        assert document == original and "record-invalid" not in _codes(report), tool
        assert get_converter(tool).writes


def _misattributed(document: claimfmt.Document) -> list[str]:
    """Claims whose text or verification belongs to another claim of the original (matched by their span)."""
    original = {(c.spans[0].start, c.spans[0].end): c for c in claimfmt.load(SEED).claims if c.spans}
    wrong = []
    for claim in document.claims:
        twin = original.get((claim.spans[0].start, claim.spans[0].end)) if claim.spans else None
        if twin is None:
            continue
        mine, theirs = claim.verification, twin.verification
        if mine is not None and (
            theirs is None
            or mine.state != theirs.state
            or (mine.verdict is not None and mine.verdict != theirs.verdict)
            or (mine.assessed_by is not None and mine.assessed_by != theirs.assessed_by)
        ):
            wrong.append(f"{claim.id}: verification")
        if claim.text != twin.text and claim.text != " ".join(s.exact for s in claim.spans):
            wrong.append(f"{claim.id}: text")
    return wrong


def test_after_a_deletion_no_claim_gets_another_claims_text_or_verdict(tmp_path: Path) -> None:
    for tool in ("labelstudio", "doccano"):
        (tmp_path / tool).mkdir()
        path = _export(tmp_path / tool, tool)
        data: Any = json.loads(
            path.read_text(encoding="utf-8").splitlines()[0] if tool == "doccano" else path.read_text()
        )
        task = data[0] if isinstance(data, list) else data
        if tool == "labelstudio":
            results = task["annotations"][0]["result"]
            claim = [r for r in results if r["type"] == "labels" and r["value"]["labels"] == ["Claim"]][2]
            task["annotations"][0]["result"] = [
                r for r in results if claim["id"] not in (r.get("id"), r.get("from_id"), r.get("to_id"))
            ]
            path.write_text(json.dumps(task), encoding="utf-8")
        else:
            entity = [e for e in task["entities"] if e["label"] == "Claim"][2]
            task["entities"].remove(entity)
            task["relations"] = [r for r in task["relations"] if entity["id"] not in (r["from_id"], r["to_id"])]
            path.write_text(json.dumps(task) + "\n", encoding="utf-8")
        (document,), report = _import(path, tool)
        assert _misattributed(document) == [], (tool, [i.format() for i in report.issues])
