"""Benchmark how the cost per claim grows with one document's size: it must stay flat.

Builds one document with N claims (12,500, 25,000 and 50,000 by default; as many
sources as claims / 5, a text that grows with it) and times, in one process:

- ``claimfmt.validate`` on its parsed JSON;
- ``claimfmt show`` (``describe_document``), which looks a source up per attribution;
- the W3C, brat, doccano and Label Studio writers.

It prints microseconds per claim for each size, and the ratio of the largest size's
cost per claim to the smallest's (1.0 is linear; 4.0 would be quadratic over a 4x
range). Run ``make bench`` or ``python benchmarks/bench_scaling.py --claims 1000 2000``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from typing import Any

from bench_validate import timed

import claimfmt
from claimfmt.converters.base import LossReport, Options
from claimfmt.converters.registry import get_converter
from claimfmt.structuring import structure
from claimfmt.summary import describe_document

_WORDS = ["minister", "said", "bridge", "closed", "reports", "Kyiv", "officials", "🌉", "émigré", "denied"]


def make_document(claims: int, seed: int = 3) -> dict[str, Any]:
    """One document with ``claims`` claims, each stated in its own sentence of the text."""
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
        "article": {"language": "en", "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest()},
        "sources": sources,
        "claims": [
            {
                "id": f"c{n}",
                "text": exact,
                "spans": [{"start": start, "end": end, "exact": exact}],
                "attributions": [{"source": f"s{rng.randrange(len(sources))}", "stance": "asserts"}],
            }
            for n, (start, end, exact) in enumerate(spans)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[12_500, 25_000, 50_000])
    args = parser.parse_args()
    jobs = {
        "validate": lambda data, document: claimfmt.validate(data),
        "show": lambda data, document: describe_document(document),
    }
    for peer in ("w3c", "doccano", "labelstudio"):
        converter = get_converter(peer)
        jobs[f"-> {peer}"] = lambda data, document, c=converter: list(
            c.write_records([document], Options(), LossReport(source="claimfmt", target="-"))
        )
    jobs["-> brat"] = lambda data, document: _brat(document)
    per_claim: dict[str, list[float]] = {name: [] for name in jobs}
    print(f"cost per claim, one document ({', '.join(f'{n:,}' for n in args.claims)} claims): µs per claim")
    for count in args.claims:
        data = make_document(count)
        document = structure(data, claimfmt.Document)
        for name, job in jobs.items():
            seconds, _ = timed(lambda job=job, data=data, document=document: job(data, document))
            per_claim[name].append(seconds / count * 1e6)
    for name, costs in per_claim.items():
        growth = costs[-1] / costs[0]
        print(f"  {name:<16} " + "  ".join(f"{c:8.1f}" for c in costs) + f"   growth {growth:.2f}x")
    return 0


def _brat(document: claimfmt.Document) -> str:
    from claimfmt.converters.brat import render_ann
    from claimfmt.converters.mapping import preset

    return render_ann(document, preset("default"), document.id, LossReport(source="claimfmt", target="brat"))


if __name__ == "__main__":
    sys.exit(main())
