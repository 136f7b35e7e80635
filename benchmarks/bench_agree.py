"""Benchmark ``claimfmt agree`` and ``claimfmt merge``: ms per article, against the parse floor.

Generates 1,000 articles (the documents of ``bench_validate.py``), each annotated by
three people: the first annotator's document as generated, the other two edited from
it as annotators differ (a claim left out 10% of the time, a span moved by a few
characters 20%, a stance changed 10%, a claim of their own added now and then). Then
measures in one process:

- the floor: ``orjson.loads`` of every line, and reading the corpus into documents;
- grouping and :func:`claimfmt.agreement.agree`, with the per-pair breakdown;
- grouping and :func:`claimfmt.merging.merge`, and that every merged document validates.

Run ``make bench`` or ``python benchmarks/bench_agree.py --articles N``.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
from bench_validate import OUT, lines, make_document, timed

import claimfmt
from claimfmt.agreement import agree
from claimfmt.alignment import group_documents
from claimfmt.merging import merge

STANCES = ["asserts", "denies", "questions", "reports"]


def annotated_by(rng: random.Random, document: dict[str, Any], name: str, edit: bool) -> dict[str, Any]:
    """``document`` as annotator ``name`` made it: as it is, or edited the way annotators differ."""
    mine = copy.deepcopy(document)
    mine["provenance"] = {"annotators": [{"kind": "human", "name": name}]}
    if not edit:
        return mine
    text = mine["article"]["text"]
    claims = []
    for claim in mine["claims"]:
        if rng.random() < 0.1:
            continue
        if rng.random() < 0.2:
            for span in claim["spans"]:
                start = max(0, min(len(text) - 2, span["start"] + rng.randint(-4, 4)))
                end = max(start + 1, min(len(text), span["end"] + rng.randint(-4, 4)))
                span.update(start=start, end=end, exact=text[start:end])
                span.pop("prefix", None)
                span.pop("suffix", None)
        if rng.random() < 0.1:
            claim["attributions"][0]["stance"] = rng.choice(STANCES)
        claims.append(claim)
    if rng.random() < 0.3 and mine["claims"]:
        extra = copy.deepcopy(rng.choice(mine["claims"]))
        start = rng.randrange(0, len(text) - 50)
        extra.update(id=f"{name}-extra", spans=[{"start": start, "end": start + 40, "exact": text[start : start + 40]}])
        claims.append(extra)
    kept = {c["id"] for c in claims}
    mine["claims"] = claims
    mine["relations"] = [r for r in mine["relations"] if r["from"] in kept and r["to"] in kept]
    return mine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        corpus = Path(folder) / "annotators.jsonl"
        with corpus.open("wb") as out:
            for number in range(args.articles):
                original = make_document(rng, number)
                for n, name in enumerate(("ann-1", "ann-2", "ann-3")):
                    document = annotated_by(rng, original, name, edit=n > 0)
                    out.write(orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE))
        size = corpus.stat().st_size / 1e6
        print(f"corpus: {args.articles} articles x 3 annotators, {size:.1f} MB")

        floor, _ = timed(lambda: [orjson.loads(line) for line in lines(corpus)], repeat=3)
        read, documents = timed(lambda: list(claimfmt.iter_documents(corpus)), repeat=2)
        pairs = [(d, str(corpus)) for d in documents]

        def run_agree() -> Any:
            groups, issues = group_documents(pairs)
            return agree(groups, issues=issues)

        def run_merge() -> Any:
            groups, issues = group_documents(pairs)
            return merge(groups, issues=issues)

        agreeing, report = timed(run_agree, repeat=2)
        merging, result = timed(run_merge, repeat=2)
        invalid = sum(any(i.severity == "error" for i in claimfmt.validate(document)) for document in result.documents)
        per = 1000 / args.articles
        rows = [
            ("orjson loads (floor)", floor),
            ("read into documents", read),
            ("agree (group, pair, cluster, coefficients)", agreeing),
            ("merge (group, cluster, vote)", merging),
        ]
        print(f"{'':<44}{'ms/article':>12}{'x floor':>10}")
        for name, seconds in rows:
            print(f"{name:<44}{seconds * per:>12.2f}{seconds / floor:>10.1f}")
        claim = report.overall.spans["claim"]
        print(
            f"agree: {len(report.articles)} articles, claim F1 exact {claim['exact'].f1:.3f} / overlap "
            f"{claim['overlap'].f1:.3f}, stance alpha {report.overall.categories['stance'].alpha:.3f}"
        )
        print(
            f"merge: {len(result.documents)} documents, {result.kept['claims']} claims kept, "
            f"{len(result.conflicts)} conflicts; {invalid} invalid"
        )
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
