"""Offset units: the one place where converters translate span positions.

claimfmt counts Unicode code points. Peers count otherwise: Label Studio,
Hypothes.is and the brat web client count UTF-16 code units, PARC counts UTF-8
bytes, and some annotation tools count user-perceived characters (grapheme
clusters). :class:`OffsetMap` converts offsets into one text between any two
units; :func:`detect_units` finds which units make a file's echoed quotes match
its text. Finding a quote whose position is wrong is :mod:`~claimfmt.converters.anchoring`'s job.
"""

from __future__ import annotations

import array
import bisect
import enum
import itertools
import re
from collections.abc import Iterable, Sequence

from claimfmt.issues import ClaimfmtError

__all__ = ["OffsetError", "OffsetMap", "Unit", "detect_units"]


class Unit(enum.StrEnum):
    """What an offset counts."""

    CODEPOINT = "codepoint"
    UTF16 = "utf16"
    UTF8 = "utf8"
    GRAPHEME = "grapheme"


class OffsetError(ClaimfmtError, ValueError):
    """An offset outside the text, or inside a character of the unit asked for."""


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_MANY_ASTRAL = 10_000


class OffsetMap:
    """Offsets into one text, converted between units. Tables are built on first use, per unit."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._bounds: dict[Unit, list[int] | None] = {}
        self._astral: tuple[Sequence[int], Sequence[int]] | None = None

    def _surrogates(self) -> tuple[Sequence[int], Sequence[int]]:
        """Where the astral characters are, in code points and in UTF-16 units.

        UTF-16 offsets differ from code points only after astral characters, which are
        rare: finding them with a regular expression (in C) and bisecting is far faster
        than a table with an entry per character.
        """
        if self._astral is None:
            points = [match.start() for match in _ASTRAL.finditer(self.text)]
            units = [point + n for n, point in enumerate(points)]
            # Lists bisect faster; arrays hold a large document's many in a fifth of the memory.
            many = len(points) > _MANY_ASTRAL
            self._astral = (array.array("q", points), array.array("q", units)) if many else (points, units)
        return self._astral

    def _table(self, unit: Unit) -> list[int] | None:
        """For each code point boundary, its offset in ``unit`` (None: the same as code points)."""
        if unit in self._bounds:  # built (or found unneeded) once per text and unit: converters ask often
            return self._bounds[unit]
        if unit is Unit.CODEPOINT or (unit is not Unit.GRAPHEME and self.text.isascii()):
            self._bounds[unit] = None
        else:
            if unit is Unit.GRAPHEME:
                # Here the table runs the other way: grapheme index -> code point offset.
                import regex  # grapheme clusters only; importing it costs more than most conversions

                self._bounds[unit] = [0, *(match.end() for match in regex.finditer(r"\X", self.text))]
            else:
                # String comparisons and accumulate: several times faster than ord() in a Python loop.
                widths = (1 if c < "\x80" else 2 if c < "\u0800" else 3 if c <= "\uffff" else 4 for c in self.text)
                self._bounds[unit] = list(itertools.accumulate(widths, initial=0))
        return self._bounds[unit]

    def size(self, unit: Unit) -> int:
        """The length of the text in ``unit``."""
        return self.from_codepoints(len(self.text), unit)

    def from_codepoints(self, offset: int, unit: Unit) -> int:
        """A code point offset, expressed in ``unit``."""
        if not 0 <= offset <= len(self.text):
            raise OffsetError(f"offset {offset} is outside a text of {len(self.text)} code points")
        if unit is Unit.UTF16:
            return offset + bisect.bisect_left(self._surrogates()[0], offset)
        table = self._table(unit)
        if table is None:
            return offset
        if unit is Unit.GRAPHEME:
            index = bisect.bisect_left(table, offset)
            if index == len(table) or table[index] != offset:
                raise OffsetError(f"code point offset {offset} falls inside a grapheme cluster")
            return index
        return table[offset]

    def to_codepoints(self, offset: int, unit: Unit) -> int:
        """An offset in ``unit``, expressed in code points."""
        if unit is Unit.UTF16:
            _, units = self._surrogates()
            if not 0 <= offset <= len(self.text) + len(units):
                raise OffsetError(f"utf16 offset {offset} falls inside a character or outside the text")
            before = bisect.bisect_left(units, offset)  # astral characters that start before the offset
            if before and units[before - 1] + 1 == offset:  # the second unit of a surrogate pair
                raise OffsetError(f"utf16 offset {offset} falls inside a character or outside the text")
            return offset - before
        table = self._table(unit)
        if table is None:
            if not 0 <= offset <= len(self.text):
                raise OffsetError(f"offset {offset} is outside a text of {len(self.text)} code points")
            return offset
        if unit is Unit.GRAPHEME:
            if not 0 <= offset < len(table):
                raise OffsetError(f"offset {offset} is outside a text of {len(table) - 1} grapheme clusters")
            return table[offset]
        index = bisect.bisect_left(table, offset)
        if index == len(table) or table[index] != offset:
            raise OffsetError(f"{unit.value} offset {offset} falls inside a character or outside the text")
        return index

    def convert(self, offset: int, source: Unit, target: Unit) -> int:
        """An offset in ``source`` units, expressed in ``target`` units."""
        return self.from_codepoints(self.to_codepoints(offset, source), target)

    def quote(self, start: int, end: int, unit: Unit) -> str:
        """The text between two offsets in ``unit``."""
        return self.text[self.to_codepoints(start, unit) : self.to_codepoints(end, unit)]


def detect_units(
    text: str, spans: Iterable[tuple[int, int, str]], candidates: Sequence[Unit] = tuple(Unit)
) -> list[Unit]:
    """The units, in ``candidates`` order, under which every (start, end, quote) matches ``text``.

    An empty list means no unit explains the file's offsets; several mean the
    quotes cannot tell them apart (an ASCII text matches every unit).
    """
    offsets = OffsetMap(text)
    spans = list(spans)
    matching = []
    for unit in candidates:
        try:
            if all(offsets.quote(start, end, unit) == quote for start, end, quote in spans):
                matching.append(unit)
        except OffsetError:
            continue
    return matching
