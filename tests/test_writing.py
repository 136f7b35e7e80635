"""Writing: one document, corpora as JSONL or arrays, gzip, and atomic replacement."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt.model import Article, Document
from claimfmt.testing import documents

DOC = Document(claimfmt="1.1", id="d", article=Article(text="Ω 😀"), sources=(), claims=())


def test_dump_and_load(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    claimfmt.dump(DOC, path)
    assert claimfmt.load(path) == DOC
    assert "😀" in path.read_text(encoding="utf-8")  # non-ASCII kept as is
    assert path.read_text().endswith("\n")


@pytest.mark.parametrize("name", ["out.jsonl", "out.json", "out.jsonl.gz", "out.json.gz", "out.ndjson"])
def test_write_documents_by_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert claimfmt.write_documents(path, [DOC, DOC]) == 2
    assert list(claimfmt.iter_documents(path)) == [DOC, DOC]
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    if ".jsonl" in name or ".ndjson" in name:
        assert raw.count(b"\n") == 2
    else:
        assert isinstance(orjson.loads(raw), list)


def test_empty_array(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    assert claimfmt.write_documents(path, []) == 0
    assert orjson.loads(path.read_bytes()) == []


def test_an_error_midway_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text("good data\n")

    def failing() -> Iterator[Document]:
        yield DOC
        raise RuntimeError("converter failed")

    with pytest.raises(RuntimeError):
        claimfmt.write_documents(path, failing())
    assert path.read_text() == "good data\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl"]  # no temporary file left


def test_replacing_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text("old\n")
    path.chmod(0o640)
    claimfmt.write_documents(path, [DOC])
    assert path.stat().st_mode & 0o777 == 0o640


def test_dumps_is_compact_or_indented() -> None:
    assert "\n" not in claimfmt.dumps(DOC)
    assert claimfmt.dumps(DOC, indent=True).startswith('{\n  "claimfmt": "1.1"')
    # absent optional fields are left out, not written as null
    assert "null" not in claimfmt.dumps(DOC)


def test_files_written_as_one_replace_all_or_none(tmp_path: Path) -> None:
    """A folder output (brat, UIMA) is one run: an error midway leaves every old file, and no temporary one."""
    from claimfmt.writing import atomic_files

    old = tmp_path / "a.ann"
    old.write_text("old")
    old.chmod(0o640)
    with pytest.raises(RuntimeError), atomic_files() as files:
        files.write(old, b"new")
        files.write(tmp_path / "b.ann", b"new")
        raise RuntimeError("disk on fire")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ann"] and old.read_text() == "old"
    with atomic_files() as files:
        files.write(old, b"new")
        files.write(tmp_path / "b.ann", b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ann", "b.ann"]
    assert old.read_text() == "new" and (old.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path: Path, umask: int) -> None:
    import os

    from claimfmt.writing import atomic_files

    before = os.umask(umask)
    try:
        claimfmt.write_documents(tmp_path / "corpus.jsonl", [DOC])
        with atomic_files() as files:
            files.write(tmp_path / "a.ann", b"new")
    finally:
        os.umask(before)
    assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()} == dict.fromkeys(
        ["corpus.jsonl", "a.ann"], 0o666 & ~umask
    )


@given(documents(), st.booleans(), st.booleans())
def test_a_document_written_a_claim_at_a_time_is_written_as_a_whole_one(
    document: Document, indent: bool, held: bool
) -> None:
    """writing.Streamed (for a large document, holding its JSON or not) gives the same bytes as writing it whole."""
    import claimfmt.writing as writing
    from claimfmt.structuring import trusted, unstructure

    if held:  # as a converter's reader gives it
        document = trusted(unstructure(document))
        assert document._json is not None
    whole = orjson.dumps(unstructure(document), option=orjson.OPT_INDENT_2 if indent else 0)
    was, writing.STREAMED_CLAIMS = writing.STREAMED_CLAIMS, -1
    try:
        assert isinstance(writing.to_json(document), writing.Streamed)
        assert claimfmt.dumps(document, indent=indent).encode() == whole
        out = io.BytesIO()
        writing.write_json_values(out, [writing.to_json(document), writing.to_json(document)], jsonl=True)
    finally:
        writing.STREAMED_CLAIMS = was
    assert out.getvalue() == (orjson.dumps(unstructure(document)) + b"\n") * 2


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@given(
    st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=3),
    st.lists(_JSON_VALUES, max_size=3),
    st.none() | st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=2),
    st.sampled_from(
        [0, orjson.OPT_APPEND_NEWLINE, orjson.OPT_INDENT_2, orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE]
    ),
)
def test_a_streamed_value_with_late_keys_is_the_value_written_whole(
    head: dict[str, Any], items: list[Any], late: dict[str, Any] | None, option: int
) -> None:
    """Items written one at a time, and keys made after them (a W3C collection's record), give the bytes
    orjson gives for the value whole."""
    from claimfmt.writing import Streamed, _write_value

    # Late keys are the value's other keys (a W3C collection's record): never the one its items stream into.
    late = None if late is None else {k: v for k, v in late.items() if k != "page"}
    head = {k: v for k, v in head.items() if k not in ("page", *(late or {}))}
    head["page"] = {"id": "p", "items": None}
    whole = {**head, "page": {"id": "p", "items": items}, **(late or {})}
    out = io.BytesIO()
    _write_value(out, Streamed(head=head, at=("page", "items"), items=iter(items), late=lambda: late or {}), option)
    assert out.getvalue() == orjson.dumps(whole, option=option)


@given(
    st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=3),
    st.lists(_JSON_VALUES, max_size=3),
    st.lists(st.lists(_JSON_VALUES, max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=3),
    st.lists(_JSON_VALUES, max_size=3),
    st.sampled_from(
        [0, orjson.OPT_APPEND_NEWLINE, orjson.OPT_INDENT_2, orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE]
    ),
)
def test_spooled_values_are_written_as_the_values_they_hold(
    head: dict[str, Any],
    items: list[Any],
    tails: list[list[Any]],
    members: dict[str, Any],
    spooled: list[Any],
    option: int,
) -> None:
    """Arrays and objects spooled to a file as they come (a large document's relations and record fragments), in
    the late keys at any depth, and arrays whose items follow the streamed ones (Label Studio's results), with the
    array inside a list: the bytes orjson gives for the value whole, compact or indented."""
    from claimfmt.writing import Spool, Streamed, _write_value

    def spool(values: list[Any]) -> Spool:
        found = Spool()
        for value in values:
            found.add(value)
        return found

    keyed = Spool(keyed=True)
    for key, value in members.items():
        keyed.add(value, key)
    head = {k: v for k, v in head.items() if k not in ("pages", "record", "relations")}
    head["pages"] = [{"id": "p", "items": None, "by": "x"}]
    late = {"relations": spool(spooled), "record": {"v": 1, "claims": keyed, "more": [keyed.count, None]}}
    whole = {
        **head,
        "pages": [{"id": "p", "items": items + [item for tail in tails for item in tail], "by": "x"}],
        "relations": spooled,
        "record": {"v": 1, "claims": members, "more": [len(members), None]},
    }
    value = Streamed(
        head=head,
        at=("pages", 0, "items"),
        items=iter(items),
        late=lambda: late,
        tail=lambda: [spool(tail) for tail in tails],
    )
    out = io.BytesIO()
    _write_value(out, value, option)
    assert out.getvalue() == orjson.dumps(whole, option=option)
    assert head["pages"][0]["items"] is None  # the head as it was


def test_a_spool_holds_one_kind() -> None:
    from claimfmt.writing import Spool

    with pytest.raises(TypeError, match="have keys"):
        Spool(keyed=True).add(1)
    with pytest.raises(TypeError, match="have keys"):
        Spool().add(1, "key")
