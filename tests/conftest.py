"""Shared test set-up: the hypothesis profile and the location of ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = Path(__file__).resolve().parent.parent
# tests/spark needs Java and pyspark: `make test-spark` installs them and sets CLAIMFMT_SPARK.
collect_ignore = [] if os.environ.get("CLAIMFMT_SPARK") else ["spark"]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
# For finding what a change broke: fewer examples, and no shrinking of the failures.
settings.register_profile(
    "triage", parent=settings.get_profile("default"), max_examples=20, phases=[Phase.explicit, Phase.generate]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def shared(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpora are not beside this checkout")
    return path
