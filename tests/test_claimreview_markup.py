"""ClaimReview and MediaReview in microdata and RDFa (read with extruct), beside the JSON-LD already read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import claimfmt
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.claimreview import ClaimReview, _marked_up, to_claimreview
from claimfmt.converters.labels import MEDIAREVIEW, state_for
from claimfmt.model import State

from .fuzzing import READERS

PAGE = READERS / "claimreview" / "markup.html"

MEDIA = {
    "@context": "https://schema.org",
    "@type": "MediaReview",
    "datePublished": "2020-07-20",
    "url": "https://www.example.com/fact-check/doctored-photo",
    "author": {"@type": "Organization", "name": "Example Fact Checks"},
    "mediaAuthenticityCategory": "https://schema.org/TransformedContent",
    "originalMediaContextDescription": "The photo was altered to add a crowd.",
    "originalMediaLink": "https://original.example/photo.jpg",
    "itemReviewed": {
        "@type": "MediaReviewItem",
        "creator": {"@type": "Person", "name": "A. Poster"},
        "interpretedAsClaim": {"@type": "Claim", "description": "A photo shows a huge crowd at the rally."},
        "mediaItemAppearance": [{"@type": "ImageObject", "contentUrl": "https://social.example/img.jpg"}],
    },
}


def _read(path: Path) -> tuple[list[claimfmt.Document], LossReport]:
    report = LossReport(source="claimreview", target="claimfmt")
    return [r.document for r in ClaimReview().read([path], Options(), report)], report


def test_microdata_and_rdfa_reviews_are_read_like_json_ld() -> None:
    documents, report = _read(PAGE)
    assert not report.failed, [i.format() for i in report.issues]
    found = {d.claims[0].text: d.claims[0].verifications[0] for d in documents}  # type: ignore[index]
    assert set(found) == {"The moon is made of cheese.", "Water is dry.", "A photo shows the mayor at the protest."}
    moon, water = found["The moon is made of cheese."], found["Water is dry."]
    photo = found["A photo shows the mayor at the protest."]
    assert moon.state is State.REFUTED and moon.verdict is not None and moon.verdict.label == "False"
    assert moon.assessed_by == "Example Checks" and moon.assessed_at == "2024-01-02"
    assert water.state is State.REFUTED and water.assessed_at == "2024-02-03"  # RDFa, nested again from its nodes
    assert photo.state is State.MISLEADING and photo.verdict is not None
    assert (photo.verdict.label, photo.verdict.scheme) == ("EditedOrCroppedContent", "mediareview")
    moon_doc = next(d for d in documents if d.claims[0].text.startswith("The moon"))
    assert [s.name for s in moon_doc.sources] == ["Wallace"]  # itemReviewed's author, in microdata


def test_what_is_read_from_markup_is_written_back_as_json_ld(tmp_path: Path) -> None:
    items = [record.data for record in _marked_up(PAGE.read_text(encoding="utf-8"), "page", 0)]
    documents, _ = _read(PAGE)
    written = [review for document in documents for review in to_claimreview(document)]
    assert sorted(json.dumps(r, sort_keys=True) for r in written) == sorted(
        json.dumps(i, sort_keys=True) for i in items
    )


def test_a_media_review_round_trips_and_its_categories_all_map(tmp_path: Path) -> None:
    source, back = tmp_path / "review.json", tmp_path / "back.json"
    source.write_text(json.dumps(MEDIA))
    converted = tmp_path / "claimfmt.json"
    report = claimfmt.convert([source], source_format="claimreview", target_format="claimfmt", output=converted)
    assert not report.failed and "ClaimReview.mediaAuthenticityCategory" in report.parked
    document = claimfmt.load(converted)
    (claim,) = document.claims
    assert claim.text == "A photo shows a huge crowd at the rally." and claim.state() is State.REFUTED
    assert [s.name for s in document.sources] == ["A. Poster"]
    claimfmt.convert([converted], source_format="claimfmt", target_format="claimreview", output=back)
    assert json.loads(back.read_text()) == MEDIA
    assert {label: state_for("mediareview", label) for label in MEDIAREVIEW} == dict(MEDIAREVIEW)


def test_without_extruct_a_marked_up_page_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "extruct", None)  # import extruct now raises ImportError
    documents, report = _read(PAGE)
    assert documents == []
    assert [i.code for i in report.issues] == ["not-convertible"]
    assert "claimfmt[html]" in report.issues[0].message


def test_a_page_whose_html_cannot_be_read_past_a_declaration_is_reported_with_the_blocks_before(
    tmp_path: Path,
) -> None:
    # Python 3.11's html.parser raises AssertionError at "<![[": found by the reader fuzz test.
    review = json.dumps({**MEDIA, "@type": "ClaimReview", "claimReviewed": "Water is dry."})
    page = tmp_path / "page.html"
    page.write_text(f'<html><script type="application/ld+json">{review}</script>\n<![[[1]]]>\n</html>\n')
    documents, report = _read(page)
    assert [d.claims[0].text for d in documents] == ["Water is dry."]
    assert [(i.code, i.line) for i in report.issues] == [("not-convertible", 2)]
    from claimfmt.cli import main

    out = tmp_path / "out.json"
    assert main(["convert", str(page), "--from", "claimreview", "--to", "claimfmt", "-o", str(out)]) == 1
    assert claimfmt.load(out).claims[0].text == "Water is dry."  # what could be read is written, and the exit says
