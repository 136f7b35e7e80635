"""One large document, checked a claim at a time, so that memory stays a small multiple of the file.

A JSON file holding one document of many megabytes parses into Python objects five
times its size. Above :data:`LARGE` bytes (4 MB), ``claimfmt validate`` splits the file into
its top-level parts without parsing them (msgspec's raw values are slices of the file,
mapped into memory rather than read), checks everything but the claims as usual, then
parses, checks and forgets one claim at a time: the schema's claim rules, then the one
pass of the semantic checks (``validators/settled.py``), which carries the ids and sources
seen from claim to claim. Pages of the file already looked at are handed back to the
system as the pass goes, so that neither checking nor building holds the whole file.

This settles a valid document, which is what a large file almost always is. A
document with anything to report (an error, a warning), or of another format version,
or checked by plugins, is read whole the usual way, which says what and where.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import orjson

from claimfmt.issues import Issue
from claimfmt.mapped import hand_back, mapped
from claimfmt.reading import JSON_SUFFIXES, JSONL_SUFFIXES, _suffix
from claimfmt.schema_check import span_lenient_validator
from claimfmt.validators.registry import plugin_checks
from claimfmt.validators.settled import claims_settled, started, tail_settled
from claimfmt.versions import CURRENT_VERSION

if TYPE_CHECKING:
    from claimfmt.model import Claim, Document

__all__ = [
    "LARGE",
    "WINDOW",
    "LargeDocument",
    "Unbuildable",
    "built_claim",
    "head_document",
    "is_large",
    "open_large",
    "read_large",
    "settle",
    "top_level",
    "validate_large",
]

#: Files above this many bytes holding one JSON document are checked a claim at a time: from about here, that
#: is faster too (a whole document's objects cost more to make and free than one claim's at a time).
LARGE = 4 * 2**20

#: Claims (or a peer's annotations) between two hand-backs of the file's pages: about a megabyte of a typical file.
WINDOW = 1024


def top_level(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The members of the object a large JSON file holds, each parsed where it is small (a version, a type) and
    None where it is not; None where the file holds no object. For telling the file's format without parsing
    it whole (which would hold several times its size)."""
    import msgspec  # only for large files

    with mapped(Path(path)) as data:
        try:
            parts = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        hand_back(data)
        return {key: orjson.loads(memoryview(raw)) if len(raw) <= _SMALL else None for key, raw in parts.items()}


#: A member of a large file's object parsed to tell its format: this many bytes at most.
_SMALL = 2**16


def is_large(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a plain JSON file (not JSONL, not gzipped) above :data:`LARGE` bytes."""
    path = Path(path)
    suffix = _suffix(path)
    return (
        suffix in JSON_SUFFIXES
        and suffix not in JSONL_SUFFIXES
        and path.suffix.lower() != ".gz"
        and path.is_file()
        and path.stat().st_size > LARGE
    )


def validate_large(path: str | os.PathLike[str]) -> list[Issue] | None:
    """The issues of the one document in a large JSON file ([] when it is valid), or None to read it whole.

    None comes for anything but a valid current-version document with nothing to warn of but, where its
    article has no text, that its spans went unchecked (an array of documents among them): the usual reading
    then says what it finds.
    """
    with mapped(Path(path)) as data:
        found = _settled(data)
    return None if found is None else found[1]


def read_large(path: str | os.PathLike[str]) -> Document | None:
    """The one valid document in a large JSON file, built from its bytes claim by claim; None to read it whole.

    No parsed JSON of the whole is ever held: each claim is built into the model as soon as it is
    checked. The document holds no JSON (``structuring.as_json`` makes it where it is asked for).
    """
    import msgspec

    from claimfmt.model import Claim

    built: dict[str, Any] = {}
    claims: list[Claim] = []
    shared: dict[str, str] = {}

    def begin(head: dict[str, Any]) -> None:
        built.update(_head_parts(head))
        shared.update((source.id, source.id) for source in built["sources"])

    def keep(claim: dict[str, Any], raw: Any) -> None:
        claims.append(msgspec.convert(_shared(claim, shared), Claim, strict=True))

    try:
        with mapped(Path(path)) as data:
            found = _settled(data, begin, keep)
        if found is None:
            return None
        document = _document(found[0], built, tuple(claims))
    except msgspec.ValidationError:  # JSON msgspec would have to change to hold (an offset written 3.0)
        return None
    object.__setattr__(document, "_issues", tuple(found[1]))  # validated above
    return document


class Unbuildable(Exception):
    """A claim of a :class:`LargeDocument` that the model's fast builder cannot hold as it is written (an integer
    written ``3.0``), or that a writer cannot take alone (W3C's record pairs it with its annotation read back,
    and it does not come back where it was): found as the claims are gone through, so a writer's output is to
    be thrown away, and the document read whole, the usual way."""


class LargeDocument:
    """One valid large document whose claims are built from the file one at a time, each time they are gone
    through: a writer that takes them so (``Converter.write_large``) never holds more than one.

    Made by :func:`open_large`, and usable while it is open (a Parquet row's: ``converters.parquet.open_large_row``).
    """

    def __init__(self, head: Document, data: memoryview, raws: list[Any], issues: list[Issue]) -> None:
        #: The document without its claims (its relations name claims it does not hold: it is not for validating).
        self.head = head
        #: What validating the document found (a warning at most: spans unchecked, its article without text).
        self.issues = issues
        self._data = data
        self._raws = raws

    def __len__(self) -> int:
        return len(self._raws)

    def claims_json(self) -> Iterator[dict[str, Any]]:
        """Each claim's JSON as the file holds it, in order."""
        return (orjson.loads(memoryview(raw)) for raw in self._raw())

    def claims(self) -> Iterator[tuple[Claim, dict[str, Any]]]:
        """Each claim built into the model, with its JSON as the file holds it, in order.

        Raises :class:`Unbuildable` at a claim that cannot be built the fast way.
        """
        return ((_built(raw), orjson.loads(memoryview(raw))) for raw in self._raw())

    def built(self) -> Iterator[Claim]:
        """:meth:`claims` without their JSON: for a writer that goes through them once only to look."""
        return (_built(raw) for raw in self._raw())

    def whole(self) -> Document:
        """The document with all its claims, for a writer that needs it whole."""
        document = attrs.evolve(self.head, claims=tuple(self.built()))
        object.__setattr__(document, "_issues", tuple(self.issues))  # validated when opened
        return document

    def _raw(self) -> Iterator[Any]:
        """Each claim's raw part, in order, the pages of the file looked at handed back as they go."""
        for number, raw in enumerate(self._raws, start=1):
            yield raw
            if not number % WINDOW:
                hand_back(self._data)


def _built(raw: Any) -> Claim:
    import msgspec

    try:
        return _claim_decoder().decode(raw)  # type: ignore[no-any-return]
    except msgspec.ValidationError as exc:  # JSON msgspec would have to change to hold (3.0 for an int)
        raise Unbuildable(str(exc)) from None


def built_claim(claim: dict[str, Any]) -> Claim:
    """A claim's JSON built into the model, the fast way; :class:`Unbuildable` where it cannot be so."""
    import msgspec

    from claimfmt.model import Claim

    try:
        return msgspec.convert(claim, Claim, strict=True)
    except msgspec.ValidationError as exc:
        raise Unbuildable(str(exc)) from None


@functools.cache
def _claim_decoder() -> Any:
    import msgspec

    from claimfmt.model import Claim

    return msgspec.json.Decoder(Claim, strict=True)


@contextlib.contextmanager
def open_large(path: str | os.PathLike[str]) -> Iterator[LargeDocument | None]:
    """The one valid document in a large JSON file, checked claim by claim, as a :class:`LargeDocument`;
    None to read it whole (as :func:`read_large`). The file stays mapped while the block runs."""
    import msgspec

    built: dict[str, Any] = {}
    raws: list[Any] = []

    with mapped(Path(path)) as data:
        try:
            settled = _settled(data, lambda parts: built.update(_head_parts(parts)), lambda _, raw: raws.append(raw))
            found = None
            if settled is not None:
                found = LargeDocument(_document(settled[0], built, ()), data, raws, settled[1])
        except msgspec.ValidationError:
            found = None
        try:
            yield found
        finally:
            raws.clear()  # the raw parts are views of the mapped file, which goes when they do


def head_document(head: dict[str, Any]) -> Document:
    """The document without its claims (:attr:`LargeDocument.head`), built from its JSON without them (left as it
    is); :class:`Unbuildable` where it cannot be built the fast way."""
    import msgspec

    head = dict(head)
    try:
        return _document(head, _head_parts(head), ())
    except msgspec.ValidationError as exc:
        raise Unbuildable(str(exc)) from None


def _head_parts(head: dict[str, Any]) -> dict[str, Any]:
    """The head's parts built into the model, their JSON taken out of ``head`` (never both held at once)."""
    import msgspec

    from claimfmt.model import Article, Provenance, Source

    built = {
        "article": msgspec.convert(head.pop("article"), Article, strict=True),
        "sources": msgspec.convert(head.pop("sources"), tuple[Source, ...], strict=True),
    }
    if "provenance" in head:
        built["provenance"] = msgspec.convert(head.pop("provenance"), Provenance, strict=True)
    return built


def _document(head: dict[str, Any], built: dict[str, Any], claims: tuple[Claim, ...]) -> Document:
    import msgspec

    from claimfmt.model import Document, Relation
    from claimfmt.structuring import for_msgspec

    relations = head.get("relations")
    return Document(
        claimfmt=head["claimfmt"],
        id=head["id"],
        article=built["article"],
        sources=built["sources"],
        claims=claims,
        relations=None
        if relations is None
        else msgspec.convert(for_msgspec(relations), tuple[Relation, ...], strict=True),
        provenance=built.get("provenance"),
        extensions=head.get("extensions"),
    )


def _settled(
    data: memoryview,
    begin: Callable[[dict[str, Any]], None] | None = None,
    keep: Callable[[dict[str, Any], Any], None] | None = None,
) -> tuple[dict[str, Any], list[Issue]] | None:
    """The document's parsed parts but its claims, where it settles a claim at a time (``data``: the file's bytes),
    and what it has to report (:func:`settle`); ``keep`` is handed each claim's raw part too (a view of ``data``)."""
    import msgspec  # only for large files

    try:
        parts = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
        claims = msgspec.json.decode(parts.pop("claims"), type=list[msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError, KeyError):
        return None
    hand_back(data)  # every page was read to find the parts: only the head's are read again now
    head: dict[str, Any] = {key: orjson.loads(memoryview(raw)) for key, raw in parts.items()}
    del parts

    def parsed() -> Iterator[tuple[dict[str, Any], Any]]:
        claims.reverse()  # taken from the end, in order: each claim's raw part goes once it is read
        for number in range(1, len(claims) + 1):
            raw = claims.pop()
            yield orjson.loads(memoryview(raw)), raw
            if not number % WINDOW:
                hand_back(data)

    return settle(head, parsed(), begin, keep)


def settle(
    head: dict[str, Any],
    claims: Iterator[tuple[dict[str, Any], Any]],
    begin: Callable[[dict[str, Any]], None] | None = None,
    keep: Callable[[dict[str, Any], Any], None] | None = None,
) -> tuple[dict[str, Any], list[Issue]] | None:
    """``head`` (the document's JSON but its claims), where the document settles a claim at a time, and what it
    has to report (its article without text: the one warning that its spans went unchecked); None where it does
    not (anything else to report, another version, plugins' checks), to be read whole.

    ``claims``: each claim's JSON with what it was read from, in order, made as they are asked for. ``begin`` is
    handed the head once it is checked (it may take away all but the relations), and ``keep`` each claim, with
    what it was read from, once it is.
    """
    if head.get("claimfmt") != CURRENT_VERSION or plugin_checks():
        return None
    if not span_lenient_validator(CURRENT_VERSION).is_valid({**head, "claims": []}):
        return None
    seen = started(head)
    if seen is None:
        return None
    if begin is not None:
        begin(head)
    valid_claim = span_lenient_validator(CURRENT_VERSION, "claim").is_valid
    for claim, raw in claims:
        if not (valid_claim(claim) and claims_settled(seen, [claim])):
            return None
        if keep is not None:
            keep(claim, raw)
    if not tail_settled(seen, head):
        return None
    from claimfmt.validators.spans import unchecked_issues  # where the checks register: loaded as they are

    return head, unchecked_issues(seen.unchecked)


def _shared(claim: dict[str, Any], strings: dict[str, str]) -> dict[str, Any]:
    """The claim with the values that repeat across claims (its sources' ids, reviewers, verdict labels, dates,
    hedges' words) made the same string objects: across tens of thousands of claims, a copy of each for every
    claim costs a tenth of the model. Values that rarely repeat (a review's page) are not looked up: the
    table of them would cost more than it saves."""
    share = strings.setdefault
    if "date" in claim:
        claim["date"] = share(claim["date"], claim["date"])
    for attribution in claim["attributions"]:
        attribution["source"] = share(attribution["source"], attribution["source"])
        for via in attribution.get("via", ()):
            via["source"] = share(via["source"], via["source"])
        for hedge in attribution.get("hedges", ()):
            if "text" in hedge:
                hedge["text"] = share(hedge["text"], hedge["text"])
    for verification in claim.get("verifications", ()):
        for key in _REPEATED:
            if key in verification:
                verification[key] = share(verification[key], verification[key])
        verdict = verification.get("verdict")
        if verdict is not None and "label" in verdict:
            verdict["label"] = share(verdict["label"], verdict["label"])
    return claim


#: A verification's fields whose values repeat across the claims of a document.
_REPEATED = ("id", "assessed_by", "assessed_at", "supersedes")
