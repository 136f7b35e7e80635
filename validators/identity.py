"""Ids and the references between them; anonymous sources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimfmt.issues import Issue
from claimfmt.validators.registry import issue, register


@register("unique-ids", "duplicate-id")
def unique_ids(document: dict[str, Any]) -> Iterator[Issue]:
    """Sources and claims share one id space, so an id names exactly one thing."""
    ids = [item["id"] for item in document["sources"]] + [item["id"] for item in document["claims"]]
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    for kind in ("sources", "claims"):
        for index, item in enumerate(document[kind]):
            if item["id"] in seen:
                yield issue(
                    "duplicate-id",
                    (kind, index, "id"),
                    f"id {item['id']!r} is already used at {_first(document, item['id'])}",
                )
            seen.add(item["id"])


@register("unique-verification-ids", "duplicate-id")
def unique_verification_ids(document: dict[str, Any]) -> Iterator[Issue]:
    """A claim's verifications have ids of their own, so that supersedes names exactly one."""
    for c, claim in enumerate(document["claims"]):
        verifications = claim.get("verifications", ())
        if len(verifications) < 2:
            continue
        seen: dict[str, int] = {}
        for v, verification in enumerate(verifications):
            if "id" not in verification:
                continue
            first = seen.get(verification["id"])
            if first is not None:
                yield issue(
                    "duplicate-id",
                    ("claims", c, "verifications", v, "id"),
                    f"id {verification['id']!r} is already used at /claims/{c}/verifications/{first}",
                )
            else:
                seen[verification["id"]] = v


@register("author-source", "duplicate-author")
def author_source(document: dict[str, Any]) -> Iterator[Issue]:
    """The article has one voice of its own: at most one source is of kind author."""
    first: int | None = None
    for s, source in enumerate(document["sources"]):
        if source["kind"] != "author":
            continue
        if first is None:
            first = s
        else:
            yield issue(
                "duplicate-author",
                ("sources", s, "kind"),
                f"source {source['id']!r} is a second author voice; /sources/{first} is the first",
                hint="the article's author speaks as one source; name co-authors in article.authors",
            )


def _first(document: dict[str, Any], wanted: str) -> str:
    for kind in ("sources", "claims"):
        for index, item in enumerate(document[kind]):
            if item["id"] == wanted:
                return f"/{kind}/{index}"
    return "?"


@register("references", "unresolved-reference")
def references(document: dict[str, Any]) -> Iterator[Issue]:
    """Attribution sources and via lists name sources; relation ends name claims; supersedes names a verification."""
    sources = {source["id"] for source in document["sources"]}
    claims = {claim["id"] for claim in document["claims"]}
    if _resolved(document, sources, claims):
        return
    for c, claim in enumerate(document["claims"]):
        for a, attribution in enumerate(claim["attributions"]):
            where = ("claims", c, "attributions", a)
            if attribution["source"] not in sources:
                yield issue("unresolved-reference", (*where, "source"), f"no source has id {attribution['source']!r}")
            for v, via in enumerate(attribution.get("via", ())):
                # 1.0 lists source ids; 1.1 lists objects naming one.
                if isinstance(via, dict):
                    if via["source"] not in sources:
                        yield issue(
                            "unresolved-reference", (*where, "via", v, "source"), f"no source has id {via['source']!r}"
                        )
                elif via not in sources:
                    yield issue("unresolved-reference", (*where, "via", v), f"no source has id {via!r}")
        verifications = claim.get("verifications", ())
        if not any("supersedes" in v for v in verifications):
            continue
        revisions = {v["id"] for v in verifications if "id" in v}
        for v, verification in enumerate(verifications):
            replaced = verification.get("supersedes")
            if replaced is not None and replaced not in revisions:
                yield issue(
                    "unresolved-reference",
                    ("claims", c, "verifications", v, "supersedes"),
                    f"no verification of claim {claim['id']!r} has id {replaced!r}",
                )
    for r, relation in enumerate(document.get("relations", ())):
        for end in ("from", "to"):
            if relation[end] not in claims:
                yield issue("unresolved-reference", ("relations", r, end), f"no claim has id {relation[end]!r}")


def _resolved(document: dict[str, Any], sources: set[str], claims: set[str]) -> bool:
    """Whether every reference surely resolves: one tight loop first, the walk with paths only if not."""
    for claim in document["claims"]:
        for attribution in claim["attributions"]:
            if attribution["source"] not in sources:
                return False
            for via in attribution.get("via", ()):
                if (via["source"] if isinstance(via, dict) else via) not in sources:
                    return False
        verifications = claim.get("verifications")
        if verifications:
            revisions = None
            for verification in verifications:
                replaced = verification.get("supersedes")
                if replaced is not None:
                    if revisions is None:
                        revisions = {v["id"] for v in verifications if "id" in v}
                    if replaced not in revisions:
                        return False
    for relation in document.get("relations", ()):
        if relation["from"] not in claims or relation["to"] not in claims:
            return False
    return True


@register("anonymous-sources", "anonymous-named")
def anonymous_sources(document: dict[str, Any]) -> Iterator[Issue]:
    """A source the article keeps anonymous cannot carry a name."""
    for s, source in enumerate(document["sources"]):
        if source["anonymous"] and source["name"] is not None:
            yield issue(
                "anonymous-named",
                ("sources", s, "name"),
                f"source {source['id']!r} is anonymous but named {source['name']!r}",
                hint="put how the article describes it in description",
            )
