"""Benchmark ``claimfmt convert`` to peer formats and back, against the floor and a JSON-LD processor.

Generates the seeded corpus of ``bench_validate.py`` (default 2,000 documents), then
measures in one process:

- the floor: ``orjson.loads`` and ``orjson.dumps`` of every line;
- claimfmt -> w3c -> claimfmt and claimfmt -> claimreview -> claimfmt with
  :func:`claimfmt.convert` and ``--record`` (input and converted documents validated,
  output written atomically), and that each round trip gives back every document;
- claimfmt -> averitec -> claimfmt (AVeriTeC carries less: timing only);
- claimfmt -> brat / doccano / labelstudio / prodigy / spacy / nif / uima-xmi / uima-json / parquet -> claimfmt,
  under the default mapping;
- the baseline a JSON-LD-based converter starts from: pyld expanding each collection
  we write (on a sample; both contexts served from files);
- floors of their own for formats whose cost is not all claimfmt's: creating the files of a
  folder format (brat, UIMA) on this file system, and the peer's own library reading and
  writing back what we wrote (rdflib for NIF, dkpro-cassis for UIMA, spaCy for DocBin).

Run ``make bench`` or ``python benchmarks/bench_convert.py --documents N``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from bench_validate import OUT, lines, make_document, timed

import claimfmt
from claimfmt.arrow import SCHEMA
from claimfmt.converters.base import Options
from claimfmt.converters.claimreview import publishable
from claimfmt.converters.w3c import ANNO_CONTEXT, CLAIMFMT_CONTEXT
from claimfmt.schemas import jsonld_context
from claimfmt.structuring import structure, unstructure

FOLDERS = ("brat", "uima-xmi", "uima-json")
SUFFIXES = {"spacy": ".spacy", "nif": ".ttl", "parquet": ".parquet"}
ANNO_JSONLD = Path(__file__).resolve().parents[2] / "shared/corpora/w3c-web-annotation/context/anno.jsonld"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=100, help="documents pyld expands")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--peers", help="comma-separated peer formats to measure (default: all)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        work = Path(folder)
        corpus = work / "corpus.jsonl"
        rng = random.Random(args.seed)
        with corpus.open("wb") as out:
            for number in range(args.documents):
                out.write(orjson.dumps(make_document(rng, number), option=orjson.OPT_APPEND_NEWLINE))
        megabytes = corpus.stat().st_size / 1e6
        print(f"corpus: {args.documents} documents, {megabytes:.1f} MB")

        # Best of nine: the floor is short, and a slow moment of the machine would flatter every ratio after it.
        # Each conversion is also measured in turns with the floor (the machine's speed drifts by a quarter
        # within an hour): its ratio is to the floor of its own turns.
        floor, _ = timed(lambda: _floor(corpus), repeat=9)
        rows = [("orjson loads + dumps (floor)", floor, floor)]
        same = True
        peers = [("w3c", True), ("claimreview", True), ("averitec", False)]
        peers += [("brat", True), ("doccano", True), ("labelstudio", True), ("prodigy", True)]
        peers += [("spacy", True), ("nif", True), ("uima-xmi", True), ("uima-json", True), ("parquet", True)]
        if args.peers:
            wanted = set(args.peers.split(","))
            if unknown := wanted - {peer for peer, _ in peers}:
                parser.error(f"no such peer: {', '.join(sorted(unknown))}")
            peers = [(peer, exact) for peer, exact in peers if peer in wanted]
        floors: list[tuple[str, float, float, float]] = []
        for peer, exact in peers:
            (out, out_floor), (into, into_floor), back = _round_trip(corpus, work, peer)
            rows += [
                (f"claimfmt -> {peer} (validated, atomic)", out, out_floor),
                (f"{peer} -> claimfmt (validated, atomic)", into, into_floor),
            ]
            own = _own_floor(peer, work)
            if own is not None:
                floors.append((own[0], own[1], out, into))
            if exact:
                originals = [orjson.loads(line) for line in lines(corpus)]
                if peer == "claimreview":  # with --record, what may be published comes back: publishable()
                    public = (publishable(structure(d, claimfmt.Document)) for d in originals)
                    originals = [unstructure(d) for d in public if d is not None]
                returned = [orjson.loads(line) for line in lines(back)]
                if peer in FOLDERS or peer == "nif":  # a folder is read in file-name order, a graph by URI
                    order = {o["id"]: n for n, o in enumerate(originals)}
                    returned.sort(key=lambda d: order[d["id"]])
                equal = originals == returned
                print(f"{peer}: the round trip gives back every document ({len(originals)}): {equal}")
                same &= equal
                # Held while the next peer runs, a thousand documents would slow its every garbage collection.
                del originals, returned
        pyld = ANNO_JSONLD.exists() and any(peer == "w3c" for peer, _ in peers)
        if pyld:
            expand = _pyld(work / "w3c.jsonl", args.sample) * args.documents
            rows.append(("pyld expand of our W3C output (baseline)", expand, floor))
        print(f"{'':<44} {'':>10}  {'':>13}  {'x floor':>7}  (x the floor of its turns)")
        for name, seconds, own in rows:
            per_doc = seconds / args.documents * 1e3
            print(
                f"{name:<44} {seconds:8.2f} s  {per_doc:7.3f} ms/doc  {seconds / floor:6.1f}x  ({seconds / own:4.1f}x)"
            )
        if pyld:
            print(f"pyld expand / claimfmt w3c -> claimfmt: {rows[-1][1] / rows[2][1]:.1f}x")
        elif not ANNO_JSONLD.exists():
            print(f"pyld baseline skipped: {ANNO_JSONLD} is absent")
        print("floors of their own (what the format costs whoever writes it):")
        for name, seconds, out, into in floors:
            print(
                f"  {name:<70} {seconds / args.documents * 1e3:7.3f} ms/doc; "
                f"claimfmt -> / <- {out / seconds:5.1f}x / {into / seconds:5.1f}x that"
            )
    return 0 if same else 1


def _own_floor(peer: str, work: Path) -> tuple[str, float] | None:
    """What a format costs apart from claimfmt, measured on the files claimfmt wrote (best of 3), or None."""
    written = work / (peer if peer in FOLDERS else f"{peer}{SUFFIXES.get(peer, '.jsonl')}")
    if peer == "brat":
        files = {path.name: path.read_bytes() for path in written.iterdir()}

        def create() -> None:
            with tempfile.TemporaryDirectory(dir=work) as folder:
                for name, data in files.items():
                    Path(folder, name).write_bytes(data)

        return f"brat: creating its {len(files)} files (no sync)", timed(create, 3)[0]
    if peer == "nif":
        import rdflib

        def graph() -> None:
            found = rdflib.Graph()
            found.parse(written, format="turtle")
            found.serialize(format="nt")

        return "nif: rdflib parsing our Turtle and writing it as N-Triples", timed(graph, 3)[0]
    if peer in ("uima-xmi", "uima-json"):
        import cassis

        cases = sorted(written.glob("*.xmi" if peer == "uima-xmi" else "*.json"))
        system = written / "TypeSystem.xml"

        def cas() -> None:
            types = cassis.load_typesystem(io.BytesIO(system.read_bytes())) if system.exists() else None
            for case in cases:
                if types is not None:
                    cassis.load_cas_from_xmi(io.BytesIO(case.read_bytes()), typesystem=types).to_xmi()
                else:
                    cassis.load_cas_from_json(io.BytesIO(case.read_bytes())).to_json()

        return f"{peer}: dkpro-cassis loading our CAS files and writing them again", timed(cas, 3)[0]
    if peer == "spacy":
        import spacy
        from spacy.tokens import DocBin

        vocab = spacy.blank("xx").vocab

        def docbin() -> None:
            found = DocBin().from_disk(written)
            again = DocBin(store_user_data=True)
            for doc in found.get_docs(vocab):
                again.add(doc)
            again.to_bytes()

        return "spacy: spaCy loading our DocBin's Docs and packing them again", timed(docbin, 3)[0]
    if peer == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        def table() -> None:
            rows = pq.read_table(written).to_pylist()
            pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), work / "again.parquet", compression="zstd")

        return "parquet: pyarrow reading our file into Python values and writing them again", timed(table, 3)[0]
    if written.is_file() and written.suffix in (".jsonl", ".json"):

        def parse() -> None:
            for line in lines(written):
                orjson.dumps(orjson.loads(line))

        size = written.stat().st_size / (lines_in(written) or 1) / 1e3
        return f"{peer}: orjson loads + dumps of the file we wrote ({size:.0f} KB a line)", timed(parse, 3)[0]
    return None


def lines_in(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for _ in stream)


def _round_trip(corpus: Path, work: Path, peer: str) -> tuple[float, float, Path]:
    """Seconds to convert the corpus to ``peer`` and back (best of 3), and where it came back."""
    # brat and UIMA write a folder (of .txt/.ann pairs, of CAS files); the others one file.
    there, back = (
        work / (peer if peer in FOLDERS else f"{peer}{SUFFIXES.get(peer, '.jsonl')}"),
        work / f"{peer}.back.jsonl",
    )
    # The publishing writers withhold the text and anonymous sources' details unless --record is given:
    # with it, their round trip is exact (w3c) or gives back what may be published (claimreview).
    options = Options(record=peer in ("claimreview", "w3c"))
    *out, report = _in_turns(
        lambda: claimfmt.convert([corpus], source_format="claimfmt", target_format=peer, output=there, options=options),
        lambda: _floor(corpus),
        3,
    )
    assert not report.failed, report.summary()
    *into, report = _in_turns(
        lambda: claimfmt.convert([there], source_format=peer, target_format="claimfmt", output=back),
        lambda: _floor(corpus),
        3,
    )
    assert not report.failed, report.summary()
    return (out[0], out[1]), (into[0], into[1]), back


def _floor(corpus: Path) -> None:
    for line in lines(corpus):
        orjson.dumps(orjson.loads(line))


def _in_turns(job: Callable[[], Any], floor: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """The best wall times of ``job`` and of ``floor`` run in turns (a slow moment slows both), and the job's
    result."""
    best = best_floor = float("inf")
    result = None
    for _ in range(repeat):
        for _ in range(3):  # the floor is short: best of three a turn
            started = time.perf_counter()
            floor()
            best_floor = min(best_floor, time.perf_counter() - started)
        started = time.perf_counter()
        result = job()
        best = min(best, time.perf_counter() - started)
    return best, best_floor, result


def _pyld(path: Path, sample: int) -> float:
    """Seconds per document for pyld to expand our W3C collections, measured on ``sample`` of them."""
    from pyld import jsonld

    contexts = {ANNO_CONTEXT: json.loads(ANNO_JSONLD.read_text()), CLAIMFMT_CONTEXT: jsonld_context()}

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    values = [orjson.loads(line) for _, line in zip(range(sample), lines(path), strict=False)]
    seconds, _ = timed(lambda: [jsonld.expand(v, {"documentLoader": loader}) for v in values])
    return seconds / len(values)


if __name__ == "__main__":
    sys.exit(main())
