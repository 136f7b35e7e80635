"""Offset units: conversions checked against Python's own encoders, detection and re-anchoring."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimfmt.converters.offsets import OffsetError, OffsetMap, Unit, detect_units
from claimfmt.testing import texts


def _expected(text: str, codepoints: int, unit: Unit) -> int:
    head = text[:codepoints]
    if unit is Unit.UTF8:
        return len(head.encode("utf-8"))
    if unit is Unit.UTF16:
        return len(head.encode("utf-16-le")) // 2
    return codepoints


@given(texts(max_size=60), st.data())
def test_code_units_match_the_encoders(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    at = data.draw(st.integers(0, len(text)))
    for unit in (Unit.CODEPOINT, Unit.UTF8, Unit.UTF16):
        converted = offsets.from_codepoints(at, unit)
        assert converted == _expected(text, at, unit)
        assert offsets.to_codepoints(converted, unit) == at
    assert offsets.size(Unit.UTF16) == len(text.encode("utf-16-le")) // 2


@given(texts(max_size=60), st.data())
def test_any_two_units_convert_through_code_points(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    graphemes = offsets.size(Unit.GRAPHEME)
    g = data.draw(st.integers(0, graphemes))
    at = offsets.to_codepoints(g, Unit.GRAPHEME)
    for source in Unit:
        for target in Unit:
            value = offsets.from_codepoints(at, source)
            assert offsets.convert(value, source, target) == offsets.from_codepoints(at, target)


def test_graphemes_keep_clusters_whole() -> None:
    text = "e\u0301🇺🇦a\r\n"
    offsets = OffsetMap(text)
    assert offsets.size(Unit.GRAPHEME) == 4
    assert offsets.quote(1, 2, Unit.GRAPHEME) == "🇺🇦"
    with pytest.raises(OffsetError, match="inside a grapheme cluster"):
        offsets.from_codepoints(1, Unit.GRAPHEME)


def test_an_offset_inside_a_character_is_an_error() -> None:
    offsets = OffsetMap("a😀b")
    assert offsets.from_codepoints(2, Unit.UTF16) == 3
    with pytest.raises(OffsetError):
        offsets.to_codepoints(2, Unit.UTF16)  # between the surrogates
    with pytest.raises(OffsetError):
        offsets.to_codepoints(3, Unit.UTF8)  # inside the emoji's four bytes
    with pytest.raises(OffsetError):
        offsets.to_codepoints(99, Unit.CODEPOINT)


@given(texts(min_size=1, max_size=60), st.data())
def test_detection_finds_the_unit_a_file_used(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    unit = data.draw(st.sampled_from([Unit.CODEPOINT, Unit.UTF8, Unit.UTF16]))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    echoed = [(offsets.from_codepoints(start, unit), offsets.from_codepoints(end, unit), quote)]
    assert unit in detect_units(text, echoed)


def test_detection_tells_utf16_from_code_points() -> None:
    text = "Ministry: \u201cWe 😀 deny it.\u201d \U0001d54f said"
    start = text.index("deny")
    utf16 = OffsetMap(text).from_codepoints(start, Unit.UTF16)
    assert detect_units(text, [(utf16, utf16 + 4, "deny")]) == [Unit.UTF16]
    assert detect_units(text, [(start, start + 4, "deny")]) == [Unit.CODEPOINT, Unit.GRAPHEME]
    assert detect_units(text, [(0, 4, "nope")]) == []


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.data())
def test_utf16_offsets_agree_with_the_codec(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    units = [len(text[:n].encode("utf-16-le")) // 2 for n in range(len(text) + 1)]
    cp = data.draw(st.integers(0, len(text)))
    assert offsets.from_codepoints(cp, Unit.UTF16) == units[cp]
    unit = data.draw(st.integers(-1, units[-1] + 1))
    if unit in units:
        assert offsets.to_codepoints(unit, Unit.UTF16) == units.index(unit)
    else:
        with pytest.raises(OffsetError):
            offsets.to_codepoints(unit, Unit.UTF16)
