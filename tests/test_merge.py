"""``claimfmt merge``: consensus by vote, the curator mode, conflicts and ties, PolNeAR (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt.agreement import agree
from claimfmt.alignment import group_documents, items, similarity
from claimfmt.cli import main
from claimfmt.merging import ANNOTATORS, merge
from claimfmt.model import Attribution, Claim, Document, Relation, RelationType, Stance
from claimfmt.testing import documents

from .conftest import shared
from .test_agree import POLNEAR, TEXT, by, doc, write


def merged(*docs: Document, **options: Any) -> Any:
    groups, issues = group_documents((d, None) for d in docs)
    return merge(groups, issues=issues, **options)


def errors(document: Document) -> list[str]:
    return [i.format() for i in claimfmt.validate(document) if i.severity == "error"]


def plain(value: Any) -> Any:
    """A claim, attribution, source or relation without the annotators the merge names on it.

    Empty extensions read as none: the merge adds a key to them, so it cannot keep the difference.
    """
    extensions = {k: v for k, v in (value.extensions or {}).items() if k != ANNOTATORS}
    changed = attrs.evolve(value, extensions=extensions or None)
    if isinstance(changed, Claim):
        changed = attrs.evolve(changed, attributions=tuple(plain(a) for a in changed.attributions))
    return changed


@given(documents(text=True), st.integers(1, 4))
def test_identical_annotators_merge_into_their_document(document: Document, copies: int) -> None:
    result = merged(*(by(document, f"A{n}") for n in range(copies)))
    (out,) = result.documents
    assert errors(out) == []
    assert result.conflicts == ()
    assert [plain(c) for c in out.claims] == [plain(c) for c in document.claims]
    used = {a.source for c in document.claims for a in c.attributions} | {
        v.source for c in document.claims for a in c.attributions for v in a.via or ()
    }
    assert [plain(s) for s in out.sources] == [plain(s) for s in document.sources if s.id in used]
    relations = sorted(repr(plain(r)) for r in out.relations or ())
    assert relations == sorted({repr(plain(r)) for r in document.relations or ()})
    assert out.article == document.article
    assert all(c.extensions[ANNOTATORS] == [f"A{n}" for n in range(copies)] for c in out.claims)  # type: ignore[index]


@given(documents(text=True), st.data())
def test_a_merge_of_edited_copies_validates_and_keeps_what_the_majority_kept(
    document: Document, data: st.DataObject
) -> None:
    # Three annotators; the second deletes a claim, the third deletes another (or the same).
    copies = [by(document, "A")]
    for name in ("B", "C"):
        claims = list(document.claims)
        if claims:
            del claims[data.draw(st.integers(0, len(claims) - 1))]
        relations = tuple(r for r in document.relations or () if {r.from_, r.to} <= {c.id for c in claims})
        copies.append(by(attrs.evolve(document, claims=tuple(claims), relations=relations), name))
    result = merged(*copies)
    (out,) = result.documents
    assert errors(out) == []
    kept = {c.id for c in out.claims}
    for claim in document.claims:
        votes = sum(claim in copy.claims for copy in copies)
        assert (claim.id in kept) == (votes >= 2) or _twin(document, claim)


def _twin(document: Document, claim: Claim) -> bool:
    """Another claim with the same spans (or text) stands in for this one: the merge cannot tell them apart."""
    mine = next(i for i in items(document, "claim", 0) if i.ref is claim)
    return any(i.ref is not claim and similarity(mine, i) == 1.0 for i in items(document, "claim", 0))


def three_annotators() -> list[Document]:
    a = doc("A", [(0, 10, Stance.ASSERTS), (20, 30, Stance.ASSERTS), (40, 50, Stance.ASSERTS)])
    b = doc("B", [(0, 10, Stance.ASSERTS), (40, 50, Stance.DENIES)])
    c = doc("C", [(0, 10, Stance.ASSERTS), (41, 50, Stance.ASSERTS), (60, 70, Stance.ASSERTS)])
    return [a, b, c]


def test_the_majority_keeps_claims_and_decides_values() -> None:
    result = merged(*three_annotators())
    (out,) = result.documents
    assert errors(out) == []
    assert [(c.spans[0].start, c.spans[0].end) for c in out.claims] == [(0, 10), (40, 50)]
    assert [c.extensions[ANNOTATORS] for c in out.claims] == [["A", "B", "C"], ["A", "B", "C"]]  # type: ignore[index]
    assert out.claims[1].attributions[0].stance is Stance.ASSERTS
    conflicts = {c.pointer: c for c in result.conflicts}
    stance = conflicts["/claims/1/attributions/0/stance"]
    assert stance.values == {"A": "asserts", "B": "denies", "C": "asserts"}
    assert (stance.chosen, stance.tie) == ("asserts", False)
    spans = conflicts["/claims/1/spans"]
    assert spans.chosen == [{"start": 40, "end": 50, "exact": TEXT[40:50]}]
    assert result.dropped["claims"] == 2  # A's (20, 30) and C's (60, 70)
    assert merged(*three_annotators(), min_agree=1).kept["claims"] == 4


def test_an_even_split_is_a_tie_and_warned_of() -> None:
    a = doc("A", [(0, 10, Stance.ASSERTS)])
    b = doc("B", [(0, 10, Stance.DENIES)])
    result = merged(a, b)
    (tie,) = result.conflicts
    assert (tie.pointer, tie.tie, tie.chosen) == ("/claims/0/attributions/0/stance", True, "asserts")
    assert [i.code for i in result.issues] == ["merge-tie"]


def test_the_curator_base_is_kept_and_what_others_agree_on_is_added() -> None:
    a, b, c = three_annotators()
    result = merged(a, b, c, curator="B")
    (out,) = result.documents
    assert errors(out) == []
    # B's two claims as B made them (B's stance wins), and A and C agree on none that B lacks.
    assert [plain(x) for x in out.claims] == [plain(x) for x in b.claims]
    assert result.conflicts == ()
    with_extra = doc("A", [(0, 10, Stance.ASSERTS), (60, 70, Stance.ASSERTS)])
    (out,) = merged(with_extra, b, c, curator="B").documents
    assert [(x.spans[0].start, x.extensions[ANNOTATORS]) for x in out.claims] == [  # type: ignore[index]
        (0, ["A", "B", "C"]),
        (40, ["B", "C"]),
        (60, ["A", "C"]),
    ]


def test_relations_need_the_same_majority() -> None:
    a, b, c = three_annotators()
    supports = Relation(type=RelationType.SUPPORTS, from_="c0", to="c1")
    b = attrs.evolve(b, relations=(supports,))
    c = attrs.evolve(c, relations=(Relation(type=RelationType.SUPPORTS, from_="c0", to="c1"),))
    (out,) = merged(a, b, c).documents
    assert errors(out) == []
    assert [(r.type, r.from_, r.to) for r in out.relations or ()] == [(RelationType.SUPPORTS, "c0", "c2")]


def test_ids_stay_unique_when_annotators_reuse_them() -> None:
    # Both name their source "c0": the merged document must still have one id per thing.
    a = doc("A", [(0, 10, Stance.ASSERTS)])
    source = attrs.evolve(a.sources[0], id="c0")
    claim = attrs.evolve(a.claims[0], attributions=(Attribution(source="c0", stance=Stance.ASSERTS),))
    b = attrs.evolve(doc("B", [(0, 10, Stance.ASSERTS)]), sources=(source,), claims=(claim,))
    (out,) = merged(b, b).documents
    assert errors(out) == []


def test_cli_merges_polnear_and_reports_every_conflict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "merged.jsonl", tmp_path / "report.json"
    args = ["merge", str(shared(*POLNEAR)), "--preset", "polnear", "-o", str(out), "--report", str(report)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "merged 8 article(s)" in err
    assert main(["validate", str(out)]) == 0
    value = json.loads(report.read_text())
    assert value["conflicts"] and all(
        {"document", "pointer", "values", "chosen", "tie"} <= set(c) for c in value["conflicts"]
    )
    flynn = next(d for d in claimfmt.iter_documents(out) if d.id.startswith("politico_"))
    assert flynn.id == "politico_2016-09-08_flynn-says-trump-absolutely-righ"
    assert len(flynn.provenance.annotators) == 6  # type: ignore[union-attr, arg-type]
    assert all(len(c.extensions[ANNOTATORS]) >= 4 for c in flynn.claims)  # type: ignore[index]


def test_cli_merge_bad_options_and_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "a.json", doc("A", [(0, 10, Stance.ASSERTS)]))
    b = write(tmp_path / "b.json", doc("B", [(0, 10, Stance.ASSERTS)]))
    assert main(["merge", str(a), str(b), "--curator", "Z"]) == 2
    assert "--curator" in capsys.readouterr().err
    out = tmp_path / "out.json"
    out.write_text("good data")
    other = write(tmp_path / "other.json", doc("B", [(0, 10, Stance.ASSERTS)], text=TEXT.upper()))
    assert main(["merge", str(a), str(other), "--group-by", "id", "-o", str(out)]) == 1
    assert "[text-mismatch]" in capsys.readouterr().err
    assert out.read_text() == "good data"  # nothing merged: the old output is left as it was
    with pytest.raises(SystemExit) as exit_:
        main(["merge", str(a), "--min-agree", "0"])
    assert exit_.value.code == 2


@given(st.lists(documents(), min_size=1, max_size=4), st.data())
def test_any_annotators_agree_and_merge_without_error_and_the_merge_validates(
    drawn: list[Document], data: st.DataObject
) -> None:
    # Some share the first one's article (the same text: one article), some do not.
    annotators = [
        by(attrs.evolve(d, article=drawn[0].article) if n and data.draw(st.booleans()) else d, f"A{n}")
        for n, d in enumerate(drawn)
    ]
    # Spans of a document moved onto another's article may no longer match it: keep the valid ones.
    valid = [d for d in annotators if not errors(d)]
    groups, issues = group_documents((d, None) for d in valid)
    agree(groups, issues=issues, by_document=True)
    for document in merge(groups, issues=issues).documents:
        assert errors(document) == []


def test_each_annotator_s_author_is_the_one_author_of_the_merge() -> None:
    """Annotators who delete different claims pair the rest otherwise (claims alike in text and without spans): an
    author cited in attributions that were never paired is still the article's one voice, not a second author
    (duplicate-author). Found by the property above."""
    from claimfmt.model import Article, Source, SourceKind

    def source(identifier: str, kind: SourceKind = SourceKind.PERSON) -> Source:
        return Source(id=identifier, kind=kind, name=None, anonymous=kind is SourceKind.AUTHOR)

    def claim(identifier: str, text: str, *sources: str) -> Claim:
        attributions = tuple(Attribution(source=s, stance=Stance.ASSERTS) for s in sources)
        return Claim(id=identifier, text=text, spans=(), attributions=attributions)

    document = Document(
        claimfmt="1.1",
        id="0",
        article=Article(text=""),
        sources=(source("0"), source("1", SourceKind.AUTHOR), source("2")),
        claims=(claim("5", "0", "0"), claim("6", "1"), claim("7", "0", "1")),
    )
    copies = [by(document, "A")]
    for name, gone in (("B", 0), ("C", 1)):
        claims = list(document.claims)
        del claims[gone]
        copies.append(by(attrs.evolve(document, claims=tuple(claims)), name))
    (out,) = merged(*copies).documents
    assert errors(out) == []
    assert [s.id for s in out.sources if s.kind is SourceKind.AUTHOR] == ["1"]
