"""JSON text of any value claimfmt reads: orjson's, and Python's ``json`` where orjson cannot write it;
whether two such values are equal; and a large text parsed a part at a time.

orjson reads 1,024 levels of arrays and objects but writes 255; the schema takes any depth in an
extension's value. Such a value is written by Python's encoder, alike but for the spelling of some
numbers (``1e+16`` for orjson's ``1e16``); a given value always takes the same way, so that its
fingerprint (``converters.patches``) is always the same.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import orjson

__all__ = ["SPLIT_ABOVE", "KeepAsText", "WholeArray", "dumps", "equal", "items_of", "loads", "loads_at"]

#: Texts above this many bytes are parsed a part at a time by :func:`loads`.
SPLIT_ABOVE = 4 * 2**20
#: The most bytes of a text orjson is given at once by :func:`loads` (an item larger is split in turn).
_PART = 2**20


class WholeArray:
    """In :data:`KeepAsText`: an array at that path is kept whole, as what ``make`` makes of its JSON text and its
    items (an iterator, each parsed as it comes)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[bytes, Iterator[Any]], Any]) -> None:
        self.make = make


#: Where :func:`loads` keeps parts of a large text unparsed, by their path of keys from the top, and what makes a
#: stand-in of such a part: of each member's JSON text, for an object at that path; a :class:`WholeArray` for
#: an array at that path. Anything else at the path (an array where members are kept, an object where an array
#: is) is parsed as usual.
KeepAsText = Mapping[tuple[str, ...], Callable[[bytes], Any] | WholeArray]


def loads(
    data: bytes | memoryview, *, hand_back: Callable[[], None] | None = None, unparsed: KeepAsText | None = None
) -> Any:
    """``orjson.loads(data)``, never holding more than a part of a large text in orjson's own form.

    orjson reads a whole text into a tree of its own before it makes Python values of it: half again the
    size of the values, on top of them. Above :data:`SPLIT_ABOVE` bytes, an array or object larger than a
    part is split into its items without parsing them (msgspec's raw values, slices of the text) and they are
    parsed by orjson some at a time, each at the depth it has in the whole text, so that orjson's limit of
    1,024 levels holds as it does there. The values are those orjson gives; where the text is not JSON,
    it is parsed whole, so that orjson says what is wrong, and where.

    ``hand_back`` (a mapped file's, :func:`claimfmt.mapped.hand_back`) is called after each pass over a
    part and each megabyte or so parsed, so that the pages looked at are not all held either.

    ``unparsed`` names objects (by their path of keys) whose members, where the object is split, are given as
    what its function makes of each member's text (a record's fragments, parsed one at a time as they are
    applied), and arrays larger than a part, named by a :class:`WholeArray`, given as what it makes of the
    array's text and items (Prodigy's tokens, which most readings let go but for their keys). Each is parsed
    here too, a part at a time (an array's items as the stand-in takes them, and those it leaves after it), so
    that a text orjson would not read fails as it does whole.
    """
    if len(data) <= SPLIT_ABOVE:
        return orjson.loads(data)
    import msgspec  # only for large texts

    try:
        return _split(memoryview(data), 0, hand_back or _nothing, (), unparsed or {})
    except (msgspec.MsgspecError, orjson.JSONDecodeError, orjson.JSONEncodeError, RecursionError):
        return orjson.loads(data)
    finally:
        if hand_back is not None:
            hand_back()


def _nothing() -> None:
    pass


def _split(
    text: memoryview, depth: int, hand_back: Callable[[], None], path: tuple[str, ...] | None, unparsed: KeepAsText
) -> Any:
    """The value of ``text``, which sits inside ``depth`` arrays or objects of the whole text, at ``path`` (its keys
    from the top; None inside an array, where nothing is kept unparsed)."""
    opening = _opening(text)
    if len(text) <= _PART or opening not in (b"[", b"{"):
        return loads_at(bytes(text), depth)
    import msgspec

    items: Iterable[tuple[str | None, Any]]
    if opening == b"{":
        items = msgspec.json.decode(text, type=dict[str, msgspec.Raw]).items()
    else:
        items = ((None, raw) for raw in msgspec.json.decode(text, type=list[msgspec.Raw]))
    hand_back()  # every page of the part was looked at to split it
    found: dict[str, Any] | list[Any] = {} if opening == b"{" else []
    pending: list[bytes] = []
    size = 0  # of the pending items
    keep = unparsed.get(path) if opening == b"{" and path is not None else None
    if isinstance(keep, WholeArray):
        keep = None
    kept: list[tuple[str, bytes]] = []  # the pending members' texts, where they are kept so

    def flush() -> None:
        nonlocal size
        if pending:
            if keep is not None:
                loads_at(b"{" + b",".join(pending) + b"}", depth)  # read as a whole text is, then let go
                found.update((key, keep(value)) for key, value in kept)  # type: ignore[union-attr]
                kept.clear()
            elif isinstance(found, dict):
                found.update(loads_at(b"{" + b",".join(pending) + b"}", depth))
            else:
                found.extend(loads_at(b"[" + b",".join(pending) + b"]", depth))
            pending.clear()
            size = 0
            hand_back()

    for key, raw in items:  # raw: a msgspec.Raw, a slice of the text
        length = len(raw)
        if (
            length > _PART
            and key is not None
            and path is not None
            and isinstance(found, dict)
            and isinstance(whole := unparsed.get((*path, key)), WholeArray)
            and _opening(memoryview(raw)) == b"["
        ):
            flush()
            orjson.dumps(key)  # a key orjson would not read raises, as in a part
            value = bytes(raw)
            parsed = items_of(value, depth + 1, hand_back)
            found[key] = whole.make(value, parsed)
            for _ in parsed:
                pass  # those the stand-in did not take: read as a whole text is, then let go
            continue
        if length > _PART and keep is None:
            flush()
            value = _split(
                memoryview(raw), depth + 1, hand_back, None if key is None or path is None else (*path, key), unparsed
            )
            if isinstance(found, list):
                found.append(value)
            elif key is not None:
                orjson.dumps(key)  # a key orjson would not read raises, as in a part
                found[key] = value
            continue
        value = bytes(raw)
        # A key is written again by orjson: the same string (one orjson would not read raises).
        pending.append(value if key is None else orjson.dumps(key) + b":" + value)
        if keep is not None and key is not None:
            kept.append((key, value))
        size += length
        if size > _PART:
            flush()
    flush()
    return found


def _opening(text: memoryview) -> bytes:
    """The first byte of a JSON text but whitespace: ``[`` or ``{`` for an array or object."""
    return bytes(text[:64]).lstrip()[:1]


def items_of(text: bytes, depth: int = 0, hand_back: Callable[[], None] = _nothing) -> Iterator[Any]:
    """The items of the JSON array ``text`` (which sits inside ``depth`` arrays or objects of a whole text), as
    ``orjson`` gives them, parsed a part at a time: only a part's are held at once in ``orjson``'s own form."""
    import msgspec

    pending: list[bytes] = []
    size = 0
    for raw in msgspec.json.decode(text, type=list[msgspec.Raw]):
        pending.append(bytes(raw))
        size += len(raw)
        if size > _PART:
            yield from loads_at(b"[" + b",".join(pending) + b"]", depth)
            pending.clear()
            size = 0
            hand_back()
    if pending:
        yield from loads_at(b"[" + b",".join(pending) + b"]", depth)
        hand_back()


def loads_at(text: bytes, depth: int) -> Any:
    """``orjson.loads`` of a part of a text that sits inside ``depth`` arrays or objects of the whole: parsed
    inside as many arrays, so that orjson's limit of 1,024 levels holds as it does for the whole."""
    value = orjson.loads(b"[" * depth + text + b"]" * depth)
    for _ in range(depth):
        value = value[0]
    return value


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
