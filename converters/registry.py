"""The converters claimfmt knows: its own, and those other packages register.

A package adds a format by declaring an entry point in the
``claimfmt.converters`` group whose object is a :class:`Converter` subclass::

    [project.entry-points."claimfmt.converters"]
    myformat = "mypackage.claimfmt_myformat:MyFormat"
"""

from __future__ import annotations

import functools
import importlib

from claimfmt.converters.base import ConversionError, Converter
from claimfmt.plugins import entry_points

__all__ = ["ENTRY_POINT_GROUP", "all_converters", "builtin_names", "get_converter"]

ENTRY_POINT_GROUP = "claimfmt.converters"

# Name -> module and class, imported when the format is first asked for: a conversion loads its
# two converters, not twenty (some import rdflib, spaCy or lxml). A test keeps names and classes in step.
_BUILTIN: dict[str, tuple[str, str]] = {
    "claimfmt": ("claimfmt_json", "ClaimfmtJSON"),
    "w3c": ("w3c", "W3C"),
    "claimreview": ("claimreview", "ClaimReview"),
    "factcheck-api": ("factcheck_api", "FactCheckAPI"),
    "claimskg": ("claimskg", "ClaimsKG"),
    "checkthat": ("checkthat", "CheckThat"),
    "averitec": ("averitec", "AVeriTeC"),
    "fever": ("fever", "FEVER"),
    "liar": ("liar", "LIAR"),
    "brat": ("brat", "Brat"),
    "doccano": ("doccano", "Doccano"),
    "labelstudio": ("labelstudio", "LabelStudio"),
    "webanno-tsv3": ("webanno", "WebAnnoTSV3"),
    "prodigy": ("prodigy", "Prodigy"),
    "spacy": ("spacy_docbin", "SpacyDocBin"),
    "nif": ("nif", "NIF"),
    "uima-xmi": ("uima", "UimaXMI"),
    "uima-json": ("uima", "UimaJSON"),
    "spans-jsonl": ("spans_jsonl", "SpansJSONL"),
    "parquet": ("parquet", "Parquet"),
}


def builtin_names() -> tuple[str, ...]:
    """The names of the formats claimfmt itself converts, without importing their converters."""
    return tuple(_BUILTIN)


@functools.cache
def _builtin(name: str) -> Converter:
    module, cls = _BUILTIN[name]
    converter: Converter = getattr(importlib.import_module(f"claimfmt.converters.{module}"), cls)()
    return converter


@functools.cache
def _plugins() -> dict[str, Converter]:
    found: dict[str, Converter] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        cls = point.load()
        if not (isinstance(cls, type) and issubclass(cls, Converter)):
            raise ConversionError(f"entry point {point.name!r} ({point.value}) is not a claimfmt Converter class")
        if cls.name not in _BUILTIN:  # a plugin cannot replace a built-in format
            found.setdefault(cls.name, cls())
    return found


def all_converters() -> dict[str, Converter]:
    """Every converter by name: the built-in ones, then those from entry points, which cannot replace them."""
    return {**{name: _builtin(name) for name in _BUILTIN}, **_plugins()}


def cache_clear() -> None:
    """Forget the plugins found (tests install and remove them)."""
    _plugins.cache_clear()


def get_converter(name: str) -> Converter:
    """The converter called ``name``; :class:`ConversionError` names the known ones otherwise."""
    if name in _BUILTIN:
        return _builtin(name)
    plugins = _plugins()
    if name in plugins:
        return plugins[name]
    raise ConversionError(f"unknown format {name!r}; known: {', '.join(sorted({*_BUILTIN, *plugins}))}") from None
