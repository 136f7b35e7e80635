"""Version dispatch: unknown and newer versions get a clear error; older ones are migrated."""

from __future__ import annotations

from typing import Any

import pytest

import claimfmt
from claimfmt import versions
from claimfmt.issues import DocumentError


def _doc(version: Any) -> dict[str, Any]:
    return {"claimfmt": version, "id": "d", "article": {}, "sources": [], "claims": []}


@pytest.mark.parametrize(
    ("version", "words"),
    [
        ("2.0", "newer major version"),
        ("1.7", "not a known version"),
        ("banana", "not a format version"),
        (1.0, "must be a string"),
    ],
)
def test_unsupported_versions_are_named_with_the_supported_ones(version: Any, words: str) -> None:
    issue = versions.check_version(_doc(version))
    assert issue is not None
    assert issue.code == "unsupported-version"
    assert issue.pointer == "/claimfmt"
    assert words in issue.message
    if isinstance(version, str) and version != "banana":
        assert version in issue.message
    assert "1.0" in issue.message
    assert claimfmt.validate(_doc(version)) == [issue]


def test_missing_version() -> None:
    data = _doc("1.0")
    del data["claimfmt"]
    with pytest.raises(DocumentError) as caught:
        claimfmt.loads(claimfmt.dumps(data))
    assert caught.value.issues[0].code == "missing-version"


def test_an_older_version_is_upgraded_through_its_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_0_9(data: dict[str, Any]) -> dict[str, Any]:
        upgraded = {**data, "claimfmt": "1.0"}
        upgraded["article"] = {"title": upgraded.pop("headline")}
        return upgraded

    monkeypatch.setitem(versions.MIGRATIONS, "0.9", ("1.0", from_0_9))
    old = {"claimfmt": "0.9", "id": "d", "headline": "Old", "sources": [], "claims": []}
    document = claimfmt.loads(claimfmt.dumps(old))
    assert document.claimfmt == claimfmt.CURRENT_VERSION  # 0.9 -> 1.0 -> 1.1
    assert document.article.title == "Old"


def test_parse_version() -> None:
    assert versions.parse_version("1.0") == (1, 0)
    assert versions.parse_version("12.34") == (12, 34)
    for bad in ("1", "1.0.0", "01.0", "1.0\n", "v1.0"):
        with pytest.raises(ValueError):
            versions.parse_version(bad)


def test_validate_text_reports_json_and_schema_codes() -> None:
    assert [i.code for i in claimfmt.validate('{"claimfmt": "1.0",')] == ["invalid-json"]
    assert [i.code for i in claimfmt.validate(b'{"a": "\xff"}')] == ["invalid-utf8"]
    text = claimfmt.dumps({**_doc("1.0"), "bogus": 1})
    assert [(i.code, i.pointer) for i in claimfmt.validate(text)] == [("schema-additional-properties", "/bogus")]
