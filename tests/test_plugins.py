"""Other packages add semantic checks through the claimfmt.validators entry point group."""

from __future__ import annotations

import io
from collections.abc import Iterator
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
    registry.all_checks.cache_clear()
    monkeypatch.setattr(
        registry, "entry_points", lambda group: [_EntryPoint()] if group == "claimfmt.validators" else []
    )
    yield
    registry.all_checks.cache_clear()


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
