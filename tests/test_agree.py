"""``claimfmt agree``: span F1, attribution fields and coefficients, on known answers and on PolNeAR (issue 12)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt.agreement import agree, cohen_kappa, fleiss_kappa, krippendorff_alpha, to_csv, to_json
from claimfmt.alignment import group_documents, items, match
from claimfmt.cli import main
from claimfmt.model import (
    Annotator,
    AnnotatorKind,
    Article,
    Attribution,
    Claim,
    Document,
    Provenance,
    Source,
    SourceKind,
    Span,
    Stance,
)
from claimfmt.testing import documents

from .conftest import ROOT, shared

POLNEAR = ("corpora", "claims", "polnear-brat", "dev", "attributions")
REPORT_SCHEMA = json.loads((ROOT / "schema" / "agreement-report-1.0.schema.json").read_text())
TEXT = "Alpha said the bridge is safe. Beta denied it. Gamma asked why. Delta reported a delay. " * 2


def by(document: Document, name: str) -> Document:
    """The same document as annotator ``name`` made it."""
    return attrs.evolve(document, provenance=Provenance(annotators=(Annotator(kind=AnnotatorKind.HUMAN, name=name),)))


def span(start: int, end: int, text: str = TEXT) -> Span:
    return Span(start=start, end=end, exact=text[start:end])


def doc(name: str, claims: list[tuple[int, int, Stance]], text: str = TEXT, identifier: str = "d") -> Document:
    """A document by ``name`` with a claim per (start, end, stance), each said by one named source."""
    source = Source(id="s1", kind=SourceKind.PERSON, name="Alpha", anonymous=False, mentions=(span(0, 5, text),))
    return Document(
        claimfmt="1.1",
        id=identifier,
        article=Article(text=text),
        sources=(source,),
        claims=tuple(
            Claim(
                id=f"c{n}",
                text=text[start:end],
                spans=(span(start, end, text),),
                attributions=(Attribution(source="s1", stance=stance),),
            )
            for n, (start, end, stance) in enumerate(claims)
        ),
        provenance=Provenance(annotators=(Annotator(kind=AnnotatorKind.HUMAN, name=name),)),
    )


def report_of(*docs: Document, group: str = "text") -> Any:
    groups, issues = group_documents(((d, None) for d in docs), by=group)
    return agree(groups, group_by=group, issues=issues, by_document=True)


# --- known answers --------------------------------------------------------------------------------------


def test_hand_computed_span_f1_exact_and_overlap() -> None:
    a = doc("A", [(0, 10, Stance.ASSERTS), (20, 30, Stance.ASSERTS), (40, 50, Stance.ASSERTS)])
    b = doc("B", [(0, 10, Stance.ASSERTS), (22, 30, Stance.ASSERTS), (60, 70, Stance.ASSERTS)])
    report = report_of(a, b)
    claim = report.overall.spans["claim"]
    assert (claim["exact"].matched, claim["exact"].f1) == (1, pytest.approx(2 / 6))
    assert (claim["overlap"].matched, claim["overlap"].f1) == (2, pytest.approx(4 / 6))
    ((first, second, articles, pair),) = report.pairs
    assert (first, second, articles) == ("A", "B", 1)
    assert pair.spans["claim"]["overlap"].precision == pytest.approx(2 / 3)
    assert pair.spans["claim"]["overlap"].recall == pytest.approx(2 / 3)
    assert report.unique == {
        "A": {"claim": 1, "source": 0, "cue": 0, "hedge": 0},
        "B": {"claim": 1, "source": 0, "cue": 0, "hedge": 0},
    }


def test_overlap_pairs_one_to_one_by_the_highest_jaccard() -> None:
    # B's [0, 12) overlaps both of A's; it pairs with [0, 10) (Jaccard 10/12), not [8, 20) (4/20).
    a = doc("A", [(0, 10, Stance.ASSERTS), (8, 20, Stance.ASSERTS)])
    b = doc("B", [(0, 12, Stance.ASSERTS)])
    pairs = match(items(a, "claim", 0), items(b, "claim", 1), exact=False)
    assert [(x.ref.id, y.ref.id) for x, y in pairs] == [("c0", "c0")]


def test_stance_alpha_and_kappa_match_hand_computation() -> None:
    # Four claims, two annotators: A asserts, asserts, denies, questions; B asserts, denies, denies, questions.
    spans = [(0, 10), (20, 30), (40, 50), (60, 70)]
    a = doc(
        "A", [(s, e, Stance(v)) for (s, e), v in zip(spans, ["asserts", "asserts", "denies", "questions"], strict=True)]
    )
    b = doc(
        "B", [(s, e, Stance(v)) for (s, e), v in zip(spans, ["asserts", "denies", "denies", "questions"], strict=True)]
    )
    stance = report_of(a, b).overall.categories["stance"]
    # Coincidences: 2 asserts, 2 denies, 2 questions on the diagonal, one asserts/denies pair each way:
    # D_o = 2/8, D_e = 2 * (3*3 + 3*2 + 3*2) / (8*7) = 0.75, alpha = 1 - 0.25/0.75.
    assert stance.alpha == pytest.approx(2 / 3)
    # p_o = 3/4, p_e = (2*1 + 1*2 + 1*1) / 16.
    assert stance.cohen_kappa == pytest.approx((0.75 - 5 / 16) / (1 - 5 / 16))
    assert stance.fleiss_kappa is not None
    assert stance.agreement == pytest.approx(0.75)
    assert stance.units == 4


def test_krippendorff_alpha_of_the_library_docstring_example() -> None:
    nan = None
    data = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    units = [Counter(str(row[u]) for row in data if row[u] is not None) for u in range(15)]
    assert krippendorff_alpha(units) == pytest.approx(0.691358, abs=1e-6)


def test_fleiss_kappa_of_the_published_example() -> None:
    # Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories, kappa 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    units = [Counter({str(c): n for c, n in enumerate(row) if n}) for row in table]
    assert fleiss_kappa(units) == pytest.approx(0.20993, abs=1e-5)
    assert fleiss_kappa([Counter({"a": 2}), Counter({"a": 3})]) is None  # raters differ per unit


def test_cohen_kappa_of_the_published_example() -> None:
    # 50 proposals: both yes 20, A yes B no 5, A no B yes 10, both no 15: p_o 0.7, p_e 0.5, kappa 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("y", "y")] * 3) is None  # chance agreement is 1: undefined
    assert krippendorff_alpha([Counter({"y": 2})] * 3) is None


# --- properties -----------------------------------------------------------------------------------------


@given(documents(text=True))
def test_identical_annotators_agree_fully(document: Document) -> None:
    report = report_of(by(document, "A"), by(document, "B"), by(document, "C"))
    for layer, modes in report.overall.spans.items():
        for mode, score in modes.items():
            assert score.f1 in (None, 1.0), (layer, mode)
    for field, (agreeing, total) in report.overall.fields.items():
        assert agreeing == total, field
    for name, category in report.overall.categories.items():
        assert category.alpha in (None, 1.0), name
        assert category.agreement in (None, 1.0), name
        assert category.fleiss_kappa in (None, 1.0), name
    assert all(n == 0 for counts in report.unique.values() for n in counts.values())


@given(documents(text=True), st.data())
def test_a_deleted_claim_costs_exactly_one_match(document: Document, data: st.DataObject) -> None:
    if not document.claims:
        return
    gone = data.draw(st.integers(0, len(document.claims) - 1))
    edited = attrs.evolve(document, claims=document.claims[:gone] + document.claims[gone + 1 :])
    report = report_of(by(document, "A"), by(edited, "B"))
    n = len(document.claims)
    for mode in ("exact", "overlap"):
        score = report.overall.spans["claim"][mode]
        assert (score.matched, score.reference, score.candidate) == (n - 1, n, n - 1)
    assert report.unique["A"]["claim"] == 1
    assert report.unique["B"]["claim"] == 0


@given(st.lists(st.integers(0, 15), min_size=1, max_size=6, unique=True))
def test_disjoint_annotators_agree_not_at_all(starts: list[int]) -> None:
    a = doc("A", [(s * 10, s * 10 + 5, Stance.ASSERTS) for s in starts])
    b = doc("B", [(s * 10 + 5, s * 10 + 10, Stance.ASSERTS) for s in starts])
    report = report_of(a, b)
    for mode in ("exact", "overlap"):
        assert report.overall.spans["claim"][mode].f1 == 0
    assert report.unique["A"]["claim"] == report.unique["B"]["claim"] == len(starts)


@given(documents(text=True))
def test_the_json_report_follows_its_schema_and_the_csv_agrees(document: Document) -> None:
    report = report_of(by(document, "A"), by(document, "B"))
    value = to_json(report, documents=True, pairs=True)
    jsonschema.validate(value, REPORT_SCHEMA)
    rows = list(csv.DictReader(io.StringIO(to_csv(report, documents=True, pairs=True))))
    for row in rows:
        if row["scope"] == "overall" and row["measure"] == "f1":
            expected = value["overall"]["spans"][row["label"]][row["match"]]["f1"]
            assert (row["value"] == "") == (expected is None)
            if expected is not None:
                assert float(row["value"]) == pytest.approx(expected, abs=1e-4)


def test_an_article_id_with_a_carriage_return_is_quoted_in_the_csv() -> None:
    """A case hypothesis found: a lone \r left unquoted made the CSV unreadable by the csv module itself."""
    a, b = (
        doc("A", [(0, 10, Stance.ASSERTS)], identifier="x\ry"),
        doc("B", [(0, 10, Stance.ASSERTS)], identifier="x\ry"),
    )
    rows = list(csv.DictReader(io.StringIO(to_csv(report_of(a, b, group="id"), documents=True), newline="")))
    assert {row["article"] for row in rows if row["scope"] == "article"} == {"x\ry"}


# --- grouping and bad input -----------------------------------------------------------------------------


def test_different_texts_under_one_id_are_reported_not_compared() -> None:
    a = doc("A", [(0, 10, Stance.ASSERTS)])
    b = doc("B", [(0, 10, Stance.ASSERTS)], text=TEXT.upper())
    report = report_of(a, b, group="id")
    assert report.articles == ()
    assert [i.code for i in report.issues] == ["text-mismatch"]


def test_a_single_annotator_and_an_empty_document_are_warned_of() -> None:
    lone = doc("A", [(0, 10, Stance.ASSERTS)], text=TEXT + "!")
    empty = doc("B", [])
    full = doc("C", [(0, 10, Stance.ASSERTS)])
    report = report_of(lone, empty, full)
    assert sorted(i.code for i in report.issues) == ["no-claims", "single-annotator"]
    assert len(report.articles) == 1
    assert report.overall.spans["claim"]["exact"].f1 == 0  # marking nothing is a judgement


def test_one_annotator_twice_is_kept_apart() -> None:
    groups, issues = group_documents([(doc("A", []), "x"), (doc("A", []), "y")])
    assert [a.annotator for a in groups[0].annotations] == ["A", "A#2"]
    assert [i.code for i in issues] == ["duplicate-annotator"]


def test_a_document_without_a_key_is_left_out_with_a_code() -> None:
    no_url = doc("A", [])
    groups, issues = group_documents([(no_url, "f.json")], by="url")
    assert groups == []
    assert [(i.code, i.file) for i in issues] == [("no-group-key", "f.json")]


# --- command line ---------------------------------------------------------------------------------------


def write(path: Path, *docs: Document) -> Path:
    claimfmt.write_documents(path, list(docs))
    return path


def test_cli_reads_mixed_formats_and_writes_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "a.jsonl", doc("A", [(0, 10, Stance.ASSERTS), (20, 30, Stance.DENIES)]))
    brat = tmp_path / "brat"
    assert main(["convert", str(a), "--from", "claimfmt", "--to", "brat", "-o", str(brat)]) == 0
    b = write(tmp_path / "b.jsonl", doc("B", [(0, 10, Stance.ASSERTS)]))
    capsys.readouterr()
    assert main(["agree", str(brat), str(b), "--format", "json"]) == 0
    value = json.loads(capsys.readouterr().out)
    jsonschema.validate(value, REPORT_SCHEMA)
    assert value["articles"] == 1
    assert value["overall"]["spans"]["claim"]["exact"]["matched"] == 1
    out = tmp_path / "agree.csv"
    assert main(["agree", str(a), str(b), "--format", "csv", "--by-pair", "-o", str(out)]) == 0
    assert out.read_text().startswith("scope,article,annotator_a,annotator_b,measure,label,match,value,n\n")
    assert main(["agree", str(a), str(b), "--by-document", "--by-pair"]) == 0
    text = capsys.readouterr().out
    assert "claim" in text and "pair A (reference) / B" in text


def test_cli_bad_inputs_exit_with_codes_not_tracebacks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lone = write(tmp_path / "lone.json", doc("A", [(0, 10, Stance.ASSERTS)]))
    assert main(["agree", str(lone)]) == 1
    assert "[single-annotator]" in capsys.readouterr().err
    other = write(tmp_path / "other.json", doc("B", [(0, 10, Stance.ASSERTS)], text=TEXT.upper()))
    assert main(["agree", str(lone), str(other), "--group-by", "id"]) == 1
    assert "[text-mismatch]" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"claimfmt": "1.1", "id": 3}\nnot json\n')
    assert main(["agree", str(broken), "--from", "claimfmt"]) == 1
    err = capsys.readouterr().err
    assert "broken.jsonl:2" in err and "Traceback" not in err
    assert main(["agree", str(tmp_path / "missing")]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["agree", str(lone), "--group-by", "title"])
    assert exit_.value.code == 2


# --- PolNeAR --------------------------------------------------------------------------------------------


def test_polnear_flynn_article_has_six_annotators_and_consistent_figures(capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared(*POLNEAR)
    assert main(["agree", str(folder), "--preset", "polnear", "--format", "json", "--by-pair"]) == 0
    value = json.loads(capsys.readouterr().out)
    jsonschema.validate(value, REPORT_SCHEMA)
    assert value["articles"] == 1
    assert len(value["annotators"]) == 6
    assert len(value["single_annotator"]) == 7
    assert len(value["pairs"]) == 15
    claim = value["overall"]["spans"]["claim"]
    # The overall figures are the sums over the pairs, and overlap is never below exact.
    for mode in ("exact", "overlap"):
        matched = sum(p["spans"]["claim"][mode]["matched"] for p in value["pairs"])
        compared = sum(p["spans"]["claim"][mode]["compared"] for p in value["pairs"])
        assert claim[mode]["matched"] == matched
        assert claim[mode]["f1"] == pytest.approx(2 * matched / compared, abs=1e-4)
    assert 0 < claim["exact"]["f1"] <= claim["overlap"]["f1"] < 1
    documents_read = list(claimfmt.iter_documents(*_polnear_as_claimfmt(folder)))
    flynn = [d for d in documents_read if d.id.startswith("politico_")]
    assert value["overall"]["spans"]["claim"]["items"] == sum(len(d.claims) for d in flynn)


def _polnear_as_claimfmt(folder: Path) -> list[Path]:
    import tempfile

    out = Path(tempfile.mkdtemp()) / "polnear.jsonl"
    assert (
        main(["convert", str(folder), "--from", "brat", "--preset", "polnear", "--to", "claimfmt", "-o", str(out)]) == 0
    )
    return [out]


def test_a_label_studio_task_with_two_annotators_is_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both = write(
        tmp_path / "both.jsonl",
        doc("alice", [(0, 10, Stance.ASSERTS), (20, 30, Stance.ASSERTS)]),
        doc("bob", [(0, 10, Stance.ASSERTS)]),
    )
    export = tmp_path / "export.json"
    assert main(["convert", str(both), "--from", "claimfmt", "--to", "labelstudio", "-o", str(export)]) == 0
    # One task that both annotated, as Label Studio exports it.
    first, second = json.loads(export.read_text())
    first["annotations"] += second["annotations"]
    export.write_text(json.dumps([first]))
    capsys.readouterr()
    assert main(["agree", str(export), "--format", "json"]) == 0
    value = json.loads(capsys.readouterr().out)
    assert value["annotators"] == ["alice", "bob"]
    assert value["overall"]["spans"]["claim"]["exact"]["matched"] == 1
