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

from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["PatchError", "apply", "diff", "same"]

JSON = Any


class PatchError(ValueError):
    """A patch that is not of the documented shape (read back from an edited or damaged file)."""


def same(a: JSON, b: JSON) -> bool:
    """Equal as JSON: key order ignored, but ``1``, ``1.0`` and ``true`` are different values."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, str | int | float):  # the same type, so 1 and 1.0 and true are already told apart
        return bool(a == b)
    return bool(orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(b, option=orjson.OPT_SORT_KEYS))


def diff(original: Mapping[str, JSON], rebuilt: Mapping[str, JSON]) -> dict[str, JSON] | None:
    """The patch that turns ``rebuilt`` into ``original``; None when they are the same."""
    set_: dict[str, JSON] = {}
    inner: dict[str, JSON] = {}
    each: dict[str, JSON] = {}
    for key, value in original.items():
        if key not in rebuilt:
            set_[key] = value
            continue
        other = rebuilt[key]
        # Objects are compared by descending into them, leaves alone by value: each part is looked at
        # once, instead of serialising every subtree again at each depth.
        if isinstance(value, dict) and isinstance(other, dict):
            part = diff(value, other)
            if part is not None:
                inner[key] = part
        elif _objects(value) and _objects(other) and len(value) == len(other):
            items = {str(i): p for i, (a, b) in enumerate(zip(value, other, strict=True)) if (p := diff(a, b))}
            if items:
                each[key] = items
        elif not same(value, other):
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


def _objects(value: JSON) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)
