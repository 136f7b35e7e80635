"""``claimfmt diff``: what changed between two versions of a corpus, matched by id or by span (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given

import claimfmt
from claimfmt.cli import main
from claimfmt.diffing import diff_corpora, diff_documents, to_json
from claimfmt.model import Document, Stance, State, Verification
from claimfmt.testing import documents

from .conftest import EXAMPLES

SEED = EXAMPLES / "seed-article.claimfmt.json"


@given(documents())
def test_a_document_does_not_differ_from_itself(document: Document) -> None:
    assert diff_documents(document, document) is None
    assert diff_corpora([document], [document]) == []


@given(documents())
def test_a_changed_claim_text_is_found_at_its_claim(document: Document) -> None:
    if not document.claims:
        return
    first = document.claims[0]
    edited = attrs.evolve(document, claims=(attrs.evolve(first, text=first.text + "!"), *document.claims[1:]))
    found = diff_documents(document, edited)
    assert found is not None
    (claim,) = found.claims
    assert (claim.status, claim.a) == ("changed", first.id)
    assert [c.kind for c in claim.changes] == ["text changed"]


def _kinds(a: Document, b: Document) -> dict[str | None, list[str]]:
    found = diff_documents(a, b)
    assert found is not None
    return {c.b or c.a: [x.kind for x in c.changes] or [c.status] for c in found.claims}


def test_each_kind_of_edit_is_named() -> None:
    seed = claimfmt.load(SEED)
    c1, c2, c3, c4, c5 = seed.claims[:5]
    moved = attrs.evolve(c5.spans[0], start=(c5.spans[0].start or 0) + 1, exact=c5.spans[0].exact[1:])
    flipped = attrs.evolve(c1.attributions[1], stance=Stance.QUESTIONS)
    edited = attrs.evolve(
        seed,
        claims=(
            attrs.evolve(c1, attributions=(c1.attributions[0], flipped, *c1.attributions[2:])),
            attrs.evolve(c2, verifications=(*(c2.verifications or ()), Verification(state=State.REFUTED))),
            attrs.evolve(c3, id="c3-renamed"),  # paired by its span
            attrs.evolve(c5, spans=(moved, *c5.spans[1:])),
            *seed.claims[5:],
        ),
    )
    assert _kinds(seed, edited) == {
        c4.id: ["removed"],
        c1.id: ["stance flipped"],
        c2.id: ["state changed", "assessment added"],
        "c3-renamed": ["id changed"],
        c5.id: ["span moved"],
    }


def test_the_command_line_exits_like_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    assert main(["diff", str(SEED), str(SEED)]) == 0
    assert capsys.readouterr().out == ""
    data["article"]["title"] = "A title"
    data["claims"].append({"id": "c99", "text": "A new claim.", "spans": [], "attributions": []})
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["diff", str(SEED), str(other)]) == 1
    out = capsys.readouterr().out
    assert "+ claim c99: 'A new claim.'" in out and 'changed at /article/title: (absent) -> "A title"' in out
    assert main(["diff", str(SEED), str(other), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1 and report["documents"][0]["claims"][0]["status"] == "added"
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["diff", str(SEED), str(broken)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_documents_added_and_removed() -> None:
    seed = claimfmt.load(SEED)
    other = attrs.evolve(seed, id="another")
    found = to_json(diff_corpora([seed], [other]))
    assert [(d["id"], d["status"]) for d in found["documents"]] == [("seed-article", "removed"), ("another", "added")]
