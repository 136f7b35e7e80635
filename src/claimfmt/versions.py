"""Which format version a document declares, and how older ones are upgraded.

A document names its version in the ``claimfmt`` key, ``"MAJOR.MINOR"``. A minor
version can say everything the one before it could (1.1 turned ``verification`` +
``history`` into ``verifications`` and ``via`` ids into objects); a reader upgrades
an older document one step at a time through :data:`MIGRATIONS`, losing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from claimfmt.issues import Issue, json_type
from claimfmt.schemas import schema_versions

__all__ = [
    "CURRENT_VERSION",
    "MIGRATIONS",
    "attribution_from_1_0",
    "check_version",
    "parse_version",
    "upgrade",
    "verifications_from_1_0",
]

_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")


def _from_1_0(data: dict[str, Any]) -> dict[str, Any]:
    """1.0 -> 1.1: ``verification`` + ``history`` become ``verifications``; ``via`` ids become objects.

    A verification and its history (oldest first) become one revision chain,
    ``v1`` ... ``vN``, each superseding the one before; a nested history flattens
    into the chain in the same order. A verification with no history keeps no id (an
    empty ``history`` list says the same and goes). Nothing else changes, and the
    input is not modified.
    """
    claims = []
    for claim in data.get("claims", ()):
        if not isinstance(claim, dict):
            claims.append(claim)
            continue
        claim = dict(claim)
        attributions = claim.get("attributions")
        if isinstance(attributions, list):
            claim["attributions"] = [attribution_from_1_0(a) for a in attributions]
        if "verification" in claim:
            # In the place verification had, so that a migrated file reads as the original did.
            claim = {
                ("verifications" if key == "verification" else key): verifications_from_1_0(value)
                if key == "verification"
                else value
                for key, value in claim.items()
            }
        claims.append(claim)
    return {**data, "claimfmt": "1.1", "claims": claims}


def verifications_from_1_0(verification: Any) -> Any:
    """A 1.0 ``verification`` (with its ``history``) as 1.1 ``verifications``: one revision chain, oldest first."""
    if not isinstance(verification, dict):
        return verification  # not a 1.0 document: the 1.1 schema will say what is wrong
    chain = _chain(verification)
    if len(chain) == 1:
        return chain
    # The links first, so that a migrated file reads as a chain.
    return [
        {"id": f"v{n}", **({"supersedes": f"v{n - 1}"} if n > 1 else {}), **item} for n, item in enumerate(chain, 1)
    ]


def _chain(verification: dict[str, Any]) -> list[dict[str, Any]]:
    current = dict(verification)
    earlier = current.pop("history", None)
    if not isinstance(earlier, list):
        earlier = []
    return [item for past in earlier if isinstance(past, dict) for item in _chain(past)] + [current]


def attribution_from_1_0(attribution: Any) -> Any:
    """A 1.0 attribution as 1.1 has it: ``via`` ids become objects (a 1.1 attribution is returned as it is)."""
    if not isinstance(attribution, dict) or not isinstance(attribution.get("via"), list):
        return attribution
    return {**attribution, "via": [{"source": v} if isinstance(v, str) else v for v in attribution["via"]]}


#: From-version -> (to-version, function). Each function takes a JSON document of
#: the from-version and returns one of the to-version.
MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {"1.0": ("1.1", _from_1_0)}

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
