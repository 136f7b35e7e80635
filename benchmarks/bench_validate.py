"""Benchmark ``claimfmt validate`` against the parse floor and the tools users would otherwise pick.

Generates a seeded corpus (default 20,000 documents of 10-30 KB, unicode text, 5-30
claims each) and a copy with 1% of documents broken, then measures in one run:

- the floor: ``orjson.loads`` per line;
- claimfmt validation against the floor, measured in turns (a run of each, again and again, the
  best of each counting) on four corpora: the main one, small documents of about 4 KB, the seed
  article repeated, and the small documents without their text (each with one warning);
- python-jsonschema (with format checks) and check-jsonschema, on a sample;
- claimfmt validation (schema + semantic checks), one process and ``--jobs 2``;
- the same under a competing load (one other process spinning on a core, as on a busy CI
  runner), with the floor measured under that load too, and what ``--jobs 2`` chooses there;
- the broken corpus, for the cost of an invalid document;
- peak memory of ``claimfmt validate`` on the whole corpus and on a tenth of it.

Run ``make bench`` or ``python benchmarks/bench_validate.py --documents N``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from claimfmt.parallel import validate_parallel
from claimfmt.schema_check import reference_validator
from claimfmt.validation import validate, validate_sources
from claimfmt.validators import settled

OUT = Path(__file__).resolve().parent / "out"

WORDS = (
    "the minister said on Tuesday that officials would review report army border talks agency "
    "according to sources spokesperson denied claims evidence émigré Київ Zürich São Paulo "
    "naïve coöperation 中文 العربية 😀 🇺🇦 𝕏 e\u0301 “quoted” ‘single’ — …"
).split()
KINDS = ["person", "group", "organization", "government", "media", "document", "unknown"]
STATES = ["unverified", "supported", "refuted", "mixed", "misleading", "disputed", "unverifiable", "other"]


def _text(rng: random.Random, size: int) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


def _span(rng: random.Random, text: str, width: int = 60) -> dict[str, Any]:
    start = rng.randrange(0, len(text) - width)
    end = start + rng.randrange(5, width)
    span: dict[str, Any] = {"start": start, "end": end, "exact": text[start:end]}
    if rng.random() < 0.3:
        span["prefix"] = text[max(0, start - 12) : start]
        span["suffix"] = text[end : end + 12]
    return span


def make_document(rng: random.Random, number: int, *, small: bool = False) -> dict[str, Any]:
    """One realistic document of roughly 10 to 30 KB, or of about 4 KB when ``small``."""
    text = _text(rng, rng.randrange(1_000, 2_000) if small else rng.randrange(5_000, 14_000))
    sources = []
    for s in range(rng.randrange(2, 4) if small else rng.randrange(3, 10)):
        anonymous = rng.random() < 0.4
        sources.append(
            {
                "id": f"s{s}",
                "kind": rng.choice(KINDS),
                "name": None if anonymous else f"Source {s}",
                "anonymous": anonymous,
                "description": _text(rng, 30),
                "mentions": [_span(rng, text, 30) for _ in range(rng.randrange(0, 3))],
            }
        )
    claims = [
        make_claim(rng, text, len(sources), c, f"https://factcheck.example.org/{number}/{c}")
        for c in range(rng.randrange(2, 6) if small else rng.randrange(5, 31))
    ]
    relations = [{"type": "contradicts", "from": "c0", "to": f"c{i}"} for i in range(1, min(4, len(claims)))]
    return {
        "claimfmt": "1.1",
        "id": f"doc-{number}",
        "article": {
            "url": f"https://news.example.org/{number}",
            "title": _text(rng, 60),
            "published": "2024-03-01T08:00:00+01:00",
            "language": "en",
            "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
        "sources": sources,
        "claims": claims,
        "relations": relations,
    }


def make_claim(rng: random.Random, text: str, sources: int, c: int, review_url: str) -> dict[str, Any]:
    """Claim ``c`` of a document: spans of ``text``, one or two attributions to its ``sources``, and half the
    time a revised verdict."""
    claim: dict[str, Any] = {
        "id": f"c{c}",
        "text": _text(rng, 80),
        "spans": [_span(rng, text) for _ in range(rng.randrange(1, 3))],
        "attributions": [
            {
                "source": f"s{rng.randrange(sources)}",
                "stance": rng.choice(["asserts", "denies", "questions", "reports"]),
                "commitment": rng.choice(["certain", "probable", "possible", "underspecified"]),
                "cue": _span(rng, text, 12),
                "via": [{"source": f"s{rng.randrange(sources)}", "stance": "reports"}] if rng.random() < 0.2 else [],
                "hedges": [{"kind": "conditional", "text": "if true", "span": _span(rng, text, 10)}]
                if rng.random() < 0.3
                else [],
            }
            for _ in range(rng.randrange(1, 3))
        ],
    }
    if rng.random() < 0.5:
        claim["verifications"] = revisions(rng, review_url)
    return claim


def revisions(rng: random.Random, review_url: str) -> list[dict[str, Any]]:
    """A claim's verifications: an unverified one, then a review with a verdict that supersedes it."""
    return [
        {"id": "v1", "state": "unverified", "assessed_at": "2024-03-01"},
        {
            "id": "v2",
            "state": rng.choice(STATES),
            "verdict": {"label": "Mostly False", "value": 2, "best": 6, "worst": 1},
            "assessed_at": "2024-03-02T10:00:00Z",
            "review_url": review_url,
            "supersedes": "v1",
        },
    ]


def break_document(rng: random.Random, document: dict[str, Any]) -> dict[str, Any]:
    """A copy with one realistic mistake (schema or semantic)."""
    broken = copy.deepcopy(document)
    how = rng.randrange(4)
    if how == 0:
        broken["claims"][0]["spans"][0]["start"] += 1
    elif how == 1:
        broken["claims"][-1]["attributions"][0]["source"] = "nobody"
    elif how == 2:
        broken["claims"][0]["attributions"][0]["stance"] = "claims"
    else:
        broken["article"]["published"] = "2024-03-01 08:00"
    return broken


def generate(path: Path, count: int, *, broken_share: float, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("wb") as out:
        for number in range(count):
            document = make_document(rng, number)
            if rng.random() < broken_share:
                document = break_document(rng, document)
            out.write(orjson.dumps(document) + b"\n")


def seeded_corpus(documents: int, seed: int) -> Path:
    """The seeded, valid benchmark corpus of ``documents`` documents under ``OUT``, generated once."""
    OUT.mkdir(exist_ok=True)
    corpus = OUT / f"corpus-{documents}.jsonl"
    if not corpus.exists():
        generate(corpus, documents, broken_share=0.0, seed=seed)
    return corpus


def in_turns(functions: list[Callable[[], Any]], repeat: int) -> list[float]:
    """The best wall time of each function, run in turns: a busy moment of the machine hits them all alike."""
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for n, function in enumerate(functions):
            started = time.perf_counter()
            function()
            best[n] = min(best[n], time.perf_counter() - started)
    return best


def against_the_floor(path: Path, repeat: int) -> tuple[float, float, int]:
    """Seconds for the floor (orjson per line) and for ``claimfmt validate --jobs 1`` on ``path``, and documents."""
    run = validate_sources([str(path)])
    assert not run.failed(), run.counts()
    floor_s, validate_s = in_turns(
        [lambda: sum(1 for line in lines(path) if orjson.loads(line)), lambda: validate_sources([str(path)])], repeat
    )
    return floor_s, validate_s, run.documents


def seed_corpus(documents: int) -> Path:
    """The seed article (examples/) repeated ``documents`` times, one per line, under ``OUT``."""
    corpus = OUT / f"seed-{documents}.jsonl"
    if not corpus.exists():
        seed = Path(__file__).resolve().parents[1] / "examples" / "seed-article.claimfmt.json"
        corpus.write_bytes((orjson.dumps(orjson.loads(seed.read_bytes())) + b"\n") * documents)
    return corpus


def small_corpus(documents: int, seed: int) -> Path:
    """Seeded documents of about 4 KB (1-2 thousand characters of text, 2-5 claims), under ``OUT``."""
    corpus = OUT / f"small-{documents}.jsonl"
    if not corpus.exists():
        rng = random.Random(seed)
        with corpus.open("wb") as out:
            for number in range(documents):
                out.write(orjson.dumps(make_document(rng, number, small=True)) + b"\n")
    return corpus


def textless_corpus(documents: int, seed: int) -> Path:
    """The small documents published without their text (as ClaimReview and public W3C give them back), under
    ``OUT``: each is valid with one warning, that its spans went unchecked."""
    corpus = OUT / f"textless-{documents}.jsonl"
    if not corpus.exists():
        with small_corpus(documents, seed).open("rb") as lines_in, corpus.open("wb") as out:
            for line in lines_in:
                document = orjson.loads(line)
                document["article"] = {k: v for k, v in document["article"].items() if k not in ("text", "text_sha256")}
                out.write(orjson.dumps(document) + b"\n")
    return corpus


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs (this machine is shared: the minimum is the least noisy)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        yield from stream


def peak_rss_mb(*command: str) -> float:
    """Peak resident memory of a child process, in MB of 10**6 bytes (Linux reports ru_maxrss in KiB)."""
    script = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", script, *command], capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) * 1024 / 1e6


_SPIN = "import time\nend = time.monotonic() + float(__import__('sys').argv[1])\nwhile time.monotonic() < end: pass\n"


def under_load(corpus: Path, size_mb: float, repeat: int) -> None:
    """--jobs 1 and 2 while another process keeps one core busy (bounded: it stops by itself)."""
    from claimfmt.parallel import sequential_reason

    spinner = subprocess.Popen([sys.executable, "-c", _SPIN, "600"])
    try:
        time.sleep(1.0)  # let the load average see it
        floor_s, _ = timed(lambda: sum(1 for line in lines(corpus) if orjson.loads(line)), repeat)
        one_s, _ = timed(lambda: validate_sources([str(corpus)]), repeat)
        two_s, _ = timed(lambda: validate_parallel([str(corpus)], jobs=2), repeat)
        reason = sequential_reason([str(corpus)], 2)
    finally:
        spinner.kill()
        spinner.wait()
    print(f"under a competing load (one core busy): floor {floor_s:.2f} s")
    print(
        f"  claimfmt validate --jobs 1          {one_s:7.2f} s  {size_mb / one_s:6.0f} MB/s "
        f"{one_s / floor_s:6.2f}x the floor"
    )
    print(f"  claimfmt validate --jobs 2 (forced) {two_s:7.2f} s  {one_s / two_s:6.2f}x the throughput of --jobs 1")
    print(f"  claimfmt validate --jobs 2 chooses: {'one process (' + reason + ')' if reason else 'two processes'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=200, help="documents for the slow baselines")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    corpus = OUT / f"corpus-{args.documents}.jsonl"
    broken = OUT / f"corpus-{args.documents}-broken.jsonl"
    tenth = OUT / f"corpus-{args.documents // 10}.jsonl"
    for path, count, share in ((corpus, args.documents, 0.0), (broken, args.documents, 0.01)):
        if not path.exists():
            print(f"generating {path.name} …", file=sys.stderr)
            generate(path, count, broken_share=share, seed=args.seed)
    if not tenth.exists():
        generate(tenth, args.documents // 10, broken_share=0.0, seed=args.seed)
    size_mb = corpus.stat().st_size / 1e6
    print(f"corpus: {args.documents} documents, {size_mb:.0f} MB ({size_mb * 1000 / args.documents:.1f} KB each)")
    built = "Python (not compiled)" if settled.__file__.endswith(".py") else "compiled by mypyc"
    print(f"the validation pass (validators/settled.py): {built}")

    parse_s, _ = timed(lambda: sum(1 for line in lines(corpus) if orjson.loads(line)), args.repeat)
    print(f"orjson.loads per line (floor)       {parse_s:7.2f} s  {size_mb / parse_s:6.0f} MB/s   1.00x")

    sample = [orjson.loads(line) for _, line in zip(range(args.sample), lines(corpus), strict=False)]
    sample_mb = sum(len(orjson.dumps(d)) for d in sample) / 1e6
    reference = reference_validator("1.1")
    ref_s, _ = timed(lambda: [reference.is_valid(d) for d in sample])
    ref_rate = sample_mb / ref_s
    print(
        f"python jsonschema (sample {args.sample:>5})     {ref_s:7.2f} s  {ref_rate:6.1f} MB/s "
        f"{(size_mb / ref_rate) / parse_s:6.1f}x the floor"
    )

    with tempfile.TemporaryDirectory() as folder:
        files = []
        for index, document in enumerate(sample):
            path = Path(folder, f"{index}.json")
            path.write_bytes(orjson.dumps(document))
            files.append(str(path))
        schema_file = Path(folder, "schema.json")
        schema_file.write_text(subprocess.check_output([sys.executable, "-m", "claimfmt", "schema"], text=True))
        check = [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema_file)]
        startup_s, _ = timed(lambda: subprocess.run([*check, files[0]], capture_output=True, check=False))
        cj_s, done = timed(lambda: subprocess.run([*check, *files], capture_output=True, check=False))
        cj_rate = sample_mb / max(cj_s - startup_s, 1e-9)
        print(
            f"check-jsonschema (sample {args.sample:>5})      {cj_s:7.2f} s  {cj_rate:6.1f} MB/s "
            f"{(size_mb / cj_rate) / parse_s:6.1f}x the floor (start-up {startup_s:.2f} s taken off; "
            f"exit {done.returncode})"
        )

    run1, run2 = validate_sources([str(corpus)]), validate_parallel([str(corpus)], jobs=2)
    assert run1.documents == args.documents and not run1.issues, run1.counts()
    assert run2.documents == args.documents and not run2.issues
    parse_s, one_s, two_s = in_turns(
        [
            lambda: sum(1 for line in lines(corpus) if orjson.loads(line)),
            lambda: validate_sources([str(corpus)]),
            lambda: validate_parallel([str(corpus)], jobs=2),
        ],
        args.repeat,
    )
    print(
        f"claimfmt validate --jobs 1            {one_s:7.2f} s  {size_mb / one_s:6.0f} MB/s "
        f"{one_s / parse_s:6.2f}x the floor, {(size_mb / one_s) / ref_rate:5.0f}x python jsonschema"
    )
    print(
        f"claimfmt validate --jobs 2            {two_s:7.2f} s  {size_mb / two_s:6.0f} MB/s "
        f"{one_s / two_s:6.2f}x the throughput of --jobs 1"
    )

    print("claimfmt validate --jobs 1 on other corpora, in turns with their floor:")
    for name, path in (
        ("small documents", small_corpus(args.documents, args.seed)),
        ("the seed article", seed_corpus(args.documents)),
        ("small, no text", textless_corpus(args.documents, args.seed)),
    ):
        floor_s, check_s, count = against_the_floor(path, max(args.repeat, 5))
        kb = path.stat().st_size / count / 1e3
        print(
            f"  {name:<18} ({kb:4.1f} KB each)  floor {floor_s / count * 1e6:6.1f} µs  "
            f"validate --jobs 1 {check_s / count * 1e6:6.1f} µs  {check_s / floor_s:5.2f}x the floor"
        )

    under_load(corpus, size_mb, args.repeat)

    bad_s, bad = timed(lambda: validate_sources([str(broken)]))
    print(
        f"1% broken, --jobs 1                  {bad_s:7.2f} s  {bad.invalid_documents} invalid documents, "
        f"{len(bad.issues)} issues"
    )
    # The cost of an invalid document, measured on the same documents broken and intact.
    rng = random.Random(args.seed)
    broken_sample = [break_document(rng, d) for d in sample]
    valid_s, _ = timed(lambda: [validate(d) for d in sample], 5)
    invalid_s, found = timed(lambda: [validate(d) for d in broken_sample], 5)
    assert all(found), "every broken document is reported"
    print(
        f"an invalid document costs {(invalid_s - valid_s) / len(sample) * 1000:+.2f} ms more than a valid one "
        f"({valid_s / len(sample) * 1000:.2f} ms per valid document)"
    )

    claimfmt = [sys.executable, "-m", "claimfmt", "validate"]
    full = peak_rss_mb(*claimfmt, str(corpus))
    small = peak_rss_mb(*claimfmt, str(tenth))
    print(f"peak RSS: {full:.0f} MB on {size_mb:.0f} MB, {small:.0f} MB on a tenth of it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
