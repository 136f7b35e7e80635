"""ClaimsKG's flattened ClaimReview CSV (``claimskg``, read): the claimskg-extractor's output.

Each row is one review of one claim, its ClaimReview fields flattened into columns
(``claimReview_claimReviewed``, ``rating_alternateName``, ``creativeWork_author_name``,
...). A row becomes a document with one claim:

- ``claimReview_claimReviewed`` is the claim's text (required);
- ``creativeWork_author_name`` its source, who asserts it, and ``creativeWork_datePublished``
  its date;
- the verification: ``rating_alternateName`` verbatim as the verdict (mapped to a state with
  the ``textual`` table), ``rating_ratingValue``/``bestRating``/``worstRating`` on it,
  ``claimReview_author_name`` as the assessor, ``claimReview_url`` and
  ``claimReview_datePublished``, and ``extra_body`` (the review's own text) as the rationale.

Every other non-empty column (the extractor's ``extra_*`` entities, tags and links, the
row number) is kept verbatim under ``org.claimskg:<column>`` on the claim and counted as
parked, so nothing is dropped without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read
from claimfmt.converters.tables import Row, documents, extension_key
from claimfmt.converters.values import is_uri
from claimfmt.converters.values import number as _number
from claimfmt.dates import is_date
from claimfmt.model import (
    Article,
    Attribution,
    Claim,
    Document,
    Source,
    SourceKind,
    Stance,
    State,
    Verdict,
    Verification,
)
from claimfmt.reading import SourceLike
from claimfmt.versions import CURRENT_VERSION

__all__ = ["ClaimsKG"]

NS = "org.claimskg:"
_MAPPED = {
    "claimReview_claimReviewed",
    "creativeWork_author_name",
    "creativeWork_datePublished",
    "rating_alternateName",
    "rating_ratingValue",
    "rating_bestRating",
    "rating_worstRating",
    "claimReview_author_name",
    "claimReview_url",
    "claimReview_datePublished",
    "extra_body",
}


class ClaimsKG(Converter):
    """ClaimsKG extractor CSV: one flattened ClaimReview per row."""

    name: ClassVar[str] = "claimskg"
    summary: ClassVar[str] = "ClaimsKG's flattened ClaimReview CSV (claimskg-extractor output)"

    def read(self, sources: Iterable[SourceLike], options: Options, report: LossReport) -> Iterator[Read]:
        return documents(sources, report, _document, delimiter=",", suffixes=frozenset({".csv"}))


def _document(row: Row, origin: Origin, report: LossReport) -> Document | None:
    text = row.get("claimReview_claimReviewed", "").strip()
    if not text:
        report.error("not-convertible", "a ClaimsKG row has a claimReview_claimReviewed", origin)
        return None
    author = row.get("creativeWork_author_name", "").strip()
    label = row.get("rating_alternateName", "").strip()
    value = _number(row.get("rating_ratingValue", ""))
    verdict = None
    if label or value is not None:
        verdict = Verdict(
            label=label or row["rating_ratingValue"].strip(),  # a number alone is the reviewer's own scale
            value=value,
            best=_number(row.get("rating_bestRating", "")),
            worst=_number(row.get("rating_worstRating", "")),
        )
    review_url = row.get("claimReview_url", "").strip()
    reviewed_at = row.get("claimReview_datePublished", "").strip()
    assessor = row.get("claimReview_author_name", "").strip()
    body = row.get("extra_body", "").strip()
    verification = Verification(
        state=report.label("textual", label) if label else State.OTHER,
        verdict=verdict,
        assessed_by=assessor or None,
        assessed_at=reviewed_at if is_date(reviewed_at) else None,
        review_url=review_url if is_uri(review_url) else None,
        rationale=body or None,
    )
    kept: dict[str, str] = {}
    for key, cell in row.items():
        unused = key not in _MAPPED or (key == "claimReview_datePublished" and not is_date(cell.strip()))
        if unused and cell.strip():
            kept[extension_key(NS, key)] = cell
            report.park(f"claimskg.{key or '(row number)'}")
    made = row.get("creativeWork_datePublished", "").strip()
    sources = (Source(id="author", kind=SourceKind.UNKNOWN, name=author, anonymous=False),) if author else ()
    identifier = f"claimskg-{row.get('', '').strip() or origin.line}"
    return Document(
        claimfmt=CURRENT_VERSION,
        id=identifier,
        article=Article(),
        sources=sources,
        claims=(
            Claim(
                id="c1",
                text=text,
                spans=(),
                date=made if is_date(made) else None,
                attributions=(Attribution(source="author", stance=Stance.ASSERTS),) if author else (),
                verifications=(verification,),
                extensions=kept or None,
            ),
        ),
    )
