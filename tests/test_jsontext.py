"""A large JSON text parsed a part at a time (claimfmt.jsontext.loads) gives what orjson gives parsing it whole."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claimfmt import jsontext

from .conftest import EXAMPLES

_KEYS = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x1F700, blacklist_categories=("Cs",))
    | st.sampled_from('"\\\n\x00é😀'),
    max_size=4,
)
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)  # beyond 64 bits: orjson gives a float
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@pytest.fixture(autouse=True)
def _every_text_is_split(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(jsontext, "SPLIT_ABOVE", 0)
    monkeypatch.setattr(jsontext, "_PART", 8)  # every array and object of a few items is split, items grouped
    yield


def _either(text: bytes) -> Any:
    try:
        return ("value", orjson.loads(text))
    except orjson.JSONDecodeError as exc:
        return ("error", str(exc))


def _parsed(text: bytes) -> Any:
    try:
        return ("value", jsontext.loads(text))
    except orjson.JSONDecodeError as exc:
        return ("error", str(exc))


def _same(found: Any, expected: Any) -> bool:
    """The same error, or equal values (compared as Python cannot, where they are 1,000 levels deep)."""
    return found[0] == expected[0] and (
        found[1] == expected[1] if found[0] == "error" else jsontext.equal(*[found[1], expected[1]])
    )


def _text(value: Any, indent: bool, duplicate: bool) -> bytes:
    # Python's encoder: orjson writes no integer beyond 64 bits, which it reads (as a float).
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None).encode()
    if duplicate and text.startswith(b"{") and len(text) > 2:
        text = b'{"k": [1, 2, 3],' + text[1:-1] + b', "k": {"again": true}}'  # a key twice: the last value, first place
    return text


@given(_VALUES, st.booleans(), st.booleans())
@example({"a": [1] * 20, "b": "x" * 40, "c": {"d": [{"e": 2**64}] * 3}}, True, True)
def test_a_text_split_in_parts_gives_what_orjson_gives_whole(value: Any, indent: bool, duplicate: bool) -> None:
    text = _text(value, indent, duplicate)
    expected = orjson.loads(text)
    found = jsontext.loads(text)
    assert found == expected
    assert orjson.dumps(found) == orjson.dumps(expected)  # key order too


@given(_VALUES, st.data())
def test_a_damaged_text_split_in_parts_fails_as_orjson_fails(value: Any, data: st.DataObject) -> None:
    text = bytearray(_text(value, data.draw(st.booleans()), False))
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    byte = data.draw(st.sampled_from([b",", b"]", b"}", b"{", b"[", b'"', b":", b"\xff", b"\x00", b" ", b"0", b"\\"]))
    if cut == "insert":
        text[at:at] = byte
    elif cut == "delete":
        del text[at : at + 1]
    else:
        text[at : at + 1] = byte
    assert _same(_parsed(bytes(text)), _either(bytes(text)))


@pytest.mark.parametrize("levels", [1, 1_020, 1_023, 1_024, 1_025, 1_100])
@pytest.mark.parametrize("big", [False, True])
def test_orjson_depth_limit_holds_in_parts_as_in_the_whole(
    levels: int, big: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each part is parsed at the depth it has in the whole: a value too deep for orjson whole is too deep split.
    # msgspec splits no deeper than Python recurses (then the text is parsed whole): here it may, and the deep
    # value is one part.
    monkeypatch.setattr(jsontext, "_PART", 2_500)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(5_000)
    try:
        _deep(levels, big)
    finally:
        sys.setrecursionlimit(limit)


def _deep(levels: int, big: bool) -> None:
    inner = b"[" * levels + b"]" * levels
    text = b'{"a": [' + (b'"' + b"x" * 100 + b'",') * (30 if big else 0) + inner + b"]}"
    whole = _either(text)
    assert whole[0] == ("value" if levels + 2 <= 1_024 else "error")  # both sides of orjson's limit
    try:
        split: Any = ("value", jsontext._split(memoryview(text), 0, lambda: None, (), {}))
    except orjson.JSONDecodeError:
        split = ("error", None)
    assert split[0] == whole[0]  # told by the parts themselves, not by parsing the text whole
    assert _same(_parsed(text), whole)


def _kept(text: bytes) -> tuple[str, bytes]:
    return ("kept", text)


def _unkept(value: Any) -> Any:
    """``value`` with the stand-ins of members kept unparsed parsed."""
    if isinstance(value, tuple) and value[:1] == ("kept",):
        return orjson.loads(value[1])
    if isinstance(value, dict):
        return {key: _unkept(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unkept(item) for item in value]
    return value


def _damaged_and_parsed(
    value: Any, indent: bool, data: st.DataObject, unparsed: jsontext.KeepAsText
) -> tuple[Any, Any]:
    """What ``jsontext.loads`` with ``unparsed`` and ``orjson.loads`` give of the text of ``value``, maybe damaged
    by a byte put in: ("value", ...) or ("error", its message), the same error from both."""
    text = bytearray(_text(value, indent, False))
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(text)))
        text[at:at] = data.draw(st.sampled_from([b",", b"]", b"}", b"{", b"[", b'"', b":", b"\xff", b"\\"]))
    try:
        found: Any = ("value", jsontext.loads(bytes(text), unparsed=unparsed))
    except orjson.JSONDecodeError as exc:
        found = ("error", str(exc))
    expected = _either(bytes(text))
    assert found[0] == expected[0]
    if found[0] == "error":
        assert found[1] == expected[1]
    return found, expected


@given(st.dictionaries(_KEYS, _VALUES, max_size=6), _VALUES, st.booleans(), st.data())
def test_members_kept_unparsed_are_what_orjson_gives_whole_and_a_damaged_text_fails_as_it_fails(
    fragments: dict[str, Any], rest: Any, indent: bool, data: st.DataObject
) -> None:
    """A record's fragments kept as text (``unparsed``) parse to what parsing the text whole gives, in place; a text
    orjson does not read fails as it fails, fragments and all (each is parsed, and let go)."""
    value = {"rest": rest, "record": {"v": 1, "claims": fragments, "after": [rest]}, "last": True}
    found, expected = _damaged_and_parsed(value, indent, data, {("record", "claims"): _kept})
    if found[0] == "error":
        return
    claims = found[1].get("record", {}).get("claims") if isinstance(found[1], dict) else None
    if isinstance(claims, dict) and len(json.dumps(expected[1]["record"]["claims"])) > 8:  # split: all kept as text
        assert all(isinstance(item, tuple) and item[0] == "kept" for item in claims.values())
    assert orjson.dumps(_unkept(found[1])) == orjson.dumps(expected[1])  # key order too


def _array(text: bytes, items: Iterator[Any], *, taken: int) -> tuple[str, bytes, list[Any]]:
    return ("array", text, [item for _, item in zip(range(taken), items, strict=False)])


@given(st.lists(_VALUES, max_size=8), _VALUES, st.booleans(), st.integers(0, 9), st.data())
def test_an_array_kept_unparsed_is_what_orjson_gives_whole_and_a_damaged_text_fails_as_it_fails(
    tokens: list[Any], rest: Any, indent: bool, taken: int, data: st.DataObject
) -> None:
    """A large array kept as text (``unparsed``, Prodigy's tokens) is its text and the items its stand-in takes, as
    parsing the text whole gives them; a text orjson does not read fails as it fails, whether the stand-in takes
    the item orjson does not read or leaves it (what it leaves is parsed after it)."""
    value = {"rest": rest, "tokens": tokens, "after": {"tokens": tokens}}

    def kept(text: bytes, items: Iterator[Any]) -> tuple[str, bytes, list[Any]]:
        return _array(text, items, taken=taken)

    found, expected = _damaged_and_parsed(value, indent, data, {("tokens",): jsontext.WholeArray(kept)})
    if found[0] == "error":
        return
    if not isinstance(expected[1], dict) or not isinstance(expected[1].get("tokens"), list):
        return  # damaged into another value orjson reads
    stand_in = found[1]["tokens"]
    # Kept where its text is longer than a part (8 bytes here): surely where even its compact text is.
    assert isinstance(stand_in, tuple) or len(orjson.dumps(expected[1]["tokens"])) <= 8
    if isinstance(stand_in, tuple):
        assert stand_in[0] == "array"
        assert orjson.dumps(orjson.loads(stand_in[1])) == orjson.dumps(expected[1]["tokens"])
        assert orjson.dumps(stand_in[2]) == orjson.dumps(expected[1]["tokens"][:taken])
        found[1]["tokens"] = orjson.loads(stand_in[1])
    assert orjson.dumps(found[1]) == orjson.dumps(expected[1])  # only the path named is kept


@pytest.mark.parametrize("taken", [0, 1, 3])
@pytest.mark.parametrize("bad", [b'"\xff"', b'"\\ud800"', b"01", b"[" * 1030 + b"]" * 1030])
def test_an_array_kept_unparsed_with_an_item_orjson_does_not_read_fails_as_the_whole_text_fails(
    bad: bytes, taken: int
) -> None:
    text = b'{"tokens": [{"text": "a"}, ' + bad + b', {"text": "b"}], "rest": 1}'
    with pytest.raises(orjson.JSONDecodeError) as whole:
        orjson.loads(text)
    with pytest.raises(orjson.JSONDecodeError) as split:
        jsontext.loads(
            text, unparsed={("tokens",): jsontext.WholeArray(lambda text, items: _array(text, items, taken=taken))}
        )
    assert str(split.value) == str(whole.value)


def test_what_is_kept_unparsed_is_parsed_as_usual_where_it_is_not_of_the_kind_named() -> None:
    """An array where members are kept, and an object where an array is (a damaged record, a damaged task), are
    parsed as any other part."""
    value = {"record": {"claims": [{"at": [n]} for n in range(5)]}, "tokens": {"a": [1, 2, 3], "b": "x" * 20}}
    text = orjson.dumps(value)
    kept = {("record", "claims"): _kept, ("tokens",): jsontext.WholeArray(lambda text, items: ("array", text))}
    assert jsontext.loads(text, unparsed=kept) == value


@pytest.mark.parametrize("bad", [b'"\xff"', b'"\\ud800"', b"[1, 2,]", b"01"])
def test_a_member_kept_unparsed_that_orjson_does_not_read_fails_as_the_whole_text_fails(bad: bytes) -> None:
    text = b'{"record": {"claims": {"T1": {"at": [1, 2]}, "T2": ' + bad + b', "T3": {}}}}'
    with pytest.raises(orjson.JSONDecodeError) as whole:
        orjson.loads(text)
    with pytest.raises(orjson.JSONDecodeError) as split:
        jsontext.loads(text, unparsed={("record", "claims"): _kept})
    assert str(split.value) == str(whole.value)


def test_a_lone_surrogate_in_a_key_of_a_split_object_fails_as_orjson_fails() -> None:
    text = b'{"\\ud800": [' + b"1," * 40 + b'1], "b": 2}'
    assert _either(text)[0] == "error"
    with pytest.raises(orjson.JSONDecodeError):
        jsontext.loads(text)


def test_files_and_lines_read_in_parts_are_the_records_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimfmt.reading import iter_records

    damaged = tmp_path / "damaged.json"
    damaged.write_bytes((EXAMPLES / "seed-article.claimfmt.json").read_bytes()[:-40])
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(b'{"a": [1, 2, 3, {"b": "c"}]}\n{"a": [1, 2,, 3]}\n[' + b"1," * 30 + b"2]\n")
    paths = [*sorted(EXAMPLES.glob("*.json")), damaged, lines]

    def records() -> list[Any]:
        return [(r.file, r.line, r.index, r.data, r.issue) for r in iter_records(*paths)]

    split = records()
    monkeypatch.setattr(jsontext, "SPLIT_ABOVE", 10**12)
    assert split == records()
    assert any(issue is not None for *_, issue in split)
