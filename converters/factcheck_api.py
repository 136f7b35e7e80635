"""Google Fact Check Tools API responses (``factcheck-api``, read).

``claims:search`` responses (``claims[]`` with ``claimReview[]``) and the ``pages``
resource (``ClaimReviewMarkupPage``, alone or as ``claimReviewMarkupPages[]``). One
API claim becomes a document with one claim whose claimant is its source and whose
verifications are its reviews, one per reviewer (the API lists every fact-checker
that reviewed the claim). A textual rating is kept
verbatim as the verdict and mapped to a state with the ``textual`` table; the
review's title, language and publisher site go in ``extensions`` under
``com.google.factchecktools:``. Fields are often missing: nothing is required but
the claim text. Every key not mapped (``imageUrl``, a key the API adds later, a date
that is not one) is kept verbatim under ``com.google.factchecktools:claim``,
``:review``, ``:page`` or ``:markup``, and counted as parked; keys of the response
itself other than ``claims`` (``nextPageToken``) are counted as dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from claimfmt.converters.base import Converter, LossReport, Options, Origin, Read, readable, required_text, unmapped
from claimfmt.converters.values import as_list, as_object, is_text, is_uri
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
from claimfmt.reading import Record
from claimfmt.versions import CURRENT_VERSION

__all__ = ["FactCheckAPI"]

JSON = Any
NS = "com.google.factchecktools:"


class FactCheckAPI(Converter):
    """Google Fact Check Tools API: claims:search responses and ClaimReviewMarkupPage resources."""

    name: ClassVar[str] = "factcheck-api"
    summary: ClassVar[str] = "Google Fact Check Tools API responses (claims:search, pages)"

    def read_records(self, records: Iterator[Record], options: Options, report: LossReport) -> Iterator[Read]:
        for data, origin in readable(records, report):
            if isinstance(data, dict) and "claims" in data:
                for key in data:
                    if key != "claims":
                        report.drop("nextPageToken (paging, not data)" if key == "nextPageToken" else f"response.{key}")
                for n, claim in enumerate(as_list(data["claims"])):
                    yield from self._searched(claim, f"{origin.index or 0}-{n}", origin, report, f"/claims/{n}")
            elif isinstance(data, dict) and "text" in data and "claimReview" in data:
                yield from self._searched(data, str(origin.index or 0), origin, report)
            elif isinstance(data, dict) and ("claimReviewMarkupPages" in data or "claimReviewMarkups" in data):
                if "claimReviewMarkupPages" in data:
                    for key in data:
                        if key != "claimReviewMarkupPages":
                            report.drop(
                                "nextPageToken (paging, not data)" if key == "nextPageToken" else f"response.{key}"
                            )
                pages = as_list(data.get("claimReviewMarkupPages", data))
                for n, page in enumerate(pages):
                    yield from self._page(page, f"{origin.index or 0}-{n}", origin, report)
            else:
                report.error("not-convertible", "not a Fact Check Tools API response (claims or pages)", origin)

    def _searched(
        self, data: JSON, number: str, origin: Origin, report: LossReport, pointer: str = ""
    ) -> Iterator[Read]:
        if required_text(data, "text", "an API claim", report, origin, pointer) is None:
            return
        claimant = data.get("claimant")
        sources = (Source(id="claimant", kind=SourceKind.UNKNOWN, name=claimant, anonymous=False),)
        attributions = (Attribution(source="claimant", stance=Stance.ASSERTS),) if is_text(claimant) else ()
        items = as_list(data.get("claimReview"))
        reviews: list[dict[str, JSON]] = [r for r in items if isinstance(r, dict)]
        taken = {"text", *_if(bool(attributions), "claimant"), *_if(is_date(data.get("claimDate")), "claimDate")}
        if len(reviews) == len(items):
            taken.add("claimReview")
        left = unmapped(data, taken, "claims[]", report)
        verifications = tuple(_search_review(review, report) for review in reviews)
        claims = [
            Claim(
                id="c1",
                text=data["text"],
                spans=(),
                date=data["claimDate"] if is_date(data.get("claimDate")) else None,
                attributions=attributions,
                verifications=verifications or None,
            )
        ]
        first_url = reviews[0].get("url") if reviews else None
        yield Read(
            document=Document(
                claimfmt=CURRENT_VERSION,
                id=first_url if is_text(first_url) else f"factcheck-api-{number}",
                article=Article(),
                sources=sources if attributions else (),
                claims=tuple(claims),
                extensions={NS + "claim": left} if left else None,
            ),
            origin=origin,
        )

    def _page(self, page: JSON, number: str, origin: Origin, report: LossReport) -> Iterator[Read]:
        if not isinstance(page, dict):
            report.error("not-convertible", "a ClaimReviewMarkupPage is an object", origin)
            return
        author = as_object(page.get("claimReviewAuthor"))
        sources: list[Source] = []
        claims: list[Claim] = []
        article = Article()
        markups = as_list(page.get("claimReviewMarkups"))
        taken = {"name", "versionId", *_if(is_date(page.get("publishDate")), "publishDate")}
        taken |= _if(is_text(page.get("pageUrl")), "pageUrl")
        if all(isinstance(m, dict) for m in markups):
            taken.add("claimReviewMarkups")
        left = unmapped(page, taken | {"claimReviewAuthor"}, "page", report)
        author_left = unmapped(author, {"name"} if is_text(author.get("name")) else set(), "claimReviewAuthor", report)
        if author_left:
            left["claimReviewAuthor"] = author_left
        for n, markup in enumerate(m for m in markups if isinstance(m, dict)):
            if not is_text(markup.get("claimReviewed")):
                report.error("not-convertible", f"claimReviewMarkups[{n}] has no claimReviewed", origin)
                continue
            markup_taken = {
                "claimReviewed",
                "claimAppearances",
                "claimLocation",
                "rating",
                "claimAuthor",
                "claimFirstAppearance",
            }
            markup_taken |= _if(is_date(markup.get("claimDate")), "claimDate") | _if(is_uri(markup.get("url")), "url")
            attributions: tuple[Attribution, ...] = ()
            claim_author = markup.get("claimAuthor")
            kept = unmapped(markup, markup_taken, "claimReviewMarkups[]", report)
            if isinstance(claim_author, dict) and is_text(claim_author.get("name")):
                author_taken = {"name", "sameAs", *_if(is_text(claim_author.get("jobTitle")), "jobTitle")}
                other = unmapped(claim_author, author_taken, "claimAuthor", report)
                if other:
                    kept["claimAuthor"] = other
                source_id = f"s{len(sources) + 1}"
                same_as = [s for s in as_list(claim_author.get("sameAs")) if is_uri(s)]
                sources.append(
                    Source(
                        id=source_id,
                        kind=SourceKind.UNKNOWN,
                        name=claim_author["name"],
                        anonymous=False,
                        role=claim_author["jobTitle"] if is_text(claim_author.get("jobTitle")) else None,
                        external_ids={f"same-as-{i + 1}": s for i, s in enumerate(same_as)} or None,
                    )
                )
                attributions = (Attribution(source=source_id, stance=Stance.ASSERTS),)
            elif claim_author is not None:
                kept["claimAuthor"] = claim_author
                report.park("claimReviewMarkups[].claimAuthor")
            appearance = markup.get("claimFirstAppearance")
            if is_uri(appearance) and article.url is None:
                article = Article(url=appearance)
            elif appearance is not None:
                kept["claimFirstAppearance"] = appearance
                report.park("claimReviewMarkups[].claimFirstAppearance")
            rating = as_object(markup.get("rating"))
            rating_taken = {"textualRating", "ratingValue", "bestRating", "worstRating", "ratingExplanation"}
            rating_left = unmapped(rating, rating_taken, "rating", report)
            if rating_left:
                kept["rating"] = rating_left
            if markup.get("rating") is not None and not isinstance(markup.get("rating"), dict):
                kept["rating"] = markup["rating"]
                report.park("claimReviewMarkups[].rating")
            claims.append(
                Claim(
                    id=f"c{len(claims) + 1}",
                    text=markup["claimReviewed"],
                    spans=(),
                    date=markup["claimDate"] if is_date(markup.get("claimDate")) else None,
                    attributions=attributions,
                    verifications=(_rating(rating, author, page, markup, report),),
                    extensions={
                        **{NS + k: markup[k] for k in ("claimAppearances", "claimLocation") if k in markup},
                        **({NS + "markup": kept} if kept else {}),
                    }
                    or None,
                )
            )
        if not claims:
            return
        identifier = page.get("pageUrl") or page.get("name")
        yield Read(
            document=Document(
                claimfmt=CURRENT_VERSION,
                id=identifier if is_text(identifier) else f"factcheck-api-page-{number}",
                article=article,
                sources=tuple(sources),
                claims=tuple(claims),
                extensions={
                    **{NS + k: page[k] for k in ("name", "versionId") if k in page},
                    **({NS + "page": left} if left else {}),
                }
                or None,
            ),
            origin=origin,
        )


def _if(condition: bool, key: str) -> set[str]:
    """``{key}`` when the reader used its value, else nothing: the keys it takes, for :func:`unmapped`."""
    return {key} if condition else set()


def _search_review(review: dict[str, JSON], report: LossReport) -> Verification:
    label = review.get("textualRating")
    publisher = as_object(review.get("publisher"))
    extensions: dict[str, JSON] = {NS + k: review[k] for k in ("title", "languageCode") if is_text(review.get(k))}
    if is_text(publisher.get("site")):
        extensions[NS + "publisherSite"] = publisher["site"]
    assessor = publisher.get("name") or publisher.get("site")
    taken = {k for k in ("title", "languageCode", "textualRating") if is_text(review.get(k))}
    taken |= _if(is_date(review.get("reviewDate")), "reviewDate") | _if(is_uri(review.get("url")), "url")
    taken |= {"publisher"} if isinstance(review.get("publisher"), dict) else set()
    left = unmapped(review, taken, "claimReview[]", report)
    publisher_taken = {"site"} if is_text(publisher.get("site")) else set()
    publisher_taken |= {"name"} if is_text(publisher.get("name")) else set()
    publisher_left = unmapped(publisher, publisher_taken, "publisher", report)
    if publisher_left:
        left["publisher"] = publisher_left
    if left:
        extensions[NS + "review"] = left
    return Verification(
        state=report.label("textual", label) if is_text(label) else State.OTHER,
        verdict=Verdict(label=label) if is_text(label) else None,
        assessed_by=assessor if is_text(assessor) else None,
        assessed_at=review["reviewDate"] if is_date(review.get("reviewDate")) else None,
        review_url=review["url"] if is_uri(review.get("url")) else None,
        extensions=extensions or None,
    )


def _rating(
    rating: dict[str, JSON], author: dict[str, JSON], page: dict[str, JSON], markup: dict[str, JSON], report: LossReport
) -> Verification:
    label = rating.get("textualRating")
    numbers = {k: rating.get(k) for k in ("ratingValue", "bestRating", "worstRating")}
    numbers = {k: v for k, v in numbers.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    if not is_text(label) and "ratingValue" in numbers:
        label = str(numbers["ratingValue"])
    verdict = None
    if is_text(label):
        verdict = Verdict(
            label=label,
            value=numbers.get("ratingValue"),
            best=numbers.get("bestRating"),
            worst=numbers.get("worstRating"),
        )
    url = markup.get("url") or page.get("pageUrl")
    return Verification(
        state=report.label("textual", label) if is_text(label) else State.OTHER,
        verdict=verdict,
        assessed_by=author["name"] if is_text(author.get("name")) else None,
        assessed_at=page["publishDate"] if is_date(page.get("publishDate")) else None,
        review_url=url if is_uri(url) else None,
        rationale=rating["ratingExplanation"] if is_text(rating.get("ratingExplanation")) else None,
    )
