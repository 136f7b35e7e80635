"""Annotation mappings: which of a tool's types are claims, sources, cues, hedges and attributions.

A mapping is a small TOML or JSON file, validated against
``schema/mapping-1.0.schema.json``. Two ship as presets: ``default`` (the
convention claimfmt's own exports use) and ``polnear`` (PARC/PolNeAR attribution
on news). ``claimfmt convert --mapping FILE`` or ``--preset NAME`` picks one.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import orjson

from claimfmt.converters.base import ConversionError

__all__ = ["AnnotationMapping", "load_mapping", "mapping_schema", "preset", "presets"]


@attrs.frozen(kw_only=True)
class AnnotationMapping:
    """A mapping, read: tool type names for each claimfmt notion."""

    name: str = "custom"
    claim_types: frozenset[str] = frozenset()
    source_types: frozenset[str] = frozenset()
    cue_types: frozenset[str] = frozenset()
    hedge_types: frozenset[str] = frozenset()
    attribution_types: tuple[str, ...] = ()
    source_roles: frozenset[str] = frozenset()
    cue_roles: frozenset[str] = frozenset()
    claim_roles: frozenset[str] = frozenset()
    hedge_roles: frozenset[str] = frozenset()
    attributes: Mapping[str, str] = attrs.field(factory=dict)
    claim_text_note: str | None = None
    #: For spans-jsonl: record keys (text, spans, start, end, label, quote, id) and the offset unit.
    fields: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnnotationMapping:
        """A mapping from its parsed TOML/JSON (already validated)."""
        spans, attribution = data.get("spans", {}), data.get("attribution", {})
        return cls(
            name=data.get("name", "custom"),
            claim_types=frozenset(spans.get("claim", ())),
            source_types=frozenset(spans.get("source", ())),
            cue_types=frozenset(spans.get("cue", ())),
            hedge_types=frozenset(spans.get("hedge", ())),
            attribution_types=tuple(attribution.get("types", ())),
            source_roles=frozenset(attribution.get("source_roles", ())),
            cue_roles=frozenset(attribution.get("cue_roles", ())),
            claim_roles=frozenset(attribution.get("claim_roles", ())),
            hedge_roles=frozenset(attribution.get("hedge_roles", ())),
            attributes=dict(data.get("attributes", {})),
            claim_text_note=data.get("notes", {}).get("claim_text"),
            fields=dict(data.get("fields", {})),
        )

    def first(self, names: frozenset[str] | tuple[str, ...], fallback: str) -> str:
        """The name to write for a notion: the first the mapping lists (sorted), or ``fallback``."""
        if isinstance(names, tuple):
            return names[0] if names else fallback
        return _least(names) if names else fallback


@functools.cache
def _least(names: frozenset[str]) -> str:
    """The first of a set of names, sorted: asked of the same few sets for every span a tool reader reads."""
    return min(names)


@functools.cache
def mapping_schema() -> dict[str, Any]:
    """The JSON Schema mappings are validated against."""
    text = (resources.files("claimfmt") / "schema" / "mapping-1.0.schema.json").read_text(encoding="utf-8")
    value: dict[str, Any] = orjson.loads(text)
    return value


def presets() -> list[str]:
    """The names of the shipped presets."""
    folder = resources.files("claimfmt") / "converters" / "presets"
    return sorted(entry.name.removesuffix(".toml") for entry in folder.iterdir() if entry.name.endswith(".toml"))


@functools.cache
def preset(name: str) -> AnnotationMapping:
    """A shipped preset by name; :class:`ConversionError` names the presets otherwise."""
    if name not in presets():
        raise ConversionError(f"no preset {name!r}; shipped: {', '.join(presets())}")
    text = (resources.files("claimfmt") / "converters" / "presets" / f"{name}.toml").read_text(encoding="utf-8")
    return _checked(tomllib.loads(text), f"preset {name}")


def load_mapping(path: str | Path) -> AnnotationMapping:
    """A mapping file (``.toml`` or ``.json``), validated; :class:`ConversionError` says what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConversionError(f"cannot read mapping {path}: {exc.strerror or exc}") from None
    try:
        data = orjson.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw.decode("utf-8"))
    except (orjson.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConversionError(f"mapping {path} is not valid {path.suffix.lstrip('.') or 'TOML'}: {exc}") from None
    return _checked(data, str(path))


def _checked(data: Any, where: str) -> AnnotationMapping:
    import jsonschema  # only here: it costs more to import than most conversions of one file

    errors = sorted(jsonschema.Draft202012Validator(mapping_schema()).iter_errors(data), key=lambda e: e.path)
    if errors:
        problems = "; ".join(f"/{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
        raise ConversionError(f"mapping {where} is not valid: {problems}")
    return AnnotationMapping.from_json(data)
