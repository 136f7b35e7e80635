"""1.0 -> 1.1: the migration loses nothing, and ``claimfmt migrate`` rewrites files atomically in their own form."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import claimfmt
from claimfmt.cli import main
from claimfmt.migrating import migrate_file
from claimfmt.schema_check import reference_validator
from claimfmt.testing import from_schema
from claimfmt.versions import upgrade

from .conftest import ROOT


def _flattened(verification: dict[str, Any]) -> dict[str, Any]:
    """A 1.0 verification with its history as one flat list, oldest first (what the migration reads it as)."""
    out = {k: v for k, v in verification.items() if k != "history"}

    def chain(v: dict[str, Any]) -> list[dict[str, Any]]:
        return [item for past in v.get("history", []) for item in chain(past)] + [
            {k: x for k, x in v.items() if k != "history"}
        ]

    earlier = chain(verification)[:-1]
    if earlier:  # an empty history says what no history says: 1.1 has no place for it
        out["history"] = earlier
    return out


def _downgrade(document: dict[str, Any]) -> dict[str, Any]:
    """The inverse of the migration on what it writes: one revision chain back to a verification and its history."""
    data = copy.deepcopy(document)
    data["claimfmt"] = "1.0"
    for claim in data["claims"]:
        for attribution in claim["attributions"]:
            if "via" in attribution:
                attribution["via"] = [layer["source"] for layer in attribution["via"]]
        if "verifications" in claim:
            items = claim.pop("verifications")
            for n, item in enumerate(items, start=1):
                if len(items) > 1:
                    assert item.pop("id") == f"v{n}"
                    assert item.pop("supersedes", None) == (f"v{n - 1}" if n > 1 else None)
            current = items[-1]
            if len(items) > 1:
                current["history"] = items[:-1]
            claim["verification"] = current
    return data


def _normal_1_0(document: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(document)
    for claim in data["claims"]:
        if "verification" in claim:
            claim["verification"] = _flattened(claim["verification"])
    return data


@given(from_schema(claimfmt.schema("1.0")))
def test_the_migration_loses_nothing(data: dict[str, Any]) -> None:
    assert reference_validator("1.0").is_valid(data)
    before = copy.deepcopy(data)
    upgraded = upgrade(data)
    assert data == before  # the input is not touched
    assert reference_validator("1.1").is_valid(upgraded)
    # Everything comes back, a nested history as the one chain it stands for.
    assert _downgrade(upgraded) == _normal_1_0(data)


def test_history_becomes_a_revision_chain_and_via_ids_objects() -> None:
    old = {
        "claimfmt": "1.0",
        "id": "d",
        "article": {},
        "sources": [{"id": "s", "kind": "person", "name": "S", "anonymous": False}],
        "claims": [
            {
                "id": "c",
                "text": "t",
                "spans": [],
                "attributions": [{"source": "s", "stance": "asserts", "via": ["s"]}],
                "verification": {
                    "state": "refuted",
                    "assessed_at": "2024-03-01",
                    "history": [{"state": "unverified"}, {"state": "mixed", "assessed_at": "2024-02-01"}],
                },
                "confidence": 0.5,
            }
        ],
    }
    new = upgrade(old)
    (claim,) = new["claims"]
    assert list(claim) == ["id", "text", "spans", "attributions", "verifications", "confidence"]
    assert claim["attributions"][0]["via"] == [{"source": "s"}]
    assert claim["verifications"] == [
        {"id": "v1", "state": "unverified"},
        {"id": "v2", "supersedes": "v1", "state": "mixed", "assessed_at": "2024-02-01"},
        {"id": "v3", "supersedes": "v2", "state": "refuted", "assessed_at": "2024-03-01"},
    ]
    assert claimfmt.validate(new) == []
    document = claimfmt.loads(json.dumps(old))
    assert [v.state.value for v in document.claims[0].current()] == ["refuted"]


# The shipped examples as claimfmt 1.0 wrote them, before they were migrated.
FORMAT_1_0 = ROOT / "tests" / "cases" / "format-1.0"


def _old_examples() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FORMAT_1_0.glob("*.json"))]


def test_the_released_1_0_examples_migrate_to_what_the_inverse_gives_back() -> None:
    # validate takes 1.0 as it is, and names places in the file as written.
    assert [i for i in claimfmt.validate(FORMAT_1_0) if i.severity.value == "error"] == []
    for old in _old_examples():
        assert old["claimfmt"] == "1.0" and reference_validator("1.0").is_valid(old)
        assert _downgrade(upgrade(old)) == _normal_1_0(old)


def test_migrate_rewrites_each_file_in_its_own_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    olds = _old_examples()
    assert len(olds) == 3
    one = tmp_path / "one.json"
    one.write_text(json.dumps(olds[0], ensure_ascii=False, indent=2), encoding="utf-8")
    many = tmp_path / "many.json"
    many.write_text(json.dumps(olds), encoding="utf-8")
    lines = tmp_path / "corpus.jsonl.gz"
    with gzip.open(lines, "wt", encoding="utf-8") as out:
        for d in olds:
            out.write(json.dumps(d) + "\n")
    expected = [claimfmt.loads(json.dumps(d)) for d in olds]
    assert main(["migrate", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"{1 + 2 * len(olds)} documents upgraded to 1.1, 0 already current, in 3 of 3 files" in err
    assert json.loads(one.read_text(encoding="utf-8"))["claimfmt"] == "1.1"
    assert one.read_text(encoding="utf-8").startswith('{\n  "claimfmt": "1.1"')  # one document, indented
    assert many.read_text(encoding="utf-8").startswith("[")
    for path in (one, many, lines):
        assert [i for i in claimfmt.validate(path) if i.severity.value == "error"] == []
    assert list(claimfmt.iter_documents(many)) == expected
    assert list(claimfmt.iter_documents(lines)) == expected
    # Running again changes nothing.
    before = many.read_bytes()
    assert main(["migrate", str(many)]) == 0
    assert f"0 documents upgraded to 1.1, {len(olds)} already current" in capsys.readouterr().err
    assert many.read_bytes() == before


def test_a_file_with_an_invalid_document_is_left_as_it_was(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = {"claimfmt": "1.0", "id": "a", "article": {}, "sources": [], "claims": []}
    bad = {**good, "id": "", "claims": [{"id": "c", "text": "t", "spans": [], "attributions": [], "verification": {}}]}
    path = tmp_path / "corpus.jsonl"
    original = (json.dumps(good) + "\n" + json.dumps(bad) + "\n").encode()
    path.write_bytes(original)
    assert main(["migrate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "schema-" in err and "not migrated (left as it was)" in err
    assert path.read_bytes() == original
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_migrate_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"claimfmt": "1.0", "id": "a", "article": {}, "sources": [], "claims": []}))
    target = tmp_path / "out.json"
    assert main(["migrate", str(source), "-o", str(target)]) == 0
    assert json.loads(source.read_text())["claimfmt"] == "1.0"
    assert json.loads(target.read_text())["claimfmt"] == "1.1"
    assert main(["migrate", str(source), str(target), "-o", str(tmp_path / "x.json")]) == 2
    assert main(["migrate", str(tmp_path / "missing.json")]) == 2
    assert "error" in capsys.readouterr().err
    result = migrate_file(source, "-")
    assert result.ok and result.upgraded == 1
    assert json.loads(capsys.readouterr().out)["claimfmt"] == "1.1"


def test_an_unknown_version_is_reported_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"claimfmt": "1.7", "id": "a", "article": {}, "sources": [], "claims": []}))
    result = migrate_file(path)
    assert not result.ok and [i.code for i in result.issues] == ["unsupported-version"]
