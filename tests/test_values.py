"""Values readers and writers check before they map them: URIs."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st
from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

import claimfmt
from claimfmt.converters.values import _USUAL_URI, is_uri

# Near-URIs: a scheme, then characters URIs hold and some they do not (a space, a bracket, a stray %, non-ASCII).
_NEAR = st.from_regex(r"[a-zA-Z][a-zA-Z0-9+.-]{0,5}:(//)?[a-z0-9.:@%/?#\[\] é-]{0,30}", fullmatch=True)


@given(st.from_regex(_USUAL_URI, fullmatch=True))
def test_what_the_quick_rule_takes_rfc3986s_rule_takes(text: str) -> None:
    assert validate_rfc3986(text, rule="URI")


@given(st.one_of(st.text(), _NEAR, st.from_regex(_USUAL_URI, fullmatch=True)))
@example("https://example.org/a%20b?q=1#top")
@example("https://example.org/a%zz")
@example("https://[::1]:8080/x")
@example("mailto:someone@example.org")
@example("https://example.org/\n")
def test_a_uri_is_what_rfc3986s_rule_says(text: str) -> None:
    # The rule's pattern ends in `$`, which matches before a final newline; the schema's format check does not.
    assert is_uri(text) == (bool(validate_rfc3986(text, rule="URI")) and not text.endswith("\n"))


def test_a_url_ending_in_a_newline_is_kept_not_made_an_invalid_document(tmp_path: Path) -> None:
    record = {"claim": "Taxes will fall.", "label": "Refuted", "original_claim_url": "https://example.org/a\n"}
    source, out = tmp_path / "averitec.json", tmp_path / "out.jsonl"
    source.write_text(json.dumps([record]))
    report = claimfmt.convert([source], source_format="averitec", target_format="claimfmt", output=out)
    assert not report.failed, [i.format() for i in report.issues]
    (document,) = claimfmt.iter_documents(out)
    assert document.article.url is None
    back = tmp_path / "back.json"
    claimfmt.convert([out], source_format="claimfmt", target_format="averitec", output=back)
    assert json.loads(back.read_text())["original_claim_url"] == "https://example.org/a\n"  # one record: bare


def test_a_w3c_source_ending_in_a_newline_is_kept_not_made_an_invalid_document(tmp_path: Path) -> None:
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Taxes will fall", "purpose": "describing"},
        "target": {"source": "https://example.org/a\n", "selector": {"type": "TextQuoteSelector", "exact": "fall"}},
    }
    source, out = tmp_path / "annotation.json", tmp_path / "out.jsonl"
    source.write_text(json.dumps(annotation))
    report = claimfmt.convert([source], source_format="w3c", target_format="claimfmt", output=out)
    assert not report.failed, [i.format() for i in report.issues]
    (document,) = claimfmt.iter_documents(out)
    assert document.article.url is None
    assert document.article.extensions == {"org.w3.anno:source": "https://example.org/a\n"}


def test_a_document_id_ending_in_a_newline_is_not_made_the_w3c_collections_iri(tmp_path: Path) -> None:
    # An annotation server takes a collection's id as its IRI: one ending in a newline is none, so the
    # collection gets a name-based URN and the id goes in documentId.
    document = {"claimfmt": "1.1", "id": "https://example.org/a\n", "article": {"text": "Taxes will fall."}}
    source, out = tmp_path / "document.json", tmp_path / "out.jsonl"
    source.write_text(json.dumps({**document, "sources": [], "claims": []}))
    claimfmt.convert([source], source_format="claimfmt", target_format="w3c", output=out)
    collection = json.loads(out.read_text())
    assert is_uri(collection["id"]) and collection["id"].startswith("urn:uuid:")
    assert collection["documentId"] == "https://example.org/a\n"
    back = tmp_path / "back.json"
    claimfmt.convert([out], source_format="w3c", target_format="claimfmt", output=back)
    assert json.loads(back.read_text())["id"] == "https://example.org/a\n"
