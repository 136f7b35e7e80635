"""Semantic checks: what a claimfmt document must satisfy beyond its JSON Schema.

Each check is a small function over the parsed JSON of a schema-valid
document that yields :class:`~claimfmt.issues.Issue` records with stable codes
(``claimfmt.codes``). Other packages add checks through the
``claimfmt.validators`` entry point group; each entry point names a
:class:`Check`.
"""

from claimfmt.validators.registry import Check, all_checks, issue, register, run_checks

__all__ = ["Check", "all_checks", "issue", "register", "run_checks"]
