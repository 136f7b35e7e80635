"""Patches between JSON objects (converters/patches.py): exact, and guarded against edits made since."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import example, given
from hypothesis import strategies as st

from claimfmt.converters.patches import apply, diff, guarded, merge

ANCHORS = ("start", "end", "exact")
_KEYS = st.sampled_from(["a", "b", "start", "end", "exact", "spans", "x~/y"])
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, 1.0, -2, 2.5]),
    st.text(max_size=4),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)
_OBJECTS = st.dictionaries(_KEYS, _VALUES, max_size=5)


def _twins(value: Any) -> list[Any]:
    """Values Python holds equal to ``value`` and JSON tells apart from it (1, 1.0 and true)."""
    if type(value) in (int, float, bool) and value in (0, 1):
        return [kind(value) for kind in (int, float, bool) if kind is not type(value)]
    return []


@st.composite
def _edited(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with a few changes: a leaf replaced (often by its twin: 1 by 1.0 or true), a key dropped or added."""
    if isinstance(value, dict):
        out = {key: draw(_edited(item)) for key, item in value.items() if draw(st.integers(0, 9)) != 0}
        if draw(st.integers(0, 9)) == 0:
            out[draw(_KEYS)] = draw(_VALUES)
        return out
    if isinstance(value, list):
        return [draw(_edited(item)) for item in value]
    if draw(st.integers(0, 4)) == 0:
        twins = _twins(value)
        return draw(st.sampled_from(twins) if twins and draw(st.booleans()) else _LEAVES)
    return value


#: Pairs that mostly agree, as a document and what a tool gives back of it do: patches descend into them.
_PAIRS = _OBJECTS.flatmap(lambda original: st.tuples(st.just(original), _edited(original)))


def _exact(value: Any) -> bytes:
    """The value as JSON tells it: key order aside, 1, 1.0 and true are different."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _copy(value: Any) -> Any:
    """A deep copy: the patch must not depend on sharing objects with what it was made against."""
    return orjson.loads(orjson.dumps(value))


@given(st.one_of(_PAIRS, st.tuples(_OBJECTS, _OBJECTS)))
@example(({"a": 1}, {"a": 1.0})).via("twins JSON tells apart")
@example(({"a": [{"b": True}]}, {"a": [{"b": 1}]})).via("twins inside a list of objects")
def test_a_patch_turns_the_rebuilt_object_into_the_original_exactly(pair: tuple[Any, Any]) -> None:
    original, rebuilt = pair
    patch = diff(original, rebuilt)
    assert (patch is None) == (_exact(original) == _exact(rebuilt))
    assert _exact(apply(rebuilt, patch)) == _exact(original)


@given(st.one_of(_PAIRS, st.tuples(_OBJECTS, _OBJECTS)))
def test_a_guarded_patch_is_the_patch_with_its_guards(pair: tuple[Any, Any]) -> None:
    original, rebuilt = pair
    patch, plain = guarded(original, rebuilt, ANCHORS), diff(original, rebuilt)

    def bare(part: Any) -> Any:
        kept = {key: value for key, value in part.items() if key not in ("was", "len", "is")}
        if "in" in kept:
            kept["in"] = {key: bare(value) for key, value in kept["in"].items()}
        if "each" in kept:
            kept["each"] = {key: {i: bare(p) for i, p in items.items()} for key, items in kept["each"].items()}
        return kept

    assert (patch is None) == (plain is None)
    if patch is not None:
        assert _exact(bare(patch)) == _exact(plain)
        # Only fingerprints are kept of what the patch replaces: never the rebuilt values themselves.
        assert all(isinstance(value, str) and len(value) == 8 for value in patch.get("was", {}).values())


@given(st.one_of(_PAIRS, st.tuples(_OBJECTS, _OBJECTS)))
@example(({"a": [{"b": True}]}, {"a": [{"b": 1}]})).via("a list descended into by index")
def test_a_guarded_patch_merges_into_the_unedited_object_without_conflict(pair: tuple[Any, Any]) -> None:
    original, rebuilt = pair
    patch = guarded(original, rebuilt, ANCHORS)
    merged, conflicts = merge(_copy(rebuilt), patch or {}, ANCHORS)
    assert conflicts == []
    assert _exact(merged) == _exact(original)


@given(st.one_of(_PAIRS, st.tuples(_OBJECTS, _OBJECTS)), _KEYS, _LEAVES)
def test_an_edit_since_wins_over_the_patch(pair: tuple[Any, Any], key: str, value: Any) -> None:
    """A value the tool changed is kept; what the tool did not touch is patched."""
    original, rebuilt = pair
    patch = guarded(original, rebuilt, ANCHORS)
    edited = {**rebuilt, key: value}
    merged, conflicts = merge(edited, patch or {}, ANCHORS)
    changed = key not in rebuilt or _exact(rebuilt[key]) != _exact(value)
    if not changed:
        assert conflicts == []
        assert _exact(merged) == _exact(original)
        return
    assert _exact(merged[key]) == _exact(value)
    moved = _exact([edited.get(k) for k in ANCHORS]) != _exact([rebuilt.get(k) for k in ANCHORS])
    if patch is not None and moved and any(k in rebuilt for k in ANCHORS):
        # A span moved in the tool: nothing of its patch applies (what it adds depends on where it was).
        assert conflicts == [""] and merged == edited
        return
    for other in (set(original) | set(rebuilt)) - {key}:
        assert (other in merged) == (other in original)
        assert _exact(merged.get(other)) == _exact(original.get(other))
