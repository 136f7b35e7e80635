"""The attrs model and the JSON Schema describe the same fields: this fails when they drift apart."""

from __future__ import annotations

import attrs
import pytest

from claimfmt import model
from claimfmt.schemas import schema
from claimfmt.versions import CURRENT_VERSION

# $defs entry (or the root) -> model class
PAIRS = {
    "#": model.Document,
    "article": model.Article,
    "span": model.Span,
    "source": model.Source,
    "claim": model.Claim,
    "attribution": model.Attribution,
    "hedge": model.Hedge,
    "verification": model.Verification,
    "verdict": model.Verdict,
    "via": model.Via,
    "evidence": model.Evidence,
    "locator": model.Locator,
    "relation": model.Relation,
    "provenance": model.Provenance,
    "annotator": model.Annotator,
}


def _json_names(cls: type) -> set[str]:
    return {field.name.removesuffix("_") for field in attrs.fields(cls) if field.init}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_fields_match_properties(name: str) -> None:
    root = schema(CURRENT_VERSION)
    definition = root if name == "#" else root["$defs"][name]
    properties = set(definition["properties"])
    fields = _json_names(PAIRS[name])
    assert properties - fields == set(), f"schema properties without an attrs field in {PAIRS[name].__name__}"
    assert fields - properties == set(), f"attrs fields without a schema property in {name}"


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_required_matches_fields_without_default(name: str) -> None:
    root = schema(CURRENT_VERSION)
    definition = root if name == "#" else root["$defs"][name]
    required = {f.name.removesuffix("_") for f in attrs.fields(PAIRS[name]) if f.default is attrs.NOTHING}
    assert set(definition.get("required", ())) == required


def test_every_object_definition_has_a_class() -> None:
    objects = {name for name, node in schema(CURRENT_VERSION)["$defs"].items() if "properties" in node}
    assert objects == set(PAIRS) - {"#"}


def test_model_classes_are_frozen_kw_only_slotted() -> None:
    for cls in PAIRS.values():
        assert attrs.has(cls)
        assert all(f.kw_only for f in attrs.fields(cls) if f.init), cls
        assert "__slots__" in vars(cls), cls
        assert cls.__setattr__ is not object.__setattr__, cls
