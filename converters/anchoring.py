"""Anchoring: where a quote stands in a text, found without guessing.

Every converter (and ``claimfmt hydrate``) places a span through :func:`anchor`.
A quote that is at its offsets stays there. Otherwise, by the method chosen:

- ``strict``: the span is not moved; the caller keeps what the peer said, or orphans it;
- ``exact``: the quote's exact occurrences are candidates;
- ``fuzzy``: as ``exact``, and when the quote is nowhere exactly, the most similar
  stretch of text, if its similarity (:mod:`rapidfuzz`'s normalised Indel similarity,
  0 to 1) reaches the threshold.

Among several candidates the one whose surroundings agree best with the span's
``prefix`` and ``suffix`` wins, then the one overlapping the offsets given. Equally
good candidates are not chosen between: the span is orphaned (it keeps its quote
and loses its offsets), because a note re-attached to a look-alike quote is worse
than a note reported as lost.
"""

from __future__ import annotations

import enum

import attrs

from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit

__all__ = ["DEFAULT_ANCHORING", "DEFAULT_THRESHOLD", "Anchor", "Anchoring", "Method", "Placement", "anchor"]

#: The least similarity (0 to 1) a fuzzy match needs (``--fuzzy-threshold``).
DEFAULT_THRESHOLD = 0.85
_NEAR = 0.01
_EVIDENCE = 5


class Method(enum.StrEnum):
    """How hard to look for a quote that is not at its offsets (``--anchoring``)."""

    STRICT = "strict"
    EXACT = "exact"
    FUZZY = "fuzzy"


class Placement(enum.StrEnum):
    """Where a span ended up."""

    #: At the offsets given (or, with none given, at the quote's one occurrence).
    KEPT = "kept"
    #: Moved to an exact occurrence of its quote.
    EXACT = "exact"
    #: Moved to a stretch of text like its quote; the span's quote becomes that text.
    FUZZY = "fuzzy"
    #: Nowhere, or among equally good candidates: the span keeps its quote only.
    ORPHANED = "orphaned"


@attrs.frozen(kw_only=True)
class Anchor:
    """Where a quote was placed, in code points, and how sure that is."""

    placement: Placement
    start: int | None = None
    end: int | None = None
    #: The similarity of the text at [start, end) to the quote: 1.0 for an exact match.
    score: float = 0.0
    #: How many places were equally good (more than one: orphaned as ambiguous).
    candidates: int = 0
    #: For the loss report: what happened, in a line.
    note: str = ""

    @property
    def moved(self) -> bool:
        """Whether the span is somewhere other than its offsets said (or lost them)."""
        return self.placement is not Placement.KEPT

    @property
    def found(self) -> bool:
        """Whether the span has a place."""
        return self.start is not None


@attrs.frozen(kw_only=True)
class Anchoring:
    """A user's anchoring choices (``--anchoring``, ``--fuzzy-threshold``), as converters receive them."""

    method: Method = Method.EXACT
    threshold: float = attrs.field(
        default=DEFAULT_THRESHOLD, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )

    def place(
        self,
        offsets: OffsetMap,
        quote: str,
        *,
        start: int | None = None,
        end: int | None = None,
        unit: Unit = Unit.CODEPOINT,
        prefix: str | None = None,
        suffix: str | None = None,
    ) -> Anchor:
        """:func:`anchor` with these choices."""
        return anchor(
            offsets,
            quote,
            start=start,
            end=end,
            unit=unit,
            prefix=prefix,
            suffix=suffix,
            method=self.method,
            threshold=self.threshold,
        )


#: Exact anchoring at the default threshold: what a conversion does unless told otherwise.
DEFAULT_ANCHORING = Anchoring()


def anchor(
    offsets: OffsetMap,
    quote: str,
    *,
    start: int | None = None,
    end: int | None = None,
    unit: Unit = Unit.CODEPOINT,
    prefix: str | None = None,
    suffix: str | None = None,
    method: Method = Method.EXACT,
    threshold: float = DEFAULT_THRESHOLD,
) -> Anchor:
    """Place ``quote`` in ``offsets.text``; ``start``/``end`` (in ``unit``) are where the peer put it."""
    text = offsets.text
    hint: tuple[int, int] | None = None
    if start is not None and end is not None:
        try:
            hint = offsets.to_codepoints(start, unit), offsets.to_codepoints(end, unit)
        except OffsetError:
            hint = None
        if hint is not None and text[hint[0] : hint[1]] == quote and _whole(text, *hint, prefix, suffix):
            return Anchor(placement=Placement.KEPT, start=hint[0], end=hint[1], score=1.0, candidates=1)
        if hint is None:
            at = min(max(start, 0), len(text))
            hint = at, at
    said = f"quote {_short(quote)}" + (f" not at {unit.value} [{start}, {end})" if start is not None else "")
    if not quote or method is Method.STRICT:
        why = "strict anchoring moves no span" if quote else "the quote is empty"
        return Anchor(placement=Placement.ORPHANED, note=f"{said}; {why}")
    found = _occurrences(text, quote)
    if found:
        places = [(at, at + len(quote)) for at in found]
        chosen = _choose(text, places, 1.0, hint, prefix, suffix, Placement.EXACT, said)
        if chosen.found or method is not Method.FUZZY or chosen.candidates:
            return chosen
    if method is Method.FUZZY:
        fuzzy = _fuzzy(text, quote, threshold)
        if fuzzy:
            score = fuzzy[0][1]
            # Near-equal similarity is no ground to prefer a place: only context or the offsets can be.
            places = [place for place, value in fuzzy if value >= score - _NEAR]
            chosen = _choose(text, places, score, hint, prefix, suffix, Placement.FUZZY, said)
            if chosen.found:
                return attrs.evolve(chosen, note=chosen.note + f" (similarity {score:.2f})")
            return chosen
    why = "not in the text" if method is Method.EXACT else f"nothing in the text is {threshold:.2f} similar"
    return Anchor(placement=Placement.ORPHANED, note=f"{said}; {why}; it keeps its quote only")


def _short(quote: str) -> str:
    return repr(quote if len(quote) <= 30 else quote[:29] + "…")


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _context(text: str, begin: int, finish: int, prefix: str | None, suffix: str | None) -> int:
    """How many characters of ``prefix`` and ``suffix`` agree with the text next to [begin, finish)."""
    agree = 0
    if prefix:
        before = text[max(0, begin - len(prefix)) : begin]
        agree += _common(before[::-1], prefix[::-1])
    if suffix:
        agree += _common(text[finish : finish + len(suffix)], suffix)
    return agree


def _whole(text: str, begin: int, finish: int, prefix: str | None, suffix: str | None) -> bool:
    """Whether the context agrees wholly: edits may have made the offsets a look-alike's. A text that ends before
    the context does disagrees with it (what the context says is next to the span is not there).

    What :func:`_context` says counting every character, told without counting (every span read is asked this).
    """
    return text.endswith(prefix or "", 0, begin) and text.startswith(suffix or "", finish)


def _common(one: str, other: str) -> int:
    for n, (a, b) in enumerate(zip(one, other, strict=False)):
        if a != b:
            return n
    return min(len(one), len(other))


def _choose(
    text: str,
    spans: list[tuple[int, int]],
    score: float,
    hint: tuple[int, int] | None,
    prefix: str | None,
    suffix: str | None,
    placement: Placement,
    said: str,
) -> Anchor:
    def rank(place: tuple[int, int]) -> tuple[int, bool]:
        # Sharing a character, not only touching ([2, 3) and [3, 4) do not overlap); an empty hint is a point.
        overlaps = hint is not None and place[0] < max(hint[1], hint[0] + 1) and hint[0] < max(place[1], place[0] + 1)
        agree = _context(text, *place, prefix, suffix)
        # A few agreeing characters (a space, a comma) are chance, not evidence.
        return (agree if agree >= _EVIDENCE else 0), overlaps

    ranks = [rank(place) for place in spans]
    best = max(ranks)
    if best == (0, False) and len(prefix or "") + len(suffix or "") >= _EVIDENCE:
        # The quote stands somewhere, but its context nowhere: a look-alike, not the span's place.
        return Anchor(
            placement=Placement.ORPHANED,
            candidates=0,
            note=f"{said}; its prefix and suffix fit none of its {len(spans)} occurrence(s): it keeps its quote only",
        )
    top = [place for place, r in zip(spans, ranks, strict=True) if r == best]
    if len(top) > 1:
        return Anchor(
            placement=Placement.ORPHANED,
            candidates=len(top),
            note=f"{said}; {len(top)} places fit it equally well, so it keeps its quote only",
        )
    begin, finish = top[0]
    if placement is Placement.EXACT and (hint == (begin, finish) or (hint is None and len(spans) == 1)):
        placement = Placement.KEPT  # where the offsets said after all, or no offsets to move from
    note = f"{said}; moved to code points [{begin}, {finish})" if placement is not Placement.KEPT else ""
    return Anchor(placement=placement, start=begin, end=finish, score=score, candidates=1, note=note)


def _fuzzy(text: str, quote: str, threshold: float) -> list[tuple[tuple[int, int], float]]:
    """The stretches of text most like ``quote`` (best first, similarity at least ``threshold``).

    rapidfuzz finds the best window of the quote's length; its edges are then
    moved to where the similarity is highest, since an edit changes the length.
    The window is blanked and the search run again, to see whether a second
    place is as good (the caller then orphans the span).
    """
    from rapidfuzz import fuzz  # only for fuzzy anchoring: importing it costs more than most conversions

    cutoff = threshold * 100
    results: list[tuple[tuple[int, int], float]] = []
    haystack = text
    for _ in range(2):
        found = fuzz.partial_ratio_alignment(quote, haystack, score_cutoff=cutoff)
        if found is None:
            break
        begin, finish = _refine(text, quote, found.dest_start, found.dest_end)
        score = fuzz.ratio(quote, text[begin:finish]) / 100
        if score < threshold:
            break
        results.append(((begin, finish), score))
        # U+FFFF is a noncharacter: it never stands in a quote, so the blanked window matches nothing.
        haystack = haystack[:begin] + "\uffff" * (finish - begin) + haystack[finish:]
    results.sort(key=lambda item: -item[1])
    return results


def _refine(text: str, quote: str, begin: int, finish: int) -> tuple[int, int]:
    from rapidfuzz import fuzz

    reach = min(len(quote) // 3 + 2, 40)
    best = fuzz.ratio(quote, text[begin:finish])
    for _ in range(2):
        for at in range(max(0, begin - reach), min(finish, begin + reach + 1)):
            value = fuzz.ratio(quote, text[at:finish])
            if value > best:
                best, begin = value, at
        for at in range(max(begin + 1, finish - reach), min(len(text), finish + reach) + 1):
            value = fuzz.ratio(quote, text[begin:at])
            if value > best:
                best, finish = value, at
    return begin, finish
