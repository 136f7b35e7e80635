"""The registry of semantic checks, open to other packages through entry points."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from claimfmt.codes import severity_of
from claimfmt.issues import Issue, escape_pointer_token
from claimfmt.plugins import entry_points
from claimfmt.validators.settled import settled

__all__ = [
    "ENTRY_POINT_GROUP",
    "Check",
    "all_checks",
    "builtin_checks",
    "cache_clear",
    "plugin_checks",
    "all_spans",
    "issue",
    "register",
    "run_checks",
    "walk_spans",
]

ENTRY_POINT_GROUP = "claimfmt.validators"

CheckFunction = Callable[[dict[str, Any]], Iterable[Issue]]


@attrs.frozen(kw_only=True)
class Check:
    """A named semantic check and the codes it may report."""

    name: str
    codes: tuple[str, ...]
    function: CheckFunction


_BUILTIN: list[Check] = []


def register(name: str, *codes: str) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator: add a built-in check to the registry."""

    def decorate(function: CheckFunction) -> CheckFunction:
        _BUILTIN.append(Check(name=name, codes=codes, function=function))
        return function

    return decorate


def all_checks() -> tuple[Check, ...]:
    """The built-in checks, then those other packages register as entry points."""
    return (*builtin_checks(), *plugin_checks())


def cache_clear() -> None:
    """Forget the plugin checks found (tests install and remove them)."""
    plugin_checks.cache_clear()


@functools.cache
def builtin_checks() -> tuple[Check, ...]:
    """The checks claimfmt itself makes."""
    # Importing the modules runs their @register decorators.
    from claimfmt.validators import identity, relations, spans, verification  # noqa: F401

    return tuple(_BUILTIN)


@functools.cache
def plugin_checks() -> tuple[Check, ...]:
    """The checks other packages register as entry points."""
    return tuple(p for p in (ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)) if isinstance(p, Check))


def run_checks(document: dict[str, Any], *, checks: Iterable[Check] | None = None) -> list[Issue]:
    """Every semantic issue in a schema-valid document (the built-in and plugin checks, or ``checks``)."""
    found: list[Issue] = []
    if checks is None:
        # A document one pass finds nothing wrong with skips the built-in checks; plugins always run.
        checks = plugin_checks() if settled(document) else all_checks()
    for check in checks:
        found.extend(check.function(document))
    return found


def issue(code: str, path: Iterable[str | int], message: str, hint: str | None = None) -> Issue:
    """An Issue with the severity its code has, at the JSON pointer of ``path``."""
    return Issue(
        code=code,
        severity=severity_of(code),
        pointer="".join(f"/{escape_pointer_token(token)}" for token in path),
        message=message,
        hint=hint,
    )


def walk_spans(
    document: dict[str, Any], suspect: Callable[[dict[str, Any]], bool] | None = None
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Spans with their paths: mentions, claim spans, cues, content, via cues, hedges.

    With ``suspect``, only the spans it returns True for: a check passes a cheap
    test there so that a path is built only for spans that may be wrong.
    """
    keep = suspect or (lambda _: True)
    for s, source in enumerate(document["sources"]):
        for m, span in enumerate(source.get("mentions", ())):
            if keep(span):
                yield ("sources", s, "mentions", m), span
    for c, claim in enumerate(document["claims"]):
        for k, span in enumerate(claim["spans"]):
            if keep(span):
                yield ("claims", c, "spans", k), span
        for a, attribution in enumerate(claim["attributions"]):
            cue = attribution.get("cue")
            if cue is not None and keep(cue):
                yield ("claims", c, "attributions", a, "cue"), cue
            for k, span in enumerate(attribution.get("content", ())):
                if keep(span):
                    yield ("claims", c, "attributions", a, "content", k), span
            for v, via in enumerate(attribution.get("via", ())):
                span = via.get("cue") if isinstance(via, dict) else None
                if span is not None and keep(span):
                    yield ("claims", c, "attributions", a, "via", v, "cue"), span
            for h, hedge in enumerate(attribution.get("hedges", ())):
                span = hedge.get("span")
                if span is not None and keep(span):
                    yield ("claims", c, "attributions", a, "hedges", h, "span"), span


def all_spans(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The spans :func:`walk_spans` yields, in the same order, without their paths.

    A check first looks at these in one tight loop; most documents have nothing wrong, and
    only one that may does the walk that builds paths (a test keeps the two walks the same).
    """
    found: list[dict[str, Any]] = []
    for source in document["sources"]:
        mentions = source.get("mentions")
        if mentions:
            found += mentions
    for claim in document["claims"]:
        found += claim["spans"]
        for attribution in claim["attributions"]:
            cue = attribution.get("cue")
            if cue is not None:
                found.append(cue)
            content = attribution.get("content")
            if content:
                found += content
            for via in attribution.get("via", ()):
                if isinstance(via, dict) and (cue := via.get("cue")) is not None:
                    found.append(cue)
            for hedge in attribution.get("hedges", ()):
                if (span := hedge.get("span")) is not None:
                    found.append(span)
    return found
