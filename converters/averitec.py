"""AVeriTeC JSON (``averitec``), both ways: one record per claim, with its questions and answers.

A record becomes a document with one claim. The speaker is its source, the
reporting source the article's publisher, and the original claim URL the
article's URL. The label becomes the state (``converters/labels.py``), with the
label verbatim in the verdict, the justification the rationale, and the
fact-checking article the review URL. Each answer becomes one piece of evidence
that carries its question. Claim types, strategies, location, the archived claim
URL, answer types, source media and boolean explanations go in ``extensions``
under ``org.averitec:``.

Reading keeps, in ``org.averitec:record``, the patch from what the writer would
give back to the record as read (a date that was not zero-padded, an empty source
URL, a missing key). AVeriTeC -> claimfmt -> AVeriTeC is therefore exact.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, ClassVar

from claimfmt.converters.base import (
    Converter,
    LossReport,
    Options,
    Read,
    drop_all_but_latest,
    patched,
    readable,
    required_text,
)
from claimfmt.converters.patches import diff
from claimfmt.converters.values import as_list
from claimfmt.converters.values import is_text as _text
from claimfmt.converters.values import is_uri as _is_uri
from claimfmt.dates import from_day_first, to_day_first
from claimfmt.large import LargeDocument
from claimfmt.model import (
    Claim,
    Document,
    SourceKind,
    Stance,
    State,
    latest_json,
)
from claimfmt.reading import Record
from claimfmt.structuring import as_json, deferred
from claimfmt.versions import CURRENT_VERSION
from claimfmt.writing import write_json_values

__all__ = ["AVeriTeC"]

JSON = Any
NS = "org.averitec:"
_RECORD = NS + "record"
_CLAIM_KEYS = {
    "claim_types": NS + "claim_types",
    "fact_checking_strategies": NS + "fact_checking_strategies",
    "location_ISO_code": NS + "location_ISO_code",
    "required_reannotation": NS + "required_reannotation",
    "cached_original_claim_url": NS + "cached_original_claim_url",
}
_ANSWER_KEYS = {
    "answer_type": NS + "answer_type",
    "source_medium": NS + "source_medium",
    "boolean_explanation": NS + "boolean_explanation",
}
_QUESTION = NS + "question"
# A source URL that is not a URI ("", "Metadata"), kept as written.
_RAW_URLS = {"source_url": NS + "source_url", "cached_source_url": NS + "cached_source_url"}
# The writer's label for a state, where the verdict is not already AVeriTeC's own.
_LABELS = {
    State.SUPPORTED: "Supported",
    State.REFUTED: "Refuted",
    State.UNVERIFIABLE: "Not Enough Evidence",
    State.MISLEADING: "Conflicting Evidence/Cherrypicking",
    State.MIXED: "Conflicting Evidence/Cherrypicking",
    State.DISPUTED: "Conflicting Evidence/Cherrypicking",
}


class AVeriTeC(Converter):
    """AVeriTeC claims: a JSON array of records (or JSONL), each a claim with questions and answers."""

    name: ClassVar[str] = "averitec"
    summary: ClassVar[str] = "AVeriTeC dataset JSON (claims, questions and answers, 4 labels)"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        scratch = LossReport(source="claimfmt", target="averitec")  # what writing again drops: not this report's
        for data, origin in readable(records, report):
            if required_text(data, "claim", "an AVeriTeC record", report, origin) is None:
                continue
            document = read_record(data, origin.index or 0, report, scratch=scratch)
            if document is not None:
                yield Read(document=document, origin=origin)

    def write_records(self, documents: Iterable[Document], options: Options, report: LossReport) -> Iterator[JSON]:
        for document in documents:
            yield from write_document(document, report)

    def write_large(
        self,
        document: LargeDocument,
        target: str | os.PathLike[str] | IO[bytes],
        options: Options,
        report: LossReport,
        *,
        jsonl: bool | None = None,
    ) -> int:
        """A record a claim, each written as its claim is built. A document of one claim may carry a patch kept
        from reading AVeriTeC (the record was the document): it is written whole."""
        if len(document) < 2:
            return super().write_large(document, target, options, report, jsonl=jsonl)
        head = document.head
        _count_document_losses(head, report)
        data = as_json(head)
        sources = _by_id(data)

        def records() -> Iterator[JSON]:
            for claim, claim_data in document.claims():
                _count_claim_losses(claim, report)
                yield _record(data, sources, claim_data, report)

        return write_json_values(target, records(), jsonl=jsonl)


def read_record(
    data: dict[str, JSON], index: int, report: LossReport, *, scratch: LossReport | None = None
) -> Document | None:
    """One record as a document; what the writer would not give back is kept as a patch. ``scratch`` is told
    what writing the record again drops (a report of its own where None). The document's JSON is made, not its
    model (built where something asks for it: writing claimfmt does not)."""
    speaker = data.get("speaker")
    url = data.get("original_claim_url")
    article: dict[str, JSON] = {}
    if _is_uri(url):
        article["url"] = url
    if _text(data.get("reporting_source")):
        article["publisher"] = data["reporting_source"]
    claim: dict[str, JSON] = {
        "id": "c1",
        "text": data["claim"],
        "spans": [],
        "attributions": [{"source": "speaker", "stance": Stance.ASSERTS.value}] if _text(speaker) else [],
    }
    date = from_day_first(data.get("claim_date"))
    if date is not None:
        claim["date"] = date
    label = data.get("label")
    if isinstance(label, str) and label:
        review = data.get("fact_checking_article")
        verification: dict[str, JSON] = {
            "state": report.label("averitec", label).value,
            "verdict": {"label": label, "scheme": "averitec"},
        }
        if _is_uri(review):
            verification["review_url"] = review
        if _text(data.get("justification")):
            verification["rationale"] = data["justification"]
        evidence = list(_evidence(data.get("questions")))
        if evidence:
            verification["evidence"] = evidence
        claim["verifications"] = [verification]
    extensions = {ns: data[key] for key, ns in _CLAIM_KEYS.items() if data.get(key) not in (None, [], False)}
    if extensions:
        claim["extensions"] = extensions
    sources = [{"id": "speaker", "kind": SourceKind.UNKNOWN.value, "name": speaker, "anonymous": False}]
    document: dict[str, JSON] = {
        "claimfmt": CURRENT_VERSION,
        "id": f"averitec-{index}",
        "article": article,
        "sources": sources if _text(speaker) else [],
        "claims": [claim],
    }
    written = _record(document, _by_id(document), claim, scratch or LossReport(source="claimfmt", target="averitec"))
    patch = diff(data, written)
    if patch:
        for key in (*patch.get("set", {}), *patch.get("in", {})):
            report.park(f"record.{key}")
        document["extensions"] = {_RECORD: patch}
    # Made in the model's key order (a test compares it with the model's JSON), of values a file's JSON holds.
    return deferred(document)


def _evidence(questions: JSON) -> Iterator[dict[str, JSON]]:
    """Each answer's evidence (a question's without answers), as JSON."""
    for number, question in enumerate(questions if isinstance(questions, list) else []):
        if not isinstance(question, dict):
            continue
        text = question.get("question") if _text(question.get("question")) else None
        answers = [a for a in as_list(question.get("answers")) if isinstance(a, dict)]
        if not answers:
            yield _present(question=text, extensions={_QUESTION: number})
        for answer in answers:
            extensions = {_QUESTION: number}
            extensions.update({ns: answer[key] for key, ns in _ANSWER_KEYS.items() if key in answer})
            source, cached = answer.get("source_url"), answer.get("cached_source_url")
            extensions.update(
                {ns: answer[key] for key, ns in _RAW_URLS.items() if key in answer and not _is_uri(answer[key])}
            )
            yield _present(
                url=source if _is_uri(source) else None,
                archived_url=cached if _is_uri(cached) else None,
                question=text,
                answer=answer["answer"] if _text(answer.get("answer")) else None,
                extensions=extensions,
            )


def _present(**fields: JSON) -> dict[str, JSON]:
    """The fields that have a value (an absent field has none in JSON)."""
    return {key: value for key, value in fields.items() if value is not None}


def write_document(document: Document, report: LossReport) -> Iterator[JSON]:
    """One record per claim; what AVeriTeC has no field for is counted as dropped."""
    _count_losses(document, report)
    data = as_json(document)
    patch = (data.get("extensions") or {}).get(_RECORD)
    sources = _by_id(data)
    for claim in data["claims"]:
        record = _record(data, sources, claim, report)
        yield (
            patched(record, patch, report, f"document {document.id!r}")
            if patch and len(data["claims"]) == 1
            else record
        )


def _by_id(document: JSON) -> dict[str, JSON]:
    """The document's sources by id (the first, should two share one)."""
    sources: dict[str, JSON] = {}
    for source in document["sources"]:
        sources.setdefault(source["id"], source)
    return sources


def _record(document: JSON, sources: dict[str, JSON], claim: JSON, report: LossReport) -> dict[str, JSON]:
    """The AVeriTeC record of a claim, from its JSON and its document's (``sources``: theirs by id)."""
    extensions = claim.get("extensions") or {}
    verification = latest_json(claim)
    speaker = None
    for attribution in claim["attributions"]:
        source = sources.get(attribution["source"])
        if source is not None and attribution["stance"] in {Stance.ASSERTS, Stance.REPORTS}:
            speaker = source["name"] or source.get("description")
            break
    label = None
    if verification is not None:
        verdict = verification.get("verdict")
        if verdict is not None and verdict.get("scheme") == "averitec":
            label = verdict["label"]
        else:
            label = _LABELS.get(verification["state"])
            if label is None:
                report.drop(f"verification.state {verification['state']} (AVeriTeC has no such label)")
    assessed = verification or {}
    article = document["article"]
    return {
        "claim": claim["text"],
        "required_reannotation": extensions.get(_CLAIM_KEYS["required_reannotation"], False),
        "label": label,
        "justification": assessed.get("rationale"),
        "claim_date": to_day_first(claim.get("date")),
        "speaker": speaker,
        "original_claim_url": article.get("url"),
        "fact_checking_article": assessed.get("review_url"),
        "reporting_source": article.get("publisher"),
        "location_ISO_code": extensions.get(_CLAIM_KEYS["location_ISO_code"]),
        "claim_types": extensions.get(_CLAIM_KEYS["claim_types"], []),
        "fact_checking_strategies": extensions.get(_CLAIM_KEYS["fact_checking_strategies"], []),
        "questions": _questions(assessed.get("evidence", ())),
        "cached_original_claim_url": extensions.get(_CLAIM_KEYS["cached_original_claim_url"]),
    }


def _questions(evidence: Iterable[JSON]) -> list[JSON]:
    questions: list[dict[str, JSON]] = []
    numbers: list[object] = []
    for item in evidence:
        extensions = item.get("extensions") or {}
        number = extensions.get(_QUESTION, object())  # evidence from elsewhere: one question each
        question = item.get("question")
        if not questions or numbers[-1] != number or question != questions[-1]["question"]:
            questions.append({"question": question, "answers": []})
            numbers.append(number)
        answer_text, url, archived = item.get("answer"), item.get("url"), item.get("archived_url")
        if answer_text is None and url is None and not any(k in extensions for k in _ANSWER_KEYS.values()):
            continue  # a question without answers
        answer: dict[str, JSON] = {"answer": answer_text}
        if _ANSWER_KEYS["answer_type"] in extensions:
            answer["answer_type"] = extensions[_ANSWER_KEYS["answer_type"]]
        answer["source_url"] = extensions.get(_RAW_URLS["source_url"], url)
        if _ANSWER_KEYS["source_medium"] in extensions:
            answer["source_medium"] = extensions[_ANSWER_KEYS["source_medium"]]
        if archived is not None or _RAW_URLS["cached_source_url"] in extensions:
            answer["cached_source_url"] = extensions.get(_RAW_URLS["cached_source_url"], archived)
        if _ANSWER_KEYS["boolean_explanation"] in extensions:
            answer["boolean_explanation"] = extensions[_ANSWER_KEYS["boolean_explanation"]]
        questions[-1]["answers"].append(answer)
    return questions


def _count_losses(document: Document, report: LossReport) -> None:
    for claim in document.claims:
        _count_claim_losses(claim, report)
    _count_document_losses(document, report)


def _count_claim_losses(claim: Claim, report: LossReport) -> None:
    if claim.spans:
        report.drop("claims[].spans")
    for attribution in claim.attributions[1:]:
        report.drop(f"claims[].attributions[] beyond the speaker ({attribution.stance.value})")
    for attribution in claim.attributions:
        for field in ("commitment", "mode", "cue", "content", "via", "channel", "hedges"):
            if getattr(attribution, field):
                report.drop(f"claims[].attributions[].{field}")
    drop_all_but_latest(claim, report)
    verification = claim.latest()
    if verification is not None:
        for field in ("id", "assessed_by", "assessed_at", "supersedes"):
            if getattr(verification, field):
                report.drop(f"claims[].verifications[].{field}")
        for item in verification.evidence or ():
            for field in ("title", "quote", "stance", "locator"):
                if getattr(item, field) is not None:
                    report.drop(f"claims[].verifications[].evidence[].{field}")


def _count_document_losses(document: Document, report: LossReport) -> None:
    """What AVeriTeC has no field for, of the document's own (the article, relations): ``document`` may be a large
    document's head, without its claims."""
    for field in ("title", "published", "language", "authors", "text"):
        if getattr(document.article, field):
            report.drop(f"article.{field}")
    if document.relations:
        report.drop("relations", len(document.relations))
