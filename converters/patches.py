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

__all__ = ["apply", "diff", "same"]

JSON = Any


def same(a: JSON, b: JSON) -> bool:
    """Equal as JSON: key order ignored, but ``1``, ``1.0`` and ``true`` are different values."""
    if a is b:
        return True
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
        if same(value, other):
            continue
        if isinstance(value, dict) and isinstance(other, dict):
            inner[key] = diff(value, other)
        elif _objects(value) and _objects(other) and len(value) == len(other):
            each[key] = {
                str(i): diff(a, b) for i, (a, b) in enumerate(zip(value, other, strict=True)) if not same(a, b)
            }
        else:
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
    """``rebuilt`` with ``patch`` applied (a new object; ``rebuilt`` is not changed)."""
    out = dict(rebuilt)
    if not patch:
        return out
    for key in patch.get("unset", ()):
        out.pop(key, None)
    out.update(patch.get("set", {}))
    for key, inner in patch.get("in", {}).items():
        if isinstance(out.get(key), dict):
            out[key] = apply(out[key], inner)
    for key, items in patch.get("each", {}).items():
        if isinstance(out.get(key), list):
            out[key] = [apply(v, items[str(i)]) if str(i) in items else v for i, v in enumerate(out[key])]
    return out


def _objects(value: JSON) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)
