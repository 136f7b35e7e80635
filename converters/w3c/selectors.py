"""What W3C selectors (and their ``refinedBy`` chains) say about a span of text."""

from __future__ import annotations

import re

import attrs

from claimfmt.converters.w3c.terms import JSON, _types

_TEXT_SELECTORS = {"TextQuoteSelector", "TextPositionSelector", "RangeSelector", "FragmentSelector"}
_CHAR_FRAGMENT = re.compile(r"^char=(\d+),(\d+)$")
_MEDIA_FRAGMENT = re.compile(r"(^|[#&])(xywh|t|track|id)=")


@attrs.define
class _Selection:
    """What a target's selectors, taken together as alternatives, say about the text."""

    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    textual: bool = False
    media: bool = False

    def merge(self, other: _Selection) -> None:
        for field in ("exact", "prefix", "suffix", "start", "end"):
            if getattr(self, field) is None:
                setattr(self, field, getattr(other, field))
        self.textual |= other.textual
        self.media |= other.media


def _select(selector: JSON) -> _Selection:
    """What one selector (with its refinedBy chain) says; positions of refinements add to char= fragments."""
    found = _Selection()
    if not isinstance(selector, dict):
        return found
    types = _types(selector)
    if "TextQuoteSelector" in types and isinstance(selector.get("exact"), str):
        found.textual = True
        found.exact = selector["exact"]
        found.prefix = selector.get("prefix") if isinstance(selector.get("prefix"), str) else None
        found.suffix = selector.get("suffix") if isinstance(selector.get("suffix"), str) else None
    elif "TextPositionSelector" in types:
        found.textual = True
        found.start, found.end = _int(selector.get("start")), _int(selector.get("end"))
    elif "RangeSelector" in types:
        first, last = _select(selector.get("startSelector")), _select(selector.get("endSelector"))
        found.textual = first.textual or last.textual
        # The range runs from the start of the first selection to the start of the second, excluded.
        if first.start is not None and last.start is not None:
            found.start, found.end = first.start, last.start
    elif "FragmentSelector" in types:
        value = str(selector.get("value", ""))
        match = _CHAR_FRAGMENT.match(value)
        if match:
            found.textual = True
            found.start, found.end = int(match[1]), int(match[2])
        elif _MEDIA_FRAGMENT.search(value):
            found.media = True
        else:
            found.textual = True  # an XPointer or an id in a text document
    elif "SvgSelector" in types:
        found.media = True
    else:
        found.textual = bool(types & _TEXT_SELECTORS) or bool(types & {"XPathSelector", "CssSelector"})
    refined = selector.get("refinedBy")
    if isinstance(refined, dict):
        inner = _select(refined)
        offset = found.start if found.start is not None and found.exact is None else None
        found.exact, found.prefix, found.suffix = inner.exact, inner.prefix, inner.suffix
        if inner.start is not None and inner.end is not None and offset is not None:
            found.start, found.end = offset + inner.start, offset + inner.end
        elif inner.start is not None or inner.exact is not None:
            found.start, found.end = None, None
        found.textual |= inner.textual
        found.media |= inner.media
    return found


def _int(value: JSON) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and value >= 0 else None
