"""The HTML view: what the page is given (span marks in UTF-16, issues tied to claims), escaping, and the CLI."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given

import claimfmt
from claimfmt.cli import main
from claimfmt.model import Document, Span
from claimfmt.testing import documents
from claimfmt.view import render_html, view_model

from .conftest import EXAMPLES

SEED = EXAMPLES / "seed-article.claimfmt.json"


def _blocks(page: str) -> dict[str, Any]:
    """The JSON blocks of a page, by id, read as the browser reads them."""
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S)
    return {ident: json.loads(body) for ident, body in found}


def _claim_marks(model: dict[str, Any], claim_id: str) -> list[dict[str, Any]]:
    return [m for m in model["marks"] if m["kind"] == "claim" and m["ref"] == claim_id]


def test_every_placed_span_is_a_mark_in_utf16_units_over_its_quote() -> None:
    seed = claimfmt.load(SEED)
    model = view_model(seed)
    text = seed.article.text
    assert text is not None
    utf16 = text.encode("utf-16-le")
    for claim in seed.claims:
        marks = _claim_marks(model, claim.id)
        assert len(marks) == len(claim.spans)
        for mark, span in zip(marks, claim.spans, strict=True):
            assert utf16[2 * mark["s"] : 2 * mark["e"]].decode("utf-16-le") == span.exact
            assert "bad" not in mark
    kinds = {m["kind"] for m in model["marks"]}
    assert kinds == {"claim", "source", "cue", "hedge"}


@given(documents(text=True))
def test_generated_marks_cover_their_quotes_in_the_units_a_browser_counts(document: Document) -> None:
    model = view_model(document)
    text = document.article.text or ""
    utf16 = text.encode("utf-16-le", "surrogatepass")
    spans = [
        s
        for c in document.claims
        for s in c.spans
        if s.start is not None and s.end is not None and 0 <= s.start <= s.end <= len(text)
    ]
    claim_marks = [m for m in model["marks"] if m["kind"] == "claim"]
    assert len(claim_marks) == len(spans)
    for mark, span in zip(claim_marks, spans, strict=True):
        found = utf16[2 * mark["s"] : 2 * mark["e"]].decode("utf-16-le", "surrogatepass")
        assert found == text[span.start : span.end]
        assert ("bad" in mark) == (found != span.exact)
    json.dumps(model)  # plain JSON for the page


def test_a_quote_that_does_not_match_is_marked_and_one_outside_the_text_is_listed() -> None:
    seed = claimfmt.load(SEED)
    first, second = seed.claims[0], seed.claims[1]
    wrong = attrs.evolve(first.spans[0], exact="not what the text says")
    outside = Span(start=10**6, end=10**6 + 3, exact="far")
    document = attrs.evolve(
        seed,
        claims=(
            attrs.evolve(first, spans=(wrong,)),
            attrs.evolve(second, spans=(outside,)),
            *seed.claims[2:],
        ),
    )
    issues = claimfmt.validate(document)
    model = view_model(document, issues)
    (bad,) = _claim_marks(model, first.id)
    assert "not what the text says" in bad["bad"]
    assert model["unplaced"] == [{"kind": "claim", "ref": second.id, "exact": "far", "part": 0}]
    assert {i["claim"] for i in model["issues"] if "claim" in i} == {first.id, second.id}


def test_a_withheld_text_gives_no_marks_and_the_quotes_stay_in_the_document() -> None:
    document = claimfmt.load(EXAMPLES / "text-withheld.claimfmt.json")
    model = view_model(document)
    assert model["marks"] == [] and model["document"]["article"].get("text") is None
    assert all(claim["spans"] for claim in model["document"]["claims"])


def test_text_that_looks_like_markup_or_a_placeholder_stays_data() -> None:
    seed = claimfmt.load(SEED)
    hostile = '</script><script>window.pwned = 1</script> & "quotes" {{index}} /*{{js}}*/ \u2028'
    document = attrs.evolve(
        seed,
        id="{{documents}}",
        article=attrs.evolve(seed.article, title=hostile, text=hostile + (seed.article.text or "")),
        sources=tuple(attrs.evolve(s, mentions=None) for s in seed.sources),
        claims=tuple(
            attrs.evolve(c, text=hostile, spans=(Span(exact="</script>"),), attributions=()) for c in seed.claims
        ),
        relations=None,
    )
    page = render_html([(document, [])], title=hostile)
    # The only script elements are the page's own: the index, one document, and the code.
    assert page.count("<script") == 3 and page.count("</script>") == 3
    assert f"<title>{html.escape(hostile)}</title>" in page
    blocks = _blocks(page)
    assert blocks["claimfmt-index"][0]["title"] == hostile
    assert blocks["claimfmt-doc-0"]["document"]["article"]["title"] == hostile
    assert blocks["claimfmt-doc-0"]["document"]["id"] == "{{documents}}"


def test_a_corpus_page_carries_each_document_in_its_own_block() -> None:
    seed = claimfmt.load(SEED)
    others = [attrs.evolve(seed, id=f"doc-{n}") for n in range(3)]
    blocks = _blocks(render_html([(d, []) for d in others]))
    assert [entry["id"] for entry in blocks["claimfmt-index"]] == ["doc-0", "doc-1", "doc-2"]
    assert [blocks[f"claimfmt-doc-{n}"]["document"]["id"] for n in range(3)] == ["doc-0", "doc-1", "doc-2"]


def test_show_html_writes_the_page_and_invalid_input_still_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "view.html"
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"claimfmt": "1.0"}\n', encoding="utf-8")
    assert main(["show", str(SEED), "--html", "-o", str(out)]) == 0
    assert _blocks(out.read_text(encoding="utf-8"))["claimfmt-index"][0]["id"] == claimfmt.load(SEED).id
    assert main(["show", str(SEED), str(broken), "--html", "-o", str(out)]) == 1
    assert "missing-key" in capsys.readouterr().err
    assert len(_blocks(out.read_text(encoding="utf-8"))["claimfmt-index"]) == 1


def test_show_o_without_html_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SEED), "-o", str(tmp_path / "x.html")]) == 2
    assert "-o FILE goes with --html" in capsys.readouterr().err


def test_view_writes_a_page_and_opens_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    out = tmp_path / "seed.html"
    assert main(["view", str(SEED), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out.resolve())
    assert opened == [out.resolve().as_uri()] and out.stat().st_size > 0
    assert main(["view", str(SEED), "--no-open"]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.name.startswith("claimfmt-view-") and written.read_text(encoding="utf-8").startswith("<!DOCTYPE")
    written.unlink()
    assert len(opened) == 1
