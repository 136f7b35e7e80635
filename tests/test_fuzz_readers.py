"""No reader may crash: malformed inputs of every kind end in a located issue and exit 0 or 1.

The hypothesis tests mutate a valid sample of each reader format (``tests/fuzzing.py``):
a few hundred runs per format in the default profile, thousands with
``HYPOTHESIS_PROFILE=thorough``. The regression cases below are the crashes found by
a first run over 4,420 malformed inputs, each written down as the smallest file that
showed it.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claimfmt
import claimfmt.cli
from claimfmt.converters.base import LossReport, Options, readable
from claimfmt.converters.claimreview import RECORD
from claimfmt.converters.registry import all_converters

from .fuzzing import READERS, SAMPLES, Crash, Sample, run_mutated

# Each run is a whole CLI call on a small file: a few hundred per format keep the suite quick.
FUZZ = settings(max_examples=max(settings().max_examples * 4, 240))


def test_every_reader_format_has_a_sample() -> None:
    readers = {name for name, converter in all_converters().items() if converter.reads}
    assert readers == {sample.format for sample in SAMPLES}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.format)
def test_every_sample_converts_cleanly(sample: Sample) -> None:
    with tempfile.TemporaryDirectory() as work:
        outcome = run_mutated(sample, None, Path(work))
    assert outcome.status == 0, outcome.stderr


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.format)
@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_malformed_input_is_reported_never_a_crash(sample: Sample, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as work:
        run_mutated(sample, rng, Path(work))


@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_validate_reports_malformed_documents_never_a_crash(rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as work:
        run_mutated(SAMPLES[0], rng, Path(work), command="validate")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.format)
def test_a_value_nested_deeper_than_orjson_writes_is_read_never_a_crash(sample: Sample) -> None:
    # Found by the fuzz test: an AVeriTeC file with a value nested 258 levels (orjson reads 1,024, writes 255)
    # read, parked in an extension, then failed to be written. Twelve runs a sample, of that mutation alone.
    for seed in range(12):
        with tempfile.TemporaryDirectory() as work:
            run_mutated(sample, random.Random(seed), Path(work), kind="deep_value")


def test_the_harness_catches_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness itself can fail: a reader that raises is a Crash, not a pass."""
    from claimfmt.converters.fever import FEVER

    def boom(*args: object, **kwargs: object) -> None:
        raise TypeError("a reader bug")

    monkeypatch.setattr(FEVER, "read_records", boom)
    fever = next(s for s in SAMPLES if s.format == "fever")
    with tempfile.TemporaryDirectory() as work, pytest.raises(Crash, match="a reader bug"):
        run_mutated(fever, None, Path(work))


# --- regression cases: the crashes of the first run, one file each ----------------------------------------


def _convert(path: Path, source_format: str, *extra: str) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    out = (path if path.is_dir() else path.parent) / "o.json"
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = claimfmt.cli.main(["convert", str(path), "--from", source_format, "--to", "claimfmt", "-o", str(out)])
    return status, err.getvalue()


_TSV3 = (READERS / "webanno-tsv3" / "sample.tsv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_TSV3.encode("utf-16"), "invalid-utf8"),
        (b"\x1f\x8b\x08\x00junk", "invalid-utf8"),
        (_TSV3.replace("1-2\t4-9\t", "1-2\t\t").encode(), "malformed-row"),
        (_TSV3.replace("1-2\t4-9\t", "1-2\t1e999-9\t").encode(), "malformed-row"),
        (_TSV3.replace("\n1-8", "\n#T_SP=webanno.custom.Late|value\n1-8").encode(), "malformed-row"),
        (_TSV3.replace("1-1\t0-3", "1-1\t99999999999999999-99999999999999999").encode(), "malformed-row"),
        (_TSV3.replace("1-1\t0-3", "1-1\t0-3\x00").encode(), "not-text"),
    ],
    ids=["utf16", "not-gzip", "empty-offset", "junk-offset", "late-layer", "far-offset", "nul"],
)
def test_webanno_bad_files_are_located_issues(tmp_path: Path, data: bytes, code: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_bytes(data)
    status, err = _convert(path, "webanno-tsv3")
    assert status == 1, err
    assert f"{path}" in err and f"[{code}]" in err


def test_webanno_duplicated_and_swapped_lines_do_not_crash(tmp_path: Path) -> None:
    lines = _TSV3.splitlines(keepends=True)
    path = tmp_path / "dup.tsv"
    path.write_text("".join(lines[:2] + lines[1:2] + lines[2:]), encoding="utf-8")  # a layer declared twice
    status, err = _convert(path, "webanno-tsv3")
    assert status == 0, err
    swapped = lines[:]
    swapped[1], swapped[8] = swapped[8], swapped[1]
    path.write_text("".join(swapped), encoding="utf-8")
    status, err = _convert(path, "webanno-tsv3")
    assert status == 1 and "[malformed-row]" in err, err


def _tasks() -> list[dict[str, Any]]:
    data = json.loads((READERS / "labelstudio" / "tasks.json").read_text(encoding="utf-8"))
    return data if isinstance(data, list) else [data]


def test_label_studio_wrong_types_are_wrong_type_issues_at_their_pointer(tmp_path: Path) -> None:
    tasks = _tasks()
    result = tasks[0]["annotations"][0]["result"]
    first = next(n for n, r in enumerate(result) if r["type"] == "labels")
    result[first]["value"]["labels"] = [["Claim"]]  # a list inside the list: unhashable once used as a type
    result[first + 1]["value"] = 1.5
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    status, err = _convert(path, "labelstudio")
    assert status == 1, err
    assert f"/annotations/0/result/{first}/value/labels/0: error:" in err
    assert f"/annotations/0/result/{first + 1}/value: error:" in err
    assert "[wrong-type]" in err


@pytest.mark.parametrize("record", [1.5, {"set": 3}, {"in": {"claims": 1}}, {"set": {"claims": [{"id": 5}]}}])
def test_a_damaged_label_studio_record_is_set_aside_and_the_task_still_read(tmp_path: Path, record: object) -> None:
    tasks = _tasks()
    tasks[0]["meta"] = {"claimfmt": [record]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    status, err = _convert(path, "labelstudio")
    assert status == 0, err
    assert "[record-invalid]" in err
    (document,) = claimfmt.iter_documents(tmp_path / "o.json")
    assert [claim.spans[0].exact for claim in document.claims] == [
        "the bridge 🌉 was closed on Monday",
        "calling the report false",
    ]


@pytest.mark.parametrize("label", [3, 2.5, {"a": 1}])
def test_doccano_label_of_the_wrong_type(tmp_path: Path, label: object) -> None:
    line = json.loads((READERS / "doccano" / "export.jsonl").read_text(encoding="utf-8"))
    line["label"] = label
    line.pop("claimfmt", None)
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    status, err = _convert(path, "doccano")
    assert status == 1 and "/label: error:" in err and "[wrong-type]" in err, err


def test_doccano_record_with_a_float_offset_is_set_aside(tmp_path: Path) -> None:
    line = json.loads((READERS / "doccano" / "export.jsonl").read_text(encoding="utf-8"))
    line["claimfmt"] = {"in": {"article": {"set": {"text": 1.5}}}}
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    status, err = _convert(path, "doccano")
    assert status == 0 and "[record-invalid]" in err, err


@pytest.mark.parametrize("count", ["1e999", "99999999999999999999999999", "-9223372036854775809"])
def test_liar_counts_out_of_range_stay_text(tmp_path: Path, count: str) -> None:
    rows = (READERS / "liar" / "test.tsv").read_text(encoding="utf-8").splitlines()
    fields = rows[0].split("\t")
    fields[8] = count
    path = tmp_path / "test.tsv"
    path.write_text("\t".join(fields) + "\n", encoding="utf-8")
    status, err = _convert(path, "liar")
    assert status == 0, err
    (document,) = claimfmt.iter_documents(tmp_path / "o.json")
    assert document.sources[0].extensions["org.liar:credit_history"]["barely_true_counts"] == count  # type: ignore[index]


def test_liar_row_number_out_of_range_is_not_a_row_number(tmp_path: Path) -> None:
    numbered = (READERS / "liar" / "test.tsv").read_text(encoding="utf-8").splitlines()[2]
    row = "99999999999999999999999" + numbered[numbered.index("\t") :]
    path = tmp_path / "test.tsv"
    path.write_text(row + "\n", encoding="utf-8")
    status, err = _convert(path, "liar")
    assert status == 1 and "[malformed-row]" in err, err


@pytest.mark.parametrize("answers", [3, "an answer", [1, None]])
def test_averitec_answers_of_the_wrong_type(answers: object) -> None:
    record = json.loads((READERS / "averitec" / "dev.json").read_text(encoding="utf-8"))[0]
    record["questions"] = [{"question": "Was it closed?", "answers": answers}]
    report = LossReport(source="averitec", target="claimfmt")
    records = iter([claimfmt.Record(file="dev.json", data=record)])
    (read,) = all_converters()["averitec"].read_records(records, Options(), report)
    assert read.document.claims[0].verifications


@pytest.mark.parametrize(
    "record",
    [{"document": "fuzz-sample", "claim": {"set": {"spans": 3}}}, {"document": "fuzz-sample", "unreviewed": [{}]}],
)
def test_a_damaged_claimreview_record_is_set_aside(tmp_path: Path, record: dict[str, object]) -> None:
    reviews = json.loads((READERS / "claimreview" / "reviews.json").read_text(encoding="utf-8"))
    review = reviews[0] if isinstance(reviews, list) else reviews
    review[RECORD] = record
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(reviews), encoding="utf-8")
    status, err = _convert(path, "claimreview")
    assert status == 0 and "[record-invalid]" in err, err
    (document,) = claimfmt.iter_documents(tmp_path / "o.json")
    assert document.claims[0].verifications


def test_unmapped_labels_are_placed_in_the_file_they_came_from(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps({"id": 1, "label": "MAYBE", "claim": "A claim.", "evidence": []}) + "\n")
    status, err = _convert(path, "fever")
    assert status == 0
    assert f"{path}:1: warning:" in err and "[unmapped-label]" in err, err


def test_a_brat_record_that_no_longer_fits_is_set_aside(tmp_path: Path) -> None:
    for file in (READERS / "brat").iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    ann = tmp_path / "fuzz-sample.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    record = next(n for n, line in enumerate(lines) if "claimfmt-record: " in line)
    head, _, _ = lines[record].partition("claimfmt-record: ")
    lines[record] = head + 'claimfmt-record: {"set": {"relations": [{}]}}'
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, err = _convert(tmp_path, "brat")
    assert status == 0 and "[record-invalid]" in err, err
    (document,) = claimfmt.iter_documents(tmp_path / "o.json")
    assert len(document.claims) == 2


def test_a_run_that_converts_nothing_leaves_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    out.write_text('[{"kept": true}]\n', encoding="utf-8")
    bad = tmp_path / "dev.jsonl"
    bad.write_text('{"id": 1, "claim": 5}\n{"cut', encoding="utf-8")
    status, err = _convert(bad, "fever")
    assert status == 1 and " 0 converted," in err
    assert out.read_text(encoding="utf-8") == '[{"kept": true}]\n'
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".o.json")]  # no temporary file left behind


def test_a_document_error_escaping_a_reader_is_reported_at_its_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The boundary catches what a converter (a plugin's, say) lets out, and says reading stopped."""
    from claimfmt.converters.fever import FEVER
    from claimfmt.issues import DocumentError, Issue

    def reads(self: FEVER, records: Any, options: Options, report: LossReport) -> Any:
        for data, _ in readable(records, report):
            raise DocumentError([Issue(code="wrong-type", message="expected a string", pointer="/claim")])
            yield data

    monkeypatch.setattr(FEVER, "read_records", reads)
    path = tmp_path / "dev.jsonl"
    path.write_bytes((READERS / "fever" / "dev.jsonl").read_bytes())
    status, err = _convert(path, "fever")
    assert status == 1, err
    place = f"{path}:1:"
    assert f"{place} /claim: error: expected a string [wrong-type]" in err
    assert f"{place} error: the reader stopped at this record" in err


def test_an_annotation_added_in_label_studio_leaves_the_record_with_its_own(tmp_path: Path) -> None:
    """Edit after export: a second annotator's copy of the annotation is read as is; the record stays with the first."""
    tasks = _tasks()
    second = json.loads(json.dumps(tasks[0]["annotations"][0]))
    second["completed_by"] = 7
    tasks[0]["annotations"].append(second)
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    status, err = _convert(path, "labelstudio")
    assert status == 0 and "[record-" not in err, err
    first, copy = claimfmt.iter_documents(tmp_path / "o.json")  # both annotators, nothing dropped
    # The file was an array of one task: the first document says so, to be written back as one.
    assert first.extensions == {"org.labelstudio:shape": "array"}
    assert attrs.evolve(first, extensions=None) == claimfmt.load(READERS / "claimfmt" / "document.json")
    assert copy.provenance is not None and copy.provenance.annotators[0].name == "7"
    assert [c.spans[0].exact for c in copy.claims] == [c.spans[0].exact for c in first.claims]


def test_a_required_key_of_the_wrong_type_is_wrong_type_at_its_pointer(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text('{"id": 1, "claim": 5}\n{"id": 2}\n[1]\n{"id": 3, "claim": "A claim."}\n', encoding="utf-8")
    status, err = _convert(path, "fever")
    assert status == 1
    assert (
        f"{path}:1: /claim: error: claim: expected a non-empty string, got an integer" in err and "[wrong-type]" in err
    )
    assert f"{path}:2: /claim: error: a FEVER row has no 'claim' [not-convertible]" in err
    assert f"{path}:3: error: a FEVER row is an object, not an array [not-convertible]" in err
    assert len(list(claimfmt.iter_documents(tmp_path / "o.json"))) == 1
    search = tmp_path / "search.json"
    search.write_text(json.dumps({"claims": [{"text": "ok", "claimReview": []}, {"text": 3}]}), encoding="utf-8")
    status, err = _convert(search, "factcheck-api")
    assert status == 1 and f"{search}[0]: /claims/1/text: error: text: expected a non-empty string" in err, err


def _damaged_review(change: Any) -> list[Any]:
    reviews = json.loads((READERS / "claimreview" / "reviews.json").read_text(encoding="utf-8"))
    reviews = reviews if isinstance(reviews, list) else [reviews]
    change(reviews[0]["https://claimfmt.org/ns/1.0#record"])
    return reviews


@pytest.mark.parametrize(
    "change",
    [
        lambda fragment: fragment.pop("claim"),
        lambda fragment: fragment.update(sources=[{"id": ["a list"]}]),
        lambda fragment: fragment.update(relations=[{"from": 1, "to": "c1"}]),
        lambda fragment: fragment.update(earlier=[["not a place", {}]]),
    ],
    ids=["no-claim", "source-id-a-list", "relation-end-a-number", "earlier-misplaced"],
)
def test_a_damaged_claimreview_fragment_is_set_aside(tmp_path: Path, change: Any) -> None:
    """Crashes the harness found in the version 2 fragments: each is now a record-invalid warning."""
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(_damaged_review(change)), encoding="utf-8")
    status, err = _convert(path, "claimreview")
    assert status == 0, err
    assert "[record-invalid]" in err and "Traceback" not in err


def test_a_label_studio_record_whose_claims_are_not_an_object_is_set_aside(tmp_path: Path) -> None:
    task = json.loads((READERS / "labelstudio" / "tasks.json").read_text(encoding="utf-8"))
    task["meta"]["claimfmt"][0]["claims"] = None
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    status, err = _convert(path, "labelstudio")
    assert status == 0, err
    assert "[record-" in err and "Traceback" not in err


def test_a_value_of_the_wrong_type_is_reported_at_its_pointer_at_any_depth() -> None:
    from claimfmt.converters.base import Origin
    from claimfmt.converters.values import Fields

    report = LossReport(source="peer", target="claimfmt")
    record = {"a/b": [{"c~": 1, "d": [{"e": "x"}, 3]}, "no"], "f": {"g": 2}}
    top = Fields(record, "", report, Origin(file="f.json", line=4))
    (first,) = top.objects("a/b")
    assert first.text("c~") is None and first.pointer == "/a~1b/0"
    (inner,) = first.objects("d")
    assert inner.data == {"e": "x"} and inner.text("e") == "x" and inner.pointer == "/a~1b/0/d/0"
    below = top.object("f")
    assert below is not None and below.texts("g") == []
    assert [(i.code, i.pointer, i.line) for i in report.issues] == [
        ("wrong-type", "/a~1b/1", 4),
        ("wrong-type", "/a~1b/0/c~0", 4),
        ("wrong-type", "/a~1b/0/d/1", 4),
        ("wrong-type", "/f/g", 4),
    ]
