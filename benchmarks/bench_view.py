"""Benchmark the HTML view of a large corpus: writing the page, and opening it in a real browser.

Generates N documents (10,000 by default, of 10 to 30 KB each, as ``bench_validate``
makes them), then times, in one process:

- ``claimfmt.view.render_html`` (with validation, as ``claimfmt show --html`` does);
- headless Chromium (Debian's, driven by Playwright) opening the page until the first
  document is drawn, a search over every document, and opening the last one.

The baseline is the browser loading the same page without its script (the documents'
JSON blocks parsed as HTML, nothing drawn): the floor for a file of that size. Needs
``make browser``.
Run ``make bench`` or ``python benchmarks/bench_view.py --documents 2000``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from bench_validate import make_document, timed

import claimfmt
from claimfmt.reading import document_from_json
from claimfmt.view import HEADLESS_CHROMIUM_FLAGS, render_html

FLAGS = list(HEADLESS_CHROMIUM_FLAGS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    rng = random.Random(11)
    documents = [document_from_json(make_document(rng, n)) for n in range(args.documents)]
    seconds, page = timed(lambda: render_html((d, claimfmt.validate(d)) for d in documents))
    work = Path(tempfile.mkdtemp(prefix="claimfmt-bench-view-"))
    view = work / "view.html"
    view.write_text(page, encoding="utf-8")
    plain = work / "plain.html"
    plain.write_text(page[: page.rindex("<script>")] + "</body></html>", encoding="utf-8")
    size = view.stat().st_size / 1e6
    print(f"{args.documents} documents, page of {size:.1f} MB")
    print(f"  render_html (with validation)          {seconds:8.2f} s   {1e3 * seconds / args.documents:.2f} ms/doc")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=FLAGS)
        tab = browser.new_page()
        start = time.perf_counter()
        tab.goto(plain.as_uri(), timeout=600_000)
        floor = time.perf_counter() - start
        tab = browser.new_page()
        start = time.perf_counter()
        tab.goto(view.as_uri(), timeout=600_000)
        tab.wait_for_selector("#claims-list button")
        opened = time.perf_counter() - start
        start = time.perf_counter()
        tab.fill("#search", "doc-" + str(args.documents - 1))
        tab.wait_for_selector("#documents button")
        searched = time.perf_counter() - start
        start = time.perf_counter()
        tab.locator("#documents button").first.click()
        tab.wait_for_selector("#text .seg")
        last = time.perf_counter() - start
        browser.close()
    print(f"  browser: the page without its script   {floor:8.2f} s   (baseline)")
    print(f"  browser: open until the first is drawn {opened:8.2f} s   {opened / floor:.2f}x the baseline")
    print(f"  browser: search every document         {1e3 * searched:8.0f} ms")
    print(f"  browser: open the last document        {1e3 * last:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
