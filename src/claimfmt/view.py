"""A standalone HTML view of documents: the text with every span highlighted, and each claim's account.

:func:`render_html` writes one self-contained page (CSS and script inline, nothing
fetched) for one document or a whole corpus. Each document travels as its own
JSON block, parsed only when it is opened, so a corpus of thousands of documents
opens at once; the page lists them with a search box and pages.

Python does what needs care: span positions are given in UTF-16 units (what a
browser's strings count, so astral characters land right), each span is checked
against the text (a quote that does not match is marked, never hidden), and each
validation issue is tied to the claim or source its JSON pointer names. The
script draws: it cuts the text at every span boundary and gives each piece the
kinds and ids of all spans over it, so overlapping and discontinuous spans never
break the markup, and it sets every string as text, never as HTML.
"""

from __future__ import annotations

import html
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from typing import Any

from claimfmt import jsontext
from claimfmt.converters.offsets import OffsetMap, Unit
from claimfmt.issues import Issue
from claimfmt.model import Document, Span
from claimfmt.structuring import unstructure
from claimfmt.summary import corpus_stats

__all__ = ["HEADLESS_CHROMIUM_FLAGS", "render_html", "view_model"]

JSON = Any
#: How to start Chromium headless on a machine with a closed network (no background connections), for the
#: view's browser tests and benchmark.
HEADLESS_CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Inside <script type="application/json"> only "</script" (and "<!--") could end or confuse the block; escaping
# every <, > and & as JSON escapes keeps the content inert whatever the text holds. U+2028/9 are escaped for
# older script parsers.
_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_PLACEHOLDER = re.compile(r"/\*\{\{(\w+)\}\}\*/|\{\{(\w+)\}\}")
_CLAIM = re.compile(r"^/claims/(\d+)")
_SOURCE = re.compile(r"^/sources/(\d+)")


def view_model(document: Document, issues: Sequence[Issue] = ()) -> dict[str, JSON]:
    """What the page needs of one document: the document, its span marks, its issues and its summary.

    A mark is ``{"s", "e", "kind", "ref", ...}`` with ``s``/``e`` in UTF-16 units;
    ``kind`` is ``claim``, ``source``, ``cue`` or ``hedge``, and ``ref`` the claim
    (or source) id. A span whose offsets fall outside the text is not drawn but
    listed (``unplaced``); one whose quote differs from the text it covers is drawn
    with ``bad`` saying so.
    """
    text = document.article.text
    units = OffsetMap(text) if text is not None else None
    marks: list[dict[str, JSON]] = []
    unplaced: list[dict[str, JSON]] = []

    def mark(span: Span | None, kind: str, ref: str, **more: JSON) -> None:
        if span is None or units is None or span.start is None or span.end is None:
            return
        if not 0 <= span.start <= span.end <= len(units.text):
            unplaced.append({"kind": kind, "ref": ref, "exact": span.exact, **more})
            return
        found = units.text[span.start : span.end]
        s, e = units.from_codepoints(span.start, Unit.UTF16), units.from_codepoints(span.end, Unit.UTF16)
        entry = {"s": s, "e": e, "kind": kind, "ref": ref, **more}
        if found != span.exact:
            entry["bad"] = f"the text here is “{found}”, the quote “{span.exact}”"
        marks.append(entry)

    for source in document.sources:
        for part, span in enumerate(source.mentions or ()):
            mark(span, "source", source.id, part=part)
    for claim in document.claims:
        for part, span in enumerate(claim.spans):
            mark(span, "claim", claim.id, part=part)
        for n, attribution in enumerate(claim.attributions):
            mark(attribution.cue, "cue", claim.id, attribution=n)
            for v, layer in enumerate(attribution.via or ()):
                mark(layer.cue, "cue", claim.id, attribution=n, via=v)
            for h, hedge in enumerate(attribution.hedges or ()):
                mark(hedge.span, "hedge", claim.id, attribution=n, hedge=h)
    stats = corpus_stats(document.id, [document])
    return {
        "document": unstructure(document),
        "marks": marks,
        "unplaced": unplaced,
        "issues": [_issue(issue, document) for issue in issues],
        "summary": {
            "claims_by_state": dict(stats.claims_by_state.most_common()),
            "attributions_by_stance": dict(stats.attributions_by_stance.most_common()),
            "sources": stats.sources,
            "anonymous_sources": stats.anonymous_sources,
        },
    }


def render_html(documents: Iterable[tuple[Document, Sequence[Issue]]], *, title: str = "claimfmt view") -> str:
    """One self-contained HTML page showing ``documents`` (each with its validation issues)."""
    blocks: list[str] = []
    index: list[JSON] = []
    for n, (document, issues) in enumerate(documents):
        model = view_model(document, issues)
        blocks.append(f'<script type="application/json" id="claimfmt-doc-{n}">{_json(model)}</script>')
        article = document.article
        index.append(
            {
                "id": document.id,
                "title": article.title or document.id,
                "claims": len(document.claims),
                "issues": len(model["issues"]),
                # What the search box looks in, lower-cased once here.
                "find": " ".join([document.id, article.title or "", *(c.text for c in document.claims)]).lower(),
            }
        )
    assets = importlib.resources.files("claimfmt") / "assets"
    parts = {
        "title": html.escape(title),
        "css": (assets / "view.css").read_text(encoding="utf-8"),
        "js": (assets / "view.js").read_text(encoding="utf-8"),
        "index": _json(index),
        "documents": "\n".join(blocks),
    }
    # One pass, so that nothing put in (a title reading "{{index}}", say) is ever read as a placeholder.
    return _PLACEHOLDER.sub(lambda m: parts[m[1] or m[2]], (assets / "view.html").read_text(encoding="utf-8"))


def _json(value: JSON) -> str:
    text = jsontext.dumps(value).decode()
    for unsafe, escaped in _UNSAFE:  # str.replace runs in C; str.translate would go character by character
        text = text.replace(unsafe, escaped)
    return text


def _issue(issue: Issue, document: Document) -> dict[str, JSON]:
    """An issue as the page shows it, with the claim or source its pointer names."""
    out: dict[str, JSON] = {
        "code": issue.code,
        "severity": issue.severity.value,
        "pointer": issue.pointer,
        "message": issue.message,
    }
    for pattern, items, key in ((_CLAIM, document.claims, "claim"), (_SOURCE, document.sources, "source")):
        match = pattern.match(issue.pointer)
        if match and int(match[1]) < len(items):
            out[key] = items[int(match[1])].id
    return out
