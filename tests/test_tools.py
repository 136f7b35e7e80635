"""doccano and Label Studio both ways, and the Label Studio labelling config."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import claimfmt
import claimfmt.cli
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.doccano import Doccano
from claimfmt.converters.labelstudio import LabelStudio, labelling_config
from claimfmt.converters.mapping import preset
from claimfmt.converters.offsets import Unit
from claimfmt.model import Document
from claimfmt.reading import Record
from claimfmt.structuring import evolve
from claimfmt.testing import documents

from .conftest import EXAMPLES, shared

TOOLS = ("corpora", "tools")


def _read(converter: Any, values: list[Any], options: Options | None = None) -> tuple[list[Document], LossReport]:
    report = LossReport(source=converter.name, target="claimfmt")
    records = iter([Record(file="in", index=i, data=v) for i, v in enumerate(values)])
    return [r.document for r in converter.read_records(records, options or Options(), report)], report


def _write(converter: Any, docs: list[Document], options: Options | None = None) -> list[Any]:
    report = LossReport(source="claimfmt", target=converter.name)
    return json.loads(json.dumps(list(converter.write_records(docs, options or Options(), report))))


@pytest.mark.parametrize("converter", [Doccano(), LabelStudio()], ids=["doccano", "labelstudio"])
@given(document=documents(text=True))
def test_claimfmt_to_tool_to_claimfmt_is_the_identity(converter: Any, document: Document) -> None:
    written = _write(converter, [document])
    back, report = _read(converter, written)
    assert back == [document]
    assert not report.failed


@pytest.mark.parametrize("converter", [Doccano(), LabelStudio()], ids=["doccano", "labelstudio"])
def test_the_seed_article_is_written_natively(converter: Any) -> None:
    document = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    (written,) = _write(converter, [document])
    text = document.article.text
    assert text is not None
    if converter.name == "doccano":
        labels = {e["label"] for e in written["entities"]}
        assert {"Claim", "Source", "Cue"} <= labels
        assert any(r["type"] == "Attribution" for r in written["relations"])
    else:
        results = written["annotations"][0]["result"]
        regions = [r for r in results if r["type"] == "labels"]
        assert all(r["value"]["text"] for r in regions)
        assert any(r["type"] == "relation" and r["labels"] == ["Attribution"] for r in results)
    (back,), _ = _read(converter, [written])
    assert back == document


def _sample_values(path: Path) -> list[Any]:
    raw = path.read_text()
    try:
        return [json.loads(line) for line in raw.splitlines() if line.strip()]
    except json.JSONDecodeError:
        value = json.loads(raw)
        return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(
    "sample",
    [
        "doccano/export-examples/relation_extraction.jsonl",
        "doccano/export-examples/sequence_labeling.jsonl",
        "doccano/export-examples/text_classification.jsonl",
        "doccano/import-examples/relation_extraction.jsonl",
        "doccano/import-examples/sequence_labeling_column_names.jsonl",
        "label-studio/lsf-examples/named_entity/tasks.json",
        "label-studio/lsf-examples/named_entity/annotations/1.json",
        "label-studio/lsf-examples/phrases/tasks.json",
        "label-studio/lsf-examples/phrases/annotations/1.json",
        "label-studio/lsf-examples/rich_text_plain/tasks.json",
        "label-studio/lsf-examples/rich_text_plain/annotations/1.json",
    ],
)
def test_every_tool_sample_comes_back_equal(sample: str, tmp_path: Path) -> None:
    path = shared(*TOOLS, *sample.split("/"))
    source_format = "doccano" if sample.startswith("doccano") else "labelstudio"
    converted, back = tmp_path / "c.jsonl", tmp_path / "back.jsonl"
    report = claimfmt.convert([path], source_format=source_format, target_format="claimfmt", output=converted)
    assert not report.failed, [i.format() for i in report.issues]
    claimfmt.convert([converted], source_format="claimfmt", target_format=source_format, output=back)
    assert [json.loads(line) for line in back.read_text().splitlines()] == _sample_values(path)


def test_doccano_reads_the_pretty_printed_example_and_says_so() -> None:
    path = shared(*TOOLS, "doccano", "export-examples", "relation_extraction.jsonl")
    report = LossReport(source="doccano", target="claimfmt")
    (read,) = Doccano().read([path], Options(), report)
    assert [i.code for i in report.issues] == ["jsonl-pretty-printed"]
    assert read.document.article.text.startswith("Google was founded")


_LINE = {"text": "Ministers said taxes will fall.", "label": [[15, 30, "Claim"]]}


@pytest.mark.parametrize(
    ("content", "documents", "codes"),
    [
        (json.dumps(_LINE) + "\n" + json.dumps(_LINE) + "\n", 2, []),
        (json.dumps(_LINE, indent=2) + "\n", 1, ["jsonl-pretty-printed"]),
        (json.dumps(_LINE), 1, []),  # no final newline
        ("\n" + json.dumps(_LINE) + "\n\n", 1, []),  # blank lines around one line
        ('{"text": "cut\n' + json.dumps(_LINE) + "\n", 1, ["invalid-json"]),  # a bad first line is that line's
    ],
    ids=["lines", "pretty-printed", "one-line-unended", "blank-lines", "bad-first-line"],
)
def test_doccano_tells_a_pretty_printed_object_from_lines(
    content: str, documents: int, codes: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(content)
    report = LossReport(source="doccano", target="claimfmt")
    read = list(Doccano().read([path], Options(), report))
    assert len(read) == documents
    assert [i.code for i in report.issues] == codes
    assert all(r.document.claims[0].spans[0].exact == "taxes will fall" for r in read)


def test_doccano_offsets_are_utf16_and_a_mismatch_is_reported() -> None:
    text = "\U0001f600 Ministers said taxes will fall."
    start16 = 2 + text[1:].index("taxes")  # the emoji is two UTF-16 units
    line = {"text": text, "label": [[start16, start16 + 15, "Claim"]]}
    (document,), report = _read(Doccano(), [line])
    assert document.claims[0].spans[0].exact == "taxes will fall"
    inside = {"text": text, "label": [[1, 5, "Claim"]]}  # 1 is inside the emoji's surrogate pair
    _, report = _read(Doccano(), [inside])
    assert [i.code for i in report.issues] == ["offset-unit-mismatch"]
    (document,), _ = _read(Doccano(), [line], Options(offset_unit=Unit.CODEPOINT))
    assert document.claims[0].spans[0].exact != "taxes will fall"


def test_doccano_keeps_meta_keys_and_the_old_data_key() -> None:
    line = {"data": "Officials said the bridge is safe.", "label": [[15, 33, "Claim"]], "source": "wire", "id": 7}
    (document,), _ = _read(Doccano(), [line])
    assert document.claims[0].spans[0].exact == "the bridge is safe"
    assert _write(Doccano(), [document]) == [line]


TASK: dict[str, Any] = {
    "id": 3,
    "data": {"text": "The minister said prices will fall."},
    "annotations": [
        {
            "id": 1,
            "completed_by": 11,
            "result": [
                {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 18, "end": 34, "text": "prices will fall", "labels": ["Claim"]}},
                {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 4, "end": 12, "text": "minister", "labels": ["Source"]}},
                {"id": "a", "from_name": "State", "to_name": "text", "type": "choices",
                 "value": {"choices": ["refuted"]}},
                {"id": "a", "from_name": "Stance", "to_name": "text", "type": "choices",
                 "value": {"choices": ["asserts"]}},
                {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["Attribution"]},
                {"id": "doc", "from_name": "quality", "to_name": "text", "type": "choices",
                 "value": {"choices": ["good"]}},
            ],
        },
        {"id": 2, "completed_by": 12, "was_cancelled": True, "result": []},
        {
            "id": 4,
            "completed_by": 13,
            "result": [
                {"id": "c", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 18, "end": 34, "text": "prices will FALL", "labels": ["Claim"]}},
                {"id": "d", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 0, "end": 3, "xpath": "/p[1]", "startOffset": 0, "endOffset": 3,
                           "labels": ["Cue"]}},
            ],
        },
    ],
}  # fmt: skip


def test_label_studio_tasks_give_a_document_per_annotator() -> None:
    docs, report = _read(LabelStudio(), [TASK])
    assert [d.provenance.annotators[0].name for d in docs] == ["11", "13"]
    first = docs[0]
    (claim,) = first.claims
    assert claim.state().value == "refuted"
    (attribution,) = claim.attributions
    assert first.source(attribution.source).name == "minister"
    assert report.adjusted["cancelled annotations skipped"] == 1
    codes = sorted(i.code for i in report.issues)
    assert codes == ["labelstudio-mismatch", "unsupported-result"]
    assert _write(LabelStudio(), docs) == [TASK]


def test_json_min_exports_are_read() -> None:
    row = {"text": "Ministers said taxes will fall.", "id": 9, "annotator": 1,
           "label": [{"start": 15, "end": 30, "text": "taxes will fall", "labels": ["Claim"]}]}  # fmt: skip
    (document,), _ = _read(LabelStudio(), [row])
    assert document.claims[0].spans[0].exact == "taxes will fall"
    assert _write(LabelStudio(), [document]) == [row]


def test_the_labelling_config_matches_the_default_mapping(capsys: pytest.CaptureFixture[str]) -> None:
    assert claimfmt.cli.main(["labelstudio-config"]) == 0
    xml = capsys.readouterr().out
    root = ET.fromstring(xml)
    labels = {label.get("value") for label in root.iter("Label")}
    assert labels == {"Claim", "Source", "Cue", "Hedge"}
    assert {c.get("name") for c in root.iter("Choices")} == {"State", "Stance", "Commitment", "Mode", "HedgeKind"}
    assert [r.get("value") for r in root.iter("Relation")] == ["Attribution"]
    # Every region our writer makes uses a label the config offers.
    (task,) = _write(LabelStudio(), [claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")])
    used = {r["value"]["labels"][0] for r in task["annotations"][0]["result"] if r["type"] == "labels"}
    assert used <= labels
    assert labelling_config(preset("polnear")).count("<Label ") == 3


# --- WebAnno TSV 3 -------------------------------------------------------------------------------------


def _tsv(name: str) -> tuple[Document, LossReport]:
    from claimfmt.converters.webanno import WebAnnoTSV3

    report = LossReport(source="webanno-tsv3", target="claimfmt")
    path = shared(*TOOLS, "webanno-tsv3", "inception-tsv3-suite", f"{name}.tsv")
    (read,) = WebAnnoTSV3().read([path], Options(), report)
    return read.document, report


def test_every_webanno_suite_file_is_read_and_nothing_is_lost() -> None:
    folder = shared(*TOOLS, "webanno-tsv3", "inception-tsv3-suite")
    report = LossReport(source="webanno-tsv3", target="claimfmt")
    from claimfmt.conversion import read_documents

    read = list(read_documents([folder], "webanno-tsv3", None, report))
    assert len(read) == 12 and not report.failed


def test_webanno_offsets_are_utf16_and_the_text_is_rebuilt() -> None:
    document, _ = _tsv("testSentenceWithEmoji")
    assert document.article.text == "I like it \U0001f60a ."
    (span,) = [x for x in document.extensions["org.webanno:unmapped"] if x["kind"] == "TextBound"]
    assert span["fragments"] == [[10, 11]]  # UTF-16 10-12 is one code point
    document, _ = _tsv("testSentenceWithLineBreak")
    assert document.article.text == "This is\na test ."
    document, _ = _tsv("testCrossSentenceSpanWithFeatureValue")
    assert document.article.text == "He loves her .\nShe loves him not ."  # padded to the second sentence's offset
    document, _ = _tsv("testAnnotationWithLeadingWhitespace")
    assert document.article.text == "one  two"


def test_webanno_stacks_slots_chains_relations_and_escapes() -> None:
    unmapped = lambda name: _tsv(name)[0].extensions["org.webanno:unmapped"]  # noqa: E731
    stacked = [x["value"] for x in unmapped("testMultiTokenStackedSpanWithFeatureValue") if x["kind"] == "Attribute"]
    assert sorted(stacked) == ["LOCATION", "PERSON"]
    (slot,) = [x for x in unmapped("testSimpleSlotFeature") if x["kind"] == "Link"]
    assert [role for role, _ in slot["args"]] == ["p1", "p2"]
    chain = [x for x in unmapped("testSimpleChain") if x["kind"] == "Link"]
    assert len(chain) == 2
    (relation,) = [x for x in unmapped("testDependencyWithValues") if x["kind"] == "Link"]
    assert [role for role, _ in relation["args"]] == ["Governor", "Dependent"]
    values = {x["value"] for x in unmapped("testTokenBoundedSpanWithSpecialSymbolsValue") if x["kind"] == "Attribute"}
    assert values == {"#*'\"`\u00b4\t:;{}|[ ]()\\\u00a7$%?=&_\n"}


def _chains_of(tmp_path: Path, rows: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from claimfmt.converters.webanno import WebAnnoTSV3

    tsv = tmp_path / "coref.tsv"
    tsv.write_text(
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_CH=de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink|referenceType|referenceRelation\n\n\n"
        + rows,
        encoding="utf-8",
    )
    report = LossReport(source="webanno-tsv3", target="claimfmt")
    (read,) = WebAnnoTSV3().read([tsv], Options(), report)
    assert not report.failed
    unmapped = (read.document.extensions or {})["org.webanno:unmapped"]
    text = read.document.article.text or ""
    spans = [
        dict(x, text=text[x["fragments"][0][0] : x["fragments"][0][1]]) for x in unmapped if x["kind"] == "TextBound"
    ]
    return spans, [x for x in unmapped if x["kind"] == "Link"]


def test_a_chain_mention_over_several_tokens_is_one_span(tmp_path: Path) -> None:
    """Issue 15, item 1: "Frau Grubach" is one mention of chain 1, linked to "sie" as the chain says."""
    spans, links = _chains_of(
        tmp_path,
        "#Text=Frau Grubach sah , dass sie kam .\n"
        "1-1\t0-4\tFrau\tnam[1]\tcoref->1-1\n"
        "1-2\t5-12\tGrubach\tnam[1]\t_\n"
        "1-3\t13-16\tsah\t_\t_\n"
        "1-4\t17-18\t,\t_\t_\n"
        "1-5\t19-23\tdass\t_\t_\n"
        "1-6\t24-27\tsie\tpro[1]\t*->1-2\n"
        "1-7\t28-31\tkam\t_\t_\n"
        "1-8\t32-33\t.\t_\t_\n",
    )
    assert [s["text"] for s in spans] == ["Frau Grubach", "sie"]
    ids = {s["text"]: s["id"] for s in spans}
    assert [(link["type"], [t for _, t in link["args"]]) for link in links] == [
        ("coref", [ids["Frau Grubach"], ids["sie"]])
    ]


def test_stacked_chains_keep_their_own_mentions_and_links(tmp_path: Path) -> None:
    spans, links = _chains_of(
        tmp_path,
        "#Text=Anna und Ben sahen sich .\n"
        "1-1\t0-4\tAnna\tnam[1]\tcoref->1-1\n"
        "1-2\t5-8\tund\t_\t_\n"
        "1-3\t9-12\tBen\tnam[2]\tcoref->2-1\n"
        "1-4\t13-18\tsahen\t_\t_\n"
        "1-5\t19-23\tsich\tpro[1]|pro[2]\t*->1-2|*->2-2\n"
        "1-6\t24-25\t.\t_\t_\n",
    )
    by_id = {s["id"]: s["text"] for s in spans}
    pairs = sorted((by_id[link["args"][0][1]], by_id[link["args"][1][1]]) for link in links)
    assert pairs == [("Anna", "sich"), ("Ben", "sich")]
    assert len([s for s in spans if s["text"] == "sich"]) == 2  # one mention per chain, no cycle
    assert all(link["args"][0][1] != link["args"][1][1] for link in links)


def test_a_custom_claim_layer_becomes_claims(tmp_path: Path) -> None:
    from claimfmt.converters.mapping import load_mapping
    from claimfmt.converters.webanno import WebAnnoTSV3

    tsv = tmp_path / "doc.tsv"
    tsv.write_text(
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Claim|state\n\n\n"
        "#Text=\U0001f4e2 Taxes will fall .\n"
        "1-1\t0-2\t\U0001f4e2\t_\t\n1-2\t3-8\tTaxes\trefuted[1]\t\n1-3\t9-13\twill\trefuted[1]\t\n"
        "1-4\t14-18\tfall\trefuted[1]\t\n1-5\t19-20\t.\t_\t\n"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('[spans]\nclaim = ["Claim"]\n[attribution]\n[attributes]\nstate = "state"\n')
    report = LossReport(source="webanno-tsv3", target="claimfmt")
    (read,) = WebAnnoTSV3().read([tsv], Options(mapping=load_mapping(mapping)), report)
    (claim,) = read.document.claims
    assert claim.spans[0].exact == "Taxes will fall" and claim.state().value == "refuted"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sentences=st.lists(
        st.tuples(
            st.lists(st.text(alphabet="ab\u00e9\U0001f60a", min_size=1, max_size=3), min_size=1, max_size=4),
            st.integers(0, 2),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_webanno_sentences_are_placed_at_their_utf16_offsets(
    tmp_path_factory: Any, sentences: list[tuple[list[str], int]]
) -> None:
    """Each sentence's first token, annotated, is read where its UTF-16 offsets put it: the text before it padded
    with line breaks (an emoji is two UTF-16 units and one code point)."""
    from claimfmt.converters.webanno import WebAnnoTSV3

    rows, at = ["#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n"], 0
    for n, (words, gap) in enumerate(sentences, start=1):
        at += gap
        rows.append("#Text=" + " ".join(words) + "\n")
        for t, word in enumerate(words, start=1):
            size = len(word.encode("utf-16-le")) // 2
            rows.append(f"{n}-{t}\t{at}-{at + size}\t{word}\t{f'S{n}' if t == 1 else '_'}\t\n")
            at += size + 1
        rows.append("\n")
    tsv = tmp_path_factory.mktemp("tsv") / "doc.tsv"
    tsv.write_text("".join(rows), encoding="utf-8")
    report = LossReport(source="webanno-tsv3", target="claimfmt")
    (read,) = WebAnnoTSV3().read([tsv], Options(), report)
    assert not report.failed
    text = read.document.article.text or ""
    unmapped = (read.document.extensions or {})["org.webanno:unmapped"]
    spans = {x["id"]: x["fragments"][0] for x in unmapped if x["kind"] == "TextBound"}
    found = {x["value"]: text[slice(*spans[x["target"]])] for x in unmapped if x["kind"] == "Attribute"}
    assert found == {f"S{n}": words[0] for n, (words, _) in enumerate(sentences, start=1)}


# --- generic span JSONL -------------------------------------------------------------------------------


def test_generic_span_jsonl_reads_a_corpus_through_its_field_mapping(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {
            "doc_id": "n1",
            "body": {"content": "\U0001f4f0 The minister said wages will rise.", "lang": "en"},
            "annotations": [
                {"b": 5, "e": 17, "tag": "SPEAKER", "surface": "The minister"},  # UTF-16: the emoji counts 2
                {"b": 23, "e": 40, "tag": "CLAIM", "surface": "wages will rise"},  # off by one: re-anchored
                {"b": 0, "e": 2, "tag": "EMOJI"},
            ],
        }
    ]
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows))
    mapping = tmp_path / "corpus.toml"
    mapping.write_text(
        '[fields]\nid = "doc_id"\ntext = "body.content"\nspans = "annotations"\n'
        'start = "b"\nend = "e"\nlabel = "tag"\nquote = "surface"\nunit = "utf16"\n'
        '[spans]\nclaim = ["CLAIM"]\nsource = ["SPEAKER"]\n'
    )
    out = tmp_path / "out.jsonl"
    args = [
        "convert",
        str(corpus),
        "--from",
        "spans-jsonl",
        "--to",
        "claimfmt",
        "--mapping",
        str(mapping),
        "-o",
        str(out),
    ]
    assert claimfmt.cli.main(args) == 0
    (document,) = claimfmt.iter_documents(out)
    assert document.id == "n1"
    assert [c.spans[0].exact for c in document.claims] == ["wages will rise"]
    assert [s.name for s in document.sources] == ["The minister"]
    assert document.extensions["org.claimfmt.spans-jsonl:record"] == {"doc_id": "n1", "body": {"lang": "en"}}
    assert document.extensions["org.claimfmt.spans-jsonl:unmapped"] == [{"label": "EMOJI", "start": 0, "end": 1}]


@pytest.mark.parametrize("shape", ["array of one", "bare task"])
def test_label_studio_keeps_the_shape_of_the_file(tmp_path: Path, shape: str) -> None:
    """Issue 15, item 11: a one-task array comes back an array; a bare task comes back bare."""
    task = json.loads((Path(__file__).parent / "cases" / "readers" / "labelstudio" / "tasks.json").read_text())
    value: Any = {"array of one": [task], "bare task": task}[shape]
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(value), encoding="utf-8")
    middle, back = tmp_path / "docs.json", tmp_path / "back.json"
    assert (
        claimfmt.cli.main(["convert", str(source), "--from", "labelstudio", "--to", "claimfmt", "-o", str(middle)]) == 0
    )
    assert (
        claimfmt.cli.main(["convert", str(middle), "--from", "claimfmt", "--to", "labelstudio", "-o", str(back)]) == 0
    )
    assert json.loads(back.read_text(encoding="utf-8")) == value


_SEED = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
_ADDED = [("top", "meta"), ("entity", "annotator"), ("relation", "score")]


@given(document=documents(text=True), added=st.lists(st.sampled_from(_ADDED), max_size=2, unique=True))
@example(document=_SEED, added=[("entity", "annotator")]).via("an entity the tool added to, always tried")
@example(document=_SEED, added=[("relation", "score")]).via("a relation the tool added to, always tried")
def test_doccano_reader_writes_again_only_where_doccano_may_have_added_something(
    document: Document, added: list[tuple[str, str]]
) -> None:
    """A line of only the writer's keys is read without writing the document again: that must find nothing."""
    from claimfmt.converters import doccano
    from claimfmt.converters.base import only_written
    from claimfmt.converters.patches import additions, diff

    (line,) = _write(Doccano(), [document])
    plain = {key: value for key, value in line.items() if key != doccano.RECORD}
    assert only_written(plain, doccano._WRITTEN)  # the shortcut is taken on what claimfmt writes
    for where, key in added:
        items = [plain] if where == "top" else plain["entities" if where == "entity" else "relations"]
        for item in items:
            item[key] = 1
    written = doccano.RECORD in line
    (back,), _ = _read(Doccano(), [{**plain, doccano.RECORD: line[doccano.RECORD]} if written else plain])
    rest = {k: v for k, v in (back.extensions or {}).items() if k != doccano._LINE}
    unparked = evolve(back, extensions=rest or None)  # what the reader had before it kept anything
    again = doccano._line(unparked, preset("default"), Unit.UTF16, LossReport(source="-", target="-"))
    if written and only_written(plain, doccano._WRITTEN):
        assert additions(plain, again) is None
    kept = additions(plain, again) if written else diff(plain, again)
    assert (back.extensions or {}).get(doccano._LINE) == kept


_LINE_EDITS = ["none", "an entity deleted", "a key added to an entity", "a key added to the line", "renumbered"]


def _edited_line(line: dict[str, Any], edit: str) -> None:
    """``line`` edited in place as doccano's user (or its import) may edit it."""
    entities, relations = line.get("entities", []), line.get("relations", [])
    if edit == "an entity deleted" and entities:
        gone = entities.pop()["id"]
        line["relations"] = [r for r in relations if gone not in (r["from_id"], r["to_id"])]
    elif edit == "a key added to an entity" and entities:
        entities[0]["annotator"] = "ann"
    elif edit == "a key added to the line":
        line["meta"] = {"source": "wire"}
    elif edit == "renumbered":  # doccano numbers entities anew on import
        for item in entities:
            item["id"] += 100
        for relation in relations:
            relation["from_id"] += 100
            relation["to_id"] += 100


@given(document=documents(text=True), edit=st.sampled_from(_LINE_EDITS))
def test_doccano_reader_lets_a_line_s_annotations_go_only_where_it_does_not_read_the_line_again(
    document: Document, edit: str
) -> None:
    """The entities and relations of a line claimfmt wrote and doccano added nothing to are let go once its
    document is made (a large line's are most of what it holds): the document and what is reported are those of
    the reader keeping the line whole, which may compare it with the document."""
    import copy
    from unittest import mock

    from claimfmt.converters import doccano
    from claimfmt.converters.base import only_written

    (line,) = _write(Doccano(), [document])
    _edited_line(line, edit)
    whole = copy.deepcopy(line)
    with mock.patch.object(doccano, "_parks", return_value=True):  # the line kept, and compared
        expected, expected_report = _read(Doccano(), [copy.deepcopy(line)])
    back, report = _read(Doccano(), [line])
    assert back == expected
    assert [(i.code, i.message) for i in report.issues] == [(i.code, i.message) for i in expected_report.issues]
    assert report.parked == expected_report.parked
    plain = {key: value for key, value in whole.items() if key != doccano.RECORD}
    if doccano.RECORD in whole and only_written(plain, doccano._WRITTEN):
        assert line["entities"] == line["relations"] == []
    else:
        assert line == whole


def test_doccano_reader_keeps_the_line_where_its_record_gives_what_an_earlier_line_added() -> None:
    """A document read from a line without relations keeps that (its extension): written again with a record, and
    given relations in doccano, the line is compared with the document again, as before (not let go)."""
    import attrs

    from claimfmt.converters import doccano
    from claimfmt.model import State, Verification

    foreign = {
        "text": "Ann said the sky is green.",
        "entities": [
            {"id": 70, "start_offset": 0, "end_offset": 3, "label": "Source"},
            {"id": 71, "start_offset": 9, "end_offset": 25, "label": "Claim"},
            {"id": 72, "start_offset": 4, "end_offset": 8, "label": "Cue"},
        ],
    }
    (read,), _ = _read(Doccano(), [foreign])
    assert "relations" in (read.extensions or {})[doccano._LINE]["unset"]
    claim = attrs.evolve(read.claims[0], verifications=(Verification(state=State.REFUTED),))
    (line,) = _write(Doccano(), [evolve(read, claims=(claim,))])
    assert "relations" not in line and doccano._parks(line[doccano.RECORD])
    line["relations"] = [{"id": 0, "from_id": 71, "to_id": 70, "type": "Attribution"}]  # added in doccano
    (back,), report = _read(Doccano(), [line])
    assert line["entities"] and line["relations"]  # kept: compared with the document
    assert back.claims[0].attributions[0].source == back.sources[0].id
    assert (back.extensions or {})[doccano._LINE]["set"]["relations"] == line["relations"]
    assert back.claims[0].verifications == (Verification(state=State.REFUTED),)
    assert report.parked["doccano.relations"] == 1


# Code units every span can be written in (a span may end inside a grapheme cluster).
@given(document=documents(text=True), unit=st.sampled_from([Unit.CODEPOINT, Unit.UTF16, Unit.UTF8]))
def test_doccano_writer_reads_its_line_back_as_a_reader_parses_it(document: Document, unit: Unit) -> None:
    """The writer does not parse its own line to know what it gives back: the two must agree."""
    from claimfmt.converters import doccano
    from claimfmt.converters.base import Origin
    from claimfmt.converters.standoff import read_json

    mapping, report = preset("default"), LossReport(source="-", target="-")
    line, seen = doccano._written(document, mapping, unit, report)
    assert seen is not None
    parsed = doccano._rebuild(line, "d", mapping, unit, report, Origin(file="-"))
    assert read_json(seen, mapping, "d", report)[0] == parsed


@given(
    document=documents(text=True),
    kinds=st.lists(st.sampled_from(["annotation", "prediction", "task"]), min_size=1, max_size=3),
    unit=st.sampled_from([Unit.CODEPOINT, Unit.UTF16, Unit.UTF8]),
)
def test_labelstudio_writer_reads_its_task_back_as_a_reader_parses_it(
    document: Document, kinds: list[str], unit: Unit
) -> None:
    """The writer does not parse its own results to know what they give back: the two must agree."""
    from claimfmt.converters import labelstudio
    from claimfmt.converters.base import Origin

    ns = labelstudio.NS
    group = [
        evolve(document, extensions={**(document.extensions or {}), labelstudio._GROUP: "g", ns + "kind": kind})
        for kind in kinds
    ]
    mapping, report, scratch = preset("default"), LossReport(source="-", target="-"), LossReport(source="-", target="-")
    task, seen = labelstudio._written(group, mapping, unit, report, number=3, scratch=scratch)
    assert seen is not None
    parsed = labelstudio._rebuild(task, Origin(file="-", index=3), mapping, unit, LossReport(source="-", target="-"))
    assert seen == parsed


# What Label Studio adds to a task it imports and exports again, at each depth the writer writes.
_LABELSTUDIO_ADDS = [
    ("task", "id", 7),
    ("task", "predictions", []),
    ("task", "meta", {"batch": 1}),
    ("data", "source", "feed"),
    ("annotation", "id", 12),
    ("annotation", "lead_time", 3.5),
    ("result", "origin", "manual"),
    ("value", "score", 0.5),
]


@given(
    document=documents(text=True),
    added=st.lists(st.sampled_from(_LABELSTUDIO_ADDS), max_size=2, unique_by=lambda a: a[:2]),
)
@example(document=_SEED, added=[_LABELSTUDIO_ADDS[-2]]).via("a result the tool added to, always tried")
@example(document=_SEED, added=[_LABELSTUDIO_ADDS[-1]]).via("a value the tool added to, always tried")
@example(document=_SEED, added=[]).via("the seed as written, always tried")
def test_labelstudio_reader_writes_again_only_where_label_studio_may_have_added_something(
    document: Document, added: list[tuple[str, str, Any]]
) -> None:
    """A task of only the writer's keys is read without writing its documents again: that must find nothing."""
    from unittest import mock

    from claimfmt.converters import labelstudio

    (task,) = _write(LabelStudio(), [document])
    if "claimfmt" in task.get("meta", {}) and not added:  # written by claimfmt, as it was: the shortcut is taken
        with mock.patch.object(labelstudio, "_task", side_effect=AssertionError("written again")):
            _read(LabelStudio(), [task])
    for where, key, value in added:
        annotations = task["annotations"]
        results = [r for a in annotations for r in a["result"]]
        items = {
            "task": [task],
            "data": [task["data"]],
            "annotation": annotations,
            "result": results,
            "value": [r["value"] for r in results if "value" in r],
        }[where]
        for item in items:
            item[key] = value
    shortcut, _ = _read(LabelStudio(), [task])
    with mock.patch.object(labelstudio, "_only_written", return_value=False):
        long_way, _ = _read(LabelStudio(), [task])
    assert shortcut == long_way
    assert [d.extensions for d in shortcut] == [d.extensions for d in long_way]


@given(
    st.lists(documents(text=True), min_size=1, max_size=2),
    st.sampled_from(["doccano", "prodigy"]),
    st.sampled_from(
        [
            "none",
            "an annotation deleted",
            "not an object",
            "patch not an object",
            "a fragment deleted",
            "a key added to a token or entity",
            "the record deleted",
            "the record set aside",
        ]
    ),
    st.data(),
)
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_a_large_line_whose_record_fragments_are_parsed_as_applied_reads_as_one_parsed_whole(
    documents_: list[Document], tool: str, edit: str, data: st.DataObject
) -> None:
    """Above 4 MB, a line's claim and source fragments are kept as text and parsed one at a time as the record is
    applied (remainder.UNPARSED), and a Prodigy task's tokens, spans and relations are kept as text (its tokens
    looked at only for their keys where the record drops them): the documents and what is reported are those of
    parsing the line whole, edits and damaged fragments included. Here every line is split as a large one is."""
    import tempfile
    from unittest import mock

    import orjson

    from claimfmt import jsontext
    from claimfmt.converters import prodigy, remainder
    from claimfmt.converters.registry import get_converter
    from claimfmt.structuring import as_json

    converter = get_converter(tool)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "tasks.jsonl")
        converter.write(documents_, path, Options(), LossReport(source="claimfmt", target=tool))
        lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
        line = lines[data.draw(st.integers(0, len(lines) - 1))]
        fragments = line.get("claimfmt", {}).get("claims", {})
        annotations = line.get("entities" if tool == "doccano" else "spans") or []
        if edit == "an annotation deleted" and annotations:
            annotations.pop(data.draw(st.integers(0, len(annotations) - 1)))
        elif edit == "a key added to a token or entity":
            items = line.get("entities" if tool == "doccano" else "tokens") or []
            if items:
                items[data.draw(st.integers(0, len(items) - 1))]["note"] = "added in the tool"
        elif edit == "the record deleted":
            line.pop("claimfmt", None)
        elif edit == "the record set aside":
            if "claimfmt" in line:
                line["claimfmt"]["extensions"] = 5
        elif edit != "none" and fragments:
            key = data.draw(st.sampled_from(sorted(fragments)))
            if edit == "a fragment deleted":
                del fragments[key]
            else:
                fragments[key] = [1, 2] if edit == "not an object" else {"patch": 3}
        path.write_bytes(b"".join(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE) for line in lines))

        def read() -> tuple[list[Any], list[str]]:
            report = LossReport(source=tool, target="claimfmt")
            found = [as_json(read.document) for read in converter.read([path], Options(), report)]
            return found, [issue.code for issue in report.issues]

        with mock.patch.object(jsontext, "SPLIT_ABOVE", 10**12):
            whole = read()
        parsed, kept = remainder.Unparsed.parsed, prodigy._Unparsed.__init__
        with (
            mock.patch.object(jsontext, "SPLIT_ABOVE", 0),
            mock.patch.object(jsontext, "_PART", 64),
            mock.patch.object(remainder.Unparsed, "parsed", autospec=True, side_effect=parsed) as parsing,
            mock.patch.object(prodigy._Unparsed, "__init__", autospec=True, side_effect=kept) as keeping,
        ):
            split = read()
    assert split == whole
    if edit != "the record set aside" and any(
        len(orjson.dumps(line.get("claimfmt", {}).get("claims", {}))) > 64 for line in lines
    ):
        assert parsing.called  # the fragments were kept as text
    if tool == "prodigy":  # the tokens kept as text
        tokens = {orjson.dumps(line["tokens"]) for line in lines}
        assert {call.args[1] for call in keeping.call_args_list} >= {t for t in tokens if len(t) > 64}
