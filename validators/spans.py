"""Spans against the article text, and the text against its hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from claimfmt.issues import Issue
from claimfmt.validators.registry import all_spans, issue, register, walk_spans


def unchecked_issues(count: int) -> list[Issue]:
    """What a document settled at once (``settled.unchecked_spans``) has to report: that its ``count`` spans went
    unchecked, where its article has no text; nothing where it has."""
    return [skipped(count)] if count else []


def skipped(count: int) -> Issue:
    """The warning for ``count`` spans of an article without its text: none of them could be checked."""
    return issue(
        "span-checks-skipped",
        ("article",),
        f"the article has no text: {count} span{'s were' if count > 1 else ' was'} not checked",
    )


@register(
    "spans",
    "span-out-of-range",
    "span-mismatch",
    "quote-not-found",
    "prefix-mismatch",
    "suffix-mismatch",
    "span-checks-skipped",
)
def spans(document: dict[str, Any]) -> Iterator[Issue]:
    """Offsets lie inside the text and cover exactly ``exact``; prefix and suffix agree."""
    text = document["article"].get("text")
    every = all_spans(document)
    if text is None:
        if every:
            yield skipped(len(every))
        return
    size = len(text)
    startswith, endswith = text.startswith, text.endswith
    # Most spans are right: settle them in one loop, without paths. The first that may be wrong (a
    # quote-only span raises KeyError, offsets that are not ints TypeError) sends the document through
    # the walk below, which says what and where.
    try:
        for span in every:
            start, exact = span["start"], span["exact"]
            if span["end"] - start != len(exact) or not startswith(exact, start):
                break
            if len(span) > 3:
                prefix, suffix = span.get("prefix"), span.get("suffix")
                if (prefix is not None and not endswith(prefix, 0, start)) or (
                    suffix is not None and not startswith(suffix, span["end"])
                ):
                    break
        else:
            return
    except (KeyError, TypeError):
        pass

    def suspect(span: dict[str, Any]) -> bool:
        # Most spans have exact offsets and no context: settle those without building a path.
        start, exact = span.get("start"), span["exact"]
        return not (
            len(span) == 3
            and type(start) is int
            and type(span["end"]) is int
            and span["end"] - start == len(exact)
            and text.startswith(exact, start)
        )

    for path, span in walk_spans(document, suspect):
        exact = span["exact"]
        start = span.get("start")
        if start is None:
            if exact not in text:
                yield issue("quote-not-found", (*path, "exact"), f"{_short(exact)} is not in the text")
            continue
        start, end = int(start), int(span["end"])  # the schema lets 3.0 through as an integer
        if end < start or end > size:
            yield issue(
                "span-out-of-range",
                (*path, "end" if end > size else "start"),
                f"span [{start}, {end}) does not fit a text of {size} code points",
            )
            continue
        if text[start:end] != exact:
            yield issue(
                "span-mismatch",
                (*path, "exact"),
                f"text[{start}:{end}] is {_short(text[start:end])}, not {_short(exact)}",
                hint=_nearest(text, exact, start),
            )
            continue
        prefix = span.get("prefix")
        if prefix is not None and not text.endswith(prefix, 0, start):
            yield issue("prefix-mismatch", (*path, "prefix"), f"the text before the span is not {_short(prefix)}")
        suffix = span.get("suffix")
        if suffix is not None and not text.startswith(suffix, end):
            yield issue("suffix-mismatch", (*path, "suffix"), f"the text after the span is not {_short(suffix)}")


@register("text-hash", "text-hash-mismatch")
def text_hash(document: dict[str, Any]) -> Iterator[Issue]:
    """``text_sha256`` is the SHA-256 of the UTF-8 text, when both are present."""
    article = document["article"]
    if "text" in article and "text_sha256" in article:
        actual = hashlib.sha256(article["text"].encode("utf-8")).hexdigest()
        if actual != article["text_sha256"]:
            yield issue("text-hash-mismatch", ("article", "text_sha256"), f"the text's SHA-256 is {actual}")


def _short(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _nearest(text: str, exact: str, start: int) -> str | None:
    found = text.find(exact)
    if found < 0:
        return None
    best = min(
        (i for i in (text.rfind(exact, 0, start + len(exact)), text.find(exact, start)) if i >= 0),
        key=lambda i: abs(i - start),
        default=found,
    )
    return f"the quote stands at [{best}, {best + len(exact)})"
