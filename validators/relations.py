"""Claim-to-claim relations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimfmt.issues import Issue
from claimfmt.validators.registry import issue, register


@register("relations", "self-relation", "duplicate-relation")
def relations(document: dict[str, Any]) -> Iterator[Issue]:
    """No relation links a claim to itself, and none appears twice."""
    seen: dict[tuple[str, str, str], int] = {}
    for r, relation in enumerate(document.get("relations", ())):
        key = (relation["type"], relation["from"], relation["to"])
        if relation["from"] == relation["to"]:
            yield issue("self-relation", ("relations", r, "to"), f"claim {relation['to']!r} {relation['type']} itself")
        elif key in seen:
            yield issue("duplicate-relation", ("relations", r), f"the same relation as /relations/{seen[key]}")
        else:
            seen[key] = r
