"""claimfmt: a common format for claims in news, their attributions and their verification.

The public API:

- :func:`load`, :func:`loads`, :func:`dump`, :func:`dumps`: one document;
- :func:`iter_documents`, :func:`iter_records`, :func:`write_documents`: corpora, streamed;
- :func:`validate`: schema and semantic checks, returning :class:`Issue` records;
- :func:`convert`: between claimfmt and peer formats, with a loss report;
- the model classes (:class:`Document`, :class:`Claim`, ...) in :mod:`claimfmt.model`;
- :mod:`claimfmt.validators`, :mod:`claimfmt.testing` (hypothesis strategies).

Each name loads its module when first used, so that ``import claimfmt`` (and
``claimfmt --version``, which pre-commit runs on every commit) pays only for what it uses.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimfmt.conversion import convert
    from claimfmt.issues import ClaimfmtError, DocumentError, Issue, Severity
    from claimfmt.model import (
        Annotator,
        Article,
        Attribution,
        Claim,
        Document,
        Evidence,
        Hedge,
        Locator,
        Provenance,
        Relation,
        Source,
        Span,
        Verdict,
        Verification,
        Via,
    )
    from claimfmt.reading import Record, iter_documents, iter_records, load, loads
    from claimfmt.schemas import schema, schema_versions
    from claimfmt.validation import validate
    from claimfmt.versions import CURRENT_VERSION
    from claimfmt.writing import dump, dumps, write_documents

    __version__: str

_MODULES = {
    "claimfmt.conversion": ("convert",),
    "claimfmt.issues": ("ClaimfmtError", "DocumentError", "Issue", "Severity"),
    "claimfmt.model": (
        "Annotator",
        "Article",
        "Attribution",
        "Claim",
        "Document",
        "Evidence",
        "Hedge",
        "Locator",
        "Provenance",
        "Relation",
        "Source",
        "Span",
        "Verdict",
        "Verification",
        "Via",
    ),
    "claimfmt.reading": ("Record", "iter_documents", "iter_records", "load", "loads"),
    "claimfmt.schemas": ("schema", "schema_versions"),
    "claimfmt.validation": ("validate",),
    "claimfmt.versions": ("CURRENT_VERSION",),
    "claimfmt.writing": ("dump", "dumps", "write_documents"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    value: Any
    if name == "__version__":
        from claimfmt._version import __version__

        value = __version__
    elif name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
    else:
        # A submodule (claimfmt.schemas, claimfmt.converters, ...), as an eager package would have it loaded.
        try:
            value = importlib.import_module(f"claimfmt.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"claimfmt.{name}":
                raise
            raise AttributeError(f"module 'claimfmt' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME, "__version__"})


__all__ = [
    "CURRENT_VERSION",
    "Annotator",
    "Article",
    "Attribution",
    "Claim",
    "ClaimfmtError",
    "Document",
    "DocumentError",
    "Evidence",
    "Hedge",
    "Issue",
    "Locator",
    "Provenance",
    "Record",
    "Relation",
    "Severity",
    "Source",
    "Span",
    "Verdict",
    "Verification",
    "Via",
    "__version__",
    "convert",
    "dump",
    "dumps",
    "iter_documents",
    "iter_records",
    "load",
    "loads",
    "schema",
    "schema_versions",
    "validate",
    "write_documents",
]
