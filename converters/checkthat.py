"""CheckThat! check-worthiness TSV (``checkthat``, read): the CLEF CheckThat! Lab's claim-detection tasks.

The files have a header row and one item per row: a tweet (``tweet_id``, ``tweet_url``,
``tweet_text``) or a sentence (``Sentence_id``, ``Text``), with its label
(``class_label``, ``check_worthiness`` or ``claim``: ``Yes``/``No``, ``1``/``0``). A row
becomes a document whose article is the item's text, with one claim spanning it all:
check-worthiness says whether a statement is worth checking, not whether it is true,
so it is no verification. The label is kept verbatim under ``org.checkthat:<column>`` on
the claim; so is every other non-empty column (``topic``, ``topic_id``), counted as parked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read
from claimfmt.converters.tables import Row, documents, extension_key
from claimfmt.converters.values import is_uri
from claimfmt.model import Article, Claim, Document, Span
from claimfmt.reading import SourceLike
from claimfmt.versions import CURRENT_VERSION

__all__ = ["CheckThat"]

NS = "org.checkthat:"
_TEXT = ("tweet_text", "Text", "text", "sentence")
_ID = ("tweet_id", "Sentence_id", "sentence_id", "id")
_LABELS = ("class_label", "check_worthiness", "claim", "label")


class CheckThat(Converter):
    """CLEF CheckThat! check-worthiness TSV: tweets or sentences with a Yes/No (1/0) label."""

    name: ClassVar[str] = "checkthat"
    summary: ClassVar[str] = "CLEF CheckThat! check-worthiness TSV (tweets or sentences, labels kept)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        return documents(sources, report, _document, delimiter="\t", suffixes=frozenset({".tsv"}))


def _document(row: Row, origin: Origin, report: LossReport) -> Document | None:
    text_key = next((k for k in _TEXT if row.get(k, "").strip()), None)
    if text_key is None:
        report.error("not-convertible", f"a CheckThat! row has its text in one of {', '.join(_TEXT)}", origin)
        return None
    text = row[text_key]
    identifier = next((row[k].strip() for k in _ID if row.get(k, "").strip()), f"checkthat-{origin.line}")
    url = row.get("tweet_url", "").strip()
    kept: dict[str, str] = {}
    for key, value in row.items():
        if key in (text_key, "tweet_url") or key in _ID or not value.strip():
            continue
        kept[extension_key(NS, key)] = value
        if key not in _LABELS:
            report.park(f"checkthat.{key}")
    return Document(
        claimfmt=CURRENT_VERSION,
        id=identifier,
        article=Article(url=url if is_uri(url) else None, text=text),
        sources=(),
        claims=(
            Claim(
                id="c1",
                text=text.strip(),
                spans=(Span(start=0, end=len(text), exact=text),) if text else (),
                attributions=(),
                extensions=kept or None,
            ),
        ),
    )
