"""claimfmt strip / hydrate: texts withheld and put back, spans placed again by their quotes."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from hypothesis import given

from claimfmt.cli import main
from claimfmt.hydrating import hydrate, strip
from claimfmt.testing import json_documents
from claimfmt.validation import validate
from claimfmt.validators.registry import walk_spans

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-article.claimfmt.json"


@given(json_documents())
def test_strip_then_hydrate_with_the_same_text_is_the_identity(document: dict[str, Any]) -> None:
    text = document["article"].get("text")
    stripped = strip(document)
    assert "text" not in stripped["article"]
    if text is None:
        assert stripped == document
        return
    back = hydrate(stripped, {document["id"]: text})
    # Only a span that had no offsets can stay unplaced: one whose quote is in the text more than once.
    quote_only = sum("start" not in span for _, span in walk_spans(document))
    assert back.status == "hydrated" and back.spans.get("orphaned", 0) <= quote_only and back.spans.get("fuzzy") == 0
    assert back.document["article"] == {
        **document["article"],
        "text": text,
        "text_sha256": back.document["article"]["text_sha256"],
    }
    # Every span keeps its quote and its offsets; a quote-only span may gain the offsets of its quote.
    before, after = walk_spans(document), walk_spans(back.document)
    for (path, old), (same_path, new) in zip(before, after, strict=True):
        assert path == same_path and new["exact"] == old["exact"]
        assert new == old or ("start" not in old and text[new["start"] : new["end"]] == old["exact"])
    assert [i for i in validate(back.document) if i.severity.value == "error"] == []


def test_cli_round_trip_on_the_seed_with_an_edited_text(tmp_path: Path) -> None:
    original = json.loads(SEED.read_text(encoding="utf-8"))
    stripped, out, texts = tmp_path / "stripped.json", tmp_path / "out.json", tmp_path / "texts"
    assert main(["strip", str(SEED), "-o", str(stripped)]) == 0
    shared = json.loads(stripped.read_text())
    assert "text" not in shared["article"] and shared["article"]["text_sha256"]
    texts.mkdir()
    (texts / f"{original['id']}.txt").write_text(original["article"]["text"], encoding="utf-8")
    assert (
        main(["hydrate", str(stripped), "--texts", str(texts), "-o", str(out), "--report", str(tmp_path / "r.jsonl")])
        == 0
    )
    assert json.loads(out.read_text())["article"]["text"] == original["article"]["text"]
    report = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert report[0]["status"] == "hydrated" and report[0]["spans"]["orphaned"] == 0
    # A text found elsewhere has a different hash: it is not filled in, and the exit status says so.
    (texts / f"{original['id']}.txt").write_text("Breaking: " + original["article"]["text"], encoding="utf-8")
    assert main(["hydrate", str(stripped), "--texts", str(texts), "-o", str(out)]) == 1
    assert "text" not in json.loads(out.read_text())["article"]
    # Without the hash (a corpus that never had one), an edited text is hydrated and every span placed again.
    del shared["article"]["text_sha256"]
    stripped.write_text(json.dumps(shared))
    assert main(["hydrate", str(stripped), "--texts", str(texts), "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0


def test_texts_from_jsonl_by_hash_and_bad_texts(tmp_path: Path) -> None:
    original = json.loads(SEED.read_text(encoding="utf-8"))
    stripped = strip(original)
    lines = tmp_path / "texts.jsonl"
    lines.write_text(json.dumps({"id": "other", "text": original["article"]["text"]}) + "\n")
    source = tmp_path / "in.json"
    source.write_text(json.dumps(stripped))
    out = tmp_path / "out.json"
    assert main(["hydrate", str(source), "--texts", str(lines), "-o", str(out)]) == 0  # found by its SHA-256
    assert json.loads(out.read_text())["article"]["text"] == original["article"]["text"]
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    assert main(["hydrate", str(source), "--texts", str(tmp_path / "bad.jsonl"), "-o", str(out)]) == 2
    assert main(["hydrate", str(source), "--texts", str(tmp_path / "missing"), "-o", str(out)]) == 2


def _warc(path: Path, pages: dict[str, tuple[str, bytes]]) -> None:
    """A gzipped WARC of HTTP responses, as a crawler writes one."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, (kind, body) in pages.items():
            status = "301 Moved" if kind == "redirect" else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))


def test_texts_from_a_warc_by_url_extracted_and_placed_again(tmp_path: Path) -> None:
    original = json.loads(SEED.read_text(encoding="utf-8"))
    text = original["article"]["text"]
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    page = "<html><head><title>x</title><script>var a = 1;</script></head><body><nav>Home | World</nav>"
    page += f"<article>{paragraphs}</article><footer>Cookies</footer></body></html>"
    url = original["article"]["url"] = "https://news.example/2024/ministry-denies"
    warc = tmp_path / "crawl.warc.gz"
    _warc(
        warc,
        {
            url + "?redirect": ("redirect", b""),
            "https://example.org/logo.png": ("image/png", b"\x89PNG"),
            url: ("text/html; charset=utf-8", page.encode("utf-8")),
        },
    )
    stripped = tmp_path / "stripped.json"
    stripped.write_text(json.dumps(strip(original)))
    out, report = tmp_path / "out.json", tmp_path / "report.jsonl"
    # The extracted page is not byte for byte the text annotated: the hash says so, and nothing is filled in.
    code = main(["hydrate", str(stripped), "--texts", str(warc), "-o", str(out), "--report", str(report)])
    extracted = json.loads(report.read_text())
    if extracted["status"] == "hydrated":  # the extractor gave the very text: nothing more to show
        assert code == 0
        return
    assert code == 1 and extracted["status"] == "hash-mismatch"
    assert "text" not in json.loads(out.read_text())["article"]
    # Accepted, the page's text is filled in and every span found again in it.
    args = ["hydrate", str(stripped), "--texts", str(warc), "-o", str(out), "--report", str(report)]
    assert main([*args, "--accept-mismatch"]) == 0
    result = json.loads(out.read_text())
    assert "Home | World" not in result["article"]["text"] and "Cookies" not in result["article"]["text"]
    placed = json.loads(report.read_text())
    assert placed["status"] == "hydrated-mismatch" and placed["spans"]["orphaned"] == 0
    assert main(["validate", str(out)]) == 0
    for _, span in walk_spans(result):
        assert result["article"]["text"][span["start"] : span["end"]] == span["exact"]
    # All visible text keeps the navigation; a file that is not a WARC is a usage error.
    assert main([*args, "--accept-mismatch", "--extract", "all"]) == 0
    assert "Home | World" in json.loads(out.read_text())["article"]["text"]
    (tmp_path / "bad.warc.gz").write_bytes(b"not a warc at all")
    assert main(["hydrate", str(stripped), "--texts", str(tmp_path / "bad.warc.gz"), "-o", str(out)]) == 2


def test_nothing_is_written_when_every_input_is_invalid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"claimfmt": "1.1"}')
    out = tmp_path / "out.json"
    out.write_text("good data")
    assert main(["strip", str(bad), "-o", str(out)]) == 1
    assert main(["hydrate", str(bad), "--texts", str(tmp_path), "-o", str(out)]) == 1
    assert out.read_text() == "good data"
