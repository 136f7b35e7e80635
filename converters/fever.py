"""FEVER and FEVEROUS JSONL (``fever``, read).

A row becomes a document with one claim, its label the state (``SUPPORTS``,
``REFUTES``, ``NOT ENOUGH INFO`` -> ``unverifiable``) and its evidence the
verification's evidence. FEVER's ``evidence`` is a list of *alternative* sets, each
of sentences that count only together. Each sentence becomes one piece of evidence
whose locator holds the Wikipedia page title exactly as given (underscores, PTB
escapes such as ``-LRB-``, NFD accents), the sentence number, and the set it
belongs to (``group``). NOT ENOUGH INFO rows point at no sentence: their evidence
keeps only the annotation ids. FEVEROUS element ids (``Page_sentence_3``,
``Page_cell_0_1_2``) are split into page and element; the id itself is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Read, readable, required_text
from claimfmt.converters.values import as_object, is_text
from claimfmt.model import Article, Claim, Document, Evidence, Locator, Verdict, Verification
from claimfmt.reading import Record
from claimfmt.versions import CURRENT_VERSION

__all__ = ["FEVER"]

JSON = Any
NS = "org.fever:"
_ELEMENT = re.compile(
    r"^(?P<page>.+?)_(?P<kind>sentence|cell|header_cell|table_caption|item|section|title)_(?P<rest>.+)$"
)
_KNOWN = {"id", "label", "claim", "evidence"}


class FEVER(Converter):
    """FEVER / FEVEROUS rows: a claim, a label and alternative evidence sets."""

    name: ClassVar[str] = "fever"
    summary: ClassVar[str] = "FEVER / FEVEROUS JSONL (3 labels, Wikipedia evidence sets)"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for data, origin in readable(records, report):
            if required_text(data, "claim", "a FEVER row", report, origin) is None:
                continue
            label = data.get("label")
            verification = None
            if is_text(label):
                evidence = tuple(_evidence(data.get("evidence")))
                verification = Verification(
                    state=report.label("fever", label),
                    verdict=Verdict(label=label, scheme="fever"),
                    evidence=evidence or None,
                )
            extensions = {NS + key: value for key, value in data.items() if key not in _KNOWN}
            identifier = data.get("id")
            yield Read(
                document=Document(
                    claimfmt=CURRENT_VERSION,
                    id=str(identifier) if identifier not in (None, "") else f"fever-{origin.index or 0}",
                    article=Article(),
                    sources=(),
                    claims=(
                        Claim(
                            id="c1",
                            text=data["claim"],
                            spans=(),
                            attributions=(),
                            verifications=(verification,) if verification is not None else None,
                            extensions=extensions or None,
                        ),
                    ),
                ),
                origin=origin,
            )


def _evidence(sets: JSON) -> Iterator[Evidence]:
    for group, evidence_set in enumerate(sets if isinstance(sets, list) else []):
        if isinstance(evidence_set, dict):  # FEVEROUS: {"content": [element ids], "context": {...}}
            context = as_object(evidence_set.get("context"))
            for element in evidence_set.get("content") or []:
                yield _element(str(element), group, context.get(element))
            continue
        for item in evidence_set if isinstance(evidence_set, list) else []:
            if not isinstance(item, list) or len(item) != 4:
                continue
            annotation, evidence_id, page, sentence = item
            extensions = {NS + "annotation_id": annotation, NS + "evidence_id": evidence_id}
            if not is_text(page):
                yield Evidence(extensions=extensions)  # NOT ENOUGH INFO: no sentence to point at
                continue
            locator = Locator(
                corpus="wikipedia",
                page=page,
                sentence=sentence if isinstance(sentence, int) and not isinstance(sentence, bool) else None,
                group=group,
            )
            yield Evidence(locator=locator, extensions=extensions)


def _element(element: str, group: int, context: JSON) -> Evidence:
    match = _ELEMENT.match(element)
    extensions: dict[str, JSON] = {NS + "element": element}
    if context is not None:
        extensions[NS + "context"] = context
    if match is None:
        return Evidence(locator=Locator(corpus="wikipedia", page=element, group=group), extensions=extensions)
    sentence = int(match["rest"]) if match["kind"] == "sentence" and match["rest"].isdigit() else None
    return Evidence(
        locator=Locator(corpus="wikipedia", page=match["page"], sentence=sentence, group=group), extensions=extensions
    )
