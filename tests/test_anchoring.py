"""Anchoring: a quote is placed where it belongs, or orphaned; never at a look-alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from claimfmt.cli import main
from claimfmt.conversion import convert
from claimfmt.converters.anchoring import Anchoring, Method, Placement, _context, _whole, anchor
from claimfmt.converters.base import Options
from claimfmt.converters.offsets import OffsetMap, Unit

# Few letters, so that texts repeat their quotes and look-alikes abound; astral ones included.
LETTERS = st.sampled_from("ab c\U0001f600\u00e9")
SOME = st.text(LETTERS, max_size=12)
QUOTE = st.text(LETTERS, min_size=1, max_size=8)


def _edit(text: str, data: st.DataObject) -> str:
    """``text`` with an insertion or deletion somewhere in it."""
    at = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()) and at < len(text):
        return text[:at] + text[at + data.draw(st.integers(1, len(text) - at)) :]
    return text[:at] + data.draw(SOME) + text[at:]


@given(SOME, QUOTE, SOME)
def test_a_quote_at_its_offsets_stays(before: str, quote: str, after: str) -> None:
    text = before + quote + after
    found = anchor(OffsetMap(text), quote, start=len(before), end=len(before) + len(quote), method=Method.STRICT)
    assert (found.placement, found.start, found.end, found.score) == (
        Placement.KEPT,
        len(before),
        len(text) - len(after),
        1,
    )


@given(SOME, QUOTE, SOME, SOME, st.data())
def test_edits_around_a_quote_never_move_it_to_a_look_alike(
    before: str, quote: str, middle: str, after: str, data: st.DataObject
) -> None:
    # The span is the quote's second occurrence, with its context; the texts on either side are then edited.
    original = before + quote + middle + quote + after
    start = len(before + quote + middle)
    prefix, suffix = original[max(0, start - 6) : start], after[:6]
    left, right = _edit(before + quote + middle, data), _edit(after, data)
    text = left + quote + right
    found = anchor(OffsetMap(text), quote, start=start, end=start + len(quote), prefix=prefix, suffix=suffix)
    if found.found:
        assert text[found.start : found.end] == quote
        # Placed elsewhere only when that place fits the context at least as well as the true one does
        # (fewer than 5 agreeing characters are chance, not evidence, for the one as for the other).
        if found.start != len(left):
            true = _evidence(_fits(text, len(left), len(quote), prefix, suffix))
            assert _evidence(_fits(text, found.start, len(quote), prefix, suffix)) >= true  # type: ignore[arg-type]
    else:
        assert found.placement is Placement.ORPHANED and found.candidates != 1


def test_a_context_the_text_ends_before_disagrees() -> None:
    # Found by the property above: a character deleted before the span shifts the quote to 6, and its old offsets
    # read the quote still, with the whole prefix; but the suffix "a" is not after them, for the text ends there.
    found = anchor(OffsetMap("a" * 10), "aaa", start=7, end=10, prefix="a" * 6, suffix="a")
    assert (found.placement, found.start, found.end) == (Placement.EXACT, 6, 9)


def _evidence(agreeing: int) -> int:
    return agreeing if agreeing >= 5 else 0


def _fits(text: str, start: int, length: int, prefix: str, suffix: str) -> int:
    """Characters of context that agree, counted here independently of the anchoring module."""
    before, after = text[max(0, start - len(prefix)) : start], text[start + length : start + length + len(suffix)]

    def common(a: str, b: str) -> int:
        return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))

    return common(before[::-1], prefix[::-1]) + common(after, suffix)


@given(SOME, QUOTE, SOME, st.data())
def test_a_unique_quote_is_found_wherever_it_went(before: str, quote: str, after: str, data: st.DataObject) -> None:
    text = before + quote + after
    assume(sum(text.startswith(quote, at) for at in range(len(text))) == 1)  # overlapping ones count
    start = data.draw(st.integers(0, len(text)))
    found = anchor(OffsetMap(text), quote, start=start, end=start + len(quote))
    assert (found.start, found.end) == (len(before), len(before) + len(quote))
    assert found.placement is (Placement.KEPT if start == len(before) else Placement.EXACT)


@given(QUOTE, SOME)
def test_equally_good_places_orphan_the_span(quote: str, between: str) -> None:
    text = quote + between + quote
    found = anchor(OffsetMap(text), quote)
    assert found.placement is Placement.ORPHANED and found.candidates >= 2 and not found.found
    assert "places fit it equally well" in found.note


@given(st.text("ab ", max_size=12), st.data())
def test_a_context_agrees_wholly_where_every_character_of_it_agrees(text: str, data: st.DataObject) -> None:
    """Whether a span's prefix and suffix agree wholly with the text (asked of every span read at its offsets) is
    what counting the characters that agree says: every one of them, the text's ends included."""
    begin = data.draw(st.integers(0, len(text)))
    finish = data.draw(st.integers(begin, len(text)))
    prefix, suffix = (
        data.draw(st.none() | st.text("ab ", max_size=6)),
        data.draw(st.none() | st.text("ab ", max_size=6)),
    )
    most = len(prefix or "") + len(suffix or "")
    assert _whole(text, begin, finish, prefix, suffix) == (_context(text, begin, finish, prefix, suffix) == most)


def test_context_picks_between_occurrences_and_offsets_break_a_tie() -> None:
    text = "He said the plan works. Later she said the plan works, again."
    offsets, quote = OffsetMap(text), "the plan works"
    assert anchor(offsets, quote, prefix="she said ").start == 39
    assert anchor(offsets, quote, suffix=". Later").start == 8
    # No context: offsets that overlap one occurrence single it out; offsets overlapping none do not.
    assert anchor(offsets, quote, start=37, end=51).start == 39
    assert anchor(offsets, quote, start=0, end=5).placement is Placement.ORPHANED


def test_offsets_in_utf16_are_understood() -> None:
    text = "\U0001f600 said: deny it. Then deny it."
    utf16 = len("\U0001f600 said: ".encode("utf-16-le")) // 2
    found = anchor(OffsetMap(text), "deny it", start=utf16, end=utf16 + 7, unit=Unit.UTF16)
    assert (found.placement, found.start) == (Placement.KEPT, text.index("deny"))
    found = anchor(OffsetMap(text), "deny it", start=utf16 + 1, end=utf16 + 8, unit=Unit.UTF16)
    assert (found.placement, found.start) == (Placement.EXACT, text.index("deny"))


WORDS = st.lists(st.sampled_from(["minister", "said", "taxes", "would", "rise", "sharply", "the", "öl", "\U0001d518"]))


@given(WORDS, st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=24, max_size=40), WORDS, st.data())
def test_a_quote_edited_inside_is_found_by_fuzzy_anchoring_only(
    before: list[str], letters: list[str], after: list[str], data: st.DataObject
) -> None:
    quote = "".join(letters)
    at = data.draw(st.integers(1, len(quote) - 2))
    edited = quote[:at] + data.draw(st.sampled_from(["", "X", "YZ"])) + quote[at + 1 :]
    head, tail = " ".join(before) + " ", " " + " ".join(after)
    text = head + edited + tail
    offsets = OffsetMap(text)
    assert anchor(offsets, quote).placement is Placement.ORPHANED
    found = anchor(offsets, quote, method=Method.FUZZY)
    assert found.placement is Placement.FUZZY and found.score >= 0.85
    assert found.start is not None and found.end is not None
    true = set(range(len(head), len(head) + len(edited)))
    placed = set(range(found.start, found.end))
    assert len(true & placed) / len(true | placed) >= 0.8
    # A threshold above the similarity orphans it.
    assert anchor(offsets, quote, method=Method.FUZZY, threshold=min(1.0, found.score + 0.01)).found is False


def test_fuzzy_anchoring_does_not_choose_between_two_equal_look_alikes() -> None:
    text = "one: the minster said taxes rise. two: the minster said taxes rise."
    found = anchor(OffsetMap(text), "the minister said taxes rise", method=Method.FUZZY)
    assert found.placement is Placement.ORPHANED and found.candidates == 2
    found = anchor(OffsetMap(text), "the minister said taxes rise", method=Method.FUZZY, prefix="two: ")
    assert found.placement is Placement.FUZZY and found.start == text.rindex("the minster")


# Converters use the one function, with --anchoring.


def _brat(tmp_path: Path, text: str, ann: str) -> Path:
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.ann").write_text(ann, encoding="utf-8")
    return tmp_path / "a.ann"


def test_brat_keeps_its_offsets_when_a_quote_is_ambiguous_and_moves_it_when_it_is_not(tmp_path: Path) -> None:
    text = "Ann said taxes rise. Bob said taxes rise. Cy said rents fall."
    ann = _brat(tmp_path, text, "T1\tClaim 0 4\ttaxes rise\nT2\tClaim 48 55\trents fall\n")
    report = convert([ann], source_format="brat", target_format="claimfmt", output=tmp_path / "out.json")
    codes = sorted(issue.code for issue in report.issues)
    assert codes == ["quote-ambiguous", "span-reanchored"]
    claims = json.loads((tmp_path / "out.json").read_text())["claims"]
    spans = sorted((c["spans"][0]["start"], c["spans"][0]["exact"]) for c in claims)
    assert spans == [(0, "Ann "), (text.index("rents"), "rents fall")]


def test_strict_anchoring_moves_nothing_and_fuzzy_finds_an_edited_quote(tmp_path: Path) -> None:
    text = "The ministry said that taxes would rise sharply next year."
    ann = _brat(tmp_path, text, "T1\tClaim 0 5\ttaxes will rise sharply\n")
    out = tmp_path / "out.json"
    strict = convert(
        [ann], source_format="brat", target_format="claimfmt", output=out,
        options=Options(anchoring=Anchoring(method=Method.STRICT)),
    )  # fmt: skip
    assert [i.code for i in strict.issues] == ["brat-text-mismatch"]
    fuzzy = convert(
        [ann], source_format="brat", target_format="claimfmt", output=out,
        options=Options(anchoring=Anchoring(method=Method.FUZZY, threshold=0.8)),
    )  # fmt: skip
    assert [i.code for i in fuzzy.issues] == ["span-fuzzy-anchored"]
    span = json.loads(out.read_text())["claims"][0]["spans"][0]
    assert span["exact"] == text[span["start"] : span["end"]] and "taxes would rise sharply" in span["exact"]


def test_w3c_uses_the_prefix_to_choose_and_rewrites_the_context(tmp_path: Path) -> None:
    text = "Ann said taxes rise. Bob said taxes rise."
    at = text.rindex("taxes")
    document = {
        "claimfmt": "1.1",
        "id": "d1",
        "article": {"text": text},
        "sources": [],
        "claims": [{"id": "c1", "text": "taxes rise", "attributions": [],
                    "spans": [{"start": at, "end": at + 10, "exact": "taxes rise", "prefix": "Bob said "}]}],
    }  # fmt: skip
    source, public, out = tmp_path / "in.json", tmp_path / "w3c.json", tmp_path / "out.json"
    source.write_text(json.dumps(document))
    assert main(["convert", str(source), "--from", "claimfmt", "--to", "w3c", "--record", "-o", str(public)]) == 0
    # The annotation's position is edited to the look-alike: its quote's prefix still says which one it is.
    page = public.read_text().replace(f'"start": {at}', '"start": 2').replace(f'"end": {at + 10}', '"end": 12')
    public.write_text(page)
    assert main(["convert", str(public), "--from", "w3c", "--to", "claimfmt", "-o", str(out)]) == 0
    spans = json.loads(out.read_text())["claims"][0]["spans"]
    assert spans == [{"start": at, "end": at + 10, "exact": "taxes rise", "prefix": "Bob said "}]
    assert main(["validate", str(out)]) == 0


def test_spans_jsonl_keeps_an_orphaned_quote(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    line = {
        "id": "d1",
        "text": "He said it. She said it.",
        "spans": [{"start": 0, "end": 2, "label": "Claim", "text": "said it"}],
    }
    source.write_text(json.dumps(line) + "\n")
    out, mapping = tmp_path / "out.json", tmp_path / "corpus.toml"
    mapping.write_text('[fields]\nquote = "text"\n\n[spans]\nclaim = ["Claim"]\n')
    code = main(["convert", str(source), "--from", "spans-jsonl", "--to", "claimfmt", "--mapping", str(mapping),
                 "-o", str(out), "--report", str(tmp_path / "report.json")])  # fmt: skip
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert [i["code"] for i in report["issues"]] == ["quote-ambiguous"]
    claims = json.loads(out.read_text())["claims"]
    assert claims[0]["spans"] == [{"exact": "said it"}]
    assert main(["validate", str(out)]) == 0


def test_cli_anchoring_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ann = _brat(tmp_path, "The ministry said taxes would rise.", "T1\tClaim 0 3\ttaxes will rise\n")
    out = tmp_path / "out.json"
    args = ["convert", str(ann), "--from", "brat", "--to", "claimfmt", "-o", str(out)]
    assert main([*args, "--anchoring", "fuzzy", "--fuzzy-threshold", "0.7"]) == 0
    assert "span-fuzzy-anchored" in capsys.readouterr().err
    for bad in (["--anchoring", "nearest"], ["--fuzzy-threshold", "1.5"], ["--fuzzy-threshold", "x"]):
        with pytest.raises(SystemExit) as exit_:
            main([*args, *bad])
        assert exit_.value.code == 2
