"""Exact patches between two JSON objects, so that a converter can keep only what it would lose.

A converter that maps a record one way and then the other can compare the record
with what it gets back and keep the difference: ``diff(original, rebuilt)`` is a
small patch, and ``apply(rebuilt, patch)`` gives ``original`` again, exactly
(``1``, ``1.0`` and ``true`` are told apart, as JSON tells them apart).

A patch is ``{"set": {key: value}, "unset": [key], "in": {key: patch}, "each":
{key: {index: patch}}}``, each part present only when it is not empty. ``in``
descends into objects that both sides have, and ``each`` into lists of objects of
the same length, so that one changed field does not copy its whole parent.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

from claimfmt import jsontext
from claimfmt.errors import ClaimfmtError

__all__ = ["PatchError", "additions", "apply", "diff", "fingerprint", "guarded", "merge", "same"]

JSON = Any


class PatchError(ClaimfmtError, ValueError):
    """A patch that is not of the documented shape (read back from an edited or damaged file)."""


def same(a: JSON, b: JSON) -> bool:
    """Equal as JSON: key order ignored, but ``1``, ``1.0`` and ``true`` are different values."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, str | int | float):  # the same type, so 1 and 1.0 and true are already told apart
        return bool(a == b)
    return bool(jsontext.dumps(a, orjson.OPT_SORT_KEYS) == jsontext.dumps(b, orjson.OPT_SORT_KEYS))


def diff(original: Mapping[str, JSON], rebuilt: Mapping[str, JSON]) -> dict[str, JSON] | None:
    """The patch that turns ``rebuilt`` into ``original``; None when they are the same."""
    return _patch(original, rebuilt, None, frozenset())


_CONTAINERS = (dict, list)


def _equal(a: JSON, b: JSON) -> bool:
    """Whether two objects or lists are surely the same JSON, told in C; False may still be the same (diff looks).

    Python's ``==`` fails fast where they differ, but holds ``1``, ``1.0`` and ``true`` equal: where it says
    equal, the serialised forms must be too (a different key order only sends them the long way).
    """
    try:
        return bool(a == b and jsontext.dumps(a) == jsontext.dumps(b))
    except RecursionError:  # nested deeper than Python compares (an extension's value may be): told by its text
        return jsontext.dumps(a) == jsontext.dumps(b)


def additions(original: Mapping[str, JSON], rebuilt: Mapping[str, JSON]) -> dict[str, JSON] | None:
    """The part of :func:`diff` that only adds: keys ``original`` has and ``rebuilt`` lacks, at any depth.

    Values both sides have are left as ``rebuilt`` has them. A tool's file that
    claimfmt wrote and a user edited keeps what the tool added to it (its own ids,
    timestamps) this way, while the annotations themselves are the document's.
    """
    set_ = {key: value for key, value in original.items() if key not in rebuilt}
    inner: dict[str, JSON] = {}
    each: dict[str, JSON] = {}
    for key, value in original.items():
        other: JSON = rebuilt.get(key)
        if value is other or (type(value) in _CONTAINERS and value == other):
            continue  # equal objects have the same keys at every depth: nothing to add (told in C)
        if isinstance(value, dict) and isinstance(other, dict):
            if part := additions(value, other):
                inner[key] = part
        elif (
            type(value) is list
            and type(other) is list
            and len(value) == len(other)  # before the items are looked at: a task's thousands of tokens, say
            and _objects(value)
            and _objects(other)
            and all(map(_alike, value, other))
        ):
            items = {str(i): p for i, (a, b) in enumerate(zip(value, other, strict=True)) if (p := additions(a, b))}
            if items:
                each[key] = items
    patch = {name: part for name, part in (("set", set_), ("in", inner), ("each", each)) if part}
    return patch or None


def apply(rebuilt: Mapping[str, JSON], patch: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """``rebuilt`` with ``patch`` applied (a new object; ``rebuilt`` is not changed).

    Patches come back from files users can edit: one not of the documented shape
    raises :class:`PatchError`, never a ``TypeError`` from deep inside.
    """
    out = dict(rebuilt)
    if patch is None:
        return out
    if not isinstance(patch, Mapping) or not set(patch) <= {"set", "unset", "in", "each"}:
        raise PatchError("a patch is an object with set, unset, in and each")
    unset, set_, inner, each = (patch.get(k, e) for k, e in (("unset", []), ("set", {}), ("in", {}), ("each", {})))
    if not (isinstance(unset, list) and all(isinstance(key, str) for key in unset)):
        raise PatchError("unset is a list of keys")
    if not (isinstance(set_, dict) and isinstance(inner, dict) and isinstance(each, dict)):
        raise PatchError("set, in and each are objects")
    for key in unset:
        out.pop(key, None)
    out.update(set_)
    for key, part in inner.items():
        if not isinstance(part, Mapping):
            raise PatchError(f"in.{key} is a patch")
        if isinstance(out.get(key), dict):
            out[key] = apply(out[key], part)
    for key, items in each.items():
        if not isinstance(items, dict):
            raise PatchError(f"each.{key} is an object of patches by index")
        if isinstance(out.get(key), list):
            out[key] = [
                apply(v, items[str(i)]) if str(i) in items and isinstance(v, Mapping) else v
                for i, v in enumerate(out[key])
            ]
    return out


def fingerprint(value: JSON) -> str:
    """Eight characters that tell two JSON values apart (key order ignored): what a guard compares."""
    if type(value) is str and len(value) <= 32:
        return _word_fingerprint(value)  # a stance, a state, a kind: the same few words over and over
    return _digest(jsontext.dumps(value, orjson.OPT_SORT_KEYS))


@functools.lru_cache(maxsize=4096)
def _word_fingerprint(value: str) -> str:
    return _digest(orjson.dumps(value))


def _digest(data: bytes) -> str:
    digest = hashlib.blake2b(data, digest_size=6).digest()
    return binascii.b2a_base64(digest, newline=False).translate(_URL_SAFE).decode()  # base64.urlsafe_b64encode


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def guarded(
    original: Mapping[str, JSON], rebuilt: Mapping[str, JSON], anchors: tuple[str, ...] = ()
) -> dict[str, JSON] | None:
    """Like :func:`diff`, with guards that let :func:`merge` tell where ``rebuilt`` was edited since.

    A guarded patch adds ``was`` (the fingerprint of each value it replaces or
    removes), ``len`` (the length of each list it descends into by index) and, on an
    object holding any of the ``anchors`` keys, ``is`` (the fingerprint of those
    keys: a span's ``start``, ``end`` and ``exact``, which what the patch adds to it
    depends on). Only fingerprints are kept, never the values.
    """
    return _patch(original, rebuilt, anchors, frozenset(anchors))


def _patch(
    original: Mapping[str, JSON],
    rebuilt: Mapping[str, JSON],
    anchors: tuple[str, ...] | None,
    anchor_set: frozenset[str],
) -> dict[str, JSON] | None:
    """:func:`diff`, and with ``anchors`` (not None) :func:`guarded`: the guards are made in the same walk.

    Objects are compared by descending into them, leaves alone by value: each part is looked at once,
    instead of serialising every subtree again at each depth.
    """
    set_: dict[str, JSON] = {}
    inner: dict[str, JSON] = {}
    each: dict[str, JSON] = {}
    lengths: dict[str, int] = {}
    for key, value in original.items():
        if key not in rebuilt:
            set_[key] = value
            continue
        other = rebuilt[key]
        if value is other:
            continue
        kind = type(value)
        if kind is not type(other):
            set_[key] = value  # 1, 1.0 and true are different values
        elif kind is dict:
            if not _equal(value, other) and (part := _patch(value, other, anchors, anchor_set)) is not None:
                inner[key] = part
        elif kind is list:
            if _equal(value, other):
                continue
            if len(value) == len(other) and _objects(value) and _objects(other):
                items = {}
                for i, (a, b) in enumerate(zip(value, other, strict=True)):
                    part = _patch(a, b, anchors, anchor_set)
                    if part is not None:
                        items[str(i)] = part
                if items:
                    each[key] = items
                    lengths[key] = len(other)
            elif not same(value, other):
                set_[key] = value
        elif value != other:  # leaves of one type
            set_[key] = value
    unset = [key for key in rebuilt if key not in original]
    patch: dict[str, JSON] = {}
    if set_:
        patch["set"] = set_
    if unset:
        patch["unset"] = unset
    if inner:
        patch["in"] = inner
    if each:
        patch["each"] = each
    if not patch or anchors is None:
        return patch or None
    was = {key: fingerprint(rebuilt[key]) for key in set_ if key in rebuilt}
    for key in unset:
        was[key] = fingerprint(rebuilt[key])
    if was:
        patch["was"] = was
    if lengths:
        patch["len"] = lengths
    if anchors and not anchor_set.isdisjoint(rebuilt):
        patch["is"] = fingerprint([rebuilt.get(key) for key in anchors])
    return patch


def merge(
    edited: Mapping[str, JSON], patch: Mapping[str, JSON], anchors: tuple[str, ...] = (), at: str = ""
) -> tuple[dict[str, JSON], list[str]]:
    """``edited`` with a :func:`guarded` patch applied wherever it still holds what the patch was made against.

    Where ``edited`` differs from what the patch was made against (the tool's edit),
    ``edited`` wins: that part of the patch is skipped and its JSON pointer (below
    ``at``) is returned among the conflicts. An object whose anchors changed (a span
    moved) takes nothing from its patch. Raises :class:`PatchError` for a patch not of
    the documented shape.
    """
    merged, conflicts = _merge(edited, patch, anchors)
    return merged, [at + pointer for pointer in conflicts]


def _merge(
    edited: Mapping[str, JSON], patch: Mapping[str, JSON], anchors: tuple[str, ...]
) -> tuple[dict[str, JSON], list[str]]:
    """:func:`merge`, its conflicts' pointers relative to ``edited``: a reader merges a patch per claim and
    source, conflicts are rare, and so pointers are made only for them."""
    if (type(patch) is not dict and not isinstance(patch, Mapping)) or not _GUARDED_PARTS.issuperset(patch):
        raise PatchError("a patch is an object with set, unset, in, each, was, len and is")
    get = patch.get
    unset, set_, inner, each = get("unset", ()), get("set", _EMPTY), get("in", _EMPTY), get("each", _EMPTY)
    was, lengths = get("was", _EMPTY), get("len", _EMPTY)
    if type(unset) not in (list, tuple) or (unset and not all(type(key) is str for key in unset)):
        raise PatchError("unset is a list of keys")
    if not (type(set_) is type(inner) is type(each) is type(was) is type(lengths) is dict):
        raise PatchError("set, in, each, was and len are objects")
    if "is" in patch and patch["is"] != fingerprint([edited.get(key) for key in anchors]):
        return dict(edited), [""]
    out = dict(edited)
    conflicts: list[str] = []
    for key in (*unset, *set_) if unset or set_ else ():
        expected = was.get(key)
        current = fingerprint(edited[key]) if key in edited else None
        if expected != current:
            conflicts.append("/" + escape(key))
        elif key in set_:
            out[key] = set_[key]
        else:
            out.pop(key, None)
    for key, part in inner.items():
        if isinstance(out.get(key), dict):
            out[key], found = _merge(out[key], part, anchors)
            if found:
                conflicts += [f"/{escape(key)}{pointer}" for pointer in found]
        else:
            conflicts.append("/" + escape(key))
    for key, items in each.items():
        value = out.get(key)
        if not isinstance(items, dict):
            raise PatchError(f"each.{key} is an object of patches by index")
        if not isinstance(value, list) or len(value) != lengths.get(key):
            conflicts.append("/" + escape(key))
            continue
        merged = list(value)
        for i, part in items.items():
            n = int(i) if i.isdigit() else len(merged)
            if not (n < len(merged) and isinstance(merged[n], Mapping)):
                raise PatchError(f"each.{key}.{i} is not an item of {key}")
            merged[n], found = _merge(merged[n], part, anchors)
            if found:
                conflicts += [f"/{escape(key)}/{i}{pointer}" for pointer in found]
        out[key] = merged
    return out, conflicts


_GUARDED_PARTS = frozenset({"set", "unset", "in", "each", "was", "len", "is"})
_EMPTY: dict[str, JSON] = {}  # read, never written


def escape(token: str) -> str:
    """A key as a JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def _alike(a: Mapping[str, JSON], b: Mapping[str, JSON]) -> bool:
    """Items of two lists that are the same item (same id and type, where they have them), not just the same place."""
    return a.get("id") == b.get("id") and a.get("type") == b.get("type")


def _objects(value: JSON) -> bool:
    return type(value) is list and all(type(item) is dict for item in value)
