"""Small checks on peer JSON values that every converter needs (what claimfmt's schema would accept)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, TypeGuard

from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

from claimfmt.issues import escape_pointer_token, json_type
from claimfmt.model import PORTABLE_INTEGER as PORTABLE

if TYPE_CHECKING:
    from claimfmt.converters.base import LossReport, Origin

__all__ = ["Fields", "as_list", "as_object", "is_portable", "is_text", "is_uri", "number", "portable_int"]

_DECIMAL = re.compile(r"^[+-]?[0-9]+$")


def portable_int(text: str) -> int | None:
    """The integer a peer's text field spells in ASCII digits, or None when it is none or out of range."""
    text = text.strip()
    if not _DECIMAL.match(text) or len(text) > 20:
        return None
    number = int(text)
    return number if -PORTABLE <= number <= PORTABLE else None


def is_portable(value: Any) -> bool:
    """A JSON number any reader takes as it is: finite, and an integer within ±(2**63 - 1)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -PORTABLE <= value <= PORTABLE
    if isinstance(value, float):
        return math.isfinite(value)
    return True


class Fields:
    """One object of a peer record, read key by key with the JSON type each key must have.

    A value of another type reads as absent and is reported once, as ``wrong-type``
    at its JSON pointer, so that a converter never trips over a number where the
    format has a list. Absent and null read as absent, silently.
    """

    __slots__ = ("_key", "_parent", "_pointer", "data", "origin", "report")

    def __init__(
        self,
        data: dict[str, Any],
        pointer: str | None,
        report: LossReport,
        origin: Origin,
        parent: Fields | None = None,
        key: str | int = "",
    ) -> None:
        self.data = data
        self.report = report
        self.origin = origin
        # A reader looks at thousands of objects and reports on few: a pointer is made when one is asked for.
        self._pointer = pointer
        self._parent = parent
        self._key = key

    @property
    def pointer(self) -> str:
        """The JSON pointer of this object in the record."""
        if self._pointer is None:
            assert self._parent is not None
            self._pointer = f"{self._parent.pointer}/{escape_pointer_token(str(self._key))}"
        return self._pointer

    def _wrong(self, key: str, value: Any, expected: str) -> None:
        self.report.error(
            "wrong-type",
            f"{key}: expected {expected}, got {json_type(value, article=True)}; left out",
            self.origin,
            pointer=f"{self.pointer}/{escape_pointer_token(key)}",
        )

    def _typed(self, key: str, kinds: tuple[type, ...], expected: str) -> Any:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool)):
            return value
        self._wrong(key, value, expected)
        return None

    def text(self, key: str) -> str | None:
        """A string (empty included)."""
        value: str | None = self._typed(key, (str,), "a string")
        return value

    def object(self, key: str) -> Fields | None:
        """An object, as Fields."""
        value = self._typed(key, (dict,), "an object")
        return None if value is None else self.at(key, value)

    def array(self, key: str) -> list[Any]:
        """A list (empty when absent)."""
        value: list[Any] | None = self._typed(key, (list,), "an array")
        return value or []

    def objects(self, key: str) -> list[Fields]:
        """The objects of a list, each as Fields; items of another type are reported."""
        found = []
        inside = self.at(key, {})
        report, origin = self.report, self.origin
        for n, item in enumerate(self.array(key)):
            if isinstance(item, dict):
                found.append(Fields(item, None, report, origin, inside, n))
            else:
                inside._wrong(str(n), item, "an object")
        return found

    def texts(self, key: str) -> list[str]:
        """The strings of a list (a lone string counts as a list of one); other items are reported."""
        value = self.data.get(key)
        if isinstance(value, str):
            return [value]
        found = []
        for n, item in enumerate(self.array(key)):
            if isinstance(item, str):
                found.append(item)
            else:
                self.at(key, {})._wrong(str(n), item, "a string")
        return found

    def at(self, key: str, value: dict[str, Any]) -> Fields:
        """Fields for ``value``, found at ``key`` under this object."""
        return Fields(value, None, self.report, self.origin, self, key)


def as_list(value: Any) -> list[Any]:
    """A value that may be one item or a list of them, as a list (None is an empty one)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_object(value: Any) -> dict[str, Any]:
    """A value that should be an object, or an empty one when it is not."""
    return value if isinstance(value, dict) else {}


def is_text(value: Any) -> TypeGuard[str]:
    """A non-empty string."""
    return isinstance(value, str) and value != ""


def is_uri(value: Any) -> TypeGuard[str]:
    """An absolute URI (RFC 3986), as claimfmt's ``format: uri`` wants."""
    if not isinstance(value, str):
        return False
    # rfc3986_validator's rule ends in `$`, which lets a final newline through; the schema does not.
    return _USUAL_URI.match(value) is not None or (
        not value.endswith("\n") and bool(validate_rfc3986(value, rule="URI"))
    )


def _run(allowed: str) -> str:
    """A run of ``allowed`` characters and percent-encoded bytes, unrolled: a character class matches a run at
    once, where an alternation is tried at every character."""
    return rf"{allowed}*(?:%[0-9A-Fa-f]{{2}}{allowed}*)*"


# scheme://host[:port]/path?query#fragment, the URI nearly every URL is, in the character classes of
# rfc3986_validator's rule and without its other branches (user info, IP literals, paths without a host): what
# this matches, that rule matches, several times faster; anything else is asked of that rule.
_HOST = _run(r"[a-zA-Z0-9_.~\-!$&'()*+,;=]")  # reg-name
_SEGMENT = _run(r"[a-zA-Z0-9_.~\-!$&'()*+,;=:@]")  # pchar
_QUERY = _run(r"[a-zA-Z0-9_.~\-!$&'()*+,;=:@/?]")  # a query, and a fragment alike
_USUAL_URI = re.compile(
    rf"[a-zA-Z][a-zA-Z0-9+.-]*://{_HOST}(?::[0-9]*)?(?:/{_SEGMENT})*(?:\?{_QUERY})?(?:\#{_QUERY})?\Z"
)


def number(value: Any) -> int | float | None:
    """A JSON number, or the number a string spells (``"5"``, ``" 4.5 "``), where it is portable; else None.

    A whole number written without a point is an integer, parsed exactly (26 digits do
    not pass as a rounded float).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if is_portable(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parsed = float(text)
    except ValueError:
        return None
    if not is_portable(parsed):
        return None
    if parsed.is_integer() and "." not in text:
        whole = int(text) if text.lstrip("+-").isdigit() else int(parsed)
        return whole if is_portable(whole) else None
    return parsed
