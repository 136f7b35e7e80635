"""Problems found in input, as data.

Everything that reads or checks documents collects :class:`Issue` records; the
command line and the reporters format them. Codes are public API: they are
listed in ``docs/codes.md`` and never change meaning.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from claimfmt.errors import ClaimfmtError

__all__ = ["ClaimfmtError", "DocumentError", "Issue", "Severity", "escape_pointer_token", "json_type"]


class Severity(enum.StrEnum):
    """How bad an issue is: errors make data invalid, warnings do not (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Issue:
    """One problem in the input, located as precisely as the input allows.

    ``pointer`` is an RFC 6901 JSON pointer into the document (``""`` is the
    whole document). ``line`` is the 1-based line of a JSONL file or of a
    parse error; ``index`` the position of the document in its file (0-based),
    when the file holds several.
    """

    code: str
    severity: Severity = Severity.ERROR
    message: str
    pointer: str = ""
    file: str | None = None
    line: int | None = None
    index: int | None = None
    hint: str | None = None
    excerpt: str | None = None

    def located(self, *, file: str | None, line: int | None, index: int | None, excerpt: str | None = None) -> Issue:
        """The same issue, placed in a file, with the ``excerpt`` of the value at its pointer (keeps any place
        and excerpt it already has)."""
        return attrs.evolve(
            self,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
            index=self.index if self.index is not None else index,
            excerpt=self.excerpt if self.excerpt is not None else excerpt,
        )

    def at(self, prefix: str) -> Issue:
        """The same issue with its pointer moved under ``prefix`` (the issue was found in a part)."""
        return attrs.evolve(self, pointer=prefix + self.pointer)

    def to_json(self) -> dict[str, object]:
        """The issue as a JSON object for a report: its place and message, without the fields left unset."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None and k not in ("hint", "excerpt")}

    def format(self) -> str:
        """One line: ``file:line: pointer: message [code]``."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        elif self.index is not None:
            where += f"[{self.index}]"
        pointer = f" {self.pointer}:" if self.pointer else ""
        return f"{where}:{pointer} {self.severity.value}: {self.message} [{self.code}]"


def json_type(value: object, *, article: bool = False) -> str:
    """The JSON type of a parsed value, for messages: ``integer``, or ``an integer`` with ``article``."""
    if value is None:
        return "null"
    name = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}" if article else name


def escape_pointer_token(token: str | int) -> str:
    """One RFC 6901 reference token (``~`` and ``/`` escaped)."""
    return str(token).replace("~", "~0").replace("/", "~1")


class DocumentError(ClaimfmtError, ValueError):
    """A document could not be read: not JSON, wrong version, or not the claimfmt shape.

    ``issues`` holds every problem found, each with its pointer.
    """

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("; ".join(issue.format() for issue in self.issues) or "invalid document")
