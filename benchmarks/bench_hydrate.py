"""Benchmark ``claimfmt hydrate``: texts put back into a corpus shared without them.

Uses the seeded corpus of ``bench_validate.py`` (default 20,000 documents). Strips it
(``claimfmt.hydrating.strip``), writes the texts as a JSONL of id and text, then runs
``claimfmt hydrate`` in this process two ways:

- the same texts: every hash matches and every span stays where it is;
- edited texts (a sentence put in front of one text in four, the hash left out): the spans
  of those documents are placed again by their quotes (fuzzy anchoring, the default).

It prints documents per second and the ratio to the floor, ``orjson.loads`` and
``orjson.dumps`` of every line. Run ``make bench`` or ``python benchmarks/bench_hydrate.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import tempfile
from pathlib import Path

import orjson
from bench_validate import OUT, lines, seeded_corpus, timed

from claimfmt.cli import main as cli
from claimfmt.hydrating import strip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = seeded_corpus(args.documents, args.seed)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        work = Path(folder)
        stripped, unhashed = work / "stripped.jsonl", work / "unhashed.jsonl"
        texts, edited = work / "texts.jsonl", work / "edited.jsonl"
        spans = 0
        with stripped.open("wb") as s, unhashed.open("wb") as u, texts.open("wb") as t, edited.open("wb") as e:
            for line in lines(corpus):
                document = orjson.loads(line)
                spans += line.count(b'"exact"')
                text = document["article"]["text"]
                kept = strip(document)
                s.write(orjson.dumps(kept) + b"\n")
                kept["article"].pop("text_sha256")
                u.write(orjson.dumps(kept) + b"\n")
                t.write(orjson.dumps({"id": document["id"], "text": text}) + b"\n")
                if rng.random() < 0.25:
                    text = "An editor's note was added to this article on publication. " + text
                e.write(orjson.dumps({"id": document["id"], "text": text}) + b"\n")
        out = work / "out.jsonl"
        floor, _ = timed(lambda: sum(len(orjson.dumps(orjson.loads(line))) for line in lines(corpus)), 3)

        def run(source: Path, given: Path) -> int:
            with contextlib.redirect_stderr(io.StringIO()):
                return cli(["hydrate", str(source), "--texts", str(given), "-o", str(out)])

        same, code = timed(lambda: run(stripped, texts), 2)
        assert code == 0, "hydrate with the same texts failed"
        back = [orjson.loads(line) for line in lines(out)]
        assert back == [orjson.loads(line) for line in lines(corpus)], "hydrate did not give the corpus back"
        moved, code = timed(lambda: run(unhashed, edited), 1)
        assert code == 0, "hydrate with edited texts failed"
        n = args.documents
        print(f"hydrate: {n} documents, {spans} spans; floor (orjson loads + dumps) {floor:.2f} s")
        print(f"  same texts:   {same:6.2f} s  {n / same:7.0f} documents/s  {same / floor:5.1f}x the floor")
        print(f"  edited texts: {moved:6.2f} s  {n / moved:7.0f} documents/s  {moved / floor:5.1f}x the floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
