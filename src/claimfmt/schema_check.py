"""JSON Schema validation: jsonschema_rs decides, python-jsonschema explains.

The fast validator (compiled once per version, formats on) says whether a
document is valid and where it fails. Only for a failing element does the
reference validator run, on that element alone, to write a message the way
python-jsonschema does (``best_match``, anyOf and oneOf collapsed), without
dumping the instance. The two must agree on validity; where the libraries
differ by default (``$`` before a trailing newline, leap seconds), the
reference validator is adjusted here and a differential test keeps them equal.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from claimfmt.dates import is_date_time
from claimfmt.issues import Issue, escape_pointer_token, json_type
from claimfmt.schemas import registry, schema

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

__all__ = ["fast_validator", "reference_validator", "schema_issues", "span_lenient_validator"]

_EXCERPT = 60


def schema_issues(data: Any, version: str) -> list[Issue]:
    """Every place where ``data`` breaks the schema of ``version`` (empty when valid)."""
    fast = fast_validator(version)
    if fast.is_valid(data):
        return []
    try:
        errors = [(tuple(error.instance_path), error.message) for error in fast.iter_errors(data)]
    except ValueError as exc:
        # jsonschema_rs hands each error its instance as Python values, and cannot past 255 levels (a document
        # with an extension nested that deep): python-jsonschema, which holds the instance itself, finds them.
        if "Recursion limit" not in str(exc):
            raise
        errors = [(tuple(e.absolute_path), e.message) for e in reference_validator(version).iter_errors(data)]
    issues: list[Issue] = []
    seen: set[tuple[str | int, ...]] = set()
    for path, message in errors:
        if path in seen:
            continue
        seen.add(path)
        issues.extend(_explain(data, path, version, fallback=message))
    return issues


@functools.cache
def fast_validator(version: str) -> Any:
    """The jsonschema_rs validator of ``version``'s schema (formats checked), compiled once."""
    return jsonschema_rs.validator_for(schema(version), validate_formats=True)


@functools.cache
def span_lenient_validator(version: str, definition: str | None = None) -> Any:
    """:func:`fast_validator` without what the schema asks of a span's offsets beyond their type.

    That both offsets come together and lie between 0 and 2**63 - 1 costs a quarter of the schema
    check of a document with many spans. ``validators.settled`` makes sure of it for every span it
    settles (each with both offsets, from 0, inside the text), so that the two together may stand for
    the whole schema and the checks on a valid document; a property test holds them to that.
    With ``definition`` (``claim``), the validator of that part of a document alone.
    """
    lenient = copy.deepcopy(schema(version))
    span = lenient["$defs"]["span"]
    span.pop("dependentRequired", None)
    for offset in ("start", "end"):
        span["properties"][offset].pop("minimum", None)
        span["properties"][offset].pop("maximum", None)
    if definition is not None:
        lenient = {"$schema": lenient["$schema"], "$defs": lenient["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema_rs.validator_for(lenient, validate_formats=True)


@functools.cache
def reference_validator(version: str) -> jsonschema.protocols.Validator:
    """python-jsonschema's validator for ``version``, agreeing with the fast one."""
    # Imported here: it only explains failures, and costs more to import than a valid file to check.
    import jsonschema

    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(_date_time)
    cls: Any = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, {"pattern": _ecma_pattern}
    )
    validator: jsonschema.protocols.Validator = cls(schema(version), registry=registry(), format_checker=checker)
    return validator


def _explain(data: Any, path: tuple[str | int, ...], version: str, *, fallback: str) -> Iterator[Issue]:
    pointer = "".join(f"/{escape_pointer_token(token)}" for token in path)
    instance = data
    for token in path:
        instance = instance[token]
    from jsonschema.exceptions import best_match

    validator = reference_validator(version)
    sub = validator.evolve(schema=_subschema(schema(version), path))
    # Errors deeper down have their own place in the fast validator's list.
    here = [error for error in sub.iter_errors(instance) if not error.path]
    if not here:
        yield Issue(code="schema", pointer=pointer, message=fallback[:200])
        return
    for error in here:
        best = best_match([error])
        yield _issue(best, pointer)


def _subschema(root: dict[str, Any], path: Sequence[str | int]) -> dict[str, Any] | bool:
    """The schema that applies to the instance at ``path`` (our schema has no branching structure)."""
    current: dict[str, Any] | bool = root
    for token in path:
        current = _deref(root, current)
        if not isinstance(current, dict):
            return True
        if isinstance(token, int):
            current = current.get("items", True)
        elif token in current.get("properties", {}):
            current = current["properties"][token]
        else:
            current = current.get("additionalProperties", True)
    return _deref(root, current)


def _deref(root: dict[str, Any], node: dict[str, Any] | bool) -> dict[str, Any] | bool:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/$defs/"):
        target = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
        # Keep keywords written beside the $ref (a description), the target wins on conflicts.
        node = {**{k: v for k, v in node.items() if k != "$ref"}, **target}
    return node


def _issue(error: ValidationError, pointer: str) -> Issue:
    keyword = str(error.validator)
    pointer = pointer + "".join(f"/{escape_pointer_token(token)}" for token in error.path)
    # The error's attributes are typed as possibly unset; on a reported error they are set.
    instance: Any = error.instance
    expected: Any = error.validator_value
    subschema: Any = error.schema
    message: str
    if keyword == "required" or keyword == "dependentRequired":
        missing = re.search(r"'(.*)' is a (?:required|dependency)", error.message)
        key = missing.group(1) if missing else "?"
        message = f"required key {key!r} is missing"
        if keyword == "dependentRequired":
            message = f"key {key!r} is required here: start and end come together"
    elif keyword == "additionalProperties":
        extra = sorted(set(instance) - set(subschema.get("properties", {})))
        if len(extra) == 1:
            pointer += f"/{escape_pointer_token(extra[0])}"
        message = f"unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}"
        return Issue(
            code="schema-additional-properties",
            pointer=pointer,
            message=message,
            hint="keep what has no field under a namespaced key in extensions",
        )
    elif keyword == "type":
        message = f"expected {_types(expected)}, got {json_type(instance)} {_excerpt(instance)}"
    elif keyword == "enum":
        message = f"{_excerpt(instance)} is not one of {', '.join(map(str, expected))}"
    elif keyword == "const":
        message = f"expected {expected!r}, got {_excerpt(instance)}"
    elif keyword == "anyOf" and all(sub.validator == "format" for sub in error.context or ()):
        keyword = "format"
        message = f"{_excerpt(instance)} is not an RFC 3339 date or date-time"
    elif keyword == "format":
        message = f"{_excerpt(instance)} is not a valid {expected}"
    elif keyword == "pattern" and "propertyNames" in error.relative_schema_path:
        # jsonschema checks a key as an instance of its own, at the object's path.
        pointer += f"/{escape_pointer_token(instance)}"
        message = f"key {_excerpt(instance)} does not match {expected}"
    elif keyword == "pattern":
        message = f"{_excerpt(instance)} does not match {expected}"
    elif keyword in {"minimum", "maximum", "minLength", "maxLength", "minItems"}:
        message = f"{_excerpt(instance)} breaks {keyword} {expected}"
    else:
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
    return Issue(code=f"schema-{_kebab(keyword)}", pointer=pointer, message=message)


def _kebab(keyword: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", keyword).lower()


def _types(value: Any) -> str:
    names = [value] if isinstance(value, str) else list(value)
    return " or ".join(names)


def _excerpt(value: Any) -> str:
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = repr(value)
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…'"


# --- where python-jsonschema differs from jsonschema_rs by default -----------------


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """Compile an ECMA-262 pattern for Python: ``$`` means the very end, as in ECMA."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(char)
    return re.compile("".join(out))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, _: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _date_time(value: object) -> bool:
    return not isinstance(value, str) or is_date_time(value)
