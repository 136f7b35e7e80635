"""One large document, checked a claim at a time, so that memory stays a small multiple of the file.

A JSON file holding one document of many megabytes parses into Python objects five
times its size. Above :data:`LARGE` bytes (4 MB), ``claimfmt validate`` splits the file into
its top-level parts without parsing them (msgspec's raw values are slices of the bytes
read), checks everything but the claims as usual, then parses, checks and forgets one
claim at a time: the schema's claim rules, then the one pass of the semantic checks
(``validators/settled.py``), which carries the ids and sources seen from claim to claim.

This settles a valid document, which is what a large file almost always is. A
document with anything to report (an error, a warning), or of another format version,
or checked by plugins, is read whole the usual way, which says what and where.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from claimfmt.issues import Issue
from claimfmt.reading import JSON_SUFFIXES, JSONL_SUFFIXES, _suffix
from claimfmt.schema_check import span_lenient_validator
from claimfmt.validators.registry import plugin_checks
from claimfmt.validators.settled import claims_settled, started, tail_settled
from claimfmt.versions import CURRENT_VERSION

if TYPE_CHECKING:
    from claimfmt.model import Document

__all__ = ["LARGE", "is_large", "read_large", "validate_large"]

#: Files above this many bytes holding one JSON document are checked a claim at a time: from about here, that
#: is faster too (a whole document's objects cost more to make and free than one claim's at a time).
LARGE = 4 * 2**20

_BOM = b"\xef\xbb\xbf"


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

    None comes for anything but a valid current-version document with nothing to warn of
    (an array of documents among them): the usual reading then says what it finds.
    """
    return None if _settled(Path(path)) is None else []


def read_large(path: str | os.PathLike[str]) -> Document | None:
    """The one valid document in a large JSON file, built from its bytes part by part; None to read it whole.

    No parsed JSON of the whole is ever held: each part is decoded straight into the model.
    The document holds no JSON (``structuring.as_json`` makes it where it is asked for).
    """
    import msgspec

    from claimfmt.model import Article, Claim, Document, Provenance, Relation, Source
    from claimfmt.structuring import for_msgspec

    found = _settled(Path(path))
    if found is None:
        return None
    head, parts = found
    try:
        relations = head.get("relations")
        document = Document(
            claimfmt=head["claimfmt"],
            id=head["id"],
            article=msgspec.convert(head["article"], Article, strict=True),
            sources=msgspec.convert(head["sources"], tuple[Source, ...], strict=True),
            claims=msgspec.json.decode(parts["claims"], type=tuple[Claim, ...], strict=True),
            relations=None
            if relations is None
            else msgspec.convert(for_msgspec(relations), tuple[Relation, ...], strict=True),
            provenance=msgspec.convert(head["provenance"], Provenance, strict=True) if "provenance" in head else None,
            extensions=head.get("extensions"),
        )
    except msgspec.ValidationError:  # JSON msgspec would have to change to hold (an offset written 3.0)
        return None
    object.__setattr__(document, "_issues", ())  # validated above: nothing to report
    return document


def _settled(path: Path) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The document's parsed parts but its claims, and its raw parts, where it settles a claim at a time."""
    import msgspec  # only for large files

    data = path.read_bytes()
    data = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        parts = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
        claims = msgspec.json.decode(parts["claims"], type=list[msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError, KeyError):
        return None
    head: dict[str, Any] = {key: orjson.loads(memoryview(raw)) for key, raw in parts.items() if key != "claims"}
    if head.get("claimfmt") != CURRENT_VERSION or plugin_checks():
        return None
    if not span_lenient_validator(CURRENT_VERSION).is_valid({**head, "claims": []}):
        return None
    seen = started(head)
    if seen is None:
        return None
    valid_claim = span_lenient_validator(CURRENT_VERSION, "claim").is_valid
    for raw in claims:
        claim = orjson.loads(memoryview(raw))
        if not (valid_claim(claim) and claims_settled(seen, [claim])):
            return None
    return (head, parts) if tail_settled(seen, head) else None
