"""Benchmark start-up: what one short ``claimfmt`` run costs, as pre-commit runs it on every commit.

Runs each command as a fresh process many times, interleaved so that a busy moment of
the machine hits them all alike, and prints the median and best wall time and the
ratio to a bare interpreter measured in the same run:

- ``python -c pass`` (the floor);
- ``python -c "import claimfmt"``;
- ``claimfmt --version``;
- ``claimfmt validate`` on one small document;
- ``claimfmt convert`` of the seed article to W3C (only the two converters it needs are imported).

Bytecode caching is on (``PYTHONDONTWRITEBYTECODE`` removed), as on a user's machine.
Run ``make bench`` or ``python benchmarks/bench_startup.py --runs N``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "cases" / "readers" / "claimfmt" / "document.json"
SEED = ROOT / "examples" / "seed-article.claimfmt.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cli = [sys.executable, "-m", "claimfmt"]
    commands = {
        "python -c pass (the floor)": [sys.executable, "-c", "pass"],
        "import claimfmt": [sys.executable, "-c", "import claimfmt"],
        "claimfmt --version": [*cli, "--version"],
        f"claimfmt validate ({SMALL.stat().st_size / 1e3:.1f} kB document)": [*cli, "validate", str(SMALL)],
        "claimfmt convert (the seed article to W3C)": [*cli, "convert", str(SEED), "--from", "claimfmt", "--to", "w3c"],
    }
    for command in commands.values():  # warm the bytecode cache and the file cache
        subprocess.run(command, env=env, capture_output=True, check=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    floor = statistics.median(next(iter(times.values())))
    print(f"start-up, {args.runs} interleaved runs each (median, best, median vs the floor)")
    for name, found in times.items():
        median = statistics.median(found)
        print(f"  {name:<44} {median * 1e3:7.1f} ms {min(found) * 1e3:7.1f} ms {median / floor:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
