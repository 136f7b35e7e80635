"""The base class of claimfmt's errors, in a module of its own that imports nothing.

The command line defines its usage error on it before it knows which command runs,
so that ``claimfmt --version`` does not pay for importing attrs.
"""

__all__ = ["ClaimfmtError"]


class ClaimfmtError(Exception):
    """Base class of every error claimfmt raises on purpose."""
