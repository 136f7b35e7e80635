"""Round trips over generated documents: model -> JSON -> model, and schema JSON -> model -> JSON."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt.issues import Severity
from claimfmt.model import Document
from claimfmt.reading import document_from_json
from claimfmt.schema_check import reference_validator
from claimfmt.structuring import structure, unstructure
from claimfmt.testing import documents, from_schema
from claimfmt.versions import upgrade

CURRENT = claimfmt.CURRENT_VERSION


@given(documents())
def test_model_to_json_to_model_is_the_identity(document: Document) -> None:
    text = claimfmt.dumps(document)
    data = orjson.loads(text)
    assert data["claimfmt"] == CURRENT
    assert reference_validator(CURRENT).is_valid(data), next(reference_validator(CURRENT).iter_errors(data)).message
    assert [i for i in claimfmt.validate(data) if i.severity is Severity.ERROR] == []
    assert claimfmt.loads(text) == document


@given(from_schema(claimfmt.schema(CURRENT)))
def test_schema_generated_json_to_model_to_json_is_equal(data: dict[str, Any]) -> None:
    assert reference_validator(CURRENT).is_valid(data)
    assert unstructure(structure(data)) == data


@given(from_schema(claimfmt.schema("1.0")))
def test_a_1_0_document_reads_as_its_upgrade(data: dict[str, Any]) -> None:
    assert reference_validator("1.0").is_valid(data)
    upgraded = upgrade(data)
    assert reference_validator(CURRENT).is_valid(upgraded)
    assert unstructure(document_from_json(data)) == upgraded


@given(documents(), st.booleans())
def test_write_and_read_a_corpus_gives_back_the_documents(document: Document, jsonl: bool) -> None:
    import io

    buffer = io.BytesIO()
    claimfmt.write_documents(buffer, [document, document], jsonl=jsonl)
    buffer.seek(0)
    assert list(claimfmt.iter_documents(buffer)) == [document, document]


@given(documents(text=False))
def test_withheld_text_documents_use_quote_spans_and_a_hash(document: Document) -> None:
    assert document.article.text is None
    assert document.article.text_sha256 is not None
    assert claimfmt.loads(claimfmt.dumps(document, indent=True)) == document
