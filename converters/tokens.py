"""Tokens for formats that count spans in tokens (Prodigy, spaCy): kept where they fit, made where not.

A writer needs every span boundary to fall between tokens. Tokens a reader kept (the
tool's own, with their tags) are used again when they still tile the text and every
boundary falls between two of them; otherwise the text is split at white space and at
every boundary, which always fits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

__all__ = ["Tokens", "cut", "fits", "make"]

_WORD = re.compile(r"\S+")


def make(text: str, boundaries: Iterable[int]) -> list[tuple[int, int]]:
    """(start, end) of tokens: runs of non-space characters, cut at every boundary."""
    words = [word.span() for word in _WORD.finditer(text)]
    cuts = sorted(set(boundaries))
    if not cuts:
        return words
    # Boundaries are few and words many: each boundary finds its word by bisection, and the words between
    # are copied as they are.
    starts = [start for start, _ in words]
    tokens: list[tuple[int, int]] = []
    copied = 0  # the words before this one are in tokens
    n = 0
    while n < len(cuts):
        w = bisect.bisect_right(starts, cuts[n]) - 1
        if w < 0 or not words[w][0] < cuts[n] < words[w][1]:
            n += 1  # at an edge of a word, or in white space: nothing to cut
            continue
        tokens += words[copied:w]
        start, end = words[w]
        while n < len(cuts) and cuts[n] < end:
            if cuts[n] > start:
                tokens.append((start, cuts[n]))
                start = cuts[n]
            n += 1
        tokens.append((start, end))
        copied = w + 1
    tokens += words[copied:]
    return tokens


def cut(text: str, cuts: Sequence[int]) -> Iterator[tuple[int, int]]:
    """:func:`make`'s tokens one at a time (``cuts`` sorted): for a text whose tokens are too many to hold."""
    n, count = 0, len(cuts)
    for word in _WORD.finditer(text):
        start, end = word.span()
        while n < count and cuts[n] <= start:
            n += 1
        while n < count and cuts[n] < end:
            if cuts[n] > start:
                yield start, cuts[n]
                start = cuts[n]
            n += 1
        yield start, end


def fits(tokens: Any, text: str, boundaries: Iterable[int]) -> list[tuple[int, int]] | None:
    """The (start, end) of kept tokens where they are in order within the text and no boundary falls
    inside one of them; else None."""
    if not isinstance(tokens, list):
        return None
    places = []
    last = 0
    for token in tokens:
        start, end = (token.get("start"), token.get("end")) if isinstance(token, dict) else (None, None)
        if not (type(start) is int and type(end) is int and last <= start < end <= len(text)):
            return None
        places.append((start, end))
        last = end
    starts = [s for s, _ in places]
    for boundary in boundaries:
        n = bisect.bisect_right(starts, boundary) - 1
        if n >= 0 and places[n][0] < boundary < places[n][1]:
            return None
    return places


class Tokens:
    """Tokens by offset: which tokens a span covers, found by bisection."""

    def __init__(self, starts: Sequence[int], ends: Sequence[int]) -> None:
        """The tokens' starts and ends, in order (lists, or arrays for many)."""
        self._starts = starts
        self._ends = ends

    @classmethod
    def of(cls, places: list[tuple[int, int]]) -> Tokens:
        """The tokens at ``places``."""
        return cls([s for s, _ in places], [e for _, e in places])

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The first and last token within [start, end)."""
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_right(self._ends, end) - 1
        return first, max(first, last)
