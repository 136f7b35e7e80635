"""Generated documentation stays in step with the schema and the code table."""

from __future__ import annotations

from claimfmt.docs import outputs

from .conftest import ROOT


def test_generated_docs_are_current() -> None:
    for path, text in outputs(ROOT).items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python -m claimfmt.docs"
