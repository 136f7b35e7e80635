"""``claimfmt convert`` and the conversion framework: formats, exit statuses, loss reports, atomic output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import orjson
import pytest

import claimfmt
from claimfmt import jsontext
from claimfmt.cli import main
from claimfmt.codes import CODES
from claimfmt.converters import registry
from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read
from claimfmt.converters.offsets import Unit
from claimfmt.converters.w3c import ANNO_CONTEXT, W3C
from claimfmt.model import Article, Claim, Document
from claimfmt.reading import Record
from claimfmt.structuring import as_json

from .conftest import EXAMPLES, ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


ANNOTATION = {
    "@context": ANNO_CONTEXT,
    "id": "http://example.org/anno1",
    "type": "Annotation",
    "body": {"type": "TextualBody", "value": "a comment"},
    "target": {"source": "http://example.org/page", "selector": {"type": "TextQuoteSelector", "exact": "quoted"}},
}


def test_list_shows_every_format_with_its_directions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "convert", "--list")
    assert status == 0
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[1:]}
    assert rows["w3c"] == ["yes", "yes"] and rows["claimfmt"] == ["yes", "yes"]


def test_examples_go_to_w3c_and_back_through_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w3c, back, report = tmp_path / "w3c.jsonl", tmp_path / "back.json", tmp_path / "report.json"
    status, _, err = run(
        capsys, "convert", str(EXAMPLES), "--from", "claimfmt", "--to", "w3c", "-o", str(w3c), "--report", str(report)
    )
    assert status == 0, err
    assert "claimfmt -> w3c: 3 document(s) read, 3 converted" in err
    assert len(w3c.read_bytes().splitlines()) == 3
    loss = orjson.loads(report.read_bytes())
    assert (loss["documents_read"], loss["documents_written"], loss["errors"]) == (3, 3, 0)
    # Published W3C withholds the article text and what names an anonymous source (and says so) ...
    assert loss["dropped"] == {"article.text (never published)": 2, "anonymous sources' details (never published)": 5}
    written = w3c.read_text(encoding="utf-8")
    texts = [d.article.text for d in map(claimfmt.load, EXAMPLES.glob("*.json")) if d.article.text]
    assert len(texts) == 2 and not any(orjson.dumps(text).decode() in written for text in texts)
    # ... and with --record the claimfmt record gives it all back.
    status, _, err = run(
        capsys, "convert", str(EXAMPLES), "--from", "claimfmt", "--to", "w3c", "--record", "-o", str(w3c)
    )
    assert status == 0, err
    status, _, err = run(capsys, "convert", str(w3c), "--from", "w3c", "--to", "claimfmt", "-o", str(back))
    assert status == 0, err
    originals = [claimfmt.load(path) for path in sorted(EXAMPLES.glob("*.json"))]
    assert list(claimfmt.iter_documents(back)) == originals


def test_one_value_is_written_as_itself_and_several_as_an_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    seed = str(EXAMPLES / "seed-article.claimfmt.json")
    assert run(capsys, "convert", seed, "--from", "claimfmt", "--to", "w3c", "-o", str(one))[0] == 0
    assert orjson.loads(one.read_bytes())["type"] == "AnnotationCollection"
    assert run(capsys, "convert", seed, seed, "--from", "claimfmt", "--to", "w3c", "-o", str(many))[0] == 0
    assert [v["type"] for v in orjson.loads(many.read_bytes())] == ["AnnotationCollection"] * 2


def test_bad_records_are_reported_with_file_and_line_and_the_rest_is_converted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "annotations.jsonl"
    lines = [ANNOTATION, {"type": "Squirrel"}, "not json", {**ANNOTATION, "id": "http://example.org/anno2"}]
    source.write_bytes(b"\n".join(b"{not json" if v == "not json" else orjson.dumps(v) for v in lines) + b"\n")
    out = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "convert", str(source), "--from", "w3c", "--to", "claimfmt", "-o", str(out))
    assert status == 1
    assert re.search(rf"{re.escape(str(source))}:2: error: not a W3C Annotation.*\[not-convertible\]", err)
    assert f"{source}:3:" in err and "[invalid-json]" in err
    documents = list(claimfmt.iter_documents(out))
    # The two good annotations are converted: the claim is the quote, the comment is kept to be written back.
    assert [claim.text for d in documents for claim in d.claims] == ["quoted", "quoted"]


def test_usage_errors_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(EXAMPLES / "seed-article.claimfmt.json")
    odd = tmp_path / "odd.json"
    odd.write_text('{"hello": 1}')  # no format's shape: --from cannot be told
    for args in (
        ["convert", seed, "--from", "claimfmt", "--to", "nope"],
        ["convert", str(odd), "--to", "w3c"],
        ["convert", seed, "--from", "claimfmt"],
        ["convert", "--from", "w3c", "--to", "claimfmt"],
        ["convert", str(tmp_path / "missing.json"), "--from", "w3c", "--to", "claimfmt"],
        ["convert", seed, "--from", "claimfmt", "--to", "w3c", "-o", str(tmp_path / "no" / "such" / "dir.json")],
    ):
        status, out, err = run(capsys, *args)
        assert status == 2, args
        assert err.startswith("claimfmt: error:") and "Traceback" not in err
        assert out == ""
    with pytest.raises(SystemExit) as exited:
        main(["convert", seed, "--from", "w3c", "--to", "claimfmt", "--offset-unit", "bytes"])
    assert exited.value.code == 2


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(orjson.dumps(ANNOTATION))))
    assert main(["convert", "-", "--from", "w3c", "--to", "claimfmt", "--jsonl"]) == 0
    out = capsysbinary.readouterr().out
    (document,) = [orjson.loads(line) for line in out.splitlines()]
    assert document["claims"][0]["spans"] == [{"exact": "quoted"}]


class _Exploding(Converter):
    name: ClassVar[str] = "exploding"
    summary: ClassVar[str] = "writes one record, then fails"

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[Any]:
        for document in documents:
            yield {"id": document.id}
            raise RuntimeError("disk on fire")


class _ReadOnly(Converter):
    name: ClassVar[str] = "read-only"
    summary: ClassVar[str] = "reads one document per record"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for record in records:
            document = Document(
                claimfmt="1.1",
                id=str(record.data["id"]),
                article=Article(),
                sources=(),
                claims=(Claim(id="c", text=str(record.data["text"]), spans=(), attributions=()),),
            )
            yield Read(document=document, origin=Origin.of(record))


class _EntryPoint:
    def __init__(self, name: str, value: type) -> None:
        self.name, self.value = name, value

    def load(self) -> type:
        return self.value


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    registry.cache_clear()
    found = [_EntryPoint("exploding", _Exploding), _EntryPoint("read-only", _ReadOnly), _EntryPoint("w3c", _ReadOnly)]
    monkeypatch.setattr(registry, "entry_points", lambda group: found if group == registry.ENTRY_POINT_GROUP else [])
    yield
    registry.cache_clear()


def test_converters_come_in_through_entry_points_and_cannot_replace_builtins(
    plugins: None, capsys: pytest.CaptureFixture[str]
) -> None:
    converters = registry.all_converters()
    assert isinstance(converters["w3c"], W3C)
    assert converters["read-only"].reads and not converters["read-only"].writes
    assert converters["exploding"].writes and not converters["exploding"].reads
    _, out, _ = run(capsys, "convert", "--list")
    assert "read-only      yes   -" in out


def test_each_built_in_format_name_is_its_converter_s_name() -> None:
    assert all(registry.get_converter(name).name == name for name in registry.builtin_names())


def test_a_conversion_imports_only_its_two_converters(tmp_path: Path) -> None:
    """Converters load when used: converting claimfmt to W3C does not import rdflib's or spaCy's."""
    probe = (
        "import sys, json, claimfmt;"
        f"claimfmt.convert([{str(EXAMPLES / 'seed-article.claimfmt.json')!r}], source_format='claimfmt',"
        f" target_format='w3c', output={str(tmp_path / 'out.json')!r});"
        "print(json.dumps(sorted(m.rsplit('.', 1)[-1] for m in sys.modules if m.startswith('claimfmt.converters.'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert {"claimfmt_json", "w3c"} <= loaded
    assert not loaded & {"brat", "nif", "spacy_docbin", "uima", "claimreview", "labelstudio", "doccano"}


def test_a_failure_while_writing_leaves_the_old_output_alone(
    plugins: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    out.write_text("good data\n")
    seed = str(EXAMPLES / "seed-article.claimfmt.json")
    status, _, err = run(capsys, "convert", seed, seed, "--from", "claimfmt", "--to", "exploding", "-o", str(out))
    assert status == 2 and "disk on fire" in err
    assert out.read_text() == "good data\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left behind


def test_a_direction_a_format_lacks_is_a_usage_error(
    plugins: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = str(EXAMPLES / "seed-article.claimfmt.json")
    status, _, err = run(capsys, "convert", seed, "--from", "claimfmt", "--to", "read-only")
    assert status == 2 and "read-only can be read but not written" in err
    status, _, err = run(capsys, "convert", seed, "--from", "exploding", "--to", "claimfmt")
    assert status == 2 and "exploding can be written but not read" in err


def test_what_a_reader_yields_is_validated_before_it_is_written(
    plugins: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "ok", "text": "fine"}\n{"id": "bad", "text": ""}\n')
    out = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "convert", str(source), "--from", "read-only", "--to", "claimfmt", "-o", str(out))
    assert status == 1
    assert f"{source}:2:" in err and "converted document 'bad'" in err and "[schema-min-length]" in err
    assert [d.id for d in claimfmt.iter_documents(out)] == ["ok"]


def test_lost_offsets_are_counted_in_the_report() -> None:
    seed = claimfmt.load(EXAMPLES / "seed-article.claimfmt.json")
    document = attrs.evolve(seed, article=attrs.evolve(seed.article, text=None))
    spans = sum(len(claim.spans) for claim in document.claims)
    report = LossReport(source="claimfmt", target="w3c")
    list(W3C().write_records([document], Options(offset_unit=Unit.UTF16), report))
    assert report.dropped["span offsets in utf16 (the text is not known)"] == spans
    assert f"span offsets in utf16 (the text is not known) ({spans})" in report.summary()


def test_every_code_a_converter_reports_is_documented() -> None:
    sources = [*(ROOT / "converters").rglob("*.py"), ROOT / "src" / "claimfmt" / "conversion.py"]
    used = set()
    for path in sources:
        used |= set(re.findall(r'\.(?:warn|error)\(\s*"([a-z-]+)"', path.read_text()))
    assert used, "the pattern found no codes: it is out of date"
    assert used - set(CODES) == set()


def _deep(levels: int) -> Any:
    value: Any = 1.5e16  # a number orjson and Python's json spell apart
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("target", "suffix"),
    [
        ("claimfmt", ".jsonl"),
        ("w3c --record", ".json"),
        ("doccano", ".jsonl"),
        ("labelstudio", ".json"),
        ("brat", ""),
        ("prodigy", ".jsonl"),
        ("parquet", ".parquet"),
        ("spacy", ".spacy"),
        ("nif", ".ttl"),
        ("uima-json", ""),
    ],
)
# orjson writes 255 levels and reads 1,024; Python compares and walks about 1,000.
@pytest.mark.parametrize("levels", [300, 1_000])
def test_an_extension_nested_deeper_than_orjson_writes_goes_there_and_back(
    tmp_path: Path, target: str, suffix: str, levels: int
) -> None:
    # The schema takes any depth in an extension's value: what a document holds is written all the same (Python's
    # json for that value), each record and fingerprint too, and compared where Python cannot (jsontext.equal).
    data = json.loads((EXAMPLES / "seed-article.claimfmt.json").read_text(encoding="utf-8"))
    data["claims"][0]["extensions"] = {"org.example:deep": _deep(levels)}
    data["extensions"] = {"org.example:deep": _deep(levels)}
    source = tmp_path / "deep.json"
    source.write_bytes(jsontext.dumps(data))
    assert claimfmt.validate(source) == []
    fmt, *flags = target.split()
    there, back = tmp_path / f"there{suffix}", tmp_path / "back.json"
    options = Options(record="--record" in flags)
    out = claimfmt.convert([source], source_format="claimfmt", target_format=fmt, output=there, options=options)
    assert not out.failed
    assert not claimfmt.convert([there], source_format=fmt, target_format="claimfmt", output=back).failed
    assert jsontext.equal(as_json(claimfmt.load(back)), as_json(claimfmt.load(source)))


def test_an_invalid_document_nested_too_deep_for_jsonschema_rs_has_its_schema_issues(tmp_path: Path) -> None:
    # jsonschema_rs hands an error its instance as Python values, and cannot past 255 levels: the errors are
    # then found by python-jsonschema, told as they are of the same document without the deep value.
    data = json.loads((EXAMPLES / "seed-article.claimfmt.json").read_text(encoding="utf-8"))
    del data["claims"][0]["text"]
    data["sources"][0]["kind"] = "nobody"
    shallow = [(i.code, i.pointer, i.message) for i in claimfmt.validate(data)]
    data["extensions"] = {"org.example:deep": _deep(300)}
    assert [(i.code, i.pointer, i.message) for i in claimfmt.validate(data)] == shallow
    assert len(shallow) == 2
