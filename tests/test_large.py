"""Large single documents are checked a claim at a time (claimfmt.large), with the report of reading them whole."""

from __future__ import annotations

import contextlib
import copy
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

import claimfmt
from claimfmt import jsontext, large
from claimfmt.converters import claimfmt_json, remainder
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.mapping import preset
from claimfmt.converters.offsets import Unit
from claimfmt.converters.w3c.terms import RECORD_TERM
from claimfmt.issues import Severity
from claimfmt.model import Document
from claimfmt.structuring import as_json
from claimfmt.testing import documents, json_documents
from claimfmt.validation import validate_sources

from .conftest import EXAMPLES, ROOT
from .test_validators import BREAKS, _break, _mutated
from .test_w3c import _W3C_KEYS, _W3C_VALUES


@pytest.fixture(autouse=True)
def _small_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(large, "LARGE", 100)  # every test document counts as large


def _whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setattr(large, "LARGE", 10**12)
        return [i.format() for i in validate_sources([path]).issues]


@given(
    json_documents().flatmap(lambda d: st.one_of(st.just(d), _mutated(d))),
    st.sampled_from([*BREAKS, "self-relation", "dangling-relation", "none"]),
    st.data(),
)
def test_a_large_document_gets_the_report_of_one_read_whole(doc: Any, how: str, data: st.DataObject) -> None:
    doc = copy.deepcopy(doc)
    relations = doc.get("relations") if isinstance(doc, dict) else None
    if how.endswith("-relation"):
        # Relations are checked once every claim has been seen: break one.
        if isinstance(relations, list) and relations and isinstance(relations[0], dict):
            relations[0]["to"] = relations[0].get("from") if how == "self-relation" else "zz-nowhere"
    elif how != "none" and isinstance(doc, dict) and isinstance(doc.get("claims"), list):
        # A mutated document the break cannot find its way in is checked as it is.
        with contextlib.suppress(KeyError, TypeError, AttributeError, IndexError):
            _break(doc, how, data)
    try:
        data = orjson.dumps(doc)
    except TypeError:  # an integer beyond 64 bits, which no claimfmt file holds
        assume(False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "doc.json")
        path.write_bytes(data)
        settled = large.validate_large(path)
        was, large.LARGE = large.LARGE, 10**12  # read whole
        try:
            issues = claimfmt.validate(path)
        finally:
            large.LARGE = was
        whole = [i.format() for i in issues]
        if settled is not None:  # nothing, or an article without text's one warning
            assert [(i.code, i.message) for i in settled] == [(i.code, i.message) for i in issues]
            assert {i.code for i in settled} <= {"span-checks-skipped"}
        run = validate_sources([path])
        assert [i.format() for i in run.issues] == whole and run.documents == 1


def test_a_valid_large_document_is_settled_a_claim_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_bytes(orjson.dumps(orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())))
    assert large.is_large(path) and large.validate_large(path) == []
    run = validate_sources([tmp_path])
    assert (run.documents, run.issues) == (1, [])


@pytest.mark.parametrize(
    "what",
    ["array", "version-1.0", "bom", "not-json", "claims-not-a-list", "no-claims", "gzip"],
)
def test_what_is_not_one_valid_current_document_is_read_whole(
    what: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed: dict[str, Any] = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    data = orjson.dumps(seed)
    name = "doc.json"
    if what == "array":
        data = orjson.dumps([seed, seed])
    elif what == "version-1.0":
        data = (ROOT / "tests" / "cases" / "format-1.0" / "seed-article.claimfmt.json").read_bytes()
    elif what == "bom":
        data = b"\xef\xbb\xbf" + data
    elif what == "not-json":
        data = data[:-5]
    elif what == "claims-not-a-list":
        data = orjson.dumps({**seed, "claims": {"c": 1}})
    elif what == "no-claims":
        data = orjson.dumps({k: v for k, v in seed.items() if k != "claims"})
    else:
        import gzip

        name, data = "doc.json.gz", gzip.compress(data)
    path = tmp_path / name
    path.write_bytes(data)
    expected = _whole(path, monkeypatch)
    if what not in ("bom", "gzip"):
        assert large.validate_large(path) in (None, [])
    assert [i.format() for i in validate_sources([path]).issues] == expected


@given(json_documents(), st.booleans())
def test_a_large_document_is_built_as_the_one_read_whole(doc: dict[str, Any], bom: bool) -> None:
    # Built claim by claim from a mapped file, repeated values shared: the same document as read whole, or
    # None (read whole then) exactly where the one pass does not settle it.
    data = (b"\xef\xbb\xbf" if bom else b"") + orjson.dumps(doc)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "doc.json")
        path.write_bytes(data)
        built = large.read_large(path)
        settled = large.validate_large(path)
    whole = claimfmt.loads(orjson.dumps(doc))
    assert (built is None) == (settled is None)
    if built is not None:
        assert built == whole
        assert claimfmt.dumps(built) == claimfmt.dumps(whole)


def test_the_claims_of_a_large_document_share_their_repeated_values(tmp_path: Path) -> None:
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    path = tmp_path / "seed.json"
    path.write_bytes(orjson.dumps(seed))
    document = large.read_large(path)
    assert document is not None and document == claimfmt.loads(orjson.dumps(seed))
    ids = {source.id: source.id for source in document.sources}
    cited = [a.source for claim in document.claims for a in claim.attributions]
    assert cited and all(source is ids[source] for source in cited)
    for field in ("assessed_by", "assessed_at"):
        values = [getattr(v, field) for c in document.claims for v in c.verifications or ()]
        assert len(values) > len(set(values)) and len({id(value) for value in values}) == len(set(values))


def test_an_empty_or_unmappable_large_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert large.read_large(path) is None and large.validate_large(path) is None


def _converted(path: Path, target: str, output: Path, options: Options) -> tuple[LossReport, Any, list[Path]]:
    """The report and the parsed output of converting ``path``, and which files were read whole to do it."""
    read_whole: list[Path] = []
    read_large = claimfmt_json.read_large

    def spy(file: Any) -> Any:
        read_whole.append(Path(file))
        return read_large(file)

    whole = large.LargeDocument.whole

    def built_whole(document: large.LargeDocument) -> Any:  # a writer that takes the document whole after all
        read_whole.append(path)
        return whole(document)

    claimfmt_json.read_large = spy  # type: ignore[assignment]
    large.LargeDocument.whole = built_whole  # type: ignore[method-assign]
    try:
        report = claimfmt.convert(
            [path], source_format="claimfmt", target_format=target, output=output, options=options
        )
    finally:
        claimfmt_json.read_large = read_large  # type: ignore[assignment]
        large.LargeDocument.whole = whole  # type: ignore[method-assign]
    if output.is_dir():  # brat's folder: the record's notes as JSON (a source's mention keeps the file's key order)
        return report, {file.name: _ann(file.read_text()) for file in sorted(output.iterdir())}, read_whole
    if output.suffix == ".parquet":  # compared as tables by the caller
        return report, None, read_whole
    lines = output.read_bytes().splitlines() if output.suffix == ".jsonl" else [output.read_bytes()]
    return report, [orjson.loads(line) for line in lines], read_whole


def _ann(content: str) -> list[Any]:
    found: list[Any] = []
    for line in content.split("\n"):
        head, _, note = line.rpartition("\tclaimfmt-")
        kind, _, value = note.partition(": ")
        found.append((head, kind, orjson.loads(value)) if head.startswith("#") and value else line)
    return found


def _both_ways(
    path: Path, target: str, suffix: str, options: Options
) -> tuple[tuple[LossReport, Any, list[Path]], tuple[LossReport, Any]]:
    """:func:`_converted` as a large file, and as one read whole (beside ``path``)."""
    streamed = _converted(path, target, path.with_name("streamed" + suffix), options)
    was, large.LARGE = large.LARGE, 10**12
    try:
        whole, expected, _ = _converted(path, target, path.with_name("whole" + suffix), options)
    finally:
        large.LARGE = was
    return streamed, (whole, expected)


_TEXTLESS = {
    "claimfmt": "1.1",
    "id": "d",
    "article": {},
    "sources": [],
    "claims": [
        {"id": "c", "text": "t", "spans": [{"exact": "q"}, {"start": 3, "end": 4, "exact": "r"}], "attributions": []}
    ],
}

_AT_ONE_PLACE = {
    "claimfmt": "1.1",
    "id": "d",
    "article": {"text": "ab cd"},
    "sources": [],
    "claims": [
        {"id": f"c{n}", "text": "ab", "spans": [{"start": 0, "end": 2, "exact": "ab"}], "attributions": []}
        for n in (1, 2)
    ],
}


@given(
    json_documents(),
    st.sampled_from(
        [
            "claimfmt",
            "w3c",
            "w3c --record",
            "w3c --record --offset-unit utf16",
            "doccano",
            "labelstudio",
            "brat",
            "prodigy",
            "averitec",
            "claimreview",
            "claimreview --record",
        ]
    ),
    st.sampled_from([".json", ".jsonl"]),
)
@example(_TEXTLESS, "claimfmt", ".json").via("an article without text: its one warning reported")
@example(_TEXTLESS, "w3c", ".json").via("an article without text, to public W3C")
@example(_AT_ONE_PLACE, "prodigy", ".jsonl").via("two claims at one place: Prodigy's reader takes them for one")
def test_one_large_document_converts_a_claim_at_a_time_as_when_read_whole(
    doc: dict[str, Any], target: str, suffix: str
) -> None:
    # To claimfmt, W3C and ClaimReview (public or with --record), the tools and AVeriTeC, the claims of one large
    # valid file are written as each is built, never all held: the output and the report of the document read whole.
    fmt, record = target.split()[0], "--record" in target
    options = Options(record=record, offset_unit=Unit.UTF16 if target.endswith("utf16") else None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "doc.json")
        path.write_bytes(orjson.dumps(doc))
        (streamed, out, read), (whole, expected) = _both_ways(path, fmt, suffix, options)
        small = not large.is_large(path)  # read as any file is: never by read_large
        settled = large.validate_large(path) is not None  # with nothing to report, or one warning
    # Without a text to count UTF-16 offsets in, the annotations carry none: claims with offsets come back without
    # the first span that pairs them with ours, and the document is converted whole.
    utf16 = options.offset_unit is Unit.UTF16
    unpaired = utf16 and isinstance(doc, dict) and doc.get("article", {}).get("text") is None
    # The tools write whole what a claim alone does not give (a claim without a span in the text, one whose spans
    # another claim retypes, fewer attributions read back than written): never a document that has none of those.
    alone = fmt not in ("doccano", "labelstudio", "brat", "prodigy") or _alone_to_a_tool(doc, fmt)
    if fmt == "averitec":  # a record a claim; one claim alone may carry the record's patch: written whole
        alone = isinstance(doc, dict) and len(doc.get("claims", [])) > 1
    assert (read == []) == (small or settled) or unpaired or not alone  # a claim at a time: never read whole
    assert out == expected
    assert streamed.to_json() == whole.to_json()


@settings(max_examples=30, deadline=None)
@given(json_documents())
def test_one_large_document_to_parquet_is_its_claims_put_in_columns_a_thousand_at_a_time(doc: dict[str, Any]) -> None:
    import pyarrow.parquet as pq

    from claimfmt import arrow

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrow, "_CLAIMS_AT_ONCE", 2)  # several chunks from a few claims
        path = Path(folder, "doc.json")
        path.write_bytes(orjson.dumps(doc))
        (streamed, _, read), (whole, _) = _both_ways(path, "parquet", ".parquet", Options())
        tables = [pq.read_table(Path(folder, name)) for name in ("streamed.parquet", "whole.parquet")]
        small, settled = not large.is_large(path), large.validate_large(path) is not None
    assert (read == []) == (small or settled)  # a claim at a time: never read whole
    assert tables[0].equals(tables[1]) and tables[0].schema.equals(tables[1].schema, check_metadata=True)
    assert streamed.to_json() == whole.to_json()


def _alone_to_a_tool(doc: Any, tool: str) -> bool:
    """Whether a tool can write a document a claim at a time: text, every claim placed in it, no tool type kept;
    for doccano and Label Studio, each attribution linked to something they hold (a source's mention, a cue, a
    hedge: brat's events hold attributions of nothing); for brat, a text it reads as written; for Prodigy, which
    knows a span by its place and label, no two claims (or sources) at one place."""
    if not isinstance(doc, dict) or not isinstance(doc.get("article", {}).get("text"), str):
        return False
    text, claims = doc["article"]["text"], doc.get("claims", [])
    if tool == "brat" and ("\r\n" in text or "\x00" in text or text.startswith("\ufeff")):
        return False
    kinds: dict[Any, set[str]] = {}  # brat keeps a second kind on a hedge's span as a line it does not map
    for hedge in (h for c in claims for a in c["attributions"] for h in a.get("hedges") or ()):
        if isinstance(hedge.get("span"), dict):
            kinds.setdefault((hedge["span"].get("start"), hedge["span"].get("end")), set()).add(hedge["kind"])
    if tool == "brat" and any(len(found) > 1 for found in kinds.values()):
        return False
    if tool == "prodigy":
        firsts = [next((_at(s) for s in c["spans"] if _in(s, text)), None) for c in claims]
        mentions = [next((_at(m) for m in s.get("mentions") or () if _in(m, text)), None) for s in doc["sources"]]
        for places in (firsts, mentions):
            placed = [place for place in places if place is not None]
            if len(set(placed)) < len(placed):
                return False
    mentioned = {s["id"] for s in doc.get("sources", []) if any(_in(m, text) for m in s.get("mentions") or ())}

    def linked(attribution: Any) -> bool:
        spans = [attribution.get("cue") or {}, *(h.get("span") or {} for h in attribution.get("hedges") or ())]
        return attribution["source"] in mentioned or any(_in(span, text) for span in spans)

    typed = "org.claimfmt.tool:" in orjson.dumps(doc).decode()
    return not typed and all(
        any(_in(span, text) for span in claim["spans"])
        and (tool == "brat" or all(linked(a) for a in claim["attributions"]))
        for claim in claims
    )


def _at(span: Any) -> tuple[int, int]:
    return span["start"], span["end"]


def _in(span: Any, text: str) -> bool:
    start, end = span.get("start"), span.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


_CHANGES = (
    "another claim's cue",
    "a cue where another claim's hedge is",
    "no cue",
    "a cue typed as the attribution",
    "a hedge typed as the attribution",
    "the attribution typed as a cue",
    "nothing linked",
    "another claim's hedge, of a kind drawn",
    "one event with other claims",
    "a trigger of its own where another claim's cue is",
    "the attribution typed as PolNeAR's second type",
    "the claim's span another claim's",
)


@given(st.sampled_from(["doccano", "labelstudio", "brat", "prodigy"]), st.data())
def test_tools_write_claims_that_share_spans_a_claim_at_a_time_as_when_read_whole(
    tool: str, data: st.DataObject
) -> None:
    # The seed article's claims made to share cues and hedges (a span one claim writes as an entity and another
    # makes its trigger, or retypes, when typed so), to cite sources whose mentions are gone, and attributions
    # doccano links to nothing (a reader gets fewer back); for brat, hedges shared with another kind (a second
    # attribute on one span), brat events naming several claims, triggers of their own shared, and two claims on one
    # span (one to Prodigy, which knows a span by its place and label): written a claim at a time where a claim
    # alone gives what the whole gives, else whole; the same output and report either way.
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    cues = [a["cue"] for c in seed["claims"] for a in c["attributions"] if a.get("cue")]
    hedges = [h["span"] for c in seed["claims"] for a in c["attributions"] for h in a.get("hedges") or ()]
    event_of_several = {
        **copy.deepcopy(seed["claims"][0]["attributions"][0]),
        "extensions": {"org.claimfmt.tool:event": "E1"},
    }
    changes = sorted(data.draw(st.sets(st.sampled_from(_CHANGES)), label="changes"))
    unmentioned = data.draw(st.sets(st.sampled_from([s["id"] for s in seed["sources"]])), label="mentions gone")
    for source in seed["sources"]:
        if source["id"] in unmentioned:
            source.pop("mentions", None)
    spans = [c["spans"] for c in seed["claims"]]
    for claim in seed["claims"]:
        if "the claim's span another claim's" in changes and data.draw(st.booleans()):
            claim["spans"] = copy.deepcopy(data.draw(st.sampled_from(spans)))
        for attribution in claim["attributions"]:
            change = data.draw(st.sampled_from(["as it is", *changes]))
            if change == "another claim's cue":
                attribution["cue"] = copy.deepcopy(data.draw(st.sampled_from(cues)))
            elif change == "a cue where another claim's hedge is":
                attribution["cue"] = copy.deepcopy(data.draw(st.sampled_from(hedges)))
            elif change == "a hedge typed as the attribution" and attribution.get("hedges"):
                attribution["hedges"][0]["extensions"] = {"org.claimfmt.tool:type": "Attribution"}
            elif change == "the attribution typed as PolNeAR's second type":
                attribution["extensions"] = {"org.claimfmt.tool:type": "Attribution-no-source"}
            elif change == "the attribution typed as a cue":
                attribution["extensions"] = {"org.claimfmt.tool:type": "Cue"}
            elif change == "no cue":
                attribution.pop("cue", None)
            elif change == "a cue typed as the attribution" and "cue" in attribution:
                attribution["cue"]["extensions"] = {"org.claimfmt.tool:type": "Attribution"}
            elif change == "nothing linked":
                attribution.pop("cue", None)
                attribution.pop("hedges", None)
            elif change == "another claim's hedge, of a kind drawn":
                kind = data.draw(st.sampled_from(["alleged", "modal", "other"]))
                span = copy.deepcopy(data.draw(st.sampled_from(hedges)))
                attribution["hedges"] = [{"kind": kind, "text": span["exact"], "span": span}]
            elif change == "one event with other claims":
                attribution.clear()
                attribution.update(copy.deepcopy(event_of_several))
            elif change == "a trigger of its own where another claim's cue is":
                cue = data.draw(st.sampled_from(cues))
                attribution["extensions"] = {"org.claimfmt.tool:trigger": [[cue["start"], cue["end"]]]}
    assume(not any(i.severity is Severity.ERROR for i in claimfmt.validate(seed)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "doc.json")
        path.write_bytes(orjson.dumps(seed))
        suffix = "" if tool == "brat" else data.draw(st.sampled_from([".json", ".jsonl"]), label="suffix")
        mapping = data.draw(st.sampled_from(["default", "polnear"]), label="mapping")
        options = Options(mapping=preset(mapping))
        (streamed, out, read), (whole, expected) = _both_ways(path, tool, suffix, options)
    assert out == expected
    assert streamed.to_json() == whole.to_json()
    event("written a claim at a time" if read == [] else "written whole")
    if _alone_to_a_tool(seed, tool) and mapping == "default":  # what the tools hold is the default mapping's
        assert read == []


@pytest.mark.parametrize(
    ("tool", "suffix"), [("brat", ""), ("doccano", ".jsonl"), ("labelstudio", ".json"), ("prodigy", ".jsonl")]
)
@pytest.mark.parametrize("typed", [False, True])
def test_a_trigger_two_claims_share_is_written_as_when_read_whole(
    tool: str, suffix: str, typed: bool, tmp_path: Path
) -> None:
    # Two claims whose attributions share a cue share its trigger too; typed as two attribution types, the whole
    # types the trigger as the last claim's, which brat, writing a claim at a time, cannot: that document is
    # written whole (doccano and Label Studio leave triggers out).
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    cued = [c["attributions"][0] for c in seed["claims"] if c["attributions"] and c["attributions"][0].get("cue")]
    first, second = cued[:2]
    if typed:
        first["extensions"] = {"org.claimfmt.tool:type": "Attribution-no-source"}
    second["cue"] = copy.deepcopy(first["cue"])
    path = tmp_path / "doc.json"
    path.write_bytes(orjson.dumps(seed))
    (streamed, out, read), (whole, expected) = _both_ways(path, tool, suffix, Options(mapping=preset("polnear")))
    assert out == expected and streamed.to_json() == whole.to_json()
    assert read == ([path] if typed and tool == "brat" else [])


@pytest.mark.parametrize("target", ["claimfmt", "w3c"])
def test_a_large_document_msgspec_cannot_build_is_converted_read_whole(target: str, tmp_path: Path) -> None:
    # Valid, and settled by the one pass, but with an integer written 3.0, which the fast builder refuses as it
    # reaches that claim: what was written so far is thrown away, and the document converted read whole.
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    claim = next(c for c in reversed(seed["claims"]) if c.get("verifications"))
    claim["verifications"][0]["evidence"] = [{"locator": {"page": "Kursk", "sentence": 3.0}}]
    path = tmp_path / "doc.json"
    path.write_bytes(orjson.dumps(seed))
    assert large.validate_large(path) == [] and large.read_large(path) is None
    report, out, read = _converted(path, target, tmp_path / "out.json", Options())
    # claimfmt writes each claim as the file holds it (nothing to build); W3C builds them, and so reads it whole.
    assert read == ([] if target == "claimfmt" else [path])
    large.LARGE = 10**12
    whole, expected, _ = _converted(path, target, tmp_path / "whole.json", Options())
    assert out == expected and report.to_json() == whole.to_json()
    assert not report.issues and report.documents_written == report.records_written == 1


def test_a_large_document_keeping_the_shape_of_its_w3c_is_written_whole(tmp_path: Path) -> None:
    # Read from a W3C page, the document is written back as one: that needs it whole.
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    seed["extensions"] = {**seed.get("extensions", {}), "org.w3.anno:shape": "page"}
    path = tmp_path / "doc.json"
    path.write_bytes(orjson.dumps(seed))
    assert large.validate_large(path) == []
    report, out, read = _converted(path, "w3c", tmp_path / "out.json", Options())
    assert out[0]["type"] == "AnnotationPage" and read == [path]  # built whole from its claims, once checked
    large.LARGE = 10**12
    whole, expected, _ = _converted(path, "w3c", tmp_path / "whole.json", Options())
    assert out == expected and report.to_json() == whole.to_json()


@pytest.mark.parametrize("kept", [False, True], ids=["plain", "a claim keeping keys read from W3C"])
def test_a_large_document_to_w3c_with_its_record_is_written_a_claim_at_a_time(tmp_path: Path, kept: bool) -> None:
    # The seed article (anonymous sources, relations, its text withheld from the public fields), a report passed
    # on through an anonymous source (a ``via`` W3C gives back under its public id): each claim's fragment on its
    # annotation and the collection's part after them, as when it is read whole; read back, the article itself.
    # Also with a claim holding keys kept from reading W3C, which the writer writes back as read (it reads that
    # claim's annotation back to make its fragment, where it knows what the others give).
    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    seed["claims"][5]["attributions"][0]["via"] = [{"source": "official", "stance": "reports"}]
    if kept:
        seed["claims"][2]["extensions"] = {"org.w3.anno:annotation": {"keys": {"ex:flag": True, "motivation": "x"}}}
    path = tmp_path / "doc.json"
    path.write_bytes(orjson.dumps(seed))
    report, out, read = _converted(path, "w3c", tmp_path / "out.json", Options(record=True))
    assert read == []
    (collection,) = out
    assert remainder.article_text(collection[RECORD_TERM]) is not None
    assert any(RECORD_TERM in annotation for annotation in collection["first"]["items"])
    large.LARGE = 10**12
    whole, expected, _ = _converted(path, "w3c", tmp_path / "whole.json", Options(record=True))
    assert out == expected and report.to_json() == whole.to_json()
    back = claimfmt.convert(
        [tmp_path / "out.json"], source_format="w3c", target_format="claimfmt", output=tmp_path / "back.json"
    )
    assert not back.issues
    assert claimfmt.load(tmp_path / "back.json") == claimfmt.load(path)


def test_the_format_of_a_large_file_is_told_without_parsing_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`convert` without --from detects the format: for one large claimfmt document or W3C collection, from its
    top-level members alone (parsed whole, it would hold several times its size before the conversion takes it a
    claim, or an annotation, at a time)."""
    from claimfmt.converters import detect as detecting
    from claimfmt.converters.w3c import to_w3c

    ours, theirs, array = tmp_path / "seed.json", tmp_path / "seed.w3c.json", tmp_path / "seeds.w3c.json"
    ours.write_bytes((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    theirs.write_bytes(orjson.dumps(to_w3c(claimfmt.load(ours))[0]))
    array.write_bytes(orjson.dumps(to_w3c(claimfmt.load(ours))))
    parsed: list[Any] = []
    real = detecting.iter_records
    monkeypatch.setattr(detecting, "iter_records", lambda *paths: (parsed.append(paths), real(*paths))[1])
    for path, kind in ((ours, "claimfmt"), (theirs, "w3c")):
        found = detecting.detect([path])
        assert found is not None and found.format == kind and parsed == []
    found = detecting.detect([array])  # anything else is told as before, from the file parsed
    assert found is not None and found.format == "w3c" and parsed == [(array,)]


def _edited_w3c(value: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """A W3C collection or page as a server gives it back: annotations deleted, others added (anything: images,
    strings, JSON no tool writes), keys of its own on an annotation and on the container."""
    page = value["first"] if value["type"] == "AnnotationCollection" else value
    items = page["items"]
    for index in sorted(data.draw(st.sets(st.integers(0, max(len(items) - 1, 0)), max_size=2)), reverse=True):
        if index < len(items):
            del items[index]
    added = data.draw(st.lists(st.dictionaries(_W3C_KEYS, _W3C_VALUES, max_size=5) | st.text(max_size=5), max_size=2))
    for item in added:
        items.insert(data.draw(st.integers(0, len(items))), item)
    if items and isinstance(items[0], dict) and data.draw(st.booleans()):
        items[0]["ex:flag"] = data.draw(_W3C_VALUES)
    if data.draw(st.booleans()):
        value["ex:curator"] = "🧐"
    return value


@given(
    documents(),
    st.sampled_from(["public", "record", "record utf16"]),
    st.sampled_from(["collection", "page"]),
    st.booleans(),
    st.data(),
)
def test_a_large_w3c_collection_is_read_an_annotation_at_a_time_as_when_read_whole(
    document: Document, how: str, shape: str, edited: bool, data: st.DataObject
) -> None:
    # Each annotation is parsed as it is reached (and again to keep what the writer would not give back), never
    # the whole file: the documents, their origins and the report of reading it whole, edited by a server or not.
    from claimfmt.converters import w3c

    if shape == "page":
        document = attrs.evolve(document, extensions={**(document.extensions or {}), "org.w3.anno:shape": "page"})
    options = Options(record=how != "public", offset_unit=Unit.UTF16 if how.endswith("utf16") else None)
    (value,) = w3c.to_w3c(document, options)
    if edited:
        value = _edited_w3c(value, data)
    taken: list[Any] = []
    read_large = w3c.read_large

    def spy(*args: Any) -> Any:
        taken.append(found := read_large(*args))
        return found

    def read(path: Path) -> tuple[list[Any], dict[str, Any]]:
        report = LossReport(source="w3c", target="claimfmt")
        found = list(w3c.W3C().read([path], Options(), report))
        return [(as_json(r.document), r.origin) for r in found], report.to_json()

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        path = Path(folder, "in.json")
        path.write_bytes(orjson.dumps(value))
        patch.setattr(w3c, "read_large", spy)
        streamed = read(path)
        patch.setattr(large, "LARGE", 10**12)
        whole = read(path)
    assert len(taken) == 1 and taken[0] is not None  # read an annotation at a time
    assert streamed == whole


@pytest.mark.parametrize(
    "payload",
    [b'"caf\xff"', b"1e400", b"[" * 1_030 + b"]" * 1_030, b"[" * 1_015 + b"]" * 1_015, b'"\\ud83d\\ude00"'],
    ids=["not UTF-8", "infinite", "too deep", "deep", "a pair of surrogates"],
)
def test_a_large_w3c_file_orjson_refuses_whole_is_refused_as_whole(payload: bytes, tmp_path: Path) -> None:
    # msgspec splits the file without reading its strings and numbers as orjson does, and no deeper than Python
    # recurses: what orjson refuses in the whole file is found before an annotation is read, and the file read
    # whole says what it is; what it takes is read an annotation at a time, each at its depth in the file.
    from claimfmt.converters import w3c

    (value,) = w3c.to_w3c(claimfmt.load(EXAMPLES / "seed-article.claimfmt.json"), Options(record=True))
    text = orjson.dumps(value).replace(b'"type":"Annotation"', b'"ex:x":' + payload + b',"type":"Annotation"', 1)
    path = tmp_path / "in.json"
    path.write_bytes(text)

    def read() -> tuple[list[Any], dict[str, Any]]:
        report = LossReport(source="w3c", target="claimfmt")
        found = list(w3c.W3C().read([path], Options(), report))
        return [(as_json(r.document), r.origin) for r in found], report.to_json()

    streamed = read()
    large.LARGE = 10**12
    whole = read()
    assert streamed[1] == whole[1]
    assert [origin for _, origin in streamed[0]] == [origin for _, origin in whole[0]]
    assert all(jsontext.equal(a, b) for (a, _), (b, _) in zip(streamed[0], whole[0], strict=True))
    refused = payload in (b'"caf\xff"', b"1e400", b"[" * 1_030 + b"]" * 1_030)
    codes = {issue["code"] for issue in whole[1]["issues"]}
    assert (whole[0] == []) == refused and bool(codes & {"invalid-json", "invalid-utf8"}) == refused


def _from_parquet(path: Path, target: str, output: Path) -> tuple[LossReport, bytes, int]:
    """The report and output of converting a Parquet file to ``target``, and how many rows were read whole."""
    from claimfmt.converters import parquet

    rows = parquet._rows
    whole: list[Any] = []

    def spy(reader: Any) -> Any:
        for row in rows(reader):
            whole.append(row)
            yield row

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parquet, "_rows", spy)
        report = claimfmt.convert([path], source_format="parquet", target_format=target, output=output)
    if output.is_dir():
        return report, orjson.dumps({f.name: f.read_text() for f in sorted(output.iterdir())}), len(whole)
    if output.suffix == ".parquet":
        import pyarrow.parquet as pq

        return report, repr(pq.read_table(output).to_pylist()).encode(), len(whole)
    return report, output.read_bytes() if output.exists() else b"", len(whole)


@contextlib.contextmanager
def _one_row(doc: Any) -> Iterator[tuple[Path, Path, bool, pytest.MonkeyPatch]]:
    """A folder holding ``doc`` as the one row of a Parquet file (written from its JSON read whole), that file,
    whether the JSON settles a claim at a time, and the patch that reads it whole until ``LARGE`` is set again."""
    from claimfmt import arrow

    try:
        data = orjson.dumps(doc)
    except TypeError:  # an integer beyond 64 bits, which no claimfmt file holds
        assume(False)
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrow, "_CLAIMS_AT_ONCE", 2)  # several slices from a few claims
        source, row = Path(folder, "doc.json"), Path(folder, "doc.parquet")
        source.write_bytes(data)
        patch.setattr(large, "LARGE", 10**12)
        claimfmt.convert([source], source_format="claimfmt", target_format="parquet", output=row)
        assume(row.exists())  # an invalid document is not written
        yield Path(folder), row, large.validate_large(source) is not None, patch


@settings(max_examples=40, deadline=None)
@given(
    json_documents().flatmap(lambda d: st.one_of(st.just(d), _mutated(d))),
    st.sampled_from(["claimfmt", "w3c", "doccano", "brat", "parquet"]),
)
def test_one_large_parquet_row_converts_a_claim_at_a_time_as_when_read_whole(doc: Any, target: str) -> None:
    # A Parquet file of one large row is read from its Arrow columns a claim at a time (each field of the claims
    # read apart, a few claims made at once): the output and the report of the row read whole, and read whole
    # only where it does not settle (anything to report but the one warning of an article without text).
    suffix = {"brat": "", "parquet": ".parquet", "claimfmt": ".json"}.get(target, ".jsonl")
    with _one_row(doc) as (folder, row, settled, patch):
        whole, expected, read = _from_parquet(row, target, folder / f"whole{suffix}")
        assert read == 1
        patch.setattr(large, "LARGE", 100)
        streamed, out, read = _from_parquet(row, target, folder / f"streamed{suffix}")
    event(f"read whole: {bool(read)}")
    assert out == expected and streamed.to_json() == whole.to_json()
    # brat and doccano write whole what a claim alone does not give; then the row is built whole from its columns.
    assert read == (0 if settled else 1) or (target in ("brat", "doccano") and not _alone_to_a_tool(doc, target))


@settings(max_examples=40, deadline=None)
@given(json_documents().flatmap(lambda d: st.one_of(st.just(d), _mutated(d))))
def test_one_large_parquet_row_validates_a_claim_at_a_time_as_when_read_whole(doc: Any) -> None:
    # claimfmt validate FILE.parquet checks one large row a claim at a time: the issues of the row read whole.
    from claimfmt import arrow

    with _one_row(doc) as (_, row, settled, patch):
        whole = validate_sources([row])
        assert arrow.settled_row(row) is None
        patch.setattr(large, "LARGE", 100)
        streamed = validate_sources([row])
        assert (arrow.settled_row(row) is not None) == settled
    event(f"settled: {settled}")
    assert [i.format() for i in streamed.issues] == [i.format() for i in whole.issues]
    assert (streamed.documents, streamed.invalid_documents) == (whole.documents, whole.invalid_documents)
    assert streamed.documents == 1


def test_a_parquet_row_with_a_null_claim_is_read_whole(tmp_path: Path) -> None:
    # A claim that is null in the row (a file another tool wrote) is not one to take apart: the row is read whole,
    # which says where it is wrong.
    import pyarrow as pa
    import pyarrow.parquet as pq

    from claimfmt import arrow

    seed = orjson.loads((EXAMPLES / "seed-article.claimfmt.json").read_bytes())
    batch = arrow.record_batch([seed])
    claims = batch.column("claims")
    values = claims.flatten()
    nulled = pa.StructArray.from_arrays(
        values.flatten(), fields=list(values.type), mask=pa.array([n == 1 for n in range(len(values))])
    )
    column = pa.ListArray.from_arrays(claims.offsets, nulled, type=claims.type)
    columns = [column if name == "claims" else batch.column(name) for name in batch.schema.names]
    pq.write_table(
        pa.Table.from_batches([pa.RecordBatch.from_arrays(columns, schema=batch.schema)]), tmp_path / "n.parquet"
    )
    report, out, read = _from_parquet(tmp_path / "n.parquet", "claimfmt", tmp_path / "out.json")
    assert read == 1 and not out and report.failed
    assert any("/claims/1" in issue.format() for issue in report.issues)
