"""Loading rejects what is not the claimfmt shape, with every problem at its JSON pointer."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import claimfmt
from claimfmt.issues import DocumentError
from claimfmt.model import Article, Attribution, Provenance, Source, Verification
from claimfmt.structuring import (
    as_json,
    deferred,
    evolve,
    parts_json,
    structure,
    structure_valid,
    structure_valid_json,
    trusted,
    unstructure,
)
from claimfmt.testing import json_documents


def _objects(value: Any, pointer: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every object in a document that the model closes (not extensions or external ids)."""
    found = []
    if isinstance(value, dict):
        found.append((pointer, value))
        for key, child in value.items():
            if key not in {"extensions", "external_ids"}:
                found.extend(_objects(child, f"{pointer}/{key}"))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_objects(child, f"{pointer}/{index}"))
    return found


def _codes_and_pointers(data: Any) -> set[tuple[str, str]]:
    with pytest.raises(DocumentError) as caught:
        structure(data)
    return {(issue.code, issue.pointer) for issue in caught.value.issues}


@given(json_documents(), st.data())
def test_an_unknown_key_is_reported_at_its_pointer(document: dict[str, Any], data: st.DataObject) -> None:
    pointer, target = data.draw(st.sampled_from(_objects(document)))
    target["zz_unknown"] = 1
    assert _codes_and_pointers(document) == {("unknown-key", f"{pointer}/zz_unknown")}


@given(json_documents(), st.data())
def test_a_missing_required_key_is_reported_at_its_object(document: dict[str, Any], data: st.DataObject) -> None:
    candidates = [
        (pointer, obj, key)
        for pointer, obj in _objects(document)
        for key in ("id", "exact", "state", "stance", "label", "page")
        if key in obj
        and not (pointer == "" and key == "id")
        # evidence's and a via layer's stance are optional, unlike an attribution's; so is a verification's id
        and not (key == "stance" and pointer.rsplit("/", 2)[-2] in {"evidence", "via"})
        and not (key == "id" and pointer.rsplit("/", 2)[-2] == "verifications")
    ]
    if not candidates:
        return
    pointer, obj, key = data.draw(st.sampled_from(candidates))
    del obj[key]
    assert _codes_and_pointers(document) == {("missing-key", pointer)}


@given(json_documents(), st.data())
def test_a_wrong_type_is_reported_at_its_pointer(document: dict[str, Any], data: st.DataObject) -> None:
    strings = [
        (pointer, obj, key)
        for pointer, obj in _objects(document)
        for key, value in obj.items()
        if isinstance(value, str) and key not in {"claimfmt"}
    ]
    pointer, obj, key = data.draw(st.sampled_from(strings))
    obj[key] = [1]
    codes = _codes_and_pointers(document)
    assert len(codes) == 1
    code, where = codes.pop()
    assert where == f"{pointer}/{key}"
    assert code in {"wrong-type", "wrong-value"}


def test_every_problem_is_reported_at_once() -> None:
    bad = {
        "claimfmt": "1.0",
        "id": 5,
        "article": {"text": "abc", "bogus": 1},
        "sources": [{"id": "s1", "kind": "persn", "anonymous": "yes"}],
        "claims": [{"id": "c1", "text": "t", "spans": [{"start": "0", "end": 1, "exact": "a"}], "attributions": []}],
        "relations": [{"type": "supports", "fro": "c1", "to": "c1"}],
    }
    assert _codes_and_pointers(bad) == {
        ("wrong-type", "/id"),
        ("unknown-key", "/article/bogus"),
        ("wrong-value", "/sources/0/kind"),
        ("missing-key", "/sources/0"),
        ("wrong-type", "/sources/0/anonymous"),
        ("wrong-type", "/claims/0/spans/0/start"),
        ("missing-key", "/relations/0"),
        ("unknown-key", "/relations/0/fro"),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "wrong-type"), (1.5, "wrong-type"), (None, "wrong-type")],
)
def test_strict_integers(value: Any, expected: str) -> None:
    doc = {
        "claimfmt": "1.0",
        "id": "d",
        "article": {},
        "sources": [],
        "claims": [{"id": "c", "text": "t", "spans": [{"start": value, "end": 1, "exact": "a"}], "attributions": []}],
    }
    assert _codes_and_pointers(doc) == {(expected, "/claims/0/spans/0/start")}


def test_an_integral_float_is_an_integer_as_in_json_schema() -> None:
    doc = claimfmt.loads(
        '{"claimfmt":"1.0","id":"d","article":{},"sources":[],'
        '"claims":[{"id":"c","text":"t","spans":[{"start":0.0,"end":1,"exact":"a"}],"attributions":[]}]}'
    )
    assert doc.claims[0].spans[0].start == 0


def test_the_document_must_be_an_object() -> None:
    with pytest.raises(DocumentError) as caught:
        claimfmt.loads("[]")
    assert [(i.code, i.pointer) for i in caught.value.issues] == [("not-an-object", "")]


def _parts(document: dict[str, Any]) -> list[tuple[type, dict[str, Any]]]:
    """The parts of a document a reader builds on their own, with their class."""
    parts: list[tuple[type, dict[str, Any]]] = [(Article, document["article"])]
    parts += [(Provenance, document["provenance"])] if "provenance" in document else []
    parts += [(Source, source) for source in document["sources"]]
    for claim in document["claims"]:
        parts += [(Attribution, a) for a in claim["attributions"]]
        parts += [(Verification, v) for v in claim.get("verifications", ())]
    return parts


@given(json_documents(), st.data(), st.sampled_from(["as-is", "unknown-key", "null", "wrong-type"]))
def test_the_fast_way_builds_what_the_strict_way_builds(
    document: dict[str, Any], data: st.DataObject, how: str
) -> None:
    # msgspec builds a valid document (trusted) and a valid part (structure_valid): the same model as cattrs.
    assert trusted(copy.deepcopy(document)) == structure(document)
    parts = _parts(document)
    for cls, part in parts:
        assert structure_valid(part, cls) == structure(part, cls)
        # The JSON the model gives, made without it: its keys in the model's order whatever order they came in.
        scrambled = _reversed(part)
        made = structure_valid_json(scrambled, cls)
        assert orjson.dumps(made) == orjson.dumps(unstructure(structure(scrambled, cls)))
    # A part the schema does not take goes the strict way: the same error, at the same pointer.
    cls, part = data.draw(st.sampled_from(parts))
    keys = [key for key, value in part.items() if isinstance(value, str)]
    if how == "unknown-key":
        part["zz_unknown"] = 1
    elif keys and how in {"null", "wrong-type"}:
        part[data.draw(st.sampled_from(keys))] = None if how == "null" else [1]
    try:
        expected: Any = structure(part, cls)
    except DocumentError as exc:
        expected = [issue.format() for issue in exc.issues]
    try:
        found: Any = structure_valid(part, cls)
    except DocumentError as exc:
        found = [issue.format() for issue in exc.issues]
    assert found == expected
    try:
        found = structure_valid_json(part, cls)
    except DocumentError as exc:
        found = [issue.format() for issue in exc.issues]
    assert found == (unstructure(expected) if isinstance(expected, cls) else expected)


def _reversed(value: Any) -> Any:
    """``value`` with the keys of each object in it in the other order (which means nothing in JSON)."""
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(value)}
    return [_reversed(item) for item in value] if isinstance(value, list) else value


@given(
    json_documents(),
    st.sampled_from(["compare", "hash", "repr", "pickle", "copy", "evolve", "field", "head", "lookup"]),
)
def test_a_deferred_document_is_the_trusted_one_whatever_is_asked_first(document: dict[str, Any], first: str) -> None:
    # What a tool reader gives: the JSON held, the model built on first use; every way in gives the same document.
    expected = trusted(copy.deepcopy(document))
    data = copy.deepcopy(document)
    found = deferred(data, issues=())
    assert as_json(found) is data and found._issues == ()
    if first == "compare":
        assert (found != expected) is False and expected == found and found == expected
    elif first == "hash":
        try:
            hashed = hash(expected)
        except TypeError:  # its extensions are dicts
            with pytest.raises(TypeError, match="unhashable"):
                hash(found)
        else:
            assert hash(found) == hashed
    elif first == "repr":
        assert repr(found) == repr(expected)
    elif first == "pickle":  # as a process pool sends it
        again = pickle.loads(pickle.dumps(found))
        assert type(again) is claimfmt.Document and again == expected
    elif first == "copy":
        copies = [copy.copy(found), copy.deepcopy(found)]
        assert [type(c) for c in copies] == [claimfmt.Document] * 2 and copies == [expected] * 2
    elif first == "evolve":
        evolved = attrs.evolve(found, id="changed")
        assert type(evolved) is claimfmt.Document and evolved == attrs.evolve(expected, id="changed")
        assert evolve(found, id="x") == evolve(expected, id="x")
    elif first == "field":
        assert found.claims == expected.claims and found.article == expected.article
    elif first == "head":
        # A field but the claims builds the rest alone; the claims, asked next, leave the head's objects as they were.
        sources, article = found.sources, found.article
        assert sources == expected.sources and article == expected.article and found.id == expected.id
        assert type(found) is not claimfmt.Document  # the claims are not built yet
        assert found.claims == expected.claims and found.sources is sources and found.article is article
    else:
        assert [found.source(s.id) for s in expected.sources] == [expected.source(s.id) for s in expected.sources]
    assert found == expected and type(found) is claimfmt.Document and as_json(found) is data


@pytest.mark.parametrize("head_first", [False, True])
def test_a_deferred_document_msgspec_cannot_build_keeps_its_json(head_first: bool) -> None:
    # Valid, with an offset written 3.0: the model is built the strict way, and the JSON is what is written;
    # so too where its head was built first (msgspec can build that, and not the claims).
    data = {
        "claimfmt": claimfmt.CURRENT_VERSION,
        "id": "d",
        "article": {"text": "a b"},
        "sources": [],
        "claims": [{"id": "c", "text": "b", "spans": [{"start": 2.0, "end": 3, "exact": "b"}], "attributions": []}],
    }
    found = deferred(data)
    if head_first:
        assert found.article.text == "a b"
    assert found.claims[0].spans[0].start == 2 and type(found.claims[0].spans[0].start) is int
    assert as_json(found) is data and found == structure(copy.deepcopy(data))


@given(json_documents(), st.data())
def test_evolve_keeps_the_json_in_step_with_the_model(document: dict[str, Any], data: st.DataObject) -> None:
    # The JSON of claims and sources left as they were is kept, that of the others made anew.
    held = trusted(copy.deepcopy(document))
    changes: dict[str, Any] = {}
    for name in data.draw(st.sets(st.sampled_from(["claims", "sources", "article"]))):
        if name == "article":
            changes[name] = attrs.evolve(held.article, title=data.draw(st.text(max_size=5)))
            continue
        items = list(getattr(held, name))
        for index in data.draw(st.sets(st.integers(0, max(len(items) - 1, 0)))) if items else ():
            items[index] = attrs.evolve(items[index], extensions={"org.example:changed": index})
        if data.draw(st.booleans()) and items:
            # Some left out and the rest in another order (publishing leaves out unreviewed claims).
            items = data.draw(st.permutations(items))[: data.draw(st.integers(0, len(items)))]
        changes[name] = tuple(items)
    evolved = evolve(held, **changes)
    assert as_json(evolved) == unstructure(evolved)
    assert as_json(held) == unstructure(held) == document  # the document evolved from is not changed
    if held._json is not None:  # an item kept keeps its JSON, wherever it went
        for name in ("claims", "sources"):
            before = {id(item): json for item, json in zip(getattr(held, name), as_json(held)[name], strict=True)}
            for item, json in zip(getattr(evolved, name), as_json(evolved)[name], strict=True):
                assert json is before.get(id(item), json)


@given(json_documents(), st.data())
def test_each_part_has_the_json_the_document_holds_or_its_own(document: dict[str, Any], data: st.DataObject) -> None:
    held = trusted(copy.deepcopy(document))
    part = parts_json(held)
    claims = list(held.claims)
    if claims:  # a part made anew (a claim renamed for publishing) has JSON of its own
        n = data.draw(st.integers(0, len(claims) - 1))
        claims[n] = attrs.evolve(claims[n], text=data.draw(st.text(min_size=1, max_size=5)))
    parts = [held.article, held.provenance, *held.sources, *claims, *(held.relations or ())]
    parts += [verification for claim in claims for verification in claim.verifications or ()]
    for item in parts:
        if item is not None:
            assert part(item) == unstructure(item)
    if held._json is not None:
        held_json = as_json(held)["claims"]
        for claim, json in zip(held.claims, held_json, strict=True):
            assert part(claim) is json  # shared, not made again
        for claim in claims:
            if not any(claim is ours for ours in held.claims):
                assert not any(part(claim) is json for json in held_json)
