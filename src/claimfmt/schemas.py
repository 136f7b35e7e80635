"""The shipped JSON Schemas, one per format version, and a local registry of them.

The schema files live in ``schema/`` at the repository root and ship inside the
package as ``claimfmt/schema/``, beside this module; they are never fetched over
the network.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import referencing

__all__ = ["jsonld_context", "registry", "schema", "schema_text", "schema_versions"]

_FILE_NAME = re.compile(r"^claimfmt-(\d+\.\d+)\.schema\.json$")
# Beside this module, not through importlib.resources: the package always installs as files
# (wheel or editable), and `claimfmt --version` should not pay for importing resources.
_FOLDER = Path(__file__).parent / "schema"


@functools.cache
def _files() -> dict[str, str]:
    found = {}
    for entry in _FOLDER.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found[match.group(1)] = entry.name
    return dict(sorted(found.items(), key=lambda item: tuple(map(int, item[0].split(".")))))


@functools.cache
def schema_versions() -> tuple[str, ...]:
    """The format versions this package ships a schema for, oldest first."""
    return tuple(_files())


def schema_text(version: str) -> str:
    """The schema of ``version`` as shipped, byte for byte (decoded)."""
    try:
        name = _files()[version]
    except KeyError:
        raise KeyError(f"no schema for claimfmt {version!r}; shipped: {', '.join(schema_versions())}") from None
    return (_FOLDER / name).read_text(encoding="utf-8")


@functools.cache
def schema(version: str) -> dict[str, Any]:
    """The schema of ``version`` as a JSON object. Do not mutate it: it is shared."""
    import orjson

    value: dict[str, Any] = orjson.loads(schema_text(version))
    return value


@functools.cache
def registry() -> referencing.Registry[Any]:
    """A registry holding every shipped schema under its ``$id``; it retrieves nothing."""
    import referencing
    from referencing.jsonschema import DRAFT202012

    resources_ = [
        (schema(version)["$id"], DRAFT202012.create_resource(schema(version))) for version in schema_versions()
    ]
    return referencing.Registry().with_resources(resources_).crawl()


@functools.cache
def jsonld_context(version: str | None = None) -> dict[str, Any]:
    """The claimfmt JSON-LD context of ``version`` (``https://claimfmt.org/ns/claimfmt-1.1.jsonld``), as shipped.

    The newest by default. Give it to a JSON-LD processor's document loader for
    that IRI: nothing needs fetching. Each version only adds terms, and a term's
    IRI never changes. Do not mutate it: it is shared.
    """
    import orjson

    version = version or schema_versions()[-1]
    try:
        data = (_FOLDER / f"claimfmt-{version}.context.jsonld").read_bytes()
    except FileNotFoundError:
        raise KeyError(f"no JSON-LD context for claimfmt {version!r}") from None
    value: dict[str, Any] = orjson.loads(data)
    return value
