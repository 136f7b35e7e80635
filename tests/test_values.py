"""Values readers check before they map them: URIs."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

from claimfmt.converters.values import _USUAL_URI, is_uri

# Near-URIs: a scheme, then characters URIs hold and some they do not (a space, a bracket, a stray %, non-ASCII).
_NEAR = st.from_regex(r"[a-zA-Z][a-zA-Z0-9+.-]{0,5}:(//)?[a-z0-9.:@%/?#\[\] é-]{0,30}", fullmatch=True)


@given(st.from_regex(_USUAL_URI, fullmatch=True))
def test_what_the_quick_rule_takes_rfc3986s_rule_takes(text: str) -> None:
    assert validate_rfc3986(text, rule="URI")


@given(st.one_of(st.text(), _NEAR, st.from_regex(_USUAL_URI, fullmatch=True)))
@example("https://example.org/a%20b?q=1#top")
@example("https://example.org/a%zz")
@example("https://[::1]:8080/x")
@example("mailto:someone@example.org")
@example("https://example.org/\n")
def test_a_uri_is_what_rfc3986s_rule_says(text: str) -> None:
    assert is_uri(text) == bool(validate_rfc3986(text, rule="URI"))
