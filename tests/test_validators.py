"""Semantic validators and the validation pipeline.

- data-driven cases in tests/cases/{valid,invalid}/<case>/ (expected.json lists codes and pointers);
- a property: break a valid document in one place, and exactly that problem is reported there;
- the fast validator (jsonschema_rs) and the reference one (python-jsonschema) never disagree.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import claimfmt
from claimfmt.codes import CODES
from claimfmt.dates import sort_key
from claimfmt.issues import Severity
from claimfmt.schema_check import fast_validator, reference_validator
from claimfmt.testing import json_documents
from claimfmt.validation import validate_record
from claimfmt.validators import all_checks, run_checks

from .conftest import ROOT

CASES = ROOT / "tests" / "cases"


def _validate_file(path: Path) -> list[tuple[str, str]]:
    issues = [issue for record in claimfmt.iter_records(path) for issue in validate_record(record)]
    return sorted((issue.code, issue.pointer) for issue in issues)


@pytest.mark.parametrize("case", sorted((CASES / "valid").iterdir()), ids=lambda p: p.name)
def test_valid_cases(case: Path) -> None:
    assert _validate_file(case / "document.json") == []


@pytest.mark.parametrize("case", sorted((CASES / "invalid").iterdir()), ids=lambda p: p.name)
def test_invalid_cases(case: Path) -> None:
    expected = orjson.loads((case / "expected.json").read_bytes())
    assert _validate_file(case / "document.json") == sorted((e["code"], e["pointer"]) for e in expected)


def test_every_semantic_code_has_a_case() -> None:
    covered = {e["code"] for path in CASES.glob("invalid/*/expected.json") for e in orjson.loads(path.read_bytes())}
    semantic = {code for check in all_checks() for code in check.codes}
    assert semantic - covered == set()


def test_every_reported_code_is_documented() -> None:
    codes = {code for check in all_checks() for code in check.codes}
    assert codes <= set(CODES)


# --- one break, one issue ----------------------------------------------------------


def _spans_with_offsets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for claim in doc["claims"]:
        out.extend(s for s in claim["spans"] if "start" in s)
    return out


def _break(doc: dict[str, Any], how: str, data: st.DataObject) -> tuple[str, str] | None:
    """Break ``doc`` in one place; the (code, pointer) the validator must then report, or None if it can't."""
    claims, sources = doc["claims"], doc["sources"]
    if how == "shift-offset":
        where = [
            (c, k, s)
            for c, claim in enumerate(claims)
            for k, s in enumerate(claim["spans"])
            if "start" in s and doc["article"].get("text") is not None
        ]
        if not where:
            return None
        c, k, span = data.draw(st.sampled_from(where))
        text = doc["article"]["text"]
        span["start"] += 1
        span["end"] += 1
        span.pop("prefix", None)
        span.pop("suffix", None)
        if span["end"] > len(text):
            return ("span-out-of-range", f"/claims/{c}/spans/{k}/end")
        if text[span["start"] : span["end"]] == span["exact"]:
            return None
        return ("span-mismatch", f"/claims/{c}/spans/{k}/exact")
    if how in ("shift-any-span", "wrong-prefix"):
        # Any kind of span (mention, cue, content, via cue, hedge), where the quick span check must not wave it by.
        from claimfmt.validators.registry import walk_spans

        text = doc["article"].get("text")
        where = [(path, span) for path, span in walk_spans(doc) if "start" in span and text is not None]
        if how == "wrong-prefix":
            where = [(path, span) for path, span in where if span.get("prefix")]
        if not where:
            return None
        path, span = data.draw(st.sampled_from(where))
        pointer = "/" + "/".join(map(str, path))
        if how == "wrong-prefix":
            span["prefix"] = "x" * (span["start"] + 1)  # longer than the text before the span: never its end
            return ("prefix-mismatch", f"{pointer}/prefix")
        span["start"] += 1
        span["end"] += 1
        span.pop("prefix", None)
        span.pop("suffix", None)
        if span["end"] > len(text):
            return ("span-out-of-range", f"{pointer}/end")
        if text[span["start"] : span["end"]] == span["exact"]:
            return None
        return ("span-mismatch", f"{pointer}/exact")
    if how == "dangle-reference":
        where = [(c, a) for c, claim in enumerate(claims) for a in range(len(claim["attributions"]))]
        if not where:
            return None
        c, a = data.draw(st.sampled_from(where))
        claims[c]["attributions"][a]["source"] = "zz-nowhere"
        return ("unresolved-reference", f"/claims/{c}/attributions/{a}/source")
    if how == "duplicate-id":
        if not claims:
            return None
        claims.append({"id": claims[0]["id"], "text": "again", "spans": [], "attributions": []})
        return ("duplicate-id", f"/claims/{len(claims) - 1}/id")
    if how == "swap-scale":
        where = [
            (c, v)
            for c, claim in enumerate(claims)
            for v, verification in enumerate(claim.get("verifications", ()))
            if "value" in verification.get("verdict", {}) and "best" in verification["verdict"]
        ]
        if not where:
            return None
        c, v = data.draw(st.sampled_from(where))
        verdict = claims[c]["verifications"][v]["verdict"]
        low, high = sorted((verdict["best"], verdict["worst"]))
        if low == high:
            return None
        verdict["value"] = high + (high - low) + 1
        return ("verdict-out-of-range", f"/claims/{c}/verifications/{v}/verdict/value")
    if how == "predate-revision":
        # A revision dated before all it can be compared with: only its own link to what it supersedes breaks.
        where = []
        for c, claim in enumerate(claims):
            items = claim.get("verifications", ())
            dated = {item["id"] for item in items if "id" in item and "assessed_at" in item}
            where += [
                (c, v) for v, item in enumerate(items) if "assessed_at" in item and item.get("supersedes") in dated
            ]
        if not where:
            return None
        c, v = data.draw(st.sampled_from(where))
        claims[c]["verifications"][v]["assessed_at"] = "1980-01-01"
        return ("history-order", f"/claims/{c}/verifications/{v}/assessed_at")
    if how == "dangle-supersedes":
        where = [(c, v) for c, claim in enumerate(claims) for v, _ in enumerate(claim.get("verifications", ()))]
        if not where:
            return None
        c, v = data.draw(st.sampled_from(where))
        claims[c]["verifications"][v]["supersedes"] = "zz-nowhere"
        return ("unresolved-reference", f"/claims/{c}/verifications/{v}/supersedes")
    if how == "second-author":
        first = next((s for s, source in enumerate(sources) if source["kind"] == "author"), None)
        where = [s for s, source in enumerate(sources) if first is not None and s > first]
        if not where:
            return None
        s = data.draw(st.sampled_from(where))
        sources[s]["kind"] = "author"
        return ("duplicate-author", f"/sources/{s}/kind")
    if how == "name-anonymous":
        where = [s for s, source in enumerate(sources) if source["anonymous"]]
        if not where:
            return None
        s = data.draw(st.sampled_from(where))
        sources[s]["name"] = "Named"
        return ("anonymous-named", f"/sources/{s}/name")
    raise AssertionError(how)


BREAKS = [
    "shift-offset",
    "shift-any-span",
    "wrong-prefix",
    "dangle-reference",
    "duplicate-id",
    "swap-scale",
    "predate-revision",
    "dangle-supersedes",
    "second-author",
    "name-anonymous",
]


@given(json_documents(text=True), st.sampled_from(BREAKS), st.data())
def test_one_break_gives_exactly_one_issue_at_its_pointer(doc: dict[str, Any], how: str, data: st.DataObject) -> None:
    assert [i for i in claimfmt.validate(doc) if i.severity is Severity.ERROR] == []
    expected = _break(doc, how, data)
    assume(expected is not None)
    found = [(i.code, i.pointer) for i in claimfmt.validate(doc) if i.severity is Severity.ERROR]
    assert found == [expected]


# --- fast and reference validators agree ---------------------------------------------


def _places(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in a document, in a fixed order."""
    found: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        for key, child in node.items():
            found.append((node, key))
            found.extend(_places(child))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found.append((node, index))
            found.extend(_places(child))
    return found


_REPLACEMENTS = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            3.0,
            -1,
            "",
            "x\n",
            "2024-01-01 10:00:00Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T12:00:60Z",
            "https://例え.jp/",
            "a b",
            "https://ok.example.org/",
            "2024-02-30",
            "en-GB",
            "e\u0301",
            [],
            {},
        ]
    ),
    st.integers(),
    st.text(max_size=5),
)


@st.composite
def _mutated(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """A small edit anywhere in a document: replace a value, drop a key, add a key."""
    count = len(_places(doc))
    if not count:
        return doc
    index = draw(st.integers(0, count - 1))
    copied = copy.deepcopy(doc)
    container, key = _places(copied)[index]
    action = draw(st.sampled_from(["replace", "drop", "add"]))
    if action == "replace":
        container[key] = draw(_REPLACEMENTS)
    elif action == "drop":
        del container[key]
    elif isinstance(container, dict):
        container["zz-" + str(key)] = draw(_REPLACEMENTS)
    return copied


@given(json_documents().flatmap(lambda d: st.one_of(st.just(d), _mutated(d))))
def test_fast_and_reference_validators_agree(doc: dict[str, Any]) -> None:
    fast = fast_validator(claimfmt.CURRENT_VERSION).is_valid(doc)
    reference = reference_validator(claimfmt.CURRENT_VERSION).is_valid(doc)
    assert fast == reference
    if not fast:
        issues = claimfmt.validate(doc)
        version_codes = {"missing-version", "unsupported-version"}
        assert issues and all(i.code.startswith("schema") or i.code in version_codes for i in issues)
        assert all(i.code != "schema" for i in issues), "every schema error is explained by the reference validator"


EDGE_CASES = [
    ("id with a trailing newline", ["sources", 0, "id"], "ministry\n", False),
    ("3.0 as an integer", ["claims", 0, "spans", 0, "start"], 3.0, True),
    ("a space instead of T", ["article", "published"], "2024-01-01 10:00:00Z", False),
    ("a leap second at 23:59:60 UTC", ["article", "published"], "2016-12-31T23:59:60Z", True),
    ("a leap second at 23:59:60 in another zone", ["article", "published"], "2017-01-01T00:59:60+01:00", True),
    ("a second 60 that is no leap second", ["article", "published"], "2016-12-31T12:00:60Z", False),
    ("a non-ASCII URL", ["article", "url"], "https://例え.jp/記事", False),
    ("a percent-encoded URL", ["article", "url"], "https://xn--r8jz45g.jp/%E8%A8%98", True),
    ("a lower-case t and z", ["article", "published"], "2024-01-01t10:00:00z", True),
    ("February 30", ["article", "published"], "2024-02-30", False),
    ("a date-time with a trailing newline", ["article", "published"], "2024-01-01T10:00:00Z\n", False),
]


# Date-times with each field at the edges of its range and just past them, any zone, now and then a newline.
_DATE_TIMES = st.builds(
    "{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}:{:02d}{}{}{}".format,
    st.sampled_from([0, 1900, 2000, 2023, 2024, 9999]),
    st.sampled_from([1, 2, 12, 0, 13]),
    st.sampled_from([1, 28, 29, 30, 31, 0, 32]),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from([0, 23, 24]),
    st.sampled_from([0, 59, 60]),
    st.sampled_from([0, 59, 60, 61]),
    st.sampled_from(["", ".5", ".123456789", "."]),
    st.sampled_from(["Z", "z", "", "+01:00", "-23:59", "+24:00", "+05:60", "+5:00"]),
    st.sampled_from(["", "\n"]),
)


@settings(max_examples=1000)
@given(_DATE_TIMES)
def test_date_times_are_checked_as_rfc3339_validator_checks_them_to_the_end(value: str) -> None:
    from rfc3339_validator import validate_rfc3339

    from claimfmt.dates import _rfc3339

    expected = bool(validate_rfc3339(value)) and not value.endswith("\n")  # its $ takes a trailing newline
    assert _rfc3339(value) is expected


@pytest.mark.parametrize(("name", "path", "value", "valid"), EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_known_implementation_differences_are_settled(name: str, path: list[Any], value: Any, valid: bool) -> None:
    doc = orjson.loads((CASES / "valid" / "astral-offsets-leap-second" / "document.json").read_bytes())
    target = doc
    for token in path[:-1]:
        target = target[token]
    target[path[-1]] = value
    if path[-1] == "start":
        target["end"] = int(value) + len(target["exact"])
        target["exact"] = doc["article"]["text"][int(value) : target["end"]]
        target.pop("prefix", None)
    assert fast_validator("1.0").is_valid(doc) is valid
    assert reference_validator("1.0").is_valid(doc) is valid


def test_semantic_checks_run_only_on_schema_valid_documents() -> None:
    doc = orjson.loads((CASES / "invalid" / "schema-missing-key" / "document.json").read_bytes())
    assert [i.code for i in claimfmt.validate(doc)] == ["schema-required"]
    assert run_checks(orjson.loads((CASES / "valid" / "empty-lists" / "document.json").read_bytes())) == []


def test_schema_messages_never_dump_the_instance() -> None:
    doc = orjson.loads((CASES / "valid" / "astral-offsets-leap-second" / "document.json").read_bytes())
    doc["article"]["text"] = ["x" * 5000]
    doc["claims"] = {"big": "y" * 5000}
    for issue in claimfmt.validate(doc):
        assert len(issue.message) < 200


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2024-03-01", "2024-03-01T00:00:01Z"),
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.5Z"),
        ("2024-03-01T10:00:00.5Z", "2024-03-01T10:00:01z"),
        ("2024-03-01T10:00:00+05:00", "2024-03-01T06:00:00Z"),
        ("2016-12-31T23:59:59.999Z", "2016-12-31T23:59:60Z"),
        ("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"),
    ],
)
def test_history_sort_key_orders_instants(earlier: str, later: str) -> None:
    assert sort_key(earlier) < sort_key(later)


def test_history_sort_key_equal_instants() -> None:
    assert sort_key("2016-12-31T23:59:60Z") == sort_key("2017-01-01T00:59:60+01:00")
    assert sort_key("2024-03-01T00:00:00Z") == sort_key("2024-03-01") == sort_key("2024-03-01T01:00:00+01:00")


def test_validate_takes_a_path_and_places_each_issue_in_its_file(tmp_path: Path) -> None:
    from claimfmt.structuring import unstructure

    data = unstructure(claimfmt.load(Path(__file__).parent.parent / "examples" / "seed-article.claimfmt.json"))
    broken = {**data, "relations": [{"type": "supports", "from": "c1", "to": "c1"}]}
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(orjson.dumps(data) + b"\n" + orjson.dumps(broken) + b"\n")
    (issue,) = claimfmt.validate(path)
    assert (issue.code, issue.file, issue.line, issue.pointer) == ("self-relation", str(path), 2, "/relations/0/to")
    assert claimfmt.validate(tmp_path) == [issue]
    with pytest.raises(OSError):
        claimfmt.validate(tmp_path / "missing.json")


def test_every_error_claimfmt_raises_on_purpose_is_a_claimfmt_error() -> None:
    from claimfmt.cli import UsageError
    from claimfmt.converters.base import ConversionError
    from claimfmt.converters.offsets import OffsetError

    for cls in (UsageError, ConversionError, OffsetError, claimfmt.DocumentError):
        assert issubclass(cls, claimfmt.ClaimfmtError)


@given(json_documents())
def test_the_quick_span_list_is_the_walk_without_paths(document: dict[str, Any]) -> None:
    # The span check settles most documents on all_spans and walks with paths only when one may be
    # wrong: the two must see the same spans, or a wrong span could slip through unwalked.
    from claimfmt.validators.registry import all_spans, walk_spans

    quick = all_spans(document)
    walked = [span for _, span in walk_spans(document)]
    assert len(quick) == len(walked)
    assert all(a is b for a, b in zip(quick, walked, strict=True))


@given(json_documents(), st.sampled_from([*BREAKS, "none"]), st.data())
def test_the_one_pass_settles_only_what_every_check_passes(doc: dict[str, Any], how: str, data: st.DataObject) -> None:
    """validators/settled.py lets a document skip the checks: only one they would find nothing in, or (its
    article without text) only the warning that its spans went unchecked."""
    from claimfmt.validators.registry import builtin_checks
    from claimfmt.validators.settled import settled, unchecked_spans
    from claimfmt.validators.spans import skipped

    unbroken = how == "none" or _break(doc, how, data) is None
    found = [issue for check in builtin_checks() for issue in check.function(doc)]
    unchecked = unchecked_spans(doc)
    if unchecked is not None:
        assert found == ([skipped(unchecked)] if unchecked else [])
        assert settled(doc) == (unchecked == 0)
    elif unbroken:
        # A valid document is settled in one pass (the fast path is taken), unless it holds a quote-only span
        # and the text, in which the checks place it.
        assert doc["article"].get("text") is not None
        assert any("start" not in span for span in _every_span(doc))


_OFFSET_BREAKS: dict[str, Any] = {
    "a start without its end": lambda span: span.pop("end"),
    "an end without its start": lambda span: span.pop("start"),
    "a negative start": lambda span: span.update(start=-1),
    "an end past 2**63 - 1": lambda span: span.update(end=2**63),
    "a start written 3.0": lambda span: span.update(start=float(span["start"])),
}


@pytest.mark.parametrize("how", [*_OFFSET_BREAKS, "none"])
def test_without_the_text_spans_are_settled_at_once_as_the_schema_has_them(how: str) -> None:
    """An article published without its text: the one pass checks what the schema asks of the offsets."""
    from claimfmt.validators.registry import all_spans
    from claimfmt.validators.settled import unchecked_spans

    doc = orjson.loads((ROOT / "examples" / "seed-article.claimfmt.json").read_bytes())
    del doc["article"]["text"]
    if how != "none":
        _OFFSET_BREAKS[how](doc["claims"][0]["spans"][0])
    found = claimfmt.validate(doc)
    assert found == _the_long_way(doc)
    if how == "none":
        assert [issue.code for issue in found] == ["span-checks-skipped"]
        assert unchecked_spans(doc) == len(all_spans(doc))
    else:
        assert unchecked_spans(doc) is None  # the long way, which says what and where
        assert any(issue.code.startswith("schema") for issue in found) == (how != "a start written 3.0")


def _the_long_way(doc: dict[str, Any]) -> list[Any]:
    """What validate() finds without the one pass: the schema, then every check."""
    from claimfmt.schema_check import schema_issues
    from claimfmt.validators.registry import all_checks, run_checks

    return schema_issues(doc, doc["claimfmt"]) or run_checks(doc, checks=all_checks())


def _every_span(doc: dict[str, Any]) -> list[dict[str, Any]]:
    from claimfmt.validators.registry import all_spans

    return all_spans(doc)


_OFFSET_HOWS = ["drop-start", "drop-end", "negative", "huge", "float"]


@st.composite
def _offsets_broken(draw: st.DrawFn, doc: dict[str, Any], how: str | None = None) -> dict[str, Any]:
    """A copy with one span's offsets broken (``how``, or one drawn) as only the schema's span rules see it."""
    from claimfmt.validators.registry import all_spans

    copied = copy.deepcopy(doc)
    spans = all_spans(copied)
    if not spans:
        return copied
    span = draw(st.sampled_from(spans))
    how = how or draw(st.sampled_from(_OFFSET_HOWS))
    if how == "drop-start":
        span.pop("start", None)
    elif how == "drop-end":
        span.pop("end", None)
    elif how == "negative":
        # A start counted from the text's end, with an end that keeps the length: text.startswith would take it.
        text = copied["article"].get("text") or "x"
        span.pop("prefix", None)
        span.pop("suffix", None)
        span.update(exact=text[-2:], start=-len(text[-2:]), end=0)
    elif how == "huge":
        span["end"] = 2**63
    else:
        span["start"] = float(span.get("start", 0))
    return copied


@given(json_documents().flatmap(lambda d: st.one_of(st.just(d), _mutated(d), _offsets_broken(d))))
def test_the_span_lenient_schema_and_the_one_pass_stand_for_the_whole_schema(doc: dict[str, Any]) -> None:
    """validation leaves the span offset rules to the one pass: together they must be as strict, with the
    article's text or without."""
    from claimfmt.schema_check import span_lenient_validator
    from claimfmt.validators.registry import builtin_checks
    from claimfmt.validators.settled import unchecked_spans

    version = doc.get("claimfmt") if isinstance(doc, dict) else None
    assume(version == claimfmt.CURRENT_VERSION)
    if span_lenient_validator(version).is_valid(doc) and (unchecked := unchecked_spans(doc)) is not None:
        assert fast_validator(version).is_valid(doc)
        found = [issue.code for check in builtin_checks() for issue in check.function(doc)]
        assert found == (["span-checks-skipped"] if unchecked else [])
    assert claimfmt.validate(doc) == _the_long_way(doc)


# --- the compiled pass ----------------------------------------------------------------
# An install compiles validators/settled.py with mypyc where it can (setup.py); these hold the build to its
# source, so that what the tests above prove of the pass holds of both.


def _pass_from_source() -> Any:
    """validators/settled.py as the Python it is written in, whatever the install compiled."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("claimfmt_settled_source", ROOT / "validators" / "settled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_compiled_pass_is_built_from_the_source_there_now() -> None:
    from claimfmt.validators import settled

    built = Path(settled.__file__)
    if built.suffix == ".py":
        return  # installed as Python (no compiler, or CLAIMFMT_COMPILE=0): nothing can be stale
    source = ROOT / "validators" / "settled.py"
    assert built.stat().st_mtime >= source.stat().st_mtime, (
        f"{built.name} is older than {source.name}: `make test` (or pip install -e .) builds it again"
    )


@given(json_documents(), st.data())
def test_the_installed_pass_is_its_source(doc: dict[str, Any], data: st.DataObject) -> None:
    """Compiled or not, the pass says what its Python source says, of the document whole and a claim at a time
    (as claimfmt.large settles a large one): on the document, on it broken each way the checks and the
    schema's span rules know, and mutated."""
    from claimfmt.schema_check import span_lenient_validator
    from claimfmt.validators import settled

    source = _pass_from_source()
    variants = [doc, data.draw(_mutated(doc))]
    variants += [data.draw(_offsets_broken(doc, how)) for how in _OFFSET_HOWS]
    for how in BREAKS if doc["article"].get("text") is not None else ():
        broken = copy.deepcopy(doc)
        if _break(broken, how, data) is not None:
            variants.append(broken)
    ids = [claim["id"] for claim in doc["claims"]]
    if ids:  # a claim related to itself
        variants.append(
            {**doc, "relations": [*doc.get("relations", []), {"type": "restates", "from": ids[0], "to": ids[0]}]}
        )
    if len(ids) > 1:  # a relation given twice
        twice = [{"type": "supports", "from": ids[0], "to": ids[1]}] * 2
        variants.append({**doc, "relations": [*doc.get("relations", []), *twice]})
    lenient = span_lenient_validator(claimfmt.CURRENT_VERSION)
    for variant in variants:
        if not (isinstance(variant, dict) and variant.get("claimfmt") == claimfmt.CURRENT_VERSION):
            continue
        if lenient.is_valid(variant):  # what the pass is given
            assert settled.unchecked_spans(variant) == source.unchecked_spans(variant)
            assert _one_at_a_time(settled, variant) == _one_at_a_time(source, variant)


def _one_at_a_time(module: Any, doc: dict[str, Any]) -> tuple[bool, int] | None:
    head = module.started(doc)
    if head is None:
        return None
    each = all(module.claims_settled(head, [claim]) for claim in doc["claims"])
    return each and module.tail_settled(head, doc), head.unchecked
