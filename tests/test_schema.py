"""The shipped schema: meta-schema, versioned $id, descriptions, enums, closed objects, local registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import referencing.exceptions

import claimfmt
from claimfmt.model import (
    AnnotatorKind,
    Commitment,
    EvidenceStance,
    HedgeKind,
    Mode,
    RelationType,
    SourceKind,
    Stance,
    State,
)
from claimfmt.schemas import registry, schema, schema_text, schema_versions
from claimfmt.versions import CURRENT_VERSION


def _subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{path}/{index}")


@pytest.mark.parametrize("version", schema_versions())
def test_schema_passes_the_2020_12_meta_schema(version: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(version))
    assert schema(version)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("version", schema_versions())
def test_id_carries_the_version(version: str) -> None:
    assert f"/{version}/" in schema(version)["$id"]
    assert schema(version)["properties"]["claimfmt"]["const"] == version


@pytest.mark.parametrize("version", schema_versions())
def test_every_property_has_a_description(version: str) -> None:
    root = schema(version)
    missing = []
    for path, node in _subschemas(root):
        for name, prop in node.get("properties", {}).items():
            if not isinstance(prop, dict):
                continue
            target = prop
            if "$ref" in prop and "description" not in prop:
                target = root["$defs"][prop["$ref"].removeprefix("#/$defs/")]
            if "description" not in target:
                missing.append(f"{path}/properties/{name}")
    assert not missing, missing


@pytest.mark.parametrize("version", schema_versions())
def test_objects_are_closed_except_extensions(version: str) -> None:
    root = schema(version)
    open_objects = [
        path
        for path, node in _subschemas(root)
        if node.get("type") == "object" and "properties" in node and node.get("additionalProperties") is not False
    ]
    assert open_objects == [], open_objects
    assert "additionalProperties" not in root["$defs"]["extensions"]


@pytest.mark.parametrize(
    ("where", "vocabulary"),
    [
        ("source/properties/kind", SourceKind),
        ("attribution/properties/stance", Stance),
        ("attribution/properties/commitment", Commitment),
        ("attribution/properties/mode", Mode),
        ("hedge/properties/kind", HedgeKind),
        ("verification/properties/state", State),
        ("evidence/properties/stance", EvidenceStance),
        ("relation/properties/type", RelationType),
        ("annotator/properties/kind", AnnotatorKind),
    ],
)
def test_vocabularies_are_enums_matching_the_model(where: str, vocabulary: type) -> None:
    node: Any = schema(CURRENT_VERSION)["$defs"]
    for part in where.split("/"):
        node = node[part]
    assert node["enum"] == [member.value for member in vocabulary]  # type: ignore[attr-defined]


def test_design_vocabularies_are_all_there() -> None:
    assert {s.value for s in State} == {
        "unverified",
        "supported",
        "refuted",
        "mixed",
        "misleading",
        "disputed",
        "unverifiable",
        "other",
    }
    assert {s.value for s in Stance} == {"asserts", "denies", "questions", "reports"}
    assert {c.value for c in Commitment} == {"certain", "probable", "possible", "underspecified"}


def test_registry_resolves_locally_and_retrieves_nothing() -> None:
    resolver = registry().resolver()
    for version in schema_versions():
        resolved = resolver.lookup(schema(version)["$id"] + "#/$defs/span")
        assert resolved.contents["required"] == ["exact"]
    with pytest.raises(referencing.exceptions.Unresolvable):
        resolver.lookup("https://example.org/not-shipped.json")


def test_schema_ships_as_package_data() -> None:
    assert schema_text("1.0").startswith("{")
    assert claimfmt.schema("1.0") is schema("1.0")
    with pytest.raises(KeyError, match=r"shipped: 1\.0, 1\.1"):
        schema_text("9.9")


def test_1_0_is_kept_as_released() -> None:
    # A released schema never changes: 1.0 documents in the wild must keep validating as they did.
    defs = schema("1.0")["$defs"]
    assert "verification" in defs["claim"]["properties"] and "history" in defs["verification"]["properties"]
    assert defs["attribution"]["properties"]["via"]["items"] == {"$ref": "#/$defs/local_id"}
    assert "author" not in defs["source"]["properties"]["kind"]["enum"]


def test_1_1_adds_what_the_first_release_taught() -> None:
    defs = schema("1.1")["$defs"]
    assert defs["claim"]["properties"]["verifications"]["items"] == {"$ref": "#/$defs/verification"}
    assert {"id", "supersedes"} <= set(defs["verification"]["properties"]) and "history" not in defs["verification"]
    assert defs["attribution"]["properties"]["content"]["items"] == {"$ref": "#/$defs/span"}
    assert defs["via"]["required"] == ["source"] and {"cue", "stance"} <= set(defs["via"]["properties"])
    assert "author" in defs["source"]["properties"]["kind"]["enum"]
    for name in ("span", "verdict", "locator", "hedge", "provenance", "via"):
        assert defs[name]["properties"]["extensions"] == {"$ref": "#/$defs/extensions"}, name
