"""The bundled examples: all valid, and the seed article expressed in full."""

from __future__ import annotations

from pathlib import Path

import pytest

import claimfmt
from claimfmt.issues import Severity
from claimfmt.model import Commitment, Document, HedgeKind, SourceKind, Stance, State, Via

from .conftest import EXAMPLES, shared

FILES = sorted(EXAMPLES.glob("*.json"))


def test_there_are_at_least_three_examples() -> None:
    assert len(FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_example_passes_full_validation(path: Path) -> None:
    (record,) = claimfmt.iter_records(path)
    issues = claimfmt.validate(record.data)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    assert claimfmt.load(path).id == record.data["id"]


def _seed() -> Document:
    return claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")


def test_seed_text_is_the_shared_seed_article() -> None:
    original = shared("seed", "article.txt").read_text(encoding="utf-8")
    assert _seed().article.text == original


def test_seed_has_every_source_the_article_names() -> None:
    seed = _seed()
    descriptions = {(s.name or s.description or "").lower() for s in seed.sources}
    for needle in (
        "senior law enforcement official",
        "sources close to the russian military",
        "russian intelligence officer",
        "reuters",
        "apty alaudinov",
        "captured ukrainian troops",
        "spokesperson",
        "nato",
    ):
        assert any(needle in d for d in descriptions), needle
    anonymous = {s.id for s in seed.sources if s.anonymous}
    assert {"official", "russian-military-sources", "intelligence-officer"} <= anonymous
    assert all(s.name is None for s in seed.sources if s.anonymous)


def test_seed_expresses_relay_channel_hedges_denial_and_states() -> None:
    seed = _seed()
    attributions = [a for c in seed.claims for a in c.attributions]
    assert any(
        a.via == (Via(source="reuters", stance=Stance.REPORTS),) and a.source == "intelligence-officer"
        for a in attributions
    )
    assert any(a.channel == "closed-door briefing" and a.source == "alaudinov" for a in attributions)
    assert any(a.channel == "press release" and a.stance is Stance.DENIES for a in attributions)
    hedges = {h.text: h.kind for a in attributions for h in a.hedges or ()}
    assert hedges["if true"] is HedgeKind.CONDITIONAL
    assert hedges["allegedly"] is HedgeKind.ALLEGED
    assert hedges["if verified"] is HedgeKind.CONDITIONAL
    assert any("not officially confirmed" in text for text in hedges)
    states = {v.state for c in seed.claims for v in c.verifications or ()}
    assert {State.DISPUTED, State.UNVERIFIABLE} <= states
    assert any(r.type.value == "contradicts" for r in seed.relations or ())
    assert any(len(c.spans) == 2 for c in seed.claims)  # discontinuous quote


def test_seed_gives_the_journalist_hedges_to_the_author_and_the_denial_its_own_words() -> None:
    seed = _seed()
    (author,) = [s for s in seed.sources if s.kind is SourceKind.AUTHOR]
    c1 = seed.claims[0]
    by = {a.source: a for a in c1.attributions}
    # "if true" and "declined to provide evidence" are the journalist's: the official stays certain.
    assert by["official"].commitment is Commitment.CERTAIN and not by["official"].hedges
    assert [h.text for h in by[author.id].hedges or ()] == ["if true", "declined to provide evidence"]
    assert by[author.id].commitment is Commitment.POSSIBLE
    denial = by["ministry-spokesperson"]
    assert denial.stance is Stance.DENIES and denial.content is not None
    text = seed.article.text or ""
    assert [text[s.start : s.end] for s in denial.content if s.start is not None] == [
        "There is no evidence of systematic re-mobilization"
    ]
    assert all(span not in c.spans for c in seed.claims[:2] for span in denial.content)  # apart from the claim's


def test_fact_check_example_has_scale_evidence_and_history() -> None:
    doc = claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json")
    claim = next(c for c in doc.claims if c.verifications)
    verification = next(v for v in claim.verifications or () if v.id == "v3")
    assert verification is not None and verification.verdict is not None and verification.verdict.best is not None
    assert verification.evidence
    chain = [v.id for v in claim.verifications or ()]
    # A revision chain (v1 <- v2 <- v3) and a concurrent review by another fact-checker beside it.
    assert [(v.id, v.supersedes) for v in claim.verifications or ()][:3] == [("v1", None), ("v2", "v1"), ("v3", "v2")]
    assert [v.id for v in claim.current()] == ["v3", "other-review"] and len(chain) == 4


def test_withheld_text_example_reports_skipped_span_checks() -> None:
    (record,) = claimfmt.iter_records(EXAMPLES / "text-withheld.claimfmt.json")
    assert "text" not in record.data["article"] and "text_sha256" in record.data["article"]
    assert [i.code for i in claimfmt.validate(record.data)] == ["span-checks-skipped"]
