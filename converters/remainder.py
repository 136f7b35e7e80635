"""The remainder: what a tool cannot hold of a document, kept in small fragments keyed by stable ids.

An annotation tool holds spans, labels, links and notes; a claimfmt document holds
more (verdicts, evidence, ``via``, a source's description, span context). A tool
writer maps natively all it can, reads its own output back as a reader would, and
keeps the rest as a *remainder*:

- one fragment per claim, keyed by the id the tool gives the claim's annotation
  (a brat ``T`` id, a Label Studio region id), with the claim's original id, the
  first span the tool holds (``at``), and a guarded patch (``patches.guarded``);
- one fragment per source the tool holds, keyed the same way;
- the claims and sources the tool cannot hold at all (``more``), the document's
  own fields (``document``), and an ``order`` where the tool's order is not ours;
- the document's extensions where the tool's differ (``extensions``): ours (``value``), and
  each key the tool's had when written (``was``), with its value's fingerprint where ours
  holds that key too (else null: only those are compared), so that a key the tool adds
  or changes since is the tool's.

Reading applies it to what the tool gives back *after editing*. The tool's edit is
the truth: a fragment whose claim is gone is dropped, and a field the tool changed
wins over the fragment (a ``record-stale`` warning names the claim and field). What
no longer fits is set aside; the document is always read.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from claimfmt.converters.base import LossReport, Origin, set_aside
from claimfmt.converters.patches import PatchError, apply, diff, fingerprint, guarded, merge
from claimfmt.issues import DocumentError, Severity
from claimfmt.jsontext import KeepAsText, equal
from claimfmt.large import Unbuildable
from claimfmt.model import Article, Document, Source
from claimfmt.structuring import as_json, deferred, evolve, extensions_of, json_keys, trusted
from claimfmt.versions import CURRENT_VERSION

__all__ = [
    "UNPARSED",
    "VERSION",
    "Keeper",
    "Unpaired",
    "Unparsed",
    "article_text",
    "bare",
    "fields",
    "keep",
    "pair",
    "restore",
    "restored",
]

JSON = Any
#: The version of the remainder's layout; a reader refuses (and sets aside) any other.
VERSION = 1
#: What a span's context depends on: a span moved in the tool takes nothing from its fragment.
ANCHORS = ("start", "end", "exact")
_PARTS = {"v", "claims", "sources", "more", "less", "document", "extensions", "order"}


def keep(
    document: Document,
    rebuilt: Document | dict[str, JSON],
    *,
    every_claim: bool = False,
    shift: Callable[[int], int] | None = None,
    parked: str | None = None,
) -> dict[str, JSON] | None:
    """The remainder that turns ``rebuilt`` (what the tool's annotations give) into ``document``; None if nothing.

    ``rebuilt`` may be the document's JSON, as a tool writer makes it (``standoff.read_json``) without
    building a Document only to compare it.

    ``every_claim`` keeps a fragment (its first span at least) for every claim the
    tool holds, so that :func:`pair` can tell which record is whose where a tool
    keeps several annotators' documents together (Label Studio). ``shift`` maps our
    offsets to the tool's where the tool counts otherwise (brat reads ``\r\n`` as one).
    ``parked`` names the extension where the tool's reader keeps what its writer does
    not give back: a file read from the tool and written back unchanged needs no
    record for it (the reader finds it again), so none is written then.
    """
    extensions = extensions_of(document)
    if parked is not None and parked in extensions:
        rest = {k: v for k, v in extensions.items() if k != parked}
        plain = evolve(document, extensions=rest or None)
        if bare(_keep(plain, rebuilt, every_claim, shift)):
            return None
    return _keep(document, rebuilt, every_claim, shift)


def _keep(
    document: Document, rebuilt: Document | dict[str, JSON], every_claim: bool, shift: Callable[[int], int] | None
) -> dict[str, JSON] | None:
    original, base = as_json(document), rebuilt if isinstance(rebuilt, dict) else as_json(rebuilt)
    claim_ids, source_ids = _match(original, base, shift or (lambda offset: offset))
    return _kept(original, base, claim_ids, source_ids, every_claim)


class Keeper:
    """:func:`keep` for a document whose claims come one at a time (``claimfmt.large``), each with what the tool
    gives back of it, in the same place: each claim's fragment is made as it comes, the rest at the end.

    Where the tool does not give a claim back where :func:`keep` would pair it with ours (its first span moved,
    a claim without spans renamed), :class:`Unpaired`: pairing it needs every claim at once.
    """

    def __init__(self, head: dict[str, JSON], rebuilt_head: dict[str, JSON], *, every_claim: bool = False) -> None:
        """``head`` and ``rebuilt_head``: the document's JSON and what the tool gives back of it, without claims;
        ``every_claim`` as :func:`keep` takes it."""
        self._every_claim = every_claim
        self._head = {**head, "claims": []}
        self._rebuilt = {**rebuilt_head, "claims": [], "sources": list(rebuilt_head["sources"])}
        # The sources known by their mentions; the others by the claims that cite them, as they come.
        self._source_ids = _match(self._head, self._rebuilt, lambda offset: offset)[1]
        #: What the fragments made so far hold (:func:`fields`).
        self.fields: Counter[str] = Counter()
        self._uneven = False  # a claim came back with another number of attributions
        self._known = {source["id"] for source in rebuilt_head["sources"]}

    def claim(self, ours: JSON, theirs: JSON, sources: list[JSON] | None = None) -> JSON | None:
        """The claim's fragment, to keep under the id the tool gives it (None: the tool gives it back whole).

        ``sources``: those the tool gives back with this claim only (a speaker it makes up for a link without
        one), which a reader of the whole finds after the document's own, in the order of the claims.
        """
        if sources:
            self._rebuilt["sources"] += sources
        at = _first_span(theirs)
        if at != _first_span(ours) or (at is None and theirs["id"] != ours["id"]):
            raise Unpaired(f"claim {ours['id']!r} does not come back where it was")
        if len(ours["attributions"]) == len(theirs["attributions"]):
            for their, own in zip(theirs["attributions"], ours["attributions"], strict=True):
                self._source_ids.setdefault(their["source"], own["source"])
        else:
            self._uneven = True
        (renamed,) = _renamed({"claims": [theirs], "sources": []}, {theirs["id"]: ours["id"]}, self._source_ids)[
            "claims"
        ]
        fragment: dict[str, JSON] = {"at": at}
        if patch := guarded(ours, renamed, ANCHORS):
            fragment["patch"] = patch
        if theirs["id"] != ours["id"]:
            fragment["id"] = ours["id"]
        if len(fragment) == 1 and not self._every_claim:
            return None
        self.fields += fields({"claims": {theirs["id"]: fragment}})
        return fragment

    def alone(self, ours: JSON, found: dict[str, JSON]) -> tuple[str, JSON | None]:
        """:meth:`claim` for what a tool's reader makes of one claim's annotations alone (``found``: a document of
        that claim, with the sources those annotations name): the id the tool gives the claim, and its fragment.

        The sources of ``found`` that are not the document's are ones the tool makes up for this claim.
        :class:`Unpaired` where ``found`` holds another claim too.
        """
        if len(found["claims"]) != 1:
            raise Unpaired(f"claim {ours['id']!r} comes back as more than one")
        (theirs,) = found["claims"]
        made_up = [source for source in found["sources"] if source["id"] not in self._known]
        self._known.update(source["id"] for source in made_up)
        return theirs["id"], self.claim(ours, theirs, made_up)

    def record(self, claims: Any = None) -> dict[str, JSON] | None:
        """The whole remainder once every claim has come: :meth:`rest` with ``claims`` (the claims' fragments, a
        writer's to keep meanwhile: spooled, say) where :func:`keep` puts them. None: nothing to keep."""
        rest = self.rest()
        if claims is None:
            return rest
        rest = rest or {"v": VERSION}
        return {key: rest[key] for key in ("v", "less") if key in rest} | {"claims": claims} | rest

    def rest(self) -> dict[str, JSON] | None:
        """The remainder but the claims' fragments, once every claim has come (None: nothing), its fields counted.

        :class:`Unpaired` where a claim comes back with fewer attributions, and the tool makes up a source that is
        none of ours: which of those a reader keeps needs every claim.
        """
        kept = _kept(self._head, self._rebuilt, {}, self._source_ids, every_claim=False)
        if self._uneven and kept is not None and kept.get("less", {}).get("sources"):
            # Which of the sources the tool makes up for them stay depends on what the claims' patches give back.
            raise Unpaired("a claim comes back with other attributions, citing a source that is none of ours")
        self.fields += fields(kept)
        return kept


class Unpaired(Unbuildable):
    """A claim that :class:`Keeper` cannot pair with what the tool gives back without seeing every claim: a writer
    that takes a claim at a time lets it through, and the document is converted whole."""


class Unparsed:
    """A claim's or source's fragment as the tool's file holds it (JSON text), parsed as :func:`restore` applies
    it: a large document's fragments parsed all at once hold three times their text, and every one of them would
    be held until the last is applied. Its shape is checked when it is parsed (a damaged one sets the record
    aside, as :func:`restore` does any other)."""

    __slots__ = ("text",)

    def __init__(self, text: str | bytes | memoryview) -> None:
        self.text = text

    def parsed(self, name: str = "a fragment") -> dict[str, JSON]:
        try:
            fragment = orjson.loads(self.text)
        except orjson.JSONDecodeError as exc:
            raise PatchError(f"{name} is not JSON ({exc})") from None
        _check_fragment(fragment, name)
        return fragment  # type: ignore[no-any-return]


#: Where a tool's line keeps the claimfmt record (``"claimfmt"``), its claims' and sources' fragments kept as
#: text when the line is large (:func:`claimfmt.jsontext.loads`).
UNPARSED: KeepAsText = {("claimfmt", "claims"): Unparsed, ("claimfmt", "sources"): Unparsed}


def _kept(
    original: dict[str, JSON],
    base: dict[str, JSON],
    claim_ids: dict[str, str],
    source_ids: dict[str, str],
    every_claim: bool,
) -> dict[str, JSON] | None:
    """:func:`keep`, once it is known which claim and source the tool gives back is which of ours."""
    # Where each of the tool's items is, before the sources that become one are one: a reader that pairs by
    # place (ids numbered anew) finds each by its own.
    own = {key: {item["id"]: first(item) for item in base[key]} for key, first in _FIRSTS}
    base = _renamed(base, claim_ids, source_ids)
    remainder: dict[str, JSON] = {"v": VERSION}
    # A source the tool holds only as the implied speaker of a link (no span of its own) goes when the link
    # goes, while other claims may still name it: it is kept whole.
    # (Not one the tool gives back as it is, under its own id: only its own link names it.)
    our_sources = {s["id"]: s for s in original["sources"]}
    renamed = {ours_id for tool_id, ours_id in source_ids.items() if tool_id != ours_id}
    implied = {
        s["id"]
        for s in base["sources"]
        if _first_mention(s) is None and not (s["id"] not in renamed and equal(our_sources.get(s["id"]), s))
    }
    for (key, first), renames in zip(_FIRSTS, (claim_ids, source_ids), strict=True):
        ours = {item["id"]: item for item in original[key]}
        tool_ids: dict[str, list[str]] = {}
        for tool_id, our_id in renames.items():
            tool_ids.setdefault(our_id, []).append(tool_id)
        fragments: dict[str, JSON] = {}
        if less := [item["id"] for item in base[key] if item["id"] not in ours]:
            # What reading the tool makes up and we do not have (an unnamed source for a link without one).
            remainder.setdefault("less", {})[key] = less
        for item in base[key]:
            if item["id"] not in ours:
                continue
            fragment: dict[str, JSON] = {"at": first(item)}
            whole = key == "sources" and item["id"] in implied  # kept whole below: no patch
            mine = ours[item["id"]]
            # The tool's own object where it gave the item back as it was (W3C's public claims): nothing to patch.
            if not whole and mine is not item and (patch := guarded(mine, item, ANCHORS)):
                fragment["patch"] = patch
            for tool_id in tool_ids.get(item["id"], [item["id"]]):
                if tool_id != item["id"]:
                    fragment["id"] = item["id"]
                if len(fragment) > 1 or (every_claim and key == "claims"):
                    fragments[tool_id] = {**fragment, "at": own[key].get(tool_id, fragment["at"])}
        if fragments:
            remainder[key] = fragments
    held = {"claims": {c["id"] for c in base["claims"]}, "sources": {s["id"] for s in base["sources"]} - implied}
    # Each kept whole with its place: after the item before it, or before the item after it (where one was
    # deleted in the tool since), or at its index.
    more = {
        key: [
            [
                n,
                x,
                original[key][n - 1]["id"] if n else None,
                original[key][n + 1]["id"] if n + 1 < len(original[key]) else None,
            ]
            for n, x in enumerate(original[key])
            if x["id"] not in held[key]
        ]
        for key in held
    }
    if more := {key: value for key, value in more.items() if value}:
        remainder["more"] = more
    # The document's own fields are the tool's to name (a task numbered anew on import is not an edit):
    # the record wins there. Its extensions go key by key, so that what the tool adds is kept.
    if patch := diff(_rest(original), _rest(base)):
        remainder["document"] = patch
    if not equal(original.get("extensions"), base.get("extensions")):
        # A key of the tool's that ours lacks is named, not fingerprinted: a reader compares only those ours holds
        # (:func:`_extensions`), and the tool's may be large (Prodigy's tokens).
        our_keys = original.get("extensions") or {}
        extensions: dict[str, JSON] = {
            "was": {k: fingerprint(v) if k in our_keys else None for k, v in (base.get("extensions") or {}).items()}
        }
        if "extensions" in original:
            extensions["value"] = original["extensions"]
        remainder["extensions"] = extensions
    # Where the tool keeps things in an order of its own, the order is kept too. Patches leave ids and order
    # alone, so they need not be applied to see the order, unless made-up sources are left out: which stay
    # depends on the attributions the patches give back.
    order = {}
    for key, ids in _ids_applied(base, remainder).items():
        if ids != [item["id"] for item in original[key]]:
            order[key] = [item["id"] for item in original[key]]
    if order:
        remainder["order"] = order
    return remainder if len(remainder) > 1 else None


def _ids_applied(document: JSON, remainder: JSON) -> dict[str, list[str]]:
    """The ids of the claims and sources of ``document`` with ``remainder`` applied, in order, without applying it:
    the ids and places of things, which are all the order needs, not their fields."""
    if remainder.get("less", {}).get("sources"):
        # Which made-up sources stay depends on the attributions the patches give back: applied, then.
        again = _apply(document, remainder, LossReport(source="-", target="-"), Origin(file="-"))
        return {key: [item["id"] for item in again[key]] for key in ("claims", "sources")}
    found = {}
    for key, first in (("claims", _first_span), ("sources", _first_mention)):
        fragments = remainder.get(key, {})
        placed = _placed(document[key], fragments, first, True)
        renames = {tool_id: fragments[k]["id"] for tool_id, k in placed.items() if "id" in fragments[k]}
        ids = [renames.get(item["id"], item["id"]) for item in document[key]]
        if key == "sources":  # sources that become one are one (_renamed)
            ids = list(dict.fromkeys(ids))
        items = _inserted([{"id": i} for i in ids], remainder.get("more", {}).get(key, []), replace=key == "sources")
        found[key] = [item["id"] for item in items]
    less = set(remainder.get("less", {}).get("claims", ()))
    found["claims"] = [i for i in found["claims"] if i not in less]
    return found


def fields(remainder: JSON) -> Counter[str]:
    """The fields a remainder holds (``claims[].verification.verdict``), each counted once per object holding it.

    This is what the tool's own annotations lose: the loss report lists it, and
    a reader without claimfmt's record gets the document without it.
    """
    if not remainder:
        return Counter()
    # Each object's fields listed, then counted at once (a record of a large document holds thousands).
    paths: list[str] = []
    add = paths.append

    def walk(patch: JSON, at: str) -> None:
        for key in patch.get("set", ()):
            add(f"{at}.{key}")
        for key in patch.get("unset", ()):
            add(f"{at}.{key}")
        for key, part in patch.get("in", {}).items():
            walk(part, f"{at}.{key}")
        for key, items in patch.get("each", {}).items():
            inner = f"{at}.{key}[]"
            for part in items.values():
                walk(part, inner)

    for key in ("claims", "sources"):
        for fragment in remainder.get(key, {}).values():
            if "id" in fragment:
                add(f"{key}[].id")
            if "patch" in fragment:
                walk(fragment["patch"], f"{key}[]")
        paths += [f"{key}[]"] * len(remainder.get("more", {}).get(key, ()))
        if key in remainder.get("order", {}):
            add(f"{key}[] (order)")
    walk(remainder.get("document", {}), "")
    extensions = remainder.get("extensions", {})
    was = extensions.get("was", {})
    if any(fingerprint(value) != was.get(key) for key, value in (extensions.get("value") or {}).items()):
        add("extensions")
    return Counter({path.lstrip("."): n for path, n in Counter(paths).items()})


def restore(
    edited: Document | dict[str, JSON],
    remainder: JSON,
    report: LossReport,
    origin: Origin,
    *,
    stable_ids: bool = True,
) -> Document:
    """``edited`` (what the tool gives back) with a remainder applied where the tool's edits leave room for it.

    ``stable_ids`` says whether the tool keeps annotation ids across an import
    (brat, Label Studio); where it does not (doccano numbers entities anew), a
    fragment goes to the claim or source whose first span is where it was, or to none.
    Conflicts are ``record-stale`` warnings; a remainder that is damaged or gives an
    invalid document is set aside (``record-invalid``) and ``edited`` is returned.
    ``edited`` may be the document's JSON, as a reader makes it (``standoff.read_json``): only
    the document the record gives is built then.
    """
    document = restored(edited, remainder, report, origin, stable_ids=stable_ids)
    if document is not None:
        return document
    return trusted(edited) if isinstance(edited, dict) else edited


def restored(
    edited: Document | dict[str, JSON],
    remainder: JSON,
    report: LossReport,
    origin: Origin,
    *,
    stable_ids: bool = True,
) -> Document | None:
    """:func:`restore`, or None where the remainder is set aside (a reader may then do more with ``edited``)."""
    from claimfmt.validation import validate

    data = edited if isinstance(edited, dict) else as_json(edited)
    what = f"document {data['id']!r}: the claimfmt record kept in the file"
    try:
        _check(remainder)
        try:
            applied = _apply(data, remainder, report, origin, stable_ids)
        except (KeyError, TypeError, AttributeError) as exc:
            # The record comes back from a file people edit: a patch that leaves an id out or a list not a
            # list is a damaged record, found as it is applied (what it gives is validated after).
            raise PatchError(f"the record does not apply ({type(exc).__name__}: {exc})") from None
        if applied.get("claimfmt") != CURRENT_VERSION:
            raise PatchError(f"the record makes a document of format {applied.get('claimfmt')!r}")
    except PatchError as exc:
        set_aside(exc, what, "the document read from the annotations alone", report, origin)
        return None
    # Checked as JSON, then built the fast way: the JSON is the document's (it is new, made by _apply).
    issues = validate(applied)
    errors = [issue for issue in issues if issue.severity is Severity.ERROR]
    if errors:
        set_aside(DocumentError(errors), what, "the document read from the annotations alone", report, origin)
        return None
    # Built when first asked for: written to claimfmt, the document needs only its JSON.
    return deferred(applied, issues=issues)


def article_text(remainder: JSON) -> str | None:
    """The article text a remainder sets, if any: a reader needs it to anchor spans before the remainder applies."""
    try:
        text = remainder["document"]["in"]["article"]["set"]["text"]
    except (KeyError, TypeError):
        return None
    return text if isinstance(text, str) else None


def bare(remainder: JSON) -> bool:
    """True for a remainder that holds nothing but where its claims are (what ``every_claim`` adds)."""
    return remainder is None or (
        set(remainder) <= {"v", "claims"} and all(set(f) == {"at"} for f in remainder.get("claims", {}).values())
    )


def pair(documents: list[Document] | list[dict[str, JSON]], remainders: list[JSON]) -> tuple[list[JSON], list[int]]:
    """The remainder for each document (or None), and the places of those that fit none.

    For tools that keep several documents' remainders together (Label Studio's task).

    A remainder goes to the document holding most of its claims where they were
    (same id, same first span); one without claims (or whose claims were all
    deleted) to the document in its own place, when the tool still holds as many
    documents. Annotations added, removed or reordered in the tool therefore never
    take another annotator's record.
    """
    claims = [
        {c["id"]: _first_span(c) for c in (d if isinstance(d, dict) else as_json(d))["claims"]} for d in documents
    ]
    scores = []
    for j, found in enumerate(remainders):
        fragments = found.get("claims") if isinstance(found, dict) else None
        if not isinstance(fragments, dict):
            fragments = {}  # a damaged record pairs with nothing; restore() sets it aside
        for i, held in enumerate(claims):
            score = sum(
                1 for key, f in fragments.items() if isinstance(f, dict) and key in held and f.get("at") == held[key]
            )
            if score:
                scores.append((-score, abs(i - j), i, j))
    out: list[JSON] = [None] * len(documents)
    taken: set[int] = set()
    for _, _, i, j in sorted(scores):
        if out[i] is None and j not in taken:
            out[i] = remainders[j]
            taken.add(j)
    if len(documents) == len(remainders):
        for j, found in enumerate(remainders):
            if j not in taken and out[j] is None and isinstance(found, dict):
                out[j] = found
                taken.add(j)
    return out, [j for j, found in enumerate(remainders) if j not in taken and found is not None]


def _check(remainder: JSON) -> None:
    """Raise :class:`PatchError` for a remainder not of the documented shape (it comes back from edited files)."""
    if not isinstance(remainder, dict) or remainder.get("v") != VERSION:
        raise PatchError(f"not a claimfmt record of version {VERSION}")
    if unknown := set(remainder) - _PARTS:
        raise PatchError(f"unknown parts {sorted(unknown)}")
    for key in ("claims", "sources", "more", "less", "order"):
        if not isinstance(remainder.get(key, {}), dict):
            raise PatchError(f"{key} is an object")
    for key, ids in remainder.get("less", {}).items():
        if not (isinstance(ids, list) and all(isinstance(x, str) for x in ids)):
            raise PatchError(f"less.{key} is a list of ids")
    for key in ("claims", "sources"):
        for name, fragment in remainder.get(key, {}).items():
            if not isinstance(fragment, Unparsed):  # checked as it is parsed
                _check_fragment(fragment, f"{key}.{name}")
    for key, items in remainder.get("more", {}).items():
        if not (isinstance(items, list) and all(_pair(x) for x in items)):
            raise PatchError(f"more.{key} holds [index, object, id before, id after] items")
    if not isinstance(remainder.get("document", {}), dict):
        raise PatchError("document is a patch")
    extensions = remainder.get("extensions", {})
    if not (isinstance(extensions, dict) and isinstance(extensions.get("was", {}), dict)):
        raise PatchError("extensions is an object with was (and value)")
    if not isinstance(extensions.get("value", {}), dict):
        raise PatchError("extensions.value is an object")


def _check_fragment(fragment: JSON, name: str) -> None:
    if not (isinstance(fragment, dict) and isinstance(fragment.get("id", ""), str)):
        raise PatchError(f"{name} is an object whose id is a string")
    if not isinstance(fragment.get("patch", {}), dict):
        raise PatchError(f"{name}.patch is an object")


def _outline(fragment: JSON, key: str, name: str) -> JSON:
    """A fragment as placing it needs it: an :class:`Unparsed` one parsed, its patch left for later (``True``)."""
    if not isinstance(fragment, Unparsed):
        return fragment
    return {part: True if part == "patch" else value for part, value in fragment.parsed(f"{key}.{name}").items()}


def _patch_of(fragment: JSON) -> JSON:
    return (fragment.parsed() if isinstance(fragment, Unparsed) else fragment)["patch"]


def _pair(item: JSON) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 4
        and isinstance(item[0], int)
        and isinstance(item[1], dict)
        and isinstance(item[1].get("id"), str)
        and all(isinstance(x, str | None) for x in item[2:])
    )


def _apply(
    document: JSON, remainder: JSON, report: LossReport, origin: Origin, stable_ids: bool = True, *, merge: bool = True
) -> dict[str, JSON]:
    renames: dict[str, dict[str, str]] = {}
    patches: dict[str, dict[str, str]] = {}  # claim (or source) id -> the key of its fragment
    unparsed: dict[str, dict[str, JSON]] = {}
    for key, first in (("claims", _first_span), ("sources", _first_mention)):
        unparsed[key] = remainder.get(key, {})
        # Each fragment's patch is taken (and an unparsed one parsed again) only as it is merged, one at a time.
        fragments = {k: _outline(f, key, k) for k, f in unparsed[key].items()}
        placed = _placed(document[key], fragments, first, stable_ids)
        found = set(placed.values())
        whole = {item[1].get("id") for item in remainder.get("more", {}).get(key, ()) if isinstance(item, list)}
        for fragment_key, fragment in fragments.items() if merge else ():  # only the order is asked: no warnings
            if fragment_key not in found and fragment.get("id", fragment_key) not in whole:
                name = fragment.get("id", fragment_key)
                report.warn(
                    "record-stale",
                    f"{key[:-1]} {name!r} is no longer in the file: the fields kept for it were dropped",
                    origin,
                )
        renames[key] = {tool_id: fragments[k]["id"] for tool_id, k in placed.items() if "id" in fragments[k]}
        patches[key] = {
            renames[key].get(tool_id, tool_id): k for tool_id, k in placed.items() if "patch" in fragments[k]
        }
    document = _renamed(document, renames["claims"], renames["sources"])
    items: dict[str, list[JSON]] = {}
    for key in ("claims", "sources"):
        merged = document.pop(key)  # the renamed copies: each goes as it is merged (a large document's are many)
        if merge:
            merged.reverse()
            pending, merged = merged, []
            while pending:
                item = pending.pop()
                k = patches[key].get(item["id"])
                if k is not None:
                    item = _merged(item, _patch_of(unparsed[key][k]), f"{key[:-1]} {item['id']!r}", report, origin)
                    if key == "sources":
                        item = _in_order(item, _SOURCE_KEYS)
                merged.append(item)
        items[key] = _inserted(merged, remainder.get("more", {}).get(key, []), replace=key == "sources")
        items[key] = _ordered(items[key], remainder.get("order", {}).get(key))
    out = {**apply(_rest(document), remainder.get("document")), **items}
    if "extensions" in document:
        out["extensions"] = document["extensions"]
    if "extensions" in remainder:
        extensions = _extensions(document.get("extensions") or {}, remainder["extensions"])
        if extensions is None:
            out.pop("extensions", None)
        else:
            out["extensions"] = extensions
    less = {key: set(ids) for key, ids in remainder.get("less", {}).items()}
    if less.get("claims"):
        out["claims"] = [c for c in out["claims"] if c["id"] not in less["claims"]]
    if less.get("sources"):
        cited = {a["source"] for claim in out["claims"] for a in claim["attributions"] if isinstance(a, dict)}
        out["sources"] = [s for s in out["sources"] if s["id"] in cited or s["id"] not in less["sources"]]
    present = {claim["id"] for claim in out["claims"]}
    if isinstance(out.get("relations"), list):
        kept = [r for r in out["relations"] if isinstance(r, dict) and {r.get("from"), r.get("to")} <= present]
        for relation in out["relations"]:
            if relation not in kept:
                report.warn(
                    "record-stale",
                    f"relation {relation.get('from')!r} -> {relation.get('to')!r} names a claim no longer in the file: "
                    "dropped",
                    origin,
                )
        out["relations"] = kept
    return _in_document_order(out)


# A patch sets a key last, and a document's claims and sources are merged apart from it: the document, its article
# and its sources are put back in the model's order (the order ``unstructure`` and ``claimfmt.dump`` write), so that
# a corpus converted to a tool and back is not one whose every document and source has moved keys. Not its claims
# and their attributions, which keep the reader's order with the record's keys after: a document has few sources,
# but tens of claims, and putting those in order too made applying a record a fifth slower.


def _in_document_order(document: dict[str, JSON]) -> dict[str, JSON]:
    """The document's own keys, and its article's, in the model's order."""
    out: dict[str, JSON] = _in_order(document, _DOCUMENT_KEYS)
    if isinstance(out.get("article"), dict):
        out["article"] = _in_order(out["article"], _ARTICLE_KEYS)
    return out


def _in_order(value: JSON, keys: tuple[str, ...]) -> JSON:
    """An object with the keys of its model in ``keys``' order; a key of none (validating says so) goes last."""
    if type(value) is not dict:
        return value
    out = {key: value[key] for key in keys if key in value}
    return out if len(out) == len(value) else {**out, **value}


_DOCUMENT_KEYS, _ARTICLE_KEYS, _SOURCE_KEYS = (tuple(json_keys(cls)) for cls in (Document, Article, Source))


def _extensions(edited: dict[str, JSON], kept: dict[str, JSON]) -> dict[str, JSON] | None:
    """The document's extensions: ours, but what the tool added or changed since is the tool's."""
    was, value = kept.get("was", {}), kept.get("value")
    out = dict(value or {})
    for key, current in edited.items():
        # Fingerprinted only where ours holds the key too: a tool's parked fields (Prodigy's tokens) are large.
        if key not in was or (key in out and fingerprint(current) != was[key]):
            out[key] = current  # added by the tool (or its reader), or changed there
    return out if out or value is not None else None


def _merged(item: JSON, patch: JSON, name: str, report: LossReport, origin: Origin) -> JSON:
    if patch is None:
        return item
    merged, conflicts = merge(item, patch, ANCHORS)
    if conflicts:
        report.warn(
            "record-stale",
            f"{name}: edited in the tool at {', '.join(c or '/' for c in conflicts)}; the edit wins over the fields "
            "kept there",
            origin,
        )
    return merged


def _placed(items: list[JSON], fragments: dict[str, JSON], first: Any, stable_ids: bool) -> dict[str, str]:
    """Id in the file -> the key of the fragment that belongs to that claim (or source)."""
    placed: dict[str, str] = {}
    for item in items:
        key = item["id"]
        if key in fragments and (stable_ids or fragments[key].get("at") == first(item)):
            placed[key] = key
    if stable_ids:
        return placed
    # Ids the tool numbers anew: a fragment goes where its first span still is, and where several claims
    # start there, only if as many fragments do (else which is which is a guess, and none is placed).
    taken = set(placed.values())
    waiting: dict[str, list[str]] = {}
    for key, fragment in fragments.items():
        if key not in taken and fragment.get("at") is not None:
            waiting.setdefault(repr(fragment["at"]), []).append(key)
    unplaced: dict[str, list[str]] = {}
    for item in items:
        if item["id"] not in placed:
            unplaced.setdefault(repr(first(item)), []).append(item["id"])
    for at, keys in waiting.items():
        ids = unplaced.get(at, [])
        if len(ids) == len(keys):
            placed.update(zip(ids, keys, strict=True))
    return placed


def _match(original: JSON, base: JSON, shift: Callable[[int], int]) -> tuple[dict[str, str], dict[str, str]]:
    """Which claim and source the tool gives back is which of ours: tool id -> our id."""

    def places(spans: JSON) -> Iterator[tuple[int, int]]:
        # Our spans that are not empty where the tool counts (a span over just a \r is, in brat).
        for span in spans:
            start, end = span.get("start"), span.get("end")
            if type(start) is float or type(end) is float:
                start, end = _whole(start), _whole(end)
            if isinstance(start, int) and isinstance(end, int):
                start, end = shift(start), shift(end)
                if end > start:
                    yield start, end

    def placed(spans: JSON) -> tuple[int, int] | None:
        return next(places(spans), None)

    def key(at: list[int] | None) -> tuple[int, ...] | None:
        return None if at is None else tuple(at)

    by_span: dict[tuple[int, ...] | None, deque[str]] = {}
    ours = {c["id"]: c for c in original["claims"]}
    firsts: dict[str, tuple[int, ...] | None] = {}
    for claim in original["claims"]:
        firsts[claim["id"]] = first = placed(claim["spans"])
        by_span.setdefault(first, deque()).append(claim["id"])
    claim_ids: dict[str, str] = {}
    theirs = [(claim["id"], _first_span(claim)) for claim in base["claims"]]
    for identifier, at in theirs:
        # Where the tool keeps our ids but cannot place a claim's first span (a W3C offset inside a grapheme
        # cluster), the claim comes back under its id, from another of its spans: it is that claim, not one of
        # ours that starts there.
        if at is None or identifier not in ours or tuple(at) == firsts[identifier] or identifier in claim_ids:
            continue
        if tuple(at) in set(places(ours[identifier]["spans"])) and identifier in by_span[firsts[identifier]]:
            by_span[firsts[identifier]].remove(identifier)
            claim_ids[identifier] = identifier
    for identifier, at in theirs:
        queue = by_span.get(key(at))
        if at is not None and queue and identifier not in claim_ids:  # a claim the tool holds has a span
            claim_ids[identifier] = queue.popleft()
    # A claim without a span the tool still holds (W3C targets the article itself) is known by its id alone.
    # (The loop above leaves our spanless claims, the bucket without a span, untouched.)
    spanless = set(by_span.get(None, ()))
    for claim in base["claims"]:
        if claim["id"] in spanless and claim["id"] not in claim_ids and _first_span(claim) is None:
            claim_ids[claim["id"]] = claim["id"]
            spanless.discard(claim["id"])
    by_mention: dict[tuple[int, ...] | None, deque[str]] = {}
    for source in original["sources"]:
        by_mention.setdefault(placed(source.get("mentions") or ()), deque()).append(source["id"])
    source_ids: dict[str, str] = {}
    for source in base["sources"]:
        at = _first_mention(source)
        queue = by_mention.get(key(at))
        if at is not None and queue:
            source_ids[source["id"]] = queue.popleft()
    for claim in base["claims"]:
        mine = ours.get(claim_ids.get(claim["id"], ""))
        if mine is None or len(mine["attributions"]) != len(claim["attributions"]):
            continue
        for theirs, own in zip(claim["attributions"], mine["attributions"], strict=True):
            source_ids.setdefault(theirs["source"], own["source"])
    return claim_ids, source_ids


def _renamed(document: JSON, claim_ids: dict[str, str], source_ids: dict[str, str]) -> dict[str, JSON]:
    """The document with the tool's ids replaced by ours; sources that become one are one.

    A claim (and attribution) that keeps its ids is the tool's own object: comparing it with ours then costs
    nothing where it is ours too (a publishing writer's claims that cite no anonymous source).
    """
    claims = []
    for claim in document["claims"]:
        identifier, attributions = claim_ids.get(claim["id"], claim["id"]), claim["attributions"]
        # Asked of each attribution: a writer taking a claim at a time renames one claim with every source's id.
        names = [source_ids.get(a["source"], a["source"]) for a in attributions]
        if any(name != a["source"] for name, a in zip(names, attributions, strict=True)):
            attributions = [
                a if name == a["source"] else {**a, "source": name} for name, a in zip(names, attributions, strict=True)
            ]
        if identifier != claim["id"] or attributions is not claim["attributions"]:
            claim = {**claim, "id": identifier, "attributions": attributions}
        claims.append(claim)
    sources, seen = [], set()
    for source in document["sources"]:
        renamed = {**source, "id": source_ids.get(source["id"], source["id"])}
        if renamed["id"] not in seen:
            seen.add(renamed["id"])
            sources.append(renamed)
    return {**document, "claims": claims, "sources": sources}


def _rest(document: JSON) -> dict[str, JSON]:
    return {k: v for k, v in document.items() if k not in ("claims", "sources", "extensions")}


def _first_span(claim: JSON) -> list[int] | None:
    # Asked of every claim several times a document: written out, not through a helper.
    for span in claim.get("spans", ()):
        start, end = span.get("start"), span.get("end")
        if type(start) is float or type(end) is float:
            start, end = _whole(start), _whole(end)
        if isinstance(start, int) and isinstance(end, int) and end > start:
            return [start, end]
    return None


def _whole(offset: Any) -> Any:
    """An offset a document's JSON writes as a whole float (``3.0``, JSON Schema's integer all the same) as the
    integer, so that its claim pairs with the tool's; anything else as it is."""
    return int(offset) if type(offset) is float and offset.is_integer() else offset


def _first_mention(source: JSON) -> list[int] | None:
    return _first_span({"spans": source.get("mentions") or ()})


#: Where a claim and a source are, for pairing them: the first span, the first mention.
_FIRSTS: tuple[tuple[str, Callable[[JSON], list[int] | None]], ...] = (
    ("claims", _first_span),
    ("sources", _first_mention),
)


def _inserted(items: list[JSON], more: list[list[Any]], *, replace: bool) -> list[JSON]:
    """``items`` with those kept whole put back between their neighbours; with ``replace``, instead of the
    tool's bare one."""
    if replace:
        # The tool's bare copy goes, and ours takes its place among its neighbours (the tool's order of
        # implied speakers follows its links, which edits reorder).
        whole = {item["id"] for _, item, _, _ in more}
        items = [item for item in items if item["id"] not in whole]
    present = {item["id"] for item in items}
    after: dict[str | None, list[JSON]] = {}  # id -> what follows it
    ahead: dict[str | None, list[JSON]] = {}  # id -> what precedes it
    waiting: list[tuple[int, JSON, str | None]] = []
    known = set(present)
    for index, item, previous, following in more:
        if item["id"] in present:
            continue
        if previous is None or previous in known:
            after.setdefault(previous, []).append(item)
            known.add(item["id"])
        else:
            waiting.append((index, item, following))
    lost: list[tuple[int, JSON]] = []
    for index, item, following in reversed(waiting):
        if following in known:
            ahead.setdefault(following, []).insert(0, item)
            known.add(item["id"])
        else:
            lost.append((index, item))
    if len(known) == len(present) and not lost:
        return items
    out: list[JSON] = []
    # Each item with what precedes and follows it, depth first, without recursion (a run of thousands is one chain).
    stack: list[tuple[bool, JSON]] = [(False, item) for item in reversed(items)] + [(False, {"id": None})]
    while stack:
        done, item = stack.pop()
        if done:
            out.append(item)
            stack.extend((False, follower) for follower in reversed(after.pop(item["id"], [])))
            continue
        stack.append((True, item))
        stack.extend((False, leader) for leader in reversed(ahead.pop(item["id"], [])))
    out = out[1:]  # the start, whose followers are those kept whole before everything
    for index, item in sorted(lost, key=lambda x: x[0]):
        out.insert(min(index, len(out)), item)
    return out


def _ordered(items: list[JSON], order: JSON) -> list[JSON]:
    if not isinstance(order, list):
        return items
    rank = {identifier: n for n, identifier in enumerate(order) if isinstance(identifier, str)}
    return sorted(items, key=lambda item: rank.get(item["id"], len(rank)))
