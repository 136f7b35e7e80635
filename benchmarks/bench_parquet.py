"""Benchmark Parquet in claimfmt's Arrow layout, DuckDB on it, and validation on Dask.

Uses the seeded corpus of ``bench_validate.py`` (default 20,000 documents) and measures:

- sizes: JSONL, JSONL.gz, Parquet (zstd);
- ``claimfmt convert`` to Parquet and back, as x the JSON parse floor (``orjson.loads`` per line);
- peak RSS of ``claimfmt convert --to parquet`` on the corpus and on ten copies of it (bounded:
  the writer holds one batch);
- a DuckDB query (claims by state, the recipe of docs/parquet.md) on Parquet and on JSONL.gz;
- ``claimfmt validate`` on Dask (a LocalCluster of two workers) against ``--jobs 2``.

Run ``make bench`` or ``python benchmarks/bench_parquet.py --documents N``.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import orjson
from bench_validate import OUT, lines, peak_rss_mb, seeded_corpus, timed

import claimfmt
from claimfmt.parallel import validate_parallel

ROOT = Path(__file__).resolve().parents[1]
RECIPE = dict(re.findall(r"```sql\n-- recipe: ([\w-]+)\n(.*?)```", (ROOT / "docs" / "parquet.md").read_text(), re.S))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = seeded_corpus(args.documents, args.seed)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        work = Path(folder)
        gz = work / "corpus.jsonl.gz"
        with corpus.open("rb") as source, gzip.open(gz, "wb", compresslevel=6) as target:
            shutil.copyfileobj(source, target)
        parquet, back = work / "corpus.parquet", work / "back.jsonl"
        floor, _ = timed(lambda: sum(1 for line in lines(corpus) if orjson.loads(line)), 3)
        write, _ = timed(
            lambda: claimfmt.convert([corpus], source_format="claimfmt", target_format="parquet", output=parquet), 2
        )
        read, _ = timed(
            lambda: claimfmt.convert([parquet], source_format="parquet", target_format="claimfmt", output=back), 2
        )
        same = [orjson.loads(line) for line in lines(back)] == [orjson.loads(line) for line in lines(corpus)]
        mb = corpus.stat().st_size / 1e6
        print(f"corpus: {args.documents} documents; JSONL {mb:.0f} MB, JSONL.gz {gz.stat().st_size / 1e6:.0f} MB, "
              f"Parquet {parquet.stat().st_size / 1e6:.0f} MB")  # fmt: skip
        print(f"orjson.loads per line (floor)      {floor:7.2f} s   1.0x")
        print(f"claimfmt -> parquet (validated)     {write:7.2f} s  {write / floor:4.1f}x the floor")
        print(f"parquet -> claimfmt (validated)     {read:7.2f} s  {read / floor:4.1f}x the floor; "
              f"the same documents: {same}")  # fmt: skip

        ten = work / "ten.jsonl"
        with ten.open("wb") as out:
            for _ in range(10):
                out.write(corpus.read_bytes())
        command = [sys.executable, "-m", "claimfmt", "convert", "--from", "claimfmt", "--to", "parquet"]
        one_rss = peak_rss_mb(*command, str(corpus), "-o", str(work / "rss1.parquet"))
        ten_rss = peak_rss_mb(*command, str(ten), "-o", str(work / "rss10.parquet"))
        print(f"peak RSS writing Parquet: {one_rss:.0f} MB on {mb:.0f} MB, {ten_rss:.0f} MB on {10 * mb:.0f} MB")
        ten.unlink()

        query = RECIPE["claims-by-state"]
        on_parquet, states = timed(lambda: duckdb.sql(query.replace("'corpus.parquet'", f"'{parquet}'")).fetchall(), 3)
        on_json = query.replace("read_parquet('corpus.parquet')", f"read_json('{gz}', format = 'newline_delimited')")
        on_gz, states_gz = timed(lambda: duckdb.sql(on_json).fetchall(), 3)
        print(f"DuckDB claims by state: Parquet {on_parquet:.2f} s, JSONL.gz {on_gz:.2f} s "
              f"({on_gz / on_parquet:.0f}x); the same counts: {sorted(states) == sorted(states_gz)}")  # fmt: skip

        from claimfmt.dask import client_for, validate_run

        jobs, run = timed(lambda: validate_parallel([str(corpus)], jobs=2), 2)
        with client_for("local", workers=2):
            on_dask, dask_run = timed(lambda: validate_run([str(corpus)]), 2)
        same_report = [i.format() for i in run.issues] == [i.format() for i in dask_run.issues]
        print(f"validate --jobs 2 {jobs:.2f} s; on Dask (2 workers) {on_dask:.2f} s ({on_dask / jobs:.2f}x); "
              f"the same report: {same_report}")  # fmt: skip
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
