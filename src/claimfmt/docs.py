"""Render the reference documentation from its sources of truth.

``docs/schema.md`` comes from the schema's descriptions and ``docs/codes.md``
from :data:`claimfmt.codes.CODES`; a test fails when the files drift from what
this module renders. Regenerate with ``python -m claimfmt.docs``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from claimfmt.codes import CODES
from claimfmt.schemas import schema, schema_versions

__all__ = ["render_codes", "render_schema"]


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        return f"[{name}](#{name})"
    if "const" in node:
        return f'`"{node["const"]}"`'
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        return f"array of {_type(node.get('items', {}))}"
    if kind == "string" and "format" in node:
        return f"string ({node['format']})"
    if "anyOf" in node:
        return "string (" + " or ".join(b.get("format", "?") for b in node["anyOf"]) + ")"
    return str(kind)


def _description(node: dict[str, Any], root: dict[str, Any]) -> str:
    text = node.get("description")
    if text is None and "$ref" in node:
        text = root["$defs"][node["$ref"].removeprefix("#/$defs/")].get("description", "")
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _table(node: dict[str, Any], root: dict[str, Any]) -> list[str]:
    required = set(node.get("required", ()))
    rows = ["| key | type | required | meaning |", "|---|---|---|---|"]
    for key, prop in node.get("properties", {}).items():
        rows.append(f"| `{key}` | {_type(prop)} | {'yes' if key in required else ''} | {_description(prop, root)} |")
    return rows


def render_schema(version: str) -> str:
    """Markdown reference for one schema version."""
    root = schema(version)
    lines = [
        f"# claimfmt {version}: the document schema",
        "",
        f"Generated from `schema/claimfmt-{version}.schema.json` (`$id` {root['$id']}) by "
        "`python -m claimfmt.docs`; edit the schema, not this file.",
        "",
        root["description"],
        "",
        "## document",
        "",
        *_table(root, root),
    ]
    for name, node in root["$defs"].items():
        lines += ["", f"## {name}", "", _description(node, root), ""]
        if "properties" in node:
            lines += _table(node, root)
        else:
            extra = [f"type: {_type(node)}"]
            if "pattern" in node:
                extra.append(f"pattern: `{node['pattern']}`")
            if "propertyNames" in node:
                extra.append(f"keys: `{node['propertyNames']['pattern']}`")
            lines.append("; ".join(extra))
    return "\n".join(lines) + "\n"


def render_codes() -> str:
    """Markdown table of every issue code."""
    lines = [
        "# Issue codes",
        "",
        "Every problem claimfmt reports carries one of these codes. Codes are public API: they never change "
        "meaning, so CI jobs can `--select` and `--ignore` them. Generated from `claimfmt.codes` by "
        "`python -m claimfmt.docs`.",
        "",
        "Schema errors are named `schema-<keyword>` after the JSON Schema keyword that failed.",
        "",
    ]
    group = None
    for code in CODES.values():
        if code.group != group:
            group = code.group
            lines += ["", f"## {group}", "", "| code | severity | meaning | how to fix |", "|---|---|---|---|"]
        lines.append(f"| `{code.code}` | {code.severity.value} | {code.meaning} | {code.fix} |")
    return "\n".join(lines) + "\n"


def outputs(root: Path) -> dict[Path, str]:
    """Every generated file under ``root`` and its content."""
    files = {root / "docs" / "codes.md": render_codes()}
    for version in schema_versions():
        files[root / "docs" / f"schema-{version}.md"] = render_schema(version)
    return files


def main() -> int:
    """Write the generated documentation into ./docs."""
    for path, text in outputs(Path.cwd()).items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
