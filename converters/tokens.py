"""Tokens for formats that count spans in tokens (Prodigy, spaCy): kept where they fit, made where not.

A writer needs every span boundary to fall between tokens. Tokens a reader kept (the
tool's own, with their tags) are used again when they still tile the text and every
boundary falls between two of them; otherwise the text is split at white space and at
every boundary, which always fits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["Tokens", "fits", "make"]

_WORD = re.compile(r"\S+")


def make(text: str, boundaries: Iterable[int]) -> list[tuple[int, int]]:
    """(start, end) of tokens: runs of non-space characters, cut at every boundary."""
    cuts = sorted(set(boundaries))
    tokens: list[tuple[int, int]] = []
    for word in _WORD.finditer(text):
        start, end = word.start(), word.end()
        # Only the cuts inside this word, found by bisection: linear in the text, not words times cuts.
        for cut in cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]:
            tokens.append((start, cut))
            start = cut
        tokens.append((start, end))
    return tokens


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

    def __init__(self, places: list[tuple[int, int]]) -> None:
        self.places = places
        self._starts = [s for s, _ in places]
        self._ends = [e for _, e in places]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The first and last token within [start, end)."""
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_right(self._ends, end) - 1
        return first, max(first, last)
