"""The bundled examples: all valid, and the seed article expressed in full."""

from __future__ import annotations

from pathlib import Path

import pytest

import claimfmt
from claimfmt.issues import Severity
from claimfmt.model import Document, HedgeKind, Stance, State

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
    assert any(a.via == ("reuters",) and a.source == "intelligence-officer" for a in attributions)
    assert any(a.channel == "closed-door briefing" and a.source == "alaudinov" for a in attributions)
    assert any(a.channel == "press release" and a.stance is Stance.DENIES for a in attributions)
    hedges = {h.text: h.kind for a in attributions for h in a.hedges or ()}
    assert hedges["if true"] is HedgeKind.CONDITIONAL
    assert hedges["allegedly"] is HedgeKind.ALLEGED
    assert hedges["if verified"] is HedgeKind.CONDITIONAL
    assert any("not officially confirmed" in text for text in hedges)
    states = {c.verification.state for c in seed.claims if c.verification}
    assert {State.DISPUTED, State.UNVERIFIABLE} <= states
    assert any(r.type.value == "contradicts" for r in seed.relations or ())
    assert any(len(c.spans) == 2 for c in seed.claims)  # discontinuous quote


def test_fact_check_example_has_scale_evidence_and_history() -> None:
    doc = claimfmt.load(EXAMPLES / "fact-check-with-history.claimfmt.json")
    verification = next(c.verification for c in doc.claims if c.verification)
    assert verification.verdict is not None and verification.verdict.best is not None
    assert verification.evidence and verification.history


def test_withheld_text_example_reports_skipped_span_checks() -> None:
    (record,) = claimfmt.iter_records(EXAMPLES / "text-withheld.claimfmt.json")
    assert "text" not in record.data["article"] and "text_sha256" in record.data["article"]
    assert [i.code for i in claimfmt.validate(record.data)] == ["span-checks-skipped"]
