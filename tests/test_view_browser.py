"""The HTML view in a real browser: Debian's headless Chromium, driven by Playwright.

``make test`` installs Chromium first (``make browser``: Debian's ``chromium``
package). Run without it, these tests skip and say how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimfmt
from claimfmt.model import Document, Span
from claimfmt.testing import documents
from claimfmt.view import HEADLESS_CHROMIUM_FLAGS, render_html

from .conftest import EXAMPLES

CHROMIUM = os.environ.get("CLAIMFMT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes advise for a closed network: no background connections, a fresh profile.
FLAGS = list(HEADLESS_CHROMIUM_FLAGS)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}: `make browser` installs Debian's chromium"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


def _open(browser: Any, folder: Path, documents: list[Document]) -> Any:
    path = folder / "view.html"
    path.write_text(render_html([(d, claimfmt.validate(d)) for d in documents]), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_selector("#details")
    page.errors = errors  # what the page's script threw, checked by each test
    return page


def _highlighted(page: Any, claim_id: str) -> str:
    """The text the page highlights for a claim: its pieces, in order."""
    return page.evaluate(  # type: ignore[no-any-return]
        "(id) => [...document.querySelectorAll('#text .seg')]"
        ".filter((n) => (n.dataset.claims || '').split(' ').includes(id)).map((n) => n.textContent).join('')",
        claim_id,
    )


def _expected(document: Document, claim_id: str) -> str:
    """The text under a claim's spans that are in the text: every code point any of them covers, in order."""
    text = document.article.text or ""
    claim = next(c for c in document.claims if c.id == claim_id)
    covered = sorted(
        {
            i
            for span in claim.spans
            if span.start is not None and span.end is not None and 0 <= span.start <= span.end <= len(text)
            for i in range(span.start, span.end)
        }
    )
    return "".join(text[i] for i in covered)


def test_revisions_are_marked_superseded_and_a_concurrent_review_stands(browser: Any, tmp_path: Path) -> None:
    document = claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json")
    claim = next(c for c in document.claims if len(c.verifications or ()) > 1)
    page = _open(browser, tmp_path, [document])
    page.locator(f'#claims-list [data-claim="{claim.id}"]').click()
    shown = page.locator(f'#details [data-shown-claim="{claim.id}"] dl.verification')
    assert shown.count() == len(claim.verifications or ())
    superseded = page.locator(f'#details [data-shown-claim="{claim.id}"] dl.verification.superseded')
    assert superseded.count() == len(claim.verifications or ()) - len(claim.current())
    for verification in claim.current():
        assert verification.assessed_by is not None
        assert verification.assessed_by in shown.nth((claim.verifications or ()).index(verification)).inner_text()
    # The claim list and the summary take the state of the latest assessment that stands.
    assert claim.state().value in page.locator(f'#claims-list [data-claim="{claim.id}"]').inner_text()


def test_the_seed_highlights_every_claim_with_its_quote_and_a_click_shows_its_account(
    browser: Any, tmp_path: Path
) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    page = _open(browser, tmp_path, [seed])
    for claim in seed.claims:
        assert _highlighted(page, claim.id) == "".join(span.exact for span in claim.spans)
    claim = next(c for c in seed.claims if c.verifications and len(c.attributions) > 1)
    own = page.locator(f'#text .seg[data-claims="{claim.id}"]').first
    own.click()
    details = page.locator(f'#details [data-shown-claim="{claim.id}"]')
    assert details.count() == 1
    assert details.locator(".attribution").count() == len(claim.attributions)
    for attribution in claim.attributions:
        source = seed.source(attribution.source)
        assert source is not None
        assert (source.name or source.description or source.id) in details.inner_text()
    assert claim.verifications and all(v.state.value in details.inner_text() for v in claim.verifications)
    assert "[object" not in details.inner_text()  # every value drawn as text, none as a stringified node
    assert page.locator("#text .selected").count() >= 1
    page.keyboard.press("j")  # the next claim, from the keyboard
    index = [c.id for c in seed.claims].index(claim.id)
    assert page.locator(f'#details [data-shown-claim="{seed.claims[index + 1].id}"]').count() == 1
    for each in seed.claims:  # every claim's account: cues, hedges and via as text
        page.locator(f'#claims-list [data-claim="{each.id}"]').click()
        account = page.locator("#details").inner_text()
        assert "[object" not in account
        for attribution in each.attributions:
            words = [h.text for h in attribution.hedges or ()] + ([attribution.cue.exact] if attribution.cue else [])
            assert all(word in account for word in words), each.id
    shot = tmp_path / "seed.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000 and shot.read_bytes().startswith(b"\x89PNG")
    assert page.errors == []


def test_clicking_a_source_shows_what_it_says(browser: Any, tmp_path: Path) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    page = _open(browser, tmp_path, [seed])
    source = next(s for s in seed.sources if s.anonymous)
    page.locator(f'#sources-list [data-source="{source.id}"]').click()
    shown = page.locator(f'#details [data-shown-source="{source.id}"]')
    says = [
        c
        for c in seed.claims
        if any(a.source == source.id or source.id in {v.source for v in a.via or ()} for a in c.attributions)
    ]
    assert shown.locator("li").count() == len(says) and "anonymous" in shown.inner_text()
    assert "[object" not in shown.inner_text() and (source.description or "") in shown.inner_text()
    assert page.errors == []


def test_markup_in_the_text_is_shown_never_run(browser: Any, tmp_path: Path) -> None:
    hostile = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & "quoted" '
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    text = hostile + "the claim"
    start = text.index("the claim")
    document = Document(
        claimfmt="1.1",
        id="hostile",
        article=attrs.evolve(seed.article, title=hostile, text=text, text_sha256=None),
        sources=(),
        claims=(
            attrs.evolve(
                seed.claims[0],
                text=hostile,
                spans=(
                    Span(start=0, end=len(hostile), exact=hostile),
                    Span(start=start, end=len(text), exact="the claim"),
                ),
                attributions=(),
            ),
        ),
    )
    page = _open(browser, tmp_path, [document])
    assert page.evaluate("window.pwned") is None
    assert page.locator("#text").inner_text().startswith(hostile.rstrip())
    assert _highlighted(page, document.claims[0].id) == hostile + "the claim"
    assert page.locator("#claims-list button").inner_text().endswith(hostile.strip())
    assert page.errors == []


def test_right_to_left_and_astral_text_are_highlighted_where_the_quotes_are(browser: Any, tmp_path: Path) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    text = "قال المتحدث \U0001d54f إن \U0001f600 الجيش انسحب من المدينة"
    quote = "الجيش انسحب"
    start = text.index(quote)
    document = Document(
        claimfmt="1.1",
        id="rtl",
        article=attrs.evolve(seed.article, title=None, language="ar", text=text, text_sha256=None),
        sources=(),
        claims=(
            attrs.evolve(
                seed.claims[0], spans=(Span(start=start, end=start + len(quote), exact=quote),), attributions=()
            ),
        ),
    )
    page = _open(browser, tmp_path, [document])
    assert _highlighted(page, document.claims[0].id) == quote
    assert page.locator("#text").get_attribute("dir") == "auto" and page.locator("#text").get_attribute("lang") == "ar"
    assert page.errors == []


def test_a_withheld_text_lists_the_quotes_with_the_claim(browser: Any, tmp_path: Path) -> None:
    document = claimfmt.load(EXAMPLES / "text-withheld.claimfmt.json")
    page = _open(browser, tmp_path, [document])
    assert "withheld" in page.locator("#text").inner_text()
    claim = document.claims[0]
    page.locator(f'#claims-list [data-claim="{claim.id}"]').press("Enter")  # the keyboard, not the mouse
    assert claim.spans[0].exact in page.locator("#details").inner_text()
    assert page.errors == []


def test_an_invalid_document_shows_its_issues_and_marks_the_span(browser: Any, tmp_path: Path) -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    first = seed.claims[0]
    wrong = attrs.evolve(first, spans=(attrs.evolve(first.spans[0], exact="not the text"),))
    document = attrs.evolve(seed, claims=(wrong, *seed.claims[1:]))
    page = _open(browser, tmp_path, [document])
    assert page.locator(f'#text .seg.bad[data-claims~="{first.id}"]').count() >= 1
    page.locator(f'#claims-list [data-claim="{first.id}"]').click()
    details = page.locator("#details").inner_text()
    assert "not the text" in details and "span-" in details  # the issue's code, beside the claim
    assert page.errors == []


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(corpus=st.lists(documents(text=True), min_size=2, max_size=4))
def test_a_generated_corpus_highlights_every_claim_in_every_document(
    browser: Any, tmp_path_factory: Any, corpus: list[Document]
) -> None:
    page = _open(browser, tmp_path_factory.mktemp("view"), corpus)
    try:
        for n, document in enumerate(corpus):
            page.locator("#documents button").nth(n).click()
            for claim in document.claims:
                assert _highlighted(page, claim.id) == _expected(document, claim.id), claim.id
        page.fill("#search", corpus[-1].id)
        assert page.locator("#documents button").count() >= 1
        assert page.errors == []
    finally:
        page.close()
