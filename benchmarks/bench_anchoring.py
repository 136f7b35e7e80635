"""Re-anchoring precision on generated edited texts: how many spans land right, are orphaned, land wrong.

Each case is a text of random words (a small vocabulary, so look-alikes abound) in which a quote
of 3-8 words stands once or twice (a copy elsewhere, a look-alike); the span is one occurrence,
with 16 characters of prefix and suffix and its offsets. The text is then edited: words inserted
and deleted before and after the quote, and in a share of cases one word inside it. Each
``--anchoring`` method places the span; a placement is right when it overlaps the true place
by at least 80 % (Jaccard on code points).

Run ``python benchmarks/bench_anchoring.py --cases N``.
"""

from __future__ import annotations

import argparse
import random
import time

from claimfmt.converters.anchoring import Method, anchor
from claimfmt.converters.offsets import OffsetMap

VOCABULARY = "the minister said that taxes would rise next year according to officials in Kyiv".split()


def case(rng: random.Random) -> tuple[str, str, int, str, str, int, int, bool]:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(20, 60))]
    quote = [rng.choice(VOCABULARY) for _ in range(rng.randint(3, 8))]
    at = rng.randint(0, len(words))
    copy = rng.random() < 0.5
    before, after = words[:at], words[at:]
    if copy:  # a look-alike elsewhere
        spot = rng.randint(0, len(after))
        after = after[:spot] + quote + after[spot:]
    text = " ".join([*before, *quote, *after])
    start = len(" ".join(before)) + (1 if before else 0)
    q = " ".join(quote)
    prefix, suffix = text[max(0, start - 16) : start], text[start + len(q) : start + len(q) + 16]
    # Edit: words inserted and deleted around; sometimes one word inside the quote replaced.
    for _ in range(rng.randint(1, 4)):
        side = before if rng.random() < 0.5 else after
        if side and rng.random() < 0.4:
            side.pop(rng.randrange(len(side)))
        else:
            side.insert(rng.randint(0, len(side)), rng.choice(VOCABULARY))
    inside = rng.random() < 0.3
    edited = list(quote)
    if inside:
        edited[rng.randrange(len(edited))] = rng.choice(["ministers", "raise", "Kiev", "officially"])
    new = " ".join([*before, *edited, *after])
    new_start = len(" ".join(before)) + (1 if before else 0)
    return new, q, start, prefix, suffix, new_start, new_start + len(" ".join(edited)), inside


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = [case(rng) for _ in range(args.cases)]
    edited_inside = sum(c[-1] for c in cases)
    print(f"{args.cases} spans, {edited_inside} edited inside their quote; right = Jaccard >= 0.8 with the true place")
    for method in Method:
        right = orphaned = wrong = 0
        began = time.perf_counter()
        for text, quote, start, prefix, suffix, true_start, true_end, _ in cases:
            found = anchor(
                OffsetMap(text), quote, start=start, end=start + len(quote), prefix=prefix, suffix=suffix, method=method
            )
            if found.start is None or found.end is None:
                orphaned += 1
                continue
            overlap = max(0, min(found.end, true_end) - max(found.start, true_start))
            union = max(found.end, true_end) - min(found.start, true_start)
            if overlap / union >= 0.8:
                right += 1
            else:
                wrong += 1
        took = time.perf_counter() - began
        print(
            f"{method.value:7} right {right / len(cases):6.1%}  orphaned {orphaned / len(cases):6.1%}  "
            f"wrong {wrong / len(cases):6.2%}   ({took / len(cases) * 1e6:.0f} µs per span)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
