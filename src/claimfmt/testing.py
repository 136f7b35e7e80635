"""Hypothesis strategies for claimfmt documents: public API for property tests.

- :func:`documents` draws valid :class:`~claimfmt.model.Document` objects:
  unicode text with astral characters and combining marks, spans that agree
  with that text (or quote-only spans where the text is withheld), references
  that resolve, concurrent verifications and revision chains in time order,
  nested ``via`` layers, an author voice, every optional field both present
  and absent, and empty lists. Documents are of the current format version.
- :func:`json_documents` draws the same as plain JSON.
- :func:`from_schema` draws JSON straight from a JSON Schema (the keywords the
  claimfmt schemas use), to test a reader against the schema rather than the model.

Requires the ``testing`` extra (hypothesis).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st

from claimfmt import model
from claimfmt.structuring import unstructure
from claimfmt.versions import CURRENT_VERSION

__all__ = ["documents", "from_schema", "json_documents", "json_values", "texts"]

T = TypeVar("T")

# Characters that break code-unit arithmetic: astral (4 UTF-8 bytes, 2 UTF-16 units),
# combining marks, flags built of two code points, curly quotes, line breaks.
_TRICKY = [
    *("😀", "\U0001d54f", "🇺🇦"),  # astral; a flag is two code points
    *("e\u0301", "\u0300", "\u200d"),  # combining marks, zero-width joiner
    *("\u2019", "\u201c", "\n", "\r\n", "\t", "ß", "İ", "\ufeff", "中"),
]

_NAMESPACES = ["org.example", "com.acme.tools", "org.claimfmt.test"]


def texts(*, min_size: int = 0, max_size: int = 80) -> st.SearchStrategy[str]:
    """Unicode text, surrogates excluded, rich in astral characters and combining marks."""
    char = st.one_of(st.characters(codec="utf-8"), st.sampled_from(_TRICKY))
    return st.lists(char, min_size=min_size, max_size=max_size).map("".join).filter(lambda s: len(s) >= min_size)


def _maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.one_of(st.none(), strategy)


def json_values(*, max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value claimfmt reads everywhere: integers within ±(2**63 - 1), finite floats, unicode text.

    (-2**63 itself overflows the streaming array reader's C parser, yajl.)
    """
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        texts(max_size=20),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts(max_size=8), inner, max_size=3)),
        max_leaves=max_leaves,
    )


_local_ids = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,12}", fullmatch=True)
_nonempty = texts(min_size=1, max_size=30)
_uris = st.builds(
    lambda host, path: f"https://{host}.example.org/{path}",
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._~/-]{0,20}", fullmatch=True),
)
_extension_keys = st.builds(
    lambda ns, name: f"{ns}:{name}",
    st.sampled_from(_NAMESPACES),
    st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True),
)
_extensions = _maybe(st.dictionaries(_extension_keys, json_values(), max_size=3))
# On the small objects (spans, hedges, verdicts), extensions are the exception they are in real data.
_rare_extensions = st.one_of(
    st.none(), st.none(), st.none(), st.dictionaries(_extension_keys, json_values(), max_size=2)
)
_numbers = st.one_of(st.integers(-(2**53), 2**53), st.floats(-1e9, 1e9, allow_nan=False))
_moments = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1),
    max_value=datetime.datetime(2040, 1, 1),
    timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=5, minutes=30))]),
)


def _date_string(moment: datetime.datetime, as_date: bool) -> str:
    return moment.date().isoformat() if as_date else moment.isoformat()


_dates = st.builds(_date_string, _moments, st.booleans())


def _instant(stamp: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


@st.composite
def _span(draw: st.DrawFn, text: str | None) -> model.Span:
    if text is None:
        # Withheld text: a quote, with or without (unchecked) offsets.
        exact = draw(_nonempty)
        offsets = draw(_maybe(st.tuples(st.integers(0, 1000), st.integers(0, 1000)).map(sorted)))
        start, end = (offsets[0], offsets[1]) if offsets else (None, None)
        return model.Span(
            start=start, end=end, exact=exact, prefix=draw(_maybe(texts(max_size=5))), extensions=draw(_rare_extensions)
        )
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 40)))
    width = draw(st.integers(0, 8))
    quote_only = draw(st.booleans()) and draw(st.booleans())
    return model.Span(
        start=None if quote_only else start,
        end=None if quote_only else end,
        exact=text[start:end],
        prefix=None if quote_only or not draw(st.booleans()) else text[max(0, start - width) : start],
        suffix=None if quote_only or not draw(st.booleans()) else text[end : end + width],
        extensions=draw(_rare_extensions),
    )


def _spans(text: str | None, *, max_size: int = 3) -> st.SearchStrategy[list[model.Span]]:
    if text == "":
        return st.just([])
    return st.lists(_span(text), max_size=max_size)


@st.composite
def _verifications(draw: st.DrawFn) -> tuple[model.Verification, ...]:
    """1-3 assessments of one claim: concurrent ones and revisions, each revision dated after what it revises.

    Never an empty list: it means the same as none, and peers (W3C's bodies, ClaimReview) cannot tell the two
    apart; the schema-driven strategy (:func:`from_schema`) still draws it.
    """
    count = draw(st.integers(1, 3))
    # Sorted as rendered: a bare date stands for its first instant in UTC.
    stamps = sorted(draw(st.lists(_dates, min_size=count, max_size=count)), key=_instant)
    dated = draw(st.booleans())
    ids = draw(st.lists(_maybe(_local_ids), min_size=count, max_size=count).filter(_unique_ids))
    made: list[model.Verification] = []
    for n in range(count):
        earlier = [v.id for v in made if v.id is not None]
        verdict = None
        if draw(st.booleans()):
            low, mid, high = sorted(draw(st.lists(_numbers, min_size=3, max_size=3)))
            best, worst = (high, low) if draw(st.booleans()) else (low, high)
            scale = draw(st.booleans())
            verdict = model.Verdict(
                label=draw(_nonempty),
                scheme=draw(_maybe(_nonempty)),
                value=mid if scale and draw(st.booleans()) else None,
                best=best if scale else None,
                worst=worst if scale else None,
                extensions=draw(_rare_extensions),
            )
        made.append(
            model.Verification(
                id=ids[n],
                state=draw(st.sampled_from(model.State)),
                verdict=verdict,
                assessed_by=draw(_maybe(_nonempty)),
                assessed_at=stamps[n] if dated else None,
                review_url=draw(_maybe(_uris)),
                rationale=draw(_maybe(texts())),
                evidence=draw(_maybe(st.lists(_evidence(), max_size=2).map(tuple))),
                supersedes=draw(_maybe(st.sampled_from(earlier))) if earlier else None,
                extensions=draw(_extensions),
            )
        )
    return tuple(made)


def _unique_ids(ids: list[str | None]) -> bool:
    named = [i for i in ids if i is not None]
    return len(named) == len(set(named))


@st.composite
def _evidence(draw: st.DrawFn) -> model.Evidence:
    locator = None
    if draw(st.booleans()):
        locator = model.Locator(
            corpus=draw(_maybe(_nonempty)),
            page=draw(_nonempty),
            sentence=draw(_maybe(st.integers(0, 500))),
            group=draw(_maybe(st.integers(0, 5))),
            extensions=draw(_rare_extensions),
        )
    return model.Evidence(
        url=draw(_maybe(_uris)),
        archived_url=draw(_maybe(_uris)),
        title=draw(_maybe(texts())),
        quote=draw(_maybe(texts())),
        stance=draw(_maybe(st.sampled_from(model.EvidenceStance))),
        question=draw(_maybe(texts())),
        answer=draw(_maybe(texts())),
        locator=locator,
        extensions=draw(_extensions),
    )


@st.composite
def documents(draw: st.DrawFn, *, text: bool | None = None) -> model.Document:
    """A valid document. ``text=False`` withholds the article text (quote-only spans)."""
    withheld = (not text) if text is not None else draw(st.booleans()) and draw(st.booleans())
    body: str | None = None if withheld else draw(texts(max_size=120))
    ids = draw(st.lists(_local_ids, unique=True, max_size=8))
    cut = draw(st.integers(0, len(ids)))
    source_ids, claim_ids = ids[:cut], ids[cut:]
    hashed = (body if body is not None else draw(texts())).encode()

    article = model.Article(
        url=draw(_maybe(_uris)),
        title=draw(_maybe(texts())),
        publisher=draw(_maybe(texts())),
        published=draw(_maybe(_dates)),
        language=draw(_maybe(st.sampled_from(["en", "uk", "pt-BR", "zh-Hant-TW", "ar", "de-CH-1996"]))),
        authors=draw(_maybe(st.lists(_nonempty, max_size=2).map(tuple))),
        text=body,
        text_sha256=hashlib.sha256(hashed).hexdigest() if withheld or draw(st.booleans()) else None,
        extensions=draw(_extensions),
    )
    sources = []
    author = False  # the article has one voice of its own
    for source_id in source_ids:
        anonymous = draw(st.booleans())
        kind = draw(st.sampled_from([k for k in model.SourceKind if not (author and k is model.SourceKind.AUTHOR)]))
        author = author or kind is model.SourceKind.AUTHOR
        sources.append(
            model.Source(
                id=source_id,
                kind=kind,
                name=None if anonymous else draw(_maybe(_nonempty)),
                anonymous=anonymous,
                description=draw(_maybe(texts())),
                role=draw(_maybe(texts())),
                affiliation=draw(_maybe(texts())),
                mentions=draw(_maybe(_spans(body).map(tuple))),
                external_ids=draw(
                    _maybe(
                        st.dictionaries(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), _nonempty, max_size=2)
                    )
                ),
                extensions=draw(_extensions),
            )
        )

    def attribution() -> st.SearchStrategy[model.Attribution]:
        refs = st.sampled_from(source_ids)
        hedge = st.builds(
            model.Hedge,
            kind=st.sampled_from(model.HedgeKind),
            text=_nonempty,
            span=_maybe(_span(body)) if body else st.none(),
            extensions=_rare_extensions,
        )
        layer = st.builds(
            model.Via,
            source=refs,
            cue=_maybe(_span(body)) if body != "" else st.none(),
            stance=_maybe(st.sampled_from(model.Stance)),
            extensions=_rare_extensions,
        )
        return st.builds(
            model.Attribution,
            source=refs,
            stance=st.sampled_from(model.Stance),
            commitment=_maybe(st.sampled_from(model.Commitment)),
            mode=_maybe(st.sampled_from(model.Mode)),
            cue=_maybe(_span(body)) if body != "" else st.none(),
            content=_maybe(_spans(body, max_size=2).map(tuple)),
            via=_maybe(st.lists(layer, max_size=2).map(tuple)),
            channel=_maybe(texts()),
            hedges=_maybe(st.lists(hedge, max_size=2).map(tuple)),
            extensions=_extensions,
        )

    claims = []
    for claim_id in claim_ids:
        attributions = draw(st.lists(attribution(), max_size=2)) if source_ids else []
        claims.append(
            model.Claim(
                id=claim_id,
                text=draw(_nonempty),
                spans=tuple(draw(_spans(body))),
                date=draw(_maybe(_dates)),
                attributions=tuple(attributions),
                verifications=draw(_maybe(_verifications())),
                confidence=draw(_maybe(st.floats(0, 1))),
                extensions=draw(_extensions),
            )
        )

    relations = None
    if draw(st.booleans()):
        pairs = [(a, b) for a in claim_ids for b in claim_ids if a != b]
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
        relations = tuple(
            model.Relation(type=draw(st.sampled_from(model.RelationType)), from_=a, to=b, extensions=draw(_extensions))
            for a, b in chosen
        )

    provenance = None
    if draw(st.booleans()):
        annotator = st.builds(
            model.Annotator, kind=st.sampled_from(model.AnnotatorKind), name=_nonempty, version=_maybe(_nonempty)
        )
        provenance = model.Provenance(
            annotators=draw(_maybe(st.lists(annotator, max_size=2).map(tuple))),
            tool=draw(_maybe(_nonempty)),
            guidelines=draw(_maybe(_uris)),
            created=draw(_maybe(_dates)),
            modified=draw(_maybe(_dates)),
            extensions=draw(_rare_extensions),
        )

    return model.Document(
        claimfmt=CURRENT_VERSION,
        id=draw(_nonempty),
        article=article,
        sources=tuple(sources),
        claims=tuple(claims),
        relations=relations,
        provenance=provenance,
        extensions=draw(_extensions),
    )


def json_documents(*, text: bool | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid documents as plain JSON (what a file holds)."""
    return documents(text=text).map(unstructure)


# --- JSON Schema driven ------------------------------------------------------------

_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date": _moments.map(lambda m: m.date().isoformat()),
    "date-time": _moments.map(lambda m: m.isoformat()),
    "uri": _uris,
}


def from_schema(schema: dict[str, Any], *, max_depth: int = 6) -> st.SearchStrategy[Any]:
    """JSON instances of ``schema``, for the keywords the claimfmt schemas use.

    Not a general JSON Schema generator: an unknown keyword raises
    ``NotImplementedError`` rather than produce data that may be invalid.
    Recursion (verification history) is cut at ``max_depth``.
    """
    return _Generator(schema, max_depth).strategy(schema, 0)


_IGNORED = {"$schema", "$id", "$defs", "title", "description"}
_KNOWN = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "dependentRequired",
    "items",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "enum",
    "const",
    "anyOf",
}


class _Generator:
    def __init__(self, root: dict[str, Any], max_depth: int) -> None:
        self.root = root
        self.max_depth = max_depth

    def strategy(self, node: dict[str, Any] | bool, depth: int) -> st.SearchStrategy[Any]:
        if node is True:
            return json_values(max_leaves=4)
        if node is False:
            return st.nothing()
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            return st.deferred(lambda: self.strategy(self.root["$defs"][name], depth + 1))
        unknown = set(node) - _IGNORED - _KNOWN
        if unknown:
            raise NotImplementedError(f"from_schema does not handle {sorted(unknown)}")
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        if "anyOf" in node:
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            return st.one_of([self.strategy({**rest, **branch}, depth) for branch in node["anyOf"]])
        types = node.get("type")
        if isinstance(types, list):
            return st.one_of([self.strategy({**node, "type": t}, depth) for t in types])
        builder = self._builders.get(f"type:{types}")
        if builder is None:
            raise NotImplementedError(f"from_schema needs a type in {node}")
        return builder(self, node, depth)

    def _object(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        properties: dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", ()))
        optional = [k for k in properties if k not in required]
        if depth >= self.max_depth:
            optional = []
        dependent: dict[str, list[str]] = node.get("dependentRequired", {})

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            chosen = set(required) | {k for k in optional if draw(st.booleans())}
            for key in list(chosen):
                chosen.update(dependent.get(key, ()))
            value = {key: draw(self.strategy(properties[key], depth + 1)) for key in properties if key in chosen}
            extra = node.get("additionalProperties", True)
            if extra is not False and not properties:
                names = node.get("propertyNames", {}).get("pattern")
                keys = st.from_regex(names, fullmatch=True) if names else texts(max_size=8)
                value.update(draw(st.dictionaries(keys, self.strategy(extra, depth + 1), max_size=2)))
            return value

        return build()

    def _array(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if depth >= self.max_depth:
            return st.just([])
        return st.lists(self.strategy(node.get("items", True), depth + 1), max_size=3)

    def _string(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if "format" in node:
            return _FORMATS[node["format"]]
        if "pattern" in node:
            base: st.SearchStrategy[str] = st.from_regex(node["pattern"], fullmatch=True)
        else:
            base = texts(min_size=node.get("minLength", 0), max_size=max(node.get("minLength", 0), 40))
        limit = node.get("maxLength")
        return base.filter(lambda s: len(s) <= limit) if limit else base

    def _integer(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        return st.integers(node.get("minimum", -(2**53)), node.get("maximum", 2**53))

    def _number(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        low, high = node.get("minimum"), node.get("maximum")
        return st.one_of(
            st.integers(int(low) if low is not None else -(2**53), int(high) if high is not None else 2**53),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
        )

    def _boolean(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        return st.booleans()

    def _null(self, node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        return st.none()

    _builders: ClassVar[dict[str, Callable[[_Generator, dict[str, Any], int], st.SearchStrategy[Any]]]] = {
        "type:object": _object,
        "type:array": _array,
        "type:string": _string,
        "type:integer": _integer,
        "type:number": _number,
        "type:boolean": _boolean,
        "type:null": _null,
    }
