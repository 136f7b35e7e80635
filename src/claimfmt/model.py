"""The claimfmt record of the current format version (1.1), as frozen attrs classes.

Each class mirrors one ``$defs`` entry of ``schema/claimfmt-1.1.schema.json`` and
each attribute one property; ``tests/test_schema_sync.py`` fails when they drift
apart. The model mirrors the JSON exactly: an optional key that is absent is
``None`` here, and an empty list is an empty tuple, so that JSON -> model -> JSON
gives back what was read. Documents of older versions are upgraded to this
model when read (:mod:`claimfmt.versions`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = [
    "Annotator",
    "AnnotatorKind",
    "Article",
    "Attribution",
    "Claim",
    "Commitment",
    "Document",
    "Evidence",
    "EvidenceStance",
    "Hedge",
    "HedgeKind",
    "Locator",
    "Mode",
    "Provenance",
    "Relation",
    "RelationType",
    "Source",
    "SourceKind",
    "Span",
    "Stance",
    "State",
    "Verdict",
    "Verification",
    "Via",
    "latest_json",
]

#: Any JSON value, as kept under ``extensions``.
JSON = Any
#: Namespaced key (``"org.example:foo"``) to any JSON value.
Extensions = Mapping[str, JSON]


class SourceKind(enum.StrEnum):
    """What kind of entity a source is."""

    PERSON = "person"
    GROUP = "group"
    ORGANIZATION = "organization"
    GOVERNMENT = "government"
    MEDIA = "media"
    DOCUMENT = "document"
    UNKNOWN = "unknown"
    #: The article's own voice (FactBank's AUTHOR): the journalist's hedges and commitment.
    AUTHOR = "author"


class Stance(enum.StrEnum):
    """What a source does with a claim."""

    ASSERTS = "asserts"
    DENIES = "denies"
    QUESTIONS = "questions"
    REPORTS = "reports"


class Commitment(enum.StrEnum):
    """How sure a source presents itself to be (FactBank's scale)."""

    CERTAIN = "certain"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    UNDERSPECIFIED = "underspecified"


class Mode(enum.StrEnum):
    """How the article renders a source's words."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class HedgeKind(enum.StrEnum):
    """What a hedge does to a claim."""

    CONDITIONAL = "conditional"
    ALLEGED = "alleged"
    MODAL = "modal"
    UNCONFIRMED = "unconfirmed"
    APPROXIMATOR = "approximator"
    OTHER = "other"


class State(enum.StrEnum):
    """The normalised verification state every converter maps to."""

    UNVERIFIED = "unverified"
    SUPPORTED = "supported"
    REFUTED = "refuted"
    MIXED = "mixed"
    MISLEADING = "misleading"
    DISPUTED = "disputed"
    UNVERIFIABLE = "unverifiable"
    OTHER = "other"


class EvidenceStance(enum.StrEnum):
    """What a piece of evidence does to a claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class RelationType(enum.StrEnum):
    """How one claim relates to another."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    RESTATES = "restates"
    ELABORATES = "elaborates"


class AnnotatorKind(enum.StrEnum):
    """Whether an annotator is a person or a model."""

    HUMAN = "human"
    MODEL = "model"


#: The integers every JSON reader takes exactly (and orjson writes): the signed 64-bit range, ±(2**63 - 1).
PORTABLE_INTEGER = 2**63 - 1


@attrs.frozen(kw_only=True)
class Span:
    """A stretch of the article text, in code points, half-open.

    ``start`` and ``end`` are both present or both absent; a span without them
    is anchored by its quote alone (the text is not shipped).
    """

    start: int | None = None
    end: int | None = None
    exact: str
    prefix: str | None = None
    suffix: str | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Article:
    """Where the text comes from, and the text that span offsets refer to."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    authors: tuple[str, ...] | None = None
    text: str | None = None
    text_sha256: str | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Source:
    """Who speaks: named or anonymous, with the article's own description."""

    id: str
    kind: SourceKind
    name: str | None
    anonymous: bool
    description: str | None = None
    role: str | None = None
    affiliation: str | None = None
    mentions: tuple[Span, ...] | None = None
    external_ids: Mapping[str, str] | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Hedge:
    """A word or phrase that qualifies a claim."""

    kind: HedgeKind
    text: str
    span: Span | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Via:
    """One intermediary a claim passed through, with its own cue and stance."""

    source: str
    cue: Span | None = None
    stance: Stance | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Attribution:
    """One source's part in a claim."""

    source: str
    stance: Stance
    commitment: Commitment | None = None
    mode: Mode | None = None
    cue: Span | None = None
    content: tuple[Span, ...] | None = None
    via: tuple[Via, ...] | None = None
    channel: str | None = None
    hedges: tuple[Hedge, ...] | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Verdict:
    """The reviewer's own rating, verbatim, on the reviewer's own scale."""

    label: str
    scheme: str | None = None
    value: int | float | None = None
    best: int | float | None = None
    worst: int | float | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Locator:
    """A place in an evidence corpus (FEVER: page title and sentence)."""

    corpus: str | None = None
    page: str
    sentence: int | None = None
    group: int | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Evidence:
    """One piece of evidence an assessment rests on."""

    url: str | None = None
    archived_url: str | None = None
    title: str | None = None
    quote: str | None = None
    stance: EvidenceStance | None = None
    question: str | None = None
    answer: str | None = None
    locator: Locator | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Verification:
    """One reviewer's assessment of a claim's truth; ``supersedes`` names the earlier one it revises."""

    id: str | None = None
    state: State
    verdict: Verdict | None = None
    assessed_by: str | None = None
    assessed_at: str | None = None
    review_url: str | None = None
    rationale: str | None = None
    evidence: tuple[Evidence, ...] | None = None
    supersedes: str | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Claim:
    """A claim: its statement, where it stands, who makes it, what is known of it."""

    id: str
    text: str
    spans: tuple[Span, ...]
    date: str | None = None
    attributions: tuple[Attribution, ...]
    verifications: tuple[Verification, ...] | None = None
    confidence: int | float | None = None
    extensions: Extensions | None = None

    def current(self) -> tuple[Verification, ...]:
        """The assessments that stand: every verification that no other supersedes, in order."""
        verifications = self.verifications or ()
        replaced = {v.supersedes for v in verifications if v.supersedes is not None}
        if not replaced:  # the usual case: nothing revised
            return verifications
        return tuple(v for v in verifications if v.id is None or v.id not in replaced)

    def latest(self) -> Verification | None:
        """The latest current assessment (the last that no other supersedes), or None: what a one-verdict peer holds."""
        current = self.current()
        return current[-1] if current else None

    def state(self) -> State:
        """The claim's state: that of its latest current assessment, ``unverified`` when it has none."""
        latest = self.latest()
        return latest.state if latest is not None else State.UNVERIFIED


def latest_json(claim: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """:meth:`Claim.latest` of a claim's JSON (of a valid document), for a writer that works from the JSON."""
    verifications = claim.get("verifications") or ()
    replaced = {v["supersedes"] for v in verifications if "supersedes" in v}
    current = [v for v in verifications if "id" not in v or v["id"] not in replaced] if replaced else verifications
    return current[-1] if current else None


@attrs.frozen(kw_only=True)
class Relation:
    """A relation from one claim to another (``from`` is ``from_`` in Python)."""

    type: RelationType
    from_: str
    to: str
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Annotator:
    """A person or a model that annotated the document."""

    kind: AnnotatorKind
    name: str
    version: str | None = None


@attrs.frozen(kw_only=True)
class Provenance:
    """Who made the annotation, with what, under which guidelines, and when."""

    annotators: tuple[Annotator, ...] | None = None
    tool: str | None = None
    guidelines: str | None = None
    created: str | None = None
    modified: str | None = None
    extensions: Extensions | None = None


@attrs.frozen(kw_only=True)
class Document:
    """One article with its sources, claims and relations: a claimfmt document."""

    claimfmt: str
    id: str
    article: Article
    sources: tuple[Source, ...]
    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...] | None = None
    provenance: Provenance | None = None
    extensions: Extensions | None = None
    # Sources and claims by id, built on the first lookup: not data (no init, eq, repr or JSON), and
    # what keeps a lookup per attribution from making a command quadratic in the claim count.
    _by_id: tuple[dict[str, Source], dict[str, Claim]] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )
    # The document's JSON, where it was read from JSON that needed no change or has been made once
    # (claimfmt.structuring.as_json): validating and writing a converted document then need not make
    # it again. Not data either, and never handed out for changing.
    _json: dict[str, JSON] | None = attrs.field(default=None, init=False, eq=False, repr=False)
    # What validating that JSON found, where it was validated before the document was built from it
    # (claimfmt.structuring.trusted): a pipeline need not validate the same JSON twice.
    _issues: tuple[Any, ...] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def source(self, source_id: str) -> Source | None:
        """The source with this id (the first, should two share it), or None."""
        return self._index()[0].get(source_id)

    def claim(self, claim_id: str) -> Claim | None:
        """The claim with this id (the first, should two share it), or None."""
        return self._index()[1].get(claim_id)

    def _index(self) -> tuple[dict[str, Source], dict[str, Claim]]:
        if self._by_id is None:
            sources: dict[str, Source] = {}
            claims: dict[str, Claim] = {}
            for source in self.sources:
                sources.setdefault(source.id, source)
            for claim in self.claims:
                claims.setdefault(claim.id, claim)
            object.__setattr__(self, "_by_id", (sources, claims))  # frozen: set once, like a cached property
        assert self._by_id is not None
        return self._by_id
