"""claimfmt: a common format for claims in news, their attributions and their verification.

The public API:

- :func:`load`, :func:`loads`, :func:`dump`, :func:`dumps`: one document;
- :func:`iter_documents`, :func:`iter_records`, :func:`write_documents`: corpora, streamed;
- :func:`validate`: schema and semantic checks, returning :class:`Issue` records;
- :func:`convert`: between claimfmt and peer formats, with a loss report;
- the model classes (:class:`Document`, :class:`Claim`, ...) in :mod:`claimfmt.model`;
- :mod:`claimfmt.validators`, :mod:`claimfmt.testing` (hypothesis strategies).
"""

from importlib.metadata import PackageNotFoundError, version

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
)
from claimfmt.reading import Record, iter_documents, iter_records, load, loads
from claimfmt.schemas import schema, schema_versions
from claimfmt.validation import validate
from claimfmt.versions import CURRENT_VERSION
from claimfmt.writing import dump, dumps, write_documents

try:
    __version__ = version("claimfmt")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

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
