"""The W3C Web Annotation converter: round trips, the W3C test suite's MUST assertions, foreign input."""

from __future__ import annotations

import copy
import functools
import json
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import orjson
import pytest
import referencing
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from referencing.jsonschema import DRAFT4

import claimfmt
import claimfmt.cli
from claimfmt.converters.anchoring import Anchoring, Method
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.offsets import Unit
from claimfmt.converters.publishing import withheld, withheld_claims, withheld_claims_json
from claimfmt.converters.w3c import ANNO_CONTEXT, CLAIMFMT_CONTEXT, normalise, to_w3c
from claimfmt.converters.w3c import from_w3c as _from_w3c
from claimfmt.converters.w3c.record import _read_back, reads_back_as_written
from claimfmt.converters.w3c.writer import _Writer
from claimfmt.issues import Severity
from claimfmt.model import Article, Document, Span
from claimfmt.schemas import jsonld_context
from claimfmt.structuring import as_json, deferred, trusted, unstructure, without_claims
from claimfmt.testing import documents, json_documents

from .conftest import EXAMPLES, SHARED, shared

SUITE = ("corpora", "w3c-web-annotation")
RECORD = Options(record=True)


def from_w3c(data: Any, options: Options | None = None) -> tuple[list[Document], LossReport]:
    """``converters.w3c.from_w3c``, and each document's JSON (which the reader makes on the way, and writers
    write) is what its model gives."""
    documents, report = _from_w3c(data, options)
    for document in documents:
        assert as_json(document) == unstructure(document)
    return documents, report


def _suite_files(folder: str) -> list[Path]:
    path = SHARED.joinpath(*SUITE, folder)
    return sorted(path.glob("*.json")) if path.exists() else []


# --- the W3C test suite ------------------------------------------------------------------------------


@functools.cache
def _assertions(test_list: str) -> list[tuple[str, str, jsonschema.Validator]]:
    """(name, must/should/may, validator) for each assertion of a ``*.test`` list of the suite."""
    root = shared(*SUITE)
    resources = []
    for path in sorted((root / "definitions").glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["id"], DRAFT4.create_resource(contents)))
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
    listing = json.loads((root / test_list).read_text())
    found = []
    for relative in listing["assertions"]:
        schema = json.loads((root / relative).read_text())
        validator = jsonschema.Draft4Validator(
            schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
        )
        found.append((relative, schema.get("assertionType", "must"), validator))
    return found


def _failures(instance: Any, test_list: str) -> list[str]:
    """The MUST assertions ``instance`` fails; SHOULD failures are printed as warnings."""
    failed = []
    for name, kind, validator in _assertions(test_list):
        if validator.is_valid(instance):
            continue
        if kind == "must":
            failed.append(f"{name}: {next(validator.iter_errors(instance)).message[:200]}")
        else:
            warnings.warn(f"{kind} assertion not met: {name}", stacklevel=2)
    return failed


def _check_conformance(document: Document) -> None:
    for options in (Options(), RECORD):
        (collection,) = to_w3c(document, options)
        _check_collection(collection)
    (page,) = to_w3c(attrs.evolve(document, extensions={"org.w3.anno:shape": "page"}), RECORD)
    assert _failures(page, "collections/pages/pageMusts.test") == []
    bare = _bare(document, "http://example.org/article")
    for annotation in to_w3c(bare, RECORD) if bare.claims else ():
        assert annotation["type"] == "Annotation"
        assert _failures(annotation, "annotations/annotationMusts.test") == []


def _check_collection(collection: Any) -> None:
    assert _failures(collection, "collections/collectionMusts.test") == []
    # An embedded page and its annotations inherit the collection's context, as JSON-LD says.
    page = {"@context": collection["@context"], **collection["first"]}
    assert _failures(page, "collections/pages/pageMusts.test") == []
    for item in page["items"]:
        assert _failures({"@context": collection["@context"], **item}, "annotations/annotationMusts.test") == []


def _bare(document: Document, iri: str) -> Document:
    """The document's claims as bare annotations can carry them (no sources, no article but its IRI)."""
    return Document(
        claimfmt="1.1",
        id=iri,
        article=Article(url=iri, published="2024-11-05T14:00:00Z" if all(c.spans for c in document.claims) else None),
        sources=(),
        claims=tuple(attrs.evolve(claim, attributions=()) for claim in document.claims),
        extensions={"org.w3.anno:shape": "annotation"},
    )


def test_the_seed_article_passes_every_must_assertion() -> None:
    _check_conformance(claimfmt.load(EXAMPLES / "seed-article.claimfmt.json"))


@pytest.mark.parametrize("name", ["fact-check-with-history", "text-withheld"])
def test_the_other_examples_pass_every_must_assertion(name: str) -> None:
    _check_conformance(claimfmt.load(EXAMPLES / f"{name}.claimfmt.json"))


@given(documents())
def test_generated_documents_pass_every_must_assertion(document: Document) -> None:
    _check_conformance(document)


def test_a_selector_offset_a_document_writes_as_a_whole_float_is_an_integer(tmp_path: Path) -> None:
    # JSON Schema takes 257.0 as an integer, and a document read from claimfmt holds its JSON as written; W3C's
    # TextPositionSelector is written in integers all the same.
    data = json.loads((EXAMPLES / "seed-article.claimfmt.json").read_text(encoding="utf-8"))
    span = next(span for claim in data["claims"] for span in claim["spans"] if "start" in span)
    span["start"], span["end"] = float(span["start"]), float(span["end"])
    source, out = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert not claimfmt.convert([source], source_format="claimfmt", target_format="w3c", output=out).failed
    (collection,) = [json.loads(out.read_text(encoding="utf-8"))]
    positions = [
        selector
        for item in collection["first"]["items"]
        for target in _listed(item["target"])
        for selector in _listed(target["selector"])
        if selector["type"] == "TextPositionSelector"
    ]
    assert positions and all(type(s["start"]) is int and type(s["end"]) is int for s in positions)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_suite_runs_and_can_fail() -> None:
    (collection,) = to_w3c(claimfmt.load(EXAMPLES / "seed-article.claimfmt.json"))
    annotation = {"@context": ANNO_CONTEXT, **collection["first"]["items"][0]}
    broken = {**annotation, "id": ["a", "b"], "bodyValue": "both body and bodyValue"}
    failed = _failures(broken, "annotations/annotationMusts.test")
    assert any("3.1-annotationIdValidated" in f for f in failed)
    assert any("3.2.5-notBodyBodyValue" in f for f in failed)


# --- round trips ---------------------------------------------------------------------------------------


@given(documents(), st.sampled_from([None, *Unit]))
def test_a_document_read_holds_the_json_its_model_gives_key_order_included(
    document: Document, unit: Unit | None
) -> None:
    # The reader makes each claim's JSON without building the model: the bytes the claimfmt writer writes are
    # those the model would give, whatever the order of the keys read. (A record applied puts the keys it sets
    # last: so it is not written here.)
    written = to_w3c(document, Options(offset_unit=unit))
    for value in (written, _reversed(written)):
        for back in _from_w3c(value, Options(offset_unit=unit))[0]:
            assert orjson.dumps(as_json(back)) == orjson.dumps(unstructure(back))


def _reversed(value: Any) -> Any:
    """``value`` with the keys of each object in it in the other order (which means nothing in JSON)."""
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(value)}
    return [_reversed(item) for item in value] if isinstance(value, list) else value


@given(documents(), st.sampled_from([None, *Unit]))
def test_claimfmt_to_w3c_with_the_record_to_claimfmt_is_the_identity(document: Document, unit: Unit | None) -> None:
    # In any offset unit: the record is made against the annotations read back as a reader reads them, with
    # the text the record gives (else every span counted in another unit would read as edited: record-stale).
    written = to_w3c(document, attrs.evolve(RECORD, offset_unit=unit))
    json.dumps(written)  # plain JSON, nothing else
    documents_back, report = from_w3c(written, Options(offset_unit=unit))
    assert documents_back == [document]
    assert report.issues == []


def test_a_claim_whose_first_span_the_unit_cannot_place_keeps_its_own_fragment() -> None:
    """In graphemes, a span that ends inside a cluster is written as a quote alone: the claim comes back from its
    next span, where another claim starts too. Its fragment is still its own (it was that other claim's, which
    made two claims of one id, and the record was set aside)."""
    from claimfmt.model import Claim

    def claim(identifier: str, *spans: Span) -> Claim:
        return Claim(id=identifier, text="0", spans=spans, attributions=())

    document = Document(
        claimfmt="1.1",
        id="0",
        article=Article(text="000\u0300"),  # the last two code points are one grapheme cluster
        sources=(),
        claims=(
            claim("0", Span(start=0, end=3, exact="000"), Span(start=0, end=1, exact="0")),
            claim("1", Span(start=0, end=1, exact="0")),
        ),
    )
    written = to_w3c(document, attrs.evolve(RECORD, offset_unit=Unit.GRAPHEME))
    back, report = from_w3c(written, Options(offset_unit=Unit.GRAPHEME))
    assert back == [document]
    assert report.issues == []


@given(documents(), st.sampled_from([None, *Unit]), st.sampled_from(list(Method)))
def test_the_record_is_made_without_reading_back_only_where_reading_back_gives_the_public_document(
    document: Document, unit: Unit | None, method: Method
) -> None:
    """``--record`` keeps the difference between a document and what a reader makes of its public annotations:
    where :func:`reads_back_as_written` says that is the public document itself, the writer does not read them
    back. Here they are read back, and must give exactly that."""
    options = Options(record=True, offset_unit=unit, anchoring=Anchoring(method=method))
    text = document.article.text
    public = withheld(document, None)
    skipped = reads_back_as_written(document, as_json(document)["claims"], options)
    # Generated documents hold nothing kept from reading W3C: only the unit decides.
    assert skipped == (unit in (None, Unit.CODEPOINT))
    if skipped:
        values = _Writer(public, options, LossReport(source="claimfmt", target="w3c"), text=text).values()
        rebuilt = _read_back(values, options, text)
        assert as_json(rebuilt) == as_json(public)
        assert rebuilt == public


def test_a_document_holding_what_reading_w3c_kept_is_read_back_to_make_its_record() -> None:
    """An annotation's keys the reader kept, or the shape of the file it came from, are written back as read:
    what reading them gives is not the public document, so the writer reads them back."""
    foreign = {
        "@context": ANNO_CONTEXT,
        "id": "http://example.org/collection",
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": [{
            "id": "http://example.org/collection#a1",
            "type": "Annotation",
            "ex:flag": True,
            "body": {"type": "TextualBody", "purpose": "describing", "value": "A claim."},
            "target": {"source": "http://example.org/page", "selector": QUOTE},
        }]},
    }  # fmt: skip
    (document,), _ = from_w3c(foreign)
    assert "org.w3.anno:annotation" in (document.claims[0].extensions or {})
    assert not reads_back_as_written(document, as_json(document)["claims"], RECORD)
    plain = attrs.evolve(document, claims=(attrs.evolve(document.claims[0], extensions=None),), extensions=None)
    assert reads_back_as_written(plain, as_json(plain)["claims"], RECORD)
    for one in (document, plain):
        (back,), report = from_w3c(to_w3c(one, RECORD))
        assert back == one
        assert report.issues == []


@given(json_documents())
def test_withholding_keeps_the_json_in_step_and_names_no_anonymous_source(data: dict[str, Any]) -> None:
    """Publishing renames each anonymous source in the claims' JSON as in the model: writers copy the JSON."""
    document = trusted(copy.deepcopy(data))
    public = withheld(document, None)
    assert as_json(public) == unstructure(public)
    pairs = list(withheld_claims(document, zip(document.claims, as_json(document)["claims"], strict=True)))
    assert [claim for claim, _ in pairs] == list(public.claims)
    assert [made for _, made in pairs] == [unstructure(claim) for claim in public.claims]
    hidden = {source.id for source in document.sources if source.anonymous} - {s.id for s in public.sources}
    for _, made in pairs:
        assert not _named(made) & hidden
    # The JSON alone (W3C's writer takes each claim from it), from the head alone: the same JSON.
    json_only = list(withheld_claims_json(without_claims(deferred(copy.deepcopy(data))), as_json(document)["claims"]))
    assert json_only == [made for _, made in pairs]


@given(documents())
def test_w3c_with_a_record_names_no_anonymous_source_outside_it(document: Document) -> None:
    """The record may name an anonymous source (it is what --record is for); the annotations around it may not."""
    written = to_w3c(document, RECORD)
    hidden = {s.id for s in document.sources if s.anonymous} - {s.id for s in withheld(document, None).sources}
    annotations = [item for value in written for item in _items(value)]
    assert len(annotations) == len(document.claims)
    for annotation in annotations:
        assert not _named({"attributions": annotation.get("attributions", [])}) & hidden


def _named(claim: dict[str, Any]) -> set[str]:
    """The source ids a claim's JSON cites, in its attributions and their via."""
    named = {a["source"] for a in claim["attributions"]}
    named.update(v["source"] for a in claim["attributions"] for v in a.get("via", ()))
    return named


def _items(value: dict[str, Any]) -> list[dict[str, Any]]:
    """The annotations of a W3C value: itself, or its page's items."""
    if value.get("type") == "Annotation":
        return [value]
    page = value.get("first", value)
    return [item for item in page.get("items", []) if item.get("type") == "Annotation"]


@given(documents())
def test_public_w3c_withholds_the_text_and_anonymous_sources_and_loses_only_what_it_reports(
    document: Document,
) -> None:
    report = LossReport(source="claimfmt", target="w3c")
    written = to_w3c(document, Options(), report)
    (back,), _ = from_w3c(written)
    # The native mapping alone: what comes back is the document less what publishing withholds.
    assert back == withheld(document, None)
    assert "claimfmtRecord" not in json.dumps(written)
    for value in _values(written):
        assert "text" not in value.get("article", {})
        for source in value.get("sources", ()):
            if source.get("anonymous"):
                assert set(source) <= {"id", "kind", "name", "anonymous"} and source["id"].startswith("anonymous-")
    expected = Counter()
    if document.article.text is not None:
        expected["article.text (never published)"] = 1
    for source in document.sources:
        details = (source.description, source.role, source.affiliation, source.mentions, source.external_ids)
        if source.anonymous and (any(details) or source.extensions):
            expected["anonymous sources' details (never published)"] += 1
    assert report.dropped == expected
    assert not report.recorded


def _values(written: list[Any]) -> list[dict[str, Any]]:
    """Every object of W3C output that may carry the document's terms: collections, pages, annotations."""
    found = []
    for value in written:
        found.append(value)
        if isinstance(value.get("first"), dict):
            found.append(value["first"])
    return found


@given(documents())
def test_a_standalone_page_round_trips_too(document: Document) -> None:
    shaped = attrs.evolve(document, extensions={**(document.extensions or {}), "org.w3.anno:shape": "page"})
    (page,) = to_w3c(shaped, RECORD)
    assert page["type"] == "AnnotationPage"
    assert from_w3c(page)[0] == [shaped]


@given(documents(), st.sampled_from(["http://example.org/article", "urn:isbn:0451450523"]))
def test_bare_annotations_round_trip_when_they_can_carry_the_document(document: Document, iri: str) -> None:
    bare = _bare(document, iri)
    assume(bare.claims)
    written = to_w3c(bare)
    assert len(written) == len(bare.claims)
    assert all(value["type"] == "Annotation" and "@context" in value for value in written)
    back, _ = from_w3c(written)
    assert back == [bare]


@given(documents())
def test_bare_annotations_fall_back_to_a_collection_when_they_cannot(document: Document) -> None:
    shaped = attrs.evolve(document, extensions={"org.w3.anno:shape": "annotation"}, id="doc with spaces")
    (collection,) = to_w3c(shaped)
    assert collection["type"] == "AnnotationCollection"
    (back,), _ = from_w3c(collection)
    assert back == attrs.evolve(withheld(shaped, None), extensions=None)
    # The record keeps even the shape the document was read in.
    (collection,) = to_w3c(shaped, RECORD)
    assert collection["type"] == "AnnotationCollection"
    assert from_w3c(collection)[0] == [shaped]


def test_the_seed_article_round_trips_and_is_valid_claimfmt_both_ways() -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    (back,), report = from_w3c(to_w3c(document, RECORD))
    assert back == document
    assert report.issues == []


@pytest.mark.parametrize("options", [Options(), RECORD], ids=["public", "record"])
def test_an_annotation_deleted_on_a_server_takes_its_relations_along(options: Options) -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    assert document.relations and any(r.from_ == "c2" or r.to == "c2" for r in document.relations)
    (collection,) = to_w3c(document, options)
    items = collection["first"]["items"]
    items[:] = [item for item in items if not item["id"].endswith("#c2")]
    collection["total"] = len(items)
    (back,), report = from_w3c(collection)  # the wrapper holds the JSON the reader made to the model
    assert [c.id for c in back.claims] == [c.id for c in document.claims if c.id != "c2"]
    assert back.relations == tuple(r for r in document.relations if "c2" not in (r.from_, r.to))
    assert "record-stale" in {issue.code for issue in report.issues}


_FOREIGN = [
    *(("rec-examples", p.name) for p in _suite_files("rec-examples")),
    *(("samples/correct", p.name) for p in _suite_files("samples/correct")),
]


@pytest.mark.parametrize(("folder", "name"), _FOREIGN or [("rec-examples", "absent")])
def test_w3c_to_claimfmt_to_w3c_gives_back_the_input(folder: str, name: str) -> None:
    data = json.loads(shared(*SUITE, folder, name).read_text())
    read, report = from_w3c(copy.deepcopy(data))
    assert [i for i in report.issues if i.severity is Severity.ERROR] == []
    for document in read:
        assert [i for i in claimfmt.validate(document) if i.severity is Severity.ERROR] == []
    written = [value for document in read for value in to_w3c(document)]
    assert normalise(written[0] if len(written) == 1 else written) == normalise(data)


# --- what foreign annotations become ------------------------------------------------------------------


def _rec(number: int) -> Any:
    return json.loads(shared(*SUITE, "rec-examples", f"example-{number:02d}.json").read_text())


def test_a_text_quote_annotation_becomes_a_claim_with_its_quote() -> None:
    (document,), _ = from_w3c(_rec(23))
    (claim,) = document.claims
    assert document.article.url == "http://example.org/page1"
    assert (claim.spans[0].exact, claim.spans[0].prefix, claim.spans[0].suffix) == (
        "anotation",
        "this is an ",
        " that has some",
    )
    assert claim.text == "anotation"
    # The comment it links to is not lost: it is kept, to be written back.
    assert claim.extensions["org.w3.anno:annotation"]["keys"]["body"] == "http://example.org/comment1"


def test_choice_refinements_and_several_bodies_are_read_in_order() -> None:
    (document,), _ = from_w3c(_rec(41))
    (claim,) = document.claims
    assert claim.text.startswith("I really love this particular bit")  # the describing item of the Choice
    kept = claim.extensions["org.w3.anno:annotation"]["keys"]
    assert kept["body"][0] == {"type": "TextualBody", "purpose": "tagging", "value": "love"}


@pytest.mark.parametrize("number", [4, 14, 18, 26, 27])
def test_annotations_on_images_are_reported_with_their_id_and_kept(number: int) -> None:
    data = _rec(number)
    (document,), report = from_w3c(data)
    assert document.claims == ()
    (issue,) = [i for i in report.issues if i.code == "unsupported-target"]
    assert issue.severity is Severity.WARNING and data["id"] in issue.message
    assert document.extensions["org.w3.anno:other-items"] == [{"index": 0, "value": data}]


def test_composite_list_and_independents_are_accepted_and_reported_as_non_standard() -> None:
    for number in (42, 43, 44):
        _, report = from_w3c(_rec(number))
        assert [i.code for i in report.issues][:1] == ["non-standard"]


def _annotation(**fields: Any) -> dict[str, Any]:
    return {"@context": ANNO_CONTEXT, "id": "http://example.org/anno1", "type": "Annotation", **fields}


QUOTE = {"type": "TextQuoteSelector", "exact": "the quote"}


@pytest.mark.parametrize(
    "variant",
    [
        {},  # as is
        {"type": None},  # no type
        {"@context": None},  # no context
        {"@context": "https://www.w3.org/ns/anno.jsonld"},
        {"@context": [ANNO_CONTEXT, {"ex": "http://example.org/ns#"}]},
        {"id": "#fragment"},
        {"id": "urn:uuid:0b1c3a6e-6d1e-4c3a-9f3e-2b1f7a6c5d4e"},
        {"id": "0b1c3a6e-6d1e-4c3a-9f3e-2b1f7a6c5d4e"},
        {"id": None},
    ],
)
def test_loose_annotations_are_read(variant: dict[str, Any]) -> None:
    annotation = _annotation(
        body={"type": "TextualBody", "value": "a comment"},
        target={"source": "http://example.org/page", "selector": [QUOTE]},
    )
    annotation.update(variant)
    annotation = {k: v for k, v in annotation.items() if v is not None}
    (document,), report = from_w3c(annotation)
    (claim,) = document.claims
    assert claim.spans[0].exact == "the quote"
    assert claimfmt.validate(document) == [] or all(i.severity is Severity.WARNING for i in claimfmt.validate(document))
    assert [i for i in report.issues if i.severity is Severity.ERROR] == []
    (back,) = to_w3c(document)
    # Written back in the input's own shape: no @context, type or id gained (issue 15, item 4).
    assert normalise(back) == normalise(annotation)
    # A claimfmt document of its own (not read from W3C) is always written as complete W3C.
    (fresh,) = to_w3c(attrs.evolve(document, claims=tuple(attrs.evolve(c, extensions=None) for c in document.claims)))
    assert {"@context", "id", "type"} <= set(fresh)


def test_body_value_is_a_comment_and_becomes_the_claim_text_without_a_quote() -> None:
    (document,), _ = from_w3c(_annotation(bodyValue="Comment text", target="http://example.org/target1"))
    assert document.claims[0].text == "Comment text"
    assert document.claims[0].spans == ()


def test_range_and_char_fragment_selectors_give_positions() -> None:
    article = "0123456789 the quote and more"
    text = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json").article  # only for its shape
    assert text is not None
    range_selector = {
        "type": "RangeSelector",
        "startSelector": {"type": "TextPositionSelector", "start": 11, "end": 12},
        "endSelector": {"type": "TextPositionSelector", "start": 20, "end": 21},
    }
    fragment = {"type": "FragmentSelector", "value": "char=11,20", "refinedBy": None}
    for selector in (range_selector, {k: v for k, v in fragment.items() if v is not None}):
        annotation = _annotation(
            body={"type": "TextualBody", "purpose": "describing", "value": "a claim"},
            target={"source": "http://example.org/page", "selector": [selector, QUOTE]},
        )
        (document,), _ = from_w3c(annotation)
        span = document.claims[0].spans[0]
        assert (span.start, span.end, span.exact) == (11, 20, "the quote")
        assert article[span.start : span.end] == span.exact


def test_dates_with_offsets_fractions_and_epoch_numbers_are_read() -> None:
    for given_date, expected in [
        ("2015-07-20T13:30:00+02:00", "2015-07-20T13:30:00+02:00"),
        ("2015-07-20T13:30:00.25Z", "2015-07-20T13:30:00.25Z"),
        (1437399000, "2015-07-20T13:30:00Z"),
        (1437399000000, "2015-07-20T13:30:00Z"),
    ]:
        annotation = _annotation(
            body={"type": "TextualBody", "value": "x"},
            target={
                "source": "http://example.org/page",
                "selector": QUOTE,
                "state": {"type": "TimeState", "sourceDate": given_date},
            },
        )
        (document,), _ = from_w3c(annotation)
        assert document.article.published == expected
        assert normalise(to_w3c(document)[0]) == normalise(annotation)


def _quoting(text: str) -> Document:
    """The fact-check example on ``text``, with one claim whose one span is "the quote"."""
    document = claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json")
    start = text.index("the quote")
    return attrs.evolve(
        document,
        article=attrs.evolve(document.article, text=text, text_sha256=None),
        sources=tuple(attrs.evolve(s, mentions=None) for s in document.sources),
        claims=tuple(
            attrs.evolve(c, spans=(Span(start=start, end=start + 9, exact="the quote"),), attributions=())
            for c in document.claims[:1]
        ),
        relations=None,
    )


def test_utf16_offsets_are_converted_where_the_text_is_known() -> None:
    text = "\U0001d54f caf\u00e9 \U0001f600 claims the quote here"
    start = text.index("the quote")
    document = _quoting(text)
    utf16 = Options(offset_unit=Unit.UTF16)
    written = to_w3c(document, utf16)  # the text is withheld, but the writer counts in it
    position = written[0]["first"]["items"][0]["target"]["selector"][1]
    assert position["start"] == start + 2  # two astral characters before: one more unit each
    # Read without the text, UTF-16 positions cannot be told in code points: the quote stays, and says so.
    (back,), report = from_w3c(written, utf16)
    assert back.claims[0].spans == (Span(exact="the quote"),)
    assert report.adjusted["offsets in utf16 left out (the text is not known)"] == 1
    (back,), _ = from_w3c(to_w3c(document, Options(offset_unit=Unit.UTF16, record=True)), utf16)
    assert back.claims[0].spans == document.claims[0].spans


# --- the shipped JSON-LD context -----------------------------------------------------------------------


def test_our_context_never_redefines_a_w3c_term() -> None:
    anno = json.loads(shared(*SUITE, "context", "anno.jsonld").read_text())["@context"]
    ours = jsonld_context()["@context"]
    # "assessing" is in the W3C vocabulary, but missing from the 2017 context file (W3C issue #444):
    # we define it to the same IRI the live W3C context now does.
    clashes = {term for term in ours if term in anno}
    assert clashes == set()
    assert ours["assessing"] == "http://www.w3.org/ns/oa#assessing"


def test_every_key_we_write_is_a_w3c_term_or_one_of_ours() -> None:
    anno = json.loads(shared(*SUITE, "context", "anno.jsonld").read_text())["@context"]
    ours = jsonld_context()["@context"]
    (collection,) = to_w3c(claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json"))
    assert collection["@context"] == [ANNO_CONTEXT, CLAIMFMT_CONTEXT]
    json_literal = {t for t, d in ours.items() if isinstance(d, dict) and d.get("@type") == "@json"}

    def keys(value: Any) -> set[str]:
        if isinstance(value, list):
            return set().union(*map(keys, value)) if value else set()
        if isinstance(value, dict):
            found = set(value)
            for key, inner in value.items():
                if key not in json_literal:
                    found |= keys(inner)
            return found
        return set()

    unknown = {k for k in keys(collection) if k not in anno and k not in ours and not k.startswith("@")}
    assert unknown == set()


def test_the_offset_unit_is_detected_from_the_quotes_where_the_text_is_known() -> None:
    document = _quoting("\U0001f600\U0001f600 then the quote here")
    written = to_w3c(document, Options(offset_unit=Unit.UTF16))  # as a browser tool would count
    written[0]["article"]["text"] = document.article.text  # a file that carries the text (ours withhold it)
    (back,), report = from_w3c(written)  # no unit given
    assert back.claims[0].spans == document.claims[0].spans
    assert [i.code for i in report.issues] == ["offset-unit-detected"]


def _loader() -> Any:
    """A JSON-LD document loader that serves the two contexts from files and refuses the network."""
    contexts = {
        ANNO_CONTEXT: json.loads(shared(*SUITE, "context", "anno.jsonld").read_text()),
        CLAIMFMT_CONTEXT: jsonld_context(),
    }

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url not in contexts:
            raise AssertionError(f"a JSON-LD processor would fetch {url}")
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    return load


def _through_a_jsonld_processor(value: dict[str, Any]) -> dict[str, Any]:
    from pyld import jsonld

    options = {"documentLoader": _loader()}
    expanded = jsonld.expand(value, options)
    compacted: dict[str, Any] = jsonld.compact(expanded, {"@context": value["@context"]}, options)
    return compacted


@pytest.mark.parametrize("name", ["seed-article", "fact-check-with-history", "text-withheld"])
def test_a_jsonld_processor_reads_every_term_we_write(name: str) -> None:
    # Expansion drops terms no context defines; compacting back must give our output again.
    (collection,) = to_w3c(claimfmt.load(EXAMPLES / f"{name}.claimfmt.json"))
    again = _through_a_jsonld_processor(collection)
    assert normalise(again) == normalise(collection)


@settings(max_examples=15)
@given(documents())
def test_a_jsonld_processor_reads_generated_documents_too(document: Document) -> None:
    (collection,) = to_w3c(document)
    assert normalise(_through_a_jsonld_processor(collection)) == normalise(collection)


def test_the_worked_example_in_the_docs_is_what_the_converter_writes() -> None:
    from .conftest import ROOT

    page = (ROOT / "docs" / "w3c.md").read_text()
    block = page.split("<!-- example: seed-article c5 -->", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    (collection,) = to_w3c(claimfmt.load(EXAMPLES / "seed-article.claimfmt.json"))
    (annotation,) = [a for a in collection["first"]["items"] if a["id"].endswith("#c5")]
    assert json.loads(block) == annotation


def test_a_hypothesis_style_export_in_utf16_without_the_text_keeps_quotes_and_the_target() -> None:
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "id": "https://hypothes.is/a/kY8vBv0FEe6dXjdnFBwMLQ",
        "created": "2024-03-01T10:15:31.281364+00:00",
        "creator": "acct:reader@hypothes.is",
        "body": [
            {"type": "TextualBody", "value": "Says who?", "format": "text/markdown"},
            {"type": "TextualBody", "purpose": "tagging", "value": "needs-source"},
        ],
        "target": [
            {
                "source": "https://news.example.org/story",
                "selector": [
                    {
                        "type": "RangeSelector",
                        "startSelector": {"type": "XPathSelector", "value": "/main[1]/p[3]"},
                        "endSelector": {"type": "XPathSelector", "value": "/main[1]/p[3]"},
                        "startOffset": 0,
                        "endOffset": 29,
                    },
                    {"type": "TextPositionSelector", "start": 1204, "end": 1233},
                    {
                        "type": "TextQuoteSelector",
                        "exact": "\U0001f4c8 prices fell by 40%",
                        "prefix": "said ",
                        "suffix": ".",
                    },
                ],
            }
        ],
    }
    (document,), report = from_w3c(annotation, Options(offset_unit=Unit.UTF16))
    (claim,) = document.claims
    span = claim.spans[0]
    assert (span.exact, span.start, span.prefix) == ("\U0001f4c8 prices fell by 40%", None, "said ")
    assert claim.text == "\U0001f4c8 prices fell by 40%"
    assert report.adjusted == {"offsets in utf16 left out (the text is not known)": 1}
    assert normalise(to_w3c(document)[0]) == normalise(annotation)


def test_a_target_with_selectors_and_no_source_keeps_its_quote_and_position() -> None:
    """Issue 15, item 3: the selection is in the resource the annotation is about, unnamed."""
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno1",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Troy is a city"},
        "target": {
            "selector": [
                {"type": "TextQuoteSelector", "exact": "Troy"},
                {"type": "TextPositionSelector", "start": 124, "end": 128},
            ]
        },
    }
    (document,), report = from_w3c(annotation)
    (claim,) = document.claims
    assert claim.spans == (Span(start=124, end=128, exact="Troy"),)
    assert not report.issues
    assert normalise(to_w3c(document)[0]) == normalise(annotation)  # written back as it was read


def test_an_image_region_with_no_source_is_reported_not_made_a_claim() -> None:
    region = {
        "type": "FragmentSelector",
        "conformsTo": "http://www.w3.org/TR/media-frags/",
        "value": "xywh=10,10,50,50",
    }
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno3",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "a face"},
        "target": {"selector": region},
    }
    (document,), report = from_w3c(annotation)
    assert document.claims == ()
    assert [i.code for i in report.issues] == ["unsupported-target"]
    assert normalise(to_w3c(document)[0]) == normalise(annotation)  # kept verbatim, written back


def test_a_refinement_chain_gives_the_innermost_quote() -> None:
    (document,), _ = from_w3c(_rec(29))
    assert document.claims[0].spans[0].exact == "Selected Text"


def test_iri_or_object_and_scalar_or_array_read_alike() -> None:
    def variant(source: Any, body: Any, selector: Any) -> Document:
        annotation = _annotation(body=body, target=[{"source": source, "selector": selector}])
        (document,), _ = from_w3c(annotation)
        return document

    plain = variant("http://example.org/page", {"type": "TextualBody", "value": "c"}, QUOTE)
    wrapped = variant(
        {"id": "http://example.org/page", "type": "Text"}, [{"type": "TextualBody", "value": "c"}], [QUOTE]
    )
    assert plain.article.url == wrapped.article.url == "http://example.org/page"
    assert [c.spans for c in plain.claims] == [c.spans for c in wrapped.claims]


def test_a_nested_context_and_unknown_keys_in_a_collection_come_back() -> None:
    collection = {
        "@context": [ANNO_CONTEXT, {"ex": "http://example.org/ns#"}],
        "id": "http://example.org/collection",
        "type": "AnnotationCollection",
        "ex:curator": "someone",
        "first": {
            "type": "AnnotationPage",
            "items": [
                {
                    "@context": {"ex2": "http://example.org/other#"},
                    "id": "http://example.org/collection#a1",
                    "type": "Annotation",
                    "ex2:flag": True,
                    "body": {"type": "TextualBody", "purpose": "describing", "value": "A claim."},
                    "target": {"source": "http://example.org/page", "selector": QUOTE},
                }
            ],
        },
    }
    (document,), report = from_w3c(collection)
    assert document.claims[0].text == "A claim."
    assert document.claims[0].extensions["org.w3.anno:annotation"]["keys"]["ex2:flag"] is True
    assert report.parked["AnnotationCollection.ex:curator"] == 1
    (written,) = to_w3c(document)
    # The page had no id: W3C wants one, so one is made up; everything else comes back.
    assert written["first"].pop("id") == "http://example.org/collection#~page1"
    assert normalise(written) == normalise(collection)


_W3C_KEYS = st.sampled_from(
    ["id", "type", "body", "bodyValue", "target", "source", "selector", "state", "exact", "prefix", "start", "end",
     "value", "purpose", "items", "refinedBy", "startSelector", "endSelector", "sourceDate", "claimDate",
     "confidence", "extensions", "attributions", "verificationState", "first", "total"]
)  # fmt: skip
_W3C_TYPES = st.sampled_from(
    ["Annotation", "AnnotationPage", "AnnotationCollection", "SpecificResource", "TextualBody", "Choice",
     "TextQuoteSelector", "TextPositionSelector", "RangeSelector", "FragmentSelector", "SvgSelector", "TimeState",
     "Composite", "Image"]
)  # fmt: skip
# JSON values, as a file holds them (an infinity is no JSON: a document's JSON holds null for it).
_W3C_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | _W3C_TYPES
    | st.sampled_from(["char=1,3", "xywh=1,2,3,4", "describing", "assessing", "http://e.org/p"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(_W3C_KEYS, inner, max_size=5)
        | st.builds(lambda d, t: {**d, "type": t}, st.dictionaries(_W3C_KEYS, inner, max_size=4), _W3C_TYPES)
    ),
    max_leaves=25,
)


def _shapeless(document: Document) -> Document:
    extensions = {k: v for k, v in (document.extensions or {}).items() if k != "org.w3.anno:shape"}
    return attrs.evolve(document, extensions=extensions or None)


@example([{"target": [{"id": None, "source": None}, "0"]}])  # an article IRI that is not a URI, in a collection
@given(st.lists(st.dictionaries(_W3C_KEYS, _W3C_VALUES, max_size=8), min_size=1, max_size=4))
def test_any_json_is_read_without_a_crash_into_valid_documents(values: list[dict[str, Any]]) -> None:
    documents_read, report = from_w3c(values)
    for document in documents_read:
        assert [i.format() for i in claimfmt.validate(document) if i.severity is Severity.ERROR] == []
        again, _ = from_w3c(to_w3c(document))
        # Bare annotations that cannot carry their document are written as a collection: same content.
        assert [_shapeless(d) for d in again] == [_shapeless(document)]
    assert all(issue.code for issue in report.issues)


def test_a_hypothesis_api_response_is_read_as_its_rows_never_as_an_empty_success(tmp_path: Path) -> None:
    """Hypothes.is search results (``{"total", "rows"}``, rows with TextQuote/TextPosition selectors)."""
    sample = Path(__file__).parent / "cases" / "readers" / "w3c" / "hypothesis-api-response.json"
    out = tmp_path / "out.json"
    report = claimfmt.convert([sample], source_format="w3c", target_format="claimfmt", output=out)
    assert not report.failed and [i.code for i in report.issues] == ["non-standard"]
    (document,) = claimfmt.iter_documents(out)
    assert [[s.exact for s in c.spans] for c in document.claims] == [["the bridge was closed"], ["traffic fell"]]
    assert report.dropped["API response.total (a count, not data)"] == 1
    assert "acct:alice@hypothes.is" in out.read_text(encoding="utf-8")  # the row's own keys are kept


def _cli_round_trip(tmp_path: Path, value: Any, name: str = "in.json") -> Any:
    source, middle, back = tmp_path / name, tmp_path / f"{name}.claimfmt.json", tmp_path / f"{name}.back.json"
    source.write_text(json.dumps(value), encoding="utf-8")
    assert claimfmt.cli.main(["convert", str(source), "--from", "w3c", "--to", "claimfmt", "-o", str(middle)]) == 0
    assert claimfmt.cli.main(["convert", str(middle), "--from", "claimfmt", "--to", "w3c", "-o", str(back)]) == 0
    return json.loads(back.read_text(encoding="utf-8")), json.loads(middle.read_text(encoding="utf-8"))


LOOSE = [
    _annotation(
        body={"type": "TextualBody", "value": "one"}, target={"source": "http://example.org/p", "selector": QUOTE}
    ),
    _annotation(
        id="http://example.org/anno2", body="two", target={"source": "http://example.org/p", "selector": QUOTE}
    ),
    {"id": "{{ id.url }}", "body": "three", "target": {"source": "http://example.org/q", "selector": QUOTE}},
    {"body": "four", "target": {"selector": [QUOTE, {"type": "TextPositionSelector", "start": 3, "end": 12}]}},
]


@pytest.mark.parametrize(
    "value", [LOOSE, LOOSE[:1], LOOSE[2], LOOSE[3]], ids=["array", "array of one", "bare", "no source"]
)
def test_w3c_comes_back_in_the_input_shape(tmp_path: Path, value: Any) -> None:
    """Issue 15, item 4: an array stays an array (of one too), bare stays bare, nothing gains @context/id/type."""
    back, _ = _cli_round_trip(tmp_path, value)
    assert back == value


def test_made_up_document_ids_differ_between_inputs(tmp_path: Path) -> None:
    ids = []
    for n, text in enumerate(["first", "second"]):
        annotation = {"body": text, "target": {"selector": QUOTE}}
        _, middle = _cli_round_trip(tmp_path, annotation, name=f"f{n}.json")
        ids.append(middle["id"])
    assert ids[0] != ids[1] and all(i.startswith("w3c-") for i in ids)


_OTHER_ITEMS = st.lists(
    st.fixed_dictionaries({"index": st.integers(0, 5), "value": st.fixed_dictionaries({"type": st.just("Thing")})}),
    max_size=3,
)


@given(documents(), st.sampled_from(["collection", "page"]), _OTHER_ITEMS, st.booleans())
def test_a_collection_written_an_annotation_at_a_time_is_written_as_a_whole_one(
    document: Document, shape: str, others: list[dict[str, Any]], jsonl: bool
) -> None:
    """A page of many annotations is written as they are made: the bytes are those of writing it whole."""
    import io

    import claimfmt.writing as writing
    from claimfmt.converters.w3c import W3C
    from claimfmt.converters.w3c.terms import _OTHER, _SHAPE

    extensions = {**(document.extensions or {}), _SHAPE: shape, **({_OTHER: others} if others else {})}
    document = attrs.evolve(document, extensions=extensions)
    whole = io.BytesIO()
    writing.write_json_values(whole, to_w3c(document), jsonl=jsonl)
    was, writing.STREAMED_CLAIMS = writing.STREAMED_CLAIMS, -1
    try:
        values = list(W3C().write_records([document], Options(), LossReport(source="claimfmt", target="w3c")))
        assert [type(value) for value in values] == [writing.Streamed]
        streamed = io.BytesIO()
        writing.write_json_values(streamed, values, jsonl=jsonl)
    finally:
        writing.STREAMED_CLAIMS = was
    assert streamed.getvalue() == whole.getvalue()
