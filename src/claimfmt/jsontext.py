"""JSON text of any value claimfmt reads: orjson's, and Python's ``json`` where orjson cannot write it; and
whether two such values are equal.

orjson reads 1,024 levels of arrays and objects but writes 255; the schema takes any depth in an
extension's value. Such a value is written by Python's encoder, alike but for the spelling of some
numbers (``1e+16`` for orjson's ``1e16``); a given value always takes the same way, so that its
fingerprint (``converters.patches``) is always the same.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import orjson

__all__ = ["dumps", "equal"]


def dumps(value: Any, option: int = 0, default: Callable[[Any], Any] | None = None) -> bytes:
    """``orjson.dumps(value, default, option)`` (``OPT_INDENT_2``, ``OPT_SORT_KEYS``, ``OPT_APPEND_NEWLINE``
    kept), for a value of any depth orjson reads."""
    try:
        return orjson.dumps(value, default, option)
    except orjson.JSONEncodeError as exc:
        if "Recursion limit" not in str(exc):
            raise
    import json  # rare: not loaded with the module

    indent = 2 if option & orjson.OPT_INDENT_2 else None
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 3_000))  # the encoder recurses once a level
    try:
        text = json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            indent=indent,
            separators=(",", ": ") if indent else (",", ":"),
            sort_keys=bool(option & orjson.OPT_SORT_KEYS),
            default=default,
        )
    finally:
        sys.setrecursionlimit(limit)
    return text.encode() + (b"\n" if option & orjson.OPT_APPEND_NEWLINE else b"")


def equal(a: Any, b: Any) -> bool:
    """``a == b`` for JSON values of any depth orjson reads: Python compares about 1,000 levels, and two values
    nested deeper are equal where their text is (key order aside; ``1`` and ``1.0`` then told apart)."""
    try:
        return bool(a == b)
    except RecursionError:
        return dumps(a, orjson.OPT_SORT_KEYS) == dumps(b, orjson.OPT_SORT_KEYS)
