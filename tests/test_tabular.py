"""The tabular exports of claim corpora: ClaimsKG's CSV and CheckThat!'s TSV (issue 15, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimfmt.cli import main
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.checkthat import CheckThat
from claimfmt.converters.claimskg import ClaimsKG
from claimfmt.model import State

READERS = Path(__file__).parent / "cases" / "readers"


def test_a_claimskg_row_is_a_claim_with_its_review() -> None:
    report = LossReport(source="claimskg", target="claimfmt")
    first, second, third = (
        r.document for r in ClaimsKG().read([READERS / "claimskg" / "claims.csv"], Options(), report)
    )
    (claim,) = first.claims
    assert claim.text == "Wind turbines kill more birds than cats 🐈." and claim.date == "2021-07-01"
    assert first.source(claim.attributions[0].source).name == "Jane Roe"  # type: ignore[union-attr]
    (review,) = claim.verifications or ()
    assert (review.state, review.verdict.label if review.verdict else None) == (State.REFUTED, "False")
    assert (review.assessed_by, review.assessed_at, review.review_url) == (
        "fullfact",
        "2021-07-21",
        "https://fullfact.org/x/",
    )
    assert review.rationale == "Cats kill far more, the review says,\nwith figures."  # a quoted field over two lines
    assert (claim.extensions or {})["org.claimskg:extra_tags"] == "energy;birds"
    # A number with no label is the reviewer's own scale: kept, state other; a date that is none is kept aside.
    (numbered,) = second.claims[0].verifications or ()
    assert numbered.verdict is not None and (numbered.verdict.value, numbered.verdict.best) == (2, 5)
    assert numbered.state is State.OTHER and numbered.assessed_at is None
    assert (second.claims[0].extensions or {})["org.claimskg:claimReview_datePublished"] == "not a date"
    assert third.claims[0].latest().state is State.REFUTED  # type: ignore[union-attr]  # Arabic "not correct"
    assert report.parked["claimskg.extra_tags"] == 1 and report.parked["claimskg.(row number)"] == 3
    assert not report.failed


def test_a_checkthat_row_is_its_text_with_the_label_kept() -> None:
    report = LossReport(source="checkthat", target="claimfmt")
    worthy, other = (r.document for r in CheckThat().read([READERS / "checkthat" / "task1.tsv"], Options(), report))
    assert worthy.id == "1235648554338791427" and worthy.article.url is not None
    (claim,) = worthy.claims
    assert claim.spans[0].exact == worthy.article.text == claim.text
    assert claim.verifications is None  # check-worthiness is not a verdict
    assert (claim.extensions or {}) == {"org.checkthat:topic": "COVID-19", "org.checkthat:class_label": "1"}
    assert (other.claims[0].extensions or {})["org.checkthat:class_label"] == "0"
    assert report.parked["checkthat.topic"] == 2 and not report.failed


def test_a_sentence_file_without_tweets_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text("Sentence_id\tText\tclass_label\n31\tWe will cut taxes by 20%.\tYes\n32\tThank you.\tNo\n")
    report = LossReport(source="checkthat", target="claimfmt")
    documents = [r.document for r in CheckThat().read([path], Options(), report)]
    assert [d.id for d in documents] == ["31", "32"]
    assert [(d.claims[0].extensions or {})["org.checkthat:class_label"] for d in documents] == ["Yes", "No"]


def test_bad_rows_are_located_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text("tweet_id\ttweet_text\tclass_label\n1\ttext\t1\textra\n2\t\t0\n3\tfine\t0\n")
    report = LossReport(source="checkthat", target="claimfmt")
    documents = [r.document for r in CheckThat().read([path], Options(), report)]
    assert [d.id for d in documents] == ["3"]
    assert sorted((i.code, i.line) for i in report.issues) == [("malformed-row", 2), ("not-convertible", 3)]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("export.conll", b"EU\tB-ORG\nrejects\tO\n", "CoNLL"),
        ("tokens.tsv", b"EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\n", "CoNLL"),
        ("export.csv", "text,label\nhello,POS\n".encode("utf-16"), "UTF-16 CSV"),
    ],
)
def test_formats_claimfmt_does_not_read_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["convert", str(path), "--to", "claimfmt"]) == 2
    err = capsys.readouterr().err
    assert words in err and "export JSONL from doccano" in err


def test_a_wrong_from_is_told_what_the_input_looks_like(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conll = tmp_path / "export.conll"
    conll.write_bytes(b"EU\tB-ORG\nrejects\tO\n")
    assert main(["convert", str(conll), "--from", "doccano", "--to", "claimfmt"]) == 1
    assert "the input looks like a CoNLL token file" in capsys.readouterr().err
    claims = READERS / "claimskg" / "claims.csv"
    assert main(["convert", str(claims), "--from", "doccano", "--to", "claimfmt"]) == 1
    assert "(--from claimskg)" in capsys.readouterr().err
