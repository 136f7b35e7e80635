"""One pass that settles a document every built-in check would pass, before any of them runs.

Most documents are valid. Nine checks each walking the claims, attributions and spans
again, as generators building JSON pointers, cost more than parsing a small document
(``claimfmt validate`` is meant to run at close to the parse's speed). So
:func:`settled` looks at everything the built-in checks look at in one loop over the
document, building no path and no issue, and says True only when none of them could
report anything (:func:`unchecked_spans` also settles an article without its text, whose
one warning is that its spans went unchecked). Anything else (an error, another warning,
a 1.0 document, a quote-only span with the text) sends the document through the checks
themselves, which say what and where. A property test keeps the two in agreement.
"""

from __future__ import annotations

from hashlib import sha256
from typing import Any

from claimfmt.dates import sort_key

__all__ = ["Pass", "claims_settled", "settled", "started", "tail_settled", "unchecked_spans"]


def settled(document: dict[str, Any]) -> bool:
    """True when no built-in check has anything to report on this schema-valid document."""
    return unchecked_spans(document) == 0


def unchecked_spans(document: dict[str, Any]) -> int | None:
    """How many spans the built-in checks cannot check for want of the article's text, where that is all they
    can report on this schema-valid document (0: nothing at all); None where they may report anything else.

    A document published without its text (ClaimReview, public W3C, a text withheld for its licence) has
    that one warning, ``span-checks-skipped``, and nothing else to look at in its spans but their offsets.
    """
    head = started(document)
    if head is None or not claims_settled(head, document["claims"]) or not tail_settled(head, document):
        return None
    return head.unchecked


class Pass:
    """What the pass has seen of a document before its claims: so that a large document's claims can come
    one at a time (``claimfmt.large``), each settled against the sources and text, then forgotten."""

    __slots__ = ("ids", "pending", "sources", "text", "unchecked")

    def __init__(self, sources: set[str], text: str | None, pending: list[dict[str, Any]]) -> None:
        self.sources = sources
        self.text = text
        self.ids: set[str] = set()
        #: Spans seen before the claims (the sources' mentions), checked with the first claims'.
        self.pending = pending
        #: Spans seen without a text to check them against (a warning, which the checks give).
        self.unchecked = 0


def started(document: dict[str, Any]) -> Pass | None:
    """The pass over everything but the claims and relations (None: something there to report)."""
    if document["claimfmt"] != "1.1":
        return None  # checked as declared: the checks know 1.0's shapes
    article = document["article"]
    text = article.get("text")
    if text is not None and "text_sha256" in article and sha256(text.encode()).hexdigest() != article["text_sha256"]:
        return None
    sources: set[str] = set()
    author = False
    mentions: list[dict[str, Any]] = []
    for source in document["sources"]:
        sources.add(source["id"])
        if source["anonymous"] and source["name"] is not None:
            return None
        if source["kind"] == "author":
            if author:
                return None
            author = True
        if "mentions" in source:
            mentions += source["mentions"]
    if len(sources) != len(document["sources"]):
        return None
    return Pass(sources, text, mentions)


def claims_settled(head: Pass, claims: list[dict[str, Any]]) -> bool:
    """Whether these claims hold nothing to report (their ids are added to those seen)."""
    # Written for speed: `in` then a lookup beats .get() with a default, and the spans are gathered first
    # so that the loop that checks them is as tight as it can be.
    sources, ids = head.sources, head.ids
    spans, head.pending = head.pending, []
    add = spans.append
    for claim in claims:
        identifier = claim["id"]
        if identifier in ids or identifier in sources:
            return False
        ids.add(identifier)
        spans += claim["spans"]
        for attribution in claim["attributions"]:
            if attribution["source"] not in sources:
                return False
            if "cue" in attribution:
                add(attribution["cue"])
            if "hedges" in attribution:
                for hedge in attribution["hedges"]:
                    if "span" in hedge:
                        add(hedge["span"])
            if "via" in attribution:
                for via in attribution["via"]:
                    if via["source"] not in sources:
                        return False
                    if "cue" in via:
                        add(via["cue"])
            if "content" in attribution:
                spans += attribution["content"]
        if "verifications" in claim and not _verifications(claim["verifications"]):
            return False
    if not spans:
        return True
    if head.text is None:  # only counted (the checks warn of them), their offsets as the schema has them
        head.unchecked += len(spans)
        return _offsets(spans)
    return _spans(spans, head.text)


def tail_settled(head: Pass, document: dict[str, Any]) -> bool:
    """Whether the relations hold nothing to report, once every claim has been seen."""
    if head.pending and not claims_settled(head, []):  # the mentions, where no claims came to check them with
        return False
    if "relations" in document:
        ids = head.ids
        relations = document["relations"]
        seen = set()
        for relation in relations:
            start, end = relation["from"], relation["to"]
            if start == end or start not in ids or end not in ids:
                return False
            seen.add((relation["type"], start, end))
        if len(seen) != len(relations):
            return False
    return True


def _spans(spans: list[dict[str, Any]], text: str) -> bool:
    startswith, endswith = text.startswith, text.endswith
    try:
        for span in spans:
            start = span["start"]
            exact = span["exact"]
            # From 0 (a negative start counts from the end of the text), and ending where the quote does.
            if span["end"] - start != len(exact) or start < 0 or not startswith(exact, start):
                return False
            if len(span) > 3:
                if "prefix" in span and not endswith(span["prefix"], 0, start):
                    return False
                if "suffix" in span and not startswith(span["suffix"], span["end"]):
                    return False
    except (KeyError, TypeError):  # a quote-only span (or one offset alone), or offsets written 3.0
        return False
    return True


def _offsets(spans: list[dict[str, Any]]) -> bool:
    """What the schema asks of spans' offsets (``schema_check.span_lenient_validator`` leaves it to the pass),
    where there is no text to check them against: both or neither, from 0, integers written as such."""
    for span in spans:
        if "start" in span or "end" in span:
            start, end = span.get("start"), span.get("end")
            if type(start) is not int or type(end) is not int or not (0 <= start <= _LARGEST and 0 <= end <= _LARGEST):
                return False
    return True


_LARGEST = 2**63 - 1


def _verifications(items: list[dict[str, Any]]) -> bool:
    """A claim's verifications: ids unique, verdicts in range, each revision after what it revises, no loop."""
    if len(items) == 1:  # most claims: one assessment, which can revise nothing
        (item,) = items
        return "supersedes" not in item and ("verdict" not in item or _in_range(item["verdict"]))
    earlier_ids: dict[str, dict[str, Any]] = {}  # the entries before this one, by id
    for item in items:
        if "verdict" in item:
            verdict = item["verdict"]
            if "value" in verdict and "best" in verdict and "worst" in verdict:
                value, best, worst = verdict["value"], verdict["best"], verdict["worst"]
                if not (worst <= value <= best or best <= value <= worst):
                    return False
        if "supersedes" in item:
            # Only an earlier entry may be revised (not a later one, not itself, not none): then no chain can loop
            # back, and only the dates are left.
            replaced = earlier_ids.get(item["supersedes"])
            if replaced is None:
                return False
            stamp, earlier = item.get("assessed_at"), replaced.get("assessed_at")
            if stamp is not None and earlier is not None and stamp != earlier and sort_key(stamp) < sort_key(earlier):
                return False
        if "id" in item:
            if item["id"] in earlier_ids:
                return False
            earlier_ids[item["id"]] = item
    return True


def _in_range(verdict: dict[str, Any]) -> bool:
    if "value" not in verdict or "best" not in verdict or "worst" not in verdict:
        return True
    value, best, worst = verdict["value"], verdict["best"], verdict["worst"]
    return bool(worst <= value <= best or best <= value <= worst)
