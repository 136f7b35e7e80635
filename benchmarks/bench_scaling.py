"""Benchmark one large document: the cost per claim must stay flat as it grows, and memory a small multiple.

Builds one document with N claims (12,500, 25,000 and 50,000 by default; as many
sources as claims / 5, a text that grows with it) and times, in one process:

- ``claimfmt.validate`` on its parsed JSON, and ``claimfmt validate`` on the file (a large
  file is checked a claim at a time);
- ``claimfmt show`` (``describe_document``), which looks a source up per attribution;
- the W3C, brat, doccano, Label Studio and Prodigy writers, and the brat, doccano, Label
  Studio and Prodigy readers on what they wrote;
- the ClaimReview (with and without ``--record``) and AVeriTeC writers, and their readers on what
  they wrote with ``--record``, on the same document with every claim reviewed;
- ``claimfmt.convert`` of one large file (the document of the memory measure below, at each size) to W3C
  with ``--record`` and to each tool: writers that take its claims one at a time, each claim's fragment of
  the record made as it comes.

spaCy, UIMA and NIF are left out: their libraries take most of their time (about 0.25, 0.5
and 1 ms a claim), and the sizes above would take minutes each.

It prints microseconds per claim for each size, and the ratio of the largest size's
cost per claim to the smallest's (1.0 is linear; 4.0 would be quadratic over a 4x
range). Then, on a document of about 46 MB (55,000 claims, each with spans in context,
cues, hedges, and half with a revised verdict), it measures the peak memory of ``claimfmt
validate`` and ``claimfmt convert`` in fresh processes, as a multiple of the file, and their wall time.

Run ``make bench`` or ``python benchmarks/bench_scaling.py --claims 1000 2000 --memory-claims 5000``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import io
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from bench_validate import _span, _text, make_claim, peak_rss_mb, revisions, timed

import claimfmt
from claimfmt.cli import _GC_THRESHOLD
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.registry import get_converter
from claimfmt.structuring import structure
from claimfmt.summary import describe_document
from claimfmt.validation import validate_sources
from claimfmt.writing import write_json_values

#: The tools' files of one document, by the name the tool's writer gives them (brat's is a folder).
_TOOL_SUFFIXES = {"brat": "", "doccano": ".jsonl", "labelstudio": ".json", "prodigy": ".jsonl"}
#: The files of the large document read back in :func:`memory`: each tool's, and Parquet's.
_READ_BACK = {**_TOOL_SUFFIXES, "parquet": ".parquet"}
_WORDS = ["minister", "said", "bridge", "closed", "reports", "Kyiv", "officials", "🌉", "émigré", "denied"]


def make_document(claims: int, seed: int = 3, *, reviewed: bool = False) -> dict[str, Any]:
    """One document with ``claims`` claims, each stated in its own sentence of the text (and with ``reviewed``,
    each reviewed: an unverified assessment, then a verdict that supersedes it)."""
    rng = random.Random(seed)
    sentences, spans = [], []
    at = 0
    for _ in range(claims):
        sentence = " ".join(rng.choice(_WORDS) for _ in range(8)) + ". "
        spans.append((at, at + len(sentence) - 2, sentence[:-2]))
        sentences.append(sentence)
        at += len(sentence)
    text = "".join(sentences)
    sources = [
        {"id": f"s{n}", "kind": "person", "name": f"Source {n}", "anonymous": False} for n in range(claims // 5 or 1)
    ]
    return {
        "claimfmt": "1.1",
        "id": f"big-{claims}",
        "article": {
            "language": "en",
            "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            # Where ClaimReview's reviews say the claims appeared: a reader groups them into one document by it.
            **({"url": f"https://news.example.org/big-{claims}"} if reviewed else {}),
        },
        "sources": sources,
        "claims": [
            {
                "id": f"c{n}",
                "text": exact,
                "spans": [{"start": start, "end": end, "exact": exact}],
                "attributions": [{"source": f"s{rng.randrange(len(sources))}", "stance": "asserts"}],
                **({"verifications": revisions(rng, f"https://factcheck.example.org/{n}")} if reviewed else {}),
            }
            for n, (start, end, exact) in enumerate(spans)
        ],
    }


def make_rich_document(claims: int, seed: int = 3) -> dict[str, Any]:
    """One document as the benchmark corpus makes them (spans with context, cues, hedges, verdicts), at scale:
    about 46 MB at 55,000 claims."""
    rng = random.Random(seed)
    text = _text(rng, claims * 60)
    sources = [
        {"id": f"s{n}", "kind": "person", "name": f"Source {n}", "anonymous": False, "mentions": [_span(rng, text, 30)]}
        for n in range(max(1, claims // 5))
    ]
    found, places = [], set()
    while len(found) < claims:
        claim = make_claim(rng, text, len(sources), len(found), f"https://factcheck.example.org/{len(found)}")
        # Each claim at a place of its own, as a claim extracted from a text is: random places collide, and two
        # claims at one would be one to Prodigy, which knows a span by its place and label.
        place = (claim["spans"][0]["start"], claim["spans"][0]["end"])
        if place not in places:
            places.add(place)
            found.append(claim)
    article = {"language": "en", "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest()}
    return {"claimfmt": "1.1", "id": f"big-{claims}", "article": article, "sources": sources, "claims": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[12_500, 25_000, 50_000])
    parser.add_argument(
        "--memory-claims", type=int, default=55_000, help="claims in the document memory is measured on"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        per_claim(args.claims, work)
        claim_at_a_time(args.claims, work)
        memory(args.memory_claims, work)
    return 0


def per_claim(sizes: list[int], work: Path) -> None:
    jobs: dict[str, Any] = {
        "validate": lambda case: claimfmt.validate(case.data),
        "validate FILE": lambda case: validate_sources([case.path]),
        "show": lambda case: describe_document(case.document),
    }
    for peer in ("w3c", "doccano", "labelstudio", "prodigy"):
        converter = get_converter(peer)
        # Written out, as the CLI writes them: a writer may make its values as they are written (W3C's items).
        jobs[f"-> {peer}"] = lambda case, c=converter: write_json_values(
            io.BytesIO(), c.write_records([case.document], Options(), LossReport(source="claimfmt", target="-"))
        )
    jobs["-> brat"] = lambda case: _brat(case.document)
    # The fact-checking formats hold reviewed claims: they are timed on the document with a review for each claim.
    for peer, options in (("claimreview", Options()), ("claimreview --record", Options(record=True))):
        name = peer.split()[0]
        jobs[f"-> {peer}"] = lambda case, n=name, o=options: get_converter(n).write(
            [case.reviewed], io.BytesIO(), o, LossReport(source="claimfmt", target=n)
        )
    jobs["-> averitec"] = lambda case: get_converter("averitec").write(
        [case.reviewed], io.BytesIO(), Options(), LossReport(source="claimfmt", target="averitec")
    )
    reviewed_suffixes = {"claimreview": ".json", "averitec": ".json"}
    for peer in _TOOL_SUFFIXES:
        jobs[f"{peer} ->"] = lambda case, p=peer: _read(p, _written(case.path, p, _TOOL_SUFFIXES[p]))
    for peer in reviewed_suffixes:
        jobs[f"{peer} ->"] = lambda case, p=peer: _read(p, _written(case.reviewed_path, p, reviewed_suffixes[p]))
    costs: dict[str, list[float]] = {name: [] for name in jobs}
    # Measured as claimfmt's commands run them: with the cyclic collector run less often (claimfmt.cli).
    gc.set_threshold(*_GC_THRESHOLD)
    print(f"cost per claim, one document ({', '.join(f'{n:,}' for n in sizes)} claims): µs per claim")
    for count in sizes:
        data = make_document(count)
        path = work / f"big-{count}.json"
        path.write_bytes(orjson.dumps(data))
        reviewed_data = make_document(count, reviewed=True)
        case = _Case(
            data=data,
            document=structure(data, claimfmt.Document),
            path=str(path),
            reviewed=structure(reviewed_data, claimfmt.Document),
            reviewed_path=str(work / f"big-{count}-reviewed.json"),
        )
        del reviewed_data
        for peer, suffix in _TOOL_SUFFIXES.items():  # what the readers read, written before the clock starts
            _write(case.document, peer, _written(case.path, peer, suffix))
        for peer, suffix in reviewed_suffixes.items():
            # Written with its record, ClaimReview reads back as one document (without, a document per claim).
            _write(case.reviewed, peer, _written(case.reviewed_path, peer, suffix), Options(record=True))
        for name, job in jobs.items():
            seconds, _ = timed(lambda job=job, case=case: job(case))
            costs[name].append(seconds / count * 1e6)
    for name, found in costs.items():
        growth = found[-1] / found[0]
        print(f"  {name:<24} " + "  ".join(f"{c:8.1f}" for c in found) + f"   growth {growth:.2f}x")


def claim_at_a_time(sizes: list[int], work: Path) -> None:
    """The cost per claim of converting one large file with the writers that take its claims one at a time and
    keep a record, each claim's fragment made as it comes (``remainder.Keeper``): :func:`per_claim` times the
    writers on a document held whole, which takes another way."""
    writers = [("w3c --record", "w3c", ".json", Options(record=True))]
    writers += [(peer, peer, suffix, Options()) for peer, suffix in _TOOL_SUFFIXES.items()]
    costs: dict[str, list[float]] = {name: [] for name, *_ in writers}
    gc.set_threshold(*_GC_THRESHOLD)
    print(
        f"cost per claim, one large file ({', '.join(f'{n:,}' for n in sizes)} claims), a claim at a time: µs per claim"
    )
    for count in sizes:
        path = work / f"rich-{count}.json"
        path.write_bytes(orjson.dumps(make_rich_document(count)))  # above 4 MB from 5,000 claims on
        for name, peer, suffix, options in writers:
            out = work / f"rich-{count}.{peer}{suffix}"
            seconds, report = timed(
                lambda i=path, p=peer, o=out, opts=options: claimfmt.convert(
                    [i], source_format="claimfmt", target_format=p, output=o, options=opts
                )
            )
            assert not report.failed, report.summary()
            costs[name].append(seconds / count * 1e6)
        path.unlink()
    for name, found in costs.items():
        print(f"  {name:<24} " + "  ".join(f"{c:8.1f}" for c in found) + f"   growth {found[-1] / found[0]:.2f}x")


@dataclasses.dataclass(frozen=True)
class _Case:
    """One size's document, parsed and built, and its file; and the same document with each claim reviewed."""

    data: dict[str, Any]
    document: claimfmt.Document
    path: str
    reviewed: claimfmt.Document
    reviewed_path: str


def memory(claims: int, work: Path) -> None:
    path, textless = work / "large.json", work / "large-textless.json"
    document = make_rich_document(claims)
    path.write_bytes(orjson.dumps(document))
    # The same document published without its text (one warning: its spans unchecked).
    document["article"] = {k: v for k, v in document["article"].items() if k not in ("text", "text_sha256")}
    textless.write_bytes(orjson.dumps(document))
    del document
    megabytes = path.stat().st_size / 1e6
    print(f"peak memory on one document of {claims:,} claims ({megabytes:.0f} MB), fresh processes:")
    cli = [sys.executable, "-m", "claimfmt"]
    bare = peak_rss_mb(sys.executable, "-c", "import claimfmt.cli, claimfmt.validation, claimfmt.conversion")
    print(f"  {'the interpreter with claimfmt imported':<50} {bare:6.0f} MB")

    def measure(name: str, command: list[str]) -> None:
        target = command[command.index("--to") + 1] if "--to" in command else None
        # The tools' and W3C's outputs of the document (with its text) are read back below.
        out = work / (f"out-{target}{_READ_BACK[target]}" if target in _READ_BACK else "out.json")
        if target == "w3c" and str(path) in command:
            out = work / ("out-record.json" if "--record" in command else "out-w3c.json")
        elif "--from" in command and command[command.index("--from") + 1] != "claimfmt":
            out = work / "back.json"
        source = Path(command[1]) if command[0] == "convert" else Path(command[-1])
        size = sum(f.stat().st_size for f in source.iterdir()) if source.is_dir() else source.stat().st_size
        of = "the file"
        if source.suffix == ".parquet":  # compressed columns: measured against the document's JSON instead
            size, of = path.stat().st_size, "its JSON"
        size /= 1e6
        started = time.perf_counter()
        peak = peak_rss_mb(*cli, *command, *(["-o", str(out)] if "convert" in command else []))
        seconds = time.perf_counter() - started
        print(f"  {name:<50} {peak:6.0f} MB  {peak / size:4.1f}x {of:<8}  {seconds:5.1f} s")

    # claimfmt, W3C and ClaimReview (public, or with --record), doccano, Label Studio, brat, Prodigy, AVeriTeC and
    # Parquet take the claims one at a time; the other tool writers (spaCy, UIMA, NIF) need the document whole, and
    # are not measured here.
    for name, command in (
        ("claimfmt validate", ["validate", str(path)]),
        ("claimfmt convert --to claimfmt", ["convert", str(path), "--from", "claimfmt", "--to", "claimfmt"]),
        ("claimfmt convert --to w3c", ["convert", str(path), "--from", "claimfmt", "--to", "w3c"]),
        ("  the same, the format detected", ["convert", str(path), "--to", "w3c"]),
        ("claimfmt convert --to w3c --record", ["convert", str(path), "--from", "claimfmt", "--to", "w3c", "--record"]),
        ("claimfmt convert --to doccano", ["convert", str(path), "--from", "claimfmt", "--to", "doccano"]),
        ("claimfmt convert --to labelstudio", ["convert", str(path), "--from", "claimfmt", "--to", "labelstudio"]),
        ("claimfmt convert --to brat", ["convert", str(path), "--from", "claimfmt", "--to", "brat"]),
        ("claimfmt convert --to prodigy", ["convert", str(path), "--from", "claimfmt", "--to", "prodigy"]),
        ("claimfmt convert --to claimreview", ["convert", str(path), "--from", "claimfmt", "--to", "claimreview"]),
        (
            "claimfmt convert --to claimreview --record",
            ["convert", str(path), "--from", "claimfmt", "--to", "claimreview", "--record"],
        ),
        ("claimfmt convert --to averitec", ["convert", str(path), "--from", "claimfmt", "--to", "averitec"]),
        ("claimfmt convert --to parquet", ["convert", str(path), "--from", "claimfmt", "--to", "parquet"]),
        # Back: a tool's file of one large document is read whole (its parsed JSON alone is several times the file);
        # Parquet's one row a claim at a time, and a W3C collection an annotation at a time.
        *(
            (
                f"claimfmt convert --from {tool} (its output)",
                ["convert", str(work / f"out-{tool}{suffix}"), "--from", tool, "--to", "claimfmt"],
            )
            for tool, suffix in _READ_BACK.items()
        ),
        ("claimfmt validate, the row --to parquet wrote", ["validate", str(work / "out-parquet.parquet")]),
        (
            "claimfmt convert --from w3c (--record's)",
            ["convert", str(work / "out-record.json"), "--from", "w3c", "--to", "claimfmt"],
        ),
        (
            "claimfmt convert --from w3c (the public one)",
            ["convert", str(work / "out-w3c.json"), "--from", "w3c", "--to", "claimfmt"],
        ),
        ("claimfmt validate, without the text", ["validate", str(textless)]),
        ("claimfmt convert --to w3c, without the text", ["convert", str(textless), "--to", "w3c"]),
        ("  the same with --record", ["convert", str(textless), "--to", "w3c", "--record"]),
    ):
        measure(name, command)
    # As the tool exports it: the same line without the claimfmt record, so that the reader keeps what it
    # cannot map (Prodigy's tokens, doccano's line) in the document's extensions instead.
    for tool in ("doccano", "prodigy"):
        line = orjson.loads((work / f"out-{tool}.jsonl").read_bytes())
        line.pop("claimfmt", None)
        exported = work / f"exported-{tool}.jsonl"
        exported.write_bytes(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
        del line
        measure(
            f"claimfmt convert --from {tool}, without the record",
            ["convert", str(exported), "--from", tool, "--to", "claimfmt"],
        )


def _brat(document: claimfmt.Document) -> str:
    from claimfmt.converters.brat import render_ann
    from claimfmt.converters.mapping import preset

    return render_ann(document, preset("default"), document.id, LossReport(source="claimfmt", target="brat"))


def _written(path: str, peer: str, suffix: str) -> Path:
    """Where ``peer``'s writer put the document of ``path`` (a folder of its own for brat)."""
    return Path(f"{path}.{peer}{suffix}")


def _write(document: claimfmt.Document, peer: str, path: Path, options: Options | None = None) -> None:
    get_converter(peer).write([document], path, options or Options(), LossReport(source="claimfmt", target=peer))


def _read(peer: str, path: Path) -> None:
    reads = list(get_converter(peer).read([path], Options(), LossReport(source=peer, target="claimfmt")))
    # AVeriTeC is a dataset of claims, each a document of its own.
    assert len(reads) == 1 or peer == "averitec", (peer, len(reads))


if __name__ == "__main__":
    sys.exit(main())
