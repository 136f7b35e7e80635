"""Fact-checking formats: ClaimReview, the Google Fact Check API, AVeriTeC, FEVER, LIAR, and the label tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import claimfmt
from claimfmt.cli import main
from claimfmt.conversion import read_documents
from claimfmt.converters.averitec import read_record, write_document
from claimfmt.converters.base import LossReport
from claimfmt.converters.claimreview import RECORD, from_claimreview, publishable, to_claimreview
from claimfmt.converters.labels import SCHEMES, normalise_label, state_for
from claimfmt.issues import Severity
from claimfmt.model import Claim, Document, State
from claimfmt.structuring import as_json, deferred, unstructure
from claimfmt.testing import documents, texts

from .conftest import EXAMPLES, shared

CLAIMS = ("corpora", "claims")

# (format, sample, records in it)
SAMPLES = [
    ("averitec", "averitec/dev.first40.json", 40),
    ("fever", "fever/paper_dev.first40.jsonl", 40),
    ("liar", "liar/test.first40.tsv", 40),
    ("liar", "liar-plus/test2.first40.tsv", 40),
    ("liar", "liar-plus/test2.first40.jsonl", 40),
    ("factcheck-api", "google-factcheck-api/sih-web.factCheckApiResponse.extracted.json", 10),
    ("claimreview", "claimreview-jsonld/schemaorg-issue-1061-examples.txt", 1),
]


def _read(source_format: str, path: Path) -> tuple[list[Document], LossReport]:
    report = LossReport(source=source_format, target="claimfmt")
    return list(read_documents([path], source_format, None, report)), report


@pytest.mark.parametrize(("source_format", "sample", "count"), SAMPLES)
def test_every_development_sample_imports_whole_with_every_label_mapped(
    source_format: str, sample: str, count: int
) -> None:
    read, report = _read(source_format, shared(*CLAIMS, *sample.split("/")))
    assert [i.format() for i in report.issues] == []
    assert len(read) == count
    assert report.unmapped == {}
    for document in read:
        assert [i for i in claimfmt.validate(document) if i.severity is Severity.ERROR] == []


# --- label tables -------------------------------------------------------------------------------------


def test_labels_match_case_and_whitespace_insensitively() -> None:
    assert state_for("textual", "  FALSE\u00a0 context. ") is State.MISLEADING
    assert state_for("politifact", "barely-true") is State.MISLEADING  # PolitiFact's "Mostly False"
    assert state_for("fever", "NOT ENOUGH INFO") is State.UNVERIFIABLE
    assert state_for("averitec", "Not Enough Evidence") is State.UNVERIFIABLE
    assert state_for("averitec", "Conflicting Evidence/Cherrypicking") is State.MISLEADING
    assert state_for("textual", "Satire-ish") is None


@pytest.mark.parametrize(
    ("label", "state"),
    [
        ("Faux", State.REFUTED),
        ("Trompeur", State.MISLEADING),
        ("Falso", State.REFUTED),
        ("Engañoso", State.MISLEADING),
        ("Falsch", State.REFUTED),
        ("Irreführend", State.MISLEADING),
        ("Enganoso", State.MISLEADING),
        ("Verdadeiro", State.SUPPORTED),
        ("\u0645\u0636\u0644\u0644", State.MISLEADING),  # Arabic: misleading
        ("\u0632\u0627\u0626\u0641", State.REFUTED),  # Arabic: false
    ],
)
def test_the_textual_table_covers_six_languages(label: str, state: State) -> None:
    assert state_for("textual", label) is state


@pytest.mark.parametrize(
    ("label", "state"),
    [
        ("غير صحيح", State.REFUTED),  # "not correct"
        ("خبر كاذب", State.REFUTED),  # "false news"
        ("خبر زائف", State.REFUTED),  # "fake news"
        ("مش حقيقي", State.REFUTED),  # Egyptian Arabic: "not true"
        ("اشاعة", State.REFUTED),  # "rumour", written without hamza
        ("إشاعة", State.REFUTED),  # ... and with it
        ("شائعة", State.REFUTED),  # "rumour"
        ("غير دقيق", State.REFUTED),  # "inaccurate", as in English
        ("عار عن الصحة", State.REFUTED),  # "devoid of truth"
        ("مزيف", State.REFUTED),  # "fake"
        ("معدل", State.REFUTED),  # "altered"
        ("صورة معدلة", State.REFUTED),  # "altered photo"
        ("فيديو معدل", State.REFUTED),  # "altered video"
        ("احتيال", State.REFUTED),  # "scam"
        ("صحيح جزئياً", State.MIXED),  # "partly true", with tanwin
        ("صحيح جزئيا", State.MIXED),  # ... and without
        ("مضلل جزئيا", State.MISLEADING),  # "partly misleading"
        ("مجتزأ", State.MISLEADING),  # "truncated"
        ("مجتزأ من سياقه", State.MISLEADING),  # "cut from its context"
        ("سياق مفقود", State.MISLEADING),  # "missing context"
        ("يحتاج إلى سياق", State.MISLEADING),  # "needs context"
        ("خاطئ في معظمه", State.MISLEADING),  # "mostly false"
        ("صحيح في معظمه", State.SUPPORTED),  # "mostly true"
        ("صحيح إلى حد كبير", State.SUPPORTED),  # "largely true"
        ("غير مثبت", State.UNVERIFIABLE),  # "unproven"
        ("لا يوجد دليل", State.UNVERIFIABLE),  # "no evidence"
        ("لا يمكن التحقق", State.UNVERIFIABLE),  # "cannot be verified"
        ("متنازع عليه", State.DISPUTED),  # "disputed"
        ("سخرية", State.OTHER),  # "satire"
        ("رأي", State.OTHER),  # "opinion"
        ("خطـــأ", State.REFUTED),  # "false" drawn out with tatweel
    ],
)
def test_arabic_ratings_of_arab_fact_checkers(label: str, state: State) -> None:
    assert state_for("textual", label) is state


def test_no_table_maps_a_peer_label_to_unverified_and_keys_are_distinct_once_normalised() -> None:
    for name, table in SCHEMES.items():
        assert State.UNVERIFIED not in table.values(), name
        assert len({normalise_label(k) for k in table}) == len(table), name


def test_unknown_labels_map_to_other_and_are_counted_per_scheme() -> None:
    report = LossReport(source="x", target="claimfmt")
    assert report.label("textual", "Zombie claim") is State.OTHER
    assert report.label("textual", "Zombie claim") is State.OTHER
    assert report.label("politifact", "full flop") is State.OTHER  # in the table: no warning
    report.finish()
    (warning,) = report.issues
    assert warning.code == "unmapped-label" and warning.severity is Severity.WARNING
    assert "2 verdict(s) with 1 label(s) not in the textual table" in warning.message


# --- AVeriTeC -----------------------------------------------------------------------------------------


def _averitec_round_trip(record: dict[str, Any]) -> dict[str, Any]:
    report = LossReport(source="averitec", target="claimfmt")
    document = read_record(record, 0, report)
    assert document is not None
    # The reader makes the document's JSON, not its model: the JSON the model gives, key order included.
    assert json.dumps(as_json(document)) == json.dumps(unstructure(document))
    assert [i for i in claimfmt.validate(document) if i.severity is Severity.ERROR] == []
    text = claimfmt.dumps(document)  # through JSON, as a file would take it
    (back,) = write_document(claimfmt.loads(text), LossReport(source="claimfmt", target="averitec"))
    return back


def test_averitec_dev_sample_round_trips_exactly() -> None:
    records = json.loads(shared(*CLAIMS, "averitec", "dev.first40.json").read_text())
    assert [_averitec_round_trip(record) for record in records] == records


_URL = st.sampled_from(["https://example.org/a", "https://web.archive.org/web/2020/https://x.org/", "", "Metadata"])
_ANSWER = st.fixed_dictionaries(
    {
        "answer": texts(min_size=1, max_size=30),
        "answer_type": st.sampled_from(["Extractive", "Abstractive", "Boolean", "Unanswerable"]),
        "source_url": _URL,
        "source_medium": st.sampled_from(["Web text", "PDF", ""]),
    },
    optional={"cached_source_url": _URL, "boolean_explanation": texts(max_size=20)},
)
_AVERITEC = st.fixed_dictionaries(
    {
        "claim": texts(min_size=1, max_size=60),
        "required_reannotation": st.booleans(),
        "label": st.sampled_from(["Supported", "Refuted", "Not Enough Evidence", "Conflicting Evidence/Cherrypicking"]),
        "justification": st.none() | texts(max_size=40),
        "claim_date": st.none()
        | st.dates().map(lambda d: f"{d.day}-{d.month}-{d.year}")
        | st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
        "speaker": st.none() | texts(max_size=20),
        "original_claim_url": st.none() | _URL,
        "fact_checking_article": st.none() | _URL,
        "reporting_source": st.none() | texts(max_size=20),
        "location_ISO_code": st.none() | st.sampled_from(["US", "IN", "GB"]),
        "claim_types": st.lists(st.sampled_from(["Numerical Claim", "Event/Property Claim", "Quote Verification"])),
        "fact_checking_strategies": st.lists(st.sampled_from(["Written Evidence", "Numerical Comparison"])),
        "questions": st.lists(
            st.fixed_dictionaries(
                {"question": texts(min_size=1, max_size=30), "answers": st.lists(_ANSWER, max_size=3)}
            ),
            max_size=4,
        ),
        "cached_original_claim_url": st.none() | _URL,
    }
)


@given(_AVERITEC)
def test_generated_averitec_records_round_trip_exactly(record: dict[str, Any]) -> None:
    assert _averitec_round_trip(record) == record


def test_writing_averitec_counts_what_it_drops() -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    report = LossReport(source="claimfmt", target="averitec")
    records = list(write_document(document, report))
    assert len(records) == len(document.claims)
    assert records[1]["label"] == "Conflicting Evidence/Cherrypicking"  # disputed: AVeriTeC's nearest label
    assert report.dropped["claims[].spans"] == sum(1 for c in document.claims if c.spans)
    assert report.dropped["relations"] == len(document.relations or ())


# --- ClaimReview --------------------------------------------------------------------------------------


@given(documents())
def test_claimreview_with_record_gives_back_exactly_what_may_be_published(document: Document) -> None:
    assume(any(claim.verifications for claim in document.claims))
    reviews = to_claimreview(document, record=True)
    assert all(review["@type"] == "ClaimReview" and review["claimReviewed"] for review in reviews)
    back, report = from_claimreview(json.loads(json.dumps(reviews)))
    assert back == [publishable(document)]
    assert not report.failed
    _assert_leaks_nothing(document, reviews)


@given(documents(), st.booleans())
def test_a_document_read_from_a_file_publishes_what_its_model_does(document: Document, record: bool) -> None:
    # A document read from claimfmt holds its JSON, its model unbuilt: publishable() builds only the claims
    # someone reviewed. What it writes, and what the report counts, are what the built document gives.
    built, read = LossReport(source="claimfmt", target="claimreview"), LossReport(source="-", target="-")
    expected = to_claimreview(document, built, record=record)
    as_read = deferred(unstructure(document))
    assert to_claimreview(as_read, read, record=record) == expected
    assert read.dropped == built.dropped and read.recorded == built.recorded
    assert publishable(deferred(unstructure(document))) == publishable(document)


@given(documents(), st.data())
def test_any_subset_of_reviews_in_any_order_gives_back_its_claims(document: Document, data: st.DataObject) -> None:
    public = publishable(document)
    assume(public is not None)
    assert public is not None
    reviews = to_claimreview(document, record=True)
    # One review per assessment that stands: (claim, its place among the claim's verifications).
    placed = [
        (c, n)
        for c, claim in enumerate(public.claims)
        for n, v in enumerate(claim.verifications or ())
        if v in claim.current()
    ]
    assert len(placed) == len(reviews)
    chosen = data.draw(st.lists(st.sampled_from(range(len(reviews))), min_size=1, unique=True))
    (back,), report = from_claimreview([reviews[n] for n in chosen])
    # In the document's order, whatever the order read; each claim as published, with the assessments
    # read and the earlier ones they supersede.
    expected = []
    for c, claim in enumerate(public.claims):
        places = {n for k in chosen if placed[k][0] == c for n in _behind(claim, placed[k][1])}
        if places:
            expected.append(
                attrs.evolve(
                    claim, verifications=tuple(v for n, v in enumerate(claim.verifications or ()) if n in places)
                )
            )
    assert list(back.claims) == expected
    assert not report.failed


def _behind(claim: Claim, n: int) -> set[int]:
    """``n`` and the places of every verification it supersedes, directly or not."""
    items = claim.verifications or ()
    by_id = {v.id: k for k, v in enumerate(items) if v.id is not None}
    found = {n}
    while items[n].supersedes is not None and by_id.get(items[n].supersedes) not in found:
        n = by_id[items[n].supersedes]
        found.add(n)
    return found


@given(documents())
def test_plain_claimreview_loses_only_what_the_report_lists(document: Document) -> None:
    """The native mapping alone: no record. Every field it does not give back is counted as dropped."""
    public = publishable(document)
    assume(public is not None)
    assert public is not None
    report = LossReport(source="claimfmt", target="claimreview")
    reviews = to_claimreview(document, report)
    assert not any(RECORD in review for review in reviews)
    # Two claims of one text and one item reviewed cannot be told apart in plain ClaimReview.
    assume(len({c.text for c in public.claims}) == len(public.claims))
    # Without a record nothing ties the reviews of one document together: a document per claim, whose
    # reviews (one per assessment that stands) read back as its verifications.
    read, _ = from_claimreview(json.loads(json.dumps(reviews)))
    back = [document.claims[0] for document in read]
    assert all(len(document.claims) == 1 for document in read)
    for ours, theirs in zip(public.claims, back, strict=True):
        assert theirs.text == ours.text
        current = ours.current()
        assert len(theirs.verifications or ()) == len(current)
        for mine, back_one in zip(current, theirs.verifications or (), strict=True):
            assert back_one.assessed_by == mine.assessed_by
            assert back_one.review_url == mine.review_url
            if mine.verdict is not None:
                assert back_one.verdict is not None and back_one.verdict.label == mine.verdict.label
    lost: set[str] = set()
    for ours, theirs in zip(public.claims, back, strict=True):
        lost |= _lost(unstructure(ours), unstructure(theirs), "claims[]")
    listed = set(report.dropped)
    # A path is listed when the report names it, a field inside it, or the field holding it.
    assert {path for path in lost if not any(d.startswith(path) or path.startswith(d) for d in listed)} == set()
    _assert_leaks_nothing(document, reviews)


def _lost(ours: dict[str, Any], back: dict[str, Any], path: str) -> set[str]:
    """The paths of values ``ours`` has that ``back`` does not give back (values it adds are not losses)."""
    found = set()
    for key, value in ours.items():
        if key == "id" or value == []:
            continue
        if isinstance(value, dict) and isinstance(back.get(key), dict):
            found |= _lost(value, back[key], f"{path}.{key}")
        elif (
            isinstance(value, list)
            and isinstance(back.get(key), list)
            and len(value) == len(back[key])
            and all(isinstance(v, dict) and isinstance(b, dict) for v, b in zip(value, back[key], strict=True))
        ):
            for mine, theirs in zip(value, back[key], strict=True):
                found |= _lost(mine, theirs, f"{path}.{key}[]")
        elif back.get(key) != value:
            found.add(f"{path}.{key}")
    return found


def _assert_leaks_nothing(document: Document, reviews: list[dict[str, Any]]) -> None:
    published = json.dumps(reviews, ensure_ascii=False)
    text = document.article.text or ""
    if len(text) >= 40:
        assert text not in published
    reviewed = {claim.id for claim in document.claims if claim.verifications}
    for claim in document.claims:
        if claim.id not in reviewed and len(claim.text) >= 40:
            quoted = json.dumps(claim.text, ensure_ascii=False)
            assert quoted not in published or any(c.text == claim.text for c in document.claims if c.id in reviewed)
    # Words the document publishes anyway (a named source's name or role) are not an anonymous source's secret.
    public = publishable(document)
    told = json.dumps(unstructure(public), ensure_ascii=False) if public is not None else ""
    for source in document.sources:
        if source.anonymous:
            for detail in (source.description, source.role, source.affiliation):
                quoted = json.dumps(detail, ensure_ascii=False)
                if detail is not None and len(detail) >= 12 and quoted not in told:
                    assert quoted not in published


def test_the_seed_article_publishes_small_reviews_that_leak_nothing() -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    report = LossReport(source="claimfmt", target="claimreview")
    plain = to_claimreview(document, report)
    recorded = to_claimreview(document, record=True)
    assert len(plain) == len(recorded) == sum(len(c.current()) for c in document.claims)
    for reviews in (plain, recorded):
        _assert_leaks_nothing(document, reviews)
        published = json.dumps(reviews, ensure_ascii=False)
        assert "Inside a dimly lit office" not in published  # the article's first words
        assert "intelligence-officer" not in published  # an anonymous source's id names it
    assert max(len(json.dumps(r, ensure_ascii=False).encode()) for r in plain) < 1_000
    assert max(len(json.dumps(r, ensure_ascii=False).encode()) for r in recorded) < 4_000
    assert report.dropped["article.text (never published)"] == 1
    assert report.dropped["claims without a verification (never published)"] == 11


def test_the_examples_make_plain_claimreviews() -> None:
    document = claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json")
    review, concurrent = to_claimreview(document)  # the chain's latest revision, and the concurrent review
    assert [review["reviewRating"]["alternateName"], concurrent["reviewRating"]["alternateName"]] == [
        v.verdict.label for v in document.claims[0].current() if v.verdict is not None
    ]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"] == "Jane Roe"
    assert item["appearance"]["url"] == document.article.url
    # A consumer that ignores our one key sees only schema.org terms.
    assert set(review) - {RECORD} <= {
        "@context", "@type", "url", "claimReviewed", "datePublished", "author", "itemReviewed", "reviewRating"
    }  # fmt: skip


REVIEW: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/r1",
    "claimReviewed": "The moon is made of cheese.",
    "datePublished": "2024-05-01",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A. Speaker", "jobTitle": "Senator"},
        "datePublished": "2024-04-20",
        "appearance": {"@type": "CreativeWork", "url": "https://news.example.org/story"},
    },
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1, "alternateName": "False"},
}


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"@type": ["Review", "ClaimReview"]},
        {"itemReviewed": {**REVIEW["itemReviewed"], "@type": "CreativeWork"}},
        {"itemReviewed": {**REVIEW["itemReviewed"], "appearance": "https://news.example.org/story"}},
        {"itemReviewed": {**REVIEW["itemReviewed"], "firstAppearance": {"url": "https://news.example.org/story"}}},
        {"itemReviewed": {**REVIEW["itemReviewed"], "author": "A. Speaker"}},
        {"itemReviewed": {**REVIEW["itemReviewed"], "author": [{"@type": "Person", "name": "A. Speaker"}]}},
    ],
)
def test_claimreview_as_real_markup_writes_it_is_read(variant: dict[str, Any]) -> None:
    review = {**REVIEW, **variant}
    item = review["itemReviewed"]
    if "firstAppearance" in item:
        item = {k: v for k, v in item.items() if k != "appearance"}
        review["itemReviewed"] = item
    (document,), report = from_claimreview(review)
    (claim,) = document.claims
    assert claim.text == "The moon is made of cheese."
    assert claim.latest().state is State.REFUTED and claim.latest().verdict.label == "False"
    assert document.sources[0].name == "A. Speaker"
    assert document.article.url == "https://news.example.org/story"
    assert not report.failed
    # What the writer would not give back was kept: the review comes back.
    (again,) = to_claimreview(document)
    assert again == review


def test_graph_datafeed_and_several_reviews_give_one_document_each() -> None:
    second = {**REVIEW, "url": "https://factcheck.example.org/r2", "claimReviewed": "Water is dry."}
    for wrapped in (
        {"@context": "https://schema.org", "@graph": [REVIEW, second]},
        [REVIEW, second],
        {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "dataFeedElement": [{"@type": "DataFeedItem", "item": [REVIEW]}, {"@type": "DataFeedItem", "item": second}],
        },
    ):
        read, _ = from_claimreview(wrapped)
        assert [d.claims[0].text for d in read] == ["The moon is made of cheese.", "Water is dry."]


def test_html_pages_are_read_from_their_json_ld_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "check.html"
    page.write_text(
        "<html><head><script type='application/ld+json'>"
        + json.dumps(REVIEW)
        + "</script><script>var x = 1;</script></head>\n<body>\n"
        + '<script type="application/ld+json">{"broken": </script></body></html>'
    )
    out = tmp_path / "out.jsonl"
    status = main(["convert", str(page), "--from", "claimreview", "--to", "claimfmt", "-o", str(out)])
    err = capsys.readouterr().err
    assert status == 1 and f"{page}:3:" in err and "[invalid-json]" in err
    (document,) = claimfmt.iter_documents(out)
    assert document.claims[0].latest().review_url == "https://factcheck.example.org/r1"


def test_a_rating_without_a_label_and_one_that_disagrees() -> None:
    unlabelled = {**REVIEW, "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 6}}
    (document,), report = from_claimreview(unlabelled)
    verdict = document.claims[0].latest().verdict
    assert (verdict.label, verdict.value, verdict.best, document.claims[0].latest().state) == ("1", 1, 6, "other")
    assert report.unmapped == {}
    disagreeing = {**REVIEW, "reviewRating": {**REVIEW["reviewRating"], "ratingValue": 5}}
    (document,), report = from_claimreview(disagreeing)
    assert [i.code for i in report.issues] == ["rating-disagrees"]
    assert document.claims[0].latest().verdict.value == 5  # both kept
    assert document.claims[0].latest().verdict.label == "False"


def test_the_schema_org_sample_keeps_its_odd_parts() -> None:
    (document,), _ = _read("claimreview", shared(*CLAIMS, "claimreview-jsonld", "schemaorg-issue-1061-examples.txt"))
    (claim,) = document.claims
    assert document.sources[0].name == "Rich Perry"  # as given
    assert document.sources[0].external_ids == {
        "wikipedia": "https://en.wikipedia.org/wiki/Rick_Perry",
        "rickperry": "https://rickperry.org/",
    }
    # Kept on the assessment the review is: a claim reviewed twice keeps each review's own.
    (verification,) = claim.verifications or ()
    kept = (verification.extensions or {})["org.schema:claimreview"]
    assert kept["set"]["claimReviewSiteLogo"].endswith("politifact-logo-big.jpg")
    assert kept["in"]["itemReviewed"]["in"]["author"]["set"]["title"] == "Former Governor of Texas"


# --- FEVER, LIAR, the Google API -----------------------------------------------------------------------


def test_fever_titles_are_kept_exactly_and_sets_are_groups() -> None:
    read, _ = _read("fever", shared(*CLAIMS, "fever", "paper_dev.first40.jsonl"))
    pages = {e.locator.page for d in read for e in d.claims[0].latest().evidence or () if e.locator}
    assert "Soul_Food_-LRB-film-RRB-" in pages
    assert "Simo\u0301n_Boli\u0301var" in pages  # NFD, as given
    not_enough = [d for d in read if d.claims[0].latest().verdict.label == "NOT ENOUGH INFO"]
    assert len(not_enough) == 12
    assert all(d.claims[0].latest().state is State.UNVERIFIABLE for d in not_enough)
    assert all(e.locator is None for d in not_enough for e in d.claims[0].latest().evidence)
    groups = [[e.locator.group for e in d.claims[0].latest().evidence or () if e.locator] for d in read]
    assert max(len(set(g)) for g in groups) == 7  # up to 7 alternative sets
    assert sum(any(g.count(n) > 1 for n in set(g)) for g in groups) >= 1  # joint sets: sentences that go together


def test_feverous_element_ids_are_split_into_page_and_element(tmp_path: Path) -> None:
    row = {
        "id": 7,
        "claim": "Algebraic logic has five sentences.",
        "label": "REFUTES",
        "evidence": [{"content": ["Algebraic logic_sentence_0", "Algebraic logic_cell_0_1_1"], "context": {}}],
        "challenge": "Numerical Reasoning",
    }
    path = tmp_path / "feverous.jsonl"
    path.write_text(json.dumps(row) + "\n")
    ((document,), _) = _read("fever", path)
    evidence = document.claims[0].latest().evidence
    assert [(e.locator.page, e.locator.sentence) for e in evidence] == [
        ("Algebraic logic", 0),
        ("Algebraic logic", None),
    ]
    assert document.claims[0].extensions == {"org.fever:challenge": "Numerical Reasoning"}


def test_liar_columns_become_source_channel_and_subjects() -> None:
    read, _ = _read("liar", shared(*CLAIMS, "liar", "test.first40.tsv"))
    first = read[0]
    source, claim = first.sources[0], first.claims[0]
    assert (first.id, source.name, source.role, source.affiliation) == (
        "11972.json",
        "rick-perry",
        "Governor",
        "republican",
    )
    assert source.extensions["org.liar:state"] == "Texas"
    assert source.extensions["org.liar:credit_history"]["barely_true_counts"] == 30
    assert claim.attributions[0].channel == "Radio interview"
    assert claim.extensions["org.liar:subjects"] == ["immigration"]
    quoted = [d.claims[0].text for d in read if d.claims[0].text.startswith('"')]
    assert len(quoted) == 2  # quoting is off: leading quotes survive


def test_malformed_liar_rows_are_reported_with_their_line_and_skipped(tmp_path: Path) -> None:
    sample = shared(*CLAIMS, "liar", "test.first40.tsv").read_text().splitlines(keepends=True)
    path = tmp_path / "broken.tsv"
    path.write_text(sample[0] + "only\tthree\tcolumns\n" + sample[1] + "1.json  false  spaces, not tabs\n")
    read, report = _read("liar", path)
    assert len(read) == 2
    assert [(i.code, i.line) for i in report.issues] == [("malformed-row", 2), ("malformed-row", 4)]


def test_google_api_pages_resource_is_read() -> None:
    page = {
        "name": "pages/abc",
        "pageUrl": "https://factcheck.example.org/p",
        "publishDate": "2024-01-02",
        "claimReviewAuthor": {"name": "Example Checks"},
        "claimReviewMarkups": [
            {
                "claimReviewed": "Cats can fly.",
                "claimAuthor": {"name": "Some One", "jobTitle": "Influencer"},
                "claimFirstAppearance": "https://social.example.org/post/1",
                "rating": {"textualRating": "Faux", "ratingExplanation": "They cannot."},
            }
        ],
    }
    report = LossReport(source="factcheck-api", target="claimfmt")
    from claimfmt.converters.factcheck_api import FactCheckAPI
    from claimfmt.reading import Record

    ((read,),) = [list(FactCheckAPI().read_records(iter([Record(file="x", data=page)]), None, report))]  # type: ignore[arg-type]
    claim = read.document.claims[0]
    assert claim.latest().state is State.REFUTED and claim.latest().rationale == "They cannot."
    assert read.document.sources[0].role == "Influencer"
    assert read.document.article.url == "https://social.example.org/post/1"


def test_stats_shows_the_label_to_state_table(capsys: pytest.CaptureFixture[str]) -> None:
    path = shared(*CLAIMS, "liar", "test.first40.tsv")
    assert main(["stats", "--from", "liar", str(path)]) == 0
    out = capsys.readouterr().out
    assert "verdict labels -> states" in out
    assert any(line.split()[:3] == ["politifact", "barely-true", "misleading"] for line in out.splitlines())


def test_documents_without_a_verified_claim_are_counted_as_dropped() -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    bare = attrs.evolve(document, claims=tuple(attrs.evolve(c, verifications=None) for c in document.claims))
    report = LossReport(source="claimfmt", target="claimreview")
    assert to_claimreview(bare, report) == []
    assert report.dropped == {"documents with no verified claim (ClaimReview reviews claims)": 1}
