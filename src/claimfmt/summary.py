"""Human summaries of documents and corpora: what ``claimfmt show`` and ``claimfmt stats`` print.

Counting (:func:`corpus_stats`) is kept apart from formatting (:func:`format_stats`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from claimfmt.model import Attribution, Claim, Document, Source, Via

__all__ = ["CorpusStats", "corpus_stats", "describe_document", "format_stats"]


@attrs.define(kw_only=True)
class CorpusStats:
    """Counts over the documents of one corpus (one command-line path)."""

    name: str
    documents: int = 0
    claims: int = 0
    sources: int = 0
    sources_by_kind: Counter[str] = attrs.field(factory=Counter)
    anonymous_sources: int = 0
    attributions_by_stance: Counter[str] = attrs.field(factory=Counter)
    claims_by_state: Counter[str] = attrs.field(factory=Counter)
    #: (verdict scheme or "-", verdict label, state) -> assessments: how a corpus's labels map to states.
    labels: Counter[tuple[str, str, str]] = attrs.field(factory=Counter)
    unreadable: int = 0

    def add(self, document: Document) -> None:
        """Count one document."""
        self.documents += 1
        self.claims += len(document.claims)
        self.sources += len(document.sources)
        for source in document.sources:
            self.sources_by_kind[source.kind.value] += 1
            self.anonymous_sources += source.anonymous
        for claim in document.claims:
            for attribution in claim.attributions:
                self.attributions_by_stance[attribution.stance.value] += 1
            # A claim counts once, by the assessment that stands; every assessment's label counts in the table.
            self.claims_by_state[claim.state().value] += 1
            for verification in claim.verifications or ():
                verdict = verification.verdict
                if verdict is not None:
                    self.labels[verdict.scheme or "-", verdict.label, verification.state.value] += 1

    def to_json(self) -> dict[str, Any]:
        """The counts as plain JSON values."""
        return {
            "corpus": self.name,
            "documents": self.documents,
            "unreadable": self.unreadable,
            "claims": self.claims,
            "sources": self.sources,
            "anonymous_sources": self.anonymous_sources,
            "sources_by_kind": dict(self.sources_by_kind.most_common()),
            "attributions_by_stance": dict(self.attributions_by_stance.most_common()),
            "claims_by_state": dict(self.claims_by_state.most_common()),
            "labels": [
                {"scheme": scheme, "label": label, "state": state, "count": count}
                for (scheme, label, state), count in sorted(self.labels.items())
            ],
        }


def corpus_stats(name: str, documents: Iterable[Document]) -> CorpusStats:
    """Count the documents of one corpus."""
    stats = CorpusStats(name=name)
    for document in documents:
        stats.add(document)
    return stats


def format_stats(stats: CorpusStats) -> str:
    """A readable block of counts for one corpus."""
    lines = [
        f"{stats.name}",
        f"  documents   {stats.documents:>8}" + (f"   ({stats.unreadable} unreadable)" if stats.unreadable else ""),
        f"  claims      {stats.claims:>8}",
        f"  sources     {stats.sources:>8}   ({stats.anonymous_sources} anonymous)",
    ]
    for title, counter in (
        ("sources by kind", stats.sources_by_kind),
        ("attributions by stance", stats.attributions_by_stance),
        ("claims by verification state (the latest assessment that stands)", stats.claims_by_state),
    ):
        if counter:
            lines.append(f"  {title}")
            lines.extend(f"    {key:<16}{count:>8}" for key, count in counter.most_common())
    if stats.labels:
        lines.append("  verdict labels -> states (scheme, label, state, assessments)")
        width = min(48, max(len(label) for _, label, _ in stats.labels))
        # Schemes may be URLs: as wide as the widest, up to a limit, and never run into the label.
        scheme_width = min(40, max(len(scheme) for scheme, _, _ in stats.labels))
        for (scheme, label, state), count in sorted(stats.labels.items()):
            shown = label if len(label) <= width else label[: width - 1] + "\u2026"
            named = scheme if len(scheme) <= scheme_width else scheme[: scheme_width - 1] + "\u2026"
            lines.append(f"    {named:<{scheme_width}}  {shown:<{width}}  {state:<13}{count:>8}")
    return "\n".join(lines)


def describe_document(document: Document) -> str:
    """A readable account of a document: its claims, who makes them and how, and their state."""
    article = document.article
    head = article.title or document.id
    byline = ", ".join(x for x in (article.publisher, article.published, article.language) if x)
    lines = [f"{head}" + (f"  ({byline})" if byline else ""), f"  id {document.id}"]
    if article.text is None:
        lines.append("  (text not shipped" + (", sha256 given)" if article.text_sha256 else ")"))
    lines.append(f"  {len(document.claims)} claims, {len(document.sources)} sources")
    for claim in document.claims:
        lines.append("")
        lines.extend(_describe_claim(document, claim))
    if document.relations:
        lines.append("")
        lines.append("  relations")
        lines.extend(f"    {r.from_} {r.type.value} {r.to}" for r in document.relations)
    return "\n".join(lines)


def _describe_claim(document: Document, claim: Claim) -> list[str]:
    lines = [f"  [{claim.id}] {claim.text}"]
    for attribution in claim.attributions:
        lines.append("      " + _describe_attribution(document, attribution))
    if not claim.attributions:
        lines.append("      stated in the article's own voice")
    current = claim.current()
    if not current:
        lines.append("      state: unverified (not assessed)")
    for verification in current:
        verdict = verification.verdict
        rating = f' — "{verdict.label}"' if verdict else ""
        by = f" by {verification.assessed_by}" if verification.assessed_by else ""
        revised = len(claim.verifications or ()) - len(current)
        earlier = f" (revised; {revised} earlier)" if revised and verification.supersedes else ""
        lines.append(f"      state: {verification.state.value}{rating}{by}{earlier}")
    return lines


def _who(source: Source | None, source_id: str) -> str:
    if source is None:
        return f"<unknown source {source_id}>"
    who = source.name or source.description or source_id
    if source.anonymous:
        who += " (anonymous)"
    return who


def _via(document: Document, via: Via) -> str:
    who = _who(document.source(via.source), via.source)
    return f"{who} (“{via.cue.exact}”)" if via.cue is not None else who


def _describe_attribution(document: Document, attribution: Attribution) -> str:
    who = _who(document.source(attribution.source), attribution.source)
    parts = [f"{attribution.stance.value}: {who}"]
    if attribution.via:
        parts.append("via " + " → ".join(_via(document, v) for v in attribution.via))
    details = [
        f"cue “{attribution.cue.exact}”" if attribution.cue else None,
        "content " + " … ".join(f"“{s.exact}”" for s in attribution.content) if attribution.content else None,
        attribution.mode.value if attribution.mode else None,
        attribution.channel,
        f"commitment {attribution.commitment.value}" if attribution.commitment else None,
    ]
    if attribution.hedges:
        details.append("hedged: " + ", ".join(f"“{h.text}”" for h in attribution.hedges))
    shown = [d for d in details if d]
    return " ".join(parts) + (f"  [{'; '.join(shown)}]" if shown else "")
