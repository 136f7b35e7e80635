"""Reading: JSON, JSON arrays, JSONL with line numbers, gzip, folders, stdin, and bad bytes."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt import reading
from claimfmt.issues import DocumentError
from claimfmt.testing import json_values

DOC: dict[str, Any] = {"claimfmt": "1.0", "id": "d", "article": {"text": "a 😀 b"}, "sources": [], "claims": []}
LINE = orjson.dumps(DOC) + b"\n"


def _codes(path: Path | io.BytesIO) -> list[tuple[int | None, int, str | None]]:
    return [(r.line, r.index, r.issue.code if r.issue else None) for r in claimfmt.iter_records(path)]


def test_single_document_file(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(orjson.dumps(DOC, option=orjson.OPT_INDENT_2))
    assert claimfmt.load(path).id == "d"
    assert _codes(path) == [(None, 0, None)]


def test_array_file(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_bytes(orjson.dumps([DOC, {**DOC, "id": "e"}]))
    assert [d.id for d in claimfmt.iter_documents(path)] == ["d", "e"]
    assert _codes(path) == [(None, 0, None), (None, 1, None)]


def test_large_arrays_are_streamed_element_by_element(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "_STREAM_ARRAY_BYTES", 10)
    path = tmp_path / "big.json"
    path.write_bytes(orjson.dumps([DOC, {**DOC, "id": "e"}, {**DOC, "extensions": {"org.x:f": 1.5}}]))
    loaded = list(claimfmt.iter_documents(path))
    assert [d.id for d in loaded] == ["d", "e", "d"]
    assert loaded[2].extensions == {"org.x:f": 1.5}
    path.write_bytes(orjson.dumps([DOC])[:-1] + b', {"claimfmt": ')
    assert _codes(path) == [(None, 0, None), (None, 1, "invalid-json")]


_BROKEN_ITEMS = [
    b'{"a": "\xff"}',
    b'"\\ud800"',
    b"[" * 1024 + b"]" * 1024,
    b"[" * 100_000 + b"]" * 100_000,
    b"1e400",
    b"18446744073709551616",
    b"{nope",
]


@pytest.mark.parametrize("broken", [None, *_BROKEN_ITEMS])
@given(st.lists(json_values(), max_size=5), st.integers(0, 5), st.sampled_from([b"", b" ", b"]", b" x"]))
def test_an_array_parsed_an_item_at_a_time_gives_what_parsing_it_whole_gives(
    broken: bytes | None, items: list[Any], at: int, tail: bytes
) -> None:
    # Items parsed as they are asked for (a large array's) must be the values, and the issues, of the whole text.
    parts = [orjson.dumps(item) for item in items]
    if broken is not None:
        parts.insert(min(at, len(parts)), broken)
    text = b"[" + b", ".join(parts) + b"]" + tail
    whole = list(reading._read_single(text, "a.json"))
    with mock.patch.object(reading, "_ITEMS_ONE_AT_A_TIME_ABOVE", 0):
        found = list(reading._read_single(text, "a.json"))
    if broken is None or not [r for r in whole if r.issue is not None]:
        assert found == whole
    else:  # the items before the one orjson rejects have come already; then the whole text's issue
        assert [r for r in found if r.issue is not None] == whole and len(whole) == 1
        assert [r.data for r in found if r.issue is None] == [orjson.loads(p) for p in parts[: len(found) - 1]]


def test_jsonl_keeps_line_numbers_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(LINE + b"\n   \n" + LINE + b"[1]\n" + b'{"claimfmt": "1.0", \n' + b"\xff\xfe\n" + LINE[:-10])
    assert _codes(path) == [
        (1, 0, None),
        (4, 1, None),
        (5, 2, None),  # parsed; not an object is for the validator to say
        (6, 3, "invalid-json"),
        (7, 4, "invalid-utf8"),
        (8, 5, "invalid-json"),
    ]
    last = list(claimfmt.iter_records(path))[-1]
    assert last.issue is not None and "cut short" in last.issue.message


def test_gzip_and_folders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl.gz").write_bytes(gzip.compress(LINE * 3))
    (tmp_path / "a.json").write_bytes(orjson.dumps(DOC))
    (tmp_path / "notes.txt").write_text("not a corpus file")
    (tmp_path / ".hidden.json").write_text("{")
    records = list(claimfmt.iter_records(tmp_path))
    assert [(Path(r.file).name, r.line) for r in records] == [
        ("a.json", None),
        ("b.jsonl.gz", 1),
        ("b.jsonl.gz", 2),
        ("b.jsonl.gz", 3),
    ]


def test_broken_gzip_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(LINE * 50)[:-30])
    records = list(claimfmt.iter_records(path))
    assert records[-1].issue is not None
    assert records[-1].issue.code == "unreadable-file"


def test_stream_sniffing_json_jsonl_and_array() -> None:
    pretty = orjson.dumps(DOC, option=orjson.OPT_INDENT_2)
    assert _codes(io.BytesIO(pretty)) == [(None, 0, None)]
    assert _codes(io.BytesIO(LINE * 2)) == [(1, 0, None), (2, 1, None)]
    assert _codes(io.BytesIO(b"  [" + LINE + b"]")) == [(None, 0, None)]


def test_a_long_first_line_is_still_jsonl() -> None:
    long_doc = {**DOC, "article": {"text": "x" * 10_000}}
    data = orjson.dumps(long_doc) + b"\n" + LINE
    assert [d.id for d in claimfmt.iter_documents(io.BytesIO(data))] == ["d", "d"]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(DOC))
    assert claimfmt.load(path).id == "d"


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "invalid-json"), (b"   \n", "invalid-json"), (b"{nope", "invalid-json"), (b'{"a": "\xff"}', "invalid-utf8")],
)
def test_bad_single_files(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as caught:
        claimfmt.load(path)
    assert [i.code for i in caught.value.issues] == [code]
    assert caught.value.issues[0].file == str(path)


def test_an_empty_jsonl_file_holds_no_documents(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    assert list(claimfmt.iter_records(path)) == []
    with pytest.raises(DocumentError, match="no-document"):
        claimfmt.load(path)


def test_load_rejects_several_documents(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    path.write_bytes(LINE * 2)
    with pytest.raises(DocumentError, match="several-documents"):
        claimfmt.load(path)


def test_document_errors_carry_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(LINE + orjson.dumps({**DOC, "bogus": 1}) + b"\n")
    with pytest.raises(DocumentError) as caught:
        list(claimfmt.iter_documents(path))
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.index, issue.pointer, issue.code) == (
        str(path),
        2,
        1,
        "/bogus",
        "unknown-key",
    )


def test_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(claimfmt.iter_records(tmp_path / "nope.json"))


def test_corrupt_gzip_data_is_reported_not_raised(tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(LINE * 50))
    packed[40:60] = b"\x00" * 20  # damage the deflate stream, not just its end
    path = tmp_path / "corrupt.jsonl.gz"
    path.write_bytes(bytes(packed))
    records = list(claimfmt.iter_records(path))
    assert records[-1].issue is not None
    assert records[-1].issue.code == "unreadable-file"
