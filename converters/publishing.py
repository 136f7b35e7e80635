"""What a publishing writer (ClaimReview, W3C) leaves out: the article's text and what names the unnamed.

ClaimReview goes on public pages and W3C annotations to public annotation servers.
Neither may carry the article's text (it is the publisher's, and often licensed),
nor what the annotators know of an anonymous source: its description, role,
affiliation, mentions, external ids and extensions, or an id that might name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from claimfmt.converters.base import LossReport
from claimfmt.model import Claim, Document, Source
from claimfmt.structuring import evolve

JSON = Any

__all__ = ["anonymous_ids", "withheld", "withheld_claims", "withheld_claims_json"]


def withheld(document: Document, report: LossReport | None) -> Document:
    """``document`` without its article's text and with each anonymous source reduced to its kind.

    An anonymous source's id becomes ``anonymous-N`` (N counting anonymous sources
    in document order), and every attribution and ``via`` naming it follows. What
    goes is counted as dropped in ``report`` (None: not counted, because the caller
    keeps it elsewhere).
    """
    article = document.article
    if article.text is not None:
        if report is not None:
            report.drop("article.text (never published)")
        article = attrs.evolve(article, text=None)
    renamed = anonymous_ids(document)
    sources = []
    for source in document.sources:
        if source.anonymous:
            details = (source.description, source.role, source.affiliation, source.mentions, source.external_ids)
            if report is not None and (any(details) or source.extensions):
                report.drop("anonymous sources' details (never published)")
            source = Source(id=renamed[source.id], kind=source.kind, name=None, anonymous=True)
        sources.append(source)
    if article is document.article and not renamed:
        return document
    if document._json is None:
        claims = tuple(_renamed(claim, renamed) if _cites(claim, renamed) else claim for claim in document.claims)
        return evolve(document, article=article, sources=tuple(sources), claims=claims)
    # Each renamed claim's JSON renamed alike, not unstructured again.
    pairs = list(withheld_claims(document, zip(document.claims, document._json["claims"], strict=True)))
    made = {"claims": [data for _, data in pairs]}
    claims = tuple(claim for claim, _ in pairs)
    return evolve(document, made=made, article=article, sources=tuple(sources), claims=claims)


def withheld_claims(document: Document, claims: Iterable[tuple[Claim, JSON]]) -> Iterator[tuple[Claim, JSON]]:
    """``claims`` (the document's, one at a time, each with its JSON) citing its anonymous sources by the ids
    :func:`withheld` gives them: for a writer that takes the claims of a large document one at a time."""
    renamed = anonymous_ids(document)
    for claim, data in claims:
        if not _cites(claim, renamed):
            yield claim, data
        else:
            # The JSON, which writers copy from, must not keep an id that might name the source.
            yield _renamed(claim, renamed), _renamed_json(data, renamed)


def withheld_claims_json(document: Document, claims: Iterable[JSON]) -> Iterator[JSON]:
    """:func:`withheld_claims` for the claims' JSON alone: for a writer that takes each claim from its JSON (W3C's),
    where building the model, or renaming it, would be work thrown away. ``document`` may be the head alone."""
    renamed = anonymous_ids(document)
    if not renamed:
        yield from claims
        return
    for data in claims:
        cited = {a["source"] for a in data["attributions"]}
        cited.update(v["source"] for a in data["attributions"] for v in a.get("via", ()))
        yield data if renamed.keys().isdisjoint(cited) else _renamed_json(data, renamed)


def anonymous_ids(document: Document) -> dict[str, str]:
    """Each anonymous source's id -> ``anonymous-N``: the id :func:`withheld` gives it."""
    anonymous = [source.id for source in document.sources if source.anonymous]
    return {identifier: f"anonymous-{n}" for n, identifier in enumerate(anonymous, start=1)}


def _cites(claim: Claim, renamed: dict[str, str]) -> bool:
    """Whether the claim cites a source that is renamed (in an attribution or its ``via``)."""
    cited = {a.source for a in claim.attributions}
    cited.update(v.source for a in claim.attributions for v in a.via or ())
    return not renamed.keys().isdisjoint(cited)


def _renamed(claim: Claim, renamed: dict[str, str]) -> Claim:
    """The claim, which :func:`_cites` a renamed source, citing its sources by their new ids."""
    # Only what names a renamed source is made anew (attrs.evolve is slow): the rest is shared.
    attributions = []
    for attribution in claim.attributions:
        via = attribution.via
        if via is not None and not renamed.keys().isdisjoint(v.source for v in via):
            via = tuple(attrs.evolve(v, source=renamed[v.source]) if v.source in renamed else v for v in via)
        if via is not attribution.via or attribution.source in renamed:
            attribution = attrs.evolve(attribution, source=renamed.get(attribution.source, attribution.source), via=via)
        attributions.append(attribution)
    return attrs.evolve(claim, attributions=tuple(attributions))


def _renamed_json(data: JSON, renamed: dict[str, str]) -> JSON:
    """A claim's JSON renamed as :func:`_renamed` renames the claim (what unstructuring it would give)."""

    def source(item: JSON) -> JSON:
        return {**item, "source": renamed[item["source"]]} if item["source"] in renamed else item

    def attribution(item: JSON) -> JSON:
        out = source(item)
        if "via" in item:
            out = {**out, "via": [source(via) for via in item["via"]]}
        return out

    return {**data, "attributions": [attribution(item) for item in data["attributions"]]}
