"""brat standoff both ways, annotation mappings and presets, PolNeAR."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
import claimfmt.cli
from claimfmt.conversion import ConversionError, read_documents
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.brat import Brat
from claimfmt.converters.mapping import load_mapping, preset, presets
from claimfmt.issues import Severity
from claimfmt.model import Document
from claimfmt.testing import documents

from .conftest import EXAMPLES, shared

TOOLS = ("corpora", "tools", "brat")
POLNEAR = ("corpora", "claims", "polnear-brat", "dev")


def _canonical(ann: str) -> Counter[Any]:
    """A .ann file up to the order of its lines and the names of its ids (and without our record note)."""
    lines = [line.split("\t") for line in ann.splitlines() if line.strip()]
    by_id = {fields[0]: fields for fields in lines if fields[0] != "*"}

    def key(identifier: str, depth: int = 0) -> Any:
        fields = by_id.get(identifier)
        if fields is None or depth > 5:
            return ("?", identifier)
        kind, body = identifier[0], fields[1]
        if kind == "T":
            return ("T", body, fields[2] if len(fields) > 2 else "")
        if kind == "E":
            head, *args = body.split()
            event, _, trigger = head.partition(":")
            roles = sorted((role, key(target, depth + 1)) for role, target in (a.split(":", 1) for a in args))
            return ("E", event, key(trigger, depth + 1), tuple(roles))
        if kind == "R":
            name, *args = body.split()
            return ("R", name, tuple(sorted((r, key(t, depth + 1)) for r, t in (a.split(":", 1) for a in args))))
        parts = body.split(" ")
        return (kind, parts[0], key(parts[1], depth + 1), " ".join(parts[2:]), fields[2] if len(fields) > 2 else "")

    found: Counter[Any] = Counter()
    for fields in lines:
        if fields[0] == "*":
            found[
                "*", fields[1].split(" ")[0], tuple(sorted(map(str, (key(m) for m in fields[1].split(" ")[1:]))))
            ] += 1
        elif not (
            (fields[0].startswith("#") and len(fields) > 2 and re.match(r"claimfmt-(record|claim|source): ", fields[2]))
            or fields[1].startswith("claimfmt-record ")
        ):
            found[key(fields[0])] += 1
    return found


def _ann_files(*parts: str) -> list[Path]:
    return sorted(shared(*parts).rglob("*.ann"))


# --- claimfmt -> brat -> claimfmt --------------------------------------------------------------------


def _through_brat(document: Document, mapping_name: str = "default") -> tuple[Document, str]:
    """The document written to brat files and read back from them, and its ``.ann``."""
    options = Options(mapping=preset(mapping_name))
    with tempfile.TemporaryDirectory() as folder:
        Brat().write([document], folder, options, LossReport(source="claimfmt", target="brat"))
        (ann,) = Path(folder).glob("*.ann")
        report = LossReport(source="brat", target="claimfmt")
        (read,) = Brat().read([folder], options, report)
        return read.document, ann.read_text(encoding="utf-8")


@given(documents(text=True).filter(lambda d: "\x00" not in (d.article.text or "")))
def test_claimfmt_to_brat_to_claimfmt_is_the_identity(document: Document) -> None:
    back, ann = _through_brat(document)
    assert back == document
    assert all("\t" in line for line in ann.split("\n")[:-1])
    assert ann.endswith("\n") or ann == ""


def test_the_seed_article_goes_through_brat_natively() -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    back, ann = _through_brat(document)
    assert back == document
    lines = ann.splitlines()
    assert sum(line.startswith("E") for line in lines) == sum(len(c.attributions) for c in document.claims)
    assert any(re.match(r"T\d+\tClaim \d+ \d+;\d+ \d+\t", line) for line in lines)  # c5: a discontinuous claim
    assert any(line.startswith("A") and "\tStance " in line and line.endswith(" denies") for line in lines)


def test_the_cli_writes_a_folder_brat_loads_and_reads_it_back(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    report = claimfmt.convert([EXAMPLES], source_format="claimfmt", target_format="brat", output=folder)
    assert report.dropped == {"documents without text (brat needs the text)": 1}
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotation.conf", "seed-article.ann", "seed-article.txt", "wind-turbines-birds.ann", "wind-turbines-birds.txt"
    ]  # fmt: skip
    conf = (folder / "annotation.conf").read_text()
    assert "[events]\nAttribution\t" in conf and "Stance\tArg:<ANY>, Value:asserts|denies" in conf
    back = {d.id: d for d in read_documents([folder], "brat", None, LossReport(source="brat", target="claimfmt"))}
    for path in ("seed-article", "fact-check-with-history"):
        original = claimfmt.load(EXAMPLES / f"{path}.claimfmt.json")
        assert back[original.id] == original
    with pytest.raises(ConversionError, match="give -o FOLDER"):
        claimfmt.convert([EXAMPLES], source_format="claimfmt", target_format="brat", output="-")


# --- brat -> claimfmt -> brat ------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["brat-tutorial-news", "dkpro-core-fixtures", "pie-fixtures"])
def test_every_brat_sample_comes_back_equal(folder: str, tmp_path: Path) -> None:
    for ann in _ann_files(*TOOLS, folder):
        report = LossReport(source="brat", target="claimfmt")
        (read,) = Brat().read([ann], Options(), report)
        assert not report.failed, [i.format() for i in report.issues]
        out = tmp_path / folder
        Brat().write([read.document], out, Options(), LossReport(source="claimfmt", target="brat"))
        written = (out / ann.name).read_text()
        assert _canonical(written) == _canonical(ann.read_text()), ann.name
        assert (out / f"{ann.stem}.txt").read_text() == ann.with_suffix(".txt").read_text().replace("\r\n", "\n")


def test_polnear_comes_back_equal_with_its_preset(tmp_path: Path) -> None:
    files = _ann_files(*POLNEAR, "attributions")
    assert len(files) == 13
    report = LossReport(source="brat", target="claimfmt")
    read = list(Brat().read([shared(*POLNEAR, "attributions")], Options(mapping=preset("polnear")), report))
    assert not report.failed
    Brat().write([r.document for r in read], tmp_path, Options(mapping=preset("polnear")), report)
    for ann in files:
        assert _canonical((tmp_path / ann.name).read_text()) == _canonical(ann.read_text()), ann.name


def test_polnear_gives_one_attribution_per_event_with_exact_spans() -> None:
    report = LossReport(source="brat", target="claimfmt")
    mapping = preset("polnear")
    for ann in _ann_files(*POLNEAR, "attributions"):
        (read,) = Brat().read([ann], Options(mapping=mapping), report)
        document = read.document
        text = document.article.text
        assert text is not None
        events = [line for line in ann.read_text().splitlines() if line.startswith("E")]
        attributions = [(c, a) for c in document.claims for a in c.attributions]
        assert len(attributions) == len(events), ann.name
        for claim, attribution in attributions:
            for span in claim.spans:
                assert text[span.start : span.end] == span.exact
            assert (
                attribution.cue is not None
                and text[attribution.cue.start : attribution.cue.end] == attribution.cue.exact
            )
            source = document.source(attribution.source)
            assert source is not None
            for mention in source.mentions or ():
                assert text[mention.start : mention.end] == mention.exact
        annotator = ann.stem.rsplit("_", 1)[1]
        assert document.provenance is not None and document.provenance.annotators[0].name == annotator
        assert [i for i in claimfmt.validate(document) if i.severity is Severity.ERROR] == []
    no_source = sum(
        1 for ann in _ann_files(*POLNEAR, "attributions") for line in ann.read_text().splitlines()
        if line.startswith("E") and line.split("\t")[1].startswith("Attribution-no-source")
    )  # fmt: skip
    assert no_source == 18


# --- what real files get wrong -----------------------------------------------------------------------


def test_the_malformed_opennlp_file_is_read_leniently_and_reported() -> None:
    (ann,) = _ann_files(*TOOLS, "quirks-opennlp")
    report = LossReport(source="brat", target="claimfmt")
    (read,) = Brat().read([ann], Options(), report)
    codes = Counter(i.code for i in report.issues)
    assert codes["brat-spaces"] == 4
    assert all(i.line is not None and i.file == str(ann) for i in report.issues)
    kept = read.document.extensions["org.brat:unmapped"]
    assert any(line.startswith("T1\tName 0 7;17 24;8 15\t") for line in kept)


def test_missing_final_newlines_empty_files_and_crlf_are_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"One line.\r\nTwo lines.\r\n")
    (tmp_path / "a.ann").write_bytes(b"T1\tClaim 10 20\tTwo lines.")  # offsets of the text with \r\n read as \n
    (tmp_path / "b.txt").write_text("Nothing here.")
    (tmp_path / "b.ann").write_text("")
    (tmp_path / "c.txt").write_text("Mismatch here.")
    (tmp_path / "c.ann").write_text("T1\tClaim 0 5\there\n")
    report = LossReport(source="brat", target="claimfmt")
    read = {r.document.id: r.document for r in Brat().read([tmp_path], Options(), report)}
    assert read["a"].claims[0].spans[0].exact == "Two lines."
    assert read["b"].claims == ()
    assert read["c"].claims[0].spans[0].start == 9  # moved to where "here" is
    assert sorted((i.code, Path(i.file or "").name) for i in report.issues) == [
        ("brat-empty-file", "b.ann"), ("brat-no-final-newline", "a.ann"), ("span-reanchored", "c.ann")
    ]  # fmt: skip


# --- mappings -----------------------------------------------------------------------------------------


def test_presets_and_mapping_files_are_validated(tmp_path: Path) -> None:
    assert presets() == ["default", "polnear"]
    good = tmp_path / "m.toml"
    good.write_text('[spans]\nclaim = ["Statement"]\n[attribution]\ntypes = ["Said"]\nclaim_roles = ["What"]\n')
    mapping = load_mapping(good)
    assert mapping.claim_types == {"Statement"} and mapping.attribution_types == ("Said",)
    bad = tmp_path / "bad.json"
    bad.write_text('{"spans": {"claims": ["x"]}, "attribution": {}}')
    with pytest.raises(ConversionError, match="not valid: /spans: Additional properties"):
        load_mapping(bad)
    with pytest.raises(ConversionError, match="no preset 'nope'; shipped: default, polnear"):
        preset("nope")


def test_a_custom_mapping_turns_a_tool_layer_into_claims(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("The mayor said taxes will fall.")
    (tmp_path / "d.ann").write_text(
        "T1\tSpeaker 4 9\tmayor\nT2\tStatement 15 30\ttaxes will fall\nT3\tSays 10 14\tsaid\n"
        "E1\tSays:T3 Who:T1 What:T2\nA1\tPolarity E1 denies\n"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[spans]\nclaim = ["Statement"]\nsource = ["Speaker"]\n'
        '[attribution]\ntypes = ["Says"]\nsource_roles = ["Who"]\nclaim_roles = ["What"]\n'
        '[attributes]\nstance = "Polarity"\n'
    )
    report = LossReport(source="brat", target="claimfmt")
    (read,) = Brat().read([tmp_path], Options(mapping=load_mapping(mapping)), report)
    (claim,) = read.document.claims
    (attribution,) = claim.attributions
    assert (claim.text, attribution.stance.value, read.document.source(attribution.source).name) == (
        "taxes will fall",
        "denies",
        "mayor",
    )


def test_convert_takes_a_preset_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    folder = shared(*POLNEAR, "attributions")
    args = ["convert", str(folder), "--from", "brat", "--to", "claimfmt", "--preset", "polnear", "-o", str(out)]
    assert claimfmt.cli.main(args) == 0
    assert "kept in extensions: brat Discard (5), brat Discuss (20)" in capsys.readouterr().err
    assert sum(len(c.attributions) for d in claimfmt.iter_documents(out) for c in d.claims) == 171
    assert claimfmt.cli.main([*args[:-4], "--preset", "nope", "-o", str(out)]) == 2


def test_an_event_trigger_that_is_not_the_cue_keeps_its_own_span(tmp_path: Path) -> None:
    """Issue 15, item 6: the trigger (7-12) and the cue (3-13) are two spans; both come back."""
    text = "He firmly said rain is coming.\n"
    ann = (
        "T1\tSource 0 2\tHe\n"
        "T2\tClaim 15 29\train is coming\n"
        "T3\tCue 3 14\tfirmly said\n"
        "T4\tAttribution 10 14\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Claim:T2 Cue:T3\n"
        "A1\tStance E1 asserts\n"
    )
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    report = LossReport(source="brat", target="claimfmt")
    (read,) = Brat().read([tmp_path / "doc.ann"], Options(), report)
    (attribution,) = read.document.claims[0].attributions
    assert attribution.cue is not None and attribution.cue.exact == "firmly said"
    assert (attribution.extensions or {})["org.claimfmt.tool:trigger"] == [[10, 14]]
    out = tmp_path / "out"
    Brat().write([read.document], out, Options(), LossReport(source="claimfmt", target="brat"))
    written = (out / "doc.ann").read_text(encoding="utf-8")
    assert _canonical(written) == _canonical(ann)
    assert "Attribution 10 14\tsaid" in written


def test_several_tool_types_for_one_notion_each_come_back_as_read(tmp_path: Path) -> None:
    """Issue 15, item 5: ``claim = ["MajorClaim", "Claim", "Premise"]`` keeps which type each span had."""
    text = "Taxes will fall, says the mayor, because spending fell. Experts doubt it.\n"
    ann = (
        "T1\tMajorClaim 0 15\tTaxes will fall\n"
        "T2\tPremise 41 54\tspending fell\n"
        "T3\tClaim 56 72\tExperts doubt it\n"
        "T4\tPerson 26 31\tmayor\n"
        "T5\tOrganization 56 63\tExperts\n"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('[spans]\nclaim = ["Claim", "MajorClaim", "Premise"]\nsource = ["Organization", "Person"]\n')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "d.ann").write_text(ann, encoding="utf-8")
    options = Options(mapping=load_mapping(mapping))
    (read,) = Brat().read([tmp_path / "in"], options, LossReport(source="brat", target="claimfmt"))
    kinds = {c.spans[0].exact: (c.extensions or {}).get("org.claimfmt.tool:type") for c in read.document.claims}
    assert kinds == {"Taxes will fall": "MajorClaim", "spending fell": "Premise", "Experts doubt it": None}
    Brat().write([read.document], tmp_path / "out", options, LossReport(source="claimfmt", target="brat"))
    assert _canonical((tmp_path / "out" / "d.ann").read_text(encoding="utf-8")) == _canonical(ann)


def test_an_event_with_numbered_repeated_roles_comes_back_as_one_event(tmp_path: Path) -> None:
    """Issue 15, item 7: ``Claim:T2 Claim2:T3`` is one attribution each, and one event again."""
    text = "He said rain is coming and wind too.\n"
    ann = (
        "T1\tSource 0 2\tHe\n"
        "T2\tClaim 8 22\train is coming\n"
        "T3\tClaim 27 35\twind too\n"
        "T4\tCue 3 7\tsaid\n"
        "T5\tAttribution 3 7\tsaid\n"
        "E1\tAttribution:T5 Source:T1 Claim:T2 Claim2:T3 Cue:T4\n"
        "A1\tStance E1 asserts\n"
    )
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    (read,) = Brat().read([tmp_path / "doc.ann"], Options(), LossReport(source="brat", target="claimfmt"))
    assert [len(c.attributions) for c in read.document.claims] == [1, 1]
    first, second = (c.attributions[0] for c in read.document.claims)
    assert first == second and first.source == "T1"
    out = tmp_path / "out"
    Brat().write([read.document], out, Options(), LossReport(source="claimfmt", target="brat"))
    written = (out / "doc.ann").read_text(encoding="utf-8")
    assert sum(line.startswith("E") for line in written.splitlines()) == 1
    assert _canonical(written) == _canonical(ann)


# Lines a reader keeps as they are (no mapping takes them), as they come back from an annotated file.
_KEPT_LINES = ["T900\tEntity 0 0\t", "R900\tLink Arg1:T900 Arg2:T900\t", "A900\tNegated T900", "*\tAlias T900 T900"]


@given(documents(text=True), st.lists(st.sampled_from(_KEPT_LINES), max_size=3, unique=True), st.booleans())
def test_the_writer_reads_its_annotations_back_as_a_reader_parses_their_lines(
    document: Document, kept: list[str], odd_names: bool
) -> None:
    """The writer does not write and parse its own lines to know what they give back: the two must agree."""
    from claimfmt.converters import brat
    from claimfmt.converters.standoff import write_document

    mapping = preset("default")
    if odd_names:  # names a line cannot give back as they are: read back the long way
        mapping = attrs.evolve(mapping, attribution_types=("Attri:bution",))
    text = document.article.text or ""
    standoff = write_document(document, mapping, LossReport(source="claimfmt", target="brat"), events=True)
    brat._renumber(standoff, {line.split("\t", 1)[0] for line in kept})
    lines = [f"{brat._line(item)}\n" for item in standoff.items()] + [f"{line}\n" for line in kept]
    scratch = LossReport(source="brat", target="claimfmt")
    parsed, others, _ = brat.parse_ann(lines, text, "doc", scratch)
    expected, _ = brat._mapped(parsed, others, "doc", mapping, scratch, None)
    assert brat._read_back(standoff, kept, text, "doc", mapping) == expected


@given(st.text(st.sampled_from("ab\n\r\x0c\u2028 \t#T")))
def test_a_file_is_cut_in_lines_at_line_feeds_only_each_kept_with_its_own(content: str) -> None:
    from claimfmt.converters import brat

    lines = brat.ann_lines(content)
    assert "".join(lines) == content
    assert [line.rstrip("\n") for line in lines] == content.split("\n")[: len(lines)]
    assert all(line.endswith("\n") for line in lines[:-1]) and all("\n" not in line[:-1] for line in lines)


@given(documents(text=True), st.lists(st.sampled_from(_KEPT_LINES), max_size=3, unique=True))
def test_lines_taken_as_they_are_parsed_give_what_the_lines_give(document: Document, kept: list[str]) -> None:
    """A large file's lines go as they are read (read_pair): the annotations, lines kept and record are the same."""
    from claimfmt.converters import brat

    text = document.article.text or ""
    ann = brat.render_ann(document, preset("default"), "doc", LossReport(source="claimfmt", target="brat"))
    lines = brat.ann_lines(ann + "".join(f"{line}\n" for line in kept))
    expected = brat.parse_ann(list(lines), text, "doc", LossReport(source="brat", target="claimfmt"))
    assert brat.parse_ann(lines, text, "doc", LossReport(source="brat", target="claimfmt"), consume=True) == expected
    assert lines == []


@given(
    documents(text=True),
    st.sampled_from(["none", "not JSON", "not an object", "patch not an object", "claim deleted"]),
    st.data(),
)
def test_fragments_kept_unparsed_for_a_large_file_read_as_those_parsed_at_once(
    document: Document, damage: str, data: st.DataObject
) -> None:
    """A large file's claim and source fragments are parsed only as they are applied (remainder.Unparsed): the
    document and what is reported are those of parsing them at once, damaged notes and deleted claims included."""
    from claimfmt.converters import brat
    from claimfmt.structuring import as_json

    text = document.article.text or ""
    ann = brat.render_ann(document, preset("default"), "doc", LossReport(source="claimfmt", target="brat"))
    lines = ann.splitlines(keepends=True)
    notes = [n for n, line in enumerate(lines) if "\tclaimfmt-claim: " in line or "\tclaimfmt-source: " in line]
    if damage != "none" and notes:
        n = data.draw(st.sampled_from(notes))
        head, _, body = lines[n].partition(": ")
        if damage == "claim deleted":
            target = head.split(" ")[-1]
            lines = [line for line in lines if not line.startswith(f"{target}\t")]
        else:
            body = {"not JSON": '{"at": [1,', "not an object": "[1, 2]", "patch not an object": '{"patch": 3}'}[damage]
            lines[n] = f"{head}: {body}\n"

    def read(unparsed: bool) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        report = LossReport(source="brat", target="claimfmt")
        found = brat.read_lines(list(lines), text, "doc", "doc.ann", preset("default"), report, unparsed=unparsed)
        return as_json(found), [(issue.code, issue.message) for issue in report.issues]

    eager, lazy = read(False), read(True)
    assert lazy[0] == eager[0]
    assert [code for code, _ in lazy[1]] == [code for code, _ in eager[1]]


def test_a_large_file_names_each_span_with_one_string_and_keeps_its_record_notes_in_utf8() -> None:
    """Read from a large file, the ids the lines name are the span's own id (an attribute's, a note's, a relation's
    and an event's target), and a record note is kept as its UTF-8 bytes, not a string of four bytes a character."""
    from claimfmt.converters import brat

    text = "Ann said 🌉 was shut."
    lines = [
        "T1\tSource 0 3\tAnn\n",
        "T2\tClaim 9 19\t🌉 was shut\n",
        "T3\tCue 4 8\tsaid\n",
        "A1\tStance T2 asserts\n",
        "R1\tAttribution Arg1:T2 Arg2:T1\n",
        "E1\tAttribution:T3 Claim:T2 Source:T1\n",
        "#1\tAnnotatorNotes T2\tchecked\n",
        '#2\tAnnotatorNotes T2\tclaimfmt-claim: {"at": [9, 19], "patch": {"set": {"date": "🌉"}}}\n',
    ]
    report = LossReport(source="brat", target="claimfmt")
    standoff, _, record = brat.parse_ann(lines, text, "doc.ann", report, unparsed=True)
    assert not report.issues
    ids = {span.id: span.id for span in standoff.spans}
    (attribute,) = standoff.attributes
    assert attribute.target is ids["T2"]
    relation, event = standoff.links
    assert all(target is ids[target] for _, target in (*relation.args, *event.args))
    assert event.trigger is ids["T3"]
    (note,) = standoff.notes
    assert note.target is ids["T2"]
    assert record is not None
    (fragment,) = record["claims"].values()
    assert fragment.text == '{"at": [9, 19], "patch": {"set": {"date": "🌉"}}}'.encode()
    assert fragment.parsed() == {"at": [9, 19], "patch": {"set": {"date": "🌉"}}}
