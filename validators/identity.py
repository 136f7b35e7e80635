"""Ids and the references between them; anonymous sources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimfmt.issues import Issue
from claimfmt.validators.registry import issue, register


@register("unique-ids", "duplicate-id")
def unique_ids(document: dict[str, Any]) -> Iterator[Issue]:
    """Sources and claims share one id space, so an id names exactly one thing."""
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


def _first(document: dict[str, Any], wanted: str) -> str:
    for kind in ("sources", "claims"):
        for index, item in enumerate(document[kind]):
            if item["id"] == wanted:
                return f"/{kind}/{index}"
    return "?"


@register("references", "unresolved-reference")
def references(document: dict[str, Any]) -> Iterator[Issue]:
    """Attribution sources and via lists name sources; relation ends name claims."""
    sources = {source["id"] for source in document["sources"]}
    claims = {claim["id"] for claim in document["claims"]}
    for c, claim in enumerate(document["claims"]):
        for a, attribution in enumerate(claim["attributions"]):
            where = ("claims", c, "attributions", a)
            if attribution["source"] not in sources:
                yield issue("unresolved-reference", (*where, "source"), f"no source has id {attribution['source']!r}")
            for v, via in enumerate(attribution.get("via", ())):
                if via not in sources:
                    yield issue("unresolved-reference", (*where, "via", v), f"no source has id {via!r}")
    for r, relation in enumerate(document.get("relations", ())):
        for end in ("from", "to"):
            if relation[end] not in claims:
                yield issue("unresolved-reference", ("relations", r, end), f"no claim has id {relation[end]!r}")


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
