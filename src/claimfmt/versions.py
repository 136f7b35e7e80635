"""Which format version a document declares, and how older ones are upgraded.

A document names its version in the ``claimfmt`` key, ``"MAJOR.MINOR"``. Minor
versions only add optional fields; a reader upgrades an older document one
step at a time through :data:`MIGRATIONS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from claimfmt.issues import Issue, json_type
from claimfmt.schemas import schema_versions

__all__ = ["CURRENT_VERSION", "MIGRATIONS", "check_version", "parse_version", "upgrade"]

_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")

#: From-version -> (to-version, function). Each function takes a JSON document of
#: the from-version and returns one of the to-version. Empty while 1.0 is the only one.
MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {}

CURRENT_VERSION = schema_versions()[-1]


def parse_version(value: str) -> tuple[int, int]:
    """``"1.0"`` -> ``(1, 0)``; ValueError for anything else."""
    match = _VERSION.match(value)
    if not match:
        raise ValueError(f"not a MAJOR.MINOR version: {value!r}")
    return int(match.group(1)), int(match.group(2))


def check_version(data: object) -> Issue | None:
    """An issue when ``data`` declares no version this package can read, else None."""
    if not isinstance(data, dict):
        return Issue(code="not-an-object", message=f"a document is a JSON object, not {json_type(data, article=True)}")
    if "claimfmt" not in data:
        return Issue(
            code="missing-version",
            message="the document does not say its format version",
            hint='add "claimfmt": "1.0"',
        )
    declared = data["claimfmt"]
    supported = ", ".join(schema_versions())
    if not isinstance(declared, str):
        return Issue(
            code="unsupported-version",
            pointer="/claimfmt",
            message=f'the format version must be a string like "1.0", not {json_type(declared, article=True)}',
        )
    if declared in schema_versions() or declared in MIGRATIONS:
        return None
    try:
        major, _ = parse_version(declared)
    except ValueError:
        return Issue(
            code="unsupported-version",
            pointer="/claimfmt",
            message=f'{declared!r} is not a format version ("MAJOR.MINOR"); supported: {supported}',
        )
    newer = major > parse_version(CURRENT_VERSION)[0]
    return Issue(
        code="unsupported-version",
        pointer="/claimfmt",
        message=(
            f"claimfmt {declared} is {'a newer major version' if newer else 'not a known version'}; "
            f"this claimfmt reads {supported}"
        ),
        hint="upgrade the claimfmt package" if newer else None,
    )


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a document of an older supported version up to :data:`CURRENT_VERSION`."""
    while data.get("claimfmt") in MIGRATIONS:
        _, migrate = MIGRATIONS[data["claimfmt"]]
        data = migrate(data)
    return data
