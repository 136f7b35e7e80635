"""The W3C Web Annotation terms claimfmt writes and reads, and small helpers on W3C JSON values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from claimfmt.converters.values import as_list as _as_list

JSON = Any

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The IRI of the claimfmt context; its content ships as ``schema/claimfmt-1.1.context.jsonld``
#: (1.1 adds ``verificationId`` and ``supersedes`` to the 1.0 context, whose terms keep their IRIs).
CLAIMFMT_CONTEXT = "https://claimfmt.org/ns/claimfmt-1.1.jsonld"

# Extension keys (on claims and documents) for what the W3C writer would not give back as read.
_ANNOTATION = "org.w3.anno:annotation"
_COLLECTION = "org.w3.anno:collection"
_PAGE = "org.w3.anno:page"
_SHAPE = "org.w3.anno:shape"
#: "array" on a document read from a file that is a JSON array of one value (written back as one).
FILE_SHAPE = "org.w3.anno:file"
_OTHER = "org.w3.anno:other-items"
_SOURCE = "org.w3.anno:source"
_OURS = "org.w3.anno:"
#: The term under which ``--record`` output carries the claimfmt record: its claims' fragments on their own
#: annotations, the rest on the collection (or page).
RECORD_TERM = "claimfmtRecord"
#: The document id the reader makes up for what names none (``w3c-`` and a hash of its content).
MADE_UP_ID = re.compile(r"^w3c-[0-9a-f]{12}\Z")

# Written even where the input lacked them: the output must have them to be W3C, and an id made
# up for a collection that had none must come back the same.
_ALWAYS_WRITTEN = frozenset({"@context", "id", "type", "documentId"})

# claimfmt verification key -> term of the claimfmt context on an ``assessing`` body.
_VERIFICATION_TERMS = {
    "id": "verificationId",
    "verdict": "verdict",
    "assessed_by": "assessedBy",
    "assessed_at": "assessedAt",
    "review_url": "reviewUrl",
    "rationale": "rationale",
    "evidence": "evidence",
    "supersedes": "supersedes",
    "extensions": "extensions",
}


def _own_extensions(extensions: Mapping[str, JSON] | None) -> dict[str, JSON] | None:
    """Extensions to write under our term: None when there are none of the user's own to write."""
    if extensions is None:
        return None
    own = {k: v for k, v in extensions.items() if not k.startswith(_OURS)}
    # An empty object the user wrote is kept; one left empty by taking ours out is not.
    return own if own or not extensions else None


def _scalar(values: list[JSON]) -> JSON:
    return values[0] if len(values) == 1 else values


def _types(value: JSON) -> set[str]:
    if not isinstance(value, dict):
        return set()
    types = value.get("type", value.get("@type"))
    if type(types) is str:  # the common case, asked for every object read
        return {types}
    return {t for t in _as_list(types) if isinstance(t, str)}


def _iri(value: JSON) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        ident = value.get("id", value.get("@id"))
        return ident if isinstance(ident, str) else None
    return None


def normalise(value: JSON) -> JSON:
    """JSON with one-element arrays unwrapped, everywhere: W3C allows a single value either way."""
    if isinstance(value, list):
        return normalise(value[0]) if len(value) == 1 else [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


# Our terms as others may write them: a value that is not what claimfmt allows is left to the
# residue (kept verbatim), rather than made into a document that fails validation.
_EXTENSION_KEY = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+:[A-Za-z0-9_.:/-]+$")


def _is_fraction(value: JSON) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _is_extensions(value: JSON) -> bool:
    return isinstance(value, dict) and all(_EXTENSION_KEY.match(key) for key in value)


def _get(value: JSON, key: str) -> JSON:
    return value.get(key) if isinstance(value, dict) else None
