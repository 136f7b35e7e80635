"""Other packages add semantic checks through the claimfmt.validators entry point group."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import claimfmt
from claimfmt.issues import Issue
from claimfmt.validation import _Progress
from claimfmt.validators import Check, issue, registry


def _no_empty_claim_text(document: dict[str, Any]) -> Iterator[Issue]:
    for c, claim in enumerate(document["claims"]):
        if claim["text"].strip() == "TODO":
            yield issue("org.example:todo-claim", ("claims", c, "text"), "claim text is a placeholder")


class _EntryPoint:
    name = "todo"

    def load(self) -> Check:
        return Check(name="todo-claims", codes=("org.example:todo-claim",), function=_no_empty_claim_text)


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    registry.cache_clear()
    monkeypatch.setattr(
        registry, "entry_points", lambda group: [_EntryPoint()] if group == "claimfmt.validators" else []
    )
    yield
    registry.cache_clear()


def test_an_entry_point_check_runs_in_the_pipeline(plugin: None) -> None:
    assert registry.all_checks()[-1].name == "todo-claims"
    doc = {
        "claimfmt": "1.0",
        "id": "d",
        "article": {},
        "sources": [],
        "claims": [{"id": "c", "text": "TODO", "spans": [], "attributions": []}],
    }
    (found,) = claimfmt.validate(doc)
    assert (found.code, found.pointer, found.severity.value) == ("org.example:todo-claim", "/claims/0/text", "error")


def test_progress_counter_appears_only_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    quiet = _Progress(enabled=True, delay=3600)
    for n in range(0, 2048, 256):
        quiet.tick(n)
    assert stream.getvalue() == ""
    shown = _Progress(enabled=True, delay=0)
    shown.tick(512)
    shown.close()
    assert "validating: 512 documents" in stream.getvalue()
    disabled = _Progress(enabled=False, delay=0)
    disabled.tick(512)
    assert stream.getvalue().count("validating") == 1


def test_an_installed_distribution_s_check_is_found_and_none_is_looked_for_without_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up shortcut (plugins.py) reads entry point files; a real dist-info on sys.path is found."""
    from claimfmt import plugins

    assert plugins.entry_points("claimfmt.validators") == ()  # nothing installed declares the group
    (tmp_path / "todo_check.py").write_text(
        "from claimfmt.validators import Check\n"
        "from tests.test_plugins import _no_empty_claim_text\n"
        "CHECK = Check(name='todo-claims', codes=('org.example:todo-claim',), function=_no_empty_claim_text)\n"
    )
    info = tmp_path / "todo_check-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: todo-check\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[claimfmt.validators]\ntodo = todo_check:CHECK\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.cache_clear()
    try:
        assert [p.name for p in plugins.entry_points("claimfmt.validators")] == ["todo"]
        assert plugins.entry_points("claimfmt.converters") == ()
        assert registry.all_checks()[-1].name == "todo-claims"
    finally:
        registry.cache_clear()
